/**
 * Bytes the emulator serves for downloads: icons (space, user, team and project; the Icon rate
 * class), attachments and shared files. Seeded files have no real content, so their bytes are
 * derived from their ids: the same space always serves the same bytes, exactly as long as the
 * `size` its JSON reports, without shipping files.
 */
import { deflateSync } from 'node:zlib';
import type { AttachmentRec, SharedFileRec } from './store.js';

const SIZE = 16;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 16×16 RGB identicon-like PNG: a mirrored 5×5 pattern in one colour on white. */
export function pngIcon(seed: number): Buffer {
  // xorshift from the seed: colour and pattern depend only on it.
  let x = (Math.imul(seed | 0, 2654435761) ^ 0x9e3779b9) >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  const colour = [64 + (next() % 160), 64 + (next() % 160), 64 + (next() % 160)] as const;
  const cells: boolean[][] = [];
  for (let row = 0; row < 5; row++) {
    const half = [0, 1, 2].map(() => next() % 2 === 0);
    cells.push([half[0], half[1], half[2], half[1], half[0]] as boolean[]);
  }
  const cell = 3;
  const margin = (SIZE - cell * 5) >> 1;
  const raw = Buffer.alloc(SIZE * (1 + SIZE * 3), 0xff);
  for (let y = 0; y < SIZE; y++) {
    const rowStart = y * (1 + SIZE * 3);
    raw[rowStart] = 0; // filter type: none
    for (let px = 0; px < SIZE; px++) {
      const cx = Math.floor((px - margin) / cell);
      const cy = Math.floor((y - margin) / cell);
      const on = cx >= 0 && cx < 5 && cy >= 0 && cy < 5 && cells[cy]?.[cx] === true;
      if (!on) continue;
      const at = rowStart + 1 + px * 3;
      raw[at] = colour[0];
      raw[at + 1] = colour[1];
      raw[at + 2] = colour[2];
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  header[10] = 0;
  header[11] = 0;
  header[12] = 0;
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  log: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  patch: 'text/x-diff',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/** Content type from a file name's extension (downloads of attachments). */
export function contentTypeOf(name: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}

/** `size` bytes made of `line` repeated (cut at the end). */
function repeated(line: string, size: number): Buffer {
  const pattern = Buffer.from(line, 'utf8');
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += pattern.length) pattern.copy(out, at, 0, Math.min(pattern.length, size - at));
  return out;
}

/** An attachment's bytes: what was uploaded, or (seeded ones) `size` bytes derived from the id. */
export function attachmentBytes(a: AttachmentRec): Buffer {
  return a.data ?? repeated(`backlog emulator attachment ${a.id} ${a.name}\n`, a.size);
}

/** A shared file's bytes: exactly `size` bytes, a repeated line naming the file. */
export function sharedFileBytes(f: SharedFileRec): Buffer {
  return repeated(`${f.dir}${f.name} (shared file ${f.id})\n`, f.size ?? 0);
}
