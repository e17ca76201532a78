/**
 * One wire client: startup, authentication, then simple and extended query, each statement run
 * through the shared library connection with its own AbortController (CancelRequest aborts it).
 * Messages are handled one at a time in arrival order; an error in the extended protocol skips
 * to the next Sync, as PostgreSQL does, and the session stays usable (PG-7).
 */
import { randomInt } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { WriteSession, type Connection } from '../core/connection.js';
import { BacklogSqlError, SqlError, sqlstateOf } from '../errors.js';
import { arrayParameterPositions } from './arrays.js';
import { PgServerError, substitute, withOurVersion, type CatalogService, type CatalogSession, type RawAnswer, type RawParams } from './catalog/index.js';
import { decodeParam, encodeBinary, encodeText, OID, pgTypeOf, type PgType } from './pgtypes.js';
import { pgColumnName } from './result-names.js';
import { pgDataSqlstate } from './data-errors.js';
import { VERSION_SUFFIX } from './catalog/ddl.js';
import { ScramError, ScramExchange, type UserStore } from './scram.js';
import { complexityRefusal, type Access, type Admitted, type StatementPolicy } from './policy.js';
import { chatter, parameterCount, splitStatements, stripPublicSchema, type Chatter } from './statements.js';
import {
  authenticationOk,
  backendKeyData,
  BIND_COMPLETE,
  BodyReader,
  CANCEL_REQUEST,
  CLOSE_COMPLETE,
  commandComplete,
  emptyQueryResponse,
  errorOrNotice,
  GSSENC_REQUEST,
  MessageReader,
  MessageWriter,
  NO_DATA,
  parameterStatus,
  PARSE_COMPLETE,
  PORTAL_SUSPENDED,
  PROTOCOL_3,
  ProtocolError,
  readyForQuery,
  SSL_REQUEST,
  type Message,
  type NoticeFields,
} from './wire.js';

export const SERVER_VERSION = '15.0';

export interface ServerLog {
  (level: 'info' | 'warn' | 'error', message: string, error?: unknown): void;
}

/** What sessions share: the library connection, auth settings, the statement policy and the cancel registry. */
export interface SessionContext {
  connection: Connection;
  catalog: CatalogService;
  /** What a statement may do over the wire (./policy.ts). */
  policy: StatementPolicy;
  users: UserStore | undefined;
  tls: SecureContext | undefined;
  /** TLS configured on a non-loopback bind: a startup in the clear is refused (hostssl). */
  tlsRequired: boolean;
  authTimeoutMs: number;
  /** Largest message accepted after authentication (bytes). */
  maxMessageBytes: number;
  log: ServerLog;
  /** The client proved who it is: it no longer counts against the cap on clients still logging in. */
  verified(session: Session): void;
  /** The session's pid and cancel key (BackendKeyData; pg_backend_pid() answers the pid). */
  register(session: Session): { pid: number; key: number };
  /** Connections open now (this one included). */
  clientCount(): number;
  /**
   * Milliseconds the answer to a large message of `bytes` waits for its turn: large messages from
   * all clients together are answered at most at the server's large-message rate.
   */
  largeMessageWait(bytes: number): number;
  unregister(session: Session): void;
  cancel(pid: number, key: number): void;
}

interface ResultColumn {
  name: string;
  type: PgType;
}

type Outcome =
  | { kind: 'rows'; columns: ResultColumn[]; rows: unknown[][]; tag: string; notices: string[] }
  /** The catalog engine's answer, relayed as PostgreSQL wrote it. */
  | { kind: 'raw'; answer: RawAnswer; tag: string; notices: string[] }
  | { kind: 'command'; tag: string; notices: string[]; status?: [string, string][] };

interface Prepared {
  sql: string;
  paramTypes: number[];
  /** The `$n` used as arrays (`ANY($n)`), read as arrays when the client left their type open. */
  arrayParams: Set<number>;
}

interface Portal {
  statement: Prepared;
  params: unknown[];
  /** The parameters as the client sent them, for the catalog engine. */
  raw: RawParams;
  formats: number[];
  outcome?: Outcome;
  sent: number;
}

/** An error for the client, from anything thrown (PG-7: foreign errors are XX000 without details). */
function toNotice(e: unknown, offset: number, log: ServerLog): NoticeFields {
  if (e instanceof BacklogSqlError) {
    const position = e instanceof SqlError && e.position !== undefined ? e.position + offset : undefined;
    return { severity: 'ERROR', code: pgDataSqlstate(sqlstateOf(e), e.message), message: e.message, hint: e.hint, detail: e.detail, position };
  }
  if (e instanceof WireError) return { severity: 'ERROR', code: e.code, message: e.message, hint: e.hint };
  if (e instanceof PgServerError) {
    const f = e.fields;
    return {
      severity: (f.S ?? 'ERROR') as NoticeFields['severity'],
      code: e.code,
      message: e.message,
      hint: f.H,
      detail: f.D,
      position: f.P !== undefined ? Number(f.P) + offset : undefined,
    };
  }
  log('error', 'internal error while running a statement', e);
  return { severity: 'ERROR', code: 'XX000', message: 'internal error' };
}

/** An error the server itself raises, with its SQLSTATE. */
export class WireError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const DEFAULT_SETTINGS: Record<string, string> = {
  server_version: SERVER_VERSION,
  server_version_num: '150000',
  server_encoding: 'UTF8',
  client_encoding: 'UTF8',
  datestyle: 'ISO, MDY',
  intervalstyle: 'postgres',
  integer_datetimes: 'on',
  timezone: 'UTC',
  standard_conforming_strings: 'on',
  is_superuser: 'off',
  transaction_isolation: 'read committed',
  default_transaction_isolation: 'read committed',
  transaction_read_only: 'off',
  default_transaction_read_only: 'off',
  search_path: '"$user", public',
  max_identifier_length: '63',
  application_name: '',
  extra_float_digits: '1',
  lc_collate: 'C',
  lc_ctype: 'C',
  statement_timeout: '0',
};

