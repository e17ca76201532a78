/**
 * Small pieces shared by the wiki, git, document and personal-data tables: integer bounds for
 * keyset paging, keyset walks on a key other than `id`, "the signed-in user unless a UserId qual
 * names others", direct look-ups whose 404 just means "no such row", and tag lists as text.
 */
import { ApiError } from '../../errors.js';
import type { Params } from '../../api/types.js';
import { qualIds } from '../helpers.js';
import type { FetchContext, PushOp, Qual } from '../types.js';

/** Operators `intBounds` turns into exact minId/maxId bounds. */
export const BOUND_OPS: readonly PushOp[] = ['=', '>=', '<=', '>', '<'];

/**
 * Inclusive integer bounds from `=`, `>=`, `>`, `<=`, `<` quals on a positive integer column
 * (minId and maxId of Backlog's keyset endpoints are inclusive). `empty` when nothing can match.
 */
export function intBounds(quals: readonly Qual[], column: string): { minId?: number; maxId?: number; empty: boolean } {
  let min = -Infinity;
  let max = Infinity;
  for (const q of quals) {
    if (q.column !== column) continue;
    const v = Number(q.values[0]);
    if (q.values.length === 0 || !Number.isFinite(v)) continue;
    switch (q.op) {
      case '=':
        if (!Number.isInteger(v)) return { empty: true };
        min = Math.max(min, v);
        max = Math.min(max, v);
        break;
      case '>=':
        min = Math.max(min, Math.ceil(v));
        break;
      case '>':
        min = Math.max(min, Math.floor(v) + 1);
        break;
      case '<=':
        max = Math.min(max, Math.floor(v));
        break;
      case '<':
        max = Math.min(max, Math.ceil(v) - 1);
        break;
      default:
        break;
    }
  }
  if (min > max) return { empty: true };
  return {
    ...(Number.isFinite(min) && min > 0 ? { minId: min } : {}),
    ...(Number.isFinite(max) ? { maxId: max } : {}),
    // Ids and versions start at 1.
    empty: max < 1,
  };
}

/**
 * Keyset paging on a key other than `id` (wiki history pages on `version`): ascending, inclusive
 * bounds, Pagesize (default 100) per request, until a short page or `limit`.
 */
export async function* pagesByKey<T>(
  ctx: FetchContext,
  path: string,
  key: (item: T) => number,
  bounds: { minId?: number; maxId?: number },
  limit?: number,
): AsyncIterable<T[]> {
  const pageSize = ctx.api.pageSize ?? 100;
  let minId = bounds.minId;
  let seen = 0;
  for (;;) {
    const count = limit !== undefined ? Math.min(pageSize, limit - seen) : pageSize;
    if (count <= 0) return;
    const params: Params = { order: 'asc', count, minId, maxId: bounds.maxId };
    const page = await ctx.api.get<T[]>(path, params, { signal: ctx.signal });
    seen += page.length;
    if (page.length > 0) yield page;
    const last = page[page.length - 1];
    if (page.length < count || last === undefined) return;
    minId = key(last) + 1;
  }
}

/** Users named by `=`/`IN` quals on `column`, else the signed-in user (Backlog's lists are per user). */
export async function usersFor(ctx: FetchContext, quals: readonly Qual[], column = 'UserId'): Promise<number[]> {
  return qualIds(quals, column) ?? [(await ctx.myself()).id];
}

/**
 * A direct look-up of a row by its own key (a page by id, a pull request by number): 404 means
 * the row does not exist, so no row and no warning; 403 (feature off, not allowed) is a warning.
 */
export async function lookup<T>(ctx: FetchContext, what: string, fetch: () => Promise<T>): Promise<T | null> {
  try {
    return await fetch();
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    if (e instanceof ApiError && e.status === 403) {
      ctx.warn(`${what} skipped: not allowed or feature turned off (${e.errors[0]?.message ?? e.status})`);
      return null;
    }
    throw e;
  }
}

/** Tag names as one text value, `a, b` (NULL when there are none), so `Tags LIKE '%x%'` works. */
export function tagsText(tags: readonly { name: string }[] | null | undefined): string | null {
  return tags && tags.length > 0 ? tags.map((t) => t.name).join(', ') : null;
}

/** Rows still wanted under a LIMIT hint (undefined = no limit). */
export function remaining(limit: number | undefined, yielded: number): number | undefined {
  return limit === undefined ? undefined : Math.max(0, limit - yielded);
}

/** Backlog's user object as embedded in payloads. */
export interface UserJson {
  id: number;
  userId: string | null;
  name: string | null;
}

/** Backlog's attachment list item (docs/backlog-api.md §7.13). */
export interface AttachmentJson {
  id: number;
  name: string;
  size: number;
  createdUser: UserJson | null;
  created: string;
}

/** Backlog's star (§7.14). */
export interface StarJson {
  id: number;
  comment: string | null;
  url: string;
  title: string;
  presenter: UserJson | null;
  created: string;
}
