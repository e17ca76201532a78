/**
 * Issue JSON text for list responses, cached per issue.
 *
 * Rendering an issue (users, status, custom fields, versions, stars...) costs far more than
 * filtering it, and `GET /issues?count=100` is the hottest endpoint a SQL driver calls. The cache
 * holds the JSON text of each rendered issue and is dropped whenever the store's generation moves
 * (the server moves it around every write request), so a response never shows stale data. It is
 * bounded, so walking every page of a large space does not keep every issue's text alive. Each
 * language has its own texts, as built-in names (status, priority…) follow the reader's language.
 */
import type { Lang } from '../names.js';
import { issueJson } from '../serialize/core.js';
import type { IssueRec, Store } from '../store.js';
import { childrenByParent } from './filter.js';

const MAX_ENTRIES = 20_000;

interface Cache {
  generation: number;
  bytes: Record<Lang, Map<IssueRec, Buffer>>;
}

const caches = new WeakMap<Store, Cache>();

function cacheFor(store: Store): Cache {
  let cache = caches.get(store);
  if (!cache || cache.generation !== store.generation) {
    cache = { generation: store.generation, bytes: { ja: new Map(), en: new Map() } };
    caches.set(store, cache);
  }
  return cache;
}

/**
 * One issue's JSON as UTF-8 bytes (the shape of issueJson without childIssueSummary). Bytes, not
 * strings: a page is then a memcpy of cached buffers, without re-encoding 200 KB of mostly
 * Japanese text per response.
 */
export function issueBytes(store: Store, issue: IssueRec, lang: Lang): Buffer {
  const cache = cacheFor(store).bytes[lang];
  let bytes = cache.get(issue);
  if (bytes === undefined) {
    bytes = Buffer.from(JSON.stringify(issueJson(store, issue, lang)));
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(issue, bytes);
  }
  return bytes;
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/** A JSON array of issues, optionally with `childIssueSummary` (direct children) on each. */
export function issuesBytes(store: Store, issues: readonly IssueRec[], lang: Lang, childIssueSummary: boolean): Buffer {
  const children = childIssueSummary ? childrenByParent(store) : null;
  const parts: Buffer[] = [OPEN];
  issues.forEach((issue, i) => {
    if (i > 0) parts.push(COMMA);
    const bytes = issueBytes(store, issue, lang);
    if (!children) {
      parts.push(bytes);
      return;
    }
    const kids = children.get(issue.id) ?? [];
    const closed = kids.filter((c) => c.statusId === 4).length;
    // issueJson's object ends with '}'; the summary goes in as issueJson would put it.
    parts.push(bytes.subarray(0, bytes.length - 1), Buffer.from(`,"childIssueSummary":{"total":${kids.length},"closed":${closed}}}`));
  });
  parts.push(CLOSE);
  return Buffer.concat(parts);
}
