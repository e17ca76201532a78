/**
 * DuckDB plumbing: one in-memory instance per backlog-sql connection, safe settings (no extension
 * downloads: there is no network; optionally no file access, for SQL from remote clients), typed
 * table creation and appending, and converting DuckDB values to the JS values the library
 * promises (ARCHITECTURE.md §2: numbers, strings, booleans, Date for timestamps, 'YYYY-MM-DD' for dates).
 */
import { createRequire } from 'node:module';
import type * as DuckApi from '@duckdb/node-api';
import type { DuckDBAppender, DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { tmpdir } from 'node:os';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { join } from 'node:path';
import { SqlError } from '../errors.js';
import type { SqlType } from '../schema/types.js';
import { instanceTempFolder, removeTempFolder } from './temp-folder.js';
import { closeIdleConnections, earlyTables, noteTempTable } from './conn-pool.js';

// DuckDB's package is CommonJS. Imported from ESM, Node first lexes every file it re-exports to
// find the named exports, which took longer than loading DuckDB itself (0.1–0.2 s of every cold
// start); `require` loads it without that step. It is loaded on first use, not at import: a program
// that never connects does not pay for it. In the built package this exact call is replaced by the
// bundled copy of the API (scripts/bundle.mjs, which fails the build if it no longer finds it).
// Loading blocks the thread, so connect's GET /space is written once it is loaded; the instance is
// then created on DuckDB's threads while that request is answered.
let duckApi: typeof DuckApi | undefined;
export function duckdb(): typeof DuckApi {
  duckApi ??= createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckApi;
  return duckApi;
}
type DuckDBInstance = DuckApi.DuckDBInstance;

/** Values appended between two yields to the event loop. */
const SLICE_CELLS = 20_000;

export interface DuckOptions {
  /** Refuse file and network access from SQL (the pg server's setting, ARCHITECTURE.md §5). */
  noExternalAccess?: boolean;
  /** The session time zone, or a promise of it: the instance is created meanwhile. */
  timezone: string | Promise<string>;
  /** A database file instead of memory (replication's DuckDB and Parquet destinations: src/sync). */
  path?: string;
}

/** Where DuckDB looks for extensions: a path that never exists, so nothing is ever fetched. */
const NO_EXTENSIONS = join(tmpdir(), 'backlog-sql-no-extensions', 'none');

/** Each instance's spill folder (library connections only), removed when it closes. */
const SPILL_FOLDERS = new WeakMap<DuckDBInstance, string>();

/**
 * A DuckDB instance with safe settings: no extension is installed or loaded from anywhere (there
 * is no network; ./statement.ts `extensionStatement` refuses INSTALL and LOAD with a clear error first), and no temporary
 * files where others can reach them. A library connection spills to its own folder inside a
 * private per-process folder (./temp-folder.ts); an instance without external access (SQL from
 * remote clients) gets no spill folder at all, because DuckDB lets SQL read and write its
 * temporary folder even with external access off: its work stays in memory.
 */
export async function createDuck(options: DuckOptions): Promise<DuckDBInstance> {
  const spill = options.noExternalAccess ? '' : instanceTempFolder();
  let duck: DuckDBInstance;
  try {
    duck = await duckdb().DuckDBInstance.create(options.path ?? ':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      custom_extension_repository: NO_EXTENSIONS,
      autoinstall_extension_repository: NO_EXTENSIONS,
      extension_directory: NO_EXTENSIONS,
      temp_directory: spill,
    });
  } catch (e) {
    if (spill) removeTempFolder(spill);
    throw e;
  }
  if (spill) SPILL_FOLDERS.set(duck, spill);
  try {
    // The session time zone is the space's, so `Created::DATE` is the space's calendar day.
    // (Set on the instance: every statement's connection shares it.) It may still be on its way
    // (connect asks Backlog for it while the instance is created); a failure there closes the instance.
    const timezone = await options.timezone;
    const conn = await duck.connect();
    try {
      await conn.run(`SET GLOBAL TimeZone = ${quoteLiteral(timezone)}`);
      if (options.noExternalAccess) {
        await conn.run('SET GLOBAL enable_external_access = false');
        await conn.run('SET GLOBAL lock_configuration = true');
      }
    } finally {
      conn.closeSync();
    }
  } catch (e) {
    closeDuck(duck);
    throw e;
  }
  return duck;
}

