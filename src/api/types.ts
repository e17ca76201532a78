/**
 * The API client's contract: what table definitions and procedures may call. Knows nothing of SQL.
 * Implementation: ./client.ts (fetch, retry policy NET-1..10, rate-limit budget, paging).
 */

/** Backlog's rate-limit request types (docs/backlog-api.md §5). */
export type RequestCategory = 'read' | 'update' | 'search' | 'icon';

/**
 * Query or form parameters. Names are sent as given: arrays must carry Backlog's brackets in the
 * name (`{ 'statusId[]': [1, 2] }` → `statusId[]=1&statusId[]=2`). Undefined and null are left out.
 */
export type Params = Record<string, string | number | boolean | readonly (string | number)[] | null | undefined>;

export interface RequestOptions {
  signal?: AbortSignal;
  /** Defaults: GET → read (search for /issues, /issues/count, /wikis, /wikis/count), others → update. */
  category?: RequestCategory;
  /**
   * The statement's deadline (epoch ms): a rate-limit or retry wait that would end after it fails
   * at once with RateLimitError (NET-5) instead of waiting.
   */
  deadline?: number;
}

export interface PageOptions extends RequestOptions {
  /** Stop once this many items were yielded (the last page is asked for only what is missing). */
  limit?: number;
  /** Items per request, 1–100 (the API's cap; 1000 for shared files). Default: the client's `pageSize`, else 100. */
  pageSize?: number;
}

export interface KeysetOptions extends PageOptions {
  /** Walk order; default 'desc' (Backlog's default). */
  order?: 'asc' | 'desc';
  /** Inclusive id bounds to start from. */
  minId?: number;
  maxId?: number;
}

export interface BinaryResponse {
  data: Buffer;
  filename: string;
  contentType: string;
}

/** A file to upload: its name (as Backlog will show it), bytes and optional media type. */
export interface UploadFile {
  name: string;
  data: Buffer;
  /** Default application/octet-stream. */
  contentType?: string;
}

/** Requests made, by category and by endpoint ("GET /issues"), plus waits and retries. */
export interface ApiStats {
  requests: number;
  byCategory: Record<RequestCategory, number>;
  byEndpoint: Record<string, number>;
  retries: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
  /** Things the client had to work around, each said once (the shared rate-limit file unusable). */
  warnings?: string[];
}

export interface ApiClient {
  /** The space's base URL, e.g. `https://example.backlog.com` (no trailing slash). */
  readonly baseUrl: string;

  /** GET /api/v2{path} → parsed JSON. `path` starts with '/', e.g. '/issues'. */
  get<T>(path: string, params?: Params, options?: RequestOptions): Promise<T>;

  /** GET of a binary (attachments, icons, shared files). */
  getBinary(path: string, params?: Params, options?: RequestOptions): Promise<BinaryResponse>;

  /** POST/PATCH/PUT/DELETE with a form body. Never re-sent once it may have reached Backlog (NET-2). */
  send<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, form?: Params, options?: RequestOptions): Promise<T>;

  /**
   * POST of one file as multipart/form-data (part `file`, as `POST /space/attachment` wants). A
   * write in the update category: never re-sent once it may have reached Backlog (NET-2), like `send`.
   */
  upload<T>(path: string, file: UploadFile, options?: RequestOptions): Promise<T>;

  /** The Pagesize property: items per list request; undefined = each endpoint's largest page. */
  readonly pageSize: number | undefined;

  /** Offset/count paging: yields each page until a short page or `limit`. */
  pagesByOffset<T>(path: string, params: Params, options?: PageOptions): AsyncIterable<T[]>;

  /** minId/maxId keyset paging on `id`: yields each page until a short page or `limit`. */
  pagesByKeyset<T extends { id: number }>(path: string, params: Params, options?: KeysetOptions): AsyncIterable<T[]>;

  /** Counters since the client was made (or since `resetStats`). */
  stats(): ApiStats;
  /** `stats().requests` without the copy (read per plan step of every statement). */
  readonly requestCount: number;
  resetStats(): void;
}
