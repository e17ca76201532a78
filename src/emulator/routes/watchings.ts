import type { Route } from '../route.js';

export const WATCHINGS_ROUTES: Route[] = [];
