/**
 * The HTTP front of the emulator: match a route, journal the request, apply faults, authenticate,
 * count it against the rate limit, validate parameters, run the handler and answer the way
 * Backlog does. No handler error ever reaches the client as a stack trace: unexpected failures are
 * answered 500 / code 1 and reported through `onInternalError`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleControl } from './controls.js';
import { ApiFailure, ErrorCode, unauthenticated } from './errors.js';
import { redactedRecord, type JournalEntry } from './journal.js';
import { langOf } from './names.js';
import { parseParams } from './params.js';
import type { LimitedCategory, RateStatus } from './rate-limit.js';
import { categoryOf, compile, isReply, json, type CompiledRoute, type Ctx, type Reply, type Route } from './route.js';
import { ROUTES } from './routes/index.js';
import type { EmulatorState } from './state.js';
import type { UserRec } from './store.js';

/** Upload size cap (Backlog's per-file attachment limit is far below this). */
const MAX_BODY_BYTES = 110 * 1024 * 1024;

const COMPILED: CompiledRoute[] = ROUTES.map(compile);

/** A user-less placeholder for public routes (OAuth screens, token endpoint). */
const ANONYMOUS: UserRec = {
  id: 0,
  userId: '',
  name: '',
  roleType: 6,
  lang: null,
  mailAddress: '',
  password: '',
  apiKey: '',
  nulabAccount: null,
  keyword: '',
  lastLoginTime: null,
  created: 0,
};

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function matchRoute(method: string, path: string): { compiled: CompiledRoute; path: Record<string, string> } | { allowed: string[] } | null {
  const allowed: string[] = [];
  for (const c of COMPILED) {
    const m = c.regex.exec(path);
    if (!m) continue;
    if (c.route.method !== method) {
      allowed.push(c.route.method);
      continue;
    }
    const params: Record<string, string> = {};
    c.names.forEach((name, i) => {
      const raw = m[i + 1] ?? '';
      try {
        params[name] = decodeURIComponent(raw);
      } catch {
        params[name] = raw;
      }
    });
    return { compiled: c, path: params };
  }
  return allowed.length > 0 ? { allowed } : null;
}

interface Parsed {
  params: URLSearchParams;
  files: Map<string, { name: string; data: Buffer }>;
}

async function parseBody(req: IncomingMessage, body: Buffer): Promise<Parsed> {
  const files = new Map<string, { name: string; data: Buffer }>();
  if (body.length === 0) return { params: new URLSearchParams(), files };
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { params: new URLSearchParams(body.toString('utf8')), files };
  }
  if (type.startsWith('multipart/form-data')) {
    // The platform's own multipart parser (undici's, behind Request) saves a dependency.
    let form: FormData;
    try {
      form = await new Request('http://emulator.invalid/', { method: 'POST', headers: { 'content-type': type }, body }).formData();
    } catch {
      throw new ApiFailure(400, ErrorCode.InvalidRequestError, 'Malformed multipart/form-data body.');
    }
    const params = new URLSearchParams();
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') params.append(name, value);
      else files.set(name, { name: value.name, data: Buffer.from(await value.arrayBuffer()) });
    }
    return { params, files };
  }
  throw new ApiFailure(
    400,
    ErrorCode.InvalidRequestError,
    `Unsupported Content-Type '${type || '(none)'}': send parameters as application/x-www-form-urlencoded (multipart/form-data for uploads).`,
  );
}

function authenticate(state: EmulatorState, req: IncomingMessage, query: URLSearchParams): UserRec {
  const store = state.store;
  const apiKey = query.get('apiKey') ?? (req.headers['backlog-api-key'] as string | undefined);
  if (apiKey !== undefined && apiKey !== null) {
    const id = store.userByApiKey.get(apiKey);
    const user = id === undefined ? undefined : store.users.get(id);
    if (!user) throw unauthenticated('Authentication failure.');
    return user;
  }
  const authz = req.headers.authorization;
  if (authz) {
    const m = /^Bearer\s+(\S+)$/i.exec(authz);
    if (!m) throw unauthenticated('The access token is invalid', true);
    const token = store.accessTokens.get(m[1] as string);
    if (!token || token.revoked) throw unauthenticated('The access token is invalid', true);
    if (state.now() >= token.expiresAt) throw unauthenticated('The access token expired', true);
    const user = store.users.get(token.userId);
    if (!user) throw unauthenticated('The access token is invalid', true);
    return user;
  }
  throw unauthenticated('Authentication failure.');
}

