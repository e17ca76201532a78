/**
 * NET-6: the rate-limit budget per space, user and category, learned from the X-RateLimit-*
 * headers of every answer. When a category has nothing left, the next request in it waits for the
 * reset instead of drawing a 429. Backlog counts per user, not per key (backlog-api.md §5), so one
 * budget is shared by every client of the process that names the same space and user, and —
 * through ./shared-budget.ts — by every process on the machine.
 */
import { serverNow } from './retry.js';

/** What the server last said of one window of one category. */
export interface BudgetWindow {
  /** Requests left in the window, as the server last said; undefined when not known. */
  remaining: number | undefined;
  /** X-RateLimit-Limit, when given. */
  limit?: number | undefined;
  /** The server's reset time (epoch seconds): identifies the window. */
  reset: number;
  /** The local time after which the window is over: the earlier of `byReset` and `byOpener`. */
  resetAt: number;
  /** The reset measured against `Date`, plus margin (local time); `resetAt` when absent (an older state file). */
  byReset?: number | undefined;
  /**
   * Backlog's minute counted from this process's own answer to the window's first request (local
   * time), when such an answer was seen: the window opened before that answer came back.
   */
  byOpener?: number | undefined;
  /** Local time of the last answer that described this window. */
  seen?: number | undefined;
}

/**
 * Backlog's window: one minute from the window's first request (backlog-api.md §5; the
 * announcement's "requests will be accepted a minute later"). Only this length is trusted to be
 * exact; any other window (a shortened emulator window) is paced by its reported reset.
 */
export const BACKLOG_WINDOW_MS = 60_000;
/**
 * Added to a window end counted from our own answer: clock slew between the server's and ours over
 * a minute (NTP slews at most 0.5 ms/s: 30 ms), and timer granularity.
 */
export const OPENER_SLACK_MS = 100;

/** The end of the window in local time, from what is known: the earlier of the two bounds. */
export function windowEnd(w: Pick<BudgetWindow, 'resetAt' | 'byReset' | 'byOpener'>): number {
  const byReset = w.byReset ?? w.resetAt;
  return w.byOpener === undefined ? byReset : Math.min(byReset, w.byOpener);
}

/** Something a budget wants its users told, once per episode (a new episode: a new warning). */
export interface BudgetWarning {
  episode: number;
  message: string;
}

/** A rate-limit budget the client draws on: this process's own, or one shared between processes (./shared-budget.ts). */
export interface Budget {
  readonly marginMs: number;
  /**
   * Reserve one request in `key` at local time `now`. Resolves to 0 when reserved (call `settle`
   * after the answer), else how long to wait before asking again.
   */
  reserve(key: string, now: number): number | Promise<number>;
  /** Record the answer to a reserved request (`headers` undefined when none came). */
  settle(key: string, headers: Headers | undefined, now: number): void | Promise<void>;
  /** Set while the budget works in a degraded way its users should hear of (the shared file unusable). */
  warning?(): BudgetWarning | undefined;
}

/** How long before one more request may go with `inFlight` already let through; 0: now. */
export function waitFor(w: BudgetWindow, inFlight: number, now: number): number {
  if (w.remaining !== undefined && now >= windowEnd(w)) w.remaining = undefined;
  if (w.remaining !== undefined && w.remaining - inFlight <= 0) return Math.max(1, windowEnd(w) - now);
  return 0;
}

/**
 * The local time by which the window surely ended, when this answer is the answer to the window's
 * first request (remaining = limit − 1) of a one-minute window: the request reached the server
 * before its answer came back (`now`), so the window ends before `now` + one minute. The reset is
 * checked to agree (a minute after the answer's `Date`, to within the two one-second roundings),
 * so a server with another window, or with a reset we cannot read, keeps the reset-based end.
 */
function openerBound(headers: Headers, remaining: number, limit: number, reset: number, now: number): number | undefined {
  if (!Number.isFinite(limit) || remaining !== limit - 1) return undefined;
  const date = Date.parse(headers.get('date') ?? '');
  if (!Number.isFinite(date)) return undefined;
  const ahead = reset * 1000 - date;
  if (ahead <= BACKLOG_WINDOW_MS - 2000 || ahead >= BACKLOG_WINDOW_MS + 2000) return undefined;
  return now + BACKLOG_WINDOW_MS + OPENER_SLACK_MS;
}

/** Take in an answer's X-RateLimit-* headers. */
export function observe(w: BudgetWindow, headers: Headers | undefined, now: number, marginMs: number): void {
  const remaining = Number(headers?.get('x-ratelimit-remaining') ?? NaN);
  const reset = Number(headers?.get('x-ratelimit-reset') ?? NaN);
  if (!headers || !Number.isFinite(remaining) || !Number.isFinite(reset)) return;
  const limit = Number(headers.get('x-ratelimit-limit') ?? NaN);
  // Another limit (lowered under load, or another server at this address) means the window we
  // knew no longer describes the server: this answer is the truth.
  const limitChanged = Number.isFinite(limit) && w.limit !== undefined && limit !== w.limit;
  if (Number.isFinite(limit)) w.limit = limit;
  const opener = openerBound(headers, remaining, limit, reset, now);
  if (!limitChanged && w.remaining !== undefined) {
    // Answers can arrive out of order: an answer from an older window says nothing about the
    // current one — unless the window we knew is over (the server's clock went back, or what we
    // knew came from another server): then this answer describes the server now.
    if (reset < w.reset && now < windowEnd(w)) return;
    // Within one window the smallest remaining is the truth, and the earliest proven end.
    if (reset === w.reset) {
      w.remaining = Math.min(w.remaining, remaining);
      if (opener !== undefined) w.byOpener = Math.min(w.byOpener ?? Infinity, opener);
      w.resetAt = windowEnd(w);
      w.seen = now;
      return;
    }
  }
  w.remaining = remaining;
  w.reset = reset;
  w.byReset = now + Math.max(0, reset * 1000 - serverNow(headers, now).at) + marginMs;
  w.byOpener = opener;
  w.resetAt = windowEnd(w);
  w.seen = now;
}

interface Window extends BudgetWindow {
  /** Requests let through whose answers have not come back: they may use the remaining budget. */
  inFlight: number;
}

export class RateBudget implements Budget {
  private readonly windows = new Map<string, Window>();

  /** `marginMs` is added to every reset, as the server may round its reset time down. */
  constructor(readonly marginMs = 1000) {}

  reserve(key: string, now: number): number {
    let w = this.windows.get(key);
    if (!w) {
      w = { remaining: undefined, reset: 0, resetAt: 0, inFlight: 0 };
      this.windows.set(key, w);
    }
    const wait = waitFor(w, w.inFlight, now);
    if (wait === 0) w.inFlight++;
    return wait;
  }

  settle(key: string, headers: Headers | undefined, now: number): void {
    const w = this.windows.get(key);
    if (!w) return;
    w.inFlight = Math.max(0, w.inFlight - 1);
    observe(w, headers, now, this.marginMs);
  }

  /** What the budget knows of `key`: remaining (undefined when unknown), the limit and the local reset time. */
  peek(key: string): { remaining: number | undefined; limit: number | undefined; resetAt: number } {
    const w = this.windows.get(key);
    return { remaining: w?.remaining, limit: w?.limit, resetAt: w?.resetAt ?? 0 };
  }
}

/** The process-wide budget: clients of one space and user share it. */
export const PROCESS_BUDGET = new RateBudget();

export function budgetKey(space: string, user: string, category: string): string {
  return `${space}\n${user}\n${category}`;
}
