import type { Route } from '../route.js';

export const NOTIFICATIONS_ROUTES: Route[] = [];
