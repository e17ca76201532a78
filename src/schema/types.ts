/**
 * Tables, views and procedures as data (DESIGN §4). A table file exports one `TableDef`; the
 * registry (./registry.ts) validates them all at start-up, and sys_tables, sys_tablecolumns,
 * docs/tables/ and the SQL planner all read the same definitions.
 *
 * How a table is read: the planner extracts pushable predicates ("quals") on columns that declare
 * `pushdown`, calls `list(ctx, quals)`, loads the rows it yields into DuckDB and runs the user's SQL
 * there — with every predicate applied again locally. So `list` may return a superset of the rows
 * the quals describe, never fewer: a pushdown narrows the fetch, correctness never depends on it.
 */
import type { ApiClient } from '../api/types.js';

/** Column types, as DuckDB declares them. */
export type SqlType = 'BIGINT' | 'INTEGER' | 'VARCHAR' | 'BOOLEAN' | 'DECIMAL(18,2)' | 'DOUBLE' | 'DATE' | 'TIMESTAMPTZ';

/** Operators a predicate can push down. */
export type PushOp = '=' | 'IN' | '>=' | '<=' | '>' | '<' | 'IS NULL' | 'IS NOT NULL';

/**
 * A pushable predicate `column op values`. Values are JS values: numbers, strings, booleans,
 * 'YYYY-MM-DD' for DATE columns, ISO 8601 strings for TIMESTAMPTZ columns. `=` has one value,
 * `IN` one or more, IS [NOT] NULL none.
 */
export interface Qual {
  column: string;
  op: PushOp;
  values: readonly (string | number | boolean)[];
}

/** What a value function knows besides the row. */
export interface RowEnv {
  /** The space's IANA time zone: date-only fields become DATEs in it. */
  timezone: string;
}

export interface ColumnPushdown {
  ops: readonly PushOp[];
  /**
   * True when the API applies the predicate exactly as SQL would (so LIMIT may be pushed with
   * it); false when it only narrows to a superset (dates widened by a day, keyword search…).
   */
  exact: boolean;
  /** How it maps, for docs/tables/ and EXPLAIN: "statusId[]", "path: /issues/:id". */
  api: string;
  /** The table cannot be listed without one of its `required` columns' quals... */
  required?: boolean;
}

export interface ColumnDef<R = unknown> {
  /** PascalCase SQL name. */
  name: string;
  type: SqlType;
  description: string;
  /** The value of this column for a source row; undefined or null → NULL. */
  value(row: R, env: RowEnv): unknown;
  /** Part of the primary key. */
  key?: boolean;
  /** Foreign key: 'Table.Column'. */
  references?: string;
  pushdown?: ColumnPushdown;
  /** Never changes through writes (issue 5 reads it); default false. */
  readOnly?: boolean;
  /** Set on `IncludeCustomFields` columns: the custom field ids shown (their names may be Japanese). */
  customFieldIds?: readonly number[];
}

/** Everything a table's `list` may use while a statement runs. */
export interface FetchContext {
  readonly api: ApiClient;
  readonly signal: AbortSignal;
  readonly env: RowEnv;
  /**
   * Upper bound on the rows the statement needs, when the planner proved it safe (every WHERE
   * conjunct pushed exactly, no join, no aggregate, ORDER BY pushed or absent). A hint: yielding
   * more is harmless, fewer is a bug.
   */
  readonly limit: number | undefined;
  /**
   * Columns of this table the statement uses (all of them for `SELECT *`). A list may skip
   * requests that only feed columns not in this set (e.g. an extra lookup for a name).
   */
  readonly columns: ReadonlySet<string>;
  /** ORDER BY pushed along with `limit` (column names of this table); list must honour it. */
  readonly orderBy: readonly { column: string; desc: boolean }[];
  /** Projects the signed-in user can see (one request per statement, cached). */
  projects(): Promise<readonly ProjectRef[]>;
  /** The signed-in user (cached per connection). */
  myself(): Promise<{ id: number; userId: string; name: string; roleType: number }>;
  /** A non-fatal note for `stats.warnings` (a project skipped because its feature is off…). */
  warn(message: string): void;
}

export interface ProjectRef {
  id: number;
  projectKey: string;
  name: string;
  archived: boolean;
  useWiki: boolean;
  useGit: boolean;
  useDocument: boolean;
  useFileSharing: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds tables of every row type
export interface TableDef<R = any> {
  /** PascalCase, CData's name (reference/cdata-driver.md §3). */
  name: string;
  kind: 'table' | 'view';
  description: string;
  /** Our extension (not in the reference driver): marked in sys_tables and the docs. */
  extension?: boolean;
  columns: readonly ColumnDef<R>[];
  /**
   * Columns the API can sort by exactly as SQL does (timestamps and numbers, never text: DESIGN
   * §5). With a LIMIT, an ORDER BY on these is passed to `list` as `ctx.orderBy`.
   */
  orderable?: readonly string[];
  /**
   * COUNT(*) without fetching rows (e.g. GET /issues/count): the exact number of rows matching
   * `quals`, or undefined when these quals cannot be counted that way. The planner calls it only
   * for `SELECT count(*) … [GROUP BY col]` whose every WHERE conjunct is an exact `=`/`IN`/IS NULL.
   */
  count?(ctx: FetchContext, quals: readonly Qual[]): Promise<number | undefined>;
  /**
   * For `GROUP BY col` with COUNT(*): the values `col` can take (never NULL) under these quals,
   * or undefined when unknown; the planner then makes one count per value (DESIGN §5).
   */
  countDomains?: Readonly<Record<string, (ctx: FetchContext, quals: readonly Qual[]) => Promise<readonly (number | string)[] | undefined>>>;
  /** Source rows: a superset of the rows matching `quals`, in pages. */
  list(ctx: FetchContext, quals: readonly Qual[]): AsyncIterable<readonly R[]>;
  /**
   * Requests a `list` with these quals will make, for EXPLAIN: a short phrase like
   * "1 request per 100 issues" or "1 per project".
   */
  cost(quals: readonly Qual[]): string;
  /** Example queries for the docs. */
  examples?: readonly string[];
}

/** A typed identity helper so table files get inference on `R`. */
export function defineTable<R>(def: TableDef<R>): TableDef<R> {
  return def;
}
