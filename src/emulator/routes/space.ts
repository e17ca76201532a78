import type { Route } from '../route.js';
import { spaceJson } from '../serialize/core.js';

export const SPACE_ROUTES: Route[] = [
  { method: 'GET', pattern: '/api/v2/space', handler: (ctx) => spaceJson(ctx.store.space) },
];
