/**
 * The query cache (README "Cache", ARCHITECTURE.md §12): a source under the plan. For each table a
 * statement reads, the engine asks `serve` once (src/sql/engine.ts, `fetchAll`); the answer is
 * decided when the statement runs, by the clock:
 *
 * - Offline=true: the cached copy, whatever its age; a table never cached is an error. No request.
 * - AutoCache=true: a table in the cache is refreshed first when older than CacheTolerance (or
 *   written by this connection since), then read from the cache, whatever the statement's filters
 *   (DuckDB applies them: the cache holds whole tables). A table not yet in the cache is filled
 *   whole when the statement reads it whole; a narrowed read (pushed filters, join keys, LIMIT)
 *   covers only what it read, so it goes to Backlog and is not kept.
 * - otherwise: Backlog, as without a cache.
 *
 * Filling and refreshing is replication (../sync/run.ts) into the cache's DuckDB schema: the same
 * incremental rules, checkpoints and one transaction per table, so a refresh killed midway leaves
 * the previous complete state. Only whole-table reads ever land in the cache and move a watermark.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { CancelledError, ConfigError, SqlError } from '../errors.js';
import type { Qual, TableDef } from '../schema/types.js';
import { quoteIdent, quoteLiteral, toJs } from '../sql/duckdb.js';
import { ISSUE_CHILDREN, nameDependents, ruleOf, SKIPPED } from '../sync/rules.js';
import { CHECKPOINT_TABLE } from '../sync/destination.js';
import { DuckDbDestination } from '../sync/duckdb-destination.js';
import { destTable, digestOf, replicate, type ReplicateReport, type SyncSource } from '../sync/run.js';
import { keepFilePrivate, type CacheLocation } from './location.js';
import { acquireFileLock, acquireQueue } from './lock.js';
import { CACHE_OVERLAP_SECONDS } from './rules.js';

/** The catalog name the cache file is attached under, in the connection's DuckDB. */
export const CACHE_CATALOG = 'backlog_cache';
const META = '_backlog_sql_cache';
/**
 * Issues updated within this many seconds before the last refresh's newest are read again (and
 * their comments…): same-second updates and small clock differences. Replication uses 5 minutes;
 * a cache refreshed every minute would re-read five minutes of changes each time.
 */
const OVERLAP_SECONDS = CACHE_OVERLAP_SECONDS;

export interface CacheOptions {
  autoCache: boolean;
  offline: boolean;
  toleranceSeconds: number;
  /** The clock staleness is measured on (ms since 1970): Date.now, or a simulated one (ConnectOptions.clock). */
  now?: () => number;
}

/** What the cache needs of the connection: replication's source plus who is signed in. */
export interface CacheSource extends SyncSource {
  myself(): Promise<{ id: number }>;
  /** GET /space as connect read it (kept for Offline=true, which sends nothing). */
  readonly space: { spaceKey: string; name: string; timezone: string };
}

/** A table's state in the cache (sys_cachestatus). */
export interface CachedTable {
  table: string;
  rows: number;
  refreshedMs: number;
  watermark: string | null;
  requests: number;
  schema: string;
}

/** One step of a statement, as EXPLAIN shows its source. */
export interface CacheStep {
  table: TableDef;
  narrowed: boolean;
}

interface Held {
  conn: DuckDBConnection;
  dest: DuckDbDestination;
  close(): Promise<void>;
}

let instances = 0;

export class QueryCache {
  /** Tables this connection wrote since their last refresh: refreshed at the next read, whatever their age. */
  private readonly dirty = new Set<string>();
  private memoryAttached = false;
  /**
   * The cache held open for a statement, by the statement's DuckDB connection (released by
   * `release`; the engine calls it only for a connection found here).
   */
  readonly held = new Map<DuckDBConnection, Held>();
  private readonly id = ++instances;
  private userChecked = false;
  /** Set by `CACHE T SELECT …` while its query runs: read from the cache whatever AutoCache says. */
  private forced = 0;
  /**
   * Whether statements read through the cache at all: AutoCache, Offline, or a CACHE statement's
   * query running (`forcing`). A field, not a getter: every statement reads it, and with the
   * cache off that read is all the cache costs it.
   */
  enabled: boolean;
  /** Set once the connection exists (it is the replication source). */
  source: CacheSource | undefined;

