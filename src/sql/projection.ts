/**
 * A query that only picks columns of one Backlog table, answered in JS from the fetched rows
 * without running DuckDB (issue 13, per-statement cost). After the response of a one-request
 * question arrives, running even a prepared statement over the inlined rows (./inline-rows.ts)
 * cost ~0.4 ms: DuckDB's threads wake up for a round trip whose answer is the rows as fetched.
 *
 * Eligible, decided on DuckDB's parse tree when the plan is made (./plan.ts `projection`):
 * `SELECT *` or plain column references (optionally qualified by the table or its alias, with
 * optional aliases) FROM that one table — no WHERE, GROUP BY, HAVING, QUALIFY, ORDER BY,
 * LIMIT/OFFSET, DISTINCT, sample, CTE, function or expression — every selected column of a type JS
 * holds exactly (BIGINT, INTEGER, DOUBLE, BOOLEAN, VARCHAR). The answer is DuckDB's to the letter:
 * column names as DuckDB names them (a column reference takes the column's own spelling, an alias
 * its own; duplicates deduplicated as ./result.ts does), the reported types, the values as the
 * inlined rows make them (`valueOf` mirrors inline-rows' `paramValue` and ./duckdb.ts `toJs`), the
 * rows in fetch order. A value the mirror cannot reproduce exactly sends the statement down the
 * DuckDB path instead (`projectRows` answers undefined).
 */
import type { SqlType, TableDef } from '../schema/types.js';
import type { Expression, QueryNode, TreeObject } from './parse-tree.js';
import { dedupeNames, type ResultColumn } from './result.js';

/** One result column: the table's `column`, named `name` in the result. */
export interface ProjectedColumn {
  readonly column: string;
  readonly name: string;
  readonly type: ExactType;
}

/** The plan's record that the statement runs without DuckDB: the table and the result's columns. */
export interface Projection {
  readonly table: string;
  readonly columns: readonly ProjectedColumn[];
}

/** Column types whose values JS holds exactly as DuckDB returns them. */
type ExactType = 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR';

function exact(type: SqlType): type is ExactType {
  return type === 'BIGINT' || type === 'INTEGER' || type === 'DOUBLE' || type === 'BOOLEAN' || type === 'VARCHAR';
}

const empty = (v: unknown): boolean => Array.isArray(v) && v.length === 0;

/** Names as DuckDB compares them, case-insensitively in ASCII only (JS would also fold K, the Kelvin sign, to k). */
const lower = (name: string): string => name.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/** The projection a query is, over `table` (the plan's one table), or undefined when DuckDB must run it. */
export function projectionOf(node: QueryNode, table: TableDef): Projection | undefined {
  if (node.type !== 'SELECT_NODE') return undefined;
  const raw = node as unknown as TreeObject;
  if (!empty(node.modifiers) || !empty(node.cte_map.map) || node.where_clause !== null || !empty(node.group_expressions)) return undefined;
  if (node.having !== null || node.qualify !== null || node.sample !== null) return undefined;
  // GROUP BY ALL has no group expressions but forces aggregation; grouping sets likewise.
  if (raw.aggregate_handling !== 'STANDARD_HANDLING' || !(raw.group_sets === undefined || empty(raw.group_sets))) return undefined;
  const from = node.from_table as unknown as TreeObject;
  if (from.type !== 'BASE_TABLE' || from.sample !== null || (from.schema_name ?? '') !== '' || (from.catalog_name ?? '') !== '') return undefined;
  if (!(from.column_name_alias === undefined || empty(from.column_name_alias)) || (from.at_clause ?? null) !== null) return undefined;
  if (lower(String(from.table_name)) !== lower(table.name)) return undefined;
  // A column may be qualified by the alias when there is one, else by the table's name (as DuckDB binds).
  const qualifier = lower(String(from.alias || from.table_name));
  const byName = new Map(table.columns.map((c) => [lower(c.name), c]));
  const picked: { column: string; name: string; type: ExactType }[] = [];
  for (const e of node.select_list) {
    const items = selected(e, qualifier, table);
    if (!items) return undefined;
    for (const { column: name, alias } of items) {
      const column = byName.get(lower(name));
      if (!column || !exact(column.type)) return undefined;
      picked.push({ column: column.name, name: alias || column.name, type: column.type });
    }
  }
  const names = dedupeNames(picked.map((p) => p.name));
  return Object.freeze({
    table: table.name,
    columns: Object.freeze(picked.map((p, i) => Object.freeze({ ...p, name: names[i] as string }))),
  });
}

