/**
 * The Backlog HTTP client (DESIGN §8): global fetch, API key or Bearer token, JSON decoding,
 * Backlog's error body → ApiError, paging helpers and request statistics.
 *
 * Retry policy, rate-limit budget and proxy/CA options: see the NET-n rules in
 * reference/style-and-reliability.md (implemented in ./retry.ts and ./budget.ts when present).
 */
import { ApiError, AuthError, CancelledError, NetworkError, type BacklogErrorItem } from '../errors.js';
import type { ApiClient, ApiStats, BinaryResponse, KeysetOptions, PageOptions, Params, RequestCategory, RequestOptions } from './types.js';

export interface ClientOptions {
  /** Space base URL, e.g. https://example.backlog.com (no trailing slash). */
  baseUrl: string;
  /** Credentials: an API key, or a function giving the current OAuth access token. */
  apiKey?: string;
  accessToken?: () => Promise<string>;
  /** Per-request timeout in ms (0 = none). */
  timeoutMs?: number;
  fetch?: typeof fetch;
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
  return { requests: 0, byCategory: { read: 0, update: 0, search: 0, icon: 0 }, byEndpoint: {}, retries: 0, rateLimitWaits: 0, rateLimitWaitMs: 0 };
}

async function errorItems(res: Response): Promise<BacklogErrorItem[]> {
  try {
    const body = (await res.json()) as { errors?: BacklogErrorItem[] };
    return Array.isArray(body.errors) ? body.errors : [];
  } catch {
    return [];
  }
}

export class BacklogClient implements ApiClient {
  readonly baseUrl: string;
  private counters = emptyStats();
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
  }

  stats(): ApiStats {
    return structuredClone(this.counters);
  }

  resetStats(): void {
    this.counters = emptyStats();
  }

  private async request(method: string, path: string, params: Params | undefined, form: Params | undefined, options: RequestOptions): Promise<Response> {
    const query = new URLSearchParams();
    if (this.options.apiKey) query.set('apiKey', this.options.apiKey);
    if (method === 'GET') encodeParams(params, query);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (!this.options.apiKey && this.options.accessToken) headers.Authorization = `Bearer ${await this.options.accessToken()}`;
    let body: string | undefined;
    if (method !== 'GET') {
      body = encodeParams(form).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    const qs = query.toString();
    const url = `${this.baseUrl}/api/v2${path}${qs ? `?${qs}` : ''}`;
    const category = options.category ?? categoryFor(method, path);
    this.counters.requests++;
    this.counters.byCategory[category]++;
    const endpoint = endpointOf(method, path);
    this.counters.byEndpoint[endpoint] = (this.counters.byEndpoint[endpoint] ?? 0) + 1;
    const signals = [options.signal, this.options.timeoutMs ? AbortSignal.timeout(this.options.timeoutMs) : undefined].filter((s): s is AbortSignal => s !== undefined);
    let res: Response;
    try {
      res = await this.fetchImpl(url, { method, headers, ...(body !== undefined ? { body } : {}), ...(signals.length ? { signal: AbortSignal.any(signals) } : {}) });
    } catch (e) {
      if (options.signal?.aborted) throw new CancelledError();
      throw new NetworkError(`cannot reach ${this.baseUrl}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`, { cause: e });
    }
    if (res.ok) return res;
    const errors = await errorItems(res);
    const first = errors[0]?.message ?? res.statusText;
    if (res.status === 401) {
      throw new AuthError(`Backlog refused the credentials (${first})`, { hint: 'Check ApiKey (or the OAuth token) and that it belongs to this space.' });
    }
    throw new ApiError(`Backlog answered ${res.status} to ${method} ${path}: ${first}`, res.status, errors, method, path);
  }

  async get<T>(path: string, params?: Params, options: RequestOptions = {}): Promise<T> {
    const res = await this.request('GET', path, params, undefined, options);
    return (await res.json()) as T;
  }

  async getBinary(path: string, params?: Params, options: RequestOptions = {}): Promise<BinaryResponse> {
    const res = await this.request('GET', path, params, undefined, options);
    const disposition = res.headers.get('content-disposition') ?? '';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
    const plain = /filename="([^"]*)"/i.exec(disposition)?.[1];
    return {
      data: Buffer.from(await res.arrayBuffer()),
      filename: star ? decodeURIComponent(star) : (plain ?? path.split('/').pop() ?? 'download'),
      contentType: res.headers.get('content-type') ?? 'application/octet-stream',
    };
  }

  async send<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, form?: Params, options: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, undefined, form, options);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async *pagesByOffset<T>(path: string, params: Params, options: PageOptions = {}): AsyncIterable<T[]> {
    const pageSize = Math.min(options.pageSize ?? 100, 100);
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
    const pageSize = Math.min(options.pageSize ?? 100, 100);
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
