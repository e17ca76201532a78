/**
 * Reads DuckDB's own parse tree (`json_serialize_sql`) of a SELECT and finds what the planner may
 * push down (ARCHITECTURE.md §5 step 1): which Backlog tables are read and under which aliases, the
 * top-level AND conjuncts of each SELECT's WHERE that constrain one table with constants
 * (`=`, `IN`, ranges, IS [NOT] NULL), the join equalities that let a child table be fetched only
 * for its parents' keys, the columns used, and whether LIMIT (with ORDER BY) can go to the API.
 *
 * Anything not understood stays local. A pushed predicate only ever narrows the fetch to a superset
 * of the rows SQL keeps: DuckDB applies every predicate again over the fetched rows.
 */
import type { ColumnDef, PushOp, Qual, SpaceFacts, SqlType, TableDef } from '../schema/types.js';
import {
  expressions,
  isExpression,
  isQueryNode,
  walk,
  type Expression,
  type Modifier,
  type OrderModifier,
  type ParsedStatement,
  type SelectNode,
  type SubqueryTable,
  type TableSource,
  type QueryNode,
  type TreeObject,
} from './parse-tree.js';
import { dedupeNames } from './result.js';
export type ParamValues = readonly unknown[] | Record<string, unknown> | undefined;

export interface TableRef {
  /** Index in `refs`. */
  index: number;
  table: TableDef;
  /** Alias, or the table name as written, lower-cased for matching. */
  alias: string;
  /** 0-based character position in the SQL. */
  location: number;
  /** On the NULL-extended side of an outer join: IS NULL must not be pushed there. */
  nullable: boolean;
  quals: Qual[];
  /**
   * Top-level WHERE / INNER JOIN conjuncts that read only this table (and constants): they narrow
   * which of its rows can join, so join keys for other tables are taken from rows passing them.
   */
  local: Expression[];
}

export interface JoinLink {
  from: { ref: TableRef; column: string };
  /** The side whose rows can be restricted to the keys found on `from`'s side. */
  to: { ref: TableRef; column: string };
}

export interface LimitPushdown {
  ref: TableRef;
  limit: number;
  orderBy: { column: string; desc: boolean }[];
}

/** `SELECT count(*) [, col] FROM t WHERE <exact =/IN/IS NULL> [GROUP BY col]`: counted, not fetched. */
export interface CountPushdown {
  ref: TableRef;
  groupColumn: string | undefined;
}

export interface Analysis {
  refs: TableRef[];
  links: JoinLink[];
  limit: LimitPushdown | undefined;
  count: CountPushdown | undefined;
  /**
   * The statement reads one Backlog table row by row — no aggregate, window, DISTINCT, ORDER BY,
   * OFFSET, subquery or CTE — so its result over all pages is the concatenation of its results
   * over each page: `stream()` runs it page by page (ARCHITECTURE.md §5). `functions`: the names
   * called, which the engine checks against DuckDB's aggregates (AGGREGATES lists only the usual ones).
   */
  streamable: { ref: TableRef; limit: number | undefined; functions: string[] } | undefined;
  /** Every function the statement calls (lower-case names). */
  functions: Set<string>;
  /** The statement reads a table that is not a Backlog table or a CTE (sys_*, catalogs) or a table function. */
  readsOtherTables: boolean;
  /**
   * Column names (lower-case) mentioned anywhere, as `qualifier.column` (qualifier lower-case)
   * or `.column` when unqualified; `*` for an unqualified star, `qualifier.*` for `t.*`.
   */
  columnsMentioned: Set<string>;
}

export interface UnknownTable {
  name: string;
  location: number;
}

const OPS: Record<string, PushOp> = {
  COMPARE_EQUAL: '=',
  COMPARE_GREATERTHAN: '>',
  COMPARE_GREATERTHANOREQUALTO: '>=',
  COMPARE_LESSTHAN: '<',
  COMPARE_LESSTHANOREQUALTO: '<=',
};
const FLIP: Record<string, PushOp> = { '=': '=', '>': '<', '>=': '<=', '<': '>', '<=': '>=' };

