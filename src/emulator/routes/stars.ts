import type { Route } from '../route.js';

export const STARS_ROUTES: Route[] = [];
