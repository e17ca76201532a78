/** SpaceNotifications: the space's notice shown to every member, one row (GET /space/notification). */
import { col, timestamp, oneRequest } from '../helpers.js';
import { defineTable } from '../types.js';
import type { SpaceNoticeJson } from '../sources/space.js';

export default defineTable<SpaceNoticeJson>({
  name: 'SpaceNotifications',
  kind: 'view',
  description: 'The notice of the space (the banner administrators set for every member).',
  columns: [
    // One row; its text stands as the key the registry asks every table for.
    col('Content', 'VARCHAR', 'Notice text.', (r) => r.content, { key: true }),
    timestamp<SpaceNoticeJson>('Updated', 'When the notice was last set.', (r) => r.updated),
  ],
  async *list(ctx) {
    yield [await ctx.api.get<SpaceNoticeJson>('/space/notification', {}, { signal: ctx.signal })];
  },
  cost: () => '1 request',
  requests: oneRequest,
  examples: ['SELECT Content, Updated FROM SpaceNotifications'],
});
