/** Space: the space itself, one row (GET /space). */
import { col, timestamp } from '../helpers.js';
import { defineTable } from '../types.js';

interface Space {
  spaceKey: string;
  name: string;
  ownerId: number;
  lang: string;
  timezone: string;
  reportSendTime: string;
  textFormattingRule: string;
  created: string;
  updated: string;
}

export default defineTable<Space>({
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
    timestamp<Space>('Created', 'When the space was created.', (r) => r.created),
    timestamp<Space>('Updated', 'When the space settings last changed.', (r) => r.updated),
  ],
  async *list(ctx) {
    yield [await ctx.api.get<Space>('/space', {}, { signal: ctx.signal })];
  },
  cost: () => '1 request',
  examples: ['SELECT Name, Timezone FROM Space'],
});
