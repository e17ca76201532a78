import type { Route } from '../route.js';

export const TEAMS_ROUTES: Route[] = [];
