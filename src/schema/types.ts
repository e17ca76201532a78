/**
 * Tables, views and procedures as data (ARCHITECTURE.md §4). A table file exports one `TableDef`; the
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
  /**
   * Never changes through writes. A column of a table is writable only when it declares `write`;
   * `readOnly` marks the ones the API computes (ids, names, timestamps) for readers of the file.
   */
  readOnly?: boolean;
  /** How INSERT / UPDATE set this column (ARCHITECTURE.md §6); absent = read-only. */
  write?: ColumnWrite;
  /** Set on `IncludeCustomFields` columns: the custom field ids shown (their names may be Japanese). */
  customFieldIds?: readonly number[];
}

/** A value the API takes in a form: arrays go out as repeated `name[]` parameters. */
export type FormValue = string | number | boolean | readonly (string | number)[];

export interface ColumnWrite {
  /**
   * The form parameter (`summary`, `categoryId[]`), or undefined when the handler reads the
   * column itself (a parent key that picks the URL, such as ProjectKey of a new category).
   */
  param?: string;
  /** The statements that may set it (default both). */
  on?: 'insert' | 'update';
  /** NULL is refused (the API cannot clear it: Summary, Name…). Otherwise NULL clears the field on UPDATE (sent empty) and is left out on INSERT. */
  notNull?: boolean;
  /**
   * For write-only inputs: NULL or an empty list on UPDATE clears the list (CategoryIds). Inputs
   * without it (NotifiedUserIds, Comment) are simply left out when NULL or empty.
   */
  clearable?: boolean;
  /** Turn the SQL value into the form value (default: by column type; dates as yyyy-MM-dd). */
  encode?(value: unknown, ctx: WriteContext): FormValue | Promise<FormValue>;
  /**
   * For columns whose parameter name depends on the row (custom fields: `customField_{id}` of the
   * row's project): the form entries for this value. `row` holds the current values (UPDATE) and
   * the new ones. Takes precedence over `param`.
   */
  toForm?(value: unknown, ctx: WriteContext, row: Readonly<Record<string, unknown>>): Record<string, FormValue> | Promise<Record<string, FormValue>>;
}

/** A write-only input of a table: an API parameter that no column shows (CData's pseudo columns). */
export interface WriteInput {
  name: string;
  type: 'BIGINT' | 'VARCHAR' | 'BOOLEAN' | 'BIGINT[]';
  description: string;
  write: ColumnWrite;
}

/** What a write handler may use. */
export interface WriteContext {
  readonly api: ApiClient;
  readonly signal: AbortSignal;
  readonly env: RowEnv;
  /**
   * The statement has RETURNING: the answers' every column is read. Without it only the key is
   * (for sys_identity), so a handler may skip a lookup that only fills other columns.
   */
  readonly returning: boolean;
  projects(): Promise<readonly ProjectRef[]>;
  myself(): Promise<{ id: number; userId: string; name: string; roleType: number }>;
}

/**
 * The columns a statement sets, by SQL name, as JS values (NULL = null), plus `form`: the API
 * parameters built from every column and input that declares a `param`.
 */
export interface WriteValues {
  readonly values: Readonly<Record<string, unknown>>;
  readonly form: Readonly<Record<string, FormValue>>;
}

/**
 * Write handlers (ARCHITECTURE.md §6). Each call is exactly one Backlog request — or, where the API needs
 * two, the handler says so in `requests` — and resolves to the row as the API answered it (the
 * same shape `list` yields, so RETURNING and sys_identity read it through the columns).
 * Handlers never retry a write: the client refuses to re-send one that may have arrived (NET-2).
 */
