/**
 * `GET /issues` and `GET /issues/count`: the documented filters (backlog-api.md §10.1), the sort
 * keys and offset paging.
 *
 * Performance: a list request walks the issues once with cheap predicates (ordered cheapest first)
 * and, when no `sort` is given, stops as soon as `offset + count` issues matched, because the
 * default order is the table's own id order. With a `sort`, only the matches are sorted. Nothing
 * here reads comments or stars.
 *
 * Decisions where the reference is silent (documented for the driver and its tests):
 * - Default order (no `sort`): newest first, `created` desc with the id as tie-break. Issue ids are
 *   handed out in creation order, so this is id desc, and `order=asc` gives id asc.
 * - Every sort breaks ties by issue id in the same direction, so offset paging never repeats or
 *   skips an issue. Empty values (no assignee, no due date...) sort after every value in `asc`
 *   and before them in `desc` (PostgreSQL's NULLS LAST / NULLS FIRST defaults).
 * - Sort keys: issueType/status/category/version/milestone by the referenced object's
 *   displayOrder then id (several categories: the first by that order); priority by importance
 *   (High > Normal > Low); summary by UTF-16 code units; createdUser/updatedUser/assignee by user
 *   name; attachment/sharedFile/childIssue by how many the issue has; customField_{id} by value
 *   (list fields: the first selected item's displayOrder).
 * - `keyword`: split on white space (ASCII and U+3000); every term must occur, case-insensitively,
 *   in the summary, the description or the issue key. Comments are not searched.
 * - createdSince/Until and updatedSince/Until are calendar days in the space's time zone: Since
 *   = at or after the midnight that starts the day, Until = before the midnight that ends it.
 *   startDate/dueDate filters compare dates; issues without the date never match them.
 * - Custom field filters: `customField_{id}` (text and text-area fields: keyword, same matching as
 *   `keyword`), `customField_{id}_min`/`_max` (numeric fields: numbers; date fields: yyyy-MM-dd;
 *   inclusive; issues without a value never match), `customField_{id}[]` (list, checkbox and
 *   radio fields: item ids, any of them). backlog-js sends arrays of `customField_*` as indexed
 *   keys (`customField_{id}[0]`), so those are accepted too. A field id that does not exist or
 *   belongs to a project the caller cannot see, or a form that does not fit the field's type, is
 *   400 naming the parameter.
 * - `hasDueDate`: only `false` is supported (documented); `true` is 400. `/issues/count` refuses
 *   `hasDueDate` altogether (the stricter reading of backlog-api.md §15.9: a third party saw 400).
 */
import { visibleProjects } from '../access.js';
import { badRequest } from '../errors.js';
import { bool, int, ints, str, strs, type DynamicMatcher, type ParamsSpec } from '../params.js';
import type { Ctx } from '../route.js';
import { statusKey, type CustomFieldRec, type IssueRec, type Store } from '../store.js';
import { isDateOnly, zonedMidnight, addDays } from '../time.js';

export const SORT_KEYS = [
  'issueType',
  'category',
  'version',
  'milestone',
  'summary',
  'status',
  'priority',
  'attachment',
  'sharedFile',
  'created',
  'createdUser',
  'updated',
  'updatedUser',
  'assignee',
  'startDate',
  'dueDate',
  'estimatedHours',
  'actualHours',
  'childIssue',
] as const;

/** Parameters of `GET /issues` and `GET /issues/count` (the count accepts paging and sort too). */
export const ISSUE_FILTER_PARAMS: ParamsSpec = {
  'projectId[]': 'intArray',
  'issueTypeId[]': 'intArray',
  'categoryId[]': 'intArray',
  'versionId[]': 'intArray',
  'milestoneId[]': 'intArray',
  'statusId[]': 'intArray',
  'priorityId[]': 'intArray',
  'assigneeId[]': 'intArray',
  'createdUserId[]': 'intArray',
  'resolutionId[]': 'intArray',
  parentChild: { type: 'int', min: 0, max: 10 },
  attachment: 'bool',
  sharedFile: 'bool',
  sort: 'string',
  order: { type: 'string', oneOf: ['asc', 'desc'] },
  offset: { type: 'int', min: 0 },
  count: { type: 'int', min: 1, max: 100 },
  createdSince: 'date',
  createdUntil: 'date',
  updatedSince: 'date',
  updatedUntil: 'date',
  startDateSince: 'date',
  startDateUntil: 'date',
  dueDateSince: 'date',
  dueDateUntil: 'date',
  hasDueDate: 'bool',
  'id[]': 'intArray',
  'parentIssueId[]': 'intArray',
  keyword: 'string',
  'expand[]': { type: 'stringArray', oneOf: ['childIssueSummary'] },
};