/** ReadyForQuery by transaction status, built once (a pipeline of Syncs sends thousands). */
const READY = { I: readyForQuery('I'), T: readyForQuery('T'), E: readyForQuery('E') } as const;

/** The settings a session keeps for itself (PostgreSQL's); any other name DuckDB knows is the shared engine's. */
const SESSION_SETTINGS: ReadonlySet<string> = new Set(Object.keys(DEFAULT_SETTINGS));

/**
 * Back-pressure on pipelined messages: messages are cut from the received bytes one at a time as
 * they are handled, and the client's socket is paused while this many bytes wait (with a whole
 * message among them), resumed below the low mark — a flood is read no faster than it is answered.
 */
const BUFFER_HIGH = 1 << 20;
const BUFFER_LOW = 256 << 10;
/** Continuous work on one client's messages before the other clients get a turn (ms). */
const TURN_MS = 1;
/** A login waiting this long on its client counts against the server's cap on logins (maxUnauthenticated). */
const STALLED_LOGIN_MS = 1000;
/**
 * A client kept busy longer than this without a pause (a flood of pipelined messages) gets at
 * most a quarter of the server's time while other clients are connected: after each turn it
 * waits FLOOD_PAUSE times as long as the turn took.
 */
const FLOOD_MS = 100;
const FLOOD_PAUSE = 3;
/**
 * A message this large (a statement of hundreds of kilobytes) costs real work to handle, whether
 * it runs or is refused: while other clients are connected, its answer waits LARGE_MESSAGE_PAUSE
 * times as long as handling it took. A client sending such messages in a loop — reconnecting for
 * each, so no per-connection rule sees a flood — then gets at most an eighth of the server's time,
 * and of the catalog engine's (a quarter let a loop of 1 MiB literals, 22 ms of the engine's parse
 * each, raise other clients' p99 connect time 2.3×); a single large statement is answered a few
 * tens of milliseconds later. Handling is timed on the clock (the catalog engine's parse counts
 * too), charged up to LARGE_MESSAGE_CHARGE_MS: a large write that waits seconds on Backlog is
 * answered at most 7 × that later. The answer also
 * waits for the message's turn in the server-wide share of large messages (`largeMessageWait`),
 * because handling is not all a large message costs: reading a megabyte off the socket, and the
 * sender's own work on the same machine, weigh more than refusing it (an IN list of 100,000
 * values is refused in 2.5 ms, yet 119 of them a second doubled other clients' p99).
 */
/**
 * A logged-in client whose message breaks the protocol (a length over the message size limit,
 * mostly) gets its FATAL this much later while other clients are connected, and is read no
 * further meanwhile. Refusing costs little, but logging in again does: a client sending a 64 MB
 * message in a loop, reconnecting after each refusal, was answered 680 times a second and raised
 * other clients' p99 up to 2.5×; with the delay it gets at most ten refusals a second, and a
 * careless client its error a tenth of a second later.
 */
const PROTOCOL_ERROR_DELAY_MS = 100;
const LARGE_MESSAGE = 64 * 1024;
const LARGE_MESSAGE_PAUSE = 7;
const LARGE_MESSAGE_CHARGE_MS = 100;

/** Settings reported with ParameterStatus at startup (the GUC_REPORT ones), with their display names. */
const REPORTED: [string, string][] = [
  ['server_version', 'server_version'],
  ['server_encoding', 'server_encoding'],
  ['client_encoding', 'client_encoding'],
  ['DateStyle', 'datestyle'],
  ['IntervalStyle', 'intervalstyle'],
  ['integer_datetimes', 'integer_datetimes'],
  ['TimeZone', 'timezone'],
  ['standard_conforming_strings', 'standard_conforming_strings'],
  ['is_superuser', 'is_superuser'],
  ['application_name', 'application_name'],
];

export class Session {
  private socket: Socket | TLSSocket;
  private readonly reader = new MessageReader();
  /** The socket is paused: too many bytes wait to be handled. */
  private paused = false;
  private running = false;
  /** A message broke the protocol: nothing more is read, and the FATAL is on its way (`protocolFatal`). */
  private refusing = false;
  /** When the login last moved on (a whole message handled), for telling a stalled login from a slow one. */
  private loginProgressAt = Date.now();
  /** The client's address, for PostgreSQL's pg_hba-style refusals. */
  private readonly remoteHost: string;
  /** Read-only users (users file) may not write. */
  private access: Access = 'read-write';
  /** What RESET goes back to (read-only users: transaction_read_only on). */
  private readonly defaults = new Map(Object.entries(DEFAULT_SETTINGS));
  private state: 'startup' | 'sasl-initial' | 'sasl-final' | 'ready' | 'closed' = 'startup';
  private scram: ScramExchange | undefined;
  private user = '';
  private authTimer: NodeJS.Timeout | undefined;
  private out: Buffer[] = [];
  private readonly settings = new Map(Object.entries(DEFAULT_SETTINGS));
  private readonly statements = new Map<string, Prepared>();
  private readonly portals = new Map<string, Portal>();
  private skipUntilSync = false;
  private inTransaction = false;
  /** Writes applied since BEGIN: a ROLLBACK then warns that they stay applied. */
  private writesSinceBegin = 0;
  /** This client's sys_identity (the last write it ran), apart from other clients'. */
  private readonly writeSession = new WriteSession();
  private current: AbortController | undefined;
  private keys: { pid: number; key: number } | undefined;
  private database = '';
  /**
   * This client's connection to the catalog engine (ARCHITECTURE.md §12), opened when a statement
   * first needs it: a client that queries only Backlog tables (or only gets refused) costs the
   * engine no backend process.
   */
  private catalog: CatalogSession | undefined;
  private catalogOpening: Promise<CatalogSession> | undefined;
  /** The startup parameters the catalog connection is opened with (application_name…). */
  private catalogParams: Record<string, string> = {};
  private catalogBusy = false;
  private catalogCancelled = false;
  private readonly onData = (chunk: Buffer) => this.receive(chunk);

