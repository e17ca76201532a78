/**
 * How a statement runs (ARCHITECTURE.md §5): parse with DuckDB's parser, find pushable predicates, plan
 * the Backlog fetches (parents before the children a join restricts), fetch, load the rows into
 * per-statement temporary tables, run the user's SQL over them in DuckDB, convert the result.
 */
import { NEVER_ABORTED } from '../util/never-aborted.js';
import type { ApiClient, ApiStats } from '../api/types.js';
import { CancelledError, SqlError } from '../errors.js';
import type { Registry } from '../schema/registry.js';
import type { CountDomain, FetchContext, ProjectRef, Qual, RowEnv, SqlType, TableDef } from '../schema/types.js';
import { rowBuilder, toSpaceDate } from '../schema/helpers.js';
import { IDENTITY_COLUMNS } from '../schema/system.js';
import { closestName } from '../util/closest.js';
import { AnalysisError, type Catalog, type ParamValues, type TableRef } from './analyze.js';
import { parseQuery } from './parse-tree.js';
import {
  MAX_DERIVED_KEYS,
  noReads,
  formatEstimate,
  planColumns,
  planRead,
  planWrite,
  PlanCache,
  planKey,
  planRows,
  planRuntime,
  stepTable,
  type Plan,
  type PlanRow,
  type PlanStep,
  type ReadPlan,
} from './plan.js';
import {
  createTempTableEarly,
  duckParams,
  loadTempTable,
  openTempTable,
  keptColumns,
  quoteIdent,
  widenTempTable,
  quoteLiteral,
  toJs,
  type DuckDBConnection,
  type DuckDBInstance,
  type TempTableLoad,
} from './duckdb.js';
import { parameterNames } from './dml.js';
import { copySource, dialectOf, duckText, extensionStatement, parseStatement, type Statement } from './statement.js';
import { expandUserViews, type UserViews } from './dialect/user-views.js';
import { addTempRows, isTempName, replaceIdentityCalls, tempInsertOf, type TempInsert } from './dialect/temp-tables.js';
import type { SelectInto } from './dialect/select-into.js';
import { macroDefinitions } from './dialect/functions.js';
import type { SchemaSetup } from './schema-setup.js';
import { duckMessage, isDuckError } from './duck-errors.js';
import { LocalWork, projectRows, readRows, resultColumns } from './result.js';
import { acquireConnection, catalogChanged, releaseConnection, runPrepared } from './conn-pool.js';
import { INLINE_MAX_CELLS, INLINE_MAX_ROWS, inlineRows } from './inline-rows.js';
import { leadingCode } from './lexer.js';
import { LAST_RESULT_INFO, runWrite, type WriteDeps, type WriteProgress, type WriteSession } from './write.js';
import type { QueryCache } from '../cache/cache.js';

export interface QueryColumn {
  name: string;
  type: string;
}

export interface FetchReport {
  table: string;
  alias: string;
  quals: Qual[];
  limit: number | undefined;
  orderBy: { column: string; desc: boolean }[];
  rows: number;
  cost: string;
  /** Backlog requests this step made (EXPLAIN ANALYZE prints them beside the plan's estimate). */
  requests: number;
}

export interface QueryStats {
  /** Backlog requests made, in total, by category and by endpoint. */
  requests: number;
  byCategory: ApiStats['byCategory'];
  byEndpoint: Record<string, number>;
  retries: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
  /** What each table read fetched (the plan as executed). */
  fetches: FetchReport[];
  warnings: string[];
  elapsedMs: number;
}

export interface QueryResult {
  /** The statement's command, for wire protocols' tags: SELECT, INSERT, UPDATE, DELETE, CALL. */
  command?: 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'CALL' | 'EXPLAIN' | 'REPLICATE';
  columns: QueryColumn[];
  rows: Record<string, unknown>[] | unknown[][];
  rowCount: number;
  stats: QueryStats;
}

export interface QueryOptions {
  signal?: AbortSignal;
  rowMode?: 'object' | 'array';
  /** Progress of a long INSERT / UPDATE / DELETE (rows sent so far). */
  onProgress?: (progress: WriteProgress) => void;
  /** Whose sys_identity a write reports to (each pg wire session has its own); default the connection's. */
  session?: WriteSession;
}

export interface EngineContext {
  api: ApiClient;
  registry: Registry;
  duck: DuckDBInstance;
  env: RowEnv;
  pushdown: boolean;
  maxRows: number | undefined;
  projects(signal: AbortSignal): Promise<readonly ProjectRef[]>;
  myself(): Promise<{ id: number; userId: string; name: string; roleType: number }>;
  /** Timeout in ms (0: none): also bounds a statement's local evaluation (./result.ts `LocalWork`). */
  timeoutMs?: number;
  /** Readonly=true: every write is refused before any request. */
  readonly: boolean;
  /** The connection's own write session (sys_identity). */
  session: WriteSession;
  /** The instance's schema, created in the background after connect (./schema-setup.ts). */
  schema?: SchemaSetup;
  /** User-defined views (UserDefinedViews, CREATE LOCAL VIEW), expanded before a statement is parsed. */
  userViews?: UserViews;
  /** The query cache (src/cache): asked once per table a statement reads. */
  cache?: QueryCache;
}

/** Statements other than queries that change no catalog: kept prepared statements stay right after them. */
const READ_ONLY_OTHER = /^\s*(DESCRIBE|SHOW|SUMMARIZE)\b/i;

/** No parameter values to bind. */
function noValues(bound: ReturnType<typeof duckParams>): boolean {
  if (!bound) return true;
  return Array.isArray(bound.values) ? bound.values.length === 0 : Object.keys(bound.values).length === 0;
}

/** Scratch table for filtering a parent's rows before taking its join keys. */
const PREFILTER = '__backlog_sql_prefilter';

export class Engine {
  constructor(private readonly ctx: EngineContext) {}

  /** Map SQL errors of DuckDB to SqlError with a 1-based position; a JS defect stays as it is. */
  private duckError(e: unknown, sql: string, offset: number): unknown {
    if (!isDuckError(e)) return e;
    const clean = duckMessage(e.message);
    const message = clean.message;
    const kind =
      clean.sqlstate ??
      (/^Parser Error/.test(message)
        ? '42601'
        : /Catalog Error: Table/.test(message)
          ? '42P01'
          : /Binder Error: Referenced column|not found in FROM clause/.test(message)
            ? '42703'
            : /Conversion Error|Invalid Input/.test(message)
              ? '22P02'
              : '42000');
    const firstLine = message.split('\n')[0] ?? message;
    const hint = clean.hint ?? candidatesHint(message);
    // A syntax error always points somewhere: the statement's start when DuckDB does not say.
    const position = positionOf(message, sql, offset) ?? (kind === '42601' ? offset + sql.length - sql.trimStart().length + 1 : undefined);
    return new SqlError(firstLine.replace(/^[A-Za-z ]+ Error: /, ''), position, { sqlstate: kind, syntax: kind === '42601', ...(hint ? { hint } : {}) });
  }

