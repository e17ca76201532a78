/**
 * Retry policy as data (NET-1..NET-5 of docs/reliability.md B5, ARCHITECTURE.md §8): which
 * failures are retried for which kind of method, and how long to wait before the next attempt.
 * Pure functions of their inputs (the clock and the random source are parameters), so a unit
 * test checks exact delays.
 */

/** How one attempt failed, as far as the policy cares. */
export type Failure =
  | { kind: 'status'; status: number }
  /** The connection was never established (refused, temporary DNS failure, proxy tunnel refused): nothing was sent. */
  | { kind: 'refused' }
  /** The host name does not resolve: retrying will not help. */
  | { kind: 'unresolved' }
  /** The proxy refused our credentials (407): nothing reached the server, retrying will not help. */
  | { kind: 'proxyAuth' }
  /** The TLS handshake failed on the server's certificate: nothing was sent, retrying will not help. */
  | { kind: 'untrusted' }
  /** The connection closed or reset after the request may have been sent, before an answer. */
  | { kind: 'dropped' }
  /** No answer within the per-request timeout. */
  | { kind: 'timeout' };

/** GET/HEAD read; POST/PATCH/PUT/DELETE write (the brief puts PUT with the writes: Backlog's PUTs change data). */
export type MethodClass = 'read' | 'write';

/** `retry`: try again; `fail`: raise the error; `unknown`: a write that may have been applied (WriteOutcomeUnknownError). */
export type Decision = 'retry' | 'fail' | 'unknown';

export function methodClass(method: string): MethodClass {
  return method === 'GET' || method === 'HEAD' ? 'read' : 'write';
}

/**
 * NET-1..NET-3. Rows not listed fail at once: 400, 401 (see ClientOptions.onUnauthorized), 403,
 * 404, 409, 410, 422 and every other 4xx. A 429 is the one status on which a write is re-sent:
 * Backlog refuses it before processing. 408 says the server gave up reading the request, so a
 * write was not applied either: it fails with the 408 rather than being re-sent or reported
 * unknown.
 */
export const RETRY_POLICY: Readonly<Record<string, Readonly<Record<MethodClass, Decision>>>> = {
  '408': { read: 'retry', write: 'fail' },
  '429': { read: 'retry', write: 'retry' },
  '500': { read: 'retry', write: 'unknown' },
  '502': { read: 'retry', write: 'unknown' },
  '503': { read: 'retry', write: 'unknown' },
  '504': { read: 'retry', write: 'unknown' },
  /** Any other 5xx: the server may have done the work. */
  '5xx': { read: 'fail', write: 'unknown' },
  refused: { read: 'retry', write: 'retry' },
  unresolved: { read: 'fail', write: 'fail' },
  untrusted: { read: 'fail', write: 'fail' },
  proxyAuth: { read: 'fail', write: 'fail' },
  dropped: { read: 'retry', write: 'unknown' },
  timeout: { read: 'retry', write: 'unknown' },
};

export function decide(method: string, failure: Failure): Decision {
  const key = failure.kind === 'status' ? String(failure.status) : failure.kind;
  const row = RETRY_POLICY[key] ?? (failure.kind === 'status' && failure.status >= 500 ? RETRY_POLICY['5xx'] : undefined);
  return row?.[methodClass(method)] ?? 'fail';
}

export interface BackoffPolicy {
  /** First backoff ceiling (NET-4: 500 ms); doubles per attempt. */
  baseMs: number;
  /** Largest backoff ceiling (NET-4: 30 s). */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 30_000 };

/** Exponential backoff with full jitter: uniform in [0, min(cap, base·2^(attempt−1))). */
export function backoffMs(attempt: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  return Math.floor(random() * Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1)));
}

/** A wait the server asked for. */
export interface ServerWait {
  /** How long to sleep (the server's delay plus our margin where NET-4 asks for one). */
  ms: number;
  /** The server's delay alone, compared with `maxRetryAfter` (NET-5). */
  announcedMs: number;
  /** True when measured against the `Date` header, which has one-second resolution. */
  fromDate: boolean;
}

/**
 * The server's own clock: the response's `Date` header, so that a skewed local clock does not
 * matter (ARCHITECTURE.md §8). Without one, the local clock at the time of the answer.
 */
export function serverNow(headers: Headers, localNow: number): { at: number; fromDate: boolean } {
  const date = Date.parse(headers.get('date') ?? '');
  return Number.isFinite(date) ? { at: date, fromDate: true } : { at: localNow, fromDate: false };
}

/**
 * NET-4's first two choices: `Retry-After` (seconds or an HTTP-date), else `X-RateLimit-Reset`
 * plus `marginMs` — the latter only when the budget is exhausted (a 429, or remaining 0), as a
 * reset time on a 503 says nothing about when the server recovers. Undefined: use backoff.
 */
export function serverWait(status: number, headers: Headers, localNow: number, marginMs: number): ServerWait | undefined {
  const server = serverNow(headers, localNow);
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    const ms = /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : Date.parse(retryAfter) - server.at;
    if (Number.isFinite(ms)) {
      const wait = Math.max(0, ms);
      return { ms: wait, announcedMs: wait, fromDate: !/^\d+$/.test(retryAfter) && server.fromDate };
    }
  }
  const reset = Number(headers.get('x-ratelimit-reset') ?? NaN);
  const exhausted = status === 429 || headers.get('x-ratelimit-remaining')?.trim() === '0';
  if (exhausted && Number.isFinite(reset) && reset > 0) {
    const announcedMs = Math.max(0, reset * 1000 - server.at);
    return { ms: announcedMs + marginMs, announcedMs, fromDate: server.fromDate };
  }
  return undefined;
}

/**
 * NET-5: a server-given wait above `maxRetryAfterMs` is refused. The `Date` header's one-second
 * resolution can make a delay look up to a second longer than the server meant, so that second
 * is not held against it (Backlog's window is exactly 60 s, the default maximum).
 */
export function exceedsMax(wait: ServerWait, maxRetryAfterMs: number): boolean {
  return wait.announcedMs > maxRetryAfterMs + (wait.fromDate ? 1000 : 0);
}
