import type { Route } from '../route.js';

export const OAUTH_ROUTES: Route[] = [];
