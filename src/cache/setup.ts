/**
 * The cache's part of connect() and of the CACHE statement, kept here so the connection only
 * calls in (src/core/connection.ts): where the cache is for this connection, the space and user an
 * Offline connection starts from, and running `CACHE T [WHERE … | SELECT …]`.
 */
import { NEVER_ABORTED } from '../util/never-aborted.js';
import type { ApiClient } from '../api/types.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { ConfigError, SqlError } from '../errors.js';
import type { Registry } from '../schema/registry.js';
import { closeDuck, createDuck, quoteIdent, type DuckDBInstance } from '../sql/duckdb.js';
import { statsSince, type QueryOptions, type QueryResult } from '../sql/engine.js';
import { QueryCache, type CacheOptions } from './cache.js';
import { cacheLocation, cacheSchema, preparePrivateFolder, type CacheLocation } from './location.js';
import type { CacheStatement } from './statement.js';

type Space = { spaceKey: string; name: string; timezone: string };
type Myself = { id: number; userId: string; name: string; roleType: number };

export interface CachePlan {
  location: CacheLocation;
  schema: string;
  options: CacheOptions;
  /** Offline=true: the space and user stored by the last online connection (no request). */
  offline?: { space: Space; myself: Myself };
  /** The cache on the connection's own DuckDB, once the space's time zone is known. */
  open(duck: DuckDBInstance): QueryCache;
}

/**
 * Where this connection's cache is. SQL from remote clients (the wire server) runs in a DuckDB
 * that may open no file: their cache is kept in memory (with a warning), and Offline is refused.
 */
export async function planCache(
  config: ResolvedConfig,
  env: NodeJS.ProcessEnv,
  options: { noExternalAccess?: boolean; clock?: () => number; warn: (message: string) => void },
): Promise<CachePlan> {
  let location = cacheLocation(config, env);
  if (options.noExternalAccess && location.kind === 'file' && (config.autoCache || config.offline)) {
    if (config.offline) {
      throw new ConfigError('Offline=true cannot serve remote clients: their DuckDB may open no file, so the cache file cannot be read', 'Offline', {
        hint: 'Serve with Offline=false (AutoCache=true keeps a cache in the server’s memory), or query the cache through the library or the shell.',
      });
    }
    options.warn('AutoCache for remote clients keeps the cache in memory (CacheLocation is a file, which their DuckDB may not open)');
    location = { kind: 'memory', label: 'memory://wire' };
  }
  if (config.autoCache || config.offline) preparePrivateFolder(location, config.cacheLocation === undefined);
  const cacheOptions: CacheOptions = {
    autoCache: config.autoCache,
    offline: config.offline,
    toleranceSeconds: config.cacheToleranceSeconds,
    ...(options.clock ? { now: options.clock } : {}),
  };
  const schema = cacheSchema(config);
  let offline: CachePlan['offline'];
  if (config.offline) {
    // Read through a DuckDB of its own: the connection's is made once the space's time zone is known.
    const duck = await createDuck({ timezone: 'UTC' });
    try {
      offline = await new QueryCache(location, schema, cacheOptions, duck).offlineIdentity();
    } finally {
      closeDuck(duck);
    }
  }
  return { location, schema, options: cacheOptions, ...(offline ? { offline } : {}), open: (duck) => new QueryCache(location, schema, cacheOptions, duck) };
}

/** What `CACHE` needs of the connection. */
export interface CacheStatementContext {
  registry: Registry;
  api: ApiClient;
  cache: QueryCache | undefined;
  /** SQL from remote clients: CACHE writes a file of the server's operator. */
  noLocalFiles: boolean;
  /** Run a SELECT through the engine. */
  run(sql: string, options: QueryOptions): Promise<QueryResult>;
}

/**
 * CACHE T [WHERE … | SELECT …]: T brought up to date in the cache now; one result row per table
 * refreshed, with WHERE the count of T's rows matching, or with SELECT the query's rows, answered
 * from the cache.
 */
export async function runCacheStatement(statement: CacheStatement, ctx: CacheStatementContext, options: QueryOptions): Promise<QueryResult> {
  const started = performance.now();
  const before = ctx.api.stats();
  if (ctx.noLocalFiles) throw new SqlError("CACHE cannot run here: it writes to a file of the server's operator", undefined, { sqlstate: '42501' });
  const table = ctx.registry.table(statement.table);
  const cache = ctx.cache;
  if (!table || !cache) {
    throw new SqlError(`CACHE: table "${statement.table}" does not exist`, undefined, {
      sqlstate: '42P01',
      hint: 'SELECT * FROM sys_tables lists the tables.',
    });
  }
  const signal = options.signal ?? NEVER_ABORTED;
  const report = await cache.fill(table, signal);
  let matching: number | null = null;
  if (statement.where !== undefined || statement.select !== undefined) {
    const sql = statement.select ?? `SELECT count(*) FROM ${quoteIdent(table.name)} WHERE ${statement.where}`;
    const result = await cache.forcing(() => ctx.run(sql, { signal, rowMode: statement.select !== undefined ? options.rowMode : 'array' }));
    if (statement.select !== undefined) {
      return { ...result, stats: statsSince(before, ctx.api.stats(), { fetches: result.stats.fetches, warnings: report.warnings, started }) };
    }
    matching = Number((result.rows as unknown[][])[0]?.[0] ?? 0);
  }
  const columns = [
    { name: 'Table', type: 'VARCHAR' },
    { name: 'Mode', type: 'VARCHAR' },
    { name: 'Rows', type: 'BIGINT' },
    { name: 'Requests', type: 'BIGINT' },
    { name: 'Matching', type: 'BIGINT' },
  ];
  const rows = report.tables.map((t) => ({
    Table: t.table,
    Mode: t.mode,
    Rows: t.rows,
    Requests: t.requests,
    Matching: t.table === table.name ? matching : null,
  }));
  return {
    command: 'SELECT',
    columns,
    rows: options.rowMode === 'array' ? rows.map((r) => columns.map((c) => r[c.name as keyof typeof r])) : rows,
    rowCount: rows.length,
    stats: statsSince(before, ctx.api.stats(), { fetches: [], warnings: report.warnings, started }),
  };
}
