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
import type { DuckDBConnection, DuckDBInstance, DuckDBMaterializedResult, DuckDBPreparedStatement } from '@duckdb/node-api';
import type { DuckParams } from './duckdb.js';

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
