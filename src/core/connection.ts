/**
 * `connect(connectionStringOrOptions)` (ARCHITECTURE.md §2): resolve the properties, check the credentials
 * with one cheap request (GET /space, which also gives the time zone that date-only fields need),
 * set up DuckDB with the schema and the sys_* tables, and answer queries.
 */
import { NEVER_ABORTED } from '../util/never-aborted.js';
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { inspect } from 'node:util';
import { BacklogClient, type ApiEvent } from '../api/client.js';
import { sharedBudget } from '../api/shared-budget.js';
import { defaultSettingsPath } from '../auth/token-store.js';
import { openLogfile } from './logfile.js';
import { packageVersion } from '../util/package-version.js';
import type { ApiClient } from '../api/types.js';
import { connectionPropsTable, redactConfig, resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import type { ConnectionProperties } from '../config/options.js';
import { ApiError, asBacklogSqlError, AuthError, ConfigError, ConnectionClosedError, NetworkError, SqlError, sqlErrorAt } from '../errors.js';
import { issuesWithCustomFields } from '../schema/custom-fields.js';
import { Registry } from '../schema/registry.js';
import { TABLES } from '../schema/tables/index.js';
import issuesTable from '../schema/tables/issues.js';
import { systemTables } from '../schema/system.js';
import { CATALOG_NAME } from '../schema/names.js';
import type { FetchContext, ProjectRef } from '../schema/types.js';
import { closeDuck, createDuck, quoteIdent, type DuckDBInstance } from '../sql/duckdb.js';
import { settleConnections } from '../sql/conn-pool.js';
import { Engine, statsSince, type QueryOptions, type QueryResult } from '../sql/engine.js';
import type { ParamValues } from '../sql/analyze.js';
import { checkParams, checkStatement, duckText, parseStatement, unqualifyPublic, type Statement } from '../sql/statement.js';
import { planColumns } from '../sql/plan.js';
import { WriteSession } from '../sql/write.js';
import { startSchemaSetup, type SchemaSetup } from '../sql/schema-setup.js';
import type { OAuthSession, OAuthSessionOptions } from '../auth/session.js';
import type { AuthRefreshEvent } from '../auth/token-provider.js';
import { findProcedure, parseCall, procedureMetadata, PROCEDURES, runProcedure, type ProcedureDef } from '../procedures/index.js';
import { numberParameters, parseDml } from '../sql/dml.js';
import { parseReplicate, type ReplicateStatement } from '../sync/statement.js';
import { parseViewStatement, UserViews, userViewsFile, type ViewStatement } from '../sql/dialect/user-views.js';
import { offlineClient, parseCache, planCache, runCacheStatement, type CacheStatement, type QueryCache } from '../cache/index.js';

import type { QueryColumn } from '../sql/engine.js';
export type { QueryResult, QueryOptions, QueryColumn, QueryStats } from '../sql/engine.js';
export type { WriteProgress } from '../sql/write.js';
export { WriteSession } from '../sql/write.js';

export interface ConnectOptions {
  /** Extra environment (defaults to process.env) for BACKLOG_API_KEY etc. */
  env?: NodeJS.ProcessEnv;
  /** Receives non-fatal notes: CData-only properties ignored, projects skipped… */
  onWarning?: (message: string) => void;
  /** SQL may not read or write local files or the network (for SQL from remote clients: the pg server). */
  noExternalAccess?: boolean;
  /** OAuth desktop flow: receives the authorization URL (the library never prints it). */
  onAuthorizationUrl?: (url: string) => void;
  /** Opens the authorization URL instead of $BROWSER / the system opener (tests, embedding apps). */
  openBrowser?: (url: string) => Promise<void>;
  /** How long the desktop flow waits for the browser (default 5 min). */
  oauthTimeoutMs?: number;
  /** Refresh an OAuth token when less than this is left (default 5 min). */
  refreshMarginMs?: number;
  /** How each OAuth token refresh ended: who sent it, whether the refresh token rotated (never a token). */
  onRefreshEvent?: (event: AuthRefreshEvent) => void;
  /** The clock CacheTolerance is measured on (ms since 1970; default Date.now): benchmarks simulate minutes. */
  clock?: () => number;
}

interface SpaceJson {
  spaceKey: string;
  name: string;
  timezone: string;
}

function productVersion(): string {
  try {
    return packageVersion();
  } catch {
    return '0.0.0';
  }
}

type Myself = { id: number; userId: string; name: string; roleType: number };

/** java.sql.Types codes of the types a view's column may have (1111 = OTHER), for sys_tablecolumns. */
const JDBC_TYPE_CODES: Record<string, number> = {
  BIGINT: -5,
  INTEGER: 4,
  VARCHAR: 12,
  BOOLEAN: 16,
  DOUBLE: 8,
  DATE: 91,
  'DECIMAL(18,2)': 3,
  'TIMESTAMP WITH TIME ZONE': 2014,
  TIMESTAMP: 93,
};

export class Connection {
  private closed = false;

  constructor(
    readonly config: ResolvedConfig,
    readonly api: ApiClient,
    readonly space: SpaceJson,
    private readonly duck: DuckDBInstance,
    private readonly engine: Engine,
    readonly registry: Registry,
    /** Warnings from resolving the connection properties. */
    readonly warnings: readonly string[],
    /** The signed-in user (one request, made when first needed). */
    readonly myself: () => Promise<Myself>,
    /** OAuth state with AuthScheme=OAuth (tokens, store, procedures). */
    readonly oauth?: OAuthSession,
    /** SQL from remote clients: no local file access, in DuckDB or in procedures. */
    private readonly noLocalFiles = false,
    /** The instance's schema, created in the background (../sql/schema-setup.ts). */
    private readonly schema?: SchemaSetup,
    /** User-defined views (UserDefinedViews, CREATE LOCAL VIEW). */
    readonly userViews: UserViews = UserViews.load(undefined),
    /** The query cache (src/cache): AutoCache, Offline, CACHE, sys_cachestatus. */
    readonly cache?: QueryCache,
  ) {}

  /** Called after the user-defined views changed (the wire server's catalog follows them). */
  private readonly viewListeners = new Set<() => void>();

  /**
   * Call `listener` whenever the user-defined views change (not awaited: a listener that needs
   * the connection again, as the wire catalog does to describe the views, must not wait on the
   * statement that told it); returns the unsubscribe.
   */
  onUserViewsChange(listener: () => void): () => void {
    this.viewListeners.add(listener);
    return () => this.viewListeners.delete(listener);
  }

  /**
   * Follow the views file: when another process (a shell's CREATE LOCAL VIEW) or an editor has
   * changed it since this connection last read or wrote it, read it again, list the views anew in
   * sys_tables and tell the listeners. One stat when nothing changed; nothing without a file.
   */
  async refreshUserViews(): Promise<void> {
    // No file (most connections): nothing to follow, and nothing of the views' module runs.
    if (this.userViews.file !== undefined && this.userViews.reloadIfChanged()) await this.userViewsChanged();
  }

  private async userViewsChanged(): Promise<void> {
    await this.listUserViews();
    for (const listener of this.viewListeners) listener();
  }

  /** TOK-12: console.log / util.inspect show the configuration with every secret masked. */
  [inspect.custom](): string {
    return `Connection ${inspect({ url: this.config.url, space: this.space.spaceKey, signedIn: this.signedIn, config: redactConfig(this.config), oauth: this.oauth })}`;
  }

  /** False for an OAuth connection opened without a token: only the OAuth procedures and sys_* tables work. */
  get signedIn(): boolean {
    return this.oauth ? this.oauth.signedIn : true;
  }

  /** Run one SQL statement. `params`: an array for `?`/`$1`, an object for `$name`/`@name`. */
  async query(sql: string, params?: ParamValues, options: QueryOptions = {}): Promise<QueryResult> {
    // While a statement runs, the background schema setup does not start on its own (../sql/schema-setup.ts);
    // once the schema exists there is nothing to hold back.
    const schema = this.schema?.done === false ? this.schema : undefined;
    schema?.hold();
    try {
      if (this.closed) throw new ConnectionClosedError();
      checkStatement(sql);
      checkParams(params);
      const given = parseStatement(sql);
      const replication = given.kind === 'replicate' ? parseReplicate(sql) : undefined;
      if (replication) return await this.replicate(replication, options);
      const caching = given.kind === 'replicate' ? parseCache(sql) : undefined;
      if (caching) return await this.cacheStatement(caching, options);
      await this.refreshUserViews();
      const statement = unqualified(given);
      if (statement.kind === 'localView') return await this.viewStatement(parseViewStatement(statement.text) as ViewStatement);
      try {
        if (statement.kind === 'call') return await this.call(statement.text, params, options);
        return await this.engine.run(statement, params, options);
      } finally {
        this.wrote(statement);
      }
    } catch (e) {
      // Every failure is one of our errors (issue 11), whatever went wrong inside.
      throw asBacklogSqlError(e);
    } finally {
      schema?.release();
    }
  }

  /**
   * REPLICATE [T [SELECT …]] (src/sync): into the destination of CacheConnection, else the DuckDB
   * file of CacheLocation. One result row per table: what its refresh read, wrote and deleted.
   */
  private async replicate(statement: ReplicateStatement, options: QueryOptions): Promise<QueryResult> {
    const started = performance.now();
    const before = this.api.stats();
    if (this.noLocalFiles) throw new SqlError("REPLICATE cannot run here: it writes to a database of the server's operator", undefined, { sqlstate: '42501' });
    const destination = this.config.cacheConnection ?? (this.config.cacheLocation ? `duckdb:${this.config.cacheLocation}` : undefined);
    if (!destination) {
      throw new ConfigError('REPLICATE needs a destination', 'CacheConnection', {
        hint: 'Set CacheConnection=postgres://USER@HOST:5432/DB (password from PGPASSWORD or ~/.pgpass), duckdb:PATH or parquet:FOLDER; or CacheLocation=PATH for a DuckDB file.',
      });
    }
    // Replication's modules load on the first REPLICATE: a program that only queries does not pay for them at startup.
    const { openDestination, parseTarget, replicate } = await import('../sync/index.js');
    const dest = await openDestination(parseTarget(destination, this.config.cacheConnection ? 'CacheConnection' : 'CacheLocation'));
    let report;
    try {
      report = await replicate(this, dest, { ...statement, ...(options.signal ? { signal: options.signal } : {}) });
    } finally {
      await dest.close();
    }
    const columns = [
      { name: 'Table', type: 'VARCHAR' },
      { name: 'Rule', type: 'VARCHAR' },
      { name: 'Mode', type: 'VARCHAR' },
      { name: 'Rows', type: 'BIGINT' },
      { name: 'Written', type: 'BIGINT' },
      { name: 'Deleted', type: 'BIGINT' },
      { name: 'Requests', type: 'BIGINT' },
    ];
    const rows = report.tables.map((t) => ({
      Table: t.table,
      Rule: t.rule,
      Mode: t.mode,
      Rows: t.rows,
      Written: t.written,
      Deleted: t.deleted,
      Requests: t.requests,
    }));
    return {
      command: 'REPLICATE',
      columns,
      rows: options.rowMode === 'array' ? rows.map((r) => columns.map((c) => r[c.name as keyof typeof r])) : rows,
      rowCount: rows.length,
      stats: statsSince(before, this.api.stats(), { fetches: [], warnings: report.warnings, started }),
    };
  }

  /** CACHE T [WHERE … | SELECT …] (src/cache/setup.ts). */
  private cacheStatement(statement: CacheStatement, options: QueryOptions): Promise<QueryResult> {
    const ctx = { registry: this.registry, api: this.api, cache: this.cache, noLocalFiles: this.noLocalFiles };
    return runCacheStatement(statement, { ...ctx, run: (sql, o) => this.engine.run(sql, undefined, o) }, options);
  }

  /**
   * CREATE / ALTER / DROP LOCAL VIEW: checked (the query is described over the empty schema
   * tables: no Backlog request), saved to the UserDefinedViews file, listed in sys_tables.
   */
  private async viewStatement(stmt: ViewStatement): Promise<QueryResult> {
    const started = performance.now();
    const before = this.api.stats();
    const warnings: string[] = [];
    const existing = this.userViews.get(stmt.name);
    if (stmt.verb === 'DROP') {
      if (!existing) {
        if (!stmt.ifExists)
          throw new SqlError(`user-defined view "${stmt.name}" does not exist`, undefined, {
            sqlstate: '42P01',
            hint: "SELECT TableName FROM sys_tables WHERE SchemaName = 'UserViews' lists them.",
          });
      } else this.userViews.delete(stmt.name);
    } else {
      if (stmt.verb === 'CREATE' && existing)
        throw new SqlError(`user-defined view "${existing.name}" already exists`, undefined, {
          sqlstate: '42P07',
          hint: `ALTER LOCAL VIEW ${existing.name} AS SELECT … replaces its query; DROP LOCAL VIEW removes it.`,
        });
      if (stmt.verb === 'ALTER' && !existing)
        throw new SqlError(`user-defined view "${stmt.name}" does not exist`, undefined, {
          sqlstate: '42P01',
          hint: `CREATE LOCAL VIEW ${stmt.name} AS SELECT … makes it.`,
        });
      if (this.registry.table(stmt.name) || this.registry.isLocal(stmt.name)) {
        throw new SqlError(`"${stmt.name}" is the name of a table`, undefined, { sqlstate: '42P07', hint: 'Give the view another name.' });
      }
      await this.describeColumns(stmt.query, undefined);
      this.userViews.set(existing?.name ?? stmt.name, stmt.query);
      if (!this.userViews.file)
        warnings.push(`view ${stmt.name} lasts for this connection only: set UserDefinedViews=path.json (or Location=folder) to keep it`);
    }
    await this.userViewsChanged();
    return { columns: [], rows: [], rowCount: 0, stats: statsSince(before, this.api.stats(), { fetches: [], warnings, started }) };
  }

  /** sys_tables' rows for the user-defined views (schema UserViews, as CData lists them). */
  async listUserViews(): Promise<void> {
    // sys_tables is made by the background schema setup.
    await this.schema?.ready();
    const conn = await this.duck.connect();
    try {
      await conn.run("DELETE FROM sys_tables WHERE SchemaName = 'UserViews'");
      await conn.run("DELETE FROM sys_tablecolumns WHERE SchemaName = 'UserViews'");
      for (const v of this.userViews.list()) {
        await conn.run('INSERT INTO sys_tables VALUES ($1, $2, $3, $4, $5, false, false)', [
          CATALOG_NAME,
          'UserViews',
          v.name,
          'VIEW',
          `User defined view: ${v.query}`,
        ]);
        // Its columns as DuckDB describes its query (no request); a view whose query no longer runs lists none.
        const columns = await this.describeColumns(`SELECT * FROM ${quoteIdent(v.name)}`, undefined).catch(() => []);
        for (const [i, c] of columns.entries()) {
          await conn.run(
            'INSERT INTO sys_tablecolumns (CatalogName, SchemaName, TableName, ColumnName, DataTypeName, DataType, IsNullable, Ordinal, IsAutoIncrement, IsGeneratedColumn, IsHidden, IsArray, IsReadOnly, IsKey, ColumnType) VALUES ($1, $2, $3, $4, $5, $6, true, $7, false, false, false, false, true, false, $8)',
            [CATALOG_NAME, 'UserViews', v.name, c.name, c.type, JDBC_TYPE_CODES[c.type] ?? 1111, i + 1, 'SYSTEM'],
          );
        }
      }
    } finally {
      conn.closeSync();
    }
  }

  /** EXEC / CALL: run a declared procedure (src/procedures). */
  private async call(sql: string, params: ParamValues, options: QueryOptions): Promise<QueryResult> {
    const started = performance.now();
    const before = this.api.stats();
    const warnings: string[] = [];
    const { def, rows } = await runProcedure(
      parseCall(sql, params),
      {
        oauth: this.oauth,
        signal: options.signal ?? NEVER_ABORTED,
        api: this.api,
        env: { timezone: this.space.timezone },
        myself: this.myself,
        noLocalFiles: this.noLocalFiles,
        warn: (m) => warnings.push(m),
      },
      { readonly: this.config.readonly },
    );
    const columns = def.results.map((c) => ({ name: c.name, type: c.type }));
    return {
      command: 'CALL',
      columns,
      rows: options.rowMode === 'array' ? rows.map((r) => columns.map((c) => r[c.name] ?? null)) : rows,
      rowCount: rows.length,
      stats: statsSince(before, this.api.stats(), { fetches: [], warnings, started }),
    };
  }

  /**
   * The result columns of a statement without running it (no Backlog request): a query's from
   * DuckDB over the empty schema tables, a write's from its RETURNING list (none without one), a
   * procedure's from its declaration. For wire protocols that describe before they execute.
   */
  async describe(sql: string, params?: ParamValues): Promise<QueryColumn[]> {
    try {
      if (this.closed) throw new ConnectionClosedError();
      checkStatement(sql);
      checkParams(params);
      await this.refreshUserViews();
      return await this.describeColumns(unqualifyPublic(sql), params);
    } catch (e) {
      throw asBacklogSqlError(e);
    }
  }

  private async describeColumns(sql: string, params: ParamValues): Promise<QueryColumn[]> {
    const statement = parseStatement(sql);
    // EXPLAIN [ANALYZE] answers with the plan's rows, whatever it explains.
    if (statement.kind === 'explain') return planColumns(statement.analyze);
    if (statement.kind === 'call') {
      const def = findProcedure(parseCall(sql, params ?? [], { lenient: true }).name);
      return def ? def.results.map((c) => ({ name: c.name, type: c.type })) : [];
    }
    let query = sql;
    if (statement.kind === 'dml') {
      const stmt = parseDml(numberParameters(statement.sql));
      if (!stmt.returning) return [];
      query = `SELECT ${stmt.returning.text} FROM ${quoteIdent(this.registry.table(stmt.table.name)?.name ?? stmt.table.name)}${stmt.alias ? ` AS ${quoteIdent(stmt.alias)}` : ''}`;
    }
    let described;
    try {
      described = await this.engine.run(`DESCRIBE ${query}`, params, { rowMode: 'array' });
    } catch (e) {
      // Positions count in the user's statement: without our DESCRIBE (in a write, at its RETURNING).
      if (!(e instanceof SqlError) || e.position === undefined) throw e;
      const inQuery = Math.max(1, e.position - 'DESCRIBE '.length);
      throw sqlErrorAt(e, query === sql ? inQuery : Math.min(sql.length + 1, (/\bRETURNING\b/i.exec(sql)?.index ?? 0) + 1));
    }
    return (described.rows as unknown[][]).map((row) => ({ name: String(row[0]), type: String(row[1]) }));
  }

  /**
   * What a table's `list` needs to read rows outside a statement (replication: src/sync), sharing
   * the engine's API client, time zone and project list.
   */
  fetchContext(signal: AbortSignal, warn: (message: string) => void, options: Parameters<Engine['fetchContext']>[2] = {}): FetchContext {
    if (this.closed) throw new ConnectionClosedError();
    return this.engine.fetchContext(signal, warn, options);
  }

  /** The stored procedures (names, parameters, result columns), for catalogs such as the pg server's. */
  procedures(): readonly ProcedureDef[] {
    return PROCEDURES;
  }

  /**
   * Rows one by one. A SELECT of one table row by row (no aggregate, ORDER BY, DISTINCT, OFFSET,
   * window, subquery or join) yields each page's rows as the page arrives, and stopping early
   * (break) requests no further page; any other statement is run whole first (ARCHITECTURE.md §5).
   */
  async *stream(sql: string, params?: ParamValues, options: QueryOptions = {}): AsyncIterable<Record<string, unknown>> {
    const schema = this.schema?.done === false ? this.schema : undefined;
    schema?.hold();
    try {
      if (this.closed) throw new ConnectionClosedError();
      checkStatement(sql);
      checkParams(params);
      await this.refreshUserViews();
      const statement = unqualified(parseStatement(sql));
      try {
        if (statement.kind === 'call') {
          yield* (await this.call(statement.text, params, { ...options, rowMode: 'object' })).rows as Record<string, unknown>[];
          return;
        }
        yield* this.engine.stream(statement, params, options);
      } finally {
        this.wrote(statement);
      }
    } catch (e) {
      // Every failure is one of our errors (issue 11), whatever went wrong inside.
      throw asBacklogSqlError(e);
    } finally {
      schema?.release();
    }
  }

  /** A write (even one that failed midway) makes the cached copies it touched stale for this connection. */
  private wrote(statement: Statement): void {
    if (!this.cache) return;
    if (statement.kind === 'call') this.cache.wrote(undefined, this.registry.tables);
    else if (statement.kind === 'dml') this.cache.wrote(writtenTable(statement), this.registry.tables);
    // SELECT … INTO a Backlog table is an INSERT … SELECT.
    else if (statement.kind === 'selectInto' && statement.into.target.kind === 'table') this.cache.wrote(statement.into.target.name, this.registry.tables);
  }

  /** The fetch plan of a statement without running it: endpoints, pushed filters, estimated requests. */
  async explain(sql: string, params?: ParamValues): Promise<QueryResult> {
    if (typeof sql !== 'string' || isExplain(sql)) return this.query(sql, params);
    try {
      return await this.query(`EXPLAIN ${sql}`, params);
    } catch (e) {
      // Positions count in the user's statement, without our EXPLAIN.
      throw e instanceof SqlError && e.position !== undefined ? sqlErrorAt(e, Math.max(1, e.position - 'EXPLAIN '.length)) : e;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The schema may still be being created: the instance closes after it (one never started is skipped).
    await this.schema?.settled();
    // Kept connections may still be dropping a statement's temporary tables (src/sql/conn-pool.ts).
    await settleConnections(this.duck);
    closeDuck(this.duck);
  }
}

/** Already an EXPLAIN (a statement that does not parse is not: the query reports its error). */
function isExplain(sql: string): boolean {
  try {
    return parseStatement(sql).kind === 'explain';
  } catch {
    return false;
  }
}

/** The statement with `public.` qualifiers taken out (parsed again only when it had any). */
function unqualified(statement: Statement): Statement {
  const text = unqualifyPublic(statement.text);
  return text === statement.text ? statement : parseStatement(text);
}

/** The Backlog table an INSERT / UPDATE / DELETE writes (undefined: not one we can tell, so every table). */
function writtenTable(statement: Statement): string | undefined {
  try {
    return parseDml(numberParameters(duckText(statement))).table.name;
  } catch {
    return undefined;
  }
}

/** Check credentials and find the space; errors say which property to fix. */
async function fetchSpace(api: ApiClient, config: ResolvedConfig): Promise<SpaceJson> {
  try {
    return await api.get<SpaceJson>('/space');
  } catch (e) {
    if (e instanceof AuthError && config.authScheme === 'OAuth') throw e;
    if (e instanceof AuthError) {
      throw new AuthError(`Backlog at ${config.url} refused the API key`, {
        hint: 'Check ApiKey (Personal Settings → API in Backlog) and that it belongs to a user of this space.',
        cause: e,
      });
    }
    if (e instanceof ApiError && e.status === 404) {
      throw new ConfigError(`no Backlog space answers at ${config.url}`, 'URL', {
        hint: 'Check URL: https://SPACEKEY.backlog.com, .backlog.jp, or your on-premise base URL.',
        cause: e,
      });
    }
    if (e instanceof NetworkError) {
      throw new NetworkError(`${e.message}`, { hint: 'Check URL, your network and ProxyServer/ProxyPort.', cause: e });
    }
    throw e;
  }
}

/** The tables with `Issues` extended by one column per custom field (IncludeCustomFields=true). */
async function withCustomFields(api: ApiClient): Promise<Registry> {
  const { issues, projects } = await issuesWithCustomFields(api, issuesTable);
  return new Registry(
    TABLES.map((t) => (t.name === 'Issues' ? issues : t)),
    { projects },
  );
}

/** Open a connection: `connect('URL=https://x.backlog.com;ApiKey=…')` or `connect({ URL, ApiKey })`. */
export async function connect(input: string | ConnectionProperties, options: ConnectOptions = {}): Promise<Connection> {
  try {
    return await open(input, options);
  } catch (e) {
    // Every failure is one of our errors (issue 11), whatever went wrong inside.
    throw asBacklogSqlError(e);
  }
}

async function open(input: string | ConnectionProperties, options: ConnectOptions): Promise<Connection> {
  const { config, warnings } = resolveConfig(input, options.env ?? process.env);
  // A bad views file is a configuration error before anything is opened.
  const userViews = UserViews.load(userViewsFile(config));
  const logfile = config.logfile ? openLogfile(config.logfile, config.verbosity) : undefined;
  for (const w of warnings) {
    options.onWarning?.(w);
    logfile?.warning(w);
  }
  const transport = {
    ...(config.proxy
      ? {
          proxy: {
            server: `${config.proxy.protocol}://${config.proxy.server}`,
            port: config.proxy.port,
            ...(config.proxy.user ? { user: config.proxy.user } : {}),
            ...(config.proxy.password ? { password: config.proxy.password } : {}),
          },
        }
      : {}),
    // The config has already read and checked the certificate (PEM text).
    ...(config.sslServerCert ? { tls: { ca: config.sslServerCert } } : {}),
  };
  let oauth: OAuthSession | undefined;
  if (config.authScheme === 'OAuth') {
    const sessionOptions: OAuthSessionOptions = {
      env: options.env ?? process.env,
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
      ...(options.onAuthorizationUrl ? { onAuthorizationUrl: options.onAuthorizationUrl } : {}),
      ...(options.openBrowser ? { openBrowser: options.openBrowser } : {}),
      ...(options.oauthTimeoutMs !== undefined ? { oauthTimeoutMs: options.oauthTimeoutMs } : {}),
      ...(options.refreshMarginMs !== undefined ? { refreshMarginMs: options.refreshMarginMs } : {}),
      ...(options.onRefreshEvent || logfile
        ? {
            onRefreshEvent: (e: AuthRefreshEvent) => {
              options.onRefreshEvent?.(e);
              logfile?.auth(e);
            },
          }
        : {}),
    };
    // The OAuth modules load only for OAuth connections.
    const { OAuthSession } = await import('../auth/session.js');
    oauth = await OAuthSession.open(config, sessionOptions);
  }
  const env = options.env ?? process.env;
  const online = new BacklogClient({
    baseUrl: config.url,
    // One rate-limit budget per key for every process of this user on the machine (issue 11).
    budget: sharedBudget(dirname(defaultSettingsPath(env))),
    ...(oauth
      ? {
          user: `oauth:${createHash('sha256')
            .update(`${config.oauth.settingsLocation ?? ''}|${config.oauth.clientId ?? ''}`)
            .digest('hex')
            .slice(0, 16)}`,
        }
      : {}),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
    ...(oauth ? { accessToken: oauth.provider.accessToken, onUnauthorized: oauth.provider.onUnauthorized } : {}),
    ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
    ...(config.pageSize !== undefined ? { pageSize: config.pageSize } : {}),
    ...(transport.proxy || transport.tls ? { transport } : {}),
    ...(logfile ? { logger: (event: ApiEvent) => logfile.api(event) } : {}),
  });
  // Offline=true: no request at all, not even GET /space; the client refuses every one.
  const api = config.offline ? offlineClient(online) : online;
  // The query cache (src/cache); Offline: the space and user as the last online connection stored them.
  const cachePlan = await planCache(config, env, {
    ...(options.noExternalAccess ? { noExternalAccess: true } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    warn: (w) => {
      options.onWarning?.(w);
      logfile?.warning(w);
    },
  });
  const offline = cachePlan.offline;
  // Signed out (OAuth, InitiateOAuth=OFF, no token): no request can succeed, so none is made;
  // a query that needs Backlog fails with the provider's "not signed in" error naming the flows.
  const signedOut = oauth !== undefined && !oauth.signedIn;
  const spaceAsked: Promise<{ spaceKey: string; name: string; timezone: string }> = offline
    ? Promise.resolve(offline.space)
    : signedOut
      ? Promise.resolve({ spaceKey: '', name: '', timezone: 'UTC' })
      : fetchSpace(api, config);
  // The DuckDB instance is created while the space is on its way (it waits for the time zone).
  // The time zone is awaited only once the instance exists: a refused key must not surface meanwhile
  // as an unhandled rejection (it is reported below, from `await spaceAsked`).
  const timezone = spaceAsked.then((s) => s.timezone);
  timezone.catch(() => undefined);
  const duckMade = createDuck({ timezone, ...(options.noExternalAccess ? { noExternalAccess: true } : {}) });
  duckMade.catch(() => undefined);
  let space: Awaited<typeof spaceAsked>;
  try {
    space = await spaceAsked;
  } catch (e) {
    // The instance closes itself when the time zone does not come: wait for that, then report.
    await duckMade.catch(() => undefined);
    throw e;
  }
  let registry: Registry;
  try {
    registry = config.includeCustomFields && !signedOut && !offline ? await withCustomFields(api) : new Registry(TABLES);
  } catch (e) {
    await duckMade.then(closeDuck, () => undefined);
    throw e;
  }
  const duck = await duckMade;
  const cache = cachePlan.open(duck);
  const system = systemTables({
    tables: registry.tables,
    connectionProps: connectionPropsTable(config),
    productVersion: productVersion(),
    spaceUrl: config.url,
    procedures: procedureMetadata(),
  });
  for (const sys of system) registry.addLocal(sys.name);
  // Created in the background once the connection is idle: a statement does not wait for it unless it needs it.
  const schema = startSchemaSetup(duck, registry.tables, system);
  let myselfPromise: Promise<Myself> | undefined;
  const myself = () => (myselfPromise ??= offline ? Promise.resolve(offline.myself) : api.get<Myself>('/users/myself'));
  const engine = new Engine({
    api,
    registry,
    duck,
    env: { timezone: space.timezone },
    pushdown: config.pushdown,
    maxRows: config.maxRows >= 0 ? config.maxRows : undefined,
    timeoutMs: config.timeoutMs,
    // `all=true` lets an administrator reach projects they have not joined (Backlog ignores it
    // for other roles); the Projects table asks the same way, so both see the same projects.
    projects: (signal) => api.get<ProjectRef[]>('/projects', { all: true }, { signal }),
    myself,
    readonly: config.readonly,
    session: new WriteSession(),
    schema,
    userViews,
    cache,
  });
  const connection = new Connection(
    config,
    api,
    space,
    duck,
    engine,
    registry,
    warnings,
    myself,
    oauth,
    options.noExternalAccess === true,
    schema,
    userViews,
    cache,
  );
  cache.source = connection;
  if (userViews.list().length > 0) await connection.listUserViews();
  return connection;
}
