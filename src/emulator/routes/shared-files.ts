import type { Route } from '../route.js';

export const SHARED_FILES_ROUTES: Route[] = [];
