/**
 * From the library's column types and JS values to PostgreSQL type OIDs and the text and binary
 * wire formats, and back for Bind parameters. The text forms are what PostgreSQL itself prints
 * with DateStyle ISO and TimeZone UTC (which the server reports at startup), so clients parse
 * them with their stock code.
 */

import { ARRAY_ELEMENTS, inferElements, parseArrayBinary, parseArrayText } from './arrays.js';

export const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  unknown: 705,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

export interface PgType {
  oid: number;
  /** pg_type.typlen: fixed size, or -1 for variable length. */
  size: number;
  /** Type modifier: for numeric ((precision << 16) | scale) + 4; otherwise -1. */
  modifier: number;
  /** Digits after the point for DECIMAL(p,s), which PostgreSQL always prints. */
  scale?: number;
}

/** The PostgreSQL type for a type name the library (DuckDB) reports. */
export function pgTypeOf(typeName: string): PgType {
  const t = typeName.toUpperCase().trim();
  const dec = /^(?:DECIMAL|NUMERIC)\((\d+),\s*(\d+)\)$/.exec(t);
  if (dec) {
    const precision = Number(dec[1]);
    const scale = Number(dec[2]);
    return { oid: OID.numeric, size: -1, modifier: ((precision << 16) | scale) + 4, scale };
  }
  switch (t) {
    case 'BOOLEAN':
      return { oid: OID.bool, size: 1, modifier: -1 };
    case 'TINYINT':
    case 'SMALLINT':
    case 'UTINYINT':
      return { oid: OID.int2, size: 2, modifier: -1 };
    case 'INTEGER':
    case 'USMALLINT':
      return { oid: OID.int4, size: 4, modifier: -1 };
    case 'BIGINT':
    case 'UINTEGER':
      return { oid: OID.int8, size: 8, modifier: -1 };
    case 'HUGEINT':
    case 'UHUGEINT':
    case 'UBIGINT':
    case 'DECIMAL':
    case 'NUMERIC':
      return { oid: OID.numeric, size: -1, modifier: -1 };
    case 'FLOAT':
    case 'REAL':
      return { oid: OID.float4, size: 4, modifier: -1 };
    case 'DOUBLE':
      return { oid: OID.float8, size: 8, modifier: -1 };
    case 'VARCHAR':
      return { oid: OID.varchar, size: -1, modifier: -1 };
    case 'DATE':
      return { oid: OID.date, size: 4, modifier: -1 };
    case 'TIMESTAMPTZ':
    case 'TIMESTAMP WITH TIME ZONE':
      return { oid: OID.timestamptz, size: 8, modifier: -1 };
    case 'TIMESTAMP':
    case 'TIMESTAMP_MS':
    case 'TIMESTAMP_S':
    case 'TIMESTAMP_NS':
      return { oid: OID.timestamp, size: 8, modifier: -1 };
    case 'JSON':
      return { oid: OID.json, size: -1, modifier: -1 };
    case 'UUID':
      return { oid: OID.uuid, size: 16, modifier: -1 };
    default:
      // Lists, structs, intervals, blobs…: text, in a readable (JSON) form.
      return { oid: OID.text, size: -1, modifier: -1 };
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** PostgreSQL's ISO text for a timestamp in UTC, with `+00` for timestamptz. */
function timestampText(d: Date, withZone: boolean): string {
  const year = d.getUTCFullYear();
  const ms = d.getUTCMilliseconds();
  const base = `${year < 0 ? '-' : ''}${pad(Math.abs(year), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${ms ? `.${pad(ms, 3).replace(/0+$/, '')}` : ''}`;
  return withZone ? `${base}+00` : base;
}

function floatText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

function numericText(v: unknown, type: PgType): string {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    return type.scale !== undefined ? v.toFixed(type.scale) : String(v);
  }
  return String(v);
}

/** A non-null value in text format. */
export function encodeText(v: unknown, type: PgType): string {
  switch (type.oid) {
    case OID.bool:
      return v ? 't' : 'f';
    case OID.float4:
    case OID.float8:
      return floatText(Number(v));
    case OID.numeric:
      return numericText(v, type);
    case OID.timestamptz:
    case OID.timestamp:
      return v instanceof Date ? timestampText(v, type.oid === OID.timestamptz) : String(v);
    default:
      if (typeof v === 'string') return v;
      if (v instanceof Date) return v.toISOString();
      if (typeof v === 'object') return JSON.stringify(v);
      return String(v);
  }
}

/** Microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);

/** PostgreSQL's binary numeric: base-10000 digits, weight, sign, display scale. */
function numericBinary(text: string): Buffer {
  if (text === 'NaN') {
    const b = Buffer.alloc(8);
    b.writeUInt16BE(0xc000, 4);
    return b;
  }
  const negative = text.startsWith('-');
  const [intPartRaw = '0', fracPart = ''] = text.replace(/^[-+]/, '').split('.');
  const intPart = intPartRaw.replace(/^0+/, '');
  const dscale = fracPart.length;
  // Pad the integer part on the left and the fraction on the right to groups of 4 digits.
  const intPadded = intPart.padStart(Math.ceil(intPart.length / 4) * 4, '0');
  const fracPadded = fracPart.padEnd(Math.ceil(fracPart.length / 4) * 4, '0');
  const groups: number[] = [];
  for (let i = 0; i < intPadded.length; i += 4) groups.push(Number(intPadded.slice(i, i + 4)));
  const intGroups = groups.length;
  for (let i = 0; i < fracPadded.length; i += 4) groups.push(Number(fracPadded.slice(i, i + 4)));
  let weight = intGroups - 1;
  // Strip leading and trailing zero groups (PostgreSQL's canonical form).
  while (groups.length > 0 && groups[0] === 0) {
    groups.shift();
    weight--;
  }
  while (groups.length > 0 && groups[groups.length - 1] === 0) groups.pop();
  if (groups.length === 0) weight = 0;
  const b = Buffer.alloc(8 + groups.length * 2);
  b.writeInt16BE(groups.length, 0);
  b.writeInt16BE(weight, 2);
  b.writeUInt16BE(negative && groups.length > 0 ? 0x4000 : 0, 4);
  b.writeInt16BE(dscale, 6);
  groups.forEach((g, i) => b.writeUInt16BE(g, 8 + i * 2));
  return b;
}

function dateDays(text: string): number {
  return Math.round((Date.parse(`${text}T00:00:00Z`) - PG_EPOCH_MS) / 86_400_000);
}

/** A non-null value in binary format. */
export function encodeBinary(v: unknown, type: PgType): Buffer {
  switch (type.oid) {
    case OID.bool:
      return Buffer.from([v ? 1 : 0]);
    case OID.int2: {
      const b = Buffer.alloc(2);
      b.writeInt16BE(Number(v));
      return b;
    }
    case OID.int4: {
      const b = Buffer.alloc(4);
      b.writeInt32BE(Number(v));
      return b;
    }
    case OID.int8: {
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(BigInt(v as number | string));
      return b;
    }
    case OID.float4: {
      const b = Buffer.alloc(4);
      b.writeFloatBE(Number(v));
      return b;
    }
    case OID.float8: {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(Number(v));
      return b;
    }
    case OID.numeric:
      return numericBinary(numericText(v, type));
    case OID.date: {
      const b = Buffer.alloc(4);
      b.writeInt32BE(dateDays(String(v)));
      return b;
    }
    case OID.timestamp:
    case OID.timestamptz: {
      const ms = v instanceof Date ? v.getTime() : Date.parse(String(v));
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(BigInt(ms - PG_EPOCH_MS) * 1000n);
      return b;
    }
    case OID.uuid:
      return Buffer.from(String(v).replaceAll('-', ''), 'hex');
    default:
      return Buffer.from(encodeText(v, type), 'utf8');
  }
}

/**
 * A Bind parameter → the JS value the library takes (numbers, booleans, strings, null; arrays for
 * array types). `asArray`: an untyped parameter the statement uses as an array (`ANY($n)`).
 */
export function decodeParam(raw: Buffer | null, oid: number, binary: boolean, asArray = false): unknown {
  if (raw === null) return null;
  const element = ARRAY_ELEMENTS[oid];
  if (element !== undefined) {
    if (binary) return parseArrayBinary(raw).items.map((item) => decodeParam(item, element, true));
    return parseArrayText(raw.toString('utf8')).map((item) => (item === null ? null : decodeParam(Buffer.from(item, 'utf8'), element, false)));
  }
  if (asArray && oid === 0 && !binary && raw.toString('utf8').trimStart().startsWith('{')) return inferElements(parseArrayText(raw.toString('utf8')));
  if (binary) {
    switch (oid) {
      case OID.bool:
        return raw[0] !== 0;
      case OID.int2:
        return raw.readInt16BE(0);
      case OID.int4:
      case OID.oid:
        return raw.readInt32BE(0);
      case OID.int8: {
        const n = raw.readBigInt64BE(0);
        return Number.isSafeInteger(Number(n)) ? Number(n) : n.toString();
      }
      case OID.float4:
        return raw.readFloatBE(0);
      case OID.float8:
        return raw.readDoubleBE(0);
      case OID.date:
        return new Date(PG_EPOCH_MS + raw.readInt32BE(0) * 86_400_000).toISOString().slice(0, 10);
      case OID.timestamp:
      case OID.timestamptz:
        return new Date(PG_EPOCH_MS + Number(raw.readBigInt64BE(0) / 1000n)).toISOString();
      case OID.numeric:
        return numericFromBinary(raw);
      case OID.uuid: {
        const h = raw.toString('hex');
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
      }
      default:
        return raw.toString('utf8');
    }
  }
  const text = raw.toString('utf8');
  switch (oid) {
    case OID.bool:
      return /^(t|true|y|yes|on|1)$/i.test(text.trim());
    case OID.int2:
    case OID.int4:
    case OID.int8:
    case OID.oid:
    case OID.float4:
    case OID.float8: {
      const n = Number(text);
      return Number.isFinite(n) && (oid === OID.float4 || oid === OID.float8 || Number.isSafeInteger(n)) ? n : text;
    }
    default:
      return text;
  }
}

function numericFromBinary(raw: Buffer): string {
  const ndigits = raw.readInt16BE(0);
  const weight = raw.readInt16BE(2);
  const sign = raw.readUInt16BE(4);
  const dscale = raw.readInt16BE(6);
  if (sign === 0xc000) return 'NaN';
  let intPart = '';
  let frac = '';
  for (let i = 0; i < ndigits; i++) {
    const d = String(raw.readUInt16BE(8 + i * 2)).padStart(4, '0');
    if (i <= weight) intPart += d;
    else frac += d;
  }
  if (weight >= ndigits) intPart += '0000'.repeat(weight - ndigits + 1);
  if (weight < -1) frac = '0000'.repeat(-weight - 1) + frac;
  intPart = intPart.replace(/^0+/, '') || '0';
  frac = frac.padEnd(dscale, '0').slice(0, dscale);
  return `${sign === 0x4000 ? '-' : ''}${intPart}${frac ? `.${frac}` : ''}`;
}
