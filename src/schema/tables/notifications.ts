/**
 * Notifications: the signed-in user's inbox (GET /notifications, keyset paging on id, newest
 * first). Id ranges go to minId/maxId and SenderId to senderId.
 */
import { col, push, qualIds, timestamp, userColumns } from '../helpers.js';
import { BOUND_OPS, intBounds } from '../sources/fetch.js';
import { defineTable } from '../types.js';
import type { NotificationJson } from '../sources/personal.js';

export default defineTable<NotificationJson>({
  name: 'Notifications',
  kind: 'view',
  description: "The signed-in user's notifications (inbox), with what they are about and read marks.",
  columns: [
    col('Id', 'BIGINT', 'Notification id (grows with time).', (r) => r.id, { key: true, pushdown: push.exact('minId / maxId', BOUND_OPS) }),
    col('AlreadyRead', 'BOOLEAN', 'Whether the notification was seen in the inbox.', (r) => r.alreadyRead),
    col('ResourceAlreadyRead', 'BOOLEAN', 'Whether the notified issue, comment or pull request was opened since.', (r) => r.resourceAlreadyRead),
    col(
      'Reason',
      'INTEGER',
      'Why: 1 assigned, 2 issue commented, 3 issue added, 4 issue updated, 5 file added, 6 project user added, 9 other, 10 assigned to PR, 11 PR commented, 12 PR added, 13 PR updated, 14 document commented, 15 document comment replied, 17 mentioned in document.',
      (r) => r.reason,
    ),
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.project?.id ?? null, { references: 'Projects.Id' }),
    col('ProjectKey', 'VARCHAR', 'Key of the project.', (r) => r.project?.projectKey ?? null),
    col('IssueId', 'BIGINT', 'Id of the issue, for issue notifications.', (r) => r.issue?.id ?? null, { references: 'Issues.Id' }),
    col('IssueKey', 'VARCHAR', 'Key of the issue.', (r) => r.issue?.issueKey ?? null),
    col('IssueSummary', 'VARCHAR', 'Summary of the issue.', (r) => r.issue?.summary ?? null),
    col('CommentId', 'BIGINT', 'Id of the issue comment, if any.', (r) => r.comment?.id ?? null, { references: 'IssueComments.Id' }),
    col('RepositoryId', 'BIGINT', 'Id of the repository, for pull-request notifications.', (r) => r.repository?.id ?? null, { references: 'Repositories.Id' }),
    col('PullRequestId', 'BIGINT', 'Id of the pull request.', (r) => r.pullRequest?.id ?? null, { references: 'PullRequests.Id' }),
    col('PullRequestNumber', 'BIGINT', 'Number of the pull request within its repository.', (r) => r.pullRequest?.number ?? null),
    col('PullRequestCommentId', 'BIGINT', 'Id of the pull-request comment, if any.', (r) => r.pullRequestComment?.id ?? null, {
      references: 'PullRequestComments.Id',
    }),
    col('DocumentId', 'VARCHAR', 'Id of the document, for document notifications.', (r) => r.document?.id ?? null),
    col('DocumentTitle', 'VARCHAR', 'Title of the document.', (r) => r.document?.title ?? null),
    ...userColumns<NotificationJson>('Sender', 'user whose action caused the notification', (r) => r.sender, {
      id: { pushdown: push.exact('senderId', ['=']) },
    }),
    timestamp<NotificationJson>('Created', 'When the notification arrived.', (r) => r.created),
  ],
  async *list(ctx, quals) {
    const bounds = intBounds(quals, 'Id');
    const senders = qualIds(quals, 'SenderId');
    if (bounds.empty || senders?.length === 0) return;
    // One sender goes to the API; several are filtered by SQL.
    const senderId = senders?.length === 1 ? senders[0] : undefined;
    yield* ctx.api.pagesByKeyset<NotificationJson>(
      '/notifications',
      { senderId },
      {
        signal: ctx.signal,
        ...(bounds.minId !== undefined ? { minId: bounds.minId } : {}),
        ...(bounds.maxId !== undefined ? { maxId: bounds.maxId } : {}),
        ...(ctx.limit !== undefined ? { limit: ctx.limit } : {}),
      },
    );
  },
  cost: () => '1 request per 100 notifications',
  examples: ['SELECT Created, SenderName, Reason, IssueKey FROM Notifications WHERE AlreadyRead = false ORDER BY Created DESC'],
});