  constructor(
    readonly location: CacheLocation,
    /** The schema of this space and user inside the cache (./location.ts). */
    readonly schema: string,
    readonly options: CacheOptions,
    private readonly duck: DuckDBInstance,
  ) {
    this.enabled = this.readsThrough();
  }

  /** What `enabled` holds, recomputed whenever `forced` changes. */
  private readsThrough(): boolean {
    return this.options.autoCache || this.options.offline || this.forced > 0;
  }

  private qualified(table: string): string {
    return `${CACHE_CATALOG}.${quoteIdent(this.schema)}.${quoteIdent(table)}`;
  }

  /**
   * Attach the cache to this connection's DuckDB, under the lock (DuckDB admits one read-write
   * opener of a file), with a connection whose current schema is this space and user's. The file
   * stays attached until `close`, so other processes sharing the location take turns.
   */
  private async open(): Promise<Held> {
    const location = this.location;
    const unlock = location.kind === 'file' ? await acquireFileLock(location.path) : await acquireQueue(`memory:${this.id}`);
    let conn: DuckDBConnection | undefined;
    let attached = false;
    const close = async () => {
      if (conn) {
        if (attached) {
          await conn.run('USE memory.main').catch(() => undefined);
          await conn.run(`DETACH ${CACHE_CATALOG}`).catch(() => undefined);
          keepFilePrivate(location);
        }
        conn.closeSync();
      }
      await unlock();
    };
    try {
      conn = await this.duck.connect();
      if (location.kind === 'file') {
        try {
          await conn.run(`ATTACH ${quoteLiteral(location.path)} AS ${CACHE_CATALOG}`);
        } catch (e) {
          throw new ConfigError(`cannot open the cache ${location.path}: ${(e as Error).message.split('\n')[0]}`, 'CacheLocation', {
            hint: /lock/i.test((e as Error).message)
              ? 'Another program has the file open (DuckDB allows one writer): close it, or set CacheLocation to another file.'
              : 'Check CacheLocation and that its folder is writable; a damaged file can be deleted (it only holds copies of Backlog data).',
            cause: e,
          });
        }
        attached = true;
        keepFilePrivate(location);
      } else if (!this.memoryAttached) {
        await conn.run(`ATTACH ':memory:' AS ${CACHE_CATALOG}`);
        this.memoryAttached = true;
      }
      await conn.run(`CREATE SCHEMA IF NOT EXISTS ${CACHE_CATALOG}.${quoteIdent(this.schema)}`);
      await conn.run(`USE ${CACHE_CATALOG}.${quoteIdent(this.schema)}`);
      return { conn, dest: DuckDbDestination.onConnection(conn, `cache:${location.label}`), close };
    } catch (e) {
      await close();
      throw e;
    }
  }

  /** `fn` with the cache open, closed after. */
  private async session<T>(fn: (conn: DuckDBConnection, dest: DuckDbDestination) => Promise<T>): Promise<T> {
    const held = await this.open();
    try {
      return await fn(held.conn, held.dest);
    } finally {
      await held.close();
    }
  }