  /**
   * `start.first`: the bytes that made the connection a client (the server holds silent sockets
   * without a session); `start.deadline`: when it must have authenticated (Date.now() time).
   */
  constructor(
    socket: Socket,
    private readonly ctx: SessionContext,
    start: { deadline?: number; first?: Buffer } = {},
  ) {
    this.socket = socket;
    this.remoteHost = (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    // PG-8: a client that does not finish authenticating in time is dropped.
    const left = start.deadline === undefined ? ctx.authTimeoutMs : Math.max(0, start.deadline - Date.now());
    this.authTimer = setTimeout(() => this.fatal('08006', 'authentication timed out'), left);
    this.authTimer.unref();
    if (start.first) this.receive(start.first);
  }

  get pid(): number | undefined {
    return this.keys?.pid;
  }

  /**
   * Still logging in, and waiting for its client — not for the server — for STALLED_LOGIN_MS or
   * more: a client in a SCRAM exchange answers within milliseconds, one that stalls does not.
   */
  stalledLogin(now: number): boolean {
    return this.state !== 'ready' && this.state !== 'closed' && !this.running && now - this.loginProgressAt >= STALLED_LOGIN_MS;
  }

  /** Make room for a newer connection: this one has not authenticated yet (the server's cap). */
  evict(): void {
    this.fatal('53300', 'sorry, too many clients are waiting to authenticate');
  }

  /** Abort the running statement (CancelRequest). */
  cancel(): void {
    this.current?.abort();
    if (!this.catalogBusy) return;
    // A cancel that comes while the engine connection is still being opened stops the statement
    // before it is sent (runOnCatalog).
    if (this.catalog) this.catalog.cancel();
    else this.catalogCancelled = true;
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.authTimer);
    this.current?.abort();
    this.catalog?.close();
    // One still opening is closed when it arrives (catalogSession).
    this.ctx.unregister(this);
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    if (this.state === 'closed' || this.refusing) return;
    try {
      this.reader.append(chunk);
    } catch (e) {
      void this.protocolFatal(e instanceof ProtocolError ? e.message : 'invalid message');
      return;
    }
    // Paused only with a whole message to handle (else the rest of a large one could never come).
    if (!this.paused && this.reader.pending >= BUFFER_HIGH && this.reader.ready) {
      this.paused = true;
      this.socket.pause();
    }
    void this.drain();
  }

