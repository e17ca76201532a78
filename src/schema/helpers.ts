/**
 * Shared pieces for table definitions: reading quals, column builders for Backlog's recurring
 * shapes (users, timestamps, date-only fields) and walking projects with a feature check.
 */
import { ApiError } from '../errors.js';
import type { ColumnDef, ColumnPushdown, FetchContext, ProjectRef, Qual, RowEnv, SqlType } from './types.js';

// ---- quals ----------------------------------------------------------------------------------

/**
 * The values a column is restricted to by `=` / `IN` quals (their intersection), or undefined when
 * it is not restricted. An empty array means no row can match.
 */
export function qualValues(quals: readonly Qual[], column: string): (string | number | boolean)[] | undefined {
  let result: (string | number | boolean)[] | undefined;
  for (const q of quals) {
    if (q.column !== column || (q.op !== '=' && q.op !== 'IN')) continue;
    const values = [...new Set(q.values)];
    result = result === undefined ? values : result.filter((v) => values.includes(v));
  }
  return result;
}

/** Numeric ids from `=` / `IN` quals on a column (see qualValues). */
export function qualIds(quals: readonly Qual[], column: string): number[] | undefined {
  const values = qualValues(quals, column);
  return values?.map(Number).filter((n) => Number.isSafeInteger(n));
}

/** The tightest lower and upper bounds of range quals (`>=`, `>`, `<=`, `<`, `=`) on a column. */
export function qualRange(quals: readonly Qual[], column: string): { min?: string | number; max?: string | number } {
  const out: { min?: string | number; max?: string | number } = {};
  for (const q of quals) {
    if (q.column !== column) continue;
    const v = q.values[0];
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    if (q.op === '>=' || q.op === '>' || q.op === '=') if (out.min === undefined || v > out.min) out.min = v;
    if (q.op === '<=' || q.op === '<' || q.op === '=') if (out.max === undefined || v < out.max) out.max = v;
  }
  return out;
}

export function hasQual(quals: readonly Qual[], column: string, op?: Qual['op']): boolean {
  return quals.some((q) => q.column === column && (op === undefined || q.op === op));
}

// ---- column builders ------------------------------------------------------------------------

type Get<R> = (row: R) => unknown;

export function col<R>(name: string, type: SqlType, description: string, value: (row: R, env: RowEnv) => unknown, extra: Partial<ColumnDef<R>> = {}): ColumnDef<R> {
  return { name, type, description, value, ...extra };
}

/** Pushdown declaration helpers. */
export const push = {
  exact: (api: string, ops: ColumnPushdown['ops'] = ['=', 'IN']): ColumnPushdown => ({ ops, exact: true, api }),
  superset: (api: string, ops: ColumnPushdown['ops'] = ['=', 'IN']): ColumnPushdown => ({ ops, exact: false, api }),
};

/** ISO timestamp (UTC) from Backlog → TIMESTAMPTZ. */
export function timestamp<R>(name: string, description: string, get: Get<R>, extra: Partial<ColumnDef<R>> = {}): ColumnDef<R> {
  return col(name, 'TIMESTAMPTZ', description, (r) => (get(r) as string | null | undefined) ?? null, extra);
}

/**
 * A Backlog date-only field (sent as midnight in the space's time zone, in UTC) → DATE in the
 * space's zone, so a due date in a space west of UTC keeps its calendar day.
 */
export function dateOnly<R>(name: string, description: string, get: Get<R>, extra: Partial<ColumnDef<R>> = {}): ColumnDef<R> {
  return col(name, 'DATE', description, (r, env) => toSpaceDate(get(r) as string | null | undefined, env.timezone), extra);
}

/** A date custom field (`yyyy-MM-ddT00:00:00Z`) → DATE: the UTC calendar day is the value. */
export function utcDate<R>(name: string, description: string, get: Get<R>, extra: Partial<ColumnDef<R>> = {}): ColumnDef<R> {
  return col(name, 'DATE', description, (r) => {
    const v = get(r) as string | null | undefined;
    return v ? v.slice(0, 10) : null;
  }, extra);
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in a time zone, 'YYYY-MM-DD'. */
export function toSpaceDate(iso: string | null | undefined, timeZone: string): string | null {
  if (!iso) return null;
  let f = dateFormatters.get(timeZone);
  if (!f) {
    // en-CA formats dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormatters.set(timeZone, f);
  }
  return f.format(new Date(iso));
}

interface UserJson {
  id: number;
  userId?: string | null;
  name?: string | null;
}

/** `<Prefix>Id` and `<Prefix>Name` from an embedded user (null stays null). */
export function userColumns<R>(prefix: string, what: string, get: (row: R) => UserJson | null | undefined, extra: { id?: Partial<ColumnDef<R>> } = {}): ColumnDef<R>[] {
  return [
    col(`${prefix}Id`, 'BIGINT', `Id of the ${what}.`, (r) => get(r)?.id ?? null, { references: 'Users.Id', ...extra.id }),
    col(`${prefix}Name`, 'VARCHAR', `Name of the ${what}.`, (r) => get(r)?.name ?? null),
  ];
}

// ---- projects -------------------------------------------------------------------------------

export type ProjectFeature = 'wiki' | 'git' | 'document' | 'file';

const FEATURE_NAME: Record<ProjectFeature, string> = { wiki: 'Wiki', git: 'Git', document: 'Documents', file: 'File sharing' };

function featureOn(p: ProjectRef, feature: ProjectFeature): boolean {
  return feature === 'wiki' ? p.useWiki : feature === 'git' ? p.useGit : feature === 'document' ? p.useDocument : p.useFileSharing;
}

/**
 * The projects a statement reads: those named by ProjectId / ProjectKey quals (`idColumn`,
 * `keyColumn`), else every project the user can see. With a feature, projects that have it off
 * are skipped with a warning instead of failing the statement (ARCHITECTURE.md §5).
 */
export async function projectsFor(
  ctx: FetchContext,
  quals: readonly Qual[],
  options: { feature?: ProjectFeature; idColumn?: string; keyColumn?: string } = {},
): Promise<ProjectRef[]> {
  const ids = qualIds(quals, options.idColumn ?? 'ProjectId');
  const keys = qualValues(quals, options.keyColumn ?? 'ProjectKey')?.map(String);
  if (ids !== undefined && keys === undefined && !ctx.columns.has(options.keyColumn ?? 'ProjectKey')) {
    // Named projects need no project list: a project that does not exist, is not visible or has
    // the feature off answers the per-project request with 403/404, which callers turn into a
    // warning (skipForbidden). The key is not known here, so this path is taken only when the
    // statement does not use it.
    return ids.map((id) => ({ id, projectKey: String(id), name: '', archived: false, useWiki: true, useGit: true, useDocument: true, useFileSharing: true }));
  }
  const all = await ctx.projects();
  let chosen = all.filter((p) => (ids === undefined || ids.includes(p.id)) && (keys === undefined || keys.includes(p.projectKey)));
  if (options.feature) {
    const feature = options.feature;
    const off = chosen.filter((p) => !featureOn(p, feature));
    for (const p of off) ctx.warn(`project ${p.projectKey} skipped: ${FEATURE_NAME[feature]} is turned off there`);
    chosen = chosen.filter((p) => featureOn(p, feature));
  }
  return chosen;
}

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

/** Collect an async iterable of pages into one array (small lists). */
export async function collect<T>(pages: AsyncIterable<readonly T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}
