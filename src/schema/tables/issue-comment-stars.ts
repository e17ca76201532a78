/**
 * IssueCommentStars: the stars given to each comment (the comment's `stars` array), one row per
 * star. Read through IssueComments (per issue).
 */
import { col, push, timestamp, userColumns } from '../helpers.js';
import { commentChildRows, commentCost, type CommentRow } from '../sources/issue-comments.js';
import type { StarJson } from '../sources/json.js';
import { defineTable } from '../types.js';

interface Row {
  comment: CommentRow;
  star: StarJson;
}

export default defineTable<Row>({
  name: 'IssueCommentStars',
  kind: 'view',
  description: 'Stars given to issue comments: one row per star.',
  columns: [
    col('Id', 'BIGINT', 'Star id.', (r) => r.star.id, { key: true }),
    col('CommentId', 'BIGINT', 'Id of the starred comment.', (r) => r.comment.id, {
      references: 'IssueComments.Id',
      pushdown: push.exact('minId / maxId, then filtered locally'),
    }),
    col('IssueId', 'BIGINT', 'Id of the issue.', (r) => r.comment.issueId, {
      references: 'Issues.Id',
      pushdown: push.exact('path: /issues/:issueId/comments'),
    }),
    col('Comment', 'VARCHAR', 'Note given with the star.', (r) => r.star.comment),
    col('Url', 'VARCHAR', 'Web address of the starred comment.', (r) => r.star.url),
    col('Title', 'VARCHAR', 'Title of the starred item.', (r) => r.star.title),
    ...userColumns<Row>('Presenter', 'user who gave the star', (r) => r.star.presenter),
    timestamp<Row>('Created', 'When the star was given.', (r) => r.star.created),
  ],
  list(ctx, quals) {
    return commentChildRows<Row>(ctx, quals, (comment) => (comment.stars ?? []).map((star) => ({ comment, star })));
  },
  cost: (quals) => commentCost(quals),
  examples: ['SELECT PresenterName, COUNT(*) AS Stars FROM IssueCommentStars WHERE IssueId IN (1, 2, 3) GROUP BY PresenterName'],
});