  /** The next message to handle, if a whole one is here. */
  private nextMessage(): Message | undefined {
    const message = this.reader.next();
    if (this.paused && this.reader.pending <= BUFFER_LOW) {
      this.paused = false;
      this.socket.resume();
    }
    return message;
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const busySince = performance.now();
      let turnStarted = busySince;
      for (;;) {
        let message: Message | undefined;
        try {
          message = this.state === 'closed' || this.refusing ? undefined : this.nextMessage();
        } catch (e) {
          await this.protocolFatal(e instanceof ProtocolError ? e.message : 'invalid message');
          return;
        }
        if (!message) break;
        if (this.state !== 'ready') this.loginProgressAt = Date.now();
        const handleStarted = performance.now();
        try {
          await this.handle(message);
        } catch (e) {
          if (e instanceof ProtocolError || e instanceof RangeError) await this.protocolFatal(`protocol violation: ${e.message}`);
          else {
            this.ctx.log('error', 'internal error in the wire protocol', e);
            this.fatal('XX000', 'internal error');
          }
        }
        if (message.body.length >= LARGE_MESSAGE && this.state !== 'closed' && this.ctx.clientCount() > 1) {
          const took = Math.min(performance.now() - handleStarted, LARGE_MESSAGE_CHARGE_MS);
          const wait = Math.max(LARGE_MESSAGE_PAUSE * took, this.ctx.largeMessageWait(message.body.length));
          await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
        }
        if (!this.reader.ready) this.flush();
        else if (performance.now() - turnStarted > TURN_MS) {
          // A long pipeline: send what is ready, wait while the client is not reading it, and
          // let the other clients be served before going on.
          this.flush();
          await this.writable();
          const now = performance.now();
          if (now - busySince > FLOOD_MS && this.ctx.clientCount() > 1)
            await new Promise((resolve) => setTimeout(resolve, Math.ceil(FLOOD_PAUSE * (now - turnStarted))));
          else await new Promise((resolve) => setImmediate(resolve));
          turnStarted = performance.now();
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Resolves once the socket takes more output (or closes): output back-pressure. */
  private writable(): Promise<void> {
    const socket = this.socket;
    if (!socket.writableNeedDrain || this.state === 'closed') return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }

  private send(b: Buffer): void {
    this.out.push(b);
  }

  private flush(): void {
    if (this.out.length === 0 || this.state === 'closed') return;
    this.socket.write(this.out.length === 1 ? (this.out[0] as Buffer) : Buffer.concat(this.out));
    this.out = [];
  }

  /**
   * FATAL 08P01 for a message that breaks the protocol. A logged-in client's comes
   * PROTOCOL_ERROR_DELAY_MS later while other clients are connected, with nothing more read
   * meanwhile.
   */
  private async protocolFatal(reason: string): Promise<void> {
    if (this.refusing || this.state === 'closed') return;
    this.refusing = true;
    if (this.state === 'ready' && this.ctx.clientCount() > 1) {
      this.socket.pause();
      this.paused = true;
      await new Promise((resolve) => setTimeout(resolve, PROTOCOL_ERROR_DELAY_MS));
    }
    this.fatal('08P01', reason);
  }

  private fatal(code: string, message: string): void {
    if (this.state === 'closed') return;
    this.send(errorOrNotice('E', { severity: 'FATAL', code, message }));
    this.flush();
    this.socket.end();
    this.close();
  }

  private async handle(m: Message): Promise<void> {
    switch (this.state) {
      case 'startup':
        return this.startup(m);
      case 'sasl-initial':
      case 'sasl-final':
        return this.sasl(m);
      case 'ready':
        return this.command(m);
      default:
        return;
    }
  }

  // ---- startup and authentication ----

  private async startup(m: Message): Promise<void> {
    const r = new BodyReader(m.body);
    const code = r.int32();
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      if (code === SSL_REQUEST && this.ctx.tls && !(this.socket instanceof TLSSocket)) {
        if (this.reader.pending > 0) throw new ProtocolError('data after SSLRequest');
        this.socket.write('S');
        const plain = this.socket;
        plain.removeListener('data', this.onData);
        const secure = new TLSSocket(plain, { isServer: true, secureContext: this.ctx.tls });
        secure.on('data', this.onData);
        secure.on('error', () => this.close());
        this.socket = secure;
      } else {
        // PG-6: no TLS configured: "N", and the client continues in the clear or gives up.
        this.socket.write('N');
      }
      this.reader.startup = true;
      return;
    }
    if (code === CANCEL_REQUEST) {
      this.ctx.cancel(r.int32(), r.int32());
      this.socket.end();
      this.close();
      return;
    }
    if (code !== PROTOCOL_3) {
      this.fatal('0A000', `unsupported frontend protocol ${code >> 16}.${code & 0xffff}: server supports 3.0`);
      return;
    }
    const params = new Map<string, string>();
    while (!r.done) {
      const key = r.cstring();
      if (key === '') break;
      params.set(key, r.cstring());
    }
    this.user = params.get('user') ?? '';
    this.database = params.get('database') || this.user;
    if (!this.user) {
      this.fatal('28000', 'no PostgreSQL user name specified in startup packet');
      return;
    }
    if (this.ctx.tlsRequired && !(this.socket instanceof TLSSocket)) {
      // PG-6, hostssl: with TLS configured on a non-loopback bind, no login in the clear.
      this.fatal(
        '28000',
        `no pg_hba.conf entry for host "${this.remoteHost}", user "${this.user}", database "${params.get('database') ?? this.user}", no encryption`,
      );
      return;
    }
    for (const [k, v] of params) {
      const name = k.toLowerCase();
      // The server's own formats are fixed; the client's requested encoding etc. are noted only.
      if (name === 'application_name' || name === 'search_path' || name === 'extra_float_digits') this.settings.set(name, v);
    }
    this.settings.set('session_authorization', this.user);
    if (!this.ctx.users) {
      await this.authenticated();
      return;
    }
    this.scram = new ScramExchange(this.ctx.users, this.user);
    this.send(new MessageWriter('R').int32(10).cstring('SCRAM-SHA-256').int8(0).finish());
    this.state = 'sasl-initial';
  }

  private authFailed(): void {
    // PG-4: the same message for an unknown user and a wrong password.
    this.fatal('28P01', `password authentication failed for user "${this.user}"`);
  }

  private async sasl(m: Message): Promise<void> {
    if (m.type !== 'p') {
      this.fatal('08P01', 'expected a SASL response');
      return;
    }
    const scram = this.scram as ScramExchange;
    const r = new BodyReader(m.body);
    try {
      if (this.state === 'sasl-initial') {
        const mechanism = r.cstring();
        if (mechanism !== 'SCRAM-SHA-256') {
          // PostgreSQL's words, without the name offered (a client may send anything there).
          this.fatal('08P01', 'client selected an invalid SASL authentication mechanism');
          return;
        }
        const length = r.int32();
        const serverFirst = scram.start(r.bytes(length).toString('utf8'));
        this.send(new MessageWriter('R').int32(11).bytes(Buffer.from(serverFirst, 'utf8')).finish());
        this.state = 'sasl-final';
        return;
      }
      const serverFinal = scram.finish(r.rest().toString('utf8'));
      if (serverFinal === undefined) {
        this.authFailed();
        return;
      }
      this.send(new MessageWriter('R').int32(12).bytes(Buffer.from(serverFinal, 'utf8')).finish());
      await this.authenticated();
    } catch (e) {
      if (e instanceof ScramError) this.fatal('08P01', e.message);
      else throw e;
    }
  }

  private async authenticated(): Promise<void> {
    clearTimeout(this.authTimer);
    this.ctx.verified(this);
    this.reader.maxLength = this.ctx.maxMessageBytes;
    if (this.ctx.users?.readOnly?.has(this.user)) {
      this.access = 'read-only';
      for (const name of ['transaction_read_only', 'default_transaction_read_only']) {
        this.settings.set(name, 'on');
        this.defaults.set(name, 'on');
      }
    }
    for (const name of ['application_name', 'search_path', 'extra_float_digits']) {
      const v = this.settings.get(name);
      if (v !== undefined && v !== DEFAULT_SETTINGS[name]) this.catalogParams[name] = v;
    }
    try {
      // A login the engine would refuse (a reserved role, an unknown database) is refused now,
      // as PostgreSQL refuses it; the engine connection itself waits for a statement needing it.
      this.ctx.catalog.checkLogin(this.user, this.database);
    } catch (e) {
      const f = e instanceof PgServerError ? e.fields : { C: 'XX000', M: 'internal error' };
      this.send(errorOrNotice('E', { severity: 'FATAL', code: f.C ?? 'XX000', message: f.M ?? 'error', hint: f.H }));
      this.flush();
      this.socket.end();
      this.close();
      return;
    }
    if (this.state === 'closed') return;
    // The engine's own values: server_version is PostgreSQL's real one.
    for (const [k, v] of this.ctx.catalog.status) if (k.toLowerCase() in DEFAULT_SETTINGS) this.settings.set(k.toLowerCase(), v);
    this.keys = this.ctx.register(this);
    this.send(authenticationOk());
    for (const [display, name] of REPORTED) this.send(parameterStatus(display, this.settings.get(name) ?? ''));
    this.send(parameterStatus('session_authorization', this.user));
    this.send(backendKeyData(this.keys.pid, this.keys.key));
    this.send(readyForQuery('I'));
    this.state = 'ready';
  }

  // ---- queries ----

  private status(): 'I' | 'T' {
    return this.inTransaction ? 'T' : 'I';
  }

  private async command(m: Message): Promise<void> {
    if (this.skipUntilSync && m.type !== 'S' && m.type !== 'X') return;
    const r = new BodyReader(m.body);
    switch (m.type) {
      case 'Q':
        return this.simpleQuery(r.cstringBytes());
      case 'P':
        return this.parse(r);
      case 'B':
        return this.bind(r);
      case 'D':
        return this.describe(r);
      case 'E':
        return this.execute(r);
      case 'C': {
        const kind = String.fromCharCode(r.bytes(1)[0] as number);
        const name = r.cstring();
        if (kind === 'S') this.statements.delete(name);
        else this.portals.delete(name);
        this.send(CLOSE_COMPLETE);
        return;
      }
      case 'S':
        this.skipUntilSync = false;
        this.portals.delete('');
        this.send(READY[this.status()]);
        return;
      case 'H':
        this.flush();
        return;
      case 'X':
        this.socket.end();
        this.close();
        return;
      case 'p':
        return this.extendedError(new WireError('08P01', 'unexpected password message'));
      default:
        return this.extendedError(new WireError('0A000', `message type '${m.type}' is not supported (COPY and function calls are not available)`));
    }
  }

  private extendedError(e: unknown, offset = 0): void {
    this.send(errorOrNotice('E', toNotice(e, offset, this.ctx.log)));
    this.skipUntilSync = true;
  }

  private async simpleQuery(raw: Buffer): Promise<void> {
    const tooComplex = complexityRefusal(raw);
    const pieces = tooComplex ? [] : splitStatements(raw.toString('utf8'));
    if (tooComplex) this.send(errorOrNotice('E', toNotice(tooComplex, 0, this.ctx.log)));
    else if (pieces.length === 0) this.send(emptyQueryResponse());
    for (const piece of pieces) {
      try {
        const outcome = await this.run(piece.sql, [], undefined);
        if (outcome.kind === 'rows') {
          this.send(rowDescription(outcome.columns, []));
          this.sendRows(outcome, 0, outcome.rows.length, []);
        } else if (outcome.kind === 'raw') {
          // A simple query never sends NoData.
          if (outcome.answer.description?.[0] === 0x54) this.send(outcome.answer.description);
          for (const row of outcome.answer.rows) this.send(row);
        }
        this.sendOutcomeEnd(outcome, outcome.kind === 'rows' ? outcome.rows.length : outcome.kind === 'raw' ? outcome.answer.rows.length : 0);
      } catch (e) {
        this.send(errorOrNotice('E', toNotice(e, piece.offset, this.ctx.log)));
        break;
      }
    }
    this.portals.delete('');
    this.send(READY[this.status()]);
  }

  private sendOutcomeEnd(outcome: Outcome, rowsSent: number): void {
    for (const n of outcome.notices) this.send(errorOrNotice('N', { severity: 'WARNING', code: '01000', message: n }));
    if (outcome.kind === 'command') for (const [k, v] of outcome.status ?? []) this.send(parameterStatus(k, v));
    this.send(commandComplete(outcome.kind !== 'command' && /^SELECT\b/.test(outcome.tag) ? `SELECT ${rowsSent}` : outcome.tag));
  }

  private sendRows(outcome: Extract<Outcome, { kind: 'rows' }>, from: number, to: number, formats: number[]): void {
    const { columns } = outcome;
    const binary = columns.map((_, i) => formatOf(formats, i) === 1);
    for (let r = from; r < to; r++) {
      const row = outcome.rows[r] as unknown[];
      const parts: Buffer[] = [];
      let size = 2;
      for (let i = 0; i < columns.length; i++) {
        const v = row[i];
        if (v === null || v === undefined) {
          const b = Buffer.alloc(4);
          b.writeInt32BE(-1);
          parts.push(b);
          size += 4;
          continue;
        }
        const type = (columns[i] as ResultColumn).type;
        const data = binary[i] ? encodeBinary(v, type) : Buffer.from(encodeText(v, type), 'utf8');
        const len = Buffer.alloc(4);
        len.writeInt32BE(data.length);
        parts.push(len, data);
        size += 4 + data.length;
      }
      const head = Buffer.alloc(7);
      head.write('D', 0, 'latin1');
      head.writeInt32BE(size + 4, 1);
      head.writeInt16BE(columns.length, 5);
      this.send(Buffer.concat([head, ...parts]));
    }
  }

  private parse(r: BodyReader): void {
    const name = r.cstring();
    const raw = r.cstringBytes();
    const n = r.int16();
    const paramTypes: number[] = [];
    for (let i = 0; i < n; i++) paramTypes.push(r.int32());
    if (name !== '' && this.statements.has(name)) {
      this.extendedError(new WireError('42P05', `prepared statement "${name}" already exists`));
      return;
    }
    const tooComplex = complexityRefusal(raw);
    if (tooComplex) {
      this.extendedError(tooComplex);
      return;
    }
    const sql = raw.toString('utf8');
    const pieces = splitStatements(sql);
    if (pieces.length > 1) {
      this.extendedError(new WireError('42601', 'cannot insert multiple commands into a prepared statement'));
      return;
    }
    const count = parameterCount(sql);
    while (paramTypes.length < count) paramTypes.push(0);
    const text = pieces[0]?.sql ?? '';
    this.statements.set(name, { sql: text, paramTypes, arrayParams: arrayParameterPositions(text) });
    this.send(PARSE_COMPLETE);
  }

  private bind(r: BodyReader): void {
    const portalName = r.cstring();
    const statementName = r.cstring();
    const statement = this.statements.get(statementName);
    if (!statement) {
      this.extendedError(new WireError('26000', `prepared statement "${statementName}" does not exist`));
      return;
    }
    const paramFormats: number[] = [];
    for (let i = r.int16(); i > 0; i--) paramFormats.push(r.int16());
    const params: unknown[] = [];
    const values: (Buffer | null)[] = [];
    const n = r.int16();
    for (let i = 0; i < n; i++) {
      const len = r.int32();
      const raw = len < 0 ? null : r.bytes(len);
      values.push(raw);
      params.push(decodeParam(raw, statement.paramTypes[i] ?? 0, formatOf(paramFormats, i) === 1, statement.arrayParams.has(i + 1)));
    }
    const formats: number[] = [];
    for (let i = r.int16(); i > 0; i--) formats.push(r.int16());
    const raw: RawParams = { types: statement.paramTypes, formats: paramFormats, values, resultFormats: formats };
    this.portals.set(portalName, { statement, params, raw, formats, sent: 0 });
    this.send(BIND_COMPLETE);
  }

  private async describe(r: BodyReader): Promise<void> {
    const kind = String.fromCharCode(r.bytes(1)[0] as number);
    const name = r.cstring();
    if (kind === 'S') {
      const statement = this.statements.get(name);
      if (!statement) return this.extendedError(new WireError('26000', `prepared statement "${name}" does not exist`));
      try {
        const fromCatalog = await this.describeOnCatalog(statement);
        if (fromCatalog) {
          if (fromCatalog.parameters) this.send(fromCatalog.parameters);
          if (fromCatalog.description) this.send(fromCatalog.description);
          return;
        }
      } catch (e) {
        return this.extendedError(e);
      }
      const w = new MessageWriter('t').int16(statement.paramTypes.length);
      for (const t of statement.paramTypes) w.int32(t === 0 ? OID.text : t);
      this.send(w.finish());
      try {
        const columns = await this.describeColumns(statement);
        this.send(columns ? rowDescription(columns, []) : NO_DATA);
      } catch (e) {
        this.extendedError(e);
      }
      return;
    }
    const portal = this.portals.get(name);
    if (!portal) return this.extendedError(new WireError('34000', `portal "${name}" does not exist`));
    // A portal's columns are known once it has run: run it now, Execute sends the rows.
    try {
      portal.outcome ??= await this.run(portal.statement.sql, portal.params, portal.raw);
    } catch (e) {
      return this.extendedError(e);
    }
    const outcome = portal.outcome;
    this.send(
      outcome.kind === 'rows' ? rowDescription(outcome.columns, portal.formats) : outcome.kind === 'raw' ? (outcome.answer.description ?? NO_DATA) : NO_DATA,
    );
  }

  private async execute(r: BodyReader): Promise<void> {
    const name = r.cstring();
    const maxRows = r.int32();
    const portal = this.portals.get(name);
    if (!portal) return this.extendedError(new WireError('34000', `portal "${name}" does not exist`));
    if (portal.statement.sql === '') {
      this.send(emptyQueryResponse());
      return;
    }
    try {
      portal.outcome ??= await this.run(portal.statement.sql, portal.params, portal.raw);
    } catch (e) {
      return this.extendedError(e);
    }
    const outcome = portal.outcome;
    if (outcome.kind === 'raw') {
      const rows = outcome.answer.rows;
      const end = maxRows > 0 ? Math.min(rows.length, portal.sent + maxRows) : rows.length;
      for (let i = portal.sent; i < end; i++) this.send(rows[i] as Buffer);
      const count = end - portal.sent;
      portal.sent = end;
      if (end < rows.length) this.send(PORTAL_SUSPENDED);
      else this.sendOutcomeEnd(outcome, count);
      return;
    }
    if (outcome.kind === 'command') {
      if (portal.sent === 0) this.sendOutcomeEnd(outcome, 0);
      portal.sent = 1;
      return;
    }
    const end = maxRows > 0 ? Math.min(outcome.rows.length, portal.sent + maxRows) : outcome.rows.length;
    this.sendRows(outcome, portal.sent, end, portal.formats);
    const count = end - portal.sent;
    portal.sent = end;
    if (end < outcome.rows.length) this.send(PORTAL_SUSPENDED);
    else this.sendOutcomeEnd(outcome, count);
  }

  /** A statement's result columns without fetching from Backlog (Describe of a statement). */
  private async describeColumns(statement: Prepared): Promise<ResultColumn[] | undefined> {
    const c = chatter(statement.sql);
    if (c) return c.kind === 'show' ? [{ name: c.name, type: pgTypeOf('VARCHAR') }] : undefined;
    const { text, admitted } = await this.admit(statement.sql);
    const nulls = statement.paramTypes.map(() => null);
    // DuckDB describes the statement over the (empty) schema tables: no Backlog request. A write
    // without RETURNING has no columns (NoData).
    const columns = await this.ctx.connection.describe(text, nulls.length ? nulls : undefined);
    if (columns.length === 0 && admitted.kind !== 'query') return undefined;
    return columns.map((col) => ({ name: pgColumnName(col.name), type: pgTypeOf(col.type) }));
  }

  /** The statement the data engine runs: session functions replaced, `public.` dropped. */
  private dataSql(sql: string): string {
    const r = this.ctx.catalog.route(sql);
    const values = { user: this.user, database: this.database, version: this.versionString(), pid: this.keys?.pid ?? 0 };
    return stripPublicSchema(r.engine === 'data' && r.substitutions.length ? substitute(sql, r.substitutions, values) : sql);
  }

  private versionString(): string {
    return `PostgreSQL ${this.settings.get('server_version') ?? ''}${VERSION_SUFFIX}`;
  }

  /**
   * Describe of a statement the catalog engine answers: its own ParameterDescription and
   * RowDescription. Undefined for statements of the data engine.
   */
  private async describeOnCatalog(statement: Prepared): Promise<RawAnswer | undefined> {
    const c = chatter(statement.sql);
    if (c && c.kind !== 'show') return undefined;
    await this.ctx.catalog.viewsReady();
    const r = this.ctx.catalog.route(statement.sql);
    if (r.engine === 'mixed') throw mixedError(r.catalogName, r.backlogName);
    if (r.engine === 'data') return undefined;
    const catalog = await this.catalogSession();
    try {
      return await catalog.describe(withOurVersion(statement.sql, r.versionCalls, this.keys?.pid ?? 0), statement.paramTypes);
    } catch (e) {
      if (r.engine === 'either' && e instanceof PgServerError && FALL_BACK_TO_DATA.has(e.code)) return undefined;
      throw e;
    }
  }

  /**
   * This client's catalog connection, opened on first use: logged in as the client's user, to
   * its database, with its startup settings. An engine that cannot be reached is an error of the
   * statement (the login already succeeded), and the next statement tries again.
   */
  private async catalogSession(): Promise<CatalogSession> {
    if (this.catalog) return this.catalog;
    this.catalogOpening ??= this.ctx.catalog.open(this.user, this.database, this.catalogParams).then(
      (catalog) => {
        if (this.state === 'closed') catalog.close();
        else this.catalog = catalog;
        return catalog;
      },
      (e: unknown) => {
        this.catalogOpening = undefined;
        if (e instanceof PgServerError) throw new WireError(e.code, e.message, e.fields.H);
        this.ctx.log('error', 'could not open a catalog session', e);
        throw new WireError('XX000', 'the catalog engine is not available', 'Try again; if it persists, see the server log.');
      },
    );
    return this.catalogOpening;
  }

  private async runOnCatalog(sql: string, raw: RawParams | undefined): Promise<Outcome> {
    this.catalogBusy = true;
    this.catalogCancelled = false;
    try {
      const catalog = await this.catalogSession();
      if (this.catalogCancelled) throw new WireError('57014', 'canceling statement due to user request');
      const answer = await catalog.run(sql, raw);
      return { kind: 'raw', answer, tag: answer.tag ?? 'SELECT', notices: answer.notices.filter((n) => n.S === 'WARNING').map((n) => n.M ?? '') };
    } finally {
      this.catalogBusy = false;
    }
  }

  /**
   * Run one statement: session chatter here; catalog and session queries on the catalog engine;
   * statements naming Backlog tables or procedures on the library (ARCHITECTURE.md §12).
   */
  private async run(sql: string, params: unknown[], raw: RawParams | undefined): Promise<Outcome> {
    const c = chatter(sql);
    if (c && c.kind !== 'show') {
      // A setting of the shared data engine is refused first (with the reason, not as unknown);
      // PostgreSQL then checks the name and value, and keeps it for the catalog queries.
      if (c.kind === 'set') this.assertSettable(c.name.toLowerCase(), c.value);
      if (c.kind === 'reset' && c.name !== 'all') this.assertSettable(c.name, this.defaults.get(c.name) ?? '');
      // PostgreSQL checks the name and value, and keeps the setting for the catalog queries.
      // A RESET ALL before the engine connection exists has nothing there to reset.
      const nothingToReset = c.kind === 'reset' && c.name === 'all' && !this.catalogOpening;
      if ((c.kind === 'set' || c.kind === 'reset') && !nothingToReset) await (await this.catalogSession()).set(sql);
      if (c.kind === 'deallocate') this.deallocate(sql);
      return this.runChatter(c);
    }
    // User-defined views created since (here or by another process) are in both engines first.
    await this.ctx.catalog.viewsReady();
    const r = this.ctx.catalog.route(sql);
    if (r.engine === 'mixed') throw mixedError(r.catalogName, r.backlogName);
    if (r.engine === 'catalog' || r.engine === 'either') {
      try {
        return await this.runOnCatalog(withOurVersion(sql, r.versionCalls, this.keys?.pid ?? 0), raw);
      } catch (e) {
        if (!(r.engine === 'either' && e instanceof PgServerError && FALL_BACK_TO_DATA.has(e.code))) throw e;
        // Neither engine knows it: PostgreSQL's error, except for an unknown table, where the
        // library's names the closest Backlog table.
        return this.runOnData(sql, params).catch((dataError: unknown) => {
          // A statement the wire policy refuses gets the policy's reason, not PostgreSQL's.
          const refused = ['42501', '0A000', '25006'].includes(sqlstateOf(dataError));
          throw e.code === '42P01' || refused ? dataError : e;
        });
      }
    }
    return this.runOnData(sql, params);
  }

  /** DEALLOCATE name | ALL: psqlODBC frees its statements so, then prepares the same names again. */
  private deallocate(sql: string): void {
    const m = /^\s*DEALLOCATE\s+(?:PREPARE\s+)?("(?:[^"]|"")+"|\S+?)\s*;?\s*$/i.exec(sql);
    if (!m) return;
    const name = m[1] as string;
    if (/^ALL$/i.test(name)) this.statements.clear();
    else this.statements.delete(name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name.toLowerCase());
  }

  /**
   * The statement the data engine runs (./policy.ts's verdict on it): session functions replaced,
   * `public.` dropped. Throws the error a refused statement gets.
   */
  private async admit(sql: string): Promise<{ text: string; admitted: Admitted }> {
    const text = this.dataSql(sql);
    return { text, admitted: await this.ctx.policy.admit(text, this.access) };
  }

  private async runOnData(sql: string, params: unknown[]): Promise<Outcome> {
    const { text } = await this.admit(sql);
    const controller = new AbortController();
    this.current = controller;
    try {
      let result;
      try {
        result = await this.ctx.connection.query(text, params.length ? params : undefined, {
          signal: controller.signal,
          rowMode: 'array',
          session: this.writeSession,
        });
      } catch (e) {
        if (e instanceof BacklogSqlError && (e.code === 'WRITE_PARTIAL' || e.code === 'WRITE_OUTCOME_UNKNOWN')) this.writesSinceBegin++;
        throw e;
      }
      const command = result.command ?? 'SELECT';
      const write = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE';
      if (write) this.writesSinceBegin += result.rowCount;
      // PostgreSQL's tags: INSERT 0 n (the 0 is the historical OID), UPDATE n, DELETE n, CALL.
      const tag = command === 'INSERT' ? `INSERT 0 ${result.rowCount}` : write ? `${command} ${result.rowCount}` : command === 'CALL' ? 'CALL' : 'SELECT';
      if (write && result.columns.length === 0) return { kind: 'command', tag, notices: result.stats.warnings };
      const columns = result.columns.map((col) => ({ name: pgColumnName(col.name), type: pgTypeOf(col.type) }));
      const rows = result.rows as unknown[][];
      if (!write && dividedByZero(sql, columns, rows)) throw new WireError('22012', 'division by zero');
      return { kind: 'rows', columns, rows, tag, notices: result.stats.warnings };
    } finally {
      if (this.current === controller) this.current = undefined;
    }
  }

  /**
   * SET / RESET change only this session's PostgreSQL settings: a name of the shared engine's
   * (DuckDB's enable_external_access, threads…) is refused rather than answered with a SET that
   * changes nothing; a read-only user cannot turn transaction_read_only off.
   */
  private assertSettable(name: string, value: string): void {
    if (this.ctx.policy.isEngineSetting(name, SESSION_SETTINGS)) {
      throw new WireError(
        '42501',
        `permission denied to set parameter "${name}"`,
        "The server's engine settings are fixed by its operator for every client; a session changes only its own PostgreSQL settings (application_name, DateStyle, TimeZone, search_path…).",
      );
    }
    if (
      this.access === 'read-only' &&
      (name === 'transaction_read_only' || name === 'default_transaction_read_only') &&
      !/^(on|true|yes|1)$/i.test(value.trim())
    ) {
      throw new WireError('25006', `cannot set ${name} to ${value}: this user may only read`, "The user is marked readonly in the server's users file.");
    }
  }

  private runChatter(c: Chatter): Outcome {
    switch (c.kind) {
      case 'set': {
        const name = c.name.toLowerCase();
        this.assertSettable(name, c.value);
        this.settings.set(name, c.value);
        const reported = REPORTED.find(([, n]) => n === name && n === 'application_name');
        return { kind: 'command', tag: 'SET', notices: [], ...(reported ? { status: [[reported[0], c.value]] } : {}) };
      }
      case 'reset':
        if (c.name === 'all') for (const [k, v] of this.defaults) this.settings.set(k, v);
        else {
          this.assertSettable(c.name, this.defaults.get(c.name) ?? '');
          this.settings.set(c.name, this.defaults.get(c.name) ?? '');
        }
        return { kind: 'command', tag: 'RESET', notices: [] };
      case 'show': {
        const value = this.settings.get(c.name);
        if (value === undefined) throw new WireError('42704', `unrecognized configuration parameter "${c.name}"`);
        return { kind: 'rows', columns: [{ name: c.name, type: pgTypeOf('VARCHAR') }], rows: [[value]], tag: 'SHOW', notices: [] };
      }
      case 'begin':
        this.inTransaction = true;
        this.writesSinceBegin = 0;
        return { kind: 'command', tag: c.tag, notices: [] };
      case 'commit':
        this.inTransaction = false;
        return { kind: 'command', tag: c.tag, notices: [] };
      case 'rollback': {
        const notices =
          this.writesSinceBegin > 0 ? [`Backlog has no transactions: ${this.writesSinceBegin} write(s) since BEGIN were applied and are not undone`] : [];
        this.inTransaction = false;
        this.writesSinceBegin = 0;
        return { kind: 'command', tag: c.tag, notices };
      }
      case 'discard':
        if (c.tag === 'DISCARD ALL') {
          this.statements.clear();
          this.portals.clear();
        }
        return { kind: 'command', tag: c.tag, notices: [] };
      case 'deallocate':
        return { kind: 'command', tag: c.tag, notices: [] };
      default:
        return { kind: 'command', tag: c.tag, notices: [] };
    }
  }
}

/** PostgreSQL errors after which a statement naming no relation is tried on the data engine. */
const FALL_BACK_TO_DATA = new Set(['42601', '42883', '42704', '42P01', '0A000', '42846', '42804']);

function mixedError(catalogName: string, backlogName: string): WireError {
  return new WireError(
    '0A000',
    `a statement cannot combine the catalog relation ${catalogName} with the Backlog table ${backlogName}`,
    'Catalog relations (pg_catalog, information_schema) describe the tables; query them and the Backlog tables in separate statements.',
  );
}

/**
 * DuckDB's float division answers x / 0 with ±Infinity where PostgreSQL raises 22012; a Backlog
 * value is never infinite, so an infinite float in the result of a statement that divides is one.
 */
function dividedByZero(sql: string, columns: ResultColumn[], rows: unknown[][]): boolean {
  if (!sql.includes('/')) return false;
  const floats = columns.flatMap((c, i) => (c.type.oid === OID.float8 || c.type.oid === OID.float4 ? [i] : []));
  if (floats.length === 0) return false;
  return rows.some((row) => floats.some((i) => row[i] === Infinity || row[i] === -Infinity));
}

function formatOf(formats: number[], i: number): number {
  if (formats.length === 0) return 0;
  if (formats.length === 1) return formats[0] as number;
  return formats[i] ?? 0;
}

function rowDescription(columns: ResultColumn[], formats: number[]): Buffer {
  const w = new MessageWriter('T').int16(columns.length);
  columns.forEach((c, i) => {
    w.cstring(c.name).int32(0).int16(0).int32(c.type.oid).int16(c.type.size).int32(c.type.modifier).int16(formatOf(formats, i));
  });
  return w.finish();
}

/** A positive 31-bit number for backend key data. */
export function randomKey(): number {
  return randomInt(1, 2 ** 31 - 1);
}
