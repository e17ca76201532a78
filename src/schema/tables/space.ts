/** Space: the space itself, one row (GET /space). */
import { col, timestamp, oneRequest } from '../helpers.js';
import { defineTable } from '../types.js';
import type { SpaceJson } from '../sources/space.js';

export default defineTable<SpaceJson>({
  name: 'Space',
  kind: 'view',
  description: 'The space: key, name, owner, language, time zone, formatting.',
  columns: [
    col('SpaceKey', 'VARCHAR', 'Space key (the host name prefix).', (r) => r.spaceKey, { key: true }),
    col('Name', 'VARCHAR', 'Space name.', (r) => r.name),
    col('OwnerId', 'BIGINT', 'Id of the user who owns the space.', (r) => r.ownerId, { references: 'Users.Id' }),
    col('Lang', 'VARCHAR', "Default language ('ja', 'en').", (r) => r.lang),
    col('Timezone', 'VARCHAR', "IANA time zone ('Asia/Tokyo'); Backlog's date-only values are days in it.", (r) => r.timezone),
    col('ReportSendTime', 'VARCHAR', "Time of day the daily report mail is sent ('08:00:00').", (r) => r.reportSendTime),
    col('TextFormattingRule', 'VARCHAR', "Default text formatting: 'backlog' or 'markdown'.", (r) => r.textFormattingRule),
    timestamp<SpaceJson>('Created', 'When the space was created.', (r) => r.created),
    timestamp<SpaceJson>('Updated', 'When the space settings last changed.', (r) => r.updated),
  ],
  async *list(ctx) {
    yield [await ctx.api.get<SpaceJson>('/space', {}, { signal: ctx.signal })];
  },
  cost: () => '1 request',
  requests: oneRequest,
  examples: ['SELECT Name, Timezone FROM Space'],
});
