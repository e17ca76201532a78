/**
 * backlog-sql: query a Nulab Backlog space with SQL.
 *
 * @example
 * ```ts
 * import { connect } from 'backlog-sql';
 * const db = await connect('URL=https://example.backlog.com;ApiKey=…');
 * const { rows, stats } = await db.query('SELECT IssueKey, Summary FROM Issues WHERE ProjectKey = ? LIMIT 10', ['WEB']);
 * await db.close();
 * ```
 */
export { connect, Connection } from './core/connection.js';
export type { ConnectOptions, QueryResult, QueryOptions, QueryColumn, QueryStats, WriteProgress } from './core/connection.js';
export type { FetchReport } from './sql/engine.js';
export type { ConnectionProperties } from './config/options.js';
export type { AuthScheme, InitiateOAuth } from './config/properties.js';
export type { AuthRefreshEvent } from './auth/token-provider.js';
export type { ServeOptions, PgServer } from './pgserver/index.js';
import type { ServeOptions, PgServer } from './pgserver/index.js';

/**
 * Start the PostgreSQL wire server (ARCHITECTURE.md §2). Its modules load on the first call: a
 * program that only queries does not pay for them at startup.
 */
export async function serve(options: ServeOptions): Promise<PgServer> {
  const { serve: start } = await import('./pgserver/index.js');
  return start(options);
}
export {
  BacklogSqlError,
  ConfigError,
  AuthError,
  OAuthError,
  ApiError,
  RateLimitError,
  NetworkError,
  TimeoutError,
  CancelledError,
  ConnectionClosedError,
  InternalError,
  SqlError,
  UnsupportedError,
  WriteOutcomeUnknownError,
  WritePartlyDoneError,
  isBacklogSqlError,
  type ErrorCode,
  type ErrorOptions,
  type BacklogErrorItem,
  type WriteReport,
  type WriteReportRow,
} from './errors.js';
