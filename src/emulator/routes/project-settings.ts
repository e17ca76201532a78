import type { Route } from '../route.js';

export const PROJECT_SETTINGS_ROUTES: Route[] = [];
