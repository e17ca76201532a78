/**
 * Request pieces every source shares: a per-project or per-parent request whose 403/404 becomes a
 * warning, a direct look-up whose 404 means "no such row", and integer bounds for keyset walks.
 */
import { ApiError } from '../../errors.js';
import type { FetchContext, PushOp, Qual } from '../types.js';

/**
 * Run a per-project (or per-parent) request, turning "feature off / forbidden" (403, code 5) and
 * "gone" (404) into a warning and no rows, as ARCHITECTURE.md §5 asks.
 */
export async function skipForbidden<T>(ctx: FetchContext, what: string, fetch: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await fetch();
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) {
      ctx.warn(`${what} skipped: ${e.status === 403 ? 'not allowed or feature turned off' : 'not found'} (${e.errors[0]?.message ?? e.status})`);
      return fallback;
    }
    throw e;
  }
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