  async run(input: string | Statement, params: ParamValues, options: QueryOptions = {}): Promise<QueryResult> {
    const started = performance.now();
    const signal = options.signal ?? NEVER_ABORTED;
    const statement = typeof input === 'string' ? parseStatement(input) : input;
    const sqlIn = statement.text;
    const extension = extensionStatement(sqlIn);
    if (extension !== undefined) {
      throw new SqlError(
        'INSTALL and LOAD are not available: backlog-sql runs DuckDB without extensions (it has no network to fetch them from)',
        extension + 1,
        {
          sqlstate: '0A000',
          hint: "The SQL of backlog-sql is DuckDB's with its built-in functions (JSON, dates, lists, regular expressions…); no extension can be installed, loaded or configured.",
        },
      );
    }
    if (statement.kind === 'call') throw new SqlError('stored procedures run through the connection (EXEC / CALL)', undefined, { sqlstate: '0A000' });
    if (statement.kind === 'dml') {
      const temp = tempInsertOf(statement.sql);
      if (temp) return this.tempInsert(temp, params, options, started);
      await this.ctx.schema?.ready();
      return this.write(statement.sql, params, signal, options, started);
    }
    if (statement.kind === 'selectInto') return this.selectInto(statement.into, params, options);
    // What follows EXPLAIN [ANALYZE] must be a query: it is always parsed as one below (DuckDB's
    // EXPLAIN ANALYZE would otherwise run a CREATE, DROP or SET).
    const explaining = statement.kind === 'explain';
    const target = statement.kind === 'explain' ? statement.inner : statement;
    const offset = target.offset;
    if (statement.kind === 'explain' && target.kind === 'dml') {
      if (statement.analyze) {
        throw new SqlError('EXPLAIN ANALYZE of INSERT, UPDATE or DELETE is not supported: it would write', 1, {
          sqlstate: '0A000',
          hint: "EXPLAIN (without ANALYZE) prints the write's plan and sends nothing.",
        });
      }
      await this.ctx.schema?.ready();
      return this.explainWrite(target.sql, params, options, started);
    }
    if (explaining && target.kind === 'call') {
      throw new SqlError('EXPLAIN of EXEC / CALL is not supported', 1, {
        sqlstate: '0A000',
        hint: 'A procedure makes the requests its description lists (SELECT * FROM sys_procedures); EXPLAIN shows the plans of queries.',
      });
    }
    const session = options.session ?? this.ctx.session;
    // EXPLAIN of SELECT … INTO explains its query.
    const text = target.kind === 'selectInto' ? target.into.query : duckText(target);
    // Only what the statement's dialect gate found (./dialect/rewrite.ts) runs: most statements call no identity and name no view.
    const dialect = dialectOf(target).identityCalls ? replaceIdentityCalls(text, session.lastInsertId) : text;
    const sql = this.ctx.userViews && this.ctx.userViews.views.size > 0 ? expandUserViews(dialect, this.ctx.userViews) : dialect;
    const statsBefore = this.ctx.api.stats();
    const warnings: string[] = [];
    const conn = await acquireConnection(this.ctx.duck);
    const onAbort = () => conn.interrupt();
    // Only the caller's signal can abort: the statement's own (made when none was given) never does.
    options.signal?.addEventListener('abort', onAbort);
    try {
      const identity = session.identity;
      if (identity.length > 0 && /sys_identity/i.test(sql)) await this.loadIdentity(conn, identity);
      if (/sys_cachestatus/i.test(sql)) await this.ctx.cache?.loadStatus(conn, this.ctx.registry.tables);
      // The session's T#TEMP tables this statement names.
      for (const t of session.temps.values()) if (sql.toLowerCase().includes(t.name.toLowerCase())) await loadTempTable(conn, t.name, t.columns, t.rows);
      // What to plan: the statement, or the query a COPY … TO writes out.
      const copy = !explaining && target.kind === 'copy' ? copySource(sql) : undefined;
      const query = copy ? { sql: copy.sql, offset: offset + copy.offset } : explaining || target.kind === 'select' ? { sql, offset } : undefined;
      const plan = query ? await this.planQuery(conn, query.sql, query.offset, params, session.temps) : noReads();
      if (statement.kind === 'explain' && !statement.analyze)
        return this.explainResult(plan, started, undefined, await this.ctx.cache?.explain(cacheSteps(plan)));
      // A COPY writes a file: the schema's macros and tables may be needed whatever it reads.
      await this.waitForSchema(conn, query && !copy ? plan : undefined);

      // Temporary tables hold only the columns the statement uses (./duckdb.ts keptColumns): every step of a table counts.
      const used = (table: TableDef) => new Set(plan.steps.filter((s) => s.table === table.name).flatMap((s) => s.columns));
      // One table and no join: its temporary table is created while its rows are fetched (not when the
      // cache may serve it: the cache's view takes that name).
      const only = plan.steps.length === 1 && !this.ctx.cache?.enabled ? plan.steps[0] : undefined;
      const bound = duckParams(usedParams(params, sql));
      // A query (parsed as exactly one statement) runs prepared, kept per text (./conn-pool.ts `runPrepared`); not
      // with the cache on, whose views under the tables' names change between statements.
      const keep = target.kind === 'select' && !this.ctx.cache?.enabled;
      if (keep) this.noteSchemaDone();
      // One table, few rows, no parameters: the rows may go in as the statement's own (./inline-rows.ts).
      const inlinable = keep && only !== undefined && !explaining && noValues(bound) && /^\s*(SELECT|FROM)\b/i.test(leadingCode(sql));
      if (only && !inlinable) {
        const table = stepTable(plan, only);
        createTempTableEarly(conn, table.name, table.columns, used(table));
      }
      // …and its pages are appended to it as they arrive, not kept until the last one (issue 13, per
      // page); rows that may be inlined are kept while they are few enough to be.
      const direct = only ? { used: used(stepTable(plan, only)), keepSmall: inlinable } : undefined;
      const fetches = await this.fetchAll(plan, signal, warnings, conn, direct);
      const [single] = fetches.byTable;
      // A plain pick of its columns is answered from the rows as fetched, without DuckDB (./result.ts `projectRows`).
      // One table whose rows were kept, not loaded (few enough to inline): the two DuckDB-light paths below.
      const kept = inlinable && single && fetches.byTable.size === 1 && !single[1].loaded ? single : undefined;
      const projected =
        kept && plan.projection && kept[0] === plan.projection.table
          ? projectRows(plan.projection, kept[1].table.columns, kept[1].rows, { rowMode: options.rowMode ?? 'object', maxRows: this.ctx.maxRows })
          : undefined;
      if (projected) {
        if (signal.aborted) throw new CancelledError();
        const stats = this.stats(statsBefore, fetches.reports, warnings, started);
        return { command: 'SELECT', columns: projected.columns, rows: projected.rows, rowCount: projected.rows.length, stats };
      }
      const inline = kept ? inlineRows(sql, kept[0], kept[1].table.columns, kept[1].rows, used(kept[1].table)) : undefined;
      if (!inline)
        for (const [name, { table, rows, loaded }] of fetches.byTable) if (!loaded) await loadTempTable(conn, name, table.columns, rows, used(table));
      if (signal.aborted) throw new CancelledError();
      const local = new LocalWork(conn, options.signal, this.ctx.timeoutMs);
      let columns, rows;
      try {
        let result;
        const runSql = () => (keep ? runPrepared(this.ctx.duck, conn, sql, bound) : conn.run(sql, bound?.values, bound?.types));
        try {
          // Anything DuckDB refuses with the rows inlined runs again the usual way (its errors point into the user's text).
          if (inline) result = await runPrepared(this.ctx.duck, conn, inline.sql, inline.bound).catch(() => undefined);
          if (!result && inline) {
            if (signal.aborted || local.stopped()) throw local.stopped() ?? new CancelledError();
            for (const [name, { table, rows }] of fetches.byTable) await loadTempTable(conn, name, table.columns, rows, used(table));
          }
          result ??= await runSql().catch(async (e: unknown) => {
            // A column the analysis did not see (a misspelt one, mostly): the tables are loaded
            // whole and the statement runs again, so DuckDB's answer and its hints are as ever.
            if (signal.aborted || !isDuckError(e) || !/Referenced column|not found in FROM clause|does not have a column/.test(e.message)) throw e;
            for (const [name, { table, rows, loaded }] of fetches.byTable) {
              if (loaded) await widenTempTable(conn, name, table.columns);
              else await loadTempTable(conn, name, table.columns, rows);
            }
            return runSql();
          });
        } catch (e) {
          throw local.stopped() ?? this.duckError(e, sql, offset);
        }
        columns = resultColumns(result);
        rows = await readRows(result, columns, { rowMode: options.rowMode ?? 'object', maxRows: this.ctx.maxRows, checkpoint: local.checkpoint });
      } finally {
        local.dispose();
      }
      const stats = this.stats(statsBefore, fetches.reports, warnings, started);
      if (statement.kind === 'explain') return this.explainResult(plan, started, stats);
      return { command: 'SELECT', columns, rows, rowCount: rows.length, stats };
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      // The cache holds a statement's connection only when it served it (none with the cache off).
      if (this.ctx.cache?.held.has(conn)) await this.ctx.cache.release(conn);
      // Only a query's connection goes back to the pool: anything else may have changed its state,
      // or redefined a view or macro that statements kept prepared elsewhere read.
      if (target.kind !== 'select' && !(explaining && !statement.analyze) && !READ_ONLY_OTHER.test(leadingCode(sql))) catalogChanged(this.ctx.duck);
      releaseConnection(this.ctx.duck, conn, target.kind === 'select');
    }
  }

