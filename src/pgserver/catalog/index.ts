/**
 * The wire server's catalog (ARCHITECTURE.md §12): one PostgreSQL engine per `serve`, holding the
 * connection's schema, and for each wire client its own engine connection — logged in as the
 * client's user, to the database it asked for — so session functions, settings and
 * `pg_backend_pid()` are the client's own and one client's slow catalog query never waits for
 * another's. Every catalog statement runs in a read-only transaction under a statement timeout.
 */
import { connect as netConnect } from 'node:net';
import type { Connection } from '../../core/connection.js';
import { quoteIdent, schemaColumns, schemaStatements, userViewStatements } from './ddl.js';
import { CatalogEngine } from './engine.js';
import type { PgClient } from './pgclient.js';
import { type RawAnswer, type RawParams } from './pgclient.js';
import { route, type Route } from './route.js';

export { PgServerError } from './pgclient.js';
export type { RawAnswer, RawParams } from './pgclient.js';
export { substitute, withOurVersion, type SessionValues } from './route.js';

/** A catalog statement that runs longer is cancelled (57014). */
export const CATALOG_STATEMENT_TIMEOUT_MS = 10_000;

/** ParameterStatus values that are the engine's, not the role's or the connection's (is_superuser, application_name are). */
const ENGINE_WIDE_STATUS: ReadonlySet<string> = new Set([
  'server_version',
  'server_encoding',
  'client_encoding',
  'datestyle',
  'intervalstyle',
  'integer_datetimes',
  'timezone',
  'standard_conforming_strings',
]);

type Log = (level: 'info' | 'warn' | 'error', message: string, error?: unknown) => void;

/** What a view in the catalog was made from: when it changes, the view is made again. */
function viewStamp(query: string, columns: { name: string; type: string }[]): string {
  return JSON.stringify([query, columns.map((c) => [c.name, c.type])]);
}

export class CatalogService {
  /** The user-defined views the engine holds: name → what they were made from (query and columns). */
  private views = new Map<string, string>();
  /** The last change of the engine's views (they follow the connection's: `viewsReady`). */
  private viewSync: Promise<void> = Promise.resolve();
  private unsubscribe: () => void = () => undefined;

  private constructor(
    private readonly engine: CatalogEngine,
    private readonly connection: Connection,
    private readonly log?: Log,
  ) {}

  static async start(connection: Connection, log?: Log): Promise<CatalogService> {
    const columns = await schemaColumns(connection);
    const engine = await CatalogEngine.start({ schema: schemaStatements(connection, columns), log });
    const service = new CatalogService(engine, connection, log);
    for (const v of connection.userViews.list()) service.views.set(v.name, viewStamp(v.query, columns.tables.get(v.name) ?? []));
    // Views created, altered or dropped later (CREATE LOCAL VIEW on this connection, or another
    // process's, read from the UserDefinedViews file) reach psql's \dv and JDBC's getTables too.
    service.unsubscribe = connection.onUserViewsChange(() => {
      service.viewSync = service.viewSync.then(() => service.syncViews());
    });
    return service;
  }

  /**
   * Resolves once the engine holds the connection's user-defined views as they are now (after
   * reading the views file again if it changed): the wire session waits for this before a statement.
   */
  async viewsReady(): Promise<void> {
    await this.connection.refreshUserViews();
    await this.viewSync;
  }

  /** Make the engine's user-defined views the connection's: drop the gone or changed, create the new. */
  private async syncViews(): Promise<void> {
    try {
      const wanted = new Map<string, { stamp: string; statements: string[] }>();
      for (const v of this.connection.userViews.list()) {
        // A view whose query no longer runs (a table renamed…) is left out of the catalog, as sys_tables lists no columns for it.
        const columns = await this.connection.describe(`SELECT * FROM ${quoteIdent(v.name)}`).catch(() => undefined);
        if (columns) wanted.set(v.name, { stamp: viewStamp(v.query, columns), statements: userViewStatements(v.name, columns, v.query) });
      }
      // Every view made again is dropped first (IF EXISTS): after a change that failed halfway the
      // engine may hold it or not, and the next change still applies.
      const drop = (name: string) => `DROP VIEW IF EXISTS public.${quoteIdent(name)}`;
      const statements: string[] = [];
      for (const name of this.views.keys()) if (!wanted.has(name)) statements.push(drop(name));
      for (const [name, w] of wanted) if (this.views.get(name) !== w.stamp) statements.push(drop(name), ...w.statements);
      await this.engine.changeSchema(statements);
      this.views = new Map([...wanted].map(([name, w]) => [name, w.stamp]));
    } catch (e) {
      this.log?.('error', "could not update the catalog's user-defined views", e);
    }
  }

