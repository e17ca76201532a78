/**
 * The Backlog HTTP client (ARCHITECTURE.md §8): global fetch (or undici with a proxy / custom CA, see
 * ./transport.ts), API key or Bearer token, JSON decoding, Backlog's error body → ApiError,
 * paging helpers and request statistics.
 *
 * Reliability rules NET-1..NET-10 (docs/reliability.md B5, amended by ARCHITECTURE.md §6/§8):
 * the retry policy is data in ./retry.ts, the rate-limit budget lives in ./budget.ts, writes go out
 * one at a time and reads through a small gate (./gate.ts). Every attempt is one request in the
 * statistics, so they match the server's journal.
 */
import { NEVER_ABORTED } from '../util/never-aborted.js';
import { createHash } from 'node:crypto';
import {
  ApiError,
  AuthError,
  CancelledError,
  NetworkError,
  RateLimitError,
  TimeoutError,
  WriteOutcomeUnknownError,
  BacklogSqlError,
  type BacklogErrorItem,
} from '../errors.js';
import { redact } from '../util/redact.js';
import { budgetKey, PROCESS_BUDGET, type Budget } from './budget.js';
import { Gate } from './gate.js';
import { backoffMs, decide, DEFAULT_BACKOFF, exceedsMax, methodClass, serverWait, type BackoffPolicy, type Failure } from './retry.js';
import { transportFetch, type TransportOptions } from './transport.js';
import type { ApiClient, ApiStats, BinaryResponse, KeysetOptions, PageOptions, Params, RequestCategory, RequestOptions, UploadFile } from './types.js';

/** What the client reports to an optional logger; paths carry no credentials. */
export type ApiEvent =
  | {
      type: 'api.request';
      method: string;
      path: string;
      category: RequestCategory;
      /** Undefined when no answer came (refused, dropped, timed out). */
      status: number | undefined;
      ms: number;
      attempt: number;
      /** X-RateLimit-Remaining of the answer. */
      remaining: number | undefined;
    }
  | { type: 'api.retry'; method: string; path: string; attempt: number; reason: string; delayMs: number }
  | { type: 'api.wait'; method: string; path: string; category: RequestCategory; delayMs: number; resetAt: number }
  /** Logged at every verbosity: the client works in a degraded way (the shared rate-limit file unusable). */
  | { type: 'api.warning'; message: string };

export interface ClientOptions {
  /** Space base URL, e.g. https://example.backlog.com (no trailing slash). */
  baseUrl: string;
  /** Credentials: an API key, or a function giving the current OAuth access token. */
  apiKey?: string;
  accessToken?: () => Promise<string>;
  /**
   * Called once on a 401 (TOK-9's single refresh): when it resolves true the request is sent
   * again once with fresh credentials; a second 401 is an AuthError.
   */
  onUnauthorized?: () => Promise<boolean>;
  /** Per-request timeout in ms (0 or absent = none). */
  timeoutMs?: number;
  /** Items per list request (the Pagesize property); absent = each endpoint's largest page. */
  pageSize?: number;
  /** Attempts per request, the first included (NET-1: 3). */
  maxAttempts?: number;
  /** Longest server-given wait accepted, ms (NET-5: 60 s); longer fails with RateLimitError. */
  maxRetryAfterMs?: number;
  /** Added to an X-RateLimit-Reset wait (NET-4: 1 s). */
  resetMarginMs?: number;
  backoff?: BackoffPolicy;
  /** Reads in flight at once (NET-7: small). Writes always go one at a time. */
  readConcurrency?: number;
  /**
   * Who the rate limit counts against (Backlog counts per user): `connect` passes the user id.
   * Default: a fingerprint of the API key, or 'oauth'.
   */
  user?: string;
  /** Shared by default across the process (NET-6); `connect` passes one shared across processes. */
  budget?: Budget;
  /** Proxy and TLS (ProxyServer…, SSLServerCert); ignored when `fetch` is given. */
  transport?: TransportOptions;
  fetch?: typeof fetch;
  logger?: (event: ApiEvent) => void;
  /** Injectable for tests: local clock (epoch ms), sleep (must end early on abort), jitter source. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

const SEARCH_PATHS = new Set(['/issues', '/issues/count', '/wikis', '/wikis/count']);

export function categoryFor(method: string, path: string): RequestCategory {
  if (method !== 'GET') return 'update';
  if (SEARCH_PATHS.has(path)) return 'search';
  if (/\/(icon|image)$/.test(path)) return 'icon';
  return 'read';
}

/** `/issues/123/comments` → `/issues/:id/comments`, for per-endpoint statistics. */
export function endpointOf(method: string, path: string): string {
  return `${method} ${path.replace(/\/[A-Z][A-Z0-9_]*-\d+(?=\/|$)/g, '/:key').replace(/\/\d+(?=\/|$)/g, '/:id')}`;
}

export function encodeParams(params: Params | undefined, into = new URLSearchParams()): URLSearchParams {
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) into.append(name, String(v));
    else into.append(name, String(value));
  }
  return into;
}