function rateHeaders(status: RateStatus): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(status.limit),
    'X-RateLimit-Remaining': String(status.remaining),
    'X-RateLimit-Reset': String(status.reset),
  };
}

function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

function send(state: EmulatorState, res: ServerResponse, reply: Reply, extra: Record<string, string>): void {
  const headers: Record<string, string> = { Date: new Date(state.now()).toUTCString(), ...extra };
  switch (reply.kind) {
    case 'json': {
      // Encode once: the length and the bytes sent come from the same buffer.
      const data = reply.bytes ?? Buffer.from(JSON.stringify(reply.body));
      res.writeHead(reply.status, {
        ...headers,
        ...reply.headers,
        'Content-Type': 'application/json;charset=utf-8',
        'Content-Length': String(data.length),
      });
      res.end(data);
      return;
    }
    case 'binary':
      res.writeHead(200, {
        ...headers,
        'Content-Type': reply.contentType,
        'Content-Length': String(reply.data.length),
        'Content-Disposition': contentDisposition(reply.filename),
      });
      res.end(reply.data);
      return;
    case 'empty':
      res.writeHead(204, headers);
      res.end();
      return;
    case 'html':
      res.writeHead(reply.status, {
        ...headers,
        ...reply.headers,
        'Content-Type': 'text/html;charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Frame-Options': 'DENY',
      });
      res.end(reply.html);
      return;
    case 'redirect':
      res.writeHead(302, { ...headers, ...reply.headers, Location: reply.location, 'Cache-Control': 'no-store' });
      res.end();
      return;
  }
}

