/**
 * The wire reader: however the bytes arrive (one chunk, byte by byte, random cuts), the same
 * messages come out; a length above the limit is refused from the header, before the body.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MessageReader, ProtocolError } from '../../src/pgserver/wire.js';

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function startupMessage(): Buffer {
  const body = Buffer.from('\0\x03\0\0user\0me\0database\0backlog\0\0', 'latin1');
  const head = Buffer.alloc(4);
  head.writeInt32BE(body.length + 4);
  return Buffer.concat([head, body]);
}

/** A seeded random number generator (tests must not depend on luck). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

/** Feed `bytes` to a fresh reader in the given chunk sizes; the messages it yields, as text. */
function read(bytes: Buffer, sizes: () => number, maxLength = 1 << 20): string[] {
  const reader = new MessageReader();
  reader.maxLength = maxLength;
  const out: string[] = [];
  for (let at = 0; at < bytes.length; ) {
    const n = Math.max(1, Math.min(bytes.length - at, sizes()));
    for (const m of reader.push(bytes.subarray(at, at + n))) out.push(`${m.type}:${m.body.toString('latin1')}`);
    at += n;
  }
  // The startup message is cut alone; what followed it is cut on the next push.
  for (const m of reader.push(Buffer.alloc(0))) out.push(`${m.type}:${m.body.toString('latin1')}`);
  assert.equal(reader.pending, 0);
  return out;
}

describe('MessageReader', () => {
  const stream = Buffer.concat([
    startupMessage(),
    message('Q', Buffer.from("SELECT 'a long enough query to cross chunk boundaries', 42\0")),
    ...Array.from({ length: 50 }, () => message('S', Buffer.alloc(0))),
    message('Q', Buffer.from(`SELECT '${'x'.repeat(70_000)}'\0`)),
    message('X', Buffer.alloc(0)),
  ]);
  const whole = read(stream, () => stream.length);

  test('the same messages whether the bytes come at once, one by one, or in random cuts', () => {
    assert.equal(whole.length, 1 + 1 + 50 + 1 + 1);
    assert.ok((whole[0] as string).startsWith(':\0\x03\0\0user\0me'));
    assert.deepEqual(
      read(stream, () => 1),
      whole,
    );
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed);
      assert.deepEqual(
        read(stream, () => Math.floor(next() * 3000)),
        whole,
        `seed ${seed}`,
      );
      assert.deepEqual(
        read(stream, () => (next() < 0.5 ? 1 + Math.floor(next() * 8) : Math.floor(next() * 100_000))),
        whole,
        `seed ${seed}, mixed`,
      );
    }
  });

  test('a length above the limit is refused from the five header bytes, before any body arrives', () => {
    const reader = new MessageReader();
    reader.push(startupMessage());
    reader.maxLength = 1024;
    const head = Buffer.alloc(5);
    head.write('Q', 0, 'latin1');
    head.writeInt32BE(64 * 1024 * 1024, 1);
    assert.throws(
      () => reader.push(head),
      (e: Error) => e instanceof ProtocolError && /message of 67108864 bytes exceeds the server's limit of 1024 bytes/.test(e.message),
    );
    const fresh = new MessageReader();
    assert.throws(() => fresh.push(Buffer.from([0x7f, 0xff, 0xff, 0xff])), /exceeds the server's limit of 16384 bytes/);
    assert.throws(() => new MessageReader().push(Buffer.from([0, 0, 0, 2])), /invalid message length 2/);
  });
});