  /** Plans of statements run before (./plan.ts `PlanCache`). */
  private readonly plans = new PlanCache();

  /** Whether the schema was seen finished (its macros replace built-ins, so statements prepared before it are stale). */
  private schemaSeenDone = false;

  private noteSchemaDone(): void {
    if (this.schemaSeenDone || (this.ctx.schema && !this.ctx.schema.done)) return;
    this.schemaSeenDone = true;
    catalogChanged(this.ctx.duck);
  }

  /**
   * Wait for the instance's schema unless the statement surely does without it: a query (its
   * `analysis`) that reads only Backlog tables — loaded as its own temporary tables — and calls
   * only DuckDB's built-in functions, none of which a CData macro replaces (ROUND, SPLIT). Anything
   * else (sys_* tables, catalogs, DESCRIBE, COPY, macros) waits. Once the schema exists: nothing.
   */
  private async waitForSchema(conn: DuckDBConnection, plan: ReadPlan | undefined): Promise<void> {
    const schema = this.ctx.schema;
    if (!schema || schema.done) return;
    if (plan && !plan.readsOtherTables && (await builtinsOnly(conn, planRuntime(plan).analysis.functions))) return;
    await schema.ready();
  }

  /** A query's plan (./plan.ts): its parse tree read against the registry; without pushdown, nothing pushed. */
  /** `alsoLocal`: names that are local tables of this statement's session beside the registry's (T#TEMP). */
  private async planQuery(conn: DuckDBConnection, sql: string, offset: number, params: ParamValues, temps?: ReadonlyMap<string, unknown>): Promise<ReadPlan> {
    // T#TEMP tables of the session are local tables beside the registry's.
    const alsoLocal = temps ? (n: string) => isTempName(n) || temps.has(n.toLowerCase()) : undefined;
    const key = planKey(sql, offset, params, temps ? [...temps.keys()].sort() : undefined);
    const kept = key === undefined ? undefined : this.plans.get(key);
    const today = () => toSpaceDate(new Date().toISOString(), this.ctx.env.timezone) ?? undefined;
    if (kept && (kept.today === undefined || kept.today === today())) return kept.plan;
    const tree = await parseQuery(conn, sql, offset);
    const registry = this.ctx.registry;
    const catalog: Catalog = alsoLocal
      ? { table: (n) => registry.table(n), isLocal: (n) => registry.isLocal(n) || alsoLocal(n), space: registry.space }
      : registry;
    try {
      let dated: string | undefined;
      const plan = planRead(tree, catalog, params, {
        pushdown: this.ctx.pushdown,
        maxRows: this.ctx.maxRows,
        today: () => (dated = today()),
      });
      if (key !== undefined) this.plans.set(key, { plan, today: dated });
      return plan;
    } catch (e) {
      if (e instanceof AnalysisError) {
        const near = closestName(e.unknown.name, this.ctx.registry.names());
        throw new SqlError(`table "${e.unknown.name}" does not exist`, e.unknown.location + 1 + offset, {
          sqlstate: '42P01',
          hint: near ? `Did you mean "${near}"? \\dt lists the tables.` : 'SELECT * FROM sys_tables lists the tables.',
        });
      }
      throw e;
    }
  }

