/**
 * Step 2 of the pipeline (ARCHITECTURE.md §5): the plan of a statement as one frozen, printable
 * value. `planRead` turns DuckDB's parse tree of a query (./parse-tree.ts) and the catalog
 * (the registry, built from the space's metadata) into the steps the executor runs in order: per
 * table its source, the filters pushed to the API, the join keys it takes from a parent step, its
 * limit, whether it is counted instead of read, and the requests it is expected to cost. EXPLAIN
 * prints this value (`planRows`); `Engine.execute` runs it; the fixture tests
 * (test/unit/planner/) assert it as data, without an emulator.
 *
 * What the executor needs beyond the printable value (the tables' definitions, the conjuncts that
 * filter a parent's rows before its keys are taken) stays attached to the plan out of sight
 * (`planRuntime`), so the value prints and compares as plain data.
 */
import type { Qual, RequestCount, SpaceFacts, TableDef } from '../schema/types.js';
import { analyze, type Analysis, type Catalog, type ParamValues, type TableRef, projectionOf, type Projection } from './analyze.js';
import type { ParsedStatement } from './parse-tree.js';
import { INLINE_MAX_ROWS } from './inline-rows.js';
import type { DmlVerb } from './statement.js';

/** Where a step's rows come from. The query cache (issue 15) adds its own source here. */
export type StepSource = 'backlog';

export interface JoinKeyStep {
  /** The column of this step's table restricted to the parent's keys (`IN (…)`). */
  readonly column: string;
  /** The step (1-based) whose fetched rows give the keys, its table and column. */
  readonly fromStep: number;
  readonly fromTable: string;
  readonly fromColumn: string;
}

/**
 * Requests a step (or a whole plan) is expected to make, known without sending one: `requests`
 * when the number is exact as planned (a space-wide list: 1; a per-project table: its projects);
 * otherwise `atLeast`, an honest lower bound (and `atMost` when a LIMIT caps the pages), with
 * `rule` saying how the number grows with the data ("1 search per 100 matching issues").
 */
export interface RequestEstimate {
  readonly requests: number | undefined;
  readonly atLeast: number;
  readonly atMost: number | undefined;
  readonly rule: string;
}

export interface PlanStep {
  /** 1-based, in fetch order (parents before the children a join restricts). */
  readonly step: number;
  readonly table: string;
  /** The alias (or the table's name as written), lower-case. */
  readonly alias: string;
  readonly source: StepSource;
  /** Filters from the statement's WHERE and INNER JOIN conditions the API applies (a superset is fetched). */
  readonly pushed: readonly Qual[];
  /** Filters taken at run time from the rows of an earlier step (none above 1000 keys). */
  readonly joinKeys: readonly JoinKeyStep[];
  /** The fetch stops after this many rows (LIMIT, MaxRows), read in this order. */
  readonly limit: { readonly rows: number; readonly orderBy: readonly { readonly column: string; readonly desc: boolean }[] } | undefined;
  /** Counted through the table's count endpoint instead of read (`COUNT(*)`, by `groupBy`). */
  readonly count: { readonly groupBy: string | undefined } | undefined;
  /** The columns the statement reads (the rest need not be built). */
  readonly columns: readonly string[];
  /** Requests this step is expected to make (the table's `requests` and `cost`). */
  readonly estimatedRequests: RequestEstimate;
}

export interface ReadPlan {
  readonly kind: 'read';
  readonly steps: readonly PlanStep[];
  /**
   * The statement reads one table row by row (no aggregate, window, DISTINCT, ORDER BY, OFFSET,
   * GROUP BY, subquery or CTE): `stream()` runs it over each page as it arrives. `limit`: the rows
   * kept (LIMIT and MaxRows), counted across pages.
   */
  readonly stream: { readonly step: number; readonly limit: number | undefined } | undefined;
  /** Reads only Backlog tables and DuckDB built-ins (the schema's creation need not be waited for). */
  readonly readsOtherTables: boolean;
  /** The steps' estimates added up. */
  readonly estimatedRequests: RequestEstimate;
  /**
   * The statement only picks columns of its one table (./analyze.ts `projectionOf`): its few fetched rows are
   * the answer, made in JS without running DuckDB (with the query cache off; up to the rows that
   * may be inlined, ./inline-rows.ts).
   */
  readonly projection?: Projection | undefined;
}