function emptyStats(): ApiStats {
  return {
    requests: 0,
    byCategory: { read: 0, update: 0, search: 0, icon: 0 },
    byEndpoint: {},
    retries: 0,
    rateLimitWaits: 0,
    rateLimitWaitMs: 0,
    warnings: [],
  };
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller then throws CancelledError). */
function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A multipart/form-data body, encoded once: a retry after a 429 sends the same bytes. */
class MultipartBody {
  constructor(
    readonly bytes: Uint8Array,
    readonly contentType: string,
  ) {}
}

/**
 * One answer, body read in full inside the attempt (so the timeout covers it): as text, except for
 * a download's bytes. Text is read straight from the socket's bytes; reading bytes first copied each
 * page once more (undici's `arrayBuffer()` copies) before decoding it (issue 13, per page).
 */
interface Reply {
  status: number;
  headers: Headers;
  body: string | Buffer;
}

/** Error codes on the cause chain of a failed fetch (undici wraps socket errors, sometimes in an AggregateError). */
function errorCodes(e: unknown, depth = 0): string[] {
  if (!(e instanceof Error) || depth > 4) return [];
  const code = (e as { code?: unknown }).code;
  const own = typeof code === 'string' ? [code] : [];
  const nested = e instanceof AggregateError ? e.errors.flatMap((x: unknown) => errorCodes(x, depth + 1)) : [];
  return [...own, ...nested, ...errorCodes(e.cause, depth + 1)];
}

function messages(e: unknown, depth = 0): string {
  return e instanceof Error && depth <= 4 ? `${e.message}\n${messages(e.cause, depth + 1)}` : '';
}

function failureOf(e: unknown): Failure {
  if (e instanceof Error && e.name === 'TimeoutError') return { kind: 'timeout' };
  // undici reports a failed proxy tunnel only in its message ("Proxy response (407) !== 200…").
  const proxyStatus = /Proxy response \((\d{3})\)/.exec(messages(e))?.[1];
  if (proxyStatus) return proxyStatus === '407' ? { kind: 'proxyAuth' } : { kind: 'refused' };
  const codes = errorCodes(e);
  if (codes.includes('ENOTFOUND')) return { kind: 'unresolved' };
  if (codes.some((c) => c.includes('CERT') || c.startsWith('ERR_TLS') || c.startsWith('UNABLE_TO_'))) return { kind: 'untrusted' };
  if (codes.some((c) => c === 'ECONNREFUSED' || c === 'EAI_AGAIN' || c === 'EHOSTUNREACH' || c === 'ENETUNREACH')) return { kind: 'refused' };
  return { kind: 'dropped' };
}

function describe(failure: Failure): string {
  switch (failure.kind) {
    case 'status':
      return `HTTP ${failure.status}`;
    case 'refused':
      return 'connection refused';
    case 'unresolved':
      return 'host name not found';
    case 'untrusted':
      return 'server certificate not trusted';
    case 'proxyAuth':
      return 'proxy authentication required';
    case 'dropped':
      return 'connection closed before an answer';
    case 'timeout':
      return 'timed out';
  }
}

