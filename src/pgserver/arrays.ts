/**
 * Array parameters from the wire (`WHERE Id = ANY($1)` with pgjdbc's `createArrayOf`, or
 * node-postgres passing a JS array): PostgreSQL's one-dimensional array formats, text
 * (`{1,2,"a b",NULL}`) and binary, decoded into the JS arrays the library binds as lists.
 */
import { SqlError } from '../errors.js';
import { mapCode } from '../sql/lexer.js';

/** Array type OID → element type OID (pg_type.typelem) for the element types we decode. */
export const ARRAY_ELEMENTS: Readonly<Record<number, number>> = {
  1000: 16, // bool[]
  1005: 21, // int2[]
  1007: 23, // int4[]
  1016: 20, // int8[]
  1009: 25, // text[]
  1015: 1043, // varchar[]
  1014: 1042, // bpchar[]
  1021: 700, // float4[]
  1022: 701, // float8[]
  1231: 1700, // numeric[]
  1182: 1082, // date[]
  1115: 1114, // timestamp[]
  1185: 1184, // timestamptz[]
};

/** The elements of a text-format array literal, as text (null for NULL). One dimension only. */
export function parseArrayText(text: string): (string | null)[] {
  const s = text.trim();
  if (!s.startsWith('{') || !s.endsWith('}')) throw arrayError(`"${s.slice(0, 40)}" is not an array literal`);
  const out: (string | null)[] = [];
  let i = 1;
  const end = s.length - 1;
  if (s.slice(1, end).trim() === '') return out;
  while (i <= end) {
    while (s[i] === ' ') i++;
    let item = '';
    let quoted = false;
    if (s[i] === '"') {
      quoted = true;
      i++;
      while (i < end && s[i] !== '"') {
        if (s[i] === '\\') i++;
        item += s[i] ?? '';
        i++;
      }
      if (s[i] !== '"') throw arrayError('an unterminated quoted element');
      i++;
    } else {
      while (i < end && s[i] !== ',') {
        if (s[i] === '{') throw arrayError('a multi-dimensional array (only one dimension is supported)');
        if (s[i] === '\\') i++;
        item += s[i] ?? '';
        i++;
      }
      item = item.trim();
    }
    while (s[i] === ' ') i++;
    out.push(!quoted && item.toUpperCase() === 'NULL' ? null : item);
    if (i >= end) break;
    if (s[i] !== ',') throw arrayError(`an unexpected "${s[i]}" at character ${i + 1}`);
    i++;
  }
  return out;
}

/** The element buffers of a binary-format array (null for NULL), and its element type. One dimension only. */
export function parseArrayBinary(raw: Buffer): { elementOid: number; items: (Buffer | null)[] } {
  const ndim = raw.readInt32BE(0);
  const elementOid = raw.readInt32BE(8);
  if (ndim === 0) return { elementOid, items: [] };
  if (ndim !== 1) throw arrayError('a multi-dimensional array (only one dimension is supported)');
  const length = raw.readInt32BE(12);
  const items: (Buffer | null)[] = [];
  let at = 20;
  for (let k = 0; k < length; k++) {
    const len = raw.readInt32BE(at);
    at += 4;
    if (len < 0) {
      items.push(null);
      continue;
    }
    items.push(raw.subarray(at, at + len));
    at += len;
  }
  return { elementOid, items };
}

/**
 * The `$n` a statement uses as an array — `ANY($n)`, `ALL($n)`, `unnest($n)` — so that an untyped
 * parameter (node-postgres sends a JS array as text `{…}` with no type) is read as one there, as
 * PostgreSQL infers it from the same context.
 */
export function arrayParameterPositions(sql: string): Set<number> {
  const positions = new Set<number>();
  mapCode(sql, (code) => {
    for (const m of code.matchAll(/\b(?:ANY|ALL|unnest)\s*\(\s*\$(\d+)\s*\)/gi)) positions.add(Number(m[1]));
    return code;
  });
  return positions;
}

/** An untyped array's elements: all whole numbers → numbers, otherwise text. */
export function inferElements(items: (string | null)[]): (string | number | null)[] {
  const whole = items.every((x) => x === null || /^-?(0|[1-9]\d{0,14})$/.test(x));
  return whole ? items.map((x) => (x === null ? null : Number(x))) : items;
}

function arrayError(what: string): SqlError {
  return new SqlError(`malformed array parameter: ${what}`, undefined, { sqlstate: '22P02', hint: 'Send a one-dimensional array, e.g. {1,2,3}.' });
}
