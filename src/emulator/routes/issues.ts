import type { Route } from '../route.js';

export const ISSUES_ROUTES: Route[] = [];
