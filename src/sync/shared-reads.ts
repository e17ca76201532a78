/**
 * One read of an issue's comments per replicate run. IssueComments and the views over the same
 * comments (IssueCommentChangeLog, IssueCommentNotifications, IssueCommentStars) each page through
 * `/issues/:id/comments` for the same issues; within one run they share the pages the first read,
 * so each changed issue costs one comment read instead of four, and the four tables show one
 * snapshot of its comments. Everything else goes to the client unchanged (a scan that stops early
 * must keep stopping early: only whole, unlimited comment walks are shared).
 */
import type { ApiClient, KeysetOptions, Params } from '../api/types.js';

const SHARED_PATH = /^\/issues\/[^/]+\/comments$/;

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

async function* replay<T>(pages: Promise<T[][]>): AsyncIterable<T[]> {
  for (const page of await pages) yield page;
}

export function sharedCommentReads(api: ApiClient): ApiClient {
  const memo = new Map<string, Promise<unknown[][]>>();
  const pagesByKeyset = <T extends { id: number }>(path: string, params: Params, options?: KeysetOptions): AsyncIterable<T[]> => {
    if (!SHARED_PATH.test(path) || options?.limit !== undefined) return api.pagesByKeyset<T>(path, params, options);
    const key = JSON.stringify([path, params, options?.order ?? null, options?.minId ?? null, options?.maxId ?? null]);
    let pages = memo.get(key) as Promise<T[][]> | undefined;
    if (!pages) {
      pages = collect(api.pagesByKeyset<T>(path, params, options));
      memo.set(key, pages);
      // A failed read is not remembered: the next table asks again (and fails or succeeds itself).
      pages.catch(() => memo.delete(key));
    }
    return replay(pages);
  };
  return new Proxy(api, {
    get(target, prop) {
      if (prop === 'pagesByKeyset') return pagesByKeyset;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
