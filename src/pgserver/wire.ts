/**
 * PostgreSQL protocol v3 framing: cutting the byte stream into messages, and building the
 * backend's messages. Only what the server needs; see the PostgreSQL docs "Message Formats".
 */

/** Special codes in the first (untyped) message of a connection. */
export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;
export const PROTOCOL_3 = 196608;

/** Before authentication a client may send only small messages (startup, SASL). */
export const MAX_UNAUTHENTICATED_MESSAGE = 16 * 1024;

export class ProtocolError extends Error {}

/** Chunks below this size are copied into shared blocks of BLOCK bytes (bounded overhead per byte). */
const SMALL_CHUNK = 1024;
const BLOCK = 16 * 1024;

export interface Message {
  /** The type byte as a character; '' for the untyped startup message. */
  type: string;
  body: Buffer;
}

/**
 * Accumulates socket data and yields complete messages. Chunks are kept as received and joined
 * once per message (never the whole buffer per chunk, which made a large message cost the square
 * of its size); a length above `maxLength` is refused from the header, before its body is read.
 */
export class MessageReader {
  private chunks: Buffer[] = [];
  /** Bytes of `chunks[0]` already consumed. */
  private head = 0;
  private size = 0;
  /** Small chunks (a client dripping bytes) are copied together into this block, the last of `chunks`. */
  private block: { buffer: Buffer; used: number } | undefined;
  /** The first message has no type byte. */
  startup = true;
  maxLength = MAX_UNAUTHENTICATED_MESSAGE;

  /** Add received bytes and cut every complete message (after the untyped startup message: stop). */
  push(chunk: Buffer): Message[] {
    this.append(chunk);
    const out: Message[] = [];
    for (let m = this.next(); m; m = this.next()) {
      out.push(m);
      if (m.type === '') break;
    }
    return out;
  }

  /** Add received bytes; the next message's header, once here, is checked at once. */
  append(chunk: Buffer): void {
    if (chunk.length >= SMALL_CHUNK) {
      this.chunks.push(chunk);
      this.block = undefined;
    } else if (chunk.length > 0) {
      if (!this.block || this.block.used + chunk.length > BLOCK || this.chunks.length === 0) {
        this.block = { buffer: Buffer.allocUnsafe(BLOCK), used: 0 };
        this.chunks.push(this.block.buffer.subarray(0, 0));
      }
      chunk.copy(this.block.buffer, this.block.used);
      this.block.used += chunk.length;
      this.chunks[this.chunks.length - 1] = this.block.buffer.subarray(0, this.block.used);
    }
    this.size += chunk.length;
    this.nextLength();
  }

  /** The whole length (header included) of the next message if its header is here; throws on a bad length. */
  private nextLength(): number | undefined {
    const header = this.startup ? 4 : 5;
    if (this.size < header) return undefined;
    const length = this.peek(header).readInt32BE(header - 4);
    if (length < 4) throw new ProtocolError(`invalid message length ${length}`);
    if (length > this.maxLength) throw new ProtocolError(`message of ${length} bytes exceeds the server's limit of ${this.maxLength} bytes`);
    return header - 4 + length;
  }

  /** Is a complete message waiting? (True for a bad header too: `next()` then throws its error.) */
  get ready(): boolean {
    try {
      const total = this.nextLength();
      return total !== undefined && this.size >= total;
    } catch {
      return true;
    }
  }

  /**
   * Cut the next complete message, if there is one: messages are cut one at a time as the
   * session handles them, so a chunk of thousands of pipelined messages is never parsed at once.
   * Only the first message is untyped (an SSLRequest is followed by another untyped one, which
   * the session re-arms by setting `startup` again).
   */
  next(): Message | undefined {
    const total = this.nextLength();
    if (total === undefined || this.size < total) return undefined;
    const header = this.startup ? 4 : 5;
    const bytes = this.take(total);
    const type = this.startup ? '' : String.fromCharCode(bytes[0] as number);
    this.startup = false;
    return { type, body: bytes.subarray(header) };
  }

  /** Bytes received but not yet cut into messages (after an SSLRequest: must be none). */
  get pending(): number {
    return this.size;
  }

  private dropFirst(): void {
    this.chunks.shift();
    this.head = 0;
    // The block is only ever the last chunk: once consumed, later bytes start a new one.
    if (this.chunks.length === 0) this.block = undefined;
  }