/** A statement's parameter values and their types, as DuckDB's prepared statements take them. */
export interface DuckParams {
  values: DuckDBValue[] | Record<string, DuckDBValue>;
  types: DuckDBType[] | Record<string, DuckDBType | undefined>;
}

/**
 * The caller's parameters (an array for `?`/`$1`, an object for `$name`) as DuckDB values. Scalars
 * pass as they are (Dates as ISO text). A JS array becomes a typed list, so that `col = ANY(?)` and
 * `col IN (SELECT unnest(?))` work: DuckDB cannot infer a list's type from JS values.
 */
export function duckParams(params: readonly unknown[] | Record<string, unknown> | undefined): DuckParams | undefined {
  if (params === undefined) return undefined;
  const one = (v: unknown, name: string): [DuckDBValue, DuckDBType | undefined] => {
    if (Array.isArray(v)) return listParam(v, name);
    if (v instanceof Date) return [isoOf(v, name), undefined];
    return [(v === undefined ? null : v) as DuckDBValue, undefined];
  };
  if (Array.isArray(params)) {
    const pairs = params.map((v, i) => one(v, `$${i + 1}`));
    // An undefined type lets DuckDB infer that value's type (the array form's typing omits it).
    return { values: pairs.map((p) => p[0]), types: pairs.map((p) => p[1]) as DuckDBType[] };
  }
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType | undefined> = {};
  for (const [k, v] of Object.entries(params)) [values[k], types[k]] = one(v, `$${k}`);
  return { values, types };
}

function isoOf(d: Date, name: string): string {
  if (Number.isNaN(d.getTime()))
    throw new SqlError(`parameter ${name} is an invalid Date`, undefined, { sqlstate: '22007', hint: 'Pass a valid Date, or the time as ISO 8601 text.' });
  return d.toISOString();
}

function listParam(items: readonly unknown[], name: string): [DuckDBValue, DuckDBType] {
  const { BIGINT, BOOLEAN, DOUBLE, LIST, SQLNULL, VARCHAR, listValue } = duckdb();
  const present = items.filter((x) => x !== null && x !== undefined);
  const kinds = new Set(present.map((x) => (x instanceof Date ? 'date' : typeof x === 'number' && Number.isSafeInteger(x) ? 'integer' : typeof x)));
  if (kinds.has('integer') && kinds.has('number')) kinds.delete('integer');
  const kind = [...kinds][0];
  const element: DuckDBType | undefined =
    kinds.size === 0
      ? SQLNULL
      : kinds.size > 1
        ? undefined
        : kind === 'integer' || kind === 'bigint'
          ? BIGINT
          : kind === 'number'
            ? DOUBLE
            : kind === 'string' || kind === 'date'
              ? VARCHAR
              : kind === 'boolean'
                ? BOOLEAN
                : undefined;
  if (!element) {
    throw new SqlError(
      `array parameter ${name} must hold values of one type (numbers, strings, booleans or Dates), got ${[...kinds].join(' and ')}`,
      undefined,
      {
        sqlstate: '22023',
        hint: "Pass an array such as [1, 2, 3] or ['WEB-1', 'WEB-2'].",
      },
    );
  }
  const values = items.map((x) => (x === undefined || x === null ? null : x instanceof Date ? isoOf(x, name) : x)) as DuckDBValue[];
  return [listValue(element === BIGINT ? values.map((x) => (typeof x === 'number' ? BigInt(x) : x)) : values), LIST(element)];
}

