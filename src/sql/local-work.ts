/**
 * The bounds of a statement's local work (DuckDB evaluating the SQL, rows converted to JS): the
 * caller's AbortSignal and the connection's Timeout. Either interrupts DuckDB at once (its own
 * interrupt, checked between vectors) and stops the JS conversion at its next slice
 * (./result.ts), so a cancel or a timeout is honoured within a fraction of a second.
 */
import { CancelledError, TimeoutError } from '../errors.js';
import type { DuckDBConnection } from './duckdb.js';

export class LocalWork {
  private timedOut = false;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly onAbort: () => void;

  constructor(
    private readonly conn: DuckDBConnection,
    /** The caller's signal; undefined: nothing can cancel (a signal no one holds need not be listened to). */
    private readonly signal: AbortSignal | undefined,
    /** Timeout in ms; 0 or undefined: none. */
    private readonly timeoutMs: number | undefined,
  ) {
    this.onAbort = () => conn.interrupt();
    signal?.addEventListener('abort', this.onAbort);
    if (timeoutMs) {
      this.timer = setTimeout(() => {
        this.timedOut = true;
        conn.interrupt();
      }, timeoutMs);
      this.timer.unref();
    }
  }

  /** Throws when the work must stop: CancelledError or TimeoutError. */
  readonly checkpoint = (): void => {
    if (this.signal?.aborted) throw new CancelledError();
    if (this.timedOut) throw this.timeoutError();
  };

  /** A DuckDB failure caused by our interrupt, as the error that caused it; undefined otherwise. */
  stopped(): CancelledError | TimeoutError | undefined {
    if (this.signal?.aborted) return new CancelledError();
    if (this.timedOut) return this.timeoutError();
    return undefined;
  }

  dispose(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    if (this.timer) clearTimeout(this.timer);
  }

  private timeoutError(): TimeoutError {
    return new TimeoutError(`the statement ran longer than Timeout (${Math.round((this.timeoutMs ?? 0) / 1000)} s) evaluating its result`, {
      hint: 'Narrow the query (fewer rows or columns), or raise Timeout (seconds, 0 for none).',
    });
  }
}