export interface WritePlan {
  readonly kind: 'write';
  readonly verb: DmlVerb;
  readonly table: string;
  /** The SELECT that finds the rows to change (UPDATE / DELETE) or computes them (INSERT), as planned. */
  readonly read: ReadPlan | undefined;
  /** The read plan's, plus one request per changed row (known when it runs). */
  readonly estimatedRequests: RequestEstimate;
}

export type Plan = ReadPlan | WritePlan;

export interface PlanOptions {
  /** Other=Pushdown=false: nothing is pushed, every table is read whole. */
  pushdown: boolean;
  /** MaxRows: the rows kept, a limit where the plan allows one. */
  maxRows: number | undefined;
  /** CURRENT_DATE in the space's time zone, 'YYYY-MM-DD' (asked only when used). */
  today?: string | (() => string | undefined);
}

/** What the executor needs that is not printed. */
export interface PlanRuntime {
  readonly refs: readonly TableRef[];
  readonly analysis: Analysis;
  /** Functions the streamed statement calls (checked against DuckDB's aggregates before streaming). */
  readonly streamFunctions: readonly string[];
}

const runtimes = new WeakMap<ReadPlan, PlanRuntime>();

/** The executor's view of a plan made by `planRead`. */
export function planRuntime(plan: ReadPlan): PlanRuntime {
  const r = runtimes.get(plan);
  if (!r) throw new Error('this plan was not made by planRead');
  return r;
}

/** Above this many parent keys, a join does not restrict the child's fetch (URLs get long). */
export const MAX_DERIVED_KEYS = 1000;

/**
 * The plan of a query. Throws `AnalysisError` (./analyze.ts) for a table that does not exist.
 */
export function planRead(tree: ParsedStatement, catalog: Catalog, params: ParamValues, options: PlanOptions): ReadPlan {
  const analysis = analyze(tree, catalog, params, { ...(options.today !== undefined ? { today: options.today } : {}), maxRows: options.maxRows });
  const order = fetchOrder(analysis);
  const stepOf = new Map(order.map((ref, i) => [ref, i + 1]));
  const space = catalog.space ?? { projects: undefined };
  // The step that reads the project list first (fetched once per statement: later steps get it free).
  let projectListStep: number | undefined;
  const steps = order.map((ref, i): PlanStep => {
    const quals = options.pushdown ? ref.quals.map(freezeQual) : [];
    const limit = options.pushdown && analysis.limit?.ref === ref ? analysis.limit : undefined;
    const counted = options.pushdown && analysis.count?.ref === ref ? analysis.count : undefined;
    const joinKeys = options.pushdown
      ? analysis.links
          .filter((l) => l.to.ref === ref && (stepOf.get(l.from.ref) ?? Infinity) < i + 1)
          .map((l) =>
            Object.freeze({ column: l.to.column, fromStep: stepOf.get(l.from.ref) as number, fromTable: l.from.ref.table.name, fromColumn: l.from.column }),
          )
      : [];
    const columns = [...columnsNeeded(ref, analysis)];
    const read = { columns: new Set(columns), limit: limit?.limit, ordered: (limit?.orderBy.length ?? 0) > 0 };
    const estimate = stepEstimate(ref.table, quals, counted?.groupColumn, counted !== undefined, read, space, joinKeys, projectListStep);
    if (estimate.projectList && joinKeys.length === 0) projectListStep ??= i + 1;
    return Object.freeze({
      step: i + 1,
      table: ref.table.name,
      alias: ref.alias,
      source: 'backlog' as const,
      pushed: Object.freeze(quals),
      joinKeys: Object.freeze(joinKeys),
      limit: limit ? Object.freeze({ rows: limit.limit, orderBy: Object.freeze(limit.orderBy.map((o) => Object.freeze({ ...o }))) }) : undefined,
      count: counted ? Object.freeze({ groupBy: counted.groupColumn }) : undefined,
      columns: Object.freeze(columns),
      estimatedRequests: estimate.value,
    });
  });
  const streamable = analysis.streamable;
  const cap = Math.min(streamable?.limit ?? Infinity, options.maxRows ?? Infinity);
  const plan: ReadPlan = Object.freeze({
    kind: 'read' as const,
    steps: Object.freeze(steps),
    stream: streamable ? Object.freeze({ step: stepOf.get(streamable.ref) as number, limit: cap === Infinity ? undefined : cap }) : undefined,
    readsOtherTables: analysis.readsOtherTables,
    estimatedRequests: totalEstimate(steps.map((s) => s.estimatedRequests)),
    projection: order.length === 1 && analysis.refs.length === 1 ? projectionOf(tree.node, (order[0] as TableRef).table) : undefined,
  });
  runtimes.set(plan, { refs: order, analysis, streamFunctions: streamable?.functions ?? [] });
  return plan;
}