function statusOf(reply: Reply): number {
  return reply.kind === 'binary' ? 200 : reply.kind === 'redirect' ? 302 : reply.status;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function failureReply(f: ApiFailure): Reply {
  return json(f.body(), f.status, f.headers);
}

export interface ServerHooks {
  /** Called with unexpected handler errors (answered 500 / code 1 to the client). */
  onInternalError?(error: unknown, method: string, path: string): void;
}

async function handle(state: EmulatorState, hooks: ServerHooks, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const path = url.pathname;

  if (path.startsWith('/_emulator/')) {
    const body = await readBody(req).catch(() => Buffer.alloc(0));
    send(state, res, await handleControl(state, method, path, url.searchParams, body), {});
    return;
  }

  const entry: JournalEntry = {
    method,
    path,
    query: redactedRecord(url.searchParams, ['apiKey']),
    form: {},
    status: 0,
    category: null,
    user: null,
    at: new Date(state.now()).toISOString(),
    fault: null,
    route: null,
  };
  state.journal.add(entry);

  let extraHeaders: Record<string, string> = {};
  let dropAfter = false;
  let reply: Reply;
  try {
    const match = matchRoute(method, path);
    if (match === null) {
      // Read and discard any body so the connection stays usable.
      await readBody(req).catch(() => undefined);
      throw new ApiFailure(404, ErrorCode.NoResourceError, `No such API: ${method} ${path}`);
    }
    if ('allowed' in match) {
      await readBody(req).catch(() => undefined);
      extraHeaders = { Allow: [...new Set(match.allowed)].join(', ') };
      throw new ApiFailure(405, ErrorCode.InvalidRequestError, `Method ${method} is not allowed for ${path}; use ${extraHeaders.Allow}.`);
    }
    const route: Route = match.compiled.route;
    entry.route = `${route.method} ${route.pattern}`;
    const category = categoryOf(route);
    entry.category = category === 'none' ? null : category;

    const fault = state.faults.take(method, path);
    if (fault) {
      entry.fault = fault.action;
      if (fault.action === 'drop-before') {
        req.socket.destroy();
        return;
      }
      if (fault.action === 'delay') await sleep(fault.ms ?? 0);
      if (fault.action === 'drop-after') dropAfter = true;
      if (fault.action === 'status') {
        await readBody(req).catch(() => undefined);
        const status = fault.status ?? 500;
        if (status === 429) {
          const now = state.now();
          const reset = Math.ceil(now / 1000) + state.options.rateWindow;
          // Backlog's 429 carries the category's real limit with nothing remaining: a limit of 0
          // would tell a client that the next window accepts nothing either.
          const limit = category === 'none' ? 0 : state.limiter.limitOf(category as LimitedCategory);
          extraHeaders = { 'X-RateLimit-Limit': String(limit), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) };
          throw new ApiFailure(429, ErrorCode.TooManyRequestsError, 'Too many requests. (injected fault)');
        }
        const code =
          status === 401
            ? ErrorCode.AuthenticationError
            : status === 403
              ? ErrorCode.UnauthorizedOperationError
              : status === 404
                ? ErrorCode.NoResourceError
                : status < 500
                  ? ErrorCode.InvalidRequestError
                  : ErrorCode.InternalError;
        throw new ApiFailure(status, code, `Injected fault: HTTP ${status}.`);
      }
    }

    const body = method === 'GET' ? Buffer.alloc(0) : await readBody(req);
    const auth = route.auth ?? 'api';
    const parsedBody = method === 'GET' ? { params: new URLSearchParams(), files: new Map() } : await parseBody(req, body);
    entry.form = redactedRecord(parsedBody.params);

    let user = ANONYMOUS;
    if (auth === 'api') {
      user = authenticate(state, req, url.searchParams);
      entry.user = user.id;
      if (category !== 'none') {
        const { allowed, status } = state.limiter.consume(user.id, category as LimitedCategory, state.now());
        extraHeaders = rateHeaders(status);
        if (!allowed) throw new ApiFailure(429, ErrorCode.TooManyRequestsError, 'Too many requests.');
      }
      if (state.options.latency > 0) await sleep(state.options.latency);
    }

    // Writes read the form body; the query string may carry parameters too (it always carries
    // apiKey, which is not a parameter of any route).
    const raw = new URLSearchParams(parsedBody.params);
    for (const [k, v] of url.searchParams) if (k !== 'apiKey') raw.append(k, v);
    // A missing file is the first thing to report on an upload, before any stray form field.
    if (route.multipart && parsedBody.files.size === 0 && auth === 'api') {
      throw new ApiFailure(400, ErrorCode.InvalidRequestError, "Missing required parameter 'file' (send multipart/form-data).");
    }
    const parsed = route.params || auth === 'api' ? parseParams(raw, route.params ?? {}, route.dynamic) : { params: {}, dynamic: new Map() };

    const ctx: Ctx = {
      state,
      store: state.store,
      user,
      lang: langOf(state.store.space, user),
      params: parsed.params,
      raw,
      dynamic: parsed.dynamic,
      path: match.path,
      files: parsedBody.files,
      req,
      now: () => state.now(),
    };
    // Writes move the store's generation (before and after, as handlers may await), which
    // invalidates caches of rendered JSON.
    if (method !== 'GET') state.store.generation++;
    const result = await route.handler(ctx);
    if (method !== 'GET') state.store.generation++;
    reply = isReply(result) ? result : json(result);
  } catch (error) {
    if (error instanceof ApiFailure) {
      reply = failureReply(error);
    } else if (error instanceof BodyTooLarge) {
      reply = failureReply(new ApiFailure(413, ErrorCode.TooLargeFileError, 'The request body is too large.'));
    } else {
      hooks.onInternalError?.(error, method, path);
      reply = failureReply(new ApiFailure(500, ErrorCode.InternalError, 'Internal error.'));
    }
  }
  entry.status = statusOf(reply);
  if (dropAfter) {
    req.socket.destroy();
    return;
  }
  send(state, res, reply, extraHeaders);
}

export function createEmulatorServer(state: EmulatorState, hooks: ServerHooks = {}): Server {
  const server = createServer((req, res) => {
    handle(state, hooks, req, res).catch((error: unknown) => {
      hooks.onInternalError?.(error, req.method ?? '', req.url ?? '');
      if (!res.headersSent) {
        const f = new ApiFailure(500, ErrorCode.InternalError, 'Internal error.');
        res.writeHead(500, { 'Content-Type': 'application/json;charset=utf-8' });
        res.end(JSON.stringify(f.body()));
      } else {
        res.destroy();
      }
    });
  });
  // Keep-alive clients (fetch) reuse sockets; close idle ones promptly on shutdown.
  server.keepAliveTimeout = 5000;
  return server;
}
