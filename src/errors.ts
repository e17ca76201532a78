/**
 * One error base class with a `code`, one subclass per kind (ARCHITECTURE.md §4). SQLSTATE and exit codes
 * are mapped only at the edges (cli/, pgserver/): see `sqlstateOf` and cli/exit-codes.ts.
 * Messages never contain secrets: build them from redacted values only (util/redact.ts).
 */

export type ErrorCode =
  | 'CONFIG'
  | 'AUTH'
  | 'OAUTH'
  | 'API'
  | 'RATE_LIMIT'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'CANCELLED'
  | 'SQL_SYNTAX'
  | 'SQL'
  | 'UNSUPPORTED'
  | 'WRITE_PARTIAL'
  | 'WRITE_OUTCOME_UNKNOWN'
  | 'CONNECTION_CLOSED'
  | 'INTERNAL';

export interface ErrorOptions {
  cause?: unknown;
  /** A full sentence: what to do about it. */
  hint?: string;
  /** Full sentences of detail (PostgreSQL's DETAIL): e.g. which rows a write reached. */
  detail?: string;
}

export class BacklogSqlError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.detail = options.detail;
    this.name = new.target.name;
  }
}

export function isBacklogSqlError(e: unknown): e is BacklogSqlError {
  return e instanceof BacklogSqlError;
}

/** A connection property or option is wrong; `property` names it. */
export class ConfigError extends BacklogSqlError {
  constructor(
    message: string,
    readonly property?: string,
    options: ErrorOptions = {},
  ) {
    super('CONFIG', message, options);
  }
}

/** The credentials were refused (401), or are missing. */
export class AuthError extends BacklogSqlError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('AUTH', message, options);
  }
}

/**
 * An OAuth step failed: the token endpoint's RFC 6749 error (`error`: invalid_grant,
 * access_denied…), a callback that never came, a port in use. Messages carry no token or secret.
 */
export class OAuthError extends BacklogSqlError {
  constructor(
    message: string,
    /** RFC 6749 error code when the server gave one, else our own (timeout, port_in_use…). */
    readonly error: string,
    options: ErrorOptions = {},
  ) {
    super('OAUTH', message, options);
  }
}

/** Backlog's error item (docs/backlog-api.md §6). */
export interface BacklogErrorItem {
  message: string;
  code: number;
  moreInfo?: string;
}

/** Backlog answered with an error status. */
export class ApiError extends BacklogSqlError {
  constructor(
    message: string,
    readonly status: number,
    readonly errors: BacklogErrorItem[],
    readonly method: string,
    /** The request path without credentials. */
    readonly path: string,
    options: ErrorOptions = {},
  ) {
    super('API', message, options);
  }

  /** Backlog's error code of the first item (6 no resource, 5 forbidden, 7 bad request…). */
  get backlogCode(): number | undefined {
    return this.errors[0]?.code;
  }
}

/** Over the rate limit and the wait would exceed the allowed maximum. */
export class RateLimitError extends BacklogSqlError {
  constructor(
    message: string,
    /** When the budget resets (epoch ms), if known. */
    readonly resetAt: number | undefined,
    options: ErrorOptions = {},
  ) {
    super('RATE_LIMIT', message, options);
  }
}

export class NetworkError extends BacklogSqlError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('NETWORK', message, options);
  }
}

export class TimeoutError extends BacklogSqlError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('TIMEOUT', message, options);
  }
}

export class CancelledError extends BacklogSqlError {
  constructor(message = 'the statement was cancelled', options: ErrorOptions = {}) {
    super('CANCELLED', message, options);
  }
}

/** SQL that does not parse, or names something that does not exist; `position` is 1-based. */
export class SqlError extends BacklogSqlError {
  constructor(
    message: string,
    readonly position?: number,
    options: ErrorOptions & { syntax?: boolean; sqlstate?: string } = {},
  ) {
    super(options.syntax ? 'SQL_SYNTAX' : 'SQL', message, options);
    this.sqlstate = options.sqlstate ?? (options.syntax ? '42601' : '42000');
  }
  readonly sqlstate: string;
}

