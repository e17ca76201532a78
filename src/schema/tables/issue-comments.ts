/**
 * IssueComments: comments of issues (GET /issues/:id/comments, keyset paging on id).
 * Comments are fetched per issue: from IssueId / IssueKey quals, or from the issues a join
 * matched (the planner turns those into an IssueId IN (…) qual); with neither, the issues are
 * listed first (narrowed by ProjectId) — it works, and EXPLAIN says what it costs.
 * The views IssueCommentChangeLog, IssueCommentNotifications and IssueCommentStars read comments
 * through `listComments`.
 *
 * Writes (backlog-api.md §10.3): INSERT posts a comment to the issue named by IssueId or IssueKey
 * (with NotifiedUserIds / AttachmentIds), UPDATE edits Content (Backlog lets only the author edit
 * a comment), DELETE removes it.
 */
import { ApiError, SqlError } from '../../errors.js';
import { col, push, qualIds, skipForbidden, timestamp, userColumns } from '../helpers.js';
import { defineTable, type FetchContext, type Qual, type WriteContext, type WriteInput } from '../types.js';
import { send, seg, w } from '../writes.js';
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

// ---- writes ---------------------------------------------------------------------------------

/** The issue a new child row goes to: the path segment to use, and its id and key where known. */
export interface IssueTarget {
  path: string;
  id: number | null;
  issueKey: string | null;
}

/** Issues looked up by the statement running (the context is made once per statement). */
const issueLookups = new WeakMap<WriteContext, Map<string, Promise<{ id: number; issueKey: string }>>>();

function lookUpIssue(ctx: WriteContext, idOrKey: string): Promise<{ id: number; issueKey: string }> {
  let cache = issueLookups.get(ctx);
  if (!cache) issueLookups.set(ctx, (cache = new Map()));
  let found = cache.get(idOrKey);
  if (!found) {
    found = ctx.api.get<{ id: number; issueKey: string }>(`/issues/${seg(idOrKey)}`, {}, { signal: ctx.signal }).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) {
        throw new SqlError(`no issue ${/^\d+$/.test(idOrKey) ? `with id ${idOrKey}` : idOrKey} is visible to this user`, undefined, {
          sqlstate: '23503',
          hint: 'SELECT Id, IssueKey FROM Issues lists the issues you can write to.',
        });
      }
      throw e;
    });
    cache.set(idOrKey, found);
  }
  return found;
}

/**
 * The issue an INSERT names by IssueId or IssueKey (insert-only columns that pick the URL).
 * `need` lists what the API's answer will not tell (the row must show both): when one of those
 * was not given, or when both were given (they must name the same issue), the issue is read
 * once per statement with GET /issues/:idOrKey before anything is written.
 */
export async function issueForInsert(ctx: WriteContext, values: Readonly<Record<string, unknown>>, need: { id?: boolean; key?: boolean } = {}): Promise<IssueTarget> {
  const id = values.IssueId === undefined || values.IssueId === null ? null : Number(values.IssueId);
  const key = values.IssueKey === undefined || values.IssueKey === null ? null : String(values.IssueKey);
  if (id === null && key === null) throw new SqlError('IssueId or IssueKey is needed to create the row', undefined, { sqlstate: '23502' });
  const both = id !== null && key !== null;
  if (!both && !(need.id && id === null) && !(need.key && key === null)) return { path: String(id ?? key), id, issueKey: key };
  const issue = await lookUpIssue(ctx, key ?? String(id));
  if (both && issue.id !== id) {
    throw new SqlError(`IssueId ${String(id)} and IssueKey ${String(key)} name different issues`, undefined, { sqlstate: '23503', hint: 'Give one of them.' });
  }
  return { path: String(issue.id), id: issue.id, issueKey: issue.issueKey };
}

/** Refuse, before sending, an edit Backlog allows only to the author (comments of issues and pull requests). */
export async function requireAuthor(ctx: WriteContext, table: string, row: Readonly<Record<string, unknown>>): Promise<void> {
  const me = await ctx.myself();
  if (row.CreatedUserId !== null && row.CreatedUserId !== undefined && Number(row.CreatedUserId) !== me.id) {
    throw new SqlError(`comment ${String(row.Id)} of ${table} was posted by ${String(row.CreatedUserName ?? `user ${String(row.CreatedUserId)}`)}: Backlog lets only its author edit it`, undefined, {
      sqlstate: '42501',
      hint: 'Narrow the WHERE to your own comments (CreatedUserId = your user id), or sign in as the author.',
    });
  }
}