const SEARCH_CUSTOM_RE = /^customField_(\d+)(_min|_max)?(\[\d*\])?$/;

/** Custom field search parameters: `customField_{id}`, `_min`, `_max`, `[]`, `[n]`. */
export const searchCustomFieldMatcher: DynamicMatcher = (name) => SEARCH_CUSTOM_RE.test(name);

type Predicate = (issue: IssueRec) => boolean;
type SortKey = number | string | null;

export interface IssueQuery {
  predicates: Predicate[];
  /** Key function when a `sort` was given; null = id order. */
  sortKey: ((issue: IssueRec) => SortKey) | null;
  desc: boolean;
  offset: number;
  count: number;
  childIssueSummary: boolean;
  sort: string | undefined;
  /** The caller and every filter (not paging or sort): equal signatures select the same issues. */
  signature: string;
}

// ---- helpers -------------------------------------------------------------------------------

/** Keyword terms: white space (incl. the ideographic space) separates terms that must all match. */
export function keywordTerms(keyword: string): string[] {
  return keyword
    .toLowerCase()
    .split(/[\s\u3000]+/)
    .filter((t) => t.length > 0);
}

interface SearchText {
  summary: string;
  description: string;
  key: string;
  lower: string;
}
const searchTexts = new WeakMap<IssueRec, SearchText>();

/** Lower-cased summary + description + key, cached per issue until one of them changes. */
function searchText(store: Store, issue: IssueRec): string {
  const key = `${store.projects.get(issue.projectId)?.projectKey ?? ''}-${issue.keyId}`;
  const cached = searchTexts.get(issue);
  if (cached && cached.summary === issue.summary && cached.description === issue.description && cached.key === key) {
    return cached.lower;
  }
  const lower = `${issue.summary}\n${issue.description}\n${key}`.toLowerCase();
  searchTexts.set(issue, { summary: issue.summary, description: issue.description, key, lower });
  return lower;
}

function setOf(values: number[] | undefined): Set<number> | null {
  return values && values.length > 0 ? new Set(values) : null;
}

function anyIn(ids: number[], set: Set<number>): boolean {
  for (const id of ids) if (set.has(id)) return true;
  return false;
}

/** Direct children by parent id (cached by the store until issues change). */
export function childrenByParent(store: Store): Map<number | null, IssueRec[]> {
  return store.issues.groupBy('parentIssueId', (i) => i.parentIssueId);
}

/** 1 = top level, 2 = child, 3 = grandchild. */
function levelOf(store: Store, issue: IssueRec): number {
  if (issue.parentIssueId === null) return 1;
  const parent = store.issues.get(issue.parentIssueId);
  return parent && parent.parentIssueId !== null ? 3 : 2;
}

function parentChildPredicate(store: Store, mode: number): Predicate | null {
  if (mode === 0) return null;
  const children = childrenByParent(store);
  const hasChildren = (i: IssueRec) => (children.get(i.id)?.length ?? 0) > 0;
  const hasGrandchildren = (i: IssueRec) => (children.get(i.id) ?? []).some(hasChildren);
  switch (mode) {
    case 1: // not a child: top-level or standalone
      return (i) => i.parentIssueId === null;
    case 2: // has a parent: 2nd or 3rd level
      return (i) => i.parentIssueId !== null;
    case 3: // standalone: neither parent nor child
      return (i) => i.parentIssueId === null && !hasChildren(i);
    case 4: // has children (any level)
      return hasChildren;
    case 5: // 3rd level only
      return (i) => i.parentIssueId !== null && levelOf(store, i) === 3;
    case 6: // 2nd level only
      return (i) => i.parentIssueId !== null && levelOf(store, i) === 2;
    case 7: // top-level parents only
      return (i) => i.parentIssueId === null && hasChildren(i);
    case 8: // exclude 3rd level
      return (i) => i.parentIssueId === null || levelOf(store, i) !== 3;
    case 9: // exclude the top of a three-level hierarchy (issues that have grandchildren)
      return (i) => !hasGrandchildren(i);
    case 10: // leaves: a child or grandchild without children
      return (i) => i.parentIssueId !== null && !hasChildren(i);
    default:
      return null;
  }
}

