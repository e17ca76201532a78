/**
 * DuckDB connections kept between statements, and parse trees kept between runs of the same text
 * (issue 13, costs). A statement used to open a connection, ask DuckDB for its parse tree and
 * close the connection: with a statement costing some 0.2 ms per DuckDB round trip, those fixed
 * steps were most of a one-request question's overhead.
 *
 * A connection goes back to its instance's idle list only once it is as a new one would be: the
 * temporary tables a statement loaded (./duckdb.ts `loadTempTable` records them) are dropped
 * first, off the statement's path (the caller has its result already), so a later statement,
 * `SHOW TABLES` or a catalog query never sees another statement's rows. A connection that ran
 * anything else that could leave state behind (SET, CREATE, COPY…: the caller says so), or was
 * interrupted, is closed instead. Concurrent statements each get their own connection.
 */
import type { DuckDBConnection, DuckDBInstance, DuckDBMaterializedResult, DuckDBPreparedStatement } from '@duckdb/node-api';
import type { DuckParams } from './duckdb.js';

/** Idle connections kept per instance: enough for a program's sequential statements and a few concurrent ones. */
const MAX_IDLE = 4;

const idle = new WeakMap<DuckDBInstance, DuckDBConnection[]>();
/** Temporary tables created on a connection since it was handed out. */
const loaded = new WeakMap<DuckDBConnection, Set<string>>();
/** Instances being closed: nothing goes back to them. */
const closing = new WeakSet<DuckDBInstance>();
/** Background DROPs still running per instance: the instance may close only after them. */
const cleaning = new WeakMap<DuckDBInstance, Set<Promise<void>>>();
/** Connections a cancel or a timeout interrupted: never reused (DuckDB may still see the interrupt). */
const interrupted = new WeakSet<DuckDBConnection>();

/** An idle connection of `duck`, or a new one. */
export async function acquireConnection(duck: DuckDBInstance): Promise<DuckDBConnection> {
  const kept = idle.get(duck)?.pop();
  if (kept) return kept;
  const conn = await duck.connect();
  const interrupt = conn.interrupt.bind(conn);
  conn.interrupt = () => {
    interrupted.add(conn);
    interrupt();
  };
  return conn;
}

/**
 * Temporary tables being created ahead of their rows (./duckdb.ts `createTempTableEarly`): the
 * column names they were made with, or undefined if that failed. Forgotten when the connection is given back.
 */
export const earlyTables = new WeakMap<DuckDBConnection, Map<string, Promise<string | undefined>>>();

/** Record a temporary table created on `conn`, to drop before the connection is reused. */
export function noteTempTable(conn: DuckDBConnection, name: string): void {
  let names = loaded.get(conn);
  if (!names) loaded.set(conn, (names = new Set()));
  names.add(name);
}

/**
 * Give a connection back. `reusable` false (the statement may have changed the connection's
 * settings or catalog, or was interrupted): it is closed. Otherwise its temporary tables are
 * dropped in the background and it joins the idle list; a failure there closes it.
 */
export function releaseConnection(duck: DuckDBInstance, conn: DuckDBConnection, reusable: boolean): void {
  const names = loaded.get(conn);
  loaded.delete(conn);
  earlyTables.delete(conn);
  const list = idle.get(duck) ?? [];
  if (!reusable || interrupted.has(conn) || closing.has(duck) || list.length >= MAX_IDLE) {
    conn.closeSync();
    return;
  }
  if (!names || names.size === 0) {
    list.push(conn);
    idle.set(duck, list);
    return;
  }
  const drops = [...names].map((n) => `DROP TABLE IF EXISTS temp.main."${n.replaceAll('"', '""')}"`).join(';\n');
  const pending = cleaning.get(duck) ?? new Set<Promise<void>>();
  cleaning.set(duck, pending);
  const done: Promise<void> = conn
    .run(drops)
    .then(
      () => {
        const now = idle.get(duck) ?? [];
        if (closing.has(duck) || now.length >= MAX_IDLE) conn.closeSync();
        else {
          now.push(conn);
          idle.set(duck, now);
        }
      },
      () => conn.closeSync(),
    )
    // A connection that cannot even be closed is left to DuckDB's own clean-up at instance close.
    .catch(() => undefined)
    .finally(() => pending.delete(done));
  pending.add(done);
}

/** Wait for the background clean-ups of `duck`'s connections (before closing the instance). */
export async function settleConnections(duck: DuckDBInstance): Promise<void> {
  await Promise.all([...(cleaning.get(duck) ?? [])]);
}

/** Close the idle connections of an instance about to close; none is kept after this. */
export function closeIdleConnections(duck: DuckDBInstance): void {
  closing.add(duck);
  for (const conn of idle.get(duck)?.splice(0) ?? []) conn.closeSync();
}

// ---- parse trees --------------------------------------------------------------------------------

