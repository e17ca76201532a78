/**
 * Comments of issues (GET /issues/:id/comments, keyset paging on id; docs/backlog-api.md §7.15),
 * shared by IssueComments and the views over each comment's arrays (IssueCommentChangeLog,
 * IssueCommentNotifications, IssueCommentStars). Comments are fetched per issue: from IssueId /
 * IssueKey quals, or from the issues a join matched (the planner turns those into an
 * IssueId IN (…) qual); with neither, the issues are listed first (narrowed by ProjectId).
 */
import { qualIds } from '../helpers.js';
import type { FetchContext, Qual } from '../types.js';
import { skipForbidden } from './fetch.js';
import { issueRefs } from './issues.js';
import type { StarJson, UserJson } from './json.js';

/** A field change recorded with a comment. */
export interface ChangeLogJson {
  field: string;
  newValue: string | null;
  originalValue: string | null;
  attachmentInfo: { id: number; type?: string | null; name?: string | null } | null;
  attributeInfo: { id: number; typeId: number | null } | null;
  notificationInfo: { type: string } | null;
}

/** A user notified of a comment. */
export interface CommentNotificationJson {
  id: number;
  alreadyRead: boolean;
  reason: number;
  user: UserJson | null;
  resourceAlreadyRead: boolean;
}

/** An issue comment (§7.15). */
export interface CommentJson {
  id: number;
  projectId: number;
  issueId: number;
  content: string | null;
  createdUser: UserJson | null;
  created: string;
  updated: string | null;
  stars: StarJson[] | null;
  notifications: CommentNotificationJson[] | null;
  changeLog: ChangeLogJson[] | null;
}

/** A comment with the key of its issue, where known. */
export interface CommentRow extends CommentJson {
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
      await skipForbidden(
        ctx,
        `comments of issue ${issue.issueKey ?? issue.path}`,
        async () => {
          const pages = ctx.api.pagesByKeyset<CommentJson>(
            `/issues/${encodeURIComponent(issue.path)}/comments`,
            {},
            {
              signal: ctx.signal,
              order: 'asc',
              ...bounds,
              // With an id list, some comments in the range are dropped locally: read the whole range.
              limit: wanted ? undefined : remaining,
            },
          );
          for await (const page of pages) {
            for (const c of page) if (!wanted || wanted.has(c.id)) rows.push({ ...c, issueKey: issue.issueKey });
          }
        },
        undefined,
      );
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
export function commentCost(quals: readonly Qual[]): string {
  const named = quals.some((q) => (q.column === 'IssueId' || q.column === 'IssueKey') && (q.op === '=' || q.op === 'IN'));
  return named ? '1 request per named issue, +1 per 100 comments' : 'issues listed first (1 search per 100 issues), then 1 request per issue';
}
