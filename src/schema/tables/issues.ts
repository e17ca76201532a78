/**
 * Issues: the issue search (GET /issues, search rate class, offset paging) and, for a few named
 * keys, GET /issues/:issueKey.
 *
 * Every pushdown narrows one search: id lists, project, type, status, priority, assignee, creator,
 * resolution and parent go to their `…[]` parameters and are exact; date and time ranges become
 * `…Since` / `…Until` widened by a day on each side (the API's time zone for them is unverified,
 * ARCHITECTURE.md §5), so they only narrow to a superset. LIMIT and ORDER BY arrive through the context
 * and stop the paging early.
 *
 * The child views of the issue family (IssueCategories, IssueCustomFields, IssueAttachments…)
 * read issues through `listIssues`, so they share the same pushdowns.
 */
import type { Params } from '../../api/types.js';
import { col, dateOnly, hasQual, push, qualIds, qualValues, skipForbidden, timestamp, toSpaceDate, userColumns } from '../helpers.js';
import { defineTable, type FetchContext, type Qual } from '../types.js';
import { projectForInsert, send, seg, w } from '../writes.js';

// ---- wire shapes ----------------------------------------------------------------------------

export interface UserRef {
  id: number;
  userId?: string | null;
  name?: string | null;
  roleType?: number | null;
  lang?: string | null;
  mailAddress?: string | null;
}

export interface Named {
  id: number;
  name: string;
}

export interface Category extends Named {
  displayOrder?: number | null;
}

export interface Version extends Named {
  projectId?: number;
  description?: string | null;
  startDate: string | null;
  releaseDueDate: string | null;
  archived?: boolean;
  displayOrder?: number | null;
}

export interface ListItem extends Named {
  displayOrder?: number | null;
}

export interface CustomFieldValue {
  id: number;
  fieldTypeId: number;
  name: string;
  value: string | number | ListItem | ListItem[] | null;
  otherValue?: string | null;
}

export interface Attachment {
  id: number;
  name: string;
  size: number;
  createdUser?: UserRef | null;
  created?: string | null;
}

export interface SharedFile {
  id: number;
  projectId: number;
  type: string;
  dir: string;
  name: string;
  size: number | null;
  createdUser: UserRef | null;
  created: string | null;
  updatedUser: UserRef | null;
  updated: string | null;
}

export interface Issue {
  id: number;
  projectId: number;
  issueKey: string;
  keyId: number;
  issueType: Named | null;
  summary: string;
  description: string | null;
  resolution: Named | null;
  priority: Named | null;
  status: Named | null;
  assignee: UserRef | null;
  category: Category[];
  versions: Version[];
  milestone: Version[];
  startDate: string | null;
  dueDate: string | null;
  estimatedHours: number | null;
  actualHours: number | null;
  parentIssueId: number | null;
  createdUser: UserRef | null;
  created: string;
  updatedUser: UserRef | null;
  updated: string | null;
  customFields: CustomFieldValue[];
  attachments: Attachment[];
  sharedFiles: SharedFile[];
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
  value: (issue: Issue) => string | number | null;
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
 * undefined; the table's `orderable` lists the same columns. Only timestamps, dates and numbers: the API's collation for text is unverified
 * (ARCHITECTURE.md §5). Where the API puts empty values is unverified too, so `listIssues` counts only
 * rows with a value towards the limit and reads on until it has enough of them: the result is
 * right for SQL's default NULLS LAST in either direction; the planner must not push an explicit
 * NULLS FIRST.
 */
export function issueSortKey(column: string): string | undefined {
  return SORTS[column]?.sort;
}

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
  filter?: (issue: Issue) => boolean;
}