/** Statement texts whose serialized parse tree is kept (least recently used dropped first). */
const PARSE_CACHE_SIZE = 256;
/** Longer texts are parsed every time: a cache of large keys would cost more memory than it saves. */
const PARSE_CACHE_MAX_CHARS = 16_384;
/** At most this many characters of texts and trees kept in all (a tree is ten or more times its text). */
const PARSE_CACHE_BUDGET = 8_000_000;
const parses = new Map<string, string>();
let parseChars = 0;

/**
 * `json_serialize_sql(text)` as DuckDB returns it: the parse tree depends on the text alone, so a
 * statement run again (a program's loop, a dashboard's refresh) skips the round trip to DuckDB.
 */
export async function serializedSql(conn: DuckDBConnection, sql: string): Promise<string> {
  const hit = parses.get(sql);
  if (hit !== undefined) {
    // Most recently used last.
    parses.delete(sql);
    parses.set(sql, hit);
    return hit;
  }
  const reader = await conn.runAndReadAll(`SELECT json_serialize_sql('${sql.replaceAll("'", "''")}')`);
  const json = String(reader.getRows()[0]?.[0]);
  if (sql.length <= PARSE_CACHE_MAX_CHARS && !parses.has(sql)) {
    parses.set(sql, json);
    parseChars += sql.length + json.length;
    while (parses.size > PARSE_CACHE_SIZE || parseChars > PARSE_CACHE_BUDGET) {
      const [oldest, tree] = parses.entries().next().value as [string, string];
      parses.delete(oldest);
      parseChars -= oldest.length + tree.length;
    }
  }
  return json;
}

// ---- prepared statements -----------------------------------------------------------------------

/**
 * DuckDB prepared statements kept per connection and statement text (issue 13, costs). Running a
 * text asks DuckDB to parse, bind and plan it, then execute it; a statement kept prepared skips
 * the first half, which for a small query is most of its DuckDB time (`SELECT 1`: some 0.3 ms
 * run, 0.12 ms re-executed prepared). Programs run the same texts again and again (a loop, a
 * dashboard's refresh, the engine's own fast path of ./inline-rows.ts), so the saving repeats.
 *
 * When a kept statement is still right: DuckDB binds a prepared statement again by itself when a
 * table it reads was created, replaced or dropped since (a statement's temporary tables, T#TEMP)
 * or when a parameter's type changed, but NOT when a view or macro it reads was redefined (it
 * keeps the old definition). So every instance has a catalog generation, moved on by anything
 * that may redefine one (`catalogChanged`: a statement other than a query, the schema's
 * creation finishing), and a connection's kept statements are dropped as soon as it is behind.
 */

/** Statements kept per connection (least recently used dropped first). */
const PER_CONNECTION = 32;
/** Longer texts are not kept: they are rarely repeated, and a kept statement holds DuckDB memory. */
const MAX_CHARS = 16_384;

const generations = new WeakMap<DuckDBInstance, number>();
const kept = new WeakMap<DuckDBConnection, { generation: number; statements: Map<string, DuckDBPreparedStatement> }>();

/** Something may have redefined a view, a macro or a setting of `duck`: no kept statement of it is reused. */
export function catalogChanged(duck: DuckDBInstance): void {
  generations.set(duck, (generations.get(duck) ?? 0) + 1);
}

/**
 * Run one statement (its text holds exactly one: the caller has parsed it) on `conn`, prepared
 * once per connection and text. Behaves as `conn.run(sql, values, types)`: the same result, the
 * same errors (a statement that fails to prepare is not kept).
 */
export async function runPrepared(duck: DuckDBInstance, conn: DuckDBConnection, sql: string, bound?: DuckParams): Promise<DuckDBMaterializedResult> {
  if (sql.length > MAX_CHARS) return conn.run(sql, bound?.values, bound?.types);
  const generation = generations.get(duck) ?? 0;
  let mine = kept.get(conn);
  if (mine?.generation !== generation) {
    for (const s of mine?.statements.values() ?? []) s.destroySync();
    mine = { generation, statements: new Map() };
    kept.set(conn, mine);
  }
  let statement = mine.statements.get(sql);
  if (statement) {
    // Most recently used last.
    mine.statements.delete(sql);
    mine.statements.set(sql, statement);
    statement.clearBindings();
  } else {
    statement = await conn.prepare(sql);
    mine.statements.set(sql, statement);
    if (mine.statements.size > PER_CONNECTION) {
      const [oldest, old] = mine.statements.entries().next().value as [string, DuckDBPreparedStatement];
      mine.statements.delete(oldest);
      old.destroySync();
    }
  }
  // A statement with parameters but no values fails as an unprepared run would (with DuckDB's own message).
  if (!bound && statement.parameterCount > 0) return conn.run(sql);
  if (bound) statement.bind(bound.values, bound.types);
  return statement.run();
}
