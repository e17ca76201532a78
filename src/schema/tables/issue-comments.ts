/**
 * IssueComments: comments of issues (GET /issues/:id/comments, keyset paging on id).
 * Comments are fetched per issue: from IssueId / IssueKey quals, or from the issues a join
 * matched (the planner turns those into an IssueId IN (…) qual); with neither, the issues are
 * listed first (narrowed by ProjectId) — it works, and EXPLAIN says what it costs.
 * The views IssueCommentChangeLog, IssueCommentNotifications and IssueCommentStars read comments
 * through `listComments`.
 */
import { col, push, qualIds, skipForbidden, timestamp, userColumns } from '../helpers.js';
import { defineTable, type FetchContext, type Qual } from '../types.js';
import { issueRefs, type UserRef } from './issues.js';

export interface ChangeLog {
  field: string;
  newValue: string | null;
  originalValue: string | null;
  attachmentInfo: { id: number; type?: string | null; name?: string | null } | null;
  attributeInfo: { id: number; typeId: number | null } | null;
  notificationInfo: { type: string } | null;
}

export interface CommentNotification {
  id: number;
  alreadyRead: boolean;
  reason: number;
  user: UserRef | null;
  resourceAlreadyRead: boolean;
}

export interface Star {
  id: number;
  comment: string | null;
  url: string | null;
  title: string | null;
  presenter: UserRef | null;
  created: string | null;
}

export interface Comment {
  id: number;
  projectId: number;
  issueId: number;
  content: string | null;
  createdUser: UserRef | null;
  created: string;
  updated: string | null;
  stars: Star[] | null;
  notifications: CommentNotification[] | null;
  changeLog: ChangeLog[] | null;
}

export interface CommentRow extends Comment {
  issueKey: string | null;
}

/**
 * Comments matching `quals` (on IssueComments' columns: IssueId, IssueKey, ProjectId, Id), as a
 * superset, in pages. A comment Id qual bounds the keyset walk (minId/maxId) and is applied
 * locally; `limit` stops once that many comments are out. `needKey`: fill `issueKey` (one
 * search for named ids).
 */
export async function* listComments(ctx: FetchContext, quals: readonly Qual[], options: { limit?: number; needKey: boolean }): AsyncIterable<CommentRow[]> {
  const commentIds = qualIds(quals, 'Id');
  if (commentIds?.length === 0) return;
  const wanted = commentIds ? new Set(commentIds) : undefined;
  const bounds = commentIds ? { minId: Math.min(...commentIds), maxId: Math.max(...commentIds) } : {};
  let count = 0;
  for await (const issues of issueRefs(ctx, quals, { needId: false, needKey: options.needKey })) {
    for (const issue of issues) {
      const remaining = options.limit === undefined ? undefined : options.limit - count;
      if (remaining !== undefined && remaining <= 0) return;
      const rows: CommentRow[] = [];
      await skipForbidden(ctx, `comments of issue ${issue.issueKey ?? issue.path}`, async () => {
        const pages = ctx.api.pagesByKeyset<Comment>(`/issues/${encodeURIComponent(issue.path)}/comments`, {}, {
          signal: ctx.signal,
          order: 'asc',
          ...bounds,
          // With an id list, some comments in the range are dropped locally: read the whole range.
          limit: wanted ? undefined : remaining,
        });
        for await (const page of pages) {
          for (const c of page) if (!wanted || wanted.has(c.id)) rows.push({ ...c, issueKey: issue.issueKey });
        }
      }, undefined);
      count += rows.length;
      if (rows.length > 0) yield rows;
    }
  }
}

/**
 * Rows of a view over an array of each comment (change log, notifications, stars): reads the
 * comments for the view's quals (IssueId, CommentId) and stops once `ctx.limit` rows are out.
 */
export async function* commentChildRows<T>(ctx: FetchContext, quals: readonly Qual[], rowsOf: (comment: CommentRow) => T[]): AsyncIterable<T[]> {
  const commentQuals = quals.flatMap((q) => (q.column === 'IssueId' ? [q] : q.column === 'CommentId' ? [{ ...q, column: 'Id' }] : []));
  let count = 0;
  for await (const comments of listComments(ctx, commentQuals, { needKey: false })) {
    const rows = comments.flatMap(rowsOf);
    if (rows.length > 0) yield rows;
    count += rows.length;
    if (ctx.limit !== undefined && count >= ctx.limit) return;
  }
}

/** Cost phrase shared by IssueComments and the comment views. */
export function commentCost(quals: readonly Qual[], issueColumn = 'IssueId'): string {
  const named = quals.some((q) => (q.column === issueColumn || q.column === 'IssueKey') && (q.op === '=' || q.op === 'IN'));
  return named
    ? '1 request per named issue, +1 per 100 comments'
    : 'issues listed first (1 search per 100 issues), then 1 request per issue';
}

export default defineTable<CommentRow>({
  name: 'IssueComments',
  kind: 'table',
  description: 'Comments of issues, with their author and times.',
  columns: [
    col('Id', 'BIGINT', 'Comment id.', (r) => r.id, { key: true, readOnly: true, pushdown: push.exact('minId / maxId, then filtered locally') }),
    col('IssueId', 'BIGINT', 'Id of the commented issue.', (r) => r.issueId, { references: 'Issues.Id', pushdown: push.exact('path: /issues/:issueId/comments') }),
    col('IssueKey', 'VARCHAR', 'Key of the commented issue (PROJ-12).', (r) => r.issueKey, { pushdown: push.exact('path: /issues/:issueKey/comments') }),
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.projectId, { references: 'Projects.Id', readOnly: true, pushdown: push.exact('projectId[] of the issue search') }),
    col('Content', 'VARCHAR', 'Comment text (NULL for a comment that only changed fields).', (r) => r.content),
    ...userColumns<CommentRow>('CreatedUser', 'author', (r) => r.createdUser),
    timestamp<CommentRow>('Created', 'When the comment was posted.', (r) => r.created, { readOnly: true }),
    timestamp<CommentRow>('Updated', 'When the comment was last edited.', (r) => r.updated, { readOnly: true }),
    col('StarCount', 'INTEGER', 'Number of stars on the comment.', (r) => r.stars?.length ?? 0, { readOnly: true }),
  ],
  list(ctx, quals) {
    return listComments(ctx, quals, { limit: ctx.limit, needKey: ctx.columns.has('IssueKey') });
  },
  cost: (quals) => commentCost(quals),
  examples: [
    "SELECT * FROM IssueComments WHERE IssueKey = 'WEB-1'",
    'SELECT i.IssueKey, COUNT(c.Id) AS Comments FROM Issues i LEFT JOIN IssueComments c ON c.IssueId = i.Id WHERE i.ProjectId = 1 GROUP BY i.IssueKey',
  ],
});
