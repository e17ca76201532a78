/**
 * IssueCommentChangeLog: the field changes recorded on each comment (the comment's `changeLog`
 * array), one row per change. Read through IssueComments (per issue).
 */
import { col, push } from '../helpers.js';
import { commentChildRows, commentCost, type ChangeLogJson, type CommentRow } from '../sources/issue-comments.js';
import { defineTable } from '../types.js';

interface Row {
  comment: CommentRow;
  change: ChangeLogJson;
}

export default defineTable<Row>({
  name: 'IssueCommentChangeLog',
  kind: 'view',
  description: 'Field changes recorded with issue comments: one row per changed field.',
  columns: [
    col('CommentId', 'BIGINT', 'Id of the comment.', (r) => r.comment.id, {
      references: 'IssueComments.Id',
      pushdown: push.exact('minId / maxId, then filtered locally'),
    }),
    col('IssueId', 'BIGINT', 'Id of the issue.', (r) => r.comment.issueId, {
      references: 'Issues.Id',
      pushdown: push.exact('path: /issues/:issueId/comments'),
    }),
    col('Field', 'VARCHAR', 'The changed field (status, assigner, attachment, …).', (r) => r.change.field),
    col('NewValue', 'VARCHAR', 'Value after the change.', (r) => r.change.newValue),
    col('OriginalValue', 'VARCHAR', 'Value before the change.', (r) => r.change.originalValue),
    col('AttachmentId', 'BIGINT', 'Id of the attachment the change is about.', (r) => r.change.attachmentInfo?.id ?? null),
    col(
      'AttachmentName',
      'VARCHAR',
      'Name (or type) of the attachment the change is about.',
      (r) => r.change.attachmentInfo?.name ?? r.change.attachmentInfo?.type ?? null,
    ),
    col('AttributeId', 'BIGINT', 'Id of the custom field the change is about.', (r) => r.change.attributeInfo?.id ?? null, {
      references: 'ProjectCustomFields.Id',
    }),
    col('AttributeTypeId', 'INTEGER', 'Type of that custom field.', (r) => r.change.attributeInfo?.typeId ?? null),
    col('NotificationType', 'VARCHAR', 'Kind of notification the change caused (issue.create…).', (r) => r.change.notificationInfo?.type ?? null),
  ],
  list(ctx, quals) {
    return commentChildRows<Row>(ctx, quals, (comment) => (comment.changeLog ?? []).map((change) => ({ comment, change })));
  },
  cost: (quals) => commentCost(quals),
  examples: ["SELECT CommentId, Field, OriginalValue, NewValue FROM IssueCommentChangeLog WHERE IssueId = 1 AND Field = 'status'"],
});