  /** The cached tables of this space and user, from the checkpoints (no request). */
  private async cachedTables(conn: DuckDBConnection): Promise<Map<string, CachedTable>> {
    const present = (
      await conn.runAndReadAll(
        `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = current_schema() AND table_name IN (${quoteLiteral(CHECKPOINT_TABLE)}, ${quoteLiteral(META)})`,
      )
    )
      .getRows()
      .map((r) => String(r[0]));
    const out = new Map<string, CachedTable>();
    if (!present.includes(CHECKPOINT_TABLE)) return out;
    // When a table was refreshed, on the cache's clock (kept beside the checkpoint), else the checkpoint's own time.
    const hasMeta = present.includes(META);
    const refreshed = hasMeta
      ? `coalesce((SELECT CAST(m.value AS DOUBLE) FROM ${quoteIdent(META)} m WHERE m.key = 'refreshed:' || lower(c.table_name)), epoch_ms(c.synced_at))`
      : 'epoch_ms(c.synced_at)';
    const reader = await conn.runAndReadAll(
      `SELECT c.table_name, c.row_count, ${refreshed}, c.watermark, c.requests, c.schema_digest FROM ${quoteIdent(CHECKPOINT_TABLE)} c`,
    );
    for (const r of reader.getRows()) {
      const [table, rows, ms, watermark, requests, schema] = r.map((v) => toJs(v));
      out.set(String(table).toLowerCase(), {
        table: String(table),
        rows: Number(rows),
        refreshedMs: Number(ms),
        watermark: watermark === null ? null : String(watermark),
        requests: Number(requests),
        schema: String(schema),
      });
    }
    return out;
  }

  private usable(table: TableDef, cached: Map<string, CachedTable>): CachedTable | undefined {
    const c = cached.get(table.name.toLowerCase());
    return c && c.schema === digestOf(destTable(table)) ? c : undefined;
  }

