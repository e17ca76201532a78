/**
 * Statement text handling for the wire: splitting a simple-query message into statements,
 * counting `$n` parameters, and recognising the session chatter clients send (SET, SHOW, BEGIN,
 * COMMIT, ROLLBACK, DISCARD, DEALLOCATE, RESET), which the server answers itself.
 */

import { leadingCode, scanCode, segments } from '../sql/lexer.js';

export interface Piece {
  sql: string;
  /** 0-based offset of `sql` in the message (error positions are relative to the message). */
  offset: number;
}

/**
 * The statements of a simple-query message; empty ones (only blanks/comments) are dropped.
 * One pass over the text's segments, whatever its length.
 */
export function splitStatements(sql: string): Piece[] {
  const pieces: Piece[] = [];
  let start = 0;
  let content = false;
  const cut = (end: number) => {
    if (content) {
      const raw = sql.slice(start, end);
      const lead = raw.length - raw.trimStart().length;
      pieces.push({ sql: raw.trim(), offset: start + lead });
    }
    start = end + 1;
    content = false;
  };
  for (const s of segments(sql)) {
    if (s.kind === 'comment') continue;
    if (s.kind !== 'code') {
      content = true;
      continue;
    }
    // Semicolons searched within the segment only (a search to the end of the text per segment is quadratic).
    const code = sql.slice(s.start, s.end);
    let from = 0;
    for (let i = code.indexOf(';'); i !== -1; i = code.indexOf(';', i + 1)) {
      if (/\S/.test(code.slice(from, i))) content = true;
      cut(s.start + i);
      from = i + 1;
    }
    if (/\S/.test(code.slice(from))) content = true;
  }
  cut(sql.length);
  return pieces;
}

/** The statement with each comment replaced by a space (literals kept): one slice per segment. */
function stripComments(sql: string): string {
  return segments(sql)
    .map((s) => (s.kind === 'comment' ? ' ' : sql.slice(s.start, s.end)))
    .join('');
}

/** Statements the server answers itself start with one of these words. */
const CHATTER_WORDS = /^\s*(SET|RESET|SHOW|BEGIN|START|COMMIT|END|ROLLBACK|ABORT|DISCARD|DEALLOCATE|LISTEN|UNLISTEN|SAVEPOINT|RELEASE)\b/i;

/** The highest `$n` in the statement (the number of parameters it takes). */
export function parameterCount(sql: string): number {
  let max = 0;
  scanCode(sql, (i, ch) => {
    if (ch !== '$') return;
    const m = /^\$(\d+)/.exec(sql.slice(i, i + 8));
    if (m) max = Math.max(max, Number(m[1]));
  });
  return max;
}

export type Chatter =
  | { kind: 'set'; name: string; value: string }
  | { kind: 'reset'; name: string }
  | { kind: 'show'; name: string }
  | { kind: 'begin' | 'commit' | 'rollback' | 'discard' | 'deallocate' | 'listen' | 'noop'; tag: string };

function unquote(v: string): string {
  const t = v.trim();
  if (/^'.*'$/s.test(t)) return t.slice(1, -1).replaceAll("''", "'");
  if (/^".*"$/s.test(t)) return t.slice(1, -1).replaceAll('""', '"');
  return t;
}

