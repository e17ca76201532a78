/**
 * Watchings: issues a user watches (GET /users/:userId/watchings, offset paging). Backlog shows a
 * user only their own list, so UserId defaults to the signed-in user; naming someone else gives a
 * warning (403) and no rows. ResourceAlreadyRead and IssueId go to the list's filters.
 * Pages are walked oldest first by creation time, so watchings added meanwhile cannot shift
 * earlier pages.
 */
import { col, push, qualIds, qualValues, skipForbidden, timestamp } from '../helpers.js';
import { defineTable, type Qual } from '../types.js';
import { usersFor } from '../sources/personal.js';

interface Watching {
  id: number;
  resourceAlreadyRead: boolean;
  note: string | null;
  type: string;
  issue: { id: number; projectId: number; issueKey: string; summary: string } | null;
  lastContentUpdated: string | null;
  created: string;
  updated: string;
}

interface Row extends Watching {
  userId: number;
}

/** `resourceAlreadyRead` to send: only when the quals allow exactly one value. */
function readFilter(quals: readonly Qual[]): boolean | undefined | 'none' {
  const values = qualValues(quals, 'ResourceAlreadyRead');
  if (values === undefined) return undefined;
  const flags = [...new Set(values.map((v) => v === true || v === 'true' || v === 1))];
  if (flags.length === 0) return 'none';
  return flags.length === 1 ? flags[0] : undefined;
}

export default defineTable<Row>({
  name: 'Watchings',
  kind: 'table',
  description: 'Issues watched by a user (the signed-in user unless UserId says otherwise), with notes and read marks.',
  columns: [
    col('Id', 'BIGINT', 'Watching id.', (r) => r.id, { key: true, readOnly: true }),
    col('UserId', 'BIGINT', 'Id of the watching user (default: the signed-in user; Backlog shows only your own).', (r) => r.userId, {
      references: 'Users.Id',
      readOnly: true,
      pushdown: push.exact('path: /users/:userId/watchings'),
    }),
    col('ResourceAlreadyRead', 'BOOLEAN', 'Whether the issue was read since it last changed.', (r) => r.resourceAlreadyRead, { readOnly: true, pushdown: push.exact('resourceAlreadyRead', ['=']) }),
    col('Note', 'VARCHAR', 'Note kept with the watching.', (r) => r.note),
    col('Type', 'VARCHAR', 'What is watched ("issue").', (r) => r.type, { readOnly: true }),
    col('IssueId', 'BIGINT', 'Id of the watched issue.', (r) => r.issue?.id ?? null, { references: 'Issues.Id', pushdown: push.exact('issueId[]') }),
    col('IssueKey', 'VARCHAR', 'Key of the watched issue.', (r) => r.issue?.issueKey ?? null, { readOnly: true }),
    col('IssueSummary', 'VARCHAR', 'Summary of the watched issue.', (r) => r.issue?.summary ?? null, { readOnly: true }),
    col('ProjectId', 'BIGINT', 'Id of the watched issue\'s project.', (r) => r.issue?.projectId ?? null, { references: 'Projects.Id', readOnly: true }),
    timestamp<Row>('LastContentUpdated', 'When the watched issue last changed.', (r) => r.lastContentUpdated, { readOnly: true }),
    timestamp<Row>('Created', 'When the watching was added.', (r) => r.created, { readOnly: true }),
    timestamp<Row>('Updated', 'When the watching (its note) was last changed.', (r) => r.updated, { readOnly: true }),
  ],
  async *list(ctx, quals) {
    const read = readFilter(quals);
    const issueIds = qualIds(quals, 'IssueId');
    if (read === 'none' || issueIds?.length === 0) return;
    for (const userId of await usersFor(ctx, quals)) {
      const rows: Row[] = [];
      await skipForbidden(ctx, `watchings of user ${userId}`, async () => {
        const pages = ctx.api.pagesByOffset<Watching>(`/users/${userId}/watchings`, { sort: 'created', order: 'asc', resourceAlreadyRead: read, 'issueId[]': issueIds }, {
          signal: ctx.signal,
          ...(ctx.limit !== undefined ? { limit: ctx.limit } : {}),
        });
        for await (const page of pages) rows.push(...page.map((w) => ({ ...w, userId })));
      }, undefined);
      yield rows;
    }
  },
  cost: (quals) => `${qualIds(quals, 'UserId') ? '' : '1 request for the signed-in user (cached), '}1 request per 100 watchings per user`,
  examples: ['SELECT IssueKey, IssueSummary, Note FROM Watchings WHERE ResourceAlreadyRead = false'],
});