  /** Refreshed before it is read: older than CacheTolerance, or written by this connection since. */
  private stale(c: CachedTable): boolean {
    return this.dirty.has(c.table.toLowerCase()) || this.now() - c.refreshedMs >= this.options.toleranceSeconds * 1000;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * The engine's one entry point: serve `table` for the statement on `conn` from the cache (a
   * temporary table of that name, as a fetch would load), refreshing it first when stale; or
   * undefined when the statement reads it from Backlog.
   */
  async serve(
    conn: DuckDBConnection,
    table: TableDef,
    read: { narrowed: boolean; signal: AbortSignal; columns?: ReadonlySet<string> },
  ): Promise<{ rows: number } | undefined> {
    if (!this.enabled) return undefined;
    if (ruleOf(table) === 'skip') {
      if (this.options.offline) throw offlineError(`${table.name} is never cached: ${SKIPPED[table.name] ?? ''}`, 'Query it with Offline=false.');
      return undefined;
    }
    // Held open until the statement ends (`release`): the temporary view reads the attached file.
    let held = this.held.get(conn);
    if (!held) {
      held = await this.open();
      this.held.set(conn, held);
    }
    const { conn: cacheConn, dest } = held;
    const all = await this.cachedTables(cacheConn);
    let cached = this.usable(table, all);
    if (this.options.offline) {
      if (!cached) throw notCached(table.name);
    } else {
      if (!cached && read.narrowed) return undefined;
      // The named things (statuses, users…) whose names this statement shows are refreshed when
      // stale too: a rename moves no issue's Updated, so only their own read sees it.
      const names = this.nameSources(table, read.columns).filter((s) => {
        const c = this.usable(s, all);
        return !c || this.stale(c);
      });
      const refresh = !cached || this.stale(cached) ? [table.name] : [];
      if (refresh.length + names.length > 0) {
        await this.refreshIn(cacheConn, dest, [...refresh, ...names.map((t) => t.name)], read.signal);
        cached = this.usable(table, await this.cachedTables(cacheConn));
        if (!cached) return undefined;
      }
    }
    if (read.signal.aborted) throw new CancelledError();
    if (!cached) return undefined;
    const columns = table.columns.map((c) => quoteIdent(c.name)).join(', ');
    await conn.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(table.name)} AS SELECT ${columns} FROM ${this.qualified(table.name)}`);
    return { rows: cached.rows };
  }

  /** The statement on `conn` has ended: the cache it held is detached and its lock released. */
  async release(conn: DuckDBConnection): Promise<void> {
    const held = this.held.get(conn);
    if (!held) return;
    this.held.delete(conn);
    await held.close();
  }

  /**
   * A served table's rows as a fetch would have returned them for `quals` (the engine takes a
   * child's join keys from them). Only equality, IN and NULL tests are applied here; any other
   * condition keeps every row, a superset, which the join still filters.
   */
  async rowsOf(conn: DuckDBConnection, table: TableDef, quals: readonly Qual[]): Promise<unknown[][]> {
    const literal = (v: string | number | boolean) => (typeof v === 'string' ? quoteLiteral(v) : String(v));
    const conditions = quals.flatMap((q) => {
      const col = quoteIdent(q.column);
      if (q.op === '=' && q.values.length === 1) return [`${col} = ${literal(q.values[0] as string | number | boolean)}`];
      if (q.op === 'IN') return [q.values.length === 0 ? 'FALSE' : `${col} IN (${q.values.map(literal).join(', ')})`];
      if (q.op === 'IS NULL' || q.op === 'IS NOT NULL') return [`${col} ${q.op}`];
      return [];
    });
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
    const reader = await conn.runAndReadAll(`SELECT * FROM temp.${quoteIdent(table.name)}${where}`);
    return reader.getRows().map((r) => r.map((v) => toJs(v)));
  }

  /**
   * Refresh tables in the cache through replication. The first refresh of a connection checks the
   * cache's user against /users/myself: a cache filled by another user (the same OAuth settings
   * signed in as someone else) is emptied first, never served.
   */
  private async refreshIn(conn: DuckDBConnection, dest: DuckDbDestination, tables: readonly string[], signal: AbortSignal): Promise<ReplicateReport> {
    const source = this.source;
    if (!source) throw new ConfigError('the cache is not ready', 'CacheLocation');
    await conn.run(`CREATE TABLE IF NOT EXISTS ${quoteIdent(META)} (key VARCHAR PRIMARY KEY, value VARCHAR)`);
    if (!this.userChecked) {
      const me = await source.myself();
      const stored = await meta(conn, 'user');
      if (stored !== undefined && stored !== String(me.id)) {
        await conn.run('USE memory.main');
        await conn.run(`DROP SCHEMA ${CACHE_CATALOG}.${quoteIdent(this.schema)} CASCADE`);
        await conn.run(`CREATE SCHEMA ${CACHE_CATALOG}.${quoteIdent(this.schema)}`);
        await conn.run(`USE ${CACHE_CATALOG}.${quoteIdent(this.schema)}`);
        await conn.run(`CREATE TABLE ${quoteIdent(META)} (key VARCHAR PRIMARY KEY, value VARCHAR)`);
      }
      await putMeta(conn, 'user', String(me.id));
      await putMeta(conn, 'myself', JSON.stringify(me));
      await putMeta(conn, 'space', JSON.stringify(source.space));
      this.userChecked = true;
    }
    const report = await replicate(source, dest, { tables, signal, overlapSeconds: OVERLAP_SECONDS });
    const at = this.now();
    for (const t of report.tables) {
      this.dirty.delete(t.table.toLowerCase());
      await putMeta(conn, `refreshed:${t.table.toLowerCase()}`, String(at));
    }
    await this.propagateNames(conn, report);
    return report;
  }

  /** The whole-read tables whose `Name` appears in `table`'s columns among `columns` (all when undefined). */
  private nameSources(table: TableDef, columns: ReadonlySet<string> | undefined): TableDef[] {
    const all = this.source?.registry.tables ?? [];
    const shown = (t: string, column: string) => {
      if (t === table.name) return columns === undefined || columns.has(column);
      // A per-issue table brings Issues along: its names are refreshed with the table asked for.
      return columns === undefined && ruleOf(table) === 'issue-child' && t === 'Issues';
    };
    return all.filter((s) => ruleOf(s) === 'whole' && s.name !== table.name && nameDependents(s, all).some((d) => shown(d.table, d.nameColumn)));
  }

  /**
   * Every cached row showing the name of a thing refreshed in this run gets its current name: the
   * rows of tables not refreshed now too (cached earlier, or before the thing itself was cached).
   */
  private async propagateNames(conn: DuckDBConnection, report: ReplicateReport): Promise<void> {
    const all = this.source?.registry.tables ?? [];
    const present = new Set((await this.cachedTables(conn)).keys());
    for (const t of report.tables) {
      const def = all.find((x) => x.name === t.table);
      if (!def || ruleOf(def) !== 'whole') continue;
      for (const d of nameDependents(def, all)) {
        if (!present.has(d.table.toLowerCase())) continue;
        const dep = quoteIdent(d.table);
        const byProject = d.byProject ? ` AND ${dep}."ProjectId" = s."ProjectId"` : '';
        await conn.run(
          `UPDATE ${dep} SET ${quoteIdent(d.nameColumn)} = s."Name" FROM ${quoteIdent(def.name)} AS s WHERE ${dep}.${quoteIdent(d.idColumn)} = s.${quoteIdent(d.sourceKey)}${byProject} AND ${dep}.${quoteIdent(d.nameColumn)} IS DISTINCT FROM s."Name"`,
        );
      }
    }
  }

  /** CACHE T: bring T (and what it needs) up to date now, whatever its age; the refresh's report. */
  async fill(table: TableDef, signal: AbortSignal): Promise<ReplicateReport> {
    if (this.options.offline) throw offlineError('CACHE needs Backlog', 'Run CACHE with Offline=false, then reconnect with Offline=true.');
    if (ruleOf(table) === 'skip') throw new SqlError(`CACHE: ${table.name} cannot be cached: ${SKIPPED[table.name] ?? ''}`, undefined, { sqlstate: '0A000' });
    return this.session((conn, dest) => this.refreshIn(conn, dest, [table.name, ...this.nameSources(table, undefined).map((t) => t.name)], signal));
  }

  /** Run `fn` (the SELECT of `CACHE T SELECT …`) reading from the cache. */
  async forcing<T>(fn: () => Promise<T>): Promise<T> {
    this.forced++;
    this.enabled = this.readsThrough();
    try {
      return await fn();
    } finally {
      this.forced--;
      this.enabled = this.readsThrough();
    }
  }

  /** After INSERT / UPDATE / DELETE on `table` (undefined: a procedure, which may touch anything). */
  wrote(table: string | undefined, all: readonly TableDef[]): void {
    if (table === undefined) {
      for (const t of all) this.dirty.add(t.name.toLowerCase());
      return;
    }
    this.dirty.add(table.toLowerCase());
    // An issue and the rows hanging off it move together (a comment moves its issue's Updated).
    if (table.toLowerCase() === 'issues' || ISSUE_CHILDREN.some((c) => c.toLowerCase() === table.toLowerCase())) {
      this.dirty.add('issues');
      for (const c of ISSUE_CHILDREN) this.dirty.add(c.toLowerCase());
    }
  }

  /** The space and user a previous online connection stored, for Offline=true (no request). */
  async offlineIdentity(): Promise<{
    space: { spaceKey: string; name: string; timezone: string };
    myself: { id: number; userId: string; name: string; roleType: number };
  }> {
    const found = await this.session(async (conn) => {
      const exists = await conn.runAndReadAll(
        `SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = current_schema() AND table_name = ${quoteLiteral(META)}`,
      );
      if (Number(toJs(exists.getRows()[0]?.[0] ?? 0)) === 0) return undefined;
      const space = await meta(conn, 'space');
      const myself = await meta(conn, 'myself');
      return space && myself ? { space: JSON.parse(space), myself: JSON.parse(myself) } : undefined;
    });
    if (!found) {
      throw new ConfigError(`Offline=true, but nothing is cached for this space and user in ${this.location.label}`, 'Offline', {
        hint: 'Connect once with Offline=false and AutoCache=true (or run CACHE Issues), with the same URL, credentials and CacheLocation.',
      });
    }
    return found;
  }

  /** sys_cachestatus's rows, loaded as a temporary table of the statement's connection. */
  async loadStatus(conn: DuckDBConnection, tables: readonly TableDef[]): Promise<void> {
    const exists = this.location.kind === 'memory' ? this.memoryAttached : (await import('node:fs')).existsSync(this.location.path);
    const cached = exists ? await this.session((c) => this.cachedTables(c)) : new Map<string, CachedTable>();
    await conn.run(
      'CREATE OR REPLACE TEMP TABLE sys_cachestatus (TableName VARCHAR, Rule VARCHAR, "Rows" BIGINT, LastRefresh TIMESTAMPTZ, Watermark VARCHAR, Requests BIGINT, Stale BOOLEAN)',
    );
    for (const c of cached.values()) {
      const def = tables.find((t) => t.name.toLowerCase() === c.table.toLowerCase());
      await conn.run('INSERT INTO sys_cachestatus VALUES ($1, $2, $3, to_timestamp(CAST($4 AS DOUBLE) / 1000), $5, $6, $7)', [
        c.table,
        def ? ruleOf(def) : 'select',
        c.rows,
        c.refreshedMs,
        c.watermark,
        c.requests,
        this.options.offline ? false : this.stale(c),
      ]);
    }
  }

  /** EXPLAIN's source column: per step, the cache, a refresh first (and what it sends), or Backlog. */
  async explain(steps: readonly CacheStep[]): Promise<Map<TableDef, string>> {
    const out = new Map<TableDef, string>();
    if (!this.enabled || steps.length === 0) return out;
    const cached = await this.session((c) => this.cachedTables(c));
    for (const { table, narrowed } of steps) {
      const c = this.usable(table, cached);
      if (ruleOf(table) === 'skip') out.set(table, this.options.offline ? 'error: never cached' : 'Backlog (never cached)');
      else if (this.options.offline) out.set(table, c ? 'cache (Offline: no refresh)' : `error: not cached (run CACHE ${table.name} online)`);
      else if (!c)
        out.set(table, narrowed ? 'Backlog (a narrowed read is not kept)' : `Backlog, kept in the cache (first fill: ${refreshSends(table, undefined)})`);
      else if (this.stale(c)) out.set(table, `cache after a refresh: ${refreshSends(table, c)}`);
      else out.set(table, `cache (refreshed ${Math.round((this.now() - c.refreshedMs) / 1000)} s ago)`);
    }
    return out;
  }
}

/** What refreshing a table sends, in words (EXPLAIN). */
function refreshSends(table: TableDef, c: CachedTable | undefined): string {
  const rule = ruleOf(table);
  if (!c) return rule === 'issue-child' ? 'Issues whole, then 1 request per issue' : table.cost([]);
  if (rule === 'issues')
    return `1 activities request, the issues updated since ${c.watermark ?? 'the last refresh'} less ${OVERLAP_SECONDS} s, 1 projects request, 1 count per project`;
  if (rule === 'issue-child') return 'the Issues refresh, then 1 request per issue whose Updated moved';
  return `${table.cost([])} (read whole)`;
}

async function meta(conn: DuckDBConnection, key: string): Promise<string | undefined> {
  const reader = await conn.runAndReadAll(`SELECT value FROM ${quoteIdent(META)} WHERE key = $1`, [key]);
  const v = reader.getRows()[0]?.[0];
  return v === undefined || v === null ? undefined : String(v);
}

async function putMeta(conn: DuckDBConnection, key: string, value: string): Promise<void> {
  await conn.run(`INSERT OR REPLACE INTO ${quoteIdent(META)} VALUES ($1, $2)`, [key, value]);
}

function offlineError(message: string, hint: string): ConfigError {
  return new ConfigError(`Offline=true: ${message}`, 'Offline', { hint });
}

/** A table an Offline connection needs but the cache never held. */
export function notCached(table: string): ConfigError {
  return offlineError(
    `${table} is not in the cache, and Offline=true sends no request`,
    `Connect with Offline=false and run CACHE ${table} (or query it once with AutoCache=true), then reconnect with Offline=true.`,
  );
}
