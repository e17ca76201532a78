/**
 * Issue JSON text for list responses, cached per issue.
 *
 * Rendering an issue (users, status, custom fields, versions, stars...) costs far more than
 * filtering it, and `GET /issues?count=100` is the hottest endpoint a SQL driver calls. The cache
 * holds the JSON text of each rendered issue and is dropped whenever the store's generation moves
 * (the server moves it around every write request), so a response never shows stale data. It is
 * bounded, so walking every page of a large space does not keep every issue's text alive.
 */
import { issueJson } from '../serialize/core.js';
import type { IssueRec, Store } from '../store.js';
import { childrenByParent } from './filter.js';

const MAX_ENTRIES = 20_000;

interface Cache {
  generation: number;
  texts: Map<IssueRec, string>;
}

const caches = new WeakMap<Store, Cache>();

function cacheFor(store: Store): Cache {
  let cache = caches.get(store);
  if (!cache || cache.generation !== store.generation) {
    cache = { generation: store.generation, texts: new Map() };
    caches.set(store, cache);
  }
  return cache;
}

/** One issue's JSON text (the shape of issueJson without childIssueSummary). */
export function issueText(store: Store, issue: IssueRec): string {
  const cache = cacheFor(store);
  let text = cache.texts.get(issue);
  if (text === undefined) {
    text = JSON.stringify(issueJson(store, issue));
    if (cache.texts.size >= MAX_ENTRIES) cache.texts.clear();
    cache.texts.set(issue, text);
  }
  return text;
}

/** A JSON array of issues, optionally with `childIssueSummary` (direct children) on each. */
export function issuesText(store: Store, issues: readonly IssueRec[], childIssueSummary: boolean): string {
  const children = childIssueSummary ? childrenByParent(store) : null;
  const parts = issues.map((issue) => {
    const text = issueText(store, issue);
    if (!children) return text;
    const kids = children.get(issue.id) ?? [];
    const closed = kids.filter((c) => c.statusId === 4).length;
    // issueJson ends with its last field; the summary is appended as issueJson would.
    return `${text.slice(0, -1)},"childIssueSummary":{"total":${kids.length},"closed":${closed}}}`;
  });
  return `[${parts.join(',')}]`;
}
