/**
 * The issue search (GET /issues, search rate class, offset paging; GET /issues/:issueKey for a
 * few named keys) and the issue's JSON (docs/backlog-api.md §7.9), shared by Issues and the views
 * and tables of the issue family (IssueCategories, IssueCustomFields, IssueAttachments,
 * IssueComments…), which read issues through `listIssues` / `issueRefs` and so share its pushdowns.
 *
 * Every pushdown narrows one search: id lists, project, type, status, priority, assignee, creator,
 * resolution and parent go to their `…[]` parameters and are exact; date and time ranges become
 * `…Since` / `…Until` widened by a day on each side (the API's time zone for them is unverified,
 * ARCHITECTURE.md §5), so they only narrow to a superset. LIMIT and ORDER BY arrive through the
 * context and stop the paging early.
 */
import type { Params } from '../../api/types.js';
import { hasQual, qualIds, qualValues, toSpaceDate, atLeast, exactly } from '../helpers.js';
import type { FetchContext, Qual, RequestCount, SpaceFacts, StepRead } from '../types.js';
import type { CustomFieldItemJson } from './custom-fields.js';
import { skipForbidden } from './fetch.js';
import type { AttachmentJson, NamedJson, UserJson } from './json.js';
import type { CategoryJson, VersionJson } from './projects.js';
import type { SharedFileJson } from './shared-files.js';

/** An element of `issue.customFields` (§7.10): the value's shape depends on the field type. */
export interface CustomFieldValueJson {
  id: number;
  fieldTypeId: number;
  name: string;
  value: string | number | CustomFieldItemJson | CustomFieldItemJson[] | null;
  otherValue?: string | null;
}

/** An issue (§7.9). */
export interface IssueJson {
  id: number;
  projectId: number;
  issueKey: string;
  keyId: number;
  issueType: NamedJson | null;
  summary: string;
  description: string | null;
  resolution: NamedJson | null;
  priority: NamedJson | null;
  status: NamedJson | null;
  assignee: UserJson | null;
  category: CategoryJson[];
  versions: VersionJson[];
  milestone: VersionJson[];
  startDate: string | null;
  dueDate: string | null;
  estimatedHours: number | null;
  actualHours: number | null;
  parentIssueId: number | null;
  createdUser: UserJson | null;
  created: string;
  updatedUser: UserJson | null;
  updated: string | null;
  customFields: CustomFieldValueJson[];
  attachments: AttachmentJson[];
  sharedFiles: SharedFileJson[];
  stars: unknown[];
}

// ---- pushdown: quals → search parameters -----------------------------------------------------

/** Columns whose `=` / `IN` quals go straight to a `…[]` search parameter. */
const ID_LIST_PARAMS: readonly [column: string, param: string][] = [
  ['IssueTypeId', 'issueTypeId[]'],
  ['StatusId', 'statusId[]'],
  ['PriorityId', 'priorityId[]'],
  ['AssigneeId', 'assigneeId[]'],
  ['CreatedUserId', 'createdUserId[]'],
  ['ResolutionId', 'resolutionId[]'],
  ['ParentIssueId', 'parentIssueId[]'],
];

/** `id[]` values per search request: keeps the URL short (about 1 KB). */
const ID_CHUNK = 100;
/**
 * Up to this many named keys are read one by one. Beyond it, the project list and a count (2
 * requests) decide whether paging the keys' projects is cheaper; with a few keys it rarely is,
 * since a real project's issues take more pages than that.
 */
const KEYS_READ_DIRECTLY = 5;
const DAY_MS = 86_400_000;

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The tightest bounds of range quals on a column, compared by `toKey` (values it rejects are skipped). */
function bounds<T extends string | number>(quals: readonly Qual[], column: string, toKey: (v: unknown) => T | undefined): { min?: T; max?: T } {
  const out: { min?: T; max?: T } = {};
  for (const q of quals) {
    if (q.column !== column) continue;
    const v = toKey(q.values[0]);
    if (v === undefined) continue;
    if ((q.op === '>=' || q.op === '>' || q.op === '=') && (out.min === undefined || v > out.min)) out.min = v;
    if ((q.op === '<=' || q.op === '<' || q.op === '=') && (out.max === undefined || v < out.max)) out.max = v;
  }
  return out;
}

