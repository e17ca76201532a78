/**
 * `serve(options)`: a PostgreSQL wire-protocol listener over one library connection, so psql,
 * node-postgres, pgjdbc and BI tools query Backlog. Many clients at once, each with its own
 * statements and cancellation. Safety rules PG-1..PG-8: loopback by default; `trust` only on
 * loopback; a non-loopback bind needs TLS and a users file, and then refuses logins in the clear;
 * SQL from clients runs with DuckDB's file access off (the connection must be opened with
 * `noExternalAccess`) and passes the statement policy (./policy.ts); connections are capped, in
 * total and while authenticating.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import { createServer, isIPv4, type Server, type Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { Connection } from '../core/connection.js';
import { ConfigError } from '../errors.js';
import { CatalogService } from './catalog/index.js';
import { StatementPolicy } from './policy.js';
import { readUsersFile, type UserStore } from './scram.js';
import { randomKey, Session, type ServerLog, type SessionContext } from './session.js';
import { errorOrNotice } from './wire.js';

/** Defaults of the limits a server can be given (README "Security"). */
export const SERVE_DEFAULTS = {
  maxConnections: 100,
  maxUnauthenticated: 20,
  maxSilentConnections: 10_000,
  authTimeoutMs: 10_000,
  maxMessageBytes: 1024 * 1024,
} as const;

/**
 * The rate at which large messages (64 KiB and up, ./session.ts) from all clients together are
 * answered while others are connected: 16 MiB/s, so a 1 MiB statement waits at most about 62 ms
 * for its turn on a quiet server, and a client looping on such messages (or many clients) cannot
 * take the server, or the machine, from the others.
 */
const LARGE_MESSAGE_BYTES_PER_MS = (16 * 1024 * 1024) / 1000;

export interface ServeOptions {
  connection: Connection;
  /** Default 127.0.0.1 (PG-1). */
  host?: string;
  /** Default 5433; 0 picks a free port. */
  port?: number;
  /** A users file path (lines from `backlog-sql serve hash-password`) or parsed users; without it, `trust` (loopback only). */
  users?: string | UserStore;
  /** PEM certificate and key: SSLRequest is then answered with TLS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Close connections that have not authenticated after this long (PG-8). Default 10 s. */
  authTimeoutMs?: number;
  /** Most connections at once; more are refused with 53300. Default 100. */
  maxConnections?: number;
  /** Most connections still authenticating (they have sent their first message); a new one closes the oldest of them. Default 20. */
  maxUnauthenticated?: number;
  /**
   * Most connections held that have sent nothing yet. They cost a socket and no session, and are
   * closed at the authentication timeout; past this number the oldest is closed. Default 10,000.
   */
  maxSilentConnections?: number;
  /** Largest message a client may send after authenticating (bytes); a larger one closes the connection with 08P01. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Server-side log: internal error details go here, never to the client (PG-7). */
  log?: ServerLog;
  /** Accept a connection whose SQL may read local files (tests of trusted setups only). */
  allowExternalAccess?: boolean;
}

export interface PgServer {
  host: string;
  port: number;
  /** The authentication method clients meet. */
  auth: 'trust' | 'scram-sha-256';
  /** Number of connected clients. */
  readonly clients: number;
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || (isIPv4(h) && h.startsWith('127.')) || h === '::ffff:127.0.0.1';
}

async function externalAccessEnabled(connection: Connection): Promise<boolean> {
  const r = await connection.query("SELECT current_setting('enable_external_access')", undefined, { rowMode: 'array' });
  return (r.rows as unknown[][])[0]?.[0] !== false;
}

