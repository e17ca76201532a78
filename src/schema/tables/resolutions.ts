/** Resolutions: the space's fixed resolution list (GET /resolutions). */
import { col, push, oneRequest } from '../helpers.js';
import { defineTable } from '../types.js';
import type { NamedJson } from '../sources/json.js';

export default defineTable<NamedJson>({
  name: 'Resolutions',
  kind: 'view',
  description: "Issue resolutions of the space (0 Fixed, 1 Won't Fix, 2 Invalid, 3 Duplication, 4 Cannot Reproduce).",
  columns: [
    col('Id', 'BIGINT', 'Resolution id.', (r) => r.id, { key: true, pushdown: push.exact('filtered locally (one small list)') }),
    col('Name', 'VARCHAR', 'Resolution name.', (r) => r.name),
  ],
  async *list(ctx) {
    yield await ctx.api.get<NamedJson[]>('/resolutions', {}, { signal: ctx.signal });
  },
  cost: () => '1 request',
  requests: oneRequest,
  examples: ['SELECT * FROM Resolutions'],
});