const AGGREGATES = new Set([
  'count_star',
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'string_agg',
  'list',
  'array_agg',
  'group_concat',
  'bool_and',
  'bool_or',
  'median',
  'mode',
  'first',
  'last',
  'any_value',
  'stddev',
  'variance',
  'approx_count_distinct',
  'arg_max',
  'arg_min',
  'histogram',
]);

function conjuncts(expr: Expression | null | undefined): Expression[] {
  if (!expr) return [];
  if (expr.class === 'CONJUNCTION' && expr.type === 'CONJUNCTION_AND') return expr.children.flatMap(conjuncts);
  return [expr];
}

function location(n: { readonly query_location: number }): number {
  const loc = Number(n.query_location);
  return Number.isSafeInteger(loc) ? loc : -1;
}

/** What counts as a constant besides literals: bound parameters and today's date. */
interface Consts {
  params: ParamValues;
  /** CURRENT_DATE / today() in the space's time zone, 'YYYY-MM-DD' (asked only when used: a time zone's first use loads its data). */
  today: () => string | undefined;
}

/** A constant (possibly cast), a bound parameter or CURRENT_DATE → a JS value; undefined if not constant. */
function constantValue(n: Expression | null | undefined, consts: Consts): { value: unknown } | undefined {
  if (!n) return undefined;
  const params = consts.params;
  // DuckDB parses CURRENT_DATE as a column reference, today() as a function.
  const isToday =
    (n.class === 'COLUMN_REF' && n.column_names.length === 1 && String(n.column_names[0]).toLowerCase() === 'current_date') ||
    (n.class === 'FUNCTION' && ['today', 'current_date'].includes(n.function_name.toLowerCase()) && n.children.length === 0);
  if (isToday) {
    const today = consts.today();
    return today === undefined ? undefined : { value: today };
  }
  if (n.class === 'CONSTANT') return n.value.is_null ? undefined : { value: n.value.value };
  if (n.class === 'CAST') {
    const inner = constantValue(n.child, consts);
    if (!inner) return undefined;
    const type = n.cast_type.id;
    if (['DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'VARCHAR', 'BIGINT', 'INTEGER'].includes(type)) return inner;
    return undefined;
  }
  if (n.class === 'PARAMETER') {
    const id = String(n.identifier);
    if (Array.isArray(params)) {
      const i = Number(id) - 1;
      return i >= 0 && i < params.length ? { value: params[i] } : undefined;
    }
    if (params && typeof params === 'object') {
      const rec = params as Record<string, unknown>;
      if (id in rec) return { value: rec[id] };
      // `@name` / `:name` keys, as the caller may write them (they bind as `$name`).
      const named = Object.keys(rec).find((k) => k.replace(/^[@$:]/, '').toLowerCase() === id.toLowerCase());
      if (named !== undefined) return { value: rec[named] };
      const i = Number(id) - 1;
      const values = Object.values(rec);
      return Number.isInteger(i) && i >= 0 && i < values.length && /^\d+$/.test(id) ? { value: values[i] } : undefined;
    }
    return undefined;
  }
  return undefined;
}

/** Convert a SQL constant to the JS value a qual carries for this column type, if compatible. */
function qualValue(column: ColumnDef, raw: unknown): string | number | boolean | undefined {
  if (raw === null || raw === undefined) return undefined;
  const v = raw instanceof Date ? raw.toISOString() : raw;
  switch (column.type) {
    case 'BIGINT':
    case 'INTEGER':
    case 'DOUBLE':
    case 'DECIMAL(18,2)': {
      const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
      return Number.isFinite(n) ? n : undefined;
    }
    case 'BOOLEAN':
      return typeof v === 'boolean' ? v : undefined;
    case 'VARCHAR':
      return typeof v === 'string' ? v : undefined;
    case 'DATE':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined;
    case 'TIMESTAMPTZ':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v : undefined;
  }
}

interface Scope {
  refs: TableRef[];
}

function columnOf(ref: TableRef, name: string): ColumnDef | undefined {
  const lower = name.toLowerCase();
  return ref.table.columns.find((c) => c.name.toLowerCase() === lower);
}

/** Resolve a COLUMN_REF to one table ref of this scope (qualified, or the only table having it). */
function resolveColumn(n: Expression | null | undefined, scope: Scope): { ref: TableRef; column: ColumnDef } | undefined {
  if (!n || n.class !== 'COLUMN_REF') return undefined;
  const names = n.column_names;
  const name = names.at(-1) ?? '';
  if (names.length >= 2) {
    const qualifier = (names.at(-2) ?? '').toLowerCase();
    const ref = scope.refs.find((r) => r.alias === qualifier);
    const column = ref && columnOf(ref, name);
    return ref && column ? { ref, column } : undefined;
  }
  let match: { ref: TableRef; column: ColumnDef } | undefined;
  for (const ref of scope.refs) {
    const column = columnOf(ref, name);
    if (!column) continue;
    if (match) return undefined;
    match = { ref, column };
  }
  return match;
}

interface ConjunctResult {
  /** Pushed as a qual; `exact` when the column's pushdown applies it exactly. */
  pushed?: { ref: TableRef; qual: Qual; exact: boolean };
  link?: { a: { ref: TableRef; column: string }; b: { ref: TableRef; column: string } };
}

function pushable(column: ColumnDef, op: PushOp): boolean {
  return column.pushdown?.ops.includes(op) ?? false;
}

function analyzeConjunct(c: Expression, scope: Scope, params: Consts): ConjunctResult {
  const op = c.class === 'COMPARISON' ? OPS[c.type] : undefined;
  if (op && c.class === 'COMPARISON') {
    const left = resolveColumn(c.left, scope);
    const right = resolveColumn(c.right, scope);
    if (left && right && op === '=' && left.ref !== right.ref) {
      return { link: { a: { ref: left.ref, column: left.column.name }, b: { ref: right.ref, column: right.column.name } } };
    }
    const side = left
      ? { col: left, value: constantValue(c.right, params), op }
      : right
        ? { col: right, value: constantValue(c.left, params), op: FLIP[op] ?? op }
        : undefined;
    if (!side || !side.value) return {};
    const v = qualValue(side.col.column, side.value.value);
    if (v === undefined || !pushable(side.col.column, side.op)) return {};
    return { pushed: { ref: side.col.ref, qual: { column: side.col.column.name, op: side.op, values: [v] }, exact: side.col.column.pushdown?.exact ?? false } };
  }
  const list =
    c.class === 'OPERATOR' && c.type === 'COMPARE_IN'
      ? { column: c.children[0], items: c.children.slice(1).map((r) => constantValue(r, params)) }
      : anyOfList(c, params);
  if (list) {
    const col = resolveColumn(list.column, scope);
    if (!col || !pushable(col.column, 'IN')) return {};
    const values: (string | number | boolean)[] = [];
    for (const k of list.items) {
      const v = k && qualValue(col.column, k.value);
      if (v === undefined) return {};
      values.push(v);
    }
    return { pushed: { ref: col.ref, qual: { column: col.column.name, op: 'IN', values }, exact: col.column.pushdown?.exact ?? false } };
  }
  if (c.class === 'OPERATOR' && (c.type === 'OPERATOR_IS_NULL' || c.type === 'OPERATOR_IS_NOT_NULL')) {
    const col = resolveColumn(c.children[0], scope);
    const op: PushOp = c.type === 'OPERATOR_IS_NULL' ? 'IS NULL' : 'IS NOT NULL';
    // IS NULL on the NULL-extended side of an outer join would change which rows get extended.
    if (!col || !pushable(col.column, op) || (op === 'IS NULL' && col.ref.nullable)) return {};
    return { pushed: { ref: col.ref, qual: { column: col.column.name, op, values: [] }, exact: col.column.pushdown?.exact ?? false } };
  }
  return {};
}

/**
 * `col = ANY(?)` and `col IN (SELECT unnest(?))` with an array parameter (or a list literal): DuckDB
 * parses both as an ANY subquery over `SELECT unnest(x)`. Its items, as IN's would be, or undefined
 * for any other subquery.
 */
function anyOfList(c: Expression, consts: Consts): { column: Expression | null; items: ({ value: unknown } | undefined)[] } | undefined {
  if (c.class !== 'SUBQUERY' || c.subquery_type !== 'ANY' || c.comparison_type !== 'COMPARE_EQUAL') return undefined;
  const select = c.subquery.node;
  if (select.type !== 'SELECT_NODE' || select.from_table.type !== 'EMPTY') return undefined;
  if (select.where_clause || select.having || select.qualify || select.group_expressions.length > 0 || select.modifiers.length > 0) return undefined;
  const unnest = select.select_list.length === 1 ? select.select_list[0] : undefined;
  if (unnest?.class !== 'FUNCTION' || unnest.function_name.toLowerCase() !== 'unnest' || unnest.children.length !== 1) return undefined;
  const source = unnest.children[0];
  if (source?.class === 'FUNCTION' && source.function_name === 'list_value') {
    return { column: c.child, items: source.children.map((x) => constantValue(x, consts)) };
  }
  const value = constantValue(source, consts)?.value;
  return Array.isArray(value) ? { column: c.child, items: value.map((v) => ({ value: v })) } : undefined;
}

/** The one table a conjunct reads, when it reads exactly one and has no parameter or subquery. */
function singleTableConjunct(c: Expression, scope: Scope): TableRef | undefined {
  let only: TableRef | undefined;
  for (const n of expressions(c)) {
    if (n.class === 'SUBQUERY' || n.class === 'PARAMETER' || n.class === 'WINDOW') return undefined;
    if (n.class !== 'COLUMN_REF') continue;
    const names = n.column_names;
    if (names.length === 1 && String(names[0]).toLowerCase() === 'current_date') continue;
    const col = resolveColumn(n, scope);
    if (!col || (only && only !== col.ref)) return undefined;
    only = col.ref;
  }
  return only;
}

interface FromResult {
  refs: TableRef[];
  /** Conjuncts of INNER JOIN conditions (they filter like WHERE). */
  innerConditions: Expression[];
  /** LEFT JOIN conditions: links from the preserved side to the NULL-extended side only. */
  leftConditions: { condition: Expression; right: TableRef[] }[];
  simple: boolean;
}

export class AnalysisError extends Error {
  constructor(readonly unknown: UnknownTable) {
    super(`unknown table ${unknown.name}`);
  }
}

export interface Catalog {
  /** A Backlog table by name (case-insensitive), or undefined. */
  table(name: string): TableDef | undefined;
  /** Tables that exist locally (sys_*, user views) and need no fetch. */
  isLocal(name: string): boolean;
  /** What the space's metadata tells without a request (the plan's request estimates read it). */
  readonly space?: SpaceFacts;
}

export function analyze(
  parsed: ParsedStatement,
  catalog: Catalog,
  paramValues: ParamValues,
  options: { today?: string | (() => string | undefined); maxRows?: number | undefined } = {},
): Analysis {
  const statement = parsed;
  const given = options.today;
  const params: Consts = { params: paramValues, today: typeof given === 'function' ? given : () => given };
  const refs: TableRef[] = [];
  const links: JoinLink[] = [];
  const columnsMentioned = new Set<string>();
  const functions = new Set<string>();
  let readsOtherTables = false;
  for (const n of walk(statement)) {
    if (n.type === 'TABLE_FUNCTION') readsOtherTables = true;
    // Columns used without a COLUMN_REF (JOIN … USING, NATURAL JOIN, PIVOT's implicit groups, a
    // table's column aliases `t(a, b)`, DuckDB's positional `#2`): every column is needed. These
    // fields are outside the typed tree's node kinds (./parse-tree.ts), so they are read raw.
    const raw = n as unknown as Record<string, unknown>;
    if ((Array.isArray(raw.using_columns) && raw.using_columns.length > 0) || raw.ref_type === 'NATURAL' || raw.type === 'PIVOT') columnsMentioned.add('*');
    if (raw.class === 'POSITIONAL_REFERENCE') columnsMentioned.add('*');
    if (raw.type === 'BASE_TABLE' && Array.isArray(raw.column_name_alias) && raw.column_name_alias.length > 0) columnsMentioned.add('*');
    if (!isExpression(n)) continue;
    if (n.class === 'FUNCTION') functions.add(n.function_name.toLowerCase());
    if (n.class === 'COLUMN_REF') {
      const names = n.column_names.map((x) => x.toLowerCase());
      const column = names.at(-1) ?? '';
      columnsMentioned.add(names.length >= 2 ? `${names.at(-2)}.${column}` : `.${column}`);
    }
    if (n.class === 'STAR') columnsMentioned.add(n.relation_name ? `${n.relation_name.toLowerCase()}.*` : '*');
  }

  function fromClause(from: TableSource | null | undefined, ctes: Set<string>, nullable: boolean): FromResult {
    const result: FromResult = { refs: [], innerConditions: [], leftConditions: [], simple: true };
    if (!from || from.type === 'EMPTY') return result;
    if (from.type === 'BASE_TABLE') {
      const name = from.table_name;
      const schema = from.schema_name ?? '';
      if (ctes.has(name.toLowerCase()) && !schema) return result;
      const table = schema && !['main', 'public'].includes(schema.toLowerCase()) ? undefined : catalog.table(name);
      // `main.Issues` names the schema's (empty) table itself, not the statement's rows.
      if (schema) readsOtherTables = true;
      if (!table) {
        readsOtherTables = true;
        if (catalog.isLocal(name) || schema) return result;
        throw new AnalysisError({ name, location: location(from) });
      }
      const ref: TableRef = {
        index: refs.length,
        table,
        alias: (from.alias || name).toLowerCase(),
        location: location(from),
        nullable,
        quals: [],
        local: [],
      };
      refs.push(ref);
      result.refs.push(ref);
      return result;
    }
    if (from.type === 'JOIN') {
      const joinType = from.join_type;
      const left = fromClause(from.left, ctes, nullable || joinType === 'RIGHT' || joinType === 'OUTER');
      const right = fromClause(from.right, ctes, nullable || joinType === 'LEFT' || joinType === 'OUTER');
      const merged: FromResult = {
        refs: [...left.refs, ...right.refs],
        innerConditions: [...left.innerConditions, ...right.innerConditions],
        leftConditions: [...left.leftConditions, ...right.leftConditions],
        simple: false,
      };
      if (joinType === 'INNER' && from.condition) merged.innerConditions.push(...conjuncts(from.condition));
      if (joinType === 'LEFT' && from.condition) merged.leftConditions.push({ condition: from.condition, right: right.refs });
      return merged;
    }
    // Subqueries and table functions: their own SELECT nodes are analysed where they are found.
    const before = refs.length;
    selectsIn(from, ctes);
    const through = from.type === 'SUBQUERY' ? passThrough(from, refs.slice(before), nullable) : undefined;
    return { ...result, refs: through ? [through] : [], simple: false };
  }

  /**
   * A subquery that only picks rows and columns of one table by their own names —
   * `(SELECT * | col, … FROM T [WHERE …]) AS v`, as a user-defined view expands — lets the outer
   * query's conditions on v reach T: the returned stand-in for T's ref, named v, shares T's quals
   * (so they narrow T's fetch, which is still a superset: DuckDB applies every condition) but not
   * its join-key filters or links. Anything else (renamed or computed columns, grouping,
   * DISTINCT, LIMIT, ORDER BY, a join inside) returns undefined: the subquery stays opaque.
   */
  function passThrough(from: SubqueryTable, added: TableRef[], nullable: boolean): TableRef | undefined {
    const node = from.subquery.node;
    if (node.type !== 'SELECT_NODE' || !from.alias || (from.column_name_alias?.length ?? 0) > 0) return undefined;
    const table = node.from_table;
    if (table.type !== 'BASE_TABLE' || table.sample) return undefined;
    if (node.modifiers.length > 0 || node.group_expressions.length > 0 || node.having || node.qualify || node.sample) return undefined;
    if (node.cte_map?.map.length) return undefined;
    const plain = node.select_list.every((item) =>
      item.class === 'STAR'
        ? !item.relation_name &&
          !item.expr &&
          !item.columns &&
          [item.exclude_list, item.replace_list, item.rename_list, item.qualified_exclude_list].every((l) => !Array.isArray(l) || l.length === 0)
        : item.class === 'COLUMN_REF' && (!item.alias || item.alias.toLowerCase() === String(item.column_names.at(-1)).toLowerCase()),
    );
    const inner = added.find((r) => r.location === location(table));
    if (!plain || !inner) return undefined;
    const standIn = { ...inner, alias: from.alias.toLowerCase(), nullable: nullable || inner.nullable, local: [] };
    standIns.set(standIn, inner);
    return standIn;
  }
  const standIns = new Map<TableRef, TableRef>();

  const limits: LimitPushdown[] = [];
  const counts: CountPushdown[] = [];
  let streamable: Analysis['streamable'];
  let topLevel = true;

  function selectNode(node: SelectNode, outerCtes: Set<string>): void {
    const isTop = topLevel;
    topLevel = false;
    const ctes = new Set(outerCtes);
    const cteMap = node.cte_map?.map ?? [];
    for (const entry of cteMap) ctes.add(entry.key.toLowerCase());
    for (const entry of cteMap) selectsIn(entry.value.query, ctes);

    const from = fromClause(node.from_table, ctes, false);
    const scope: Scope = { refs: from.refs };
    const where = conjuncts(node.where_clause);
    let allExact = true;
    for (const c of [...where, ...from.innerConditions]) {
      const only = singleTableConjunct(c, scope);
      if (only && !only.nullable) only.local.push(c);
      const r = analyzeConjunct(c, scope, params);
      if (r.pushed) {
        r.pushed.ref.quals.push(r.pushed.qual);
        if (!r.pushed.exact) allExact = false;
      } else allExact = false;
      if (r.link) addLink(r.link.a, r.link.b, false);
    }
    for (const { condition, right } of from.leftConditions) {
      for (const c of conjuncts(condition)) {
        const r = analyzeConjunct(c, { refs: from.refs }, params);
        if (r.link) {
          const { a, b } = r.link;
          if (right.includes(b.ref) && !right.includes(a.ref)) addLink(a, b, true);
          else if (right.includes(a.ref) && !right.includes(b.ref)) addLink(b, a, true);
        }
      }
    }
    // Expressions (subqueries in SELECT, WHERE, HAVING…) hold SELECT nodes of their own.
    for (const part of [node.select_list, node.where_clause, node.having, node.qualify, node.group_expressions]) selectsIn(part, ctes);
    for (const m of node.modifiers) selectsIn(m, ctes);

    const only = from.simple && from.refs.length === 1 ? from.refs[0] : undefined;
    if (isTop && only && allExact) {
      const limit = limitOf(node, only);
      if (limit) limits.push(limit);
      const count = countOf(node, only);
      if (count) counts.push(count);
    }
    if (isTop && only && cteMap.length === 0) streamable = streamOf(node, only);
  }

  /** Row by row: see `Analysis.streamable`. */
  function streamOf(node: SelectNode, ref: TableRef): Analysis['streamable'] {
    if (node.group_expressions.length > 0 || node.having || node.qualify || node.sample) return undefined;
    const functions = new Set<string>();
    for (const n of expressions([node.select_list, node.where_clause])) {
      if (n.class === 'WINDOW' || n.class === 'SUBQUERY') return undefined;
      if (n.class === 'FUNCTION' && AGGREGATES.has(n.function_name.toLowerCase())) return undefined;
      if (n.class === 'FUNCTION') functions.add(n.function_name.toLowerCase());
    }
    let limit: number | undefined;
    for (const m of node.modifiers) {
      if (m.type !== 'LIMIT_MODIFIER' || m.offset) return undefined;
      const l = constantValue(m.limit, params);
      if (!l || typeof l.value !== 'number') return undefined;
      limit = l.value;
    }
    return { ref, limit, functions: [...functions] };
  }

  function countOf(node: SelectNode, ref: TableRef): CountPushdown | undefined {
    if (!ref.table.count) return undefined;
    // Counting is exact only for equalities (the counted rows then carry the qual values).
    if (ref.quals.some((q) => q.op !== '=' && q.op !== 'IN' && q.op !== 'IS NULL')) return undefined;
    if (ref.quals.filter((q) => q.op === 'IN' && q.values.length > 1).length > 1) return undefined;
    const groups = node.group_expressions;
    if (groups.length > 1 || node.qualify) return undefined;
    let groupColumn: string | undefined;
    const group = groups[0];
    if (group) {
      // GROUP BY 1: the select list's first item.
      const position = group.class === 'CONSTANT' ? constantValue(group, params)?.value : undefined;
      const target = typeof position === 'number' && Number.isInteger(position) ? node.select_list[position - 1] : group;
      const col = resolveColumn(target, { refs: [ref] });
      if (!col || !ref.table.countDomains?.[col.column.name]) return undefined;
      groupColumn = col.column.name;
    }
    let counted = false;
    for (const item of node.select_list) {
      if (
        item.class === 'FUNCTION' &&
        (item.function_name === 'count_star' || (item.function_name === 'count' && item.children.length === 0)) &&
        !item.distinct &&
        !item.filter
      ) {
        counted = true;
        continue;
      }
      const col = resolveColumn(item, { refs: [ref] });
      if (!col || col.column.name !== groupColumn) return undefined;
    }
    for (const m of node.modifiers) if (m.type === 'DISTINCT_MODIFIER') return undefined;
    // HAVING and ORDER BY may use count(*), the group column and select-list aliases only: any
    // other column would be NULL in the placeholder rows.
    const aliases = new Set(node.select_list.map((i) => (i.alias ?? '').toLowerCase()).filter(Boolean));
    const orders = node.modifiers.filter((m: Modifier): m is OrderModifier => m.type === 'ORDER_MODIFIER');
    for (const n of expressions([node.having, orders])) {
      if (n.class === 'SUBQUERY' || n.class === 'WINDOW') return undefined;
      if (n.class !== 'COLUMN_REF') continue;
      const names = n.column_names;
      if (names.length === 1 && aliases.has(String(names[0]).toLowerCase())) continue;
      const col = resolveColumn(n, { refs: [ref] });
      if (!col || col.column.name !== groupColumn) return undefined;
    }
    return counted ? { ref, groupColumn } : undefined;
  }

  function limitOf(node: SelectNode, ref: TableRef): LimitPushdown | undefined {
    if (node.group_expressions.length > 0 || node.having || node.qualify) return undefined;
    for (const n of expressions(node.select_list)) {
      if (n.class === 'WINDOW' || n.class === 'SUBQUERY') return undefined;
      if (n.class === 'FUNCTION' && AGGREGATES.has(n.function_name.toLowerCase())) return undefined;
    }
    let limit: number | undefined;
    let offset = 0;
    const orderBy: { column: string; desc: boolean }[] = [];
    for (const m of node.modifiers) {
      if (m.type === 'DISTINCT_MODIFIER') return undefined;
      if (m.type === 'LIMIT_MODIFIER') {
        const l = constantValue(m.limit, params);
        const o = m.offset ? constantValue(m.offset, params) : { value: 0 };
        if (!l || !o || typeof l.value !== 'number' || typeof o.value !== 'number') return undefined;
        limit = l.value;
        offset = o.value;
      } else if (m.type === 'ORDER_MODIFIER') {
        for (const order of m.orders) {
          // Tables return NULLs last, as DuckDB does by default; NULLS FIRST stays local.
          if (!['ORDER_DEFAULT', 'NULLS_LAST', 'NULLS LAST'].includes(order.null_order)) return undefined;
          const col = resolveColumn(order.expression, { refs: [ref] });
          if (!col || !(ref.table.orderable ?? []).includes(col.column.name)) return undefined;
          orderBy.push({ column: col.column.name, desc: order.type === 'DESCENDING' });
        }
      } else return undefined;
    }
    // MaxRows keeps the result's first rows, as a LIMIT would: the fetch stops there too.
    const kept = Math.min(limit ?? Infinity, options.maxRows ?? Infinity);
    return kept === Infinity ? undefined : { ref, limit: offset + kept, orderBy };
  }

  function addLink(aIn: { ref: TableRef; column: string }, bIn: { ref: TableRef; column: string }, oneWay: boolean): void {
    // A join through a pass-through subquery links the table under it (same rows, same column names).
    const a = { ref: standIns.get(aIn.ref) ?? aIn.ref, column: aIn.column };
    const b = { ref: standIns.get(bIn.ref) ?? bIn.ref, column: bIn.column };
    if (a.ref === b.ref) return;
    const canTo = (side: { ref: TableRef; column: string }) => {
      const col = columnOf(side.ref, side.column);
      return col !== undefined && pushable(col, 'IN');
    };
    if (canTo(b)) links.push({ from: a, to: b });
    if (!oneWay && canTo(a)) links.push({ from: b, to: a });
  }

  /** Every query node under `v` (subqueries in expressions, FROM, CTEs, set operations), analysed where found. */
  function selectsIn(v: unknown, ctes: Set<string>): void {
    if (Array.isArray(v)) {
      for (const x of v) selectsIn(x, ctes);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    if (isQueryNode(v)) {
      if (v.type === 'SELECT_NODE') selectNode(v, ctes);
      else {
        topLevel = false;
        for (const [k, x] of Object.entries(v)) if (k !== 'cte_map') selectsIn(x, ctes);
        for (const entry of v.cte_map?.map ?? []) selectsIn(entry.value.query, ctes);
      }
      return;
    }
    for (const x of Object.values(v)) selectsIn(x, ctes);
  }

  selectsIn(statement, new Set());
  return { refs, links, limit: limits[0], count: counts[0], streamable, functions, readsOtherTables, columnsMentioned };
}

/**
 * Projections. A query that only picks columns of one Backlog table, answered in JS from the fetched rows
 * without running DuckDB (issue 13, per-statement cost). After the response of a one-request
 * question arrives, running even a prepared statement over the inlined rows (./inline-rows.ts)
 * cost ~0.4 ms: DuckDB's threads wake up for a round trip whose answer is the rows as fetched.
 *
 * Eligible, decided on DuckDB's parse tree when the plan is made (./plan.ts `projection`; ./result.ts `projectRows` answers it):
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
export type ExactType = 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR';

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