  /**
   * Rows one by one. A statement that reads one table row by row (`Analysis.streamable`) runs over
   * each page as it arrives, so the first row comes after the first page, and a consumer that
   * stops (break, return) stops the fetch: no page after the one it was reading is requested.
   * Any other statement runs whole (`run`), then its rows are yielded.
   */
  async *stream(input: string | Statement, params: ParamValues, options: QueryOptions = {}): AsyncGenerator<Record<string, unknown>> {
    const statement = typeof input === 'string' ? parseStatement(input) : input;
    const whole = async function* (engine: Engine): AsyncGenerator<Record<string, unknown>> {
      const result = await engine.run(statement, params, { ...options, rowMode: 'object' });
      yield* result.rows as Record<string, unknown>[];
    };
    const sqlIn = statement.text;
    if (statement.kind !== 'select' || extensionStatement(sqlIn) !== undefined || /sys_identity/i.test(sqlIn)) {
      yield* whole(this);
      return;
    }
    // CData's dialect as `run` reads it. A statement over user-defined views, a session's T#TEMP
    // table or SCOPE_IDENTITY() runs whole: those paths live in `run`.
    const session = options.session ?? this.ctx.session;
    const sql = statement.sql;
    const viaRun =
      (statement.dialect.identityCalls && replaceIdentityCalls(sql, session.lastInsertId) !== sql) ||
      (this.ctx.userViews !== undefined && this.ctx.userViews.views.size > 0 && expandUserViews(sql, this.ctx.userViews) !== sql) ||
      [...session.temps.values()].some((t) => sql.toLowerCase().includes(t.name.toLowerCase())) ||
      /#TEMP\b/i.test(sql);
    if (viaRun) {
      yield* whole(this);
      return;
    }
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    options.signal?.addEventListener('abort', onAbort);
    if (options.signal?.aborted) stop.abort();
    const signal = stop.signal;
    const conn = await acquireConnection(this.ctx.duck);
    let streaming = false;
    try {
      const plan = await this.planQuery(conn, sql, 0, params);
      const stream = plan.stream;
      const step = stream ? plan.steps[stream.step - 1] : undefined;
      if (stream && step && !this.ctx.cache?.enabled && !(await aggregates(conn, planRuntime(plan).streamFunctions))) {
        await this.waitForSchema(conn, plan);
        streaming = true;
        const table = stepTable(plan, step);
        const limit = step.limit;
        const cap = stream.limit ?? Infinity;
        let projects: Promise<readonly ProjectRef[]> | undefined;
        if (cap <= 0) return;
        const fetchCtx = this.fetchContext(signal, () => undefined, {
          limit: limit?.rows,
          orderBy: limit?.orderBy ?? [],
          columns: new Set(step.columns),
          projects: () => (projects ??= this.ctx.projects(signal)),
        });
        const bound = duckParams(usedParams(params, sql));
        let yielded = 0;
        for await (const page of this.stepPages(table, step, fetchCtx, step.pushed)) {
          if (signal.aborted) throw new CancelledError();
          await loadTempTable(conn, table.name, table.columns, page, new Set(step.columns));
          const local = new LocalWork(conn, signal, this.ctx.timeoutMs);
          let rows;
          try {
            let result;
            try {
              result = await conn.run(sql, bound?.values, bound?.types);
            } catch (e) {
              throw local.stopped() ?? this.duckError(e, sql, 0);
            }
            rows = (await readRows(result, resultColumns(result), { rowMode: 'object', maxRows: cap - yielded, checkpoint: local.checkpoint })) as Record<
              string,
              unknown
            >[];
          } finally {
            local.dispose();
          }
          for (const row of rows) {
            yield row;
            if (++yielded >= cap) return;
          }
        }
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      // A consumer that stopped early: nothing more of this statement may reach Backlog.
      stop.abort();
      releaseConnection(this.ctx.duck, conn, true);
    }
    if (!streaming) yield* whole(this);
  }

  /** INSERT / UPDATE / DELETE: ./write.ts, with this engine evaluating its SELECTs. */
  private async write(sql: string, params: ParamValues, signal: AbortSignal, options: QueryOptions, started: number): Promise<QueryResult> {
    const before = this.ctx.api.stats();
    const session = options.session ?? this.ctx.session;
    const result = await runWrite(
      sql,
      params,
      this.writeDeps(signal, async (q, p, s) => {
        const r = await this.run(q, p, { signal: s, rowMode: 'object', session });
        return { columns: r.columns, rows: r.rows as Record<string, unknown>[] };
      }),
      { signal, session, onProgress: options.onProgress },
    );
    const rows = options.rowMode === 'array' ? result.rows.map((r) => result.columns.map((c) => r[c.name])) : result.rows;
    return {
      command: result.command,
      columns: result.columns,
      rows,
      rowCount: result.rowCount,
      stats: statsSince(before, this.ctx.api.stats(), { fetches: [], warnings: [], started }),
    };
  }

  /** What ./write.ts needs of the engine; `select` evaluates (or, for EXPLAIN, plans) the write's SELECT. */
  private writeDeps(signal: AbortSignal, select: WriteDeps['select']): WriteDeps {
    let projects: Promise<readonly ProjectRef[]> | undefined;
    return {
      registry: this.ctx.registry,
      duck: this.ctx.duck,
      env: this.ctx.env,
      readonly: this.ctx.readonly,
      ctx: { api: this.ctx.api, env: this.ctx.env, projects: () => (projects ??= this.ctx.projects(signal)), myself: () => this.ctx.myself() },
      select,
    };
  }

  /**
   * EXPLAIN of INSERT / UPDATE / DELETE: the write is checked as it would run and its SELECT
   * planned, nothing fetched and nothing sent; the plan holds the SELECT's read plan.
   */
  private async explainWrite(sql: string, params: ParamValues, options: QueryOptions, started: number): Promise<QueryResult> {
    const signal = options.signal ?? NEVER_ABORTED;
    const session = options.session ?? this.ctx.session;
    const reads: ReadPlan[] = [];
    const result = await runWrite(
      sql,
      params,
      this.writeDeps(signal, async (q, p) => {
        reads.push(await this.planOnly(q, p, session));
        return { columns: [], rows: [] };
      }),
      { signal, session, planOnly: true },
    );
    return this.explainResult(planWrite(result.command, result.table, reads[0]), started);
  }

  /** A query's plan without running it (a write's SELECT under EXPLAIN), read as `run` reads it. */
  private async planOnly(sql: string, params: ParamValues, session: WriteSession): Promise<ReadPlan> {
    const dialect = replaceIdentityCalls(duckText(parseStatement(sql)), session.lastInsertId);
    const text = this.ctx.userViews ? expandUserViews(dialect, this.ctx.userViews) : dialect;
    const conn = await this.ctx.duck.connect();
    try {
      return await this.planQuery(conn, text, 0, params, session.temps);
    } finally {
      conn.closeSync();
    }
  }

  /** `INSERT INTO T#TEMP …`: the rows evaluated by DuckDB, kept in the session (./dialect/temp-tables.ts). */
  private async tempInsert(temp: TempInsert, params: ParamValues, options: QueryOptions, started: number): Promise<QueryResult> {
    if (temp.name.toLowerCase() === LAST_RESULT_INFO.toLowerCase()) {
      throw new SqlError(`${LAST_RESULT_INFO} is filled by the driver: it holds the rows of the last INSERT, UPDATE or DELETE`, 13, {
        sqlstate: '42809',
        hint: 'Read it (SELECT * FROM LastResultInfo#TEMP); stage rows in a #TEMP table of your own name.',
      });
    }
    const before = this.ctx.api.stats();
    const r = await this.run(temp.query, params, { ...options, rowMode: 'array' });
    if (temp.columns && temp.columns.length !== r.columns.length) {
      throw new SqlError(`INSERT INTO ${temp.name} names ${temp.columns.length} columns but gives ${r.columns.length} values`, 1, {
        sqlstate: '42601',
        hint: 'Give one value per column named, in the same order.',
      });
    }
    const columns = r.columns.map((c, i) => ({ name: temp.columns?.[i] ?? c.name, type: c.type }));
    addTempRows((options.session ?? this.ctx.session).temps, temp.name, columns, r.rows as unknown[][]);
    return {
      command: 'INSERT',
      columns: [],
      rows: [],
      rowCount: r.rowCount,
      stats: statsSince(before, this.ctx.api.stats(), { fetches: [], warnings: r.stats.warnings, started }),
    };
  }

  /**
   * CData's `SELECT … INTO` (./dialect/select-into.ts): a CSV file (written by DuckDB's COPY, so
   * refused where local files are), a Backlog table (an INSERT … SELECT of the result's columns,
   * by name), or a temporary table of the session (replacing one of that name).
   */
  private async selectInto(into: SelectInto, params: ParamValues, options: QueryOptions): Promise<QueryResult> {
    const target = into.target;
    if (target.kind === 'file') {
      const copy = `COPY (${into.query}) TO ${quoteLiteral(target.path)} (HEADER ${target.header}, DELIMITER ${quoteLiteral(target.delimiter)})`;
      try {
        const r = await this.run(copy, params, { ...options, rowMode: 'array' });
        const written = Number((r.rows as unknown[][])[0]?.[0] ?? 0);
        return { command: 'SELECT', columns: [], rows: [], rowCount: written, stats: r.stats };
      } catch (e) {
        if (e instanceof SqlError && /Permission|external access|disabled/i.test(e.message)) {
          throw new SqlError(`SELECT … INTO [csv://${target.path}] cannot write a local file here`, into.at + 1, {
            sqlstate: '42501',
            hint: 'Over the wire server no local file can be read or written; run it through the library or the shell, or INTO a table.',
          });
        }
        throw e;
      }
    }
    const table = this.ctx.registry.table(target.name);
    if (table) {
      const described = await this.run(`DESCRIBE ${into.query}`, params, { rowMode: 'array' });
      const columns = (described.rows as unknown[][]).map((r) => quoteIdent(String(r[0])));
      return this.run(`INSERT INTO ${quoteIdent(table.name)} (${columns.join(', ')}) ${into.query}`, params, options);
    }
    if (this.ctx.registry.isLocal(target.name)) {
      throw new SqlError(`SELECT … INTO ${target.name}: ${target.name} is read-only`, into.at + 1, {
        sqlstate: '42809',
        hint: 'INTO a Backlog table (rows are inserted), a new name (a temporary table) or [csv://file.csv].',
      });
    }
    const r = await this.run(into.query, params, { ...options, rowMode: 'array' });
    const temps = (options.session ?? this.ctx.session).temps;
    temps.delete(target.name.toLowerCase());
    addTempRows(temps, target.name, r.columns, r.rows as unknown[][]);
    return { command: 'SELECT', columns: [], rows: [], rowCount: r.rowCount, stats: r.stats };
  }

  /** sys_identity as the session last left it, shadowing the empty table of the connection. */
  private async loadIdentity(conn: DuckDBConnection, rows: unknown[][]): Promise<void> {
    const columns = IDENTITY_COLUMNS.split(',').map((c) => {
      const [name, type] = c.split(':');
      return { name: name as string, type: (type ?? 'VARCHAR') as SqlType };
    });
    await loadTempTable(conn, 'sys_identity', columns, rows);
  }

  private stats(before: ApiStats, fetches: FetchReport[], warnings: string[], started: number): QueryStats {
    return statsSince(before, this.ctx.api.stats(), { fetches, warnings, started });
  }

  /** EXPLAIN: the plan's rows (./plan.ts `planRows`); EXPLAIN ANALYZE adds what each step read and the totals. */
  private explainResult(plan: Plan, started: number, stats?: QueryStats, sources?: Map<TableDef, string>): QueryResult {
    const steps = plan.kind === 'read' ? plan.steps : (plan.read?.steps ?? []);
    const rows: (PlanRow & Record<string, unknown>)[] = planRows(plan).map((row) => {
      const step = steps[row.step - 1];
      const report = step && stats?.fetches.find((f) => f.alias === step.alias && f.table === step.table);
      const source = sources?.size ? { source: [...sources].find(([t]) => t.name === row.table)?.[1] ?? 'Backlog' } : {};
      return { ...row, ...(stats ? { actualRows: report?.rows ?? 0, actualRequests: report?.requests ?? 0 } : {}), ...source };
    });
    if (stats) {
      rows.push({
        step: rows.length + 1,
        table: '(total)',
        pushed: `${stats.requests} requests: ${
          Object.entries(stats.byEndpoint)
            .map(([k, v]) => `${k} ×${v}`)
            .join(', ') || 'none'
        }`,
        limit: null,
        estimatedRequests: `${formatEstimate(plan.estimatedRequests)}; rate-limit waits ${stats.rateLimitWaits} (${stats.rateLimitWaitMs} ms), retries ${stats.retries}`,
        actualRows: stats.fetches.reduce((s, f) => s + f.rows, 0),
        actualRequests: stats.requests,
      });
    }
    // With the cache on, each step also says where its rows come from (src/cache `explain`).
    const columns = [...planColumns(stats !== undefined), ...(sources?.size ? [{ name: 'source', type: 'VARCHAR' }] : [])];
    return {
      columns,
      rows,
      rowCount: rows.length,
      stats: stats ?? {
        requests: 0,
        byCategory: { read: 0, update: 0, search: 0, icon: 0 },
        byEndpoint: {},
        retries: 0,
        rateLimitWaits: 0,
        rateLimitWaitMs: 0,
        fetches: [],
        warnings: [],
        elapsedMs: Math.round(performance.now() - started),
      },
    };
  }

  /** Fetch every referenced table (parents first), rows as column-value arrays, merged per table. */
  /**
   * Distinct values of `column` among a fetched table's rows that pass its own single-table
   * conditions (evaluated by DuckDB: the conjuncts' parse trees turned back into SQL).
   */
  private async joinKeys(conn: DuckDBConnection, ref: TableRef, rows: unknown[][], column: string): Promise<(string | number)[]> {
    const index = ref.table.columns.findIndex((c) => c.name === column);
    const all = () => [...new Set(rows.map((r) => r[index]).filter((v) => v !== null && v !== undefined))] as (string | number)[];
    if (ref.local.length === 0 || rows.length === 0) return all();
    const template = await conn.runAndReadAll(
      `SELECT json_serialize_sql(${quoteLiteral(`SELECT DISTINCT ${quoteIdent(ref.alias)}.${quoteIdent(column)} FROM ${quoteIdent(PREFILTER)} AS ${quoteIdent(ref.alias)} WHERE TRUE`)})`,
    );
    const tree = JSON.parse(String(template.getRows()[0]?.[0])) as { statements: { node: Record<string, unknown> }[] };
    const node = (tree.statements[0] as { node: Record<string, unknown> }).node;
    node.where_clause =
      ref.local.length === 1 ? ref.local[0] : { class: 'CONJUNCTION', type: 'CONJUNCTION_AND', alias: '', query_location: 0, children: ref.local };
    // Locations past 2^53 come back from JSON.parse rounded; they only serve error messages.
    const json = JSON.stringify(tree, (k, v: unknown) => (k === 'query_location' ? 0 : v));
    try {
      const sql = String((await conn.runAndReadAll(`SELECT json_deserialize_sql(${quoteLiteral(json)})`)).getRows()[0]?.[0]);
      await loadTempTable(conn, PREFILTER, ref.table.columns, rows);
      const keys = (await conn.runAndReadAll(sql))
        .getRows()
        .map((r) => toJs(r[0] ?? null))
        .filter((v) => v !== null) as (string | number)[];
      await conn.run(`DROP TABLE ${quoteIdent(PREFILTER)}`);
      return keys;
    } catch {
      // A condition DuckDB cannot evaluate on its own: take every key (still correct).
      return all();
    }
  }

  /**
   * What a table's `list` may use, outside a statement too (replication reads tables through it:
   * src/sync). Every column is read unless `columns` narrows it; the project list is fetched once
   * per context.
   */
  fetchContext(
    signal: AbortSignal,
    warn: (message: string) => void,
    options: {
      limit?: number | undefined;
      orderBy?: readonly { column: string; desc: boolean }[];
      columns?: ReadonlySet<string>;
      projects?: () => Promise<readonly ProjectRef[]>;
      table?: TableDef;
      api?: ApiClient;
    } = {},
  ): FetchContext {
    let projects: Promise<readonly ProjectRef[]> | undefined;
    return {
      api: options.api ?? this.ctx.api,
      signal,
      env: this.ctx.env,
      limit: options.limit,
      orderBy: options.orderBy ?? [],
      columns: options.columns ?? new Set(options.table?.columns.map((c) => c.name) ?? []),
      projects: options.projects ?? (() => (projects ??= this.ctx.projects(signal))),
      myself: () => this.ctx.myself(),
      warn,
    };
  }

  /**
   * Execute a read plan's steps in order: each step's rows as column-value arrays (a step's join
   * keys taken from the rows of the step it names), merged per table for loading. With `direct`
   * (a plan of one step), that step's pages go straight into its temporary table with the `used`
   * columns (`stepLoad`), and its entry is `loaded` — unless `keepSmall` and the rows stay few
   * enough to be inlined (./inline-rows.ts), which are then kept instead.
   */
  private async fetchAll(
    plan: ReadPlan,
    signal: AbortSignal,
    warnings: string[],
    conn: DuckDBConnection,
    direct?: { used: ReadonlySet<string>; keepSmall: boolean },
  ) {
    const { refs } = planRuntime(plan);
    const perStep = new Map<number, unknown[][]>();
    const reports: FetchReport[] = [];
    let projects: Promise<readonly ProjectRef[]> | undefined;
    // Per table, decided once per statement when it runs: read from the cache (src/cache) or from Backlog.
    const fromCache = new Map<string, { rows: number } | undefined>();
    const loadedTables = new Set<string>();
    for (const step of plan.steps) {
      if (signal.aborted) throw new CancelledError();
      const ref = refs[step.step - 1] as TableRef;
      const requestsBefore = this.ctx.api.requestCount;
      const quals: Qual[] = [...step.pushed];
      for (const link of step.joinKeys) {
        const keys = await this.joinKeys(conn, refs[link.fromStep - 1] as TableRef, perStep.get(link.fromStep) ?? [], link.fromColumn);
        if (keys.length <= MAX_DERIVED_KEYS) quals.push({ column: link.column, op: 'IN', values: keys });
      }
      const fetchCtx = this.fetchContext(signal, (m) => warnings.push(m), {
        limit: step.limit?.rows,
        orderBy: step.limit?.orderBy ?? [],
        columns: new Set(step.columns),
        projects: () => (projects ??= this.ctx.projects(signal)),
      });
      const cache = this.ctx.cache;
      if (cache?.enabled && !fromCache.has(step.table))
        fromCache.set(
          step.table,
          await cache.serve(conn, ref.table, { narrowed: quals.length > 0 || step.limit !== undefined, signal, columns: new Set(step.columns) }),
        );
      const cached = fromCache.get(step.table);
      if (cache && cached) {
        // A cached parent's rows are read (filtered) only when a later step takes join keys from them.
        const parent = plan.steps.some((s) => s.joinKeys.some((k) => k.fromStep === step.step));
        perStep.set(step.step, parent ? await cache.rowsOf(conn, ref.table, quals) : []);
        reports.push({
          table: step.table,
          alias: step.alias,
          quals,
          limit: undefined,
          orderBy: [],
          rows: cached.rows,
          cost: 'cache',
          requests: this.ctx.api.requestCount - requestsBefore,
        });
        continue;
      }
      const got = direct
        ? await this.stepLoad(conn, ref.table, step, fetchCtx, quals, direct.used, direct.keepSmall)
        : { rows: await this.stepRows(ref.table, step, fetchCtx, quals), loaded: false as const };
      const count = got.loaded ? got.count : got.rows.length;
      if (got.loaded) loadedTables.add(step.table);
      perStep.set(step.step, got.rows);
      reports.push({
        table: step.table,
        alias: step.alias,
        quals,
        limit: step.limit?.rows,
        orderBy: [...(step.limit?.orderBy ?? [])],
        rows: count,
        cost: ref.table.cost(quals),
        requests: this.ctx.api.requestCount - requestsBefore,
      });
    }
    const perRef = new Map<TableRef, unknown[][]>(plan.steps.map((s) => [refs[s.step - 1] as TableRef, perStep.get(s.step) ?? []]));
    // A table read twice (self-join, subquery) holds the union of its reads, once per key.
    const byTable = new Map<string, { table: TableDef; rows: unknown[][]; loaded?: boolean }>();
    for (const [ref, rows] of perRef) {
      if (fromCache.get(ref.table.name)) continue;
      const entry = byTable.get(ref.table.name) ?? { table: ref.table, rows: [], ...(loadedTables.has(ref.table.name) ? { loaded: true } : {}) };
      if (byTable.has(ref.table.name)) {
        const keyIdx = ref.table.columns.map((c, i) => (c.key ? i : -1)).filter((i) => i >= 0);
        const seen = new Set(entry.rows.map((r) => JSON.stringify(keyIdx.length ? keyIdx.map((i) => r[i]) : r)));
        for (const r of rows) if (!seen.has(JSON.stringify(keyIdx.length ? keyIdx.map((i) => r[i]) : r))) entry.rows.push(r);
      } else entry.rows.push(...rows);
      byTable.set(ref.table.name, entry);
    }
    return { byTable, reports };
  }

  /**
   * One plan step's rows, page by page, with its quals (pushed ones and join keys found at run
   * time): the one place a step's rows are read (queries, EXPLAIN ANALYZE, writes' SELECTs and
   * `stream()` all come here). Counted placeholder rows when the step counts, else the table's
   * pages (`tableRowPages`) until the step's limit is reached; a consumer that stops early stops
   * the fetch (the page iterator is returned, so no further page is requested).
   */
  private async *stepPages(table: TableDef, step: PlanStep, fetchCtx: FetchContext, quals: readonly Qual[]): AsyncIterable<unknown[][]> {
    const counted = step.count ? await countedRows(table, fetchCtx, quals, step.count.groupBy) : undefined;
    if (counted) {
      yield counted;
      return;
    }
    let fetched = 0;
    for await (const page of tableRowPages(table, fetchCtx, quals)) {
      yield page;
      fetched += page.length;
      if (step.limit && fetched >= step.limit.rows && step.limit.orderBy.length === 0) return;
    }
  }

  /**
   * A step's rows appended page by page to its temporary table (with the `used` columns), none
   * kept; how many. The table is opened at the first page, so the first request does not wait
   * for its CREATE (`createTempTableEarly`). With `keepSmall`, pages are kept while the rows stay
   * few enough to be inlined; the table is opened (and the kept rows appended) only past that.
   */
  private async stepLoad(
    conn: DuckDBConnection,
    table: TableDef,
    step: PlanStep,
    fetchCtx: FetchContext,
    quals: readonly Qual[],
    used: ReadonlySet<string>,
    keepSmall: boolean,
  ): Promise<{ rows: unknown[][]; loaded: false } | { rows: unknown[][]; loaded: true; count: number }> {
    const width = keptColumns(table.columns, used).length;
    const kept: unknown[][] = [];
    let load: TempTableLoad | undefined;
    let count = 0;
    try {
      for await (const page of this.stepPages(table, step, fetchCtx, quals)) {
        count += page.length;
        if (!load && keepSmall && count <= INLINE_MAX_ROWS && count * width <= INLINE_MAX_CELLS) {
          kept.push(...page);
          continue;
        }
        if (!load) {
          load = await openTempTable(conn, table.name, table.columns, used);
          if (kept.length > 0) await load.append(kept.splice(0));
        }
        await load.append(page);
      }
      if (keepSmall && !load) return { rows: kept, loaded: false };
      load ??= await openTempTable(conn, table.name, table.columns, used);
    } catch (e) {
      // The statement fails with the fetch's error, not with one of closing a half-filled table.
      try {
        load?.close();
      } catch {
        /* the table is replaced by the next statement that loads it */
      }
      throw e;
    }
    load.close();
    return { rows: [], loaded: true, count };
  }

  /** All of a step's rows (`stepPages` collected). */
  private async stepRows(table: TableDef, step: PlanStep, fetchCtx: FetchContext, quals: readonly Qual[]): Promise<unknown[][]> {
    const rows: unknown[][] = [];
    for await (const page of this.stepPages(table, step, fetchCtx, quals)) rows.push(...page);
    return rows;
  }
}

let macroNames: Set<string> | undefined;

/** Each step as the cache sees it (EXPLAIN): narrowed when filters, join keys or a LIMIT restrict its read. */
function cacheSteps(plan: ReadPlan): { table: TableDef; narrowed: boolean }[] {
  return plan.steps.map((step) => ({
    table: stepTable(plan, step),
    narrowed: step.pushed.length > 0 || step.joinKeys.length > 0 || step.limit !== undefined,
  }));
}

/** Every name is a DuckDB built-in scalar or aggregate function that no macro of ours replaces. */
async function builtinsOnly(conn: DuckDBConnection, names: ReadonlySet<string>): Promise<boolean> {
  if (names.size === 0) return true;
  macroNames ??= new Set(macroDefinitions().map((m) => m.name.toLowerCase()));
  if ([...names].some((n) => macroNames?.has(n))) return false;
  const list = [...names].map(quoteLiteral).join(', ');
  const reader = await conn.runAndReadAll(
    `SELECT count(DISTINCT function_name) FROM duckdb_functions() WHERE internal AND function_type IN ('scalar', 'aggregate') AND lower(function_name) IN (${list})`,
  );
  return Number(reader.getRows()[0]?.[0] ?? 0) === names.size;
}

/** Whether any of these functions is one of DuckDB's aggregates (a stream would split its input by page). */
async function aggregates(conn: DuckDBConnection, names: readonly string[]): Promise<boolean> {
  if (names.length === 0) return false;
  const reader = await conn.runAndReadAll(
    `SELECT count(*) FROM duckdb_functions() WHERE function_type = 'aggregate' AND lower(function_name) IN (${names.map(quoteLiteral).join(', ')})`,
  );
  return Number(reader.getRows()[0]?.[0] ?? 0) > 0;
}

/**
 * A table's rows for `quals`, page by page, as column values in the table's column order: what
 * every reader of Backlog rows loads (the engine's temporary tables, replication). An IN list
 * that is empty (no parent matched) needs no request at all.
 */
export async function* tableRowPages(table: TableDef, ctx: FetchContext, quals: readonly Qual[]): AsyncIterable<unknown[][]> {
  if (quals.some((q) => q.op === 'IN' && q.values.length === 0)) return;
  for await (const page of table.list(ctx, quals)) {
    yield page.map(rowBuilder(table, ctx.env, ctx.columns));
  }
}

/**
 * COUNT(*) through the table's count endpoint: one count per value of the IN-listed column and of
 * the GROUP BY column, turned into that many placeholder rows carrying the qual and group values
 * (other columns NULL), so DuckDB evaluates the user's SQL — WHERE, GROUP BY, HAVING, ORDER BY —
 * exactly as over real rows. Undefined when the table cannot count these quals.
 */
async function countedRows(table: TableDef, ctx: FetchContext, quals: readonly Qual[], groupColumn: string | undefined): Promise<unknown[][] | undefined> {
  if (!table.count) return undefined;
  const expand = quals.find((q) => q.op === 'IN' && q.values.length > 1);
  const base = quals.filter((q) => q !== expand);
  const domain: CountDomain | undefined = groupColumn ? await table.countDomains?.[groupColumn]?.(ctx, quals) : { groups: [{ quals: [], row: {} }] };
  if (!domain) return undefined;
  const rows: unknown[][] = [];
  let sum = 0;
  // An IN list's values once each: `IN (1, 1)` is one count, not two.
  for (const e of expand ? [...new Set(expand.values)] : [undefined]) {
    for (const g of domain.groups) {
      const q: Qual[] = [...base, ...g.quals];
      if (expand && e !== undefined) q.push({ column: expand.column, op: '=', values: [e] });
      const n = await table.count(ctx, q);
      if (n === undefined) return undefined;
      sum += n;
      const row = table.columns.map((c) => {
        const eq = q.find((x) => x.column === c.name && (x.op === '=' || (x.op === 'IN' && x.values.length === 1)));
        return eq ? eq.values[0] : (g.row[c.name] ?? null);
      });
      for (let i = 0; i < n; i++) rows.push(row);
    }
  }
  // Groups that do not add up to the total missed some rows: read them instead.
  if (domain.total !== undefined && sum !== domain.total) return undefined;
  return rows;
}

/** A statement's share of the client's counters: what happened between two snapshots. */
export function statsSince(before: ApiStats, after: ApiStats, extra: { fetches: FetchReport[]; warnings: string[]; started: number }): QueryStats {
  const byEndpoint: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.byEndpoint)) {
    const d = v - (before.byEndpoint[k] ?? 0);
    if (d > 0) byEndpoint[k] = d;
  }
  return {
    requests: after.requests - before.requests,
    byCategory: {
      read: after.byCategory.read - before.byCategory.read,
      update: after.byCategory.update - before.byCategory.update,
      search: after.byCategory.search - before.byCategory.search,
      icon: after.byCategory.icon - before.byCategory.icon,
    },
    byEndpoint,
    retries: after.retries - before.retries,
    rateLimitWaits: after.rateLimitWaits - before.rateLimitWaits,
    rateLimitWaitMs: after.rateLimitWaitMs - before.rateLimitWaitMs,
    fetches: extra.fetches,
    warnings: [...new Set([...extra.warnings, ...(after.warnings ?? []).slice(before.warnings?.length ?? 0)])],
    elapsedMs: Math.round(performance.now() - extra.started),
  };
}

