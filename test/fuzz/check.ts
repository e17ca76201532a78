/**
 * What the fuzz suite holds every failure to (issue 11): one of our error classes (a
 * BacklogSqlError subclass, never the InternalError safety net), with a code, a position inside
 * the statement for syntax errors, and none of our internal wrapper text; and an answer at all
 * (a watchdog per input: no hangs).
 */
import { BacklogSqlError, InternalError, SqlError } from '../../src/errors.js';

/** Text that only our internals produce: seeing it in a message means a wrapper leaked. */
const INTERNAL_TEXT =
  /Failed to (extract statements|bind value|retrieve bind parameter)|Cannot create values of type|Cannot convert undefined|json_serialize_sql|json_deserialize_sql|__backlog_sql|__set\d|TypeError|RangeError|SyntaxError|ReferenceError|Cannot read properties|is not a function|undefined is not|\bat [\w.]+ \(|node_modules/;

/** Why `e` is not an acceptable failure for `sql`; undefined when it is. */
export function foreign(e: unknown, sql?: string): string | undefined {
  if (!(e instanceof BacklogSqlError)) return `not a BacklogSqlError: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  if (e instanceof InternalError || e.code === 'INTERNAL') return `an internal error: ${e.message}`;
  if (e.constructor === BacklogSqlError) return `the base class, not a subclass: ${e.message}`;
  if (!e.code) return 'no code';
  if (INTERNAL_TEXT.test(e.message) || INTERNAL_TEXT.test(e.hint ?? '') || INTERNAL_TEXT.test(e.detail ?? ''))
    return `internal text in the message: ${e.message}`;
  if (sql !== undefined && e instanceof SqlError && e.code === 'SQL_SYNTAX') {
    if (e.position === undefined) return `a syntax error without a position: ${e.message}`;
    if (e.position < 1 || e.position > sql.length + 1) return `a position (${e.position}) outside the statement (${sql.length} characters): ${e.message}`;
  }
  return undefined;
}

export const WATCHDOG_MS = 20_000;

/**
 * `run` with a watchdog: 'hang' when it neither resolves nor rejects within WATCHDOG_MS (the abort
 * is signalled then, so the work stops). Wall time is measured, so a blocked event loop counts.
 */
export async function watched<T>(run: (signal: AbortSignal) => Promise<T>): Promise<{ value?: T; error?: unknown; hang?: boolean; ms: number }> {
  const ac = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), WATCHDOG_MS);
  });
  try {
    const outcome = await Promise.race([
      run(ac.signal).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      hang,
    ]);
    const ms = performance.now() - started;
    if (outcome === 'hang' || ms > WATCHDOG_MS) {
      ac.abort();
      return { hang: true, ms };
    }
    return { ...outcome, ms };
  } finally {
    clearTimeout(timer);
  }
}