export async function serve(options: ServeOptions): Promise<PgServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 5433;
  const users = typeof options.users === 'string' ? readUsersFile(options.users) : options.users;
  const log: ServerLog = options.log ?? (() => {});
  const loopback = isLoopback(host);
  if (!loopback && (!users || !options.tls)) {
    throw new ConfigError(`refusing to listen on ${host} without TLS and a users file`, 'host', {
      hint: 'Remote clients need --tls-cert/--tls-key and --users (made with backlog-sql serve hash-password); or bind 127.0.0.1.',
    });
  }
  if (!options.allowExternalAccess && (await externalAccessEnabled(options.connection))) {
    throw new ConfigError('the connection lets SQL read local files; wire clients must not', 'connection', {
      hint: 'Open it with connect(…, { noExternalAccess: true }).',
    });
  }
  const limits = {
    maxConnections: positive(options.maxConnections, SERVE_DEFAULTS.maxConnections, 'maxConnections'),
    maxUnauthenticated: positive(options.maxUnauthenticated, SERVE_DEFAULTS.maxUnauthenticated, 'maxUnauthenticated'),
    maxSilentConnections: positive(options.maxSilentConnections, SERVE_DEFAULTS.maxSilentConnections, 'maxSilentConnections'),
    authTimeoutMs: positive(options.authTimeoutMs, SERVE_DEFAULTS.authTimeoutMs, 'authTimeoutMs'),
    // PostgreSQL's own bound is 1 GB; a message is parsed whole, so ours is far lower.
    maxMessageBytes: Math.min(positive(options.maxMessageBytes, SERVE_DEFAULTS.maxMessageBytes, 'maxMessageBytes'), 1024 ** 3),
  };
  const tls = options.tls ? createSecureContext({ cert: options.tls.cert, key: options.tls.key }) : undefined;
  const policy = new StatementPolicy();
  await policy.open();
  // The catalog engine (ARCHITECTURE.md §12): a PostgreSQL holding the schema, started first.
  let catalog: CatalogService;
  try {
    catalog = await CatalogService.start(options.connection, log);
  } catch (e) {
    policy.close();
    throw e;
  }
  const sessions = new Map<number, { session: Session; key: number }>();
  const all = new Set<Session>();
  /** When the share of large messages is next free (performance.now() time). */
  let largeMessagesFreeAt = 0;
  /** Sessions still authenticating, oldest first. */
  const pending = new Set<Session>();
  const context: SessionContext = {
    connection: options.connection,
    catalog,
    policy,
    users,
    tls,
    tlsRequired: tls !== undefined && !loopback,
    authTimeoutMs: limits.authTimeoutMs,
    maxMessageBytes: limits.maxMessageBytes,
    log,
    verified(session) {
      pending.delete(session);
    },
    register(session) {
      // A pid of the range Linux gives processes, unique among the server's sessions (the engine
      // connection, which would have a real one, is opened later or never).
      let pid = randomInt(1000, 4_194_304);
      while (sessions.has(pid)) pid = randomInt(1000, 4_194_304);
      const key = randomKey();
      sessions.set(pid, { session, key });
      return { pid, key };
    },
    clientCount: () => all.size,
    largeMessageWait(bytes) {
      // A virtual clock: each large message takes its size's share of a second at the rate, after
      // the ones before it; the answer goes out at the end of that share.
      const now = performance.now();
      largeMessagesFreeAt = Math.max(now, largeMessagesFreeAt) + bytes / LARGE_MESSAGE_BYTES_PER_MS;
      return largeMessagesFreeAt - now;
    },
    unregister(session) {
      all.delete(session);
      pending.delete(session);
      if (session.pid !== undefined) sessions.delete(session.pid);
    },
    cancel(pid, key) {
      const entry = sessions.get(pid);
      if (!entry) return;
      const a = Buffer.alloc(4);
      const b = Buffer.alloc(4);
      a.writeInt32BE(entry.key);
      b.writeInt32BE(key);
      if (timingSafeEqual(a, b)) entry.session.cancel();
    },
  };
  /**
   * Connections that have sent nothing yet, oldest first, with the time each must have spoken by.
   * They get no session until their first bytes: a flood of idle sockets costs sockets, not
   * sessions, and is not closed early — closing is what makes a reconnecting flood spin the CPU
   * (accept, close, accept…) while real clients wait. Past maxSilentConnections the oldest goes.
   */
  const silent = new Map<Socket, number>();
  const timeout = (socket: Socket) => socket.end(errorOrNotice('E', { severity: 'FATAL', code: '08006', message: 'authentication timed out' }));
  /** Logins stalled on their clients, oldest first. */
  const stalledLogins = (): Session[] => {
    const now = Date.now();
    return [...pending].filter((session) => session.stalledLogin(now));
  };
  /** Close the oldest stalled logins until at most `keep` are left. */
  const closeStalled = (keep: number): void => {
    const stalled = stalledLogins();
    for (const session of stalled.slice(0, Math.max(0, stalled.length - keep))) session.evict();
  };
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [socket, deadline] of silent) {
      if (deadline > now) break;
      silent.delete(socket);
      timeout(socket);
    }
    // Logins that stall (a startup and then nothing, a SASL exchange left unanswered) cannot lock
    // others out: past maxUnauthenticated the oldest go. One still moving, however slowly the
    // server answers it (fifty clients at once), is never closed for the cap.
    if (pending.size > limits.maxUnauthenticated) closeStalled(limits.maxUnauthenticated);
  }, 250);
  sweep.unref();
  /** A connection's first bytes: now it is a client, within the caps on clients. */
  const admit = (socket: Socket, deadline: number, first: Buffer) => {
    // A stalled login gives its place to a client that speaks.
    if (pending.size >= limits.maxUnauthenticated) closeStalled(limits.maxUnauthenticated - 1);
    if (all.size >= limits.maxConnections) stalledLogins()[0]?.evict();
    if (all.size >= limits.maxConnections) {
      // PostgreSQL's answer when max_connections is reached.
      socket.write(errorOrNotice('E', { severity: 'FATAL', code: '53300', message: 'sorry, too many clients already' }));
      socket.destroySoon();
      return;
    }
    const session = new Session(socket, context, { deadline, first });
    all.add(session);
    pending.add(session);
  };
  const server: Server = createServer((socket: Socket) => {
    socket.on('error', () => socket.destroy());
    if (silent.size >= limits.maxSilentConnections) {
      const oldest = silent.keys().next().value as Socket;
      silent.delete(oldest);
      oldest.destroy();
    }
    const deadline = Date.now() + limits.authTimeoutMs;
    silent.set(socket, deadline);
    const gone = () => silent.delete(socket);
    socket.once('close', gone);
    socket.once('data', (first: Buffer) => {
      socket.off('close', gone);
      // Already timed out or pushed out: nothing more is read from it.
      if (!silent.delete(socket)) return;
      admit(socket, deadline, first);
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await catalog.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new ConfigError(
        `cannot listen on ${host}:${port}: ${code === 'EADDRINUSE' ? 'the port is already in use' : code === 'EACCES' ? 'the port is not allowed' : 'the address is not on this machine'}`,
        'port',
        {
          hint: 'Pass --port with a free port (0 picks one), or stop what uses it.',
        },
      );
    }
    throw e;
  }
  // After listening, an accept that fails (EMFILE: out of file descriptors) is logged, never thrown.
  server.on('error', (e) => log('error', 'a connection could not be accepted', e));
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  log('info', `listening on ${host}:${actualPort} (${users ? 'scram-sha-256' : 'trust'}${tls ? ', TLS' : ''})`);
  return {
    host,
    port: actualPort,
    auth: users ? 'scram-sha-256' : 'trust',
    get clients() {
      return all.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sweep);
        for (const socket of silent.keys()) socket.destroy();
        silent.clear();
        for (const s of all) s.close();
        server.close(() => {
          policy.close();
          resolve();
        });
      }).then(() => catalog.close()),
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 1) throw new ConfigError(`${name} must be a positive number, got ${value}`, name);
  return Math.floor(value);
}