/**
 * The caller's parameters as the statement takes them: null means none, and of named parameters
 * only those the statement uses (DuckDB refuses a value for a parameter it does not have).
 */
function usedParams(params: ParamValues | null, sql: string): readonly unknown[] | Record<string, unknown> | undefined {
  if (params === undefined || params === null) return undefined;
  if (Array.isArray(params)) return params;
  const used = parameterNames(sql);
  return Object.fromEntries(
    Object.entries(params)
      .filter(([k]) => used.has(k.replace(/^[@$:]/, '').toLowerCase()))
      .map(([k, v]) => [k.replace(/^[@$:]/, ''), v]),
  );
}

/** Display width of a character as DuckDB's caret counts it (East Asian wide characters: 2). */
function displayWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  return (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
    ? 2
    : 1;
}

/**
 * DuckDB marks errors with "LINE n: <text>" and a caret under it, in display columns, the text
 * possibly cut short with "...". Turn that into a 1-based character position in the statement.
 */
function positionOf(message: string, sql: string, offset: number): number | undefined {
  const lines = message.split('\n');
  const lineIdx = lines.findIndex((l) => /^LINE \d+:/.test(l));
  if (lineIdx < 0) return undefined;
  const header = lines[lineIdx] as string;
  const m = /^LINE (\d+): /.exec(header);
  const caret = lines[lineIdx + 1];
  if (!m || !caret || !caret.includes('^')) return undefined;
  const lineNo = Number(m[1]);
  let shown = header.slice(m[0].length);
  let caretCol = caret.indexOf('^') - m[0].length;
  let cut = 0;
  if (shown.startsWith('...')) {
    shown = shown.slice(3);
    caretCol -= 3;
  }
  let index = 0;
  for (let width = 0; index < shown.length && width < caretCol; index++) width += displayWidth(shown[index] as string);
  // DuckDB counts \r, \n and \r\n each as one line break.
  const starts = [0];
  for (const m of sql.matchAll(/\r\n|\r|\n/g)) starts.push(m.index + m[0].length);
  const lineStart = starts[lineNo - 1] ?? 0;
  const real = sql.slice(lineStart).split(/\r\n|\r|\n/)[0] ?? '';
  const at = real.indexOf(shown.replace(/\.\.\.$/, ''));
  if (at > 0) cut = at;
  return lineStart + cut + index + 1 + offset;
}

/** DuckDB's "Candidate bindings: …" line as a hint. */
function candidatesHint(message: string): string | undefined {
  const m = /Candidate bindings: (.+)/.exec(message);
  return m ? `Did you mean ${m[1]}?` : undefined;
}