/** The plan of a statement that reads no Backlog table (DESCRIBE, SET, a query of sys_* only…). */
export function noReads(): ReadPlan {
  const plan: ReadPlan = Object.freeze({
    kind: 'read' as const,
    steps: Object.freeze([]),
    stream: undefined,
    readsOtherTables: true,
    estimatedRequests: totalEstimate([]),
  });
  const analysis: Analysis = {
    refs: [],
    links: [],
    limit: undefined,
    count: undefined,
    streamable: undefined,
    functions: new Set(),
    readsOtherTables: true,
    columnsMentioned: new Set(),
  };
  runtimes.set(plan, { refs: [], analysis, streamFunctions: [] });
  return plan;
}

/** A write's plan: its read plan and one request per row. */
export function planWrite(verb: DmlVerb, table: string, read: ReadPlan | undefined): WritePlan {
  const method = verb === 'INSERT' ? 'POST' : verb === 'UPDATE' ? 'PATCH' : 'DELETE';
  const rule = `1 ${method} per ${verb === 'INSERT' ? 'row inserted' : 'matching row'}${verb === 'UPDATE' ? ', none for a row already at its new values' : ''}`;
  const reads = read?.estimatedRequests;
  return Object.freeze({
    kind: 'write' as const,
    verb,
    table,
    read,
    // How many rows change is known only when the statement runs: its reads are a lower bound.
    estimatedRequests: Object.freeze({
      requests: undefined,
      atLeast: reads?.atLeast ?? 0,
      atMost: undefined,
      rule: read && read.steps.length > 0 ? `the reads above, then ${rule}` : rule,
    }),
  });
}

function freezeQual(q: Qual): Qual {
  return Object.freeze({ ...q, values: Object.freeze([...q.values]) }) as Qual;
}

/**
 * A step's estimate: the table's count (`requests`, or `countRequests` when counted; at least 1
 * when it declares none) and its rule. A step restricted by a parent's keys learns them only when
 * it runs (none at all: no request). The project list is read once per statement: a step after
 * the one that reads it does not count it again.
 */
function stepEstimate(
  table: TableDef,
  quals: readonly Qual[],
  groupBy: string | undefined,
  counted: boolean,
  read: { columns: ReadonlySet<string>; limit: number | undefined; ordered: boolean },
  space: SpaceFacts,
  joinKeys: readonly JoinKeyStep[],
  projectListStep: number | undefined,
): { value: RequestEstimate; projectList: boolean } {
  const fallback: RequestCount = { requests: undefined, atLeast: 1 };
  const count = (counted ? table.countRequests?.(quals, groupBy, space) : table.requests?.(quals, space, read)) ?? fallback;
  let rule = counted ? countCost(groupBy) : table.cost(quals);
  if (joinKeys.length > 0) {
    const from = [...new Set(joinKeys.map((k) => `${k.column} from step ${k.fromStep}`))].join(', ');
    return {
      value: Object.freeze({ requests: undefined, atLeast: 0, atMost: undefined, rule: `${rule}; per batch of keys (${from}), known when it runs` }),
      projectList: false,
    };
  }
  const shared = count.projectList === true && projectListStep !== undefined ? 1 : 0;
  if (shared) rule += ` (the project list: step ${projectListStep}'s)`;
  else if (count.projectList && !/project list/.test(rule)) rule += ' (+1 for the project list)';
  const value: RequestEstimate = Object.freeze({
    requests: count.requests !== undefined ? count.requests - shared : undefined,
    atLeast: Math.max(0, count.atLeast - shared),
    atMost: count.atMost !== undefined ? count.atMost - shared : undefined,
    rule,
  });
  return { value, projectList: count.projectList === true };
}

/** A plan's total: exact when every step is, the lower (and upper) bounds added up. */
function totalEstimate(steps: readonly RequestEstimate[]): RequestEstimate {
  const exact = steps.every((s) => s.requests !== undefined);
  const bounded = steps.every((s) => s.requests !== undefined || s.atMost !== undefined);
  const sum = (f: (s: RequestEstimate) => number) => steps.reduce((n, s) => n + f(s), 0);
  return Object.freeze({
    requests: exact ? sum((s) => s.requests as number) : undefined,
    atLeast: sum((s) => s.atLeast),
    atMost: !exact && bounded ? sum((s) => s.requests ?? (s.atMost as number)) : undefined,
    rule: steps.length === 0 ? 'no Backlog table is read' : 'the steps added up',
  });
}

