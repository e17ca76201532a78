/**
 * A minimal PostgreSQL frontend for the catalog engine (ARCHITECTURE.md §12): startup with a
 * cleartext password over the engine's private Unix socket, simple queries, and one pipelined
 * round trip for a client's statement whose answer is kept as the backend's own messages, so the
 * wire server can relay RowDescription and DataRow bytes exactly as PostgreSQL wrote them
 * (text or binary, with its type OIDs and modifiers).
 */
import { connect, type Socket } from 'node:net';

/** One backend message: its type byte and body (without the length word). */
export interface BackendMessage {
  type: string;
  body: Buffer;
}

/** An ErrorResponse or NoticeResponse, by field code (C = SQLSTATE, M = message, H = hint…). */
export type NoticeMap = Record<string, string>;

export class PgServerError extends Error {
  constructor(readonly fields: NoticeMap) {
    super(fields.M ?? 'error');
  }

  get code(): string {
    return this.fields.C ?? 'XX000';
  }
}

export class PgConnectionClosed extends Error {}

/**
 * One frontend message, written into a single buffer: a part given as a string is written there
 * as a C string directly, so a client's megabyte statement is copied once on its way to the
 * engine (building it from concatenated pieces copied it four times, and each copy was garbage the
 * whole process paused to collect).
 */
function message(type: string, ...parts: (Buffer | string)[]): Buffer {
  let length = 4;
  for (const p of parts) length += typeof p === 'string' ? Buffer.byteLength(p, 'utf8') + 1 : p.length;
  const out = Buffer.allocUnsafe(1 + length);
  out.write(type, 0, 'latin1');
  out.writeInt32BE(length, 1);
  let at = 5;
  for (const p of parts) {
    if (typeof p === 'string') {
      at += out.write(p, at, 'utf8');
      out[at++] = 0;
    } else at += p.copy(out, at);
  }
  return out;
}

const cstring = (s: string) => Buffer.from(`${s}\0`, 'utf8');
const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

export function parseNotice(body: Buffer): NoticeMap {
  const fields: NoticeMap = {};
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const code = String.fromCharCode(body[i] as number);
    const end = body.indexOf(0, i + 1);
    fields[code] = body.toString('utf8', i + 1, end);
    i = end + 1;
  }
  return fields;
}

/** Parameters of a client's statement, passed through as the client sent them. */
export interface RawParams {
  types: number[];
  formats: number[];
  values: (Buffer | null)[];
  resultFormats: number[];
}

/** What the engine answered to one statement. */
export interface RawAnswer {
  /** ParameterDescription ('t'), when asked for a statement description. */
  parameters?: Buffer;
  /** RowDescription ('T') or NoData ('n') as a complete message. */
  description?: Buffer;
  /** DataRow messages, complete. */
  rows: Buffer[];
  /** CommandComplete's tag. */
  tag?: string;
  notices: NoticeMap[];
}

export interface PgClientOptions {
  socketPath: string;
  user: string;
  database: string;
  password?: string;
  /** Extra startup parameters (application_name…). */
  params?: Record<string, string>;
}