const ZONED = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * The space's calendar day of a TIMESTAMPTZ qual value. A value with a zone (`…Z`, `…+09`,
 * `…-08:00`) is converted; one without is a local time of the SQL session, whose zone is the
 * space's, so its date part is the day.
 */
function spaceDay(v: unknown, timeZone: string): string | undefined {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(v)) return undefined;
  const m = ZONED.exec(v.trim());
  if (!m) return v.slice(0, 10);
  const zone = m[3] as string;
  const offset = /^[+-]\d{2}$/.test(zone) ? `${zone}:00` : zone;
  const ms = Date.parse(`${m[1]}T${m[2]}${offset}`);
  return Number.isNaN(ms) ? undefined : (toSpaceDate(new Date(ms).toISOString(), timeZone) ?? undefined);
}

const asDate = (v: unknown): string | undefined => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

/**
 * `…Since` / `…Until` for a TIMESTAMPTZ range: the calendar days in the space's zone, one day
 * wider on each side, so whatever zone Backlog reads them in, the rows SQL keeps are inside.
 */
function timeRangeParams(ctx: FetchContext, quals: readonly Qual[], column: string, prefix: string, params: Params): void {
  const { min, max } = bounds(quals, column, (v) => spaceDay(v, ctx.env.timezone));
  if (min !== undefined) params[`${prefix}Since`] = shiftDate(min, -1);
  if (max !== undefined) params[`${prefix}Until`] = shiftDate(max, 1);
}

/** The same for a DATE column (Backlog's date-only fields), also widened by a day. */
function dateRangeParams(quals: readonly Qual[], column: string, prefix: string, params: Params): void {
  const { min, max } = bounds(quals, column, asDate);
  if (min !== undefined) params[`${prefix}Since`] = shiftDate(min, -1);
  if (max !== undefined) params[`${prefix}Until`] = shiftDate(max, 1);
}

interface SearchPlan {
  /** Filters for every search request (no paging, no sort). */
  params: Params;
  /** Issue ids named by Id quals. */
  ids?: number[];
  /** Issue keys named by IssueKey quals (looked up, or filtered locally). */
  keys?: string[];
}

/** The search a set of Issues quals asks for, or null when no issue can match. */
async function planSearch(ctx: FetchContext, quals: readonly Qual[]): Promise<SearchPlan | null> {
  const params: Params = {};
  const plan: SearchPlan = { params };

  const ids = qualIds(quals, 'Id');
  if (ids?.length === 0) return null;
  if (ids) plan.ids = ids;

  const keys = qualValues(quals, 'IssueKey')?.map(String);
  if (keys?.length === 0) return null;
  if (keys) plan.keys = keys;

  let projectIds = qualIds(quals, 'ProjectId');
  const projectKeys = qualValues(quals, 'ProjectKey')?.map(String);
  if (projectKeys) {
    const byKey = (await ctx.projects()).filter((p) => projectKeys.includes(p.projectKey)).map((p) => p.id);
    projectIds = projectIds === undefined ? byKey : projectIds.filter((id) => byKey.includes(id));
  }
  if (projectIds?.length === 0) return null;
  if (projectIds) params['projectId[]'] = projectIds;

  for (const [column, param] of ID_LIST_PARAMS) {
    const values = qualIds(quals, column);
    if (values?.length === 0) return null;
    if (values) params[param] = values;
  }

  // parentChild: 1 = not a child issue, 2 = a child issue (both readings of the docs agree).
  const noParent = hasQual(quals, 'ParentIssueId', 'IS NULL');
  const hasParent = hasQual(quals, 'ParentIssueId', 'IS NOT NULL');
  if (noParent && hasParent) return null;
  if (noParent) params.parentChild = 1;
  if (hasParent) params.parentChild = 2;

  timeRangeParams(ctx, quals, 'Created', 'created', params);
  timeRangeParams(ctx, quals, 'Updated', 'updated', params);
  dateRangeParams(quals, 'StartDate', 'startDate', params);
  dateRangeParams(quals, 'DueDate', 'dueDate', params);
  if (hasQual(quals, 'DueDate', 'IS NULL')) params.hasDueDate = false;
  return plan;
}