/** One paged search: the given filters, the pushed order (default: oldest first), early stop. */
async function* search(ctx: FetchContext, params: Params, options: SearchOptions): AsyncIterable<Issue[]> {
  const first = options.orderBy[0];
  const spec = first ? SORTS[first.column] : undefined;
  const sorted: Params = spec && first ? { ...params, sort: spec.sort, order: first.desc ? 'desc' : 'asc' } : { ...params, sort: 'created', order: 'asc' };
  const { limit, filter } = options;
  // A later ORDER BY key, or Id (sorted through `created`), needs the rows tied with the last one.
  const ties = spec !== undefined && (options.orderBy.length > 1 || first?.column === 'Id');
  const nullable = spec?.nullable ?? false;

  if (limit === undefined || (!filter && !ties && !nullable)) {
    for await (const page of ctx.api.pagesByOffset<Issue>('/issues', sorted, { limit, signal: ctx.signal })) {
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
    const page = await ctx.api.get<Issue[]>('/issues', { ...sorted, offset, count }, { signal: ctx.signal });
    const rows: Issue[] = [];
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
async function* issuesByKey(ctx: FetchContext, keys: string[], params: Params, options: SearchOptions): AsyncIterable<Issue[]> {
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
    const issue = await skipForbidden(ctx, `issue ${key}`, () => ctx.api.get<Issue>(`/issues/${encodeURIComponent(key)}`, {}, { signal: ctx.signal }), null);
    if (issue) yield [issue];
  }
}

/**
 * Issues matching `quals` (on Issues' columns), as a superset, in pages. Shared by Issues and the
 * views that flatten an issue's arrays.
 */
export async function* listIssues(ctx: FetchContext, quals: readonly Qual[], options: IssueListOptions = {}): AsyncIterable<Issue[]> {
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
  const filter = keys ? (i: Issue) => keys.has(i.issueKey) : undefined;
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

/**
 * Quals of a child table (IssueId, IssueKey, ProjectId) as quals on Issues (Id, IssueKey,
 * ProjectId), so the child reads issues with the same pushdowns.
 */
export function issueQuals(quals: readonly Qual[], map: Record<string, string> = { IssueId: 'Id', IssueKey: 'IssueKey', ProjectId: 'ProjectId' }): Qual[] {
  return quals.flatMap((q) => {
    const column = map[q.column];
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
  rowsOf: (issue: Issue) => T[],
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
  issue?: Issue;
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

// ---- the table ------------------------------------------------------------------------------

const projectKeyOf = (issueKey: string): string => issueKey.slice(0, issueKey.lastIndexOf('-'));

// ---- COUNT(*) --------------------------------------------------------------------------------

/** GET /issues/count for exact quals (ARCHITECTURE.md §5); undefined when the quals need a lookup first. */
async function countIssues(ctx: FetchContext, quals: readonly Qual[]): Promise<number | undefined> {
  const plan = await planSearch(ctx, quals);
  if (plan === null) return 0;
  if (plan.keys) return undefined;
  const params: Params = { ...plan.params, ...(plan.ids ? { 'id[]': plan.ids } : {}) };
  const res = await ctx.api.get<{ count: number }>('/issues/count', params, { signal: ctx.signal });
  return res.count;
}

/** The single project the quals name, for per-project value lists (statuses, issue types). */
async function singleProject(ctx: FetchContext, quals: readonly Qual[]): Promise<number | undefined> {
  const ids = qualIds(quals, 'ProjectId');
  if (ids?.length === 1) return ids[0];
  const keys = qualValues(quals, 'ProjectKey')?.map(String);
  if (keys?.length === 1 && ids === undefined) return (await ctx.projects()).find((p) => p.projectKey === keys[0])?.id;
  return undefined;
}

const COUNT_DOMAINS = {
  StatusId: async (ctx: FetchContext, quals: readonly Qual[]) => {
    const project = await singleProject(ctx, quals);
    if (project === undefined) return undefined;
    return (await ctx.api.get<{ id: number }[]>(`/projects/${project}/statuses`, {}, { signal: ctx.signal })).map((s) => s.id);
  },
  IssueTypeId: async (ctx: FetchContext, quals: readonly Qual[]) => {
    const project = await singleProject(ctx, quals);
    if (project === undefined) return undefined;
    return (await ctx.api.get<{ id: number }[]>(`/projects/${project}/issueTypes`, {}, { signal: ctx.signal })).map((s) => s.id);
  },
  PriorityId: async (ctx: FetchContext) => (await ctx.api.get<{ id: number }[]>('/priorities', {}, { signal: ctx.signal })).map((p) => p.id),
};

export default defineTable<Issue>({
  count: countIssues,
  countDomains: COUNT_DOMAINS,
  name: 'Issues',
  kind: 'table',
  description: 'Issues of every project the user can see, with their status, people, dates and hours.',
  columns: [
    col('Id', 'BIGINT', 'Issue id.', (r) => r.id, { key: true, readOnly: true, pushdown: push.exact('id[]') }),
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.projectId, { references: 'Projects.Id', pushdown: push.exact('projectId[]'), write: w.scope() }),
    col('ProjectKey', 'VARCHAR', 'Key of the project (WEB).', (r) => projectKeyOf(r.issueKey), {
      pushdown: push.exact('projectId[] (key resolved from the project list)'),
      write: w.scope(),
    }),
    col('IssueKey', 'VARCHAR', 'Issue key (WEB-12), unique in the space.', (r) => r.issueKey, {
      readOnly: true,
      pushdown: push.exact('path: /issues/:issueKey (many keys: projectId[] when fewer requests)'),
    }),
    col('KeyId', 'BIGINT', 'Number of the issue in its project (12 in WEB-12).', (r) => r.keyId, { readOnly: true }),
    col('IssueTypeId', 'BIGINT', 'Id of the issue type.', (r) => r.issueType?.id ?? null, { references: 'ProjectIssueTypes.Id', pushdown: push.exact('issueTypeId[]'), write: w.required('issueTypeId') }),
    col('IssueTypeName', 'VARCHAR', 'Name of the issue type.', (r) => r.issueType?.name ?? null, { readOnly: true }),
    col('Summary', 'VARCHAR', 'One-line summary.', (r) => r.summary, { write: w.required('summary') }),
    col('Description', 'VARCHAR', 'Description text.', (r) => r.description, { write: w.both('description') }),
    col('ResolutionId', 'BIGINT', 'Id of the resolution (0 Fixed … 4 Cannot Reproduce), NULL when unresolved.', (r) => r.resolution?.id ?? null, {
      references: 'Resolutions.Id',
      pushdown: push.exact('resolutionId[]'),
      write: w.updateOnly('resolutionId'),
    }),
    col('ResolutionName', 'VARCHAR', 'Name of the resolution.', (r) => r.resolution?.name ?? null, { readOnly: true }),
    col('PriorityId', 'BIGINT', 'Id of the priority (2 High, 3 Normal, 4 Low).', (r) => r.priority?.id ?? null, {
      references: 'Priorities.Id',
      pushdown: push.exact('priorityId[]'),
      write: w.required('priorityId'),
    }),
    col('PriorityName', 'VARCHAR', 'Name of the priority.', (r) => r.priority?.name ?? null, { readOnly: true }),
    col('StatusId', 'BIGINT', 'Id of the status (1 Open, 2 In Progress, 3 Resolved, 4 Closed, or a custom status).', (r) => r.status?.id ?? null, {
      references: 'ProjectStatuses.Id',
      pushdown: push.exact('statusId[]'),
      write: w.updateOnly('statusId', { notNull: true }),
    }),
    col('StatusName', 'VARCHAR', 'Name of the status.', (r) => r.status?.name ?? null, { readOnly: true }),
    ...userColumns<Issue>('Assignee', 'assignee', (r) => r.assignee, { id: { pushdown: push.exact('assigneeId[]'), write: w.both('assigneeId') } }),
    dateOnly<Issue>('StartDate', 'Start date (a calendar day in the space time zone).', (r) => r.startDate, {
      pushdown: push.superset('startDateSince / startDateUntil, widened by a day', ['=', '>=', '>', '<=', '<']),
      write: w.both('startDate'),
    }),
    dateOnly<Issue>('DueDate', 'Due date (a calendar day in the space time zone).', (r) => r.dueDate, {
      pushdown: push.superset('dueDateSince / dueDateUntil, widened by a day; IS NULL: hasDueDate=false', ['=', '>=', '>', '<=', '<', 'IS NULL']),
      write: w.both('dueDate'),
    }),
    col('EstimatedHours', 'DECIMAL(18,2)', 'Estimated hours.', (r) => r.estimatedHours, { write: w.both('estimatedHours') }),
    col('ActualHours', 'DECIMAL(18,2)', 'Actual hours.', (r) => r.actualHours, { write: w.both('actualHours') }),
    col('ParentIssueId', 'BIGINT', 'Id of the parent issue, NULL for an issue that is not a child.', (r) => r.parentIssueId, {
      references: 'Issues.Id',
      pushdown: push.exact('parentIssueId[]; IS NULL: parentChild=1; IS NOT NULL: parentChild=2', ['=', 'IN', 'IS NULL', 'IS NOT NULL']),
      write: w.both('parentIssueId'),
    }),
    ...userColumns<Issue>('CreatedUser', 'creator', (r) => r.createdUser, { id: { readOnly: true, pushdown: push.exact('createdUserId[]') } }).map((c) => ({ ...c, readOnly: true })),
    timestamp<Issue>('Created', 'When the issue was created.', (r) => r.created, {
      readOnly: true,
      pushdown: push.superset('createdSince / createdUntil (days), widened by a day', ['=', '>=', '>', '<=', '<']),
    }),
    ...userColumns<Issue>('UpdatedUser', 'last updater', (r) => r.updatedUser).map((c) => ({ ...c, readOnly: true })),
    timestamp<Issue>('Updated', 'When the issue was last updated.', (r) => r.updated, {
      readOnly: true,
      pushdown: push.superset('updatedSince / updatedUntil (days), widened by a day', ['=', '>=', '>', '<=', '<']),
    }),
    col('AttachmentCount', 'INTEGER', 'Number of attached files (rows in IssueAttachments).', (r) => r.attachments.length, { readOnly: true }),
    col('SharedFileCount', 'INTEGER', 'Number of linked shared files (rows in IssueLinkedSharedFiles).', (r) => r.sharedFiles.length, { readOnly: true }),
    col('StarCount', 'INTEGER', 'Number of stars on the issue.', (r) => r.stars.length, { readOnly: true }),
  ],
  orderable: Object.keys(SORTS),
  list(ctx, quals) {
    return listIssues(ctx, quals, { limit: ctx.limit, orderBy: ctx.orderBy });
  },
  writes: {
    insert: {
      required: [['ProjectId', 'ProjectKey'], 'Summary', 'IssueTypeId', 'PriorityId'],
      async run(ctx, { values, form }) {
        const project = await projectForInsert(ctx, values);
        return send<Issue>(ctx, 'POST', '/issues', { ...form, projectId: project.id as number });
      },
    },
    update: {
      run: (ctx, row, { form }) => send<Issue>(ctx, 'PATCH', `/issues/${seg(row.Id)}`, form),
    },
    delete: {
      run: (ctx, row) => send<Issue>(ctx, 'DELETE', `/issues/${seg(row.Id)}`),
    },
    // The issue's lists and the API's write-only parameters (CData's pseudo columns): an id list
    // is a DuckDB list ([1, 2]) or text ('1,2'); NULL or an empty list clears a list on UPDATE.
    inputs: [
      { name: 'CategoryIds', type: 'BIGINT[]', description: 'Category ids (IssueCategories shows them).', write: { param: 'categoryId[]', clearable: true } },
      { name: 'VersionIds', type: 'BIGINT[]', description: 'Affected version ids (IssueVersions shows them).', write: { param: 'versionId[]', clearable: true } },
      { name: 'MilestoneIds', type: 'BIGINT[]', description: 'Milestone ids (IssueMilestones shows them).', write: { param: 'milestoneId[]', clearable: true } },
      { name: 'NotifiedUserIds', type: 'BIGINT[]', description: 'Users to notify of this change.', write: { param: 'notifiedUserId[]' } },
      { name: 'AttachmentIds', type: 'BIGINT[]', description: 'Files uploaded with PostAttachment to attach.', write: { param: 'attachmentId[]' } },
      { name: 'Comment', type: 'VARCHAR', description: 'A comment recorded with the change (UPDATE only).', write: { param: 'comment', on: 'update' } },
    ],
  },
  cost(quals) {
    const keyed = qualValues(quals, 'IssueKey') !== undefined && qualIds(quals, 'Id') === undefined;
    if (keyed) return '1 request per named issue key (many keys: 1 count + 1 search per 100 issues of their projects, when fewer)';
    return quals.length > 0 ? '1 search per 100 matching issues' : 'every visible issue: 1 search per 100 issues';
  },
  examples: [
    "SELECT IssueKey, Summary, StatusName FROM Issues WHERE ProjectKey = 'WEB' AND StatusId IN (1, 2) ORDER BY Updated DESC LIMIT 10",
    "INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId, DueDate) VALUES ('WEB', 'ログインできない', 1, 3, '2026-12-01') RETURNING Id, IssueKey",
    "UPDATE Issues SET StatusId = 4, Comment = 'Closed: overdue' WHERE ProjectKey = 'WEB' AND DueDate < CURRENT_DATE AND StatusId <> 4",
    'SELECT AssigneeName, SUM(EstimatedHours) AS Hours FROM Issues WHERE DueDate < CURRENT_DATE AND StatusId <> 4 GROUP BY AssigneeName',
  ],
});
