/**
 * Routes as data: method, path pattern, rate-limit category, accepted parameters and a handler.
 * The route table (./routes/index.ts) is the single list the server matches against and the
 * coverage check walks.
 */
import type { IncomingMessage } from 'node:http';
import type { Lang } from './names.js';
import type { DynamicMatcher, Params, ParamsSpec } from './params.js';
import type { Store, UserRec } from './store.js';
import type { EmulatorState } from './state.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Backlog's rate-limit request types (backlog-api.md §5); `none` is not counted. */
export type RateCategory = 'read' | 'update' | 'search' | 'icon' | 'none';

export interface Ctx {
  readonly state: EmulatorState;
  readonly store: Store;
  /** The authenticated user (API routes). */
  readonly user: UserRec;
  /** The language built-in names are answered in: the user's, else the space's (./names.ts). */
  readonly lang: Lang;
  readonly params: Params;
  /** The request's parameters before validation (query for GET, query + body otherwise). */
  readonly raw: URLSearchParams;
  /** Parameters matched by the route's `dynamic` matcher, raw. */
  readonly dynamic: Map<string, string[]>;
  /** Path parameters, URL-decoded. */
  readonly path: Record<string, string>;
  /** Uploaded files of a multipart body, by part name. */
  readonly files: Map<string, { name: string; data: Buffer }>;
  readonly req: IncomingMessage;
  now(): number;
}

export interface JsonReply {
  kind: 'json';
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /**
   * The body already serialized as UTF-8 JSON (hot list endpoints that cache rendered rows);
   * wins over `body`.
   */
  bytes?: Buffer;
}
export interface BinaryReply {
  kind: 'binary';
  data: Buffer;
  filename: string;
  contentType: string;
}
export interface EmptyReply {
  kind: 'empty';
  status: 204;
}
export interface HtmlReply {
  kind: 'html';
  status: number;
  html: string;
  headers?: Record<string, string>;
}
export interface RedirectReply {
  kind: 'redirect';
  location: string;
  headers?: Record<string, string>;
}
export type Reply = JsonReply | BinaryReply | EmptyReply | HtmlReply | RedirectReply;

const REPLY_KINDS = new Set(['json', 'binary', 'empty', 'html', 'redirect']);

export function html(page: string, status = 200, headers?: Record<string, string>): HtmlReply {
  return { kind: 'html', status, html: page, ...(headers ? { headers } : {}) };
}

export function redirect(location: string, headers?: Record<string, string>): RedirectReply {
  return { kind: 'redirect', location, ...(headers ? { headers } : {}) };
}

export function json(body: unknown, status = 200, headers?: Record<string, string>): JsonReply {
  return { kind: 'json', status, body, ...(headers ? { headers } : {}) };
}

/** A JSON reply whose body is already encoded JSON (see JsonReply.bytes). */
export function jsonBytes(bytes: Buffer, status = 200): JsonReply {
  return { kind: 'json', status, body: undefined, bytes };
}

export interface Route {
  method: HttpMethod;
  /** `/api/v2/issues/:issueIdOrKey`; a trailing `:name*` matches the rest of the path. */
  pattern: string;
  /** Defaults: GET → read, anything else → update. */
  category?: RateCategory;
  params?: ParamsSpec;
  dynamic?: DynamicMatcher;
  /** Expect multipart/form-data (file upload). */
  multipart?: boolean;
  /**
   * `api` (default): needs an API key or Bearer token and counts against the rate limit.
   * `none`: public (OAuth screens, token endpoint, developer pages); the handler gets a
   * placeholder user and reads cookies/forms itself.
   */
  auth?: 'api' | 'none';
  handler(ctx: Ctx): unknown | Reply | Promise<unknown | Reply>;
}

export function created(body: unknown, location?: string): JsonReply {
  return { kind: 'json', status: 201, body, ...(location ? { headers: { Location: location } } : {}) };
}

export function noContent(): EmptyReply {
  return { kind: 'empty', status: 204 };
}

export function binary(data: Buffer, filename: string, contentType = 'application/octet-stream'): BinaryReply {
  return { kind: 'binary', data, filename, contentType };
}

export function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'kind' in value && REPLY_KINDS.has((value as Reply).kind);
}

export interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

export function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        const rest = segment.endsWith('*');
        names.push(segment.slice(1, rest ? -1 : undefined));
        return rest ? '(.*)' : '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, regex: new RegExp(`^${source}$`), names };
}

/** Route category with its default. */
export function categoryOf(route: Route): RateCategory {
  return route.category ?? (route.method === 'GET' ? 'read' : 'update');
}