// ---- ORDER BY -------------------------------------------------------------------------------

interface SortSpec {
  sort: string;
  /** The value the API sorts by, to spot ties and empty values while paging. */
  value: (issue: IssueJson) => string | number | null;
  nullable: boolean;
}

const SORTS: Record<string, SortSpec> = {
  Created: { sort: 'created', value: (i) => i.created, nullable: false },
  Updated: { sort: 'updated', value: (i) => i.updated, nullable: false },
  // Ids are handed out in creation order; ties in `created` (same second) are read past, below.
  Id: { sort: 'created', value: (i) => i.created, nullable: false },
  StartDate: { sort: 'startDate', value: (i) => i.startDate, nullable: true },
  DueDate: { sort: 'dueDate', value: (i) => i.dueDate, nullable: true },
  EstimatedHours: { sort: 'estimatedHours', value: (i) => i.estimatedHours, nullable: true },
  ActualHours: { sort: 'actualHours', value: (i) => i.actualHours, nullable: true },
};

/**
 * The API `sort` name for an Issues column the planner may push as ORDER BY (with a LIMIT), or
 * undefined; the table's `orderable` lists the same columns (ISSUE_ORDERABLE). Only timestamps,
 * dates and numbers: the API's collation for text is unverified (ARCHITECTURE.md §5). Where the
 * API puts empty values is unverified too, so `listIssues` counts only rows with a value towards
 * the limit and reads on until it has enough of them: the result is right for SQL's default
 * NULLS LAST in either direction; the planner must not push an explicit NULLS FIRST.
 */
export function issueSortKey(column: string): string | undefined {
  return SORTS[column]?.sort;
}

/** The Issues columns `issueSortKey` knows: the table's `orderable`. */
export const ISSUE_ORDERABLE: readonly string[] = Object.keys(SORTS);

// ---- fetching -------------------------------------------------------------------------------

export interface IssueListOptions {
  /** Stop once this many issues (after `orderBy`) are certain; child views pass none. */
  limit?: number;
  /** ORDER BY pushed with `limit` (Issues columns). */
  orderBy?: readonly { column: string; desc: boolean }[];
  /** More search parameters for every search request (`attachment: true`…). */
  params?: Params;
}

interface SearchOptions {
  limit: number | undefined;
  orderBy: readonly { column: string; desc: boolean }[];
  /** A local filter (issue keys) applied before rows count towards the limit. */
  filter?: (issue: IssueJson) => boolean;
}

