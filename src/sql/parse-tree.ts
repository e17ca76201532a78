/**
 * DuckDB's parse tree of a query as `json_serialize_sql` writes it, typed: a discriminated union
 * for the node kinds the planner reads (./analyze.ts), by `class` for expressions and by `type`
 * for table references, query nodes and result modifiers. Fields the planner does not read are
 * left out; kinds it does not read are named so a `switch` stays exhaustive. Made from DuckDB
 * 1.x's serializer (src/parser/…/serialize_*.cpp); `parseQuery` is the one place the JSON enters.
 */
import { serializedSql } from './conn-pool.js';
import { SqlError } from '../errors.js';
import { secondStatement, syntaxError } from './duck-errors.js';
import type { DuckDBConnection } from './duckdb.js';

interface ExpressionBase {
  readonly alias: string;
  /** 0-based; 2^64 - 1 (rounded by JSON.parse) when DuckDB knows no location. */
  readonly query_location: number;
}

export interface ColumnRef extends ExpressionBase {
  readonly class: 'COLUMN_REF';
  readonly column_names: readonly string[];
}

export interface ConstantValue {
  readonly type: { readonly id: string };
  readonly is_null: boolean;
  readonly value: unknown;
}

export interface Constant extends ExpressionBase {
  readonly class: 'CONSTANT';
  readonly value: ConstantValue;
}

export interface Cast extends ExpressionBase {
  readonly class: 'CAST';
  readonly child: Expression;
  readonly cast_type: { readonly id: string };
}

export interface Parameter extends ExpressionBase {
  readonly class: 'PARAMETER';
  /** `1` for `$1` / `?`, the name for `$name`. */
  readonly identifier: string;
}

export interface FunctionCall extends ExpressionBase {
  readonly class: 'FUNCTION';
  readonly function_name: string;
  readonly children: readonly Expression[];
  readonly distinct: boolean;
  readonly filter: Expression | null;
}

export type ComparisonType =
  | 'COMPARE_EQUAL'
  | 'COMPARE_NOTEQUAL'
  | 'COMPARE_LESSTHAN'
  | 'COMPARE_GREATERTHAN'
  | 'COMPARE_LESSTHANOREQUALTO'
  | 'COMPARE_GREATERTHANOREQUALTO'
  | 'COMPARE_DISTINCT_FROM'
  | 'COMPARE_NOT_DISTINCT_FROM';

export interface Comparison extends ExpressionBase {
  readonly class: 'COMPARISON';
  readonly type: ComparisonType;
  readonly left: Expression;
  readonly right: Expression;
}

export interface Conjunction extends ExpressionBase {
  readonly class: 'CONJUNCTION';
  readonly type: 'CONJUNCTION_AND' | 'CONJUNCTION_OR';
  readonly children: readonly Expression[];
}

/** IN lists, IS [NOT] NULL, NOT, and the other operators (their operands in `children`). */
export interface Operator extends ExpressionBase {
  readonly class: 'OPERATOR';
  readonly type: string;
  readonly children: readonly Expression[];
}

export interface Subquery extends ExpressionBase {
  readonly class: 'SUBQUERY';
  readonly subquery_type: 'SCALAR' | 'EXISTS' | 'NOT_EXISTS' | 'ANY' | string;
  readonly subquery: { readonly node: QueryNode };
  /** The left side of `x = ANY (…)` / `x IN (SELECT …)`. */
  readonly child: Expression | null;
  readonly comparison_type: ComparisonType | 'INVALID';
}

export interface Star extends ExpressionBase {
  readonly class: 'STAR';
  readonly relation_name: string;
  readonly expr?: Expression | null;
  readonly columns?: boolean;
  readonly exclude_list?: readonly unknown[];
  readonly replace_list?: readonly unknown[];
  readonly rename_list?: readonly unknown[];
  readonly qualified_exclude_list?: readonly unknown[];
}

export interface Window extends ExpressionBase {
  readonly class: 'WINDOW';
}

/** Kinds the planner only walks through (their operands may hold columns, functions and subqueries). */
export interface OtherExpression extends ExpressionBase {
  readonly class: 'AGGREGATE' | 'CASE' | 'DEFAULT' | 'COLLATE' | 'LAMBDA' | 'LAMBDA_REF' | 'POSITIONAL_REFERENCE' | 'BETWEEN' | 'BOUND_EXPRESSION';
}

export type Expression =
  | ColumnRef
  | Constant
  | Cast
  | Parameter
  | FunctionCall
  | Comparison
  | Conjunction
  | Operator
  | Subquery
  | Star
  | Window
  | OtherExpression;

interface TableRefBase {
  readonly alias: string;
  readonly query_location: number;
  readonly sample: unknown;
}

export interface BaseTable extends TableRefBase {
  readonly type: 'BASE_TABLE';
  readonly schema_name: string;
  readonly table_name: string;
}

export interface Join extends TableRefBase {
  readonly type: 'JOIN';
  readonly join_type: 'INNER' | 'LEFT' | 'RIGHT' | 'OUTER' | 'SEMI' | 'ANTI' | 'MARK' | 'SINGLE' | string;
  readonly left: TableSource;
  readonly right: TableSource;
  readonly condition: Expression | null;
}

export interface SubqueryTable extends TableRefBase {
  readonly type: 'SUBQUERY';
  readonly subquery: { readonly node: QueryNode };
  readonly column_name_alias?: readonly string[];
}

export interface TableFunction extends TableRefBase {
  readonly type: 'TABLE_FUNCTION';
}

export interface OtherTable extends TableRefBase {
  readonly type: 'EMPTY' | 'EXPRESSION_LIST' | 'PIVOT' | 'SHOW_REF' | 'COLUMN_DATA' | 'DELIM_GET';
}