/** An estimate as EXPLAIN prints it: `3`, `1–2 (rule)` or `≥ 1 (rule)`. */
export function formatEstimate(e: RequestEstimate): string {
  if (e.requests !== undefined) return String(e.requests);
  if (e.atMost !== undefined) return `${e.atLeast}–${e.atMost} (${e.rule})`;
  return `≥ ${e.atLeast} (${e.rule})`;
}

function countCost(groupColumn: string | undefined): string {
  return `counted, not fetched: 1 count request${groupColumn ? ` per ${groupColumn} value (+1 for the values; across projects: +1 for the total and 1 per project, and only while fewer than the pages to read)` : ''}`;
}

/**
 * The columns of a table reference the statement uses: unqualified names, or qualified by its alias.
 * Every reference to the same table counts: reads of one table are merged into one temporary
 * table. A bare name that is the table's or an alias (`to_json(i)`, a whole row) needs them all.
 */
function columnsNeeded(ref: TableRef, analysis: Analysis): Set<string> {
  const m = analysis.columnsMentioned;
  const names = analysis.refs.filter((r) => r.table === ref.table).flatMap((r) => [r.alias, r.table.name.toLowerCase()]);
  if (m.has('*') || names.some((n) => m.has(`${n}.*`) || m.has(`.${n}`))) return new Set(ref.table.columns.map((c) => c.name));
  return new Set(
    ref.table.columns
      .filter((c) => {
        const col = c.name.toLowerCase();
        return m.has(`.${col}`) || names.some((n) => m.has(`${n}.${col}`));
      })
      .map((c) => c.name),
  );
}

/**
 * The order to fetch table references in. First those whose filters reach no API (they are read
 * whole anyway, and their filtered rows give the tightest join keys), then those with filters of
 * their own; after each, every reference a join restricts from one already fetched
 * (transitively: projects → issues → comments); then the rest, parents before their children.
 */
function fetchOrder(analysis: Analysis): TableRef[] {
  const order: TableRef[] = [];
  const remaining = () => analysis.refs.filter((r) => !order.includes(r));
  const derive = () => {
    let grew = true;
    while (grew) {
      grew = false;
      for (const r of remaining()) {
        if (analysis.links.some((l) => l.to.ref === r && order.includes(l.from.ref))) {
          order.push(r);
          grew = true;
        }
      }
    }
  };
  for (const r of analysis.refs.filter((x) => x.quals.length === 0 && x.local.length > 0)) if (!order.includes(r)) order.push(r);
  derive();
  for (const r of analysis.refs.filter((x) => x.quals.length > 0)) if (!order.includes(r)) order.push(r);
  for (;;) {
    derive();
    const rest = remaining();
    if (rest.length === 0) return order;
    // A root: not restricted by any other remaining reference (else the first, on a cycle).
    const root = rest.find((r) => !analysis.links.some((l) => l.to.ref === r && rest.includes(l.from.ref) && l.from.ref !== r)) ?? (rest[0] as TableRef);
    order.push(root);
  }
}

function formatQual(q: Qual): string {
  if (q.op === 'IS NULL' || q.op === 'IS NOT NULL') return `${q.column} ${q.op}`;
  if (q.op === 'IN') return `${q.column} IN (${q.values.map((v) => JSON.stringify(v)).join(', ')})`;
  return `${q.column} ${q.op} ${JSON.stringify(q.values[0])}`;
}

/** One row of EXPLAIN's result. */
export interface PlanRow {
  [column: string]: unknown;
  step: number;
  table: string;
  pushed: string;
  limit: string | null;
  estimatedRequests: string;
  actualRows?: number;
  actualRequests?: number;
}

/** EXPLAIN's result columns (with ANALYZE: the rows each step read and the requests it made), for results and for Describe. */
export function planColumns(analyzed: boolean): { name: string; type: string }[] {
  const names = ['step', 'table', 'pushed', 'limit', 'estimatedRequests', ...(analyzed ? ['actualRows', 'actualRequests'] : [])];
  return names.map((name) => ({ name, type: name === 'step' || name === 'actualRows' || name === 'actualRequests' ? 'BIGINT' : 'VARCHAR' }));
}

