/**
 * PullRequestCommentNotifications: who was notified of each pull-request comment (the comment's
 * nested `notifications`); read through PullRequestComments' fetch.
 */
import { col, userColumns } from '../helpers.js';
import {
  pullRequestChildColumns,
  pullRequestChildCost,
  pullRequestCommentRows,
  type PullRequestChild,
  type PullRequestCommentJson,
} from '../sources/pull-requests.js';
import { defineTable } from '../types.js';

type Notification = NonNullable<PullRequestCommentJson['notifications']>[number];

interface Row extends Notification, PullRequestChild {
  commentId: number;
}

export default defineTable<Row>({
  name: 'PullRequestCommentNotifications',
  kind: 'view',
  description: 'Users notified of pull-request comments, and whether they have read them.',
  columns: [
    col('CommentId', 'BIGINT', 'Id of the comment.', (r) => r.commentId, { references: 'PullRequestComments.Id' }),
    col('Id', 'BIGINT', 'Notification id.', (r) => r.id, { key: true }),
    ...pullRequestChildColumns<Row>(),
    ...userColumns<Row>('User', 'notified user', (r) => r.user),
    col('Reason', 'INTEGER', 'Why the user was notified (11 PR commented, 13 PR updated…).', (r) => r.reason),
    col('AlreadyRead', 'BOOLEAN', 'Whether the notification was seen.', (r) => r.alreadyRead),
    col('ResourceAlreadyRead', 'BOOLEAN', 'Whether the pull request was opened since.', (r) => r.resourceAlreadyRead),
  ],
  async *list(ctx, quals) {
    for await (const comments of pullRequestCommentRows(ctx, quals)) {
      yield comments.flatMap((c) =>
        (c.notifications ?? []).map((n) => ({
          ...n,
          commentId: c.id,
          projectId: c.projectId,
          repositoryId: c.repositoryId,
          pullRequestNumber: c.pullRequestNumber,
        })),
      );
    }
  },
  cost: (quals) => pullRequestChildCost(quals, ', +1 per 100 comments'),
  examples: ['SELECT CommentId, UserName, AlreadyRead FROM PullRequestCommentNotifications WHERE ProjectId = 1 AND RepositoryId = 1'],
});
