/**
 * The progress line on stderr for a statement that runs longer than a second (ARCHITECTURE.md §2): elapsed
 * time, Backlog requests so far and rate-limit waits, so a long scan visibly moves and a pacer
 * wait does not look like a hang. Only when stderr is a terminal; cleared when the statement ends,
 * so nothing of it stays in the output.
 */
import type { ApiStats } from '../api/types.js';

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

export interface ProgressOptions {
  /** Nothing is shown before this (default 1000 ms). */
  delayMs?: number;
  /** How often the counters are read (default 200 ms). */
  intervalMs?: number;
  /** Rows so far, when the caller knows them. */
  rows?: () => number | undefined;
  /** A phrase shown after the elapsed time (a write's "UPDATE Issues: 17 of 500 rows"). */
  detail?: () => string | undefined;
}

export interface Progress {
  stop(): void;
}

const NO_PROGRESS: Progress = { stop() {} };

/** The text of the line for counters since the statement started. */
export function progressText(elapsedMs: number, now: ApiStats, before: ApiStats, rows?: number, detail?: string): string {
  const requests = now.requests - before.requests;
  const parts = [`${(elapsedMs / 1000).toFixed(1)} s`];
  if (detail) parts.push(detail);
  if (rows !== undefined) parts.push(`${rows} ${rows === 1 ? 'row' : 'rows'}`);
  const byCategory = (Object.keys(now.byCategory) as (keyof ApiStats['byCategory'])[])
    .map((k) => [k, now.byCategory[k] - before.byCategory[k]] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  parts.push(`${requests} ${requests === 1 ? 'request' : 'requests'}${byCategory.length > 1 ? ` (${byCategory.join(', ')})` : ''}`);
  const waits = now.rateLimitWaits - before.rateLimitWaits;
  if (waits > 0) parts.push(`${waits} rate-limit ${waits === 1 ? 'wait' : 'waits'} (${((now.rateLimitWaitMs - before.rateLimitWaitMs) / 1000).toFixed(1)} s)`);
  const retries = now.retries - before.retries;
  if (retries > 0) parts.push(`${retries} ${retries === 1 ? 'retry' : 'retries'}`);
  return `${parts.join(' · ')} · Ctrl-C cancels`;
}

/** Start watching; call `stop()` when the statement ends (idempotent). */
export function startProgress(api: { stats(): ApiStats }, stream: ProgressStream, options: ProgressOptions = {}): Progress {
  if (!stream.isTTY) return NO_PROGRESS;
  const delayMs = options.delayMs ?? 1000;
  const intervalMs = options.intervalMs ?? 200;
  const started = performance.now();
  const before = api.stats();
  let shown = false;
  let interval: NodeJS.Timeout | undefined;
  const draw = () => {
    const width = Math.max(20, (stream.columns || 80) - 1);
    const text = progressText(performance.now() - started, api.stats(), before, options.rows?.(), options.detail?.());
    // Carriage return and erase-line redraw in place; cut to the terminal so it never wraps.
    stream.write(`\r\x1b[2K${text.length > width ? text.slice(0, width - 1) + '…' : text}`);
    shown = true;
  };
  const delay = setTimeout(() => {
    draw();
    interval = setInterval(draw, intervalMs);
    interval.unref();
  }, delayMs);
  delay.unref();
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(delay);
      if (interval) clearInterval(interval);
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
