/**
 * IssueCommentNotifications: who was notified of each comment (the comment's `notifications`
 * array), one row per notified user. Read through IssueComments (per issue).
 */
import { col, push, userColumns } from '../helpers.js';
import { commentChildRows, commentCost, type CommentNotificationJson, type CommentRow } from '../sources/issue-comments.js';
import { defineTable } from '../types.js';

interface Row {
  comment: CommentRow;
  notification: CommentNotificationJson;
}

export default defineTable<Row>({
  name: 'IssueCommentNotifications',
  kind: 'view',
  description: 'Users notified of issue comments: one row per comment and notified user.',
  columns: [
    col('Id', 'BIGINT', 'Notification id.', (r) => r.notification.id, { key: true }),
    col('CommentId', 'BIGINT', 'Id of the comment.', (r) => r.comment.id, {
      references: 'IssueComments.Id',
      pushdown: push.exact('minId / maxId, then filtered locally'),
    }),
    col('IssueId', 'BIGINT', 'Id of the issue.', (r) => r.comment.issueId, {
      references: 'Issues.Id',
      pushdown: push.exact('path: /issues/:issueId/comments'),
    }),
    ...userColumns<Row>('User', 'notified user', (r) => r.notification.user),
    col('AlreadyRead', 'BOOLEAN', 'Whether the user has read the notification.', (r) => r.notification.alreadyRead),
    col('ResourceAlreadyRead', 'BOOLEAN', 'Whether the user has read the issue since.', (r) => r.notification.resourceAlreadyRead),
    col('Reason', 'INTEGER', 'Why the user was notified (1 assigned, 2 commented, 3 added, 4 updated, …).', (r) => r.notification.reason),
  ],
  list(ctx, quals) {
    return commentChildRows<Row>(ctx, quals, (comment) => (comment.notifications ?? []).map((notification) => ({ comment, notification })));
  },
  cost: (quals) => commentCost(quals),
  examples: ['SELECT UserName, COUNT(*) FROM IssueCommentNotifications WHERE IssueId = 1 GROUP BY UserName'],
});