/** The plan as EXPLAIN prints it: one row per step (a write: its read steps, then the write itself). */
export function planRows(plan: Plan): PlanRow[] {
  if (plan.kind === 'write') {
    // The read's steps only: how its SELECT's result is made is no step of the write.
    const rows = plan.read ? planRows({ ...plan.read, projection: undefined }) : [];
    rows.push({
      step: rows.length + 1,
      table: plan.table,
      pushed: `${plan.verb} of the rows ${plan.read ? `step${plan.read.steps.length === 1 ? '' : 's'} 1${plan.read.steps.length > 1 ? `–${plan.read.steps.length}` : ''} find` : 'given'} (EXPLAIN sends nothing)`,
      limit: null,
      estimatedRequests: formatEstimate(plan.estimatedRequests),
    });
    return rows;
  }
  const rows: PlanRow[] = plan.steps.map((s) => ({
    step: s.step,
    table: s.table,
    pushed:
      [...s.pushed.map(formatQual), ...s.joinKeys.map((k) => `${k.column} IN (${k.fromColumn} of ${k.fromTable})`)].join(' AND ') ||
      '(none: every row is fetched)',
    limit: s.limit
      ? String(s.limit.rows) + (s.limit.orderBy.length ? ` ORDER BY ${s.limit.orderBy.map((o) => `${o.column}${o.desc ? ' DESC' : ''}`).join(', ')}` : '')
      : null,
    estimatedRequests: formatEstimate(s.estimatedRequests),
  }));
  if (plan.projection)
    rows.push({
      step: rows.length + 1,
      table: '(result)',
      pushed: `${plan.projection.columns.map((c) => (c.name === c.column ? c.column : `${c.column} AS ${c.name}`)).join(', ')} of step 1's rows, in JS: DuckDB does not run (up to ${INLINE_MAX_ROWS} rows, query cache off)`,
      limit: null,
      estimatedRequests: '0',
    });
  return rows;
}

/** A step's table definition (the executor's). */
export function stepTable(plan: ReadPlan, step: PlanStep): TableDef {
  return (planRuntime(plan).refs[step.step - 1] as TableRef).table;
}

// ---- plans kept between runs ---------------------------------------------------------------------

/**
 * Read plans kept between runs of the same statement (issue 13, costs): parsing a query's tree
 * and planning it took a tenth of a millisecond of JS per statement, repeated for every run of a
 * program's loop. A plan depends on the statement's text (user-defined views are already
 * expanded in it), the caller's parameter values (a pushed `Id = ?` carries the value), the
 * session's T#TEMP table names (they are local tables, not Backlog's), the space's date when the
 * planner asked for it (CURRENT_DATE in a pushed range) and the connection's options — the last
 * fixed for an engine, which owns one cache. Parameters other than plain scalars (Dates, arrays)
 * are not keyed: such statements are planned every time.
 */

/** Plans kept per engine (least recently used dropped first). */
const SIZE = 256;
/** Longer keys are not kept (large statements are rarely repeated, and their plans are large too). */
const MAX_KEY_CHARS = 16_384;

export interface KeptPlan {
  readonly plan: ReadPlan;
  /** The space's date the plan was made for, when the planner read it. */
  readonly today: string | undefined;
}

export class PlanCache {
  private readonly plans = new Map<string, KeptPlan>();

  get(key: string): KeptPlan | undefined {
    const hit = this.plans.get(key);
    if (hit) {
      // Most recently used last.
      this.plans.delete(key);
      this.plans.set(key, hit);
    }
    return hit;
  }

  set(key: string, kept: KeptPlan): void {
    if (key.length > MAX_KEY_CHARS) return;
    this.plans.set(key, kept);
    if (this.plans.size > SIZE) this.plans.delete(this.plans.keys().next().value as string);
  }
}

/**
 * The key of a statement's plan, or undefined when it cannot be kept. A value's type is part of
 * its key (`1` and `'1'` plan differently).
 */
export function planKey(sql: string, offset: number, params: ParamValues, temps: readonly string[] | undefined): string | undefined {
  let values = '';
  if (params !== undefined && params !== null) {
    const entries = Array.isArray(params) ? params.map((v, i) => [String(i), v] as const) : Object.entries(params);
    for (const [k, v] of entries) {
      const t = v === null ? 'null' : typeof v;
      if (t !== 'null' && t !== 'string' && t !== 'number' && t !== 'boolean' && t !== 'bigint' && t !== 'undefined') return undefined;
      values += `${Array.isArray(params) ? '' : JSON.stringify(k)}${t}:${JSON.stringify(String(v))},`;
    }
    values = `${Array.isArray(params) ? 'a' : 'o'}[${values}]`;
  }
  return `${offset}\u0000${temps === undefined ? '-' : temps.join('\u0001')}\u0000${values}\u0000${sql}`;
}
