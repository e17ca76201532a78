/**
 * Watchings: issues a user watches (GET /users/:userId/watchings, offset paging). Backlog shows a
 * user only their own list, so UserId defaults to the signed-in user; naming someone else gives a
 * warning (403) and no rows. ResourceAlreadyRead and IssueId go to the list's filters.
 * Pages are walked oldest first by creation time, so watchings added meanwhile cannot shift
 * earlier pages.
 *
 * Writes (backlog-api.md §11.6): INSERT watches the issue named by IssueId or IssueKey (for the
 * signed-in user), UPDATE changes the Note, DELETE stops watching. Marking a watched issue read is
 * the MarkWatchingAsRead procedure.
 */
import { col, push, qualIds, qualValues, timestamp } from '../helpers.js';
import { skipForbidden } from '../sources/fetch.js';
import { usersFor } from '../sources/users.js';
import { defineTable, type Qual } from '../types.js';
import { issueForInsert, seg, send, w } from '../writes.js';
import type { WatchingJson } from '../sources/personal.js';

interface Row extends WatchingJson {
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
    col(
      'ResourceAlreadyRead',
      'BOOLEAN',
      'Whether the issue was read since it last changed (set it with the MarkWatchingAsRead procedure).',
      (r) => r.resourceAlreadyRead,
      { readOnly: true, pushdown: push.exact('resourceAlreadyRead', ['=']) },
    ),
    col('Note', 'VARCHAR', "Note kept with the watching ('' when there is none; SET Note = NULL empties it).", (r) => r.note, { write: w.both('note') }),
    col('Type', 'VARCHAR', 'What is watched ("issue").', (r) => r.type, { readOnly: true }),
    col('IssueId', 'BIGINT', 'Id of the watched issue.', (r) => r.issue?.id ?? null, {
      references: 'Issues.Id',
      pushdown: push.exact('issueId[]'),
      write: w.insertOnly(),
    }),
    col('IssueKey', 'VARCHAR', 'Key of the watched issue.', (r) => r.issue?.issueKey ?? null, { write: w.insertOnly() }),
    col('IssueSummary', 'VARCHAR', 'Summary of the watched issue.', (r) => r.issue?.summary ?? null, { readOnly: true }),
    col('ProjectId', 'BIGINT', "Id of the watched issue's project.", (r) => r.issue?.projectId ?? null, { references: 'Projects.Id', readOnly: true }),
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
      await skipForbidden(
        ctx,
        `watchings of user ${userId}`,
        async () => {
          const pages = ctx.api.pagesByOffset<WatchingJson>(
            `/users/${userId}/watchings`,
            { sort: 'created', order: 'asc', resourceAlreadyRead: read, 'issueId[]': issueIds },
            {
              signal: ctx.signal,
              ...(ctx.limit !== undefined ? { limit: ctx.limit } : {}),
            },
          );
          for await (const page of pages) rows.push(...page.map((w) => ({ ...w, userId })));
        },
        undefined,
      );
      yield rows;
    }
  },
  cost: (quals) => `${qualIds(quals, 'UserId') ? '' : '1 request for the signed-in user (cached), '}1 request per 100 watchings per user`,
  writes: {
    insert: {
      required: [['IssueId', 'IssueKey']],
      async run(ctx, { values, form }) {
        // The answer carries the whole issue; only IssueId and IssueKey given together need a check first.
        const issue = await issueForInsert(ctx, values);
        const me = await ctx.myself();
        return { ...(await send<WatchingJson>(ctx, 'POST', '/watchings', { ...form, issueIdOrKey: issue.path })), userId: me.id };
      },
    },
    update: {
      // Rows are always the signed-in user's own (another user's list is refused with a warning).
      async run(ctx, row, { form }) {
        return { ...(await send<WatchingJson>(ctx, 'PATCH', `/watchings/${seg(row.Id)}`, form)), userId: Number(row.UserId) };
      },
    },
    delete: {
      async run(ctx, row) {
        return { ...(await send<WatchingJson>(ctx, 'DELETE', `/watchings/${seg(row.Id)}`)), userId: Number(row.UserId) };
      },
    },
  },
  examples: [
    'SELECT IssueKey, IssueSummary, Note FROM Watchings WHERE ResourceAlreadyRead = false',
    "INSERT INTO Watchings (IssueKey, Note) VALUES ('WEB-1', 'リリース前に確認') RETURNING Id",
  ],
});
