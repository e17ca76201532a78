import type { Route } from '../route.js';

export const PROJECTS_ROUTES: Route[] = [];