  /** PostgreSQL's server_version (the server advertises it). */
  get version(): string {
    return this.engine.version;
  }

  get startMs(): number {
    return this.engine.startMs;
  }

  /** The engine's process (for the bench's memory figures). */
  get enginePid(): number | undefined {
    return this.engine.pid;
  }

  route(sql: string): Route {
    const { registry, userViews } = this.connection;
    // User-defined views (UserDefinedViews) are the data engine's too.
    return route(sql, { isBacklogRelation: (name) => registry.table(name) !== undefined || registry.isLocal(name) || userViews.get(name) !== undefined });
  }

  /** Throws the FATAL error PostgreSQL would give this login (reserved role, unknown database), without connecting. */
  checkLogin(user: string, database: string): void {
    this.engine.checkLogin(user, database);
  }

  /**
   * The engine's settings every client's connection reports alike (server_version is
   * PostgreSQL's real one), for the ParameterStatus of a login made before its engine connection.
   */
  get status(): ReadonlyMap<string, string> {
    return new Map([...this.engine.status].filter(([k]) => ENGINE_WIDE_STATUS.has(k.toLowerCase())));
  }

  async open(user: string, database: string, params: Record<string, string>): Promise<CatalogSession> {
    const client = await this.engine.connect(user, database, params);
    return new CatalogSession(client, this.engine.socketPath);
  }

  close(): Promise<void> {
    this.unsubscribe();
    this.engine.close();
    return this.engine.closed();
  }
}

export class CatalogSession {
  constructor(
    private readonly client: PgClient,
    private readonly socketPath: string,
  ) {}

  /** The engine backend's process id: the client's BackendKeyData and pg_backend_pid(). */
  get pid(): number {
    return this.client.pid;
  }

  /** Settings the engine reported (server_version, integer_datetimes…). */
  get status(): ReadonlyMap<string, string> {
    return this.client.status;
  }

  /**
   * Run a client's statement read-only; the answer keeps PostgreSQL's own messages. The timeout is
   * ours (a cancel request when it passes), not statement_timeout, which the client would see in
   * SHOW and pg_settings.
   */
  async run(sql: string, params: RawParams | undefined): Promise<RawAnswer> {
    const timer = setTimeout(() => this.cancel(), CATALOG_STATEMENT_TIMEOUT_MS);
    try {
      return await this.client.run(sql, params, { before: 'BEGIN READ ONLY', after: 'ROLLBACK' });
    } finally {
      clearTimeout(timer);
    }
  }

  /** ParameterDescription and RowDescription (or NoData) of a statement. */
  describe(sql: string, types: number[]): Promise<RawAnswer> {
    return this.client.run(sql, { types, formats: [], values: [], resultFormats: [] }, { before: 'BEGIN READ ONLY', after: 'ROLLBACK', describeOnly: true });
  }

  /** A SET or RESET the client sent: PostgreSQL checks the name and value. */
  async set(sql: string): Promise<void> {
    await this.client.simple(sql);
  }

  /** Cancel the running catalog statement (PostgreSQL's CancelRequest on a new connection). */
  cancel(): void {
    const packet = Buffer.alloc(16);
    packet.writeInt32BE(16, 0);
    packet.writeInt32BE(80877102, 4);
    packet.writeInt32BE(this.client.pid, 8);
    packet.writeInt32BE(this.client.secret, 12);
    const socket = netConnect({ path: this.socketPath }, () => socket.end(packet));
    socket.on('error', () => undefined);
  }

  close(): void {
    this.client.close();
  }
}