/** Session statements the server answers without running SQL; undefined for anything else. */
export function chatter(sqlIn: string): Chatter | undefined {
  // Read from the start only, so a long query costs nothing here.
  if (!CHATTER_WORDS.test(leadingCode(sqlIn))) return undefined;
  const sql = stripComments(sqlIn)
    .trim()
    .replace(/;+\s*$/, '');
  const upper = sql.toUpperCase();
  let m = /^SET\s+(?:SESSION\s+|LOCAL\s+)?(?:CHARACTERISTICS\s+AS\s+)?TRANSACTION\b/i.exec(sql);
  if (m) return { kind: 'noop', tag: 'SET' };
  m = /^SET\s+(?:SESSION\s+|LOCAL\s+)?TIME\s+ZONE\s+(.+)$/is.exec(sql);
  if (m) return { kind: 'set', name: 'TimeZone', value: unquote(m[1] as string) };
  m = /^SET\s+(?:SESSION\s+|LOCAL\s+)?(?:SCHEMA|NAMES)\s+(.+)$/is.exec(sql);
  if (m) return { kind: 'set', name: /NAMES/i.test(sql) ? 'client_encoding' : 'search_path', value: unquote(m[1] as string) };
  m = /^SET\s+(?:SESSION\s+|LOCAL\s+)?([A-Za-z_][\w.]*)\s*(?:=|\bTO\b)\s*(.*)$/is.exec(sql);
  if (m) return { kind: 'set', name: (m[1] as string).toLowerCase(), value: (m[2] as string).split(',').map(unquote).join(', ') };
  m = /^RESET\s+([A-Za-z_][\w.]*)$/i.exec(sql);
  if (m) return { kind: 'reset', name: (m[1] as string).toLowerCase() };
  m = /^SHOW\s+("?[A-Za-z_][\w.]*"?|TIME\s+ZONE|TRANSACTION\s+ISOLATION\s+LEVEL)$/i.exec(sql);
  if (m) {
    const raw = unquote(m[1] as string)
      .toLowerCase()
      .replace(/\s+/g, ' ');
    const name = raw === 'time zone' ? 'timezone' : raw === 'transaction isolation level' ? 'transaction_isolation' : raw;
    // SHOW TABLES / SHOW ALL TABLES are DuckDB's own: left to the engine.
    if (name !== 'tables' && name !== 'databases') return { kind: 'show', name };
  }
  if (/^(BEGIN|START\s+TRANSACTION)\b/.test(upper)) return { kind: 'begin', tag: 'BEGIN' };
  if (/^(COMMIT|END)\b/.test(upper)) return { kind: 'commit', tag: 'COMMIT' };
  if (/^(ROLLBACK|ABORT)\b/.test(upper)) return { kind: 'rollback', tag: 'ROLLBACK' };
  if (/^DISCARD\s+\w+$/.test(upper)) return { kind: 'discard', tag: upper.replace(/\s+/g, ' ') };
  if (/^DEALLOCATE\b/.test(upper)) return { kind: 'deallocate', tag: 'DEALLOCATE' };
  if (/^(LISTEN|UNLISTEN)\b/.test(upper)) return { kind: 'listen', tag: upper.startsWith('UN') ? 'UNLISTEN' : 'LISTEN' };
  if (/^SAVEPOINT\b/.test(upper)) return { kind: 'noop', tag: 'SAVEPOINT' };
  if (/^RELEASE\b/.test(upper)) return { kind: 'noop', tag: 'RELEASE' };
  return undefined;
}

/**
 * `public."Issues"` → `"Issues"`: clients qualify names with the schema they saw in the catalog;
 * the library's tables live in DuckDB's default schema.
 */
export function stripPublicSchema(sql: string): string {
  const cuts: [number, number][] = [];
  const dot = (end: number) => /^\s*\.\s*/.exec(sql.slice(end, end + 8))?.[0].length;
  scanCode(
    sql,
    (i, ch) => {
      if ((ch !== 'p' && ch !== 'P') || !/^public\b/i.test(sql.slice(i, i + 7)) || /[\w.$"]/.test(i === 0 ? ' ' : (sql[i - 1] as string))) return;
      const d = dot(i + 6);
      if (d) cuts.push([i, i + 6 + d]);
    },
    (start, end) => {
      const d = sql.slice(start, end).toLowerCase() === '"public"' ? dot(end) : undefined;
      if (d) cuts.push([start, end + d]);
    },
  );
  let out = '';
  let last = 0;
  for (const [a, b] of cuts.sort((x, y) => x[0] - y[0])) {
    if (a < last) continue;
    out += sql.slice(last, a);
    last = b;
  }
  return out + sql.slice(last);
}
