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
export { serve, type ServeOptions, type PgServer } from './pgserver/index.js';
export {
  BacklogSqlError,
  ConfigError,
  AuthError,
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
  type WriteReport,
  type WriteReportRow,
} from './errors.js';
