/**
 * IssueComments: comments of issues (GET /issues/:id/comments, keyset paging on id), fetched per
 * issue (sources/issue-comments.ts): from IssueId / IssueKey quals, or from the issues a join
 * matched; with neither, the issues are listed first (narrowed by ProjectId) — it works, and
 * EXPLAIN says what it costs.
 *
 * Writes (backlog-api.md §10.3): INSERT posts a comment to the issue named by IssueId or IssueKey
 * (with NotifiedUserIds / AttachmentIds), UPDATE edits Content (Backlog lets only the author edit
 * a comment), DELETE removes it.
 */
import { col, push, timestamp, userColumns } from '../helpers.js';
import { commentCost, listComments, type CommentJson, type CommentRow } from '../sources/issue-comments.js';
import { defineTable } from '../types.js';
import { attachmentIdsInput, issueForInsert, notifiedUserIdsInput, requireAuthor, seg, send, w } from '../writes.js';

export default defineTable<CommentRow>({
  name: 'IssueComments',
  kind: 'table',
  description: 'Comments of issues, with their author and times.',
  columns: [
    col('Id', 'BIGINT', 'Comment id.', (r) => r.id, { key: true, readOnly: true, pushdown: push.exact('minId / maxId, then filtered locally') }),
    col('IssueId', 'BIGINT', 'Id of the commented issue.', (r) => r.issueId, {
      references: 'Issues.Id',
      pushdown: push.exact('path: /issues/:issueId/comments'),
      write: w.insertOnly(),
    }),
    col('IssueKey', 'VARCHAR', 'Key of the commented issue (PROJ-12).', (r) => r.issueKey, {
      pushdown: push.exact('path: /issues/:issueKey/comments'),
      write: w.insertOnly(),
    }),
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.projectId, {
      references: 'Projects.Id',
      readOnly: true,
      pushdown: push.exact('projectId[] of the issue search'),
    }),
    col('Content', 'VARCHAR', 'Comment text (NULL for a comment that only changed fields). Only its author can edit it.', (r) => r.content, {
      write: w.required('content'),
    }),
    ...userColumns<CommentRow>('CreatedUser', 'author', (r) => r.createdUser, { id: { readOnly: true } }),
    timestamp<CommentRow>('Created', 'When the comment was posted.', (r) => r.created, { readOnly: true }),
    timestamp<CommentRow>('Updated', 'When the comment was last edited.', (r) => r.updated, { readOnly: true }),
    col('StarCount', 'INTEGER', 'Number of stars on the comment.', (r) => r.stars?.length ?? 0, { readOnly: true }),
  ],
  list(ctx, quals) {
    return listComments(ctx, quals, { limit: ctx.limit, needKey: ctx.columns.has('IssueKey') });
  },
  cost: (quals) => commentCost(quals),
  writes: {
    insert: {
      required: [['IssueId', 'IssueKey'], 'Content'],
      async run(ctx, { values, form }) {
        // The answer carries issueId but not the key: an IssueId-only row reads the issue once,
        // and only when RETURNING will show the key.
        const issue = await issueForInsert(ctx, values, { key: ctx.returning });
        const comment = await send<CommentJson>(ctx, 'POST', `/issues/${seg(issue.path)}/comments`, form);
        return { ...comment, issueKey: issue.issueKey };
      },
    },
    update: {
      check: (ctx, row) => requireAuthor(ctx, 'IssueComments', row),
      async run(ctx, row, { form }) {
        const comment = await send<CommentJson>(ctx, 'PATCH', `/issues/${seg(row.IssueId ?? row.IssueKey)}/comments/${seg(row.Id)}`, form);
        return { ...comment, issueKey: (row.IssueKey as string | null) ?? null };
      },
    },
    delete: {
      async run(ctx, row) {
        const comment = await send<CommentJson>(ctx, 'DELETE', `/issues/${seg(row.IssueId ?? row.IssueKey)}/comments/${seg(row.Id)}`);
        return { ...comment, issueKey: (row.IssueKey as string | null) ?? null };
      },
    },
    inputs: [notifiedUserIdsInput('insert'), attachmentIdsInput],
  },
  examples: [
    "SELECT * FROM IssueComments WHERE IssueKey = 'WEB-1'",
    'SELECT i.IssueKey, COUNT(c.Id) AS Comments FROM Issues i LEFT JOIN IssueComments c ON c.IssueId = i.Id WHERE i.ProjectId = 1 GROUP BY i.IssueKey',
    "INSERT INTO IssueComments (IssueKey, Content, NotifiedUserIds) VALUES ('WEB-1', '確認しました。', [2]) RETURNING Id",
    "UPDATE IssueComments SET Content = '修正: 確認済み' WHERE IssueKey = 'WEB-1' AND Id = 12",
  ],
});