/** A visible custom field by id, or 400 naming the parameter. */
function fieldFor(store: Store, visible: Set<number>, id: number, param: string): CustomFieldRec {
  const field = store.customFields.get(id);
  if (!field || !visible.has(field.projectId)) throw badRequest(`Invalid parameter '${param}': no custom field with id ${id}.`);
  return field;
}

function parseNumber(param: string, raw: string): number {
  if (!/^-?\d+(\.\d+)?$/.test(raw)) throw badRequest(`Invalid parameter '${param}': '${raw}' is not a number.`);
  return Number(raw);
}

function parseDate(param: string, raw: string): string {
  if (!isDateOnly(raw)) throw badRequest(`Invalid parameter '${param}': '${raw}' is not a date in yyyy-MM-dd form.`);
  return raw;
}

function single(param: string, values: string[]): string {
  if (values.length !== 1) throw badRequest(`Invalid parameter '${param}': given ${values.length} times, expected once.`);
  return values[0] as string;
}

function customFieldPredicates(ctx: Ctx, visible: Set<number>): Predicate[] {
  const store = ctx.store;
  const out: Predicate[] = [];
  // Item-id forms of one field ([] and [n]) are merged into one "any of" filter.
  const itemFilters = new Map<number, { param: string; ids: number[] }>();
  for (const [param, values] of ctx.dynamic) {
    const m = SEARCH_CUSTOM_RE.exec(param);
    if (!m) continue;
    const id = Number(m[1]);
    const suffix = m[2];
    const bracket = m[3];
    const field = fieldFor(store, visible, id, param);
    const isText = field.typeId === 1 || field.typeId === 2;
    const isList = field.typeId >= 5;
    if (bracket !== undefined) {
      if (suffix !== undefined || !isList) {
        throw badRequest(`Invalid parameter '${param}': item ids can only be given for list, checkbox and radio fields.`);
      }
      const entry = itemFilters.get(id) ?? { param, ids: [] };
      for (const raw of values) {
        if (raw === '') continue;
        if (!/^\d+$/.test(raw)) throw badRequest(`Invalid parameter '${param}': '${raw}' is not an integer.`);
        entry.ids.push(Number(raw));
      }
      itemFilters.set(id, entry);
      continue;
    }
    if (suffix === undefined) {
      if (!isText) {
        const hint = isList ? `customField_${id}[]` : `customField_${id}_min / customField_${id}_max`;
        throw badRequest(`Invalid parameter '${param}': a keyword applies to text fields only; use ${hint}.`);
      }
      const terms = keywordTerms(single(param, values));
      if (terms.length === 0) continue;
      out.push((i) => {
        const v = i.customFields.get(id);
        if (v?.kind !== 'text' || v.value === null) return false;
        const lower = v.value.toLowerCase();
        return terms.every((t) => lower.includes(t));
      });
      continue;
    }
    const raw = single(param, values);
    const isMin = suffix === '_min';
    if (field.typeId === 3) {
      const bound = parseNumber(param, raw);
      out.push((i) => {
        const v = i.customFields.get(id);
        if (v?.kind !== 'number' || v.value === null) return false;
        return isMin ? v.value >= bound : v.value <= bound;
      });
    } else if (field.typeId === 4) {
      const bound = parseDate(param, raw);
      out.push((i) => {
        const v = i.customFields.get(id);
        if (v?.kind !== 'date' || v.value === null) return false;
        return isMin ? v.value >= bound : v.value <= bound;
      });
    } else {
      throw badRequest(`Invalid parameter '${param}': a range applies to numeric and date fields only.`);
    }
  }
  for (const [id, { ids }] of itemFilters) {
    if (ids.length === 0) continue;
    const set = new Set(ids);
    out.push((i) => {
      const v = i.customFields.get(id);
      return v?.kind === 'items' && anyIn(v.itemIds, set);
    });
  }
  return out;
}