/** A copy of `e` pointing at `position` instead (a SqlError's position is set when it is made). */
export function sqlErrorAt(e: SqlError, position: number | undefined): SqlError {
  return new SqlError(e.message, position, {
    sqlstate: e.sqlstate,
    syntax: e.code === 'SQL_SYNTAX',
    ...(e.hint ? { hint: e.hint } : {}),
    ...(e.detail ? { detail: e.detail } : {}),
    cause: e.cause,
  });
}

export class UnsupportedError extends BacklogSqlError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('UNSUPPORTED', message, options);
  }
}

/** The connection was closed (by `close()`): open a new one. */
export class ConnectionClosedError extends BacklogSqlError {
  constructor(message = 'the connection is closed', options: ErrorOptions = {}) {
    super('CONNECTION_CLOSED', message, { hint: 'Open a new connection with connect().', ...options });
  }
}

/**
 * A failure no other class describes: a defect in backlog-sql, never the user's input (the fuzz
 * suite in test/fuzz holds every input to that). The original error is its `cause`.
 */
export class InternalError extends BacklogSqlError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('INTERNAL', message, options);
  }
}

/** Any thrown value as one of our errors: ours as they are, anything else as an InternalError. */
export function asBacklogSqlError(e: unknown): BacklogSqlError {
  if (e instanceof BacklogSqlError) return e;
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new InternalError(`internal error: ${text.split('\n')[0] ?? ''}`, { cause: e });
}

/** What became of each row of a write statement (ARCHITECTURE.md §6); also in sys_identity. */
export interface WriteReport {
  operation: 'INSERT' | 'UPDATE' | 'DELETE';
  table: string;
  rows: WriteReportRow[];
}

export interface WriteReportRow {
  /** 1-based position among the rows the statement meant to write. */
  row: number;
  /** The row's key (generated id for a written INSERT); null when not known. */
  id: string | null;
  outcome: 'written' | 'unchanged' | 'failed' | 'unknown' | 'not attempted';
  /** Why it failed, or what is unknown; null for written rows. */
  message: string | null;
}

/** A write (POST/PATCH/DELETE) that may have reached the server: never re-sent (NET-2). */
export class WriteOutcomeUnknownError extends BacklogSqlError {
  /** Set when a statement stopped on this write: every row's fate. */
  report: WriteReport | undefined;

  constructor(message: string, options: ErrorOptions & { report?: WriteReport } = {}) {
    super('WRITE_OUTCOME_UNKNOWN', message, options);
    this.report = options.report;
  }
}

/** A write statement stopped after writing some rows: Backlog has no transactions to undo them. */
export class WritePartlyDoneError extends BacklogSqlError {
  constructor(
    message: string,
    readonly report: WriteReport,
    options: ErrorOptions = {},
  ) {
    super('WRITE_PARTIAL', message, options);
  }
}

/** SQLSTATE for an error, for the pg server (PostgreSQL's codes). */
export function sqlstateOf(e: unknown): string {
  if (e instanceof SqlError) return e.sqlstate;
  if (!(e instanceof BacklogSqlError)) return 'XX000';
  switch (e.code) {
    case 'CONFIG':
      return '08001';
    case 'AUTH':
    case 'OAUTH':
      return '28000';
    case 'RATE_LIMIT':
      return '53400';
    case 'CANCELLED':
      return '57014';
    case 'CONNECTION_CLOSED':
      return '08003';
    case 'NETWORK':
    case 'TIMEOUT':
      return '08006';
    case 'UNSUPPORTED':
      return '0A000';
    case 'WRITE_OUTCOME_UNKNOWN':
      return '40003';
    case 'WRITE_PARTIAL':
      // PostgreSQL has no state for "partly applied"; 40003 (statement completion unknown) is the
      // nearest class a client checks, and the DETAIL lists exactly what was written.
      return '40003';
    case 'API':
      return '58000';
    default:
      return 'XX000';
  }
}
