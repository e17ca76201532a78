/**
 * RateLimit (extension): the caller's rate-limit budget per request category (GET /rateLimit),
 * one row each for read, update, search and icon.
 */
import { col, push, oneRequest } from '../helpers.js';
import type { RateLimitBudgetJson, RateLimitJson } from '../sources/space.js';
import { defineTable } from '../types.js';

interface Budget extends RateLimitBudgetJson {
  category: string;
}

export default defineTable<Budget>({
  name: 'RateLimit',
  kind: 'view',
  extension: true,
  description: 'Your rate-limit budget per request category (read, update, search, icon) in the current window.',
  columns: [
    col('Category', 'VARCHAR', "Request category: 'read', 'update', 'search' or 'icon'.", (r) => r.category, {
      key: true,
      pushdown: push.exact('filtered locally (one request)'),
    }),
    col('Limit', 'INTEGER', 'Requests allowed per window.', (r) => r.limit),
    col('Remaining', 'INTEGER', 'Requests left in the current window (this one already counted).', (r) => r.remaining),
    col('Reset', 'TIMESTAMPTZ', 'When the window resets.', (r) => new Date(r.reset * 1000).toISOString()),
  ],
  async *list(ctx) {
    const body = await ctx.api.get<RateLimitJson>('/rateLimit', {}, { signal: ctx.signal });
    yield Object.entries(body.rateLimit).map(([category, b]) => ({ category, ...b }));
  },
  cost: () => '1 request',
  requests: oneRequest,
  examples: ['SELECT Category, Remaining, Reset FROM RateLimit'],
});