/** Close an instance made by createDuck and remove its spill folder. */
export function closeDuck(duck: DuckDBInstance): void {
  closeIdleConnections(duck);
  duck.closeSync();
  const spill = SPILL_FOLDERS.get(duck);
  if (spill) removeTempFolder(spill);
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Append one value as DuckDB expects it for a column type; dates, times and decimals as text. */
export function appendValue(appender: DuckDBAppender, type: SqlType, value: unknown): void {
  if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) {
    appender.appendNull();
    return;
  }
  switch (type) {
    case 'BIGINT':
      appender.appendBigInt(BigInt(Math.trunc(Number(value))));
      return;
    case 'INTEGER':
      appender.appendInteger(Math.trunc(Number(value)));
      return;
    case 'DOUBLE':
      appender.appendDouble(Number(value));
      return;
    case 'BOOLEAN':
      appender.appendBoolean(Boolean(value));
      return;
    case 'VARCHAR':
      appender.appendVarchar(typeof value === 'string' ? value : JSON.stringify(value));
      return;
    default:
      appender.appendVarchar(String(value));
  }
}

function createTempTable(conn: DuckDBConnection, name: string, columns: readonly { name: string; type: SqlType }[]): Promise<unknown> {
  noteTempTable(conn, name);
  return conn.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(name)} (${columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')})`);
}

/**
 * Start creating the (empty) temporary table that `loadTempTable` will fill, while the caller
 * fetches its rows: DuckDB works on its own thread while the request is on the network, so a
 * one-request statement does not wait for the CREATE afterwards. Only for a connection that runs
 * nothing else until `loadTempTable(conn, name, …)`; a failure here just means that call creates it.
 */
export function createTempTableEarly(
  conn: DuckDBConnection,
  name: string,
  columns: readonly { name: string; type: SqlType }[],
  used?: ReadonlySet<string>,
): void {
  let pending = earlyTables.get(conn);
  if (!pending) earlyTables.set(conn, (pending = new Map()));
  const kept = keptColumns(columns, used).map((i) => columns[i] as { name: string; type: SqlType });
  const shape = kept.map((c) => c.name).join('\n');
  pending.set(
    name,
    createTempTable(conn, name, kept).then(
      () => shape,
      () => undefined,
    ),
  );
}

/**
 * Indices of the columns a temporary table is made with: those in `used` and the key columns
 * (the first column when that leaves none: a table needs one), in the table's order; every column
 * when `used` is undefined. Each column of a temporary table costs at its load, mostly at the
 * appender's flush (a 31-column issue page took 1.2 ms to flush, four columns a fraction of it).
 */
export function keptColumns(columns: readonly { name: string; type: SqlType; key?: boolean }[], used: ReadonlySet<string> | undefined): number[] {
  const all = columns.map((_, i) => i);
  if (!used) return all;
  const kept = all.filter((i) => used.has((columns[i] as { name: string }).name) || (columns[i] as { key?: boolean }).key);
  return kept.length > 0 ? kept : [0];
}

/**
 * A temporary table `name` of this connection holding `rows` (values in the order of `columns`),
 * shadowing any table of that name in the main schema: fetched Backlog rows, sys_identity,
 * RETURNING. With `used`, only those columns (and the keys) are made (see `keptColumns`).
 */
export async function loadTempTable(
  conn: DuckDBConnection,
  name: string,
  columns: readonly { name: string; type: SqlType; key?: boolean }[],
  rows: Iterable<readonly unknown[]>,
  used?: ReadonlySet<string>,
): Promise<void> {
  const load = await openTempTable(conn, name, columns, used);
  await load.append(rows);
  load.close();
}

/** A temporary table being filled: rows appended batch by batch, then closed (which flushes them). */
export interface TempTableLoad {
  append(rows: Iterable<readonly unknown[]>): Promise<void>;
  /** Flush what was appended and end the load; once only. */
  close(): void;
}

/**
 * Create the temporary table `name` (as `loadTempTable` does) and open it for appending, so a
 * statement can load each fetched page as it arrives instead of keeping every page's rows until the
 * last one (issue 13, per page: rows kept across pages survived the young-generation GC, and each
 * collection grew with them). The caller must `close` it before the connection runs anything else.
 */
export async function openTempTable(
  conn: DuckDBConnection,
  name: string,
  columns: readonly { name: string; type: SqlType; key?: boolean }[],
  used?: ReadonlySet<string>,
): Promise<TempTableLoad> {
  const keep = keptColumns(columns, used);
  const types = keep.map((i) => (columns[i] as { type: SqlType }).type);
  const shape = keep.map((i) => (columns[i] as { name: string }).name).join('\n');
  const early = earlyTables.get(conn)?.get(name);
  earlyTables.get(conn)?.delete(name);
  if (!early || (await early) !== shape)
    await createTempTable(
      conn,
      name,
      keep.map((i) => columns[i] as { name: string; type: SqlType }),
    );
  const appender = await conn.createAppender(name, 'main', 'temp');
  // One append function per column, chosen once (not a switch on the type per value).
  const put = types.map((t) => appendFor(appender, t));
  const width = keep.length;
  let cells = 0;
  let closed = false;
  return {
    async append(rows) {
      for (const row of rows) {
        for (let k = 0; k < width; k++) {
          const v = row[keep[k] as number];
          if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) appender.appendNull();
          else (put[k] as (v: unknown) => void)(v);
        }
        appender.endRow();
        // Many fetched rows: let other statements of the process run in between (as ./result.ts does).
        cells += width;
        if (cells >= SLICE_CELLS) {
          cells = 0;
          await yieldToEventLoop();
        }
      }
    },
    close() {
      if (closed) return;
      closed = true;
      appender.flushSync();
      appender.closeSync();
    },
  };
}

