/** Priorities: the space's fixed priority list (GET /priorities). */
import { col, push } from '../helpers.js';
import { defineTable } from '../types.js';

interface Priority {
  id: number;
  name: string;
}

export default defineTable<Priority>({
  name: 'Priorities',
  kind: 'view',
  description: 'Issue priorities of the space (2 High, 3 Normal, 4 Low).',
  columns: [
    col('Id', 'BIGINT', 'Priority id.', (r) => r.id, { key: true, pushdown: push.exact('filtered locally (one small list)') }),
    col('Name', 'VARCHAR', 'Priority name.', (r) => r.name),
  ],
  async *list(ctx) {
    yield await ctx.api.get<Priority[]>('/priorities', {}, { signal: ctx.signal });
  },
  cost: () => '1 request',
  examples: ['SELECT * FROM Priorities'],
});
