/**
 * A query over one Backlog table whose rows are few, answered without a temporary table (issue 13,
 * costs): the rows go to DuckDB as parameters of the statement itself, one list per column, and a
 * common table expression of the table's name, put in front of the user's query, turns them back
 * into the table. A temporary table costs three DuckDB round trips (CREATE, the appender's flush,
 * which commits, and the DROP before the connection is reused) — 1.5 ms or more of a one-request
 * question's 2 ms of overhead; this costs none beyond running the statement, which is prepared
 * once per text and shape (./conn-pool.ts `runPrepared`).
 *
 * The CTE shadows the table for every unqualified reference, in subqueries too, with the columns
 * and types the temporary table would have (./duckdb.ts `keptColumns`), in the same row order.
 * Used only where that is all the statement needs (the engine checks: one table, no parameters of
 * the caller's, a query that starts with SELECT or FROM — a WITH of the user's own would have to
 * be merged); anything DuckDB refuses in this form runs again the usual way, so errors and their
 * positions are those of the user's text.
 */
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import type { SqlType } from '../schema/types.js';
import { duckdb, keptColumns, quoteIdent, type DuckParams } from './duckdb.js';

/**
 * At most this many rows, and rows × columns: beyond, the appender's one flush beats binding every
 * value (measured: 100 issues of every column 6.3 ms inlined vs 7.7 ms through a temporary table,
 * 1,000 rows of four columns 3.6 ms vs 3.1 ms).
 */
export const INLINE_MAX_ROWS = 300;
export const INLINE_MAX_CELLS = 10_000;

/** Parameter names: the caller's statement has none (the engine checks), so no clash. */
const PARAM = 'backlog_sql_rows_';

/** The user's query with the table's rows in front, and the values to bind; undefined when there are too many rows. */
export function inlineRows(
  sql: string,
  name: string,
  columns: readonly { name: string; type: SqlType; key?: boolean }[],
  rows: readonly (readonly unknown[])[],
  used: ReadonlySet<string>,
): { sql: string; bound: DuckParams } | undefined {
  const keep = keptColumns(columns, used);
  if (rows.length > INLINE_MAX_ROWS || rows.length * keep.length > INLINE_MAX_CELLS || qualified(sql, name)) return undefined;
  const api = duckdb();
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  const inner: string[] = [];
  const outer: string[] = [];
  for (const [k, i] of keep.entries()) {
    const column = columns[i] as { name: string; type: SqlType };
    const bindType = listElement(column.type);
    const items = new Array<DuckDBValue>(rows.length);
    for (let r = 0; r < rows.length; r++) items[r] = paramValue(column.type, (rows[r] as readonly unknown[])[i]);
    values[`${PARAM}${k}`] = api.listValue(items);
    types[`${PARAM}${k}`] = api.LIST(api[bindType]);
    // Typed in the text: a parameter whose type DuckDB must infer makes it plan the statement again at every run.
    inner.push(`unnest(CAST($${PARAM}${k} AS ${bindType}[])) AS c${k}`);
    outer.push(
      bindType === 'VARCHAR' && column.type !== 'VARCHAR'
        ? `CAST(c${k} AS ${column.type}) AS ${quoteIdent(column.name)}`
        : `c${k} AS ${quoteIdent(column.name)}`,
    );
  }
  // A line break ends the prefix, so that a statement starting with a `--` comment stays whole.
  const prefix = `WITH ${quoteIdent(name)} AS (SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')}))\n`;
  return { sql: prefix + sql, bound: { values, types } };
}

/** The type a column's values are bound as: its own for the ones JS holds exactly, else text DuckDB casts (as the appender does). */
function listElement(type: SqlType): 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR' {
  return type === 'BIGINT' || type === 'INTEGER' || type === 'DOUBLE' || type === 'BOOLEAN' ? type : 'VARCHAR';
}

/** One value as ./duckdb.ts `appendValue` would append it. */
function paramValue(type: SqlType, value: unknown): DuckDBValue {
  if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return null;
  switch (type) {
    case 'BIGINT':
      return BigInt(Math.trunc(Number(value)));
    case 'INTEGER':
      return Math.trunc(Number(value));
    case 'DOUBLE':
      return Number(value);
    case 'BOOLEAN':
      return Boolean(value);
    case 'VARCHAR':
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      return String(value);
  }
}

/**
 * Whether the text may name the table other than plainly: `main.T` finds the temporary table (its
 * schema is also called main) but not a CTE, and `query_table('T')` looks in the catalog. Read on
 * the raw text, so a comment or a literal that merely looks so only costs the usual way.
 */
function qualified(sql: string, name: string): boolean {
  let pattern = QUALIFIED.get(name);
  if (!pattern) QUALIFIED.set(name, (pattern = new RegExp(`[.']\\s*"?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i')));
  return pattern.test(sql);
}

/** `qualified`'s pattern per table name (tables are few). */
const QUALIFIED = new Map<string, RegExp>();