/** `appendValue` for one column type, for values that are not NULL. */
function appendFor(appender: DuckDBAppender, type: SqlType): (value: unknown) => void {
  switch (type) {
    case 'BIGINT':
      return (v) => appender.appendBigInt(BigInt(Math.trunc(Number(v))));
    case 'INTEGER':
      return (v) => appender.appendInteger(Math.trunc(Number(v)));
    case 'DOUBLE':
      return (v) => appender.appendDouble(Number(v));
    case 'BOOLEAN':
      return (v) => appender.appendBoolean(Boolean(v));
    case 'VARCHAR':
      return (v) => appender.appendVarchar(typeof v === 'string' ? v : JSON.stringify(v));
    default:
      return (v) => appender.appendVarchar(String(v));
  }
}

/**
 * Give a temporary table loaded with only some of `columns` all of them, in their order, the
 * missing ones NULL: what loading its rows again with every column would make, since only the
 * loaded columns were built (src/schema/helpers.ts `rowBuilder`).
 */
export async function widenTempTable(conn: DuckDBConnection, name: string, columns: readonly { name: string; type: SqlType }[]): Promise<void> {
  const reader = await conn.runAndReadAll(`SELECT column_name FROM duckdb_columns() WHERE database_name = 'temp' AND table_name = ${quoteLiteral(name)}`);
  const have = new Set(reader.getRows().map((r) => String(r[0])));
  const list = columns.map((c) => (have.has(c.name) ? quoteIdent(c.name) : `NULL::${c.type} AS ${quoteIdent(c.name)}`)).join(', ');
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(name)} AS SELECT ${list} FROM temp.main.${quoteIdent(name)}`);
}

/** A DuckDB value → the library's JS value. */
export function toJs(v: DuckDBValue): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  const { DuckDBDateValue, DuckDBDecimalValue, DuckDBListValue, DuckDBStructValue, DuckDBTimestampTZValue, DuckDBTimestampValue } = duckdb();
  if (v instanceof DuckDBTimestampTZValue || v instanceof DuckDBTimestampValue) return new Date(Number(v.micros / 1000n));
  if (v instanceof DuckDBDateValue) return v.toString();
  if (v instanceof DuckDBDecimalValue) return Number(v.toString());
  if (v instanceof DuckDBListValue) return v.items.map(toJs);
  if (v instanceof DuckDBStructValue) return Object.fromEntries(Object.entries(v.entries).map(([k, x]) => [k, toJs(x)]));
  return String(v);
}

/** DuckDB's type name → the SQL type name we report (and the pg server maps to OIDs). */
export function reportedType(duckType: string): string {
  if (duckType === 'TIMESTAMP WITH TIME ZONE') return 'TIMESTAMPTZ';
  return duckType;
}

export type { DuckDBConnection, DuckDBInstance };