function errorItems(body: string | Buffer): BacklogErrorItem[] {
  try {
    const parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8')) as { errors?: BacklogErrorItem[] };
    return Array.isArray(parsed.errors) ? parsed.errors : [];
  } catch {
    return [];
  }
}

export class BacklogClient implements ApiClient {
  readonly baseUrl: string;
  readonly pageSize: number | undefined;
  private counters = emptyStats();
  private readonly fetchImpl: typeof fetch;
  private readonly host: string;
  private readonly user: string;
  private readonly budget: Budget;
  private readonly writes = new Gate(1);
  private readonly reads: Gate;
  private readonly now: () => number;
  private readonly sleepImpl: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly maxAttempts: number;
  private readonly maxRetryAfterMs: number;
  private readonly resetMarginMs: number;
  /** The budget warning episode last reported. */
  private budgetEpisode = 0;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.pageSize = options.pageSize;
    this.host = new URL(this.baseUrl).host;
    this.fetchImpl = options.fetch ?? (options.transport ? transportFetch(options.transport) : undefined) ?? fetch;
    this.user = options.user ?? (options.apiKey ? `key:${createHash('sha256').update(options.apiKey).digest('hex').slice(0, 16)}` : 'oauth');
    this.budget = options.budget ?? PROCESS_BUDGET;
    this.reads = new Gate(Math.max(1, options.readConcurrency ?? 2));
    this.now = options.now ?? Date.now;
    this.sleepImpl = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
    this.resetMarginMs = options.resetMarginMs ?? 1000;
  }

  get requestCount(): number {
    return this.counters.requests;
  }

  stats(): ApiStats {
    // A copy field by field: every statement takes two snapshots, and structuredClone's
    // serializer cost more than the rest of a `SELECT 1`'s JavaScript.
    const c = this.counters;
    return {
      requests: c.requests,
      byCategory: { ...c.byCategory },
      byEndpoint: { ...c.byEndpoint },
      retries: c.retries,
      rateLimitWaits: c.rateLimitWaits,
      rateLimitWaitMs: c.rateLimitWaitMs,
      ...(c.warnings ? { warnings: [...c.warnings] } : {}),
    };
  }

  resetStats(): void {
    this.counters = emptyStats();
  }

  private secrets(): string[] {
    return this.options.apiKey ? [this.options.apiKey] : [];
  }

  private async pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) throw new CancelledError();
    await this.sleepImpl(ms, signal);
    if (signal?.aborted) throw new CancelledError();
  }

  private request(
    method: string,
    path: string,
    params: Params | undefined,
    form: Params | MultipartBody | undefined,
    options: RequestOptions,
    binary = false,
  ): Promise<Reply> {
    const gate = methodClass(method) === 'write' ? this.writes : this.reads;
    return gate.run(() => this.withRetries(method, path, params, form, options, binary), options.signal);
  }

  private async withRetries(
    method: string,
    path: string,
    params: Params | undefined,
    form: Params | MultipartBody | undefined,
    options: RequestOptions,
    binary: boolean,
  ): Promise<Reply> {
    const category = options.category ?? categoryFor(method, path);
    const key = budgetKey(this.baseUrl, this.user, category);
    const query = method === 'GET' ? encodeParams(params).toString() : '';
    // The path as errors and logs show it, redacted only when one needs it (most requests need neither).
    let shownText: string | undefined;
    const shown = (): string => (shownText ??= redact(query ? `${path}?${query}` : path, this.secrets()));
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      await this.waitForBudget(key, category, method, shown, options);
      const started = this.now();
      this.count(category, endpointOf(method, path));
      let reply: Reply | undefined;
      let failure: Failure;
      // A write, once sent, is not aborted by a cancel: it runs to its answer (or its timeout), so
      // the caller knows whether it was applied; waits before sending still end on a cancel.
      const write = methodClass(method) === 'write';
      try {
        reply = await this.sendOnce(method, path, query, form, write ? undefined : options.signal, binary);
        failure = { kind: 'status', status: reply.status };
      } catch (e) {
        await this.budget.settle(key, undefined, this.now());
        if (options.signal?.aborted && !write) throw new CancelledError();
        // Our own errors (an OAuth token that cannot be had) are not transport failures.
        if (e instanceof BacklogSqlError) throw e;
        failure = failureOf(e);
      }
      if (reply) await this.budget.settle(key, reply.headers, this.now());
      const remaining = Number(reply?.headers.get('x-ratelimit-remaining') ?? NaN);
      this.options.logger?.({
        type: 'api.request',
        method,
        path: shown(),
        category,
        status: reply?.status,
        ms: this.now() - started,
        attempt,
        remaining: Number.isFinite(remaining) ? remaining : undefined,
      });
      if (reply && reply.status < 300) return reply;

      if (reply?.status === 401 && this.options.onUnauthorized && !refreshed) {
        refreshed = true;
        if (await this.options.onUnauthorized()) {
          attempt--;
          continue;
        }
      }
      const decision = decide(method, failure);
      if (decision === 'unknown') {
        throw new WriteOutcomeUnknownError(`${method} ${shown()} may or may not have been applied (${describe(failure)})`, {
          hint: 'Check in Backlog whether the change was made before running the statement again.',
        });
      }
      if (decision === 'fail' || attempt >= this.maxAttempts) throw this.errorFor(failure, reply, method, shown(), category);

      const now = this.now();
      const given = reply ? serverWait(reply.status, reply.headers, now, this.resetMarginMs) : undefined;
      const delayMs = given?.ms ?? backoffMs(attempt, this.random, this.options.backoff ?? DEFAULT_BACKOFF);
      const tooLong = (given !== undefined && exceedsMax(given, this.maxRetryAfterMs)) || (options.deadline !== undefined && now + delayMs > options.deadline);
      if (tooLong) {
        throw failure.kind === 'status' && failure.status === 429
          ? this.rateLimitError(category, now + delayMs)
          : this.errorFor(failure, reply, method, shown(), category);
      }
      this.counters.retries++;
      if (reply?.status === 429) {
        this.counters.rateLimitWaits++;
        this.counters.rateLimitWaitMs += delayMs;
      }
      this.options.logger?.({ type: 'api.retry', method, path: shown(), attempt, reason: describe(failure), delayMs });
      await this.pause(delayMs, options.signal);
    }
  }

  /** NET-6: wait while the category's budget is used up (NET-5 limits apply to this wait too). */
  private async waitForBudget(key: string, category: RequestCategory, method: string, shown: () => string, options: RequestOptions): Promise<void> {
    for (;;) {
      if (options.signal?.aborted) throw new CancelledError();
      const now = this.now();
      const delayMs = await this.budget.reserve(key, now);
      this.noteBudgetWarning();
      if (delayMs === 0) return;
      // The budget's reset carries its margin and the Date header's rounding second: forgiven here as in exceedsMax.
      if (delayMs > this.maxRetryAfterMs + this.budget.marginMs + 1000 || (options.deadline !== undefined && now + delayMs > options.deadline)) {
        throw this.rateLimitError(category, now + delayMs);
      }
      this.counters.rateLimitWaits++;
      this.counters.rateLimitWaitMs += delayMs;
      this.options.logger?.({ type: 'api.wait', method, path: shown(), category, delayMs, resetAt: now + delayMs });
      await this.pause(delayMs, options.signal);
    }
  }

  /** A budget that works degraded says so once per episode: in the statement's warnings and the log. */
  private noteBudgetWarning(): void {
    const warning = this.budget.warning?.();
    if (!warning || warning.episode === this.budgetEpisode) return;
    this.budgetEpisode = warning.episode;
    const warnings = (this.counters.warnings ??= []);
    if (warnings.length < 100) warnings.push(warning.message);
    this.options.logger?.({ type: 'api.warning', message: warning.message });
  }

  private async sendOnce(
    method: string,
    path: string,
    query: string,
    form: Params | MultipartBody | undefined,
    caller: AbortSignal | undefined,
    binary: boolean,
  ): Promise<Reply> {
    const search = new URLSearchParams();
    if (this.options.apiKey) search.set('apiKey', this.options.apiKey);
    const qs = [search.toString(), query].filter(Boolean).join('&');
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (!this.options.apiKey && this.options.accessToken) headers.Authorization = `Bearer ${await this.options.accessToken()}`;
    let body: string | Uint8Array | undefined;
    if (form instanceof MultipartBody) {
      body = form.bytes;
      headers['Content-Type'] = form.contentType;
    } else if (methodClass(method) === 'write') {
      body = encodeParams(form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    // One signal for the fetch and the body read: the caller's abort or our timeout. A timer of
    // our own, cleared when the answer is in: `AbortSignal.timeout` left a 60 s timer and a
    // finalization record behind every request, and `AbortSignal.any` weak references, all of
    // which the garbage collector then had to walk (issue 13, per page).
    const given = caller === NEVER_ABORTED ? undefined : caller;
    const timeoutMs = this.options.timeoutMs;
    const controller = timeoutMs ? new AbortController() : undefined;
    let timedOut = false;
    const timer = controller
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
        }, timeoutMs).unref()
      : undefined;
    const onCallerAbort = controller && given ? () => controller.abort(given.reason) : undefined;
    if (onCallerAbort) {
      if (given?.aborted) onCallerAbort();
      else given?.addEventListener('abort', onCallerAbort, { once: true });
    }
    const signal = controller?.signal ?? given;
    try {
      const res = await this.fetchImpl(`${this.baseUrl}/api/v2${path}${qs ? `?${qs}` : ''}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(signal ? { signal } : {}),
      });
      return { status: res.status, headers: res.headers, body: binary ? Buffer.from(await res.arrayBuffer()) : await res.text() };
    } catch (e) {
      if (timedOut) throw Object.assign(new Error('timed out'), { name: 'TimeoutError' });
      throw e;
    } finally {
      clearTimeout(timer);
      if (onCallerAbort) given?.removeEventListener('abort', onCallerAbort);
    }
  }

  private count(category: RequestCategory, endpoint: string): void {
    this.counters.requests++;
    this.counters.byCategory[category]++;
    this.counters.byEndpoint[endpoint] = (this.counters.byEndpoint[endpoint] ?? 0) + 1;
  }

  private rateLimitError(category: RequestCategory, resetAt: number): RateLimitError {
    return new RateLimitError(`the ${category} rate limit is used up until ${new Date(resetAt).toISOString()}`, resetAt, {
      hint: 'Wait until then, narrow the query so it needs fewer requests, or allow a longer wait (maxRetryAfter).',
    });
  }

  private errorFor(failure: Failure, reply: Reply | undefined, method: string, shown: string, category: RequestCategory): BacklogSqlError {
    switch (failure.kind) {
      case 'refused':
        return new NetworkError(`cannot connect to ${this.host}: connection refused`, {
          hint: 'Check the URL and that the server (or the proxy) is reachable.',
        });
      case 'unresolved':
        return new NetworkError(`cannot resolve host ${this.host}`, { hint: 'Check the space name in URL (https://SPACE.backlog.com or .backlog.jp).' });
      case 'proxyAuth':
        return new NetworkError(`the proxy refused the credentials (407) for ${this.host}`, { hint: 'Check ProxyUser and ProxyPassword.' });
      case 'untrusted':
        return new NetworkError(`the certificate of ${this.host} is not trusted`, {
          hint: 'For a server with a private certificate, set SSLServerCert to its PEM certificate (or the file holding it).',
        });
      case 'dropped':
        return new NetworkError(`the connection to ${this.host} closed before Backlog answered ${method} ${shown}`);
      case 'timeout':
        return new TimeoutError(`Backlog did not answer ${method} ${shown} within ${this.options.timeoutMs} ms`, {
          hint: 'Raise Timeout (seconds, 0 for none) or narrow the query.',
        });
      case 'status':
        break;
    }
    const errors = reply ? errorItems(reply.body) : [];
    const first = redact(errors[0]?.message ?? `HTTP ${failure.status}`, this.secrets());
    if (failure.status === 401) {
      return new AuthError(`Backlog refused the credentials (${first})`, { hint: 'Check ApiKey (or the OAuth token) and that it belongs to this space.' });
    }
    if (failure.status === 429 && reply) {
      const wait = serverWait(429, reply.headers, this.now(), this.resetMarginMs);
      return this.rateLimitError(category, this.now() + (wait?.ms ?? 0));
    }
    return new ApiError(`Backlog answered ${failure.status} to ${method} ${shown}: ${first}`, failure.status, errors, method, shown);
  }

  private parseJson<T>(reply: Reply, method: string, path: string): T {
    const text = typeof reply.body === 'string' ? reply.body : reply.body.toString('utf8');
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(
        `Backlog answered ${method} ${redact(path, this.secrets())} with a body that is not JSON`,
        reply.status,
        [],
        method,
        redact(path, this.secrets()),
      );
    }
  }

  async get<T>(path: string, params?: Params, options: RequestOptions = {}): Promise<T> {
    return this.parseJson<T>(await this.request('GET', path, params, undefined, options), 'GET', path);
  }

  async getBinary(path: string, params?: Params, options: RequestOptions = {}): Promise<BinaryResponse> {
    const reply = await this.request('GET', path, params, undefined, options, true);
    const disposition = reply.headers.get('content-disposition') ?? '';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
    const plain = /filename="([^"]*)"/i.exec(disposition)?.[1];
    return {
      data: typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body,
      filename: star ? decodeURIComponent(star) : (plain ?? path.split('/').pop() ?? 'download'),
      contentType: reply.headers.get('content-type') ?? 'application/octet-stream',
    };
  }

  async send<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, form?: Params, options: RequestOptions = {}): Promise<T> {
    const reply = await this.request(method, path, undefined, form, options);
    return reply.status === 204 ? (undefined as T) : this.parseJson<T>(reply, method, path);
  }

  async upload<T>(path: string, file: UploadFile, options: RequestOptions = {}): Promise<T> {
    // The platform's FormData encodes the part (boundary, UTF-8 file name); the bytes are taken
    // once so any fetch (the global one or undici's, see ./transport.ts) sends them as they are.
    const form = new FormData();
    form.append('file', new Blob([file.data], { type: file.contentType ?? 'application/octet-stream' }), file.name);
    const encoded = new Response(form);
    const body = new MultipartBody(new Uint8Array(await encoded.arrayBuffer()), encoded.headers.get('content-type') ?? 'multipart/form-data');
    const reply = await this.request('POST', path, undefined, body, options);
    return reply.status === 204 ? (undefined as T) : this.parseJson<T>(reply, 'POST', path);
  }

  /** NET-8/NET-10: each page is one request with its own retries; pages already yielded are never asked for again. */
  async *pagesByOffset<T>(path: string, params: Params, options: PageOptions = {}): AsyncIterable<T[]> {
    const pageSize = Math.min(options.pageSize ?? this.pageSize ?? 100, 1000);
    let offset = 0;
    let seen = 0;
    for (;;) {
      const count = options.limit !== undefined ? Math.min(pageSize, options.limit - seen) : pageSize;
      if (count <= 0) return;
      const page = await this.get<T[]>(path, { ...params, offset, count }, options);
      seen += page.length;
      if (page.length > 0) yield page;
      if (page.length < count) return;
      offset += page.length;
    }
  }

  async *pagesByKeyset<T extends { id: number }>(path: string, params: Params, options: KeysetOptions = {}): AsyncIterable<T[]> {
    const pageSize = Math.min(options.pageSize ?? this.pageSize ?? 100, 1000);
    const order = options.order ?? 'desc';
    let minId = options.minId;
    let maxId = options.maxId;
    let seen = 0;
    for (;;) {
      const count = options.limit !== undefined ? Math.min(pageSize, options.limit - seen) : pageSize;
      if (count <= 0) return;
      const page = await this.get<T[]>(path, { ...params, order, count, minId, maxId }, options);
      seen += page.length;
      if (page.length > 0) yield page;
      if (page.length < count) return;
      // Bounds are inclusive: continue past the last id seen.
      const last = page[page.length - 1] as T;
      if (order === 'asc') minId = last.id + 1;
      else maxId = last.id - 1;
    }
  }
}