/** One paged search: the given filters, the pushed order (default: oldest first), early stop. */
async function* search(ctx: FetchContext, params: Params, options: SearchOptions): AsyncIterable<IssueJson[]> {
  const first = options.orderBy[0];
  const spec = first ? SORTS[first.column] : undefined;
  const sorted: Params = spec && first ? { ...params, sort: spec.sort, order: first.desc ? 'desc' : 'asc' } : { ...params, sort: 'created', order: 'asc' };
  const { limit, filter } = options;
  // A later ORDER BY key, or Id (sorted through `created`), needs the rows tied with the last one.
  const ties = spec !== undefined && (options.orderBy.length > 1 || first?.column === 'Id');
  const nullable = spec?.nullable ?? false;

  if (limit === undefined || (!filter && !ties && !nullable)) {
    for await (const page of ctx.api.pagesByOffset<IssueJson>('/issues', sorted, { limit, signal: ctx.signal })) {
      const rows = filter ? page.filter(filter) : page;
      if (rows.length > 0) yield rows;
    }
    return;
  }

  const pageSize = ctx.api.pageSize ?? 100;
  let offset = 0;
  let counted = 0;
  let reached = false;
  let boundary: string | number | null = null;
  for (;;) {
    // The first page asks for just the limit (one more to see past the last row when ties
    // matter); pages after it (empty values, ties, key filter) are full.
    const count = offset === 0 && !filter ? Math.min(ties ? limit + 1 : limit, pageSize) : pageSize;
    const page = await ctx.api.get<IssueJson[]>('/issues', { ...sorted, offset, count }, { signal: ctx.signal });
    const rows: IssueJson[] = [];
    let done = false;
    for (const issue of page) {
      if (filter && !filter(issue)) continue;
      const value = spec ? spec.value(issue) : null;
      if (reached) {
        if (value !== boundary) {
          done = true;
          break;
        }
        rows.push(issue);
        continue;
      }
      rows.push(issue);
      if (nullable && value === null) continue;
      counted++;
      if (counted >= limit) {
        reached = true;
        boundary = value;
        if (!ties) {
          done = true;
          break;
        }
      }
    }
    if (rows.length > 0) yield rows;
    if (done || page.length < count) return;
    offset += page.length;
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const KEY_RE = /^([A-Z][A-Z0-9_]*)-(\d+)$/;

/**
 * Issues named by key. A few keys: one GET each. More: one `/issues/count` over their projects
 * (with the other filters) says whether reading those projects' issues takes fewer requests than
 * one GET per key, and the cheaper way is taken.
 */
async function* issuesByKey(ctx: FetchContext, keys: string[], params: Params, options: SearchOptions): AsyncIterable<IssueJson[]> {
  // Anything that is not an issue key names no issue.
  const valid = keys.filter((key) => KEY_RE.test(key));
  // A few keys are read directly; the project list (for the count) is needed only beyond that.
  const projects = valid.length > KEYS_READ_DIRECTLY ? await ctx.projects() : [];
  const allowed = params['projectId[]'] as number[] | undefined;
  const direct: string[] = [];
  const listed = new Map<string, number>();
  for (const key of valid) {
    const projectKey = KEY_RE.exec(key)?.[1];
    const project = projects.find((p) => p.projectKey === projectKey);
    if (project && allowed && !allowed.includes(project.id)) continue;
    if (project) listed.set(key, project.id);
    else direct.push(key);
  }

  if (listed.size > KEYS_READ_DIRECTLY) {
    const projectIds = [...new Set(listed.values())];
    const countParams: Params = { ...params, 'projectId[]': projectIds };
    delete countParams.hasDueDate; // /issues/count refuses it; the count is then an upper bound
    const { count } = await ctx.api.get<{ count: number }>('/issues/count', countParams, { signal: ctx.signal });
    if (Math.max(1, Math.ceil(count / (ctx.api.pageSize ?? 100))) < listed.size) {
      const wanted = new Set(listed.keys());
      yield* search(ctx, { ...params, 'projectId[]': projectIds }, { ...options, filter: (i) => wanted.has(i.issueKey) });
      listed.clear();
    }
  }

  for (const key of [...listed.keys(), ...direct]) {
    const issue = await skipForbidden(
      ctx,
      `issue ${key}`,
      () => ctx.api.get<IssueJson>(`/issues/${encodeURIComponent(key)}`, {}, { signal: ctx.signal }),
      null,
    );
    if (issue) yield [issue];
  }
}

/**
 * Issues matching `quals` (on Issues' columns), as a superset, in pages. Shared by Issues and the
 * views that flatten an issue's arrays.
 */
export async function* listIssues(ctx: FetchContext, quals: readonly Qual[], options: IssueListOptions = {}): AsyncIterable<IssueJson[]> {
  const plan = await planSearch(ctx, quals);
  if (!plan) return;
  const params: Params = { ...plan.params, ...options.params };
  const orderBy = options.orderBy ?? [];
  // An ORDER BY the API cannot sort by cannot be honoured with a limit: read everything then.
  const limit = orderBy.length > 0 && !SORTS[orderBy[0]?.column ?? ''] ? undefined : options.limit;
  const base: SearchOptions = { limit, orderBy };

  if (plan.keys && !plan.ids) {
    yield* issuesByKey(ctx, plan.keys, params, base);
    return;
  }
  const keys = plan.keys ? new Set(plan.keys) : undefined;
  const filter = keys ? (i: IssueJson) => keys.has(i.issueKey) : undefined;
  if (!plan.ids) {
    yield* search(ctx, params, { ...base, filter });
    return;
  }
  // Ordered: every chunk's first `limit` rows (their union holds the overall first ones).
  // Unordered: any rows will do, so the limit is shared across chunks.
  const ordered = orderBy.length > 0;
  let remaining = limit;
  for (const chunk of chunks(plan.ids, ID_CHUNK)) {
    let yielded = 0;
    // A chunk of n ids matches at most n issues: paging stops there instead of asking for an
    // empty next page (a bulk UPDATE of 500 ids reads 5 pages, not 10).
    const cap = Math.min(ordered ? (limit ?? Infinity) : (remaining ?? Infinity), chunk.length);
    for await (const page of search(ctx, { ...params, 'id[]': chunk }, { ...base, limit: cap, filter })) {
      yielded += page.length;
      yield page;
    }
    if (!ordered && remaining !== undefined) {
      remaining -= yielded;
      if (remaining <= 0) return;
    }
  }
}

const ISSUE_COLUMN_OF: Readonly<Record<string, string>> = { IssueId: 'Id', IssueKey: 'IssueKey', ProjectId: 'ProjectId' };

/**
 * Quals of a child table (IssueId, IssueKey, ProjectId) as quals on Issues (Id, IssueKey,
 * ProjectId), so the child reads issues with the same pushdowns.
 */
function issueQuals(quals: readonly Qual[]): Qual[] {
  return quals.flatMap((q) => {
    const column = ISSUE_COLUMN_OF[q.column];
    return column ? [{ ...q, column }] : [];
  });
}

/**
 * Rows of a view that flattens an array of each issue (categories, custom fields…): reads the
 * issues for `quals` and stops once `ctx.limit` rows are out. `keep` filters rows locally (a
 * pushed qual on the view's own columns), before they count towards the limit.
 */
export async function* issueChildRows<T>(
  ctx: FetchContext,
  quals: readonly Qual[],
  rowsOf: (issue: IssueJson) => T[],
  options: { params?: Params; keep?: (row: T) => boolean } = {},
): AsyncIterable<T[]> {
  let count = 0;
  for await (const issues of listIssues(ctx, issueQuals(quals), { params: options.params })) {
    const rows = issues.flatMap(rowsOf).filter(options.keep ?? (() => true));
    if (rows.length > 0) yield rows;
    count += rows.length;
    if (ctx.limit !== undefined && count >= ctx.limit) return;
  }
}

/** An issue to read children of: its id and key when known, and what to put in a path. */
export interface IssueRef {
  id: number | null;
  issueKey: string | null;
  path: string;
  issue?: IssueJson;
}

/**
 * The issues a per-issue child table (attachments, participants, comments) reads. Named issues
 * (IssueId / IssueKey quals) are used as they are when the statement does not need the other
 * half (a key for an id, an id for a key) and `list` is not asked for; otherwise the issues are
 * listed (one search per 100 named ids; every visible issue when nothing names them), with
 * `params` narrowing the search (`attachment: true`…).
 */
export async function* issueRefs(
  ctx: FetchContext,
  quals: readonly Qual[],
  options: { needId: boolean; needKey: boolean; params?: Params; list?: boolean },
): AsyncIterable<IssueRef[]> {
  const ids = qualIds(quals, 'IssueId');
  const keys = qualValues(quals, 'IssueKey')?.map(String);
  // `list`: the caller wants the issue payloads (their arrays may make per-issue requests needless).
  if (!options.list && ids !== undefined && keys === undefined && !options.needKey) {
    yield ids.map((id) => ({ id, issueKey: null, path: String(id) }));
    return;
  }
  if (!options.list && keys !== undefined && ids === undefined && !options.needId) {
    yield keys.map((key) => ({ id: null, issueKey: key, path: key }));
    return;
  }
  for await (const issues of listIssues(ctx, issueQuals(quals), { params: options.params })) {
    yield issues.map((issue) => ({ id: issue.id, issueKey: issue.issueKey, path: String(issue.id), issue }));
  }
}

/** Cost phrase shared by the views that flatten issue arrays. */
export function issueListCost(quals: readonly Qual[]): string {
  const q = issueQuals(quals);
  if (qualValues(q, 'IssueKey') && !qualIds(q, 'Id')) return '1 request per named issue key (or 1 search per 100 issues of their projects)';
  if (qualIds(q, 'Id')) return '1 search per 100 named issues';
  return q.length > 0 ? '1 search per 100 matching issues' : 'every visible issue: 1 search per 100 issues';
}

/**
 * The requests `listIssues` makes, as far as the plan knows (at the default page size, 100):
 * named ids cost one search per 100 of them; a search of matching issues at least one, and at most
 * ⌈limit / 100⌉ under a LIMIT no ORDER BY reorders; ProjectKey quals first read the project list
 * (once per statement), and a key no project of the metadata has leaves nothing to search.
 */
export function issueRequests(quals: readonly Qual[], space: SpaceFacts, read: StepRead): RequestCount {
  const projectKeys = qualValues(quals, 'ProjectKey')?.map(String);
  const list = projectKeys !== undefined ? 1 : 0;
  const known = projectKeys === undefined || space.projects?.some((p) => projectKeys.includes(p.projectKey)) === true;
  if (!known || qualValues(quals, 'IssueKey') !== undefined || read.limit === 0) return atLeast(list + (known && read.limit !== 0 ? 1 : 0), list > 0);
  const ids = qualIds(quals, 'Id');
  const idSearches = ids !== undefined ? Math.ceil(ids.length / ID_CHUNK) : undefined;
  if (read.ordered) return atLeast(list + (idSearches ?? 1), list > 0);
  // Named ids: one search per chunk, each in one page (a chunk matches ≤ 100); a LIMIT may stop
  // before the last chunk. Otherwise pages of 100 until the LIMIT.
  const most = idSearches ?? (read.limit !== undefined ? Math.ceil(read.limit / 100) : undefined);
  if (most === undefined) return atLeast(list + 1, list > 0);
  if (most === 1 || (idSearches !== undefined && read.limit === undefined)) return exactly(list + most, list > 0);
  return { ...atLeast(list + 1, list > 0), atMost: list + most };
}

// ---- COUNT(*) --------------------------------------------------------------------------------

/** GET /issues/count for exact quals (ARCHITECTURE.md §5); undefined when the quals need a lookup first. */
export async function countIssues(ctx: FetchContext, quals: readonly Qual[]): Promise<number | undefined> {
  const plan = await planSearch(ctx, quals);
  if (plan === null) return 0;
  if (plan.keys) return undefined;
  const params: Params = { ...plan.params, ...(plan.ids ? { 'id[]': plan.ids } : {}) };
  const res = await ctx.api.get<{ count: number }>('/issues/count', params, { signal: ctx.signal });
  return res.count;
}
