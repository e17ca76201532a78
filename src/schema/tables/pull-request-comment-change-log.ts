/**
 * PullRequestCommentChangeLog: the field changes recorded on pull-request comments (the
 * comment's nested `changeLog`), one row per change; read through PullRequestComments' fetch.
 */
import { col } from '../helpers.js';
import { pullRequestChildColumns, pullRequestChildCost, pullRequestCommentRows, type PullRequestChild } from '../sources/pull-requests.js';
import { defineTable } from '../types.js';

interface Row extends PullRequestChild {
  commentId: number;
  position: number;
  field: string;
  newValue: string | null;
  originalValue: string | null;
}

export default defineTable<Row>({
  name: 'PullRequestCommentChangeLog',
  kind: 'view',
  description: 'Field changes (status, assignee, summary…) recorded on pull-request comments.',
  columns: [
    col('CommentId', 'BIGINT', 'Id of the comment.', (r) => r.commentId, { key: true, references: 'PullRequestComments.Id' }),
    col('Position', 'INTEGER', 'Order of the change within the comment (0 = first).', (r) => r.position, { key: true }),
    ...pullRequestChildColumns<Row>(),
    col('Field', 'VARCHAR', 'Changed field (status, assignee, issue, summary, description…).', (r) => r.field),
    col('NewValue', 'VARCHAR', 'Value after the change.', (r) => r.newValue),
    col('OriginalValue', 'VARCHAR', 'Value before the change.', (r) => r.originalValue),
  ],
  async *list(ctx, quals) {
    for await (const comments of pullRequestCommentRows(ctx, quals)) {
      yield comments.flatMap((c) =>
        (c.changeLog ?? []).map((l, position) => ({
          commentId: c.id,
          position,
          projectId: c.projectId,
          repositoryId: c.repositoryId,
          pullRequestNumber: c.pullRequestNumber,
          field: l.field,
          newValue: l.newValue,
          originalValue: l.originalValue,
        })),
      );
    }
  },
  cost: (quals) => pullRequestChildCost(quals, ', +1 per 100 comments'),
  examples: ["SELECT PullRequestNumber, NewValue FROM PullRequestCommentChangeLog WHERE ProjectId = 1 AND Field = 'status'"],
});