  /** The next `n` buffered bytes, not consumed (n is a header: a few bytes). */
  private peek(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    if (first.length - this.head >= n) return first.subarray(this.head, this.head + n);
    const out = Buffer.alloc(n);
    let filled = 0;
    for (let i = 0; filled < n; i++) {
      const c = this.chunks[i] as Buffer;
      const from = i === 0 ? this.head : 0;
      filled += c.copy(out, filled, from, Math.min(c.length, from + n - filled));
    }
    return out;
  }

  /** Consume the next `n` bytes: a view into one chunk, or one copy when they span several. */
  private take(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    if (first.length - this.head >= n) {
      const out = first.subarray(this.head, this.head + n);
      this.head += n;
      this.size -= n;
      if (this.head === first.length) this.dropFirst();
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0] as Buffer;
      const copied = c.copy(out, filled, this.head, Math.min(c.length, this.head + n - filled));
      filled += copied;
      this.head += copied;
      if (this.head === c.length) this.dropFirst();
    }
    this.size -= n;
    return out;
  }
}

/** Reads the fields of one message body. */
export class BodyReader {
  private offset = 0;
  constructor(private readonly body: Buffer) {}

  int16(): number {
    const v = this.body.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    const v = this.body.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  cstring(): string {
    return this.cstringBytes().toString('utf8');
  }

  /** A string field's UTF-8 bytes, not decoded (a view, not a copy): a statement is checked before it is decoded. */
  cstringBytes(): Buffer {
    const end = this.body.indexOf(0, this.offset);
    if (end < 0) throw new ProtocolError('unterminated string');
    const b = this.body.subarray(this.offset, end);
    this.offset = end + 1;
    return b;
  }

  bytes(n: number): Buffer {
    if (this.offset + n > this.body.length) throw new ProtocolError('message too short');
    const b = this.body.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }

  rest(): Buffer {
    const b = this.body.subarray(this.offset);
    this.offset = this.body.length;
    return b;
  }

  get done(): boolean {
    return this.offset >= this.body.length;
  }
}

/** Builds one backend message. */
export class MessageWriter {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly type: string) {}

  private add(b: Buffer): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  int8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeUInt8(v);
    return this.add(b);
  }

  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.add(b);
  }

  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return this.add(b);
  }

  cstring(s: string): this {
    return this.add(Buffer.from(`${s}\0`, 'utf8'));
  }

  bytes(b: Buffer): this {
    return this.add(b);
  }

  finish(): Buffer {
    const head = Buffer.alloc(5);
    head.write(this.type, 0, 'latin1');
    head.writeInt32BE(this.size + 4, 1);
    return Buffer.concat([head, ...this.parts], 5 + this.size);
  }
}

export function authenticationOk(): Buffer {
  return new MessageWriter('R').int32(0).finish();
}

export function parameterStatus(name: string, value: string): Buffer {
  return new MessageWriter('S').cstring(name).cstring(value).finish();
}

export function backendKeyData(pid: number, key: number): Buffer {
  return new MessageWriter('K').int32(pid).int32(key).finish();
}

export function readyForQuery(status: 'I' | 'T' | 'E'): Buffer {
  return new MessageWriter('Z').bytes(Buffer.from(status, 'latin1')).finish();
}

export function commandComplete(tag: string): Buffer {
  return new MessageWriter('C').cstring(tag).finish();
}

export function emptyQueryResponse(): Buffer {
  return new MessageWriter('I').finish();
}

export const PARSE_COMPLETE = new MessageWriter('1').finish();
export const BIND_COMPLETE = new MessageWriter('2').finish();
export const CLOSE_COMPLETE = new MessageWriter('3').finish();
export const NO_DATA = new MessageWriter('n').finish();
export const PORTAL_SUSPENDED = new MessageWriter('s').finish();

export interface NoticeFields {
  severity: 'ERROR' | 'FATAL' | 'WARNING' | 'NOTICE';
  code: string;
  message: string;
  detail?: string | undefined;
  hint?: string | undefined;
  position?: number | undefined;
}

/** ErrorResponse ('E') or NoticeResponse ('N'). */
export function errorOrNotice(type: 'E' | 'N', f: NoticeFields): Buffer {
  const w = new MessageWriter(type);
  const field = (code: string, value: string) => w.bytes(Buffer.from(code, 'latin1')).cstring(value);
  field('S', f.severity);
  field('V', f.severity);
  field('C', f.code);
  field('M', f.message);
  if (f.detail) field('D', f.detail);
  if (f.hint) field('H', f.hint);
  if (f.position !== undefined && f.position > 0) field('P', String(f.position));
  return w.int8(0).finish();
}
