import type { Route } from '../route.js';

export const GIT_ROUTES: Route[] = [];
