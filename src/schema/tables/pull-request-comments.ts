/**
 * PullRequestComments: comments of pull requests (GET …/pullRequests/:number/comments, keyset
 * paging on id), per pull request: ProjectId, RepositoryId and PullRequestNumber quals narrow the
 * walk (sources/pull-requests.ts); with a number and a project, no pull request is listed at all.
 * The nested arrays of each comment are the views PullRequestCommentChangeLog, …Notifications
 * and …Stars, which read through the same fetch.
 *
 * Writes: INSERT posts a comment to the pull request named by ProjectId, RepositoryId and
 * PullRequestNumber; UPDATE edits Content (the author's own comments only). Backlog has no
 * endpoint to delete one.
 */
import { col, push, timestamp, userColumns } from '../helpers.js';
import { BOUND_OPS, intBounds } from '../sources/fetch.js';
import {
  gitProjectForInsert,
  pullRequestChildColumns,
  pullRequestChildCost,
  pullRequestCommentRows,
  pullRequestsUrl,
  type PullRequestCommentJson,
  type PullRequestCommentRow,
} from '../sources/pull-requests.js';
import { defineTable } from '../types.js';
import { attachmentIdsInput, notifiedUserIdsInput, requireAuthor, seg, send, w } from '../writes.js';

/** The comments URL of a pull request, from a row's (or an INSERT's) ProjectId, RepositoryId and PullRequestNumber. */
function commentsUrl(projectId: unknown, row: Readonly<Record<string, unknown>>): string {
  return `${pullRequestsUrl(projectId, row.RepositoryId)}/${seg(row.PullRequestNumber)}/comments`;
}

/** A comment as the API answered it, with where it lives (the columns read these). */
function withParent(c: PullRequestCommentJson, projectId: unknown, row: Readonly<Record<string, unknown>>): PullRequestCommentRow {
  return { ...c, projectId: Number(projectId), repositoryId: Number(row.RepositoryId), pullRequestNumber: Number(row.PullRequestNumber) };
}

export default defineTable<PullRequestCommentRow>({
  name: 'PullRequestComments',
  kind: 'table',
  description: 'Comments on pull requests, with their author and times.',
  columns: [
    col('Id', 'BIGINT', 'Comment id.', (r) => r.id, { key: true, readOnly: true, pushdown: push.exact('minId / maxId', BOUND_OPS) }),
    // The pull request a new comment goes to (INSERT only: comments never move).
    ...pullRequestChildColumns<PullRequestCommentRow>().map((c) => ({ ...c, readOnly: false, write: w.scope() })),
    col('Content', 'VARCHAR', 'Comment text (empty for a comment that only records changes). Only its author can edit it.', (r) => r.content, {
      write: w.required('content'),
    }),
    ...userColumns<PullRequestCommentRow>('CreatedUser', 'author', (r) => r.createdUser, { id: { readOnly: true } }),
    timestamp<PullRequestCommentRow>('Created', 'When the comment was posted.', (r) => r.created, { readOnly: true }),
    timestamp<PullRequestCommentRow>('Updated', 'When the comment was last edited.', (r) => r.updated, { readOnly: true }),
    col('StarCount', 'INTEGER', 'Number of stars on the comment.', (r) => r.stars?.length ?? 0, { readOnly: true }),
  ],
  async *list(ctx, quals) {
    const bounds = intBounds(quals, 'Id');
    if (bounds.empty) return;
    yield* pullRequestCommentRows(ctx, quals, bounds);
  },
  cost: (quals) => pullRequestChildCost(quals, ', +1 per 100 comments'),
  writes: {
    insert: {
      required: ['ProjectId', 'RepositoryId', 'PullRequestNumber', 'Content'],
      async run(ctx, { values, form }) {
        const project = await gitProjectForInsert(ctx, values);
        return withParent(await send<PullRequestCommentJson>(ctx, 'POST', commentsUrl(project.path, values), form), project.path, values);
      },
    },
    update: {
      check: (ctx, row) => requireAuthor(ctx, 'PullRequestComments', row),
      async run(ctx, row, { form }) {
        return withParent(await send<PullRequestCommentJson>(ctx, 'PATCH', `${commentsUrl(row.ProjectId, row)}/${seg(row.Id)}`, form), row.ProjectId, row);
      },
    },
    inputs: [notifiedUserIdsInput('insert'), attachmentIdsInput],
    notes: { delete: 'Backlog has no endpoint to delete a pull-request comment: edit its Content instead.' },
  },
  examples: [
    'SELECT CreatedUserName, Content, Created FROM PullRequestComments WHERE ProjectId = 1 AND RepositoryId = 1 AND PullRequestNumber = 3',
    "INSERT INTO PullRequestComments (ProjectId, RepositoryId, PullRequestNumber, Content) VALUES (1, 1, 3, 'LGTM です') RETURNING Id",
  ],
});
