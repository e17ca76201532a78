import type { Route } from '../route.js';

export const DOCUMENTS_ROUTES: Route[] = [];