export class PgClient {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (m: BackendMessage) => void; reject: (e: Error) => void } | undefined;
  private readonly inbox: BackendMessage[] = [];
  private closedWith: Error | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  /** The backend's process id and cancel key (BackendKeyData). */
  pid = 0;
  secret = 0;
  readonly status = new Map<string, string>();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    const fail = (e?: Error) => {
      this.closedWith ??= e ?? new PgConnectionClosed('the catalog engine closed the connection');
      this.waiting?.reject(this.closedWith);
      this.waiting = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail());
  }

  static async connect(options: PgClientOptions): Promise<PgClient> {
    const socket = connect({ path: options.socketPath });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.setNoDelay?.(true);
    const client = new PgClient(socket);
    const params: Record<string, string> = { user: options.user, database: options.database, client_encoding: 'UTF8', ...options.params };
    const body = Buffer.concat([int32(196608), ...Object.entries(params).flatMap(([k, v]) => [cstring(k), cstring(v)]), Buffer.from([0])]);
    socket.write(Buffer.concat([int32(body.length + 4), body]));
    for (;;) {
      const m = await client.next();
      if (m.type === 'R') {
        const code = m.body.readInt32BE(0);
        if (code === 0) continue;
        if (code === 3) {
          socket.write(message('p', cstring(options.password ?? '')));
          continue;
        }
        client.close();
        throw new Error(`the catalog engine asked for authentication method ${code}`);
      }
      if (m.type === 'S') {
        const [k, v] = m.body.toString('utf8').split('\0');
        client.status.set(k as string, v as string);
      } else if (m.type === 'K') {
        client.pid = m.body.readInt32BE(0);
        client.secret = m.body.readInt32BE(4);
      } else if (m.type === 'E') {
        client.close();
        throw new PgServerError(parseNotice(m.body));
      } else if (m.type === 'Z') return client;
    }
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  close(): void {
    if (!this.closed) this.socket.end(message('X'));
    this.closedWith ??= new PgConnectionClosed('closed');
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.buffer.length >= 5) {
      const length = this.buffer.readInt32BE(1);
      if (this.buffer.length < length + 1) break;
      const m = { type: String.fromCharCode(this.buffer[0] as number), body: this.buffer.subarray(5, length + 1) };
      this.buffer = this.buffer.subarray(length + 1);
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w.resolve(m);
      } else this.inbox.push(m);
    }
  }

  private next(): Promise<BackendMessage> {
    const m = this.inbox.shift();
    if (m) return Promise.resolve(m);
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** One exchange at a time on this connection. */
  private serial<T>(run: () => Promise<T>): Promise<T> {
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  /** Simple query; resolves to the rows of the last result as text (throws the first error). */
  simple(sql: string): Promise<(string | null)[][]> {
    return this.serial(async () => {
      this.socket.write(message('Q', sql));
      let rows: (string | null)[][] = [];
      let error: PgServerError | undefined;
      for (;;) {
        const m = await this.next();
        if (m.type === 'T') rows = [];
        else if (m.type === 'D') rows.push(decodeRow(m.body));
        else if (m.type === 'E') error ??= new PgServerError(parseNotice(m.body));
        else if (m.type === 'Z') {
          if (error) throw error;
          return rows;
        }
      }
    });
  }

  /**
   * A client's statement in one round trip: `before` (simple queries, such as BEGIN READ ONLY),
   * then Parse/Bind/Describe/Execute/Sync of `sql` — or Parse/Describe-statement/Sync when
   * `describeOnly` — then `after` (ROLLBACK). Errors of the statement reject with its fields.
   */
  run(sql: string, params: RawParams | undefined, options: { before?: string; after?: string; describeOnly?: boolean }): Promise<RawAnswer> {
    return this.serial(async () => {
      const out: Buffer[] = [];
      if (options.before) out.push(message('Q', cstring(options.before)));
      const types = params?.types ?? [];
      out.push(message('P', '', sql, int16(types.length), ...types.map(int32)));
      if (options.describeOnly) out.push(message('D', Buffer.from('S'), cstring('')));
      else {
        const values = params?.values ?? [];
        const formats = params?.formats ?? [];
        const resultFormats = params?.resultFormats ?? [];
        out.push(
          message(
            'B',
            cstring(''),
            cstring(''),
            int16(formats.length),
            ...formats.map(int16),
            int16(values.length),
            ...values.flatMap((v) => (v === null ? [int32(-1)] : [int32(v.length), v])),
            int16(resultFormats.length),
            ...resultFormats.map(int16),
          ),
          message('D', Buffer.from('P'), cstring('')),
          message('E', cstring(''), int32(0)),
        );
      }
      out.push(message('S'));
      if (options.after) out.push(message('Q', cstring(options.after)));
      // One write of the pieces (corked: a writev), not a concatenated copy of them.
      this.socket.cork();
      for (const b of out) this.socket.write(b);
      this.socket.uncork();
      let ready = (options.before ? 1 : 0) + 1 + (options.after ? 1 : 0);
      let phase = options.before ? 'before' : 'main';
      const answer: RawAnswer = { rows: [], notices: [] };
      let mainError: PgServerError | undefined;
      let sideError: PgServerError | undefined;
      for (;;) {
        const m = await this.next();
        switch (m.type) {
          case 'Z':
            ready--;
            phase = phase === 'before' ? 'main' : 'after';
            if (ready === 0) {
              if (sideError && !mainError) throw sideError;
              if (mainError) throw mainError;
              return answer;
            }
            break;
          case 'E': {
            const e = new PgServerError(parseNotice(m.body));
            if (phase === 'main') mainError ??= e;
            else sideError ??= e;
            break;
          }
          case 'N':
            if (phase === 'main') answer.notices.push(parseNotice(m.body));
            break;
          case 't':
            if (phase === 'main') answer.parameters = frame(m);
            break;
          case 'T':
          case 'n':
            if (phase === 'main') answer.description = frame(m);
            break;
          case 'D':
            if (phase === 'main') answer.rows.push(frame(m));
            break;
          case 'C':
            if (phase === 'main') answer.tag = m.body.toString('utf8', 0, m.body.length - 1);
            break;
          case 'S': {
            const [k, v] = m.body.toString('utf8').split('\0');
            this.status.set(k as string, v as string);
            break;
          }
          default:
            break;
        }
      }
    });
  }
}

/** A message as it travels on the wire again (type, length, body). */
export function frame(m: BackendMessage): Buffer {
  return message(m.type, m.body);
}

/** A DataRow body as text values. */
export function decodeRow(body: Buffer): (string | null)[] {
  const n = body.readInt16BE(0);
  const out: (string | null)[] = [];
  let i = 2;
  for (let k = 0; k < n; k++) {
    const len = body.readInt32BE(i);
    i += 4;
    if (len < 0) out.push(null);
    else {
      out.push(body.toString('utf8', i, i + len));
      i += len;
    }
  }
  return out;
}