// ---- sorting -------------------------------------------------------------------------------

/** displayOrder then id, as one number (ids stay below 2^20 for settings objects). */
function ordered(displayOrder: number, id: number): number {
  return displayOrder * 1_048_576 + id;
}

function minOrdered(ids: number[], lookup: (id: number) => { displayOrder: number } | undefined): number | null {
  let best: number | null = null;
  for (const id of ids) {
    const o = lookup(id);
    if (!o) continue;
    const k = ordered(o.displayOrder, id);
    if (best === null || k < best) best = k;
  }
  return best;
}

function sortKeyFor(store: Store, sort: string, visible: Set<number>): (issue: IssueRec) => SortKey {
  const userName = (id: number | null) => (id === null ? null : (store.users.get(id)?.name ?? null));
  switch (sort) {
    case 'issueType':
      return (i) => {
        const t = store.issueTypes.get(i.issueTypeId);
        return t ? ordered(t.displayOrder, t.id) : null;
      };
    case 'category':
      return (i) => minOrdered(i.categoryIds, (id) => store.categories.get(id));
    case 'version':
      return (i) => minOrdered(i.versionIds, (id) => store.versions.get(id));
    case 'milestone':
      return (i) => minOrdered(i.milestoneIds, (id) => store.versions.get(id));
    case 'summary':
      return (i) => i.summary;
    case 'status':
      return (i) => {
        const s = store.statuses.get(statusKey(i.projectId, i.statusId));
        return s ? ordered(s.displayOrder, s.id) : null;
      };
    case 'priority':
      // Importance: High (2) > Normal (3) > Low (4).
      return (i) => 10 - i.priorityId;
    case 'attachment':
      return (i) => i.attachmentIds.length;
    case 'sharedFile':
      return (i) => i.sharedFileIds.length;
    case 'created':
      return (i) => i.created;
    case 'updated':
      return (i) => i.updated;
    case 'createdUser':
      return (i) => userName(i.createdUserId);
    case 'updatedUser':
      return (i) => userName(i.updatedUserId);
    case 'assignee':
      return (i) => userName(i.assigneeId);
    case 'startDate':
      return (i) => i.startDate;
    case 'dueDate':
      return (i) => i.dueDate;
    case 'estimatedHours':
      return (i) => i.estimatedHours;
    case 'actualHours':
      return (i) => i.actualHours;
    case 'childIssue': {
      const children = childrenByParent(store);
      return (i) => children.get(i.id)?.length ?? 0;
    }
  }
  const m = /^customField_(\d+)$/.exec(sort);
  if (!m) {
    throw badRequest(`Invalid parameter 'sort': '${sort}' is not one of ${SORT_KEYS.join(', ')}, customField_{id}.`);
  }
  const field = fieldFor(store, visible, Number(m[1]), 'sort');
  const items = new Map(field.items.map((it) => [it.id, it]));
  return (i) => {
    const v = i.customFields.get(field.id);
    if (!v) return null;
    if (v.kind === 'items') return minOrdered(v.itemIds, (id) => items.get(id));
    return v.value;
  };
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (a === b) return 0;
  // Empty values are the largest: last in asc, first in desc.
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- building and running ------------------------------------------------------------------

const NOT_FILTERS = new Set(['offset', 'count', 'expand[]', 'sort', 'order']);

function querySignature(ctx: Ctx): string {
  const pairs = [...ctx.raw].filter(([k]) => !NOT_FILTERS.has(k)).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return `${ctx.user.id}?${pairs.sort().join('&')}`;
}

/** Parse and validate the filters of a list or count request into a query. */
export function buildIssueQuery(ctx: Ctx, mode: 'list' | 'count'): IssueQuery {
  const store = ctx.store;
  const p = ctx.params;
  const tz = store.space.timezone;
  const predicates: Predicate[] = [];

  const visible = new Set(visibleProjects(store, ctx.user).map((pr) => pr.id));
  const projectIds = setOf(ints(p, 'projectId'));
  if (projectIds) {
    predicates.push((i) => projectIds.has(i.projectId) && visible.has(i.projectId));
  } else {
    predicates.push((i) => visible.has(i.projectId));
  }

  const ids = setOf(ints(p, 'id'));
  if (ids) predicates.push((i) => ids.has(i.id));

  const intFilter = (name: string, get: (i: IssueRec) => number | null) => {
    const set = setOf(ints(p, name));
    if (set)
      predicates.push((i) => {
        const v = get(i);
        return v !== null && set.has(v);
      });
  };
  intFilter('issueTypeId', (i) => i.issueTypeId);
  intFilter('statusId', (i) => i.statusId);
  intFilter('priorityId', (i) => i.priorityId);
  intFilter('assigneeId', (i) => i.assigneeId);
  intFilter('createdUserId', (i) => i.createdUserId);
  intFilter('resolutionId', (i) => i.resolutionId);
  intFilter('parentIssueId', (i) => i.parentIssueId);

  const listFilter = (name: string, get: (i: IssueRec) => number[]) => {
    const set = setOf(ints(p, name));
    if (set) predicates.push((i) => anyIn(get(i), set));
  };
  listFilter('categoryId', (i) => i.categoryIds);
  listFilter('versionId', (i) => i.versionIds);
  listFilter('milestoneId', (i) => i.milestoneIds);

  const attachment = bool(p, 'attachment');
  if (attachment !== undefined) predicates.push((i) => i.attachmentIds.length > 0 === attachment);
  const sharedFile = bool(p, 'sharedFile');
  if (sharedFile !== undefined) predicates.push((i) => i.sharedFileIds.length > 0 === sharedFile);

  const hasDueDate = bool(p, 'hasDueDate');
  if (hasDueDate !== undefined) {
    if (mode === 'count') {
      throw badRequest("Invalid parameter 'hasDueDate': not supported by /issues/count.");
    }
    if (hasDueDate) throw badRequest("Invalid parameter 'hasDueDate': only false is supported.");
    predicates.push((i) => i.dueDate === null);
  }

  // Timestamps against the day boundaries in the space's time zone.
  const since = (name: string, get: (i: IssueRec) => number) => {
    const d = str(p, name);
    if (d === undefined) return;
    const from = zonedMidnight(d, tz);
    predicates.push((i) => get(i) >= from);
  };
  const until = (name: string, get: (i: IssueRec) => number) => {
    const d = str(p, name);
    if (d === undefined) return;
    const before = zonedMidnight(addDays(d, 1), tz);
    predicates.push((i) => get(i) < before);
  };
  since('createdSince', (i) => i.created);
  until('createdUntil', (i) => i.created);
  since('updatedSince', (i) => i.updated);
  until('updatedUntil', (i) => i.updated);

  const dateRange = (name: string, get: (i: IssueRec) => string | null, lower: boolean) => {
    const d = str(p, name);
    if (d === undefined) return;
    predicates.push((i) => {
      const v = get(i);
      return v !== null && (lower ? v >= d : v <= d);
    });
  };
  dateRange('startDateSince', (i) => i.startDate, true);
  dateRange('startDateUntil', (i) => i.startDate, false);
  dateRange('dueDateSince', (i) => i.dueDate, true);
  dateRange('dueDateUntil', (i) => i.dueDate, false);

  const parentChild = parentChildPredicate(store, int(p, 'parentChild') ?? 0);
  if (parentChild) predicates.push(parentChild);

  predicates.push(...customFieldPredicates(ctx, visible));

  // The text search is the most expensive predicate, so it runs last.
  const keyword = str(p, 'keyword');
  if (keyword !== undefined) {
    const terms = keywordTerms(keyword);
    if (terms.length > 0) {
      predicates.push((i) => {
        const text = searchText(store, i);
        return terms.every((t) => text.includes(t));
      });
    }
  }

  const sort = str(p, 'sort');
  const sortKey = sort === undefined ? null : sortKeyFor(store, sort, visible);
  return {
    predicates,
    sortKey,
    desc: (str(p, 'order') ?? 'desc') === 'desc',
    offset: int(p, 'offset') ?? 0,
    count: int(p, 'count') ?? 20,
    childIssueSummary: (strs(p, 'expand') ?? []).includes('childIssueSummary'),
    sort,
    signature: querySignature(ctx),
  };
}

interface ResultCache {
  generation: number;
  entries: Map<string, IssueRec[] | number>;
}
const resultCaches = new WeakMap<Store, ResultCache>();
const RESULT_CACHE_ENTRIES = 16;
/** Id-order pages up to this deep are found by an early-exit walk; deeper ones use the cached list. */
const EARLY_EXIT_DEPTH = 2000;

/**
 * Full results (match lists and counts) per query signature, valid for one store generation, so
 * a client paging through offsets or repeating a count does not rescan every issue.
 */
function cachedResult<T extends IssueRec[] | number>(store: Store, key: string, compute: () => T): T {
  let cache = resultCaches.get(store);
  if (!cache || cache.generation !== store.generation) {
    cache = { generation: store.generation, entries: new Map() };
    resultCaches.set(store, cache);
  }
  const hit = cache.entries.get(key);
  if (hit !== undefined) return hit as T;
  const value = compute();
  if (cache.entries.size >= RESULT_CACHE_ENTRIES) cache.entries.delete(cache.entries.keys().next().value as string);
  cache.entries.set(key, value);
  return value;
}

function matches(q: IssueQuery, issue: IssueRec): boolean {
  for (const pred of q.predicates) if (!pred(issue)) return false;
  return true;
}

/** Every match, in the query's order. */
function allMatches(store: Store, q: IssueQuery): IssueRec[] {
  const rows = store.issues.all();
  if (q.sortKey === null) {
    const list: IssueRec[] = [];
    for (const issue of rows) if (matches(q, issue)) list.push(issue);
    return q.desc ? list.reverse() : list;
  }
  const keyOf = q.sortKey;
  const hits: IssueRec[] = [];
  const keys: SortKey[] = [];
  for (const issue of rows) {
    if (!matches(q, issue)) continue;
    hits.push(issue);
    keys.push(keyOf(issue));
  }
  // Positions ascend with issue ids (rows are in id order), so the tie-break compares positions.
  const order = Array.from(hits, (_, k) => k);
  const dir = q.desc ? -1 : 1;
  if (keys.every((k) => k === null || typeof k === 'number')) {
    // Numbers: empty values become +Infinity (the largest, as compareKeys has it).
    const nums = Float64Array.from(keys, (k) => (k === null ? Infinity : (k as number)));
    order.sort((a, b) => {
      const x = nums[a] as number;
      const y = nums[b] as number;
      return dir * (x === y ? a - b : x < y ? -1 : 1);
    });
  } else {
    order.sort((a, b) => dir * (compareKeys(keys[a] as SortKey, keys[b] as SortKey) || a - b));
  }
  return order.map((k) => hits[k] as IssueRec);
}

/** The page of issues a list request asks for. */
export function runIssueQuery(store: Store, q: IssueQuery): IssueRec[] {
  if (q.sortKey === null && q.offset + q.count <= EARLY_EXIT_DEPTH) {
    // Id order, shallow page: walk from the right end and stop once the page is full.
    const rows = store.issues.all();
    const page: IssueRec[] = [];
    let skip = q.offset;
    const n = rows.length;
    for (let k = 0; k < n && page.length < q.count; k++) {
      const issue = rows[q.desc ? n - 1 - k : k] as IssueRec;
      if (!matches(q, issue)) continue;
      if (skip > 0) skip--;
      else page.push(issue);
    }
    return page;
  }
  const list = cachedResult(store, `list:${q.signature}:${q.sort ?? ''}:${q.desc ? 'desc' : 'asc'}`, () => allMatches(store, q));
  return list.slice(q.offset, q.offset + q.count);
}

/** How many issues match (paging and sort ignored). */
export function countIssues(store: Store, q: IssueQuery): number {
  return cachedResult(store, `count:${q.signature}`, () => {
    let n = 0;
    for (const issue of store.issues.all()) if (matches(q, issue)) n++;
    return n;
  });
}
