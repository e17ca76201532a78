/**
 * How the CLI shows an error and which exit code it means (ARCHITECTURE.md §2). One block on stderr, in
 * psql's shape so people and scripts recognise it:
 *
 *     ERROR:  syntax error at or near "FORM"
 *     LINE 1: SELECT * FORM Issues
 *                      ^
 *     HINT:  …
 *
 * Our own errors never show a stack trace; anything else is a bug and says so in one line.
 */
import { ApiError, BacklogSqlError, ConfigError, RateLimitError, SqlError } from '../errors.js';
import { UsageError } from './usage-error.js';
import { ExitCode } from './exit-codes.js';
import { displayWidth } from './format.js';

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof UsageError) return ExitCode.Usage;
  if (!(error instanceof BacklogSqlError)) return ExitCode.SqlError;
  switch (error.code) {
    case 'CONFIG':
      return ExitCode.Usage;
    case 'AUTH':
    case 'OAUTH':
      return ExitCode.Authentication;
    case 'API':
    case 'NETWORK':
    case 'TIMEOUT':
      return ExitCode.ApiOrNetwork;
    case 'RATE_LIMIT':
      return ExitCode.RateLimit;
    case 'CANCELLED':
      return ExitCode.Interrupted;
    case 'WRITE_PARTIAL':
    case 'WRITE_OUTCOME_UNKNOWN':
      return ExitCode.WritePartlyDone;
    default:
      return ExitCode.SqlError;
  }
}

/** Where the failing statement came from, so LINE numbers match the user's file. */
export interface ErrorContext {
  /** The statement text as sent (positions count in it). */
  sql?: string;
  /** Line of the source (file, piped input) where `sql` starts; 1 by default. */
  firstLine?: number;
}

/** Lines longer than this are cut to a window around the caret, as psql does. */
const MAX_SHOWN = 76;

/**
 * `LINE n: <text>` and a caret under the 1-based character `position` of `sql`. A position just
 * past the end (an unexpected end of input) marks the end of the last line.
 */
export function caretLines(sql: string, position: number, firstLine = 1): string[] {
  const before = sql.slice(0, Math.max(0, position - 1));
  const lineIndex = before.split('\n').length - 1;
  const lines = sql.split('\n');
  let text = (lines[lineIndex] ?? '').replace(/\r$/, '').replace(/\t/g, ' ');
  let col = (before.split('\n').pop() ?? '').replace(/\t/g, ' ');
  if (text.length > MAX_SHOWN) {
    // Keep the caret in view: cut from the left first, then from the right.
    const start = Math.max(0, Math.min(col.length - Math.floor(MAX_SHOWN / 2), text.length - MAX_SHOWN));
    const end = Math.min(text.length, start + MAX_SHOWN);
    const head = start > 0 ? '...' : '';
    const tail = end < text.length ? '...' : '';
    col = head + col.slice(start);
    text = head + text.slice(start, end) + tail;
  }
  const prefix = `LINE ${firstLine + lineIndex}: `;
  return [prefix + text, ' '.repeat(prefix.length + displayWidth(col)) + '^'];
}

/** Secrets that may sit in a message from outside our error classes (URLs with a key). */
function scrub(text: string): string {
  return text.replace(/\b(apiKey|access_token|refresh_token|client_secret|password)=([^&;\s"']+)/gi, '$1=***');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The error block for stderr, ending in a newline. */
export function renderError(error: unknown, context: ErrorContext = {}): string {
  if (error instanceof UsageError) return `backlog-sql: ${error.message}\nRun 'backlog-sql --help' for usage.\n`;
  if (!(error instanceof BacklogSqlError) || error.code === 'INTERNAL') {
    const message = error instanceof Error ? error.message : String(error);
    return `ERROR:  internal error: ${scrub(oneLine(message))} (this is a bug in backlog-sql: please report it with the statement that caused it)\n`;
  }
  const out = [`ERROR:  ${scrub(error.message)}`];
  if (error instanceof SqlError && error.position !== undefined && context.sql !== undefined && error.position >= 1) {
    out.push(...caretLines(context.sql, error.position, context.firstLine));
  }
  if (error instanceof ConfigError && error.property !== undefined && !error.message.includes(error.property)) {
    out.push(`DETAIL:  connection property ${error.property}`);
  }
  if (error instanceof ApiError) out.push(`DETAIL:  Backlog answered ${error.status} to ${error.method} ${scrub(error.path)}`);
  if (error instanceof RateLimitError && error.resetAt !== undefined) {
    out.push(`DETAIL:  the rate limit resets at ${new Date(error.resetAt).toISOString()}`);
  }
  if (error.detail) out.push(`DETAIL:  ${scrub(error.detail)}`);
  if (error.hint) out.push(`HINT:  ${scrub(error.hint)}`);
  return out.join('\n') + '\n';
}
