/**
 * PullRequestComments: comments of pull requests (GET …/pullRequests/:number/comments, keyset
 * paging on id), per pull request: ProjectId, RepositoryId and PullRequestNumber quals narrow the
 * walk (sources/pull-requests.ts); with a number and a project, no pull request is listed at all.
 * The nested arrays of each comment are the views PullRequestCommentChangeLog, …Notifications
 * and …Stars, which read through the same fetch.
 */
import { col, push, timestamp, userColumns } from '../helpers.js';
import { defineTable } from '../types.js';
import { BOUND_OPS, intBounds } from '../sources/personal.js';
import { pullRequestChildColumns, pullRequestChildCost, pullRequestCommentRows, type PullRequestCommentRow } from '../sources/pull-requests.js';

export default defineTable<PullRequestCommentRow>({
  name: 'PullRequestComments',
  kind: 'table',
  description: 'Comments on pull requests, with their author and times.',
  columns: [
    col('Id', 'BIGINT', 'Comment id.', (r) => r.id, { key: true, readOnly: true, pushdown: push.exact('minId / maxId', BOUND_OPS) }),
    ...pullRequestChildColumns<PullRequestCommentRow>(),
    col('Content', 'VARCHAR', 'Comment text (empty for a comment that only records changes).', (r) => r.content),
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
  examples: ['SELECT CreatedUserName, Content, Created FROM PullRequestComments WHERE ProjectId = 1 AND RepositoryId = 1 AND PullRequestNumber = 3'],
});
