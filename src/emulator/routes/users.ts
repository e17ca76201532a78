import type { Route } from '../route.js';

export const USERS_ROUTES: Route[] = [];