export interface TableWrites<R> {
  insert?: {
    /** Columns INSERT must set; an inner array means "one of these". */
    required: readonly (string | readonly string[])[];
    check?(ctx: WriteContext, input: WriteValues): Promise<void>;
    run(ctx: WriteContext, input: WriteValues): Promise<R>;
  };
  update?: {
    /**
     * Refuse a row before anything is written (the executor runs it over every row first, so a
     * statement that would fail on its 17th row fails with nothing written). May read, never write.
     */
    check?(ctx: WriteContext, row: Readonly<Record<string, unknown>>, input: WriteValues): Promise<void>;
    /** `row`: the current values of every column (from the statement's SELECT). */
    run(ctx: WriteContext, row: Readonly<Record<string, unknown>>, input: WriteValues): Promise<R>;
  };
  delete?: {
    check?(ctx: WriteContext, row: Readonly<Record<string, unknown>>): Promise<void>;
    run(ctx: WriteContext, row: Readonly<Record<string, unknown>>): Promise<R | undefined>;
  };
  /** Write-only inputs: NotifiedUserIds, AttachmentIds, Comment… */
  inputs?: readonly WriteInput[];
  /** Why an operation the table lacks is missing, and what to use instead (errors quote it). */
  notes?: Partial<Record<'insert' | 'update' | 'delete', string>>;
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

/** One group of a counted GROUP BY: the quals that count it, and the values its placeholder rows carry. */
export interface CountGroup {
  quals: readonly Qual[];
  /** Column values of the group's rows (the group column and any column it determines). */
  row: Readonly<Record<string, string | number>>;
}

/** The groups of a counted GROUP BY. */
export interface CountDomain {
  groups: readonly CountGroup[];
  /**
   * Rows matching the quals, when known: every row falls into exactly one group, so the counts
   * must add up to it; when they do not (a group the lists missed), the rows are read instead.
   */
  total?: number;
}

/**
 * What a plan knows of the space without a request: the metadata the registry was built from
 * (the connection's project list when IncludeCustomFields read it, or a snapshot file).
 */
export interface SpaceFacts {
  /** The projects the user can see, when the metadata holds them (undefined: not known). */
  readonly projects: readonly { readonly id: number; readonly projectKey: string }[] | undefined;
}

/**
 * Requests a read is expected to make, as a number where the plan can know it without a request.
 * `requests`: the exact number as planned (undefined when it depends on data: pages, parents'
 * keys, groups); `atLeast` is then an honest lower bound. `projectList`: one of them is the
 * project list, fetched once per statement (a later step that needs it again gets it free).
 */
export interface RequestCount {
  readonly requests: number | undefined;
  readonly atLeast: number;
  /** An upper bound, when one is known (a LIMIT caps the pages). */
  readonly atMost?: number;
  readonly projectList?: boolean;
}

/** What a step reads besides its quals: the columns it uses; the rows it stops after (LIMIT), in an order or not. */
export interface StepRead {
  readonly columns: ReadonlySet<string>;
  readonly limit: number | undefined;
  readonly ordered: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds tables of every row type
export interface TableDef<R = any> {
  /** PascalCase, CData's name (docs/cdata-driver.md §3). */
  name: string;
  kind: 'table' | 'view';
  description: string;
  /** Our extension (not in the reference driver): marked in sys_tables and the docs. */
  extension?: boolean;
  columns: readonly ColumnDef<R>[];
  /**
   * Columns the API can sort by exactly as SQL does (timestamps and numbers, never text:
   * ARCHITECTURE.md §5). With a LIMIT, an ORDER BY on these is passed to `list` as `ctx.orderBy`.
   */
  orderable?: readonly string[];
  /**
   * COUNT(*) without fetching rows (e.g. GET /issues/count): the exact number of rows matching
   * `quals`, or undefined when these quals cannot be counted that way. The planner calls it only
   * for `SELECT count(*) … [GROUP BY col]` whose every WHERE conjunct is an exact `=`/`IN`/IS NULL.
   */
  count?(ctx: FetchContext, quals: readonly Qual[]): Promise<number | undefined>;
  /**
   * For `GROUP BY col` with COUNT(*): the groups `col` falls into (never NULL) under these quals,
   * or undefined when unknown or when counting would cost more requests than reading the rows;
   * the planner then makes one count per group (ARCHITECTURE.md §5).
   */
  countDomains?: Readonly<Record<string, (ctx: FetchContext, quals: readonly Qual[]) => Promise<CountDomain | undefined>>>;
  /** Source rows: a superset of the rows matching `quals`, in pages. */
  list(ctx: FetchContext, quals: readonly Qual[]): AsyncIterable<readonly R[]>;
  /**
   * Requests a `list` with these quals will make, for EXPLAIN: a short phrase like
   * "1 request per 100 issues" or "1 per project".
   */
  cost(quals: readonly Qual[]): string;
  /**
   * The number behind `cost` where the plan can know it (./helpers.ts `exactly`, `atLeast`): `read` holds the
   * columns the statement uses (some lists skip a lookup without them) and its row limit. Absent:
   * at least 1 request.
   */
  requests?(quals: readonly Qual[], space: SpaceFacts, read: StepRead): RequestCount;
  /** The same for COUNT(*) through `count` (`groupBy`: the counted GROUP BY column). Absent: at least 1. */
  countRequests?(quals: readonly Qual[], groupBy: string | undefined, space: SpaceFacts): RequestCount;
  /** INSERT / UPDATE / DELETE (tables only; views are read-only). */
  writes?: TableWrites<R>;
  /** Example queries for the docs. */
  examples?: readonly string[];
}

/** A typed identity helper so table files get inference on `R`. */
export function defineTable<R>(def: TableDef<R>): TableDef<R> {
  return def;
}
