/**
 * PullRequestCommentStars: stars given to pull-request comments (the comment's nested `stars`);
 * read through PullRequestComments' fetch.
 */
import { col, timestamp, userColumns } from '../helpers.js';
import type { StarJson } from '../sources/json.js';
import { pullRequestChildColumns, pullRequestChildCost, pullRequestCommentRows, type PullRequestChild } from '../sources/pull-requests.js';
import { defineTable } from '../types.js';

interface Row extends StarJson, PullRequestChild {
  commentId: number;
}

export default defineTable<Row>({
  name: 'PullRequestCommentStars',
  kind: 'view',
  description: 'Stars given to pull-request comments, with who gave them.',
  columns: [
    col('CommentId', 'BIGINT', 'Id of the starred comment.', (r) => r.commentId, { references: 'PullRequestComments.Id' }),
    col('Id', 'BIGINT', 'Star id.', (r) => r.id, { key: true }),
    ...pullRequestChildColumns<Row>(),
    col('Comment', 'VARCHAR', 'Comment left with the star, if any.', (r) => r.comment),
    col('Url', 'VARCHAR', 'Web URL of the starred comment.', (r) => r.url),
    col('Title', 'VARCHAR', 'Title of the starred item.', (r) => r.title),
    ...userColumns<Row>('Presenter', 'user who gave the star', (r) => r.presenter),
    timestamp<Row>('Created', 'When the star was given.', (r) => r.created),
  ],
  async *list(ctx, quals) {
    for await (const comments of pullRequestCommentRows(ctx, quals)) {
      yield comments.flatMap((c) =>
        (c.stars ?? []).map((s) => ({ ...s, commentId: c.id, projectId: c.projectId, repositoryId: c.repositoryId, pullRequestNumber: c.pullRequestNumber })),
      );
    }
  },
  cost: (quals) => pullRequestChildCost(quals, ', +1 per 100 comments'),
  examples: ['SELECT PresenterName, COUNT(*) AS Given FROM PullRequestCommentStars GROUP BY PresenterName'],
});
