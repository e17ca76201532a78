import type { Route } from '../route.js';

export const WIKIS_ROUTES: Route[] = [];