/** NotifiedUserIds and AttachmentIds of a new comment (issue and pull-request comments, pull requests). */
export const notifiedUserIdsInput = (on?: 'insert' | 'update'): WriteInput => ({
  name: 'NotifiedUserIds',
  type: 'BIGINT[]',
  description: 'Users to notify (project members), as a list [1, 2] or the text \'1,2\'.',
  write: { param: 'notifiedUserId[]', ...(on ? { on } : {}) },
});

export const attachmentIdsInput: WriteInput = {
  name: 'AttachmentIds',
  type: 'BIGINT[]',
  description: 'Files to attach: ids from the PostAttachment procedure (your own uploads of the last hour).',
  write: { param: 'attachmentId[]', on: 'insert' },
};

export default defineTable<CommentRow>({
  name: 'IssueComments',
  kind: 'table',
  description: 'Comments of issues, with their author and times.',
  columns: [
    col('Id', 'BIGINT', 'Comment id.', (r) => r.id, { key: true, readOnly: true, pushdown: push.exact('minId / maxId, then filtered locally') }),
    col('IssueId', 'BIGINT', 'Id of the commented issue.', (r) => r.issueId, { references: 'Issues.Id', pushdown: push.exact('path: /issues/:issueId/comments'), write: w.insertOnly() }),
    col('IssueKey', 'VARCHAR', 'Key of the commented issue (PROJ-12).', (r) => r.issueKey, { pushdown: push.exact('path: /issues/:issueKey/comments'), write: w.insertOnly() }),
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.projectId, { references: 'Projects.Id', readOnly: true, pushdown: push.exact('projectId[] of the issue search') }),
    col('Content', 'VARCHAR', 'Comment text (NULL for a comment that only changed fields). Only its author can edit it.', (r) => r.content, { write: w.required('content') }),
    ...userColumns<CommentRow>('CreatedUser', 'author', (r) => r.createdUser, { id: { readOnly: true } }),
    timestamp<CommentRow>('Created', 'When the comment was posted.', (r) => r.created, { readOnly: true }),
    timestamp<CommentRow>('Updated', 'When the comment was last edited.', (r) => r.updated, { readOnly: true }),
    col('StarCount', 'INTEGER', 'Number of stars on the comment.', (r) => r.stars?.length ?? 0, { readOnly: true }),
  ],
  list(ctx, quals) {
    return listComments(ctx, quals, { limit: ctx.limit, needKey: ctx.columns.has('IssueKey') });
  },
  cost: (quals) => commentCost(quals),
  writes: {
    insert: {
      required: [['IssueId', 'IssueKey'], 'Content'],
      async run(ctx, { values, form }) {
        // The answer carries issueId but not the key: an IssueId-only row reads the issue once,
        // and only when RETURNING will show the key.
        const issue = await issueForInsert(ctx, values, { key: ctx.returning });
        const comment = await send<Comment>(ctx, 'POST', `/issues/${seg(issue.path)}/comments`, form);
        return { ...comment, issueKey: issue.issueKey };
      },
    },
    update: {
      check: (ctx, row) => requireAuthor(ctx, 'IssueComments', row),
      async run(ctx, row, { form }) {
        const comment = await send<Comment>(ctx, 'PATCH', `/issues/${seg(row.IssueId ?? row.IssueKey)}/comments/${seg(row.Id)}`, form);
        return { ...comment, issueKey: (row.IssueKey as string | null) ?? null };
      },
    },
    delete: {
      async run(ctx, row) {
        const comment = await send<Comment>(ctx, 'DELETE', `/issues/${seg(row.IssueId ?? row.IssueKey)}/comments/${seg(row.Id)}`);
        return { ...comment, issueKey: (row.IssueKey as string | null) ?? null };
      },
    },
    inputs: [notifiedUserIdsInput('insert'), attachmentIdsInput],
  },
  examples: [
    "SELECT * FROM IssueComments WHERE IssueKey = 'WEB-1'",
    'SELECT i.IssueKey, COUNT(c.Id) AS Comments FROM Issues i LEFT JOIN IssueComments c ON c.IssueId = i.Id WHERE i.ProjectId = 1 GROUP BY i.IssueKey',
    "INSERT INTO IssueComments (IssueKey, Content, NotifiedUserIds) VALUES ('WEB-1', '確認しました。', [2]) RETURNING Id",
    "UPDATE IssueComments SET Content = '修正: 確認済み' WHERE IssueKey = 'WEB-1' AND Id = 12",
  ],
});
