/**
 * Shared pieces for table definitions: reading quals, and column builders for Backlog's recurring
 * shapes (users, timestamps, date-only fields, tag lists). Fetching lives in ./sources/.
 */
import type { UserJson } from './sources/json.js';
import type { ColumnDef, ColumnPushdown, Qual, RequestCount, RowEnv, SqlType, TableDef } from './types.js';

// ---- request counts -----------------------------------------------------------------------

/*
 * Request counts a table declares for the plan (issue 13): `TableDef.requests` gives the number
 * behind its `cost` phrase where the plan can know it without a request — from the pushed filters,
 * the columns read and the space's metadata (SpaceFacts) — and an honest lower bound where it
 * depends on data (pages of matching rows, features turned on per project).
 */
/** Exactly `n` requests, as planned. */
export function exactly(n: number, projectList = false): RequestCount {
  return { requests: n, atLeast: n, ...(projectList ? { projectList } : {}) };
}

/** At least `n` requests; the number depends on data. */
export function atLeast(n: number, projectList = false): RequestCount {
  return { requests: undefined, atLeast: n, ...(projectList ? { projectList } : {}) };
}

/** A table read with one request whatever the filters (a space-wide list: Priorities, Space…). */
export const oneRequest = (): RequestCount => exactly(1);

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

export function hasQual(quals: readonly Qual[], column: string, op?: Qual['op']): boolean {
  return quals.some((q) => q.column === column && (op === undefined || q.op === op));
}

// ---- column builders ------------------------------------------------------------------------

type Get<R> = (row: R) => unknown;

export function col<R>(
  name: string,
  type: SqlType,
  description: string,
  value: (row: R, env: RowEnv) => unknown,
  extra: Partial<ColumnDef<R>> = {},
): ColumnDef<R> {
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
  return col(
    name,
    'DATE',
    description,
    (r) => {
      const v = get(r) as string | null | undefined;
      return v ? v.slice(0, 10) : null;
    },
    extra,
  );
}

const dateFormatters = new Map<string, { format: Intl.DateTimeFormat; days: Map<string, string> }>();
/** Instants remembered per zone: Backlog's date fields repeat (a due date is a midnight), and formatting is costly. */
const MAX_REMEMBERED_DAYS = 4096;

/** The calendar date of an instant in a time zone, 'YYYY-MM-DD'. */
export function toSpaceDate(iso: string | null | undefined, timeZone: string): string | null {
  if (!iso) return null;
  let f = dateFormatters.get(timeZone);
  if (!f) {
    // en-CA formats dates as YYYY-MM-DD.
    f = { format: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }), days: new Map() };
    dateFormatters.set(timeZone, f);
  }
  const known = f.days.get(iso);
  if (known !== undefined) return known;
  const day = f.format.format(new Date(iso));
  if (f.days.size >= MAX_REMEMBERED_DAYS) f.days.clear();
  f.days.set(iso, day);
  return day;
}

/** `<Prefix>Id` and `<Prefix>Name` from an embedded user (null stays null). */
export function userColumns<R>(
  prefix: string,
  what: string,
  get: (row: R) => UserJson | null | undefined,
  extra: { id?: Partial<ColumnDef<R>> } = {},
): ColumnDef<R>[] {
  return [
    col(`${prefix}Id`, 'BIGINT', `Id of the ${what}.`, (r) => get(r)?.id ?? null, { references: 'Users.Id', ...extra.id }),
    col(`${prefix}Name`, 'VARCHAR', `Name of the ${what}.`, (r) => get(r)?.name ?? null),
  ];
}

/** Tag names as one text value, `a, b` (NULL when there are none), so `Tags LIKE '%x%'` works. */
export function tagsText(tags: readonly { name: string }[] | null | undefined): string | null {
  return tags && tags.length > 0 ? tags.map((t) => t.name).join(', ') : null;
}

// ---- rows ----------------------------------------------------------------------------------

/**
 * Source rows (Backlog's JSON objects) → column values in the table's column order, building only
 * the columns a statement uses (issue 13, costs: building every column of an issue page for a
 * `count(*)` or a two-column question was most of the driver's own CPU per page). A column left
 * out is NULL; key columns are always built, since reads of one table are merged by key
 * (src/sql/engine.ts `fetchAll`).
 */
/** A function turning one source row into its column values; `columns` undefined: every column. */
export function rowBuilder(table: TableDef, env: RowEnv, columns?: ReadonlySet<string>): (source: unknown) => unknown[] {
  const all = table.columns;
  const wanted = columns === undefined ? all : all.filter((c) => c.key || columns.has(c.name));
  if (wanted.length === all.length) {
    return (source) => {
      const out = new Array<unknown>(all.length);
      for (let i = 0; i < all.length; i++) out[i] = all[i]!.value(source, env) ?? null;
      return out;
    };
  }
  const at = wanted.map((c) => all.indexOf(c));
  return (source) => {
    const out = new Array<unknown>(all.length).fill(null);
    for (let i = 0; i < wanted.length; i++) out[at[i]!] = wanted[i]!.value(source, env) ?? null;
    return out;
  };
}
