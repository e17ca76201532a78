/** Priorities: the space's fixed priority list (GET /priorities). */
import { col, push, oneRequest } from '../helpers.js';
import { defineTable } from '../types.js';
import type { NamedJson } from '../sources/json.js';

export default defineTable<NamedJson>({
  name: 'Priorities',
  kind: 'view',
  description: 'Issue priorities of the space (2 High, 3 Normal, 4 Low).',
  columns: [
    col('Id', 'BIGINT', 'Priority id.', (r) => r.id, { key: true, pushdown: push.exact('filtered locally (one small list)') }),
    col('Name', 'VARCHAR', 'Priority name.', (r) => r.name),
  ],
  async *list(ctx) {
    yield await ctx.api.get<NamedJson[]>('/priorities', {}, { signal: ctx.signal });
  },
  cost: () => '1 request',
  requests: oneRequest,
  examples: ['SELECT * FROM Priorities'],
});