/** The columns one select-list item picks (with its alias), or undefined when it is anything but a plain pick. */
function selected(e: Expression, qualifier: string, table: TableDef): { column: string; alias: string }[] | undefined {
  if (e.class === 'COLUMN_REF') {
    const parts = e.column_names;
    if (parts.length === 1) return [{ column: parts[0] as string, alias: e.alias }];
    if (parts.length === 2 && lower(parts[0] as string) === qualifier) return [{ column: parts[1] as string, alias: e.alias }];
    return undefined;
  }
  if (e.class === 'STAR') {
    const plain =
      e.alias === '' &&
      (e.relation_name === '' || lower(e.relation_name) === qualifier) &&
      !e.columns &&
      (e.expr ?? null) === null &&
      [e.exclude_list, e.replace_list, e.rename_list, e.qualified_exclude_list].every((l) => l === undefined || l.length === 0);
    return plain ? table.columns.map((c) => ({ column: c.name, alias: '' })) : undefined;
  }
  return undefined;
}

/** Marks a value the mirror cannot reproduce exactly. */
const INEXACT = Symbol('inexact');

/** A lone surrogate or NUL: text DuckDB's UTF-8 may not give back unchanged. */
const UNSAFE_TEXT = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A fetched value as DuckDB gives it back after inline-rows binds it (`paramValue`, then the
 * column's type, then `toJs`); INEXACT for anything whose round trip is not plainly that.
 */
function valueOf(type: ExactType, v: unknown): unknown {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return null;
  switch (type) {
    case 'BIGINT': {
      // BigInt(n) then toJs: a safe integer comes back as a number (+0 turns -0 into 0, as BigInt does).
      const n = Math.trunc(Number(v));
      return Number.isSafeInteger(n) ? n + 0 : INEXACT;
    }
    case 'INTEGER': {
      const n = Math.trunc(Number(v));
      return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? n + 0 : INEXACT;
    }
    case 'DOUBLE': {
      const n = Number(v);
      return Number.isFinite(n) && !Object.is(n, -0) ? n : INEXACT;
    }
    case 'BOOLEAN':
      return Boolean(v);
    case 'VARCHAR': {
      const s: unknown = typeof v === 'string' ? v : JSON.stringify(v);
      return typeof s === 'string' && !UNSAFE_TEXT.test(s) ? s : INEXACT;
    }
  }
}

/**
 * The result of `projection` over the fetched `rows` (values in the order of `tableColumns`), at
 * most `maxRows` of them, or undefined when a value's round trip through DuckDB is not plainly
 * reproduced (the caller then runs the statement in DuckDB).
 */
export function projectRows(
  projection: Projection,
  tableColumns: readonly { name: string }[],
  rows: readonly (readonly unknown[])[],
  options: { rowMode: 'object' | 'array'; maxRows: number | undefined },
): { columns: ResultColumn[]; rows: Record<string, unknown>[] | unknown[][] } | undefined {
  const cols = projection.columns;
  const at = cols.map((c) => tableColumns.findIndex((t) => t.name === c.column));
  if (at.some((i) => i < 0)) return undefined;
  const count = Math.min(rows.length, options.maxRows ?? Infinity);
  const out = new Array<unknown>(count);
  for (let r = 0; r < count; r++) {
    const row = rows[r] as readonly unknown[];
    const values = new Array<unknown>(cols.length);
    for (let k = 0; k < cols.length; k++) {
      const v = valueOf((cols[k] as ProjectedColumn).type, row[at[k] as number]);
      if (v === INEXACT) return undefined;
      values[k] = v;
    }
    if (options.rowMode === 'array') out[r] = values;
    else {
      const obj: Record<string, unknown> = {};
      for (let k = 0; k < cols.length; k++) obj[(cols[k] as ProjectedColumn).name] = values[k];
      out[r] = obj;
    }
  }
  return { columns: cols.map((c) => ({ name: c.name, type: c.type })), rows: out as Record<string, unknown>[] | unknown[][] };
}
