import type { Route } from '../route.js';

export const ISSUE_CHILDREN_ROUTES: Route[] = [];