export type TableSource = BaseTable | Join | SubqueryTable | TableFunction | OtherTable;

export interface LimitModifier {
  readonly type: 'LIMIT_MODIFIER';
  readonly limit: Expression | null;
  readonly offset: Expression | null;
}

export interface OrderModifier {
  readonly type: 'ORDER_MODIFIER';
  readonly orders: readonly { readonly type: 'ASCENDING' | 'DESCENDING' | 'ORDER_DEFAULT'; readonly null_order: string; readonly expression: Expression }[];
}

export interface OtherModifier {
  readonly type: 'DISTINCT_MODIFIER' | 'LIMIT_PERCENT_MODIFIER';
}

export type Modifier = LimitModifier | OrderModifier | OtherModifier;

export interface CteMap {
  readonly map: readonly { readonly key: string; readonly value: { readonly query: { readonly node: QueryNode } } }[];
}

export interface SelectNode {
  readonly type: 'SELECT_NODE';
  readonly modifiers: readonly Modifier[];
  readonly cte_map: CteMap;
  readonly select_list: readonly Expression[];
  readonly from_table: TableSource;
  readonly where_clause: Expression | null;
  readonly group_expressions: readonly Expression[];
  readonly having: Expression | null;
  readonly qualify: Expression | null;
  readonly sample: unknown;
}

/** UNION / INTERSECT / EXCEPT, recursive CTEs, materialised CTEs: walked, never planned as one table's read. */
export interface OtherQueryNode {
  readonly type: 'SET_OPERATION_NODE' | 'RECURSIVE_CTE_NODE' | 'CTE_NODE';
  readonly modifiers: readonly Modifier[];
  readonly cte_map: CteMap;
}

export type QueryNode = SelectNode | OtherQueryNode;

/** One statement of `json_serialize_sql`'s answer. */
export interface ParsedStatement {
  readonly node: QueryNode;
}

/** Any object of the tree (expressions, table sources, query nodes, modifiers, and the plain records inside them). */
export type TreeObject = { readonly [key: string]: unknown };

/** Is `v` an expression (every expression, and only they, has a `class`)? */
export function isExpression(v: unknown): v is Expression {
  return typeof v === 'object' && v !== null && typeof (v as { class?: unknown }).class === 'string';
}

/** Is `v` a query node (SELECT, set operation, CTE)? */
export function isQueryNode(v: unknown): v is QueryNode {
  const type = typeof v === 'object' && v !== null ? (v as { type?: unknown }).type : undefined;
  return type === 'SELECT_NODE' || type === 'SET_OPERATION_NODE' || type === 'RECURSIVE_CTE_NODE' || type === 'CTE_NODE';
}

/** Every object in a JSON tree, depth first (expressions are recognised with `isExpression`). */
export function* walk(v: unknown): Generator<TreeObject> {
  if (Array.isArray(v)) for (const x of v) yield* walk(x);
  else if (typeof v === 'object' && v !== null) {
    yield v as TreeObject;
    for (const x of Object.values(v)) yield* walk(x);
  }
}

/** Every expression in a tree, depth first. */
export function* expressions(v: unknown): Generator<Expression> {
  for (const n of walk(v)) if (isExpression(n)) yield n;
}

/**
 * JSON from json_serialize_sql. DuckDB writes a constant out of a double's range (`1e309`) as a
 * bare `Infinity` (or `NaN`), which JSON does not have: those become strings, which no pushdown
 * takes for a number (DuckDB still evaluates the constant itself).
 */
export function parseTreeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    let out = '';
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      if (inString) {
        out += ch;
        if (ch === '\\') out += text[++i] ?? '';
        else if (ch === '"') inString = false;
        continue;
      }
      if (ch === '"') inString = true;
      const bare = /^(-?Infinity|NaN)/.exec(text.slice(i, i + 9))?.[0];
      if (bare) {
        out += `"${bare}"`;
        i += bare.length - 1;
      } else out += ch;
    }
    return JSON.parse(out);
  }
}

interface SerializeAnswer {
  error: boolean;
  error_message?: string;
  position?: string;
  statements?: ParsedStatement[];
}

/** One query parsed by DuckDB's own parser; errors point into the user's statement (`offset`). */
export async function parseQuery(conn: DuckDBConnection, sql: string, offset: number): Promise<ParsedStatement> {
  // The one place DuckDB's JSON becomes the typed tree (the JSON kept per text: ./conn-pool.ts).
  const json = parseTreeJson(await serializedSql(conn, sql)) as SerializeAnswer;
  if (json.error) {
    if (/Only SELECT statements can be serialized/.test(json.error_message ?? '')) {
      throw new SqlError('only queries, INSERT, UPDATE, DELETE and EXEC / CALL run here', 1 + offset, {
        sqlstate: '0A000',
        hint: /^\s*WITH\b/i.test(sql)
          ? 'WITH … INSERT/UPDATE/DELETE is not supported: move the WITH query into the WHERE (… WHERE Id IN (SELECT …)) or the INSERT … SELECT.'
          : "The schema is Backlog's: tables cannot be created or altered.",
      });
    }
    throw syntaxError(json.error_message ?? 'syntax error', json.position !== undefined ? Number(json.position) : undefined, sql, offset);
  }
  const statements = json.statements ?? [];
  if (statements.length !== 1) {
    const second = secondStatement(sql);
    throw new SqlError(
      statements.length === 0 ? 'the statement is empty' : `only one statement at a time here, got ${statements.length}`,
      (second ?? sql.length) + 1 + offset,
      { syntax: true, sqlstate: '42601' },
    );
  }
  return statements[0] as ParsedStatement;
}
