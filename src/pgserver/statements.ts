/**
 * Statement text handling for the wire: splitting a simple-query message into statements,
 * counting `$n` parameters, and recognising the session chatter clients send (SET, SHOW, BEGIN,
 * COMMIT, ROLLBACK, DISCARD, DEALLOCATE, RESET), which the server answers itself.
 */

import { scanCode } from '../sql/lexer.js';

export interface Piece {
  sql: string;
  /** 0-based offset of `sql` in the message (error positions are relative to the message). */
  offset: number;
}

/** The statements of a simple-query message; empty ones (only blanks/comments) are dropped. */
export function splitStatements(sql: string): Piece[] {
  const cuts: number[] = [];
  scanCode(sql, (i, ch) => {
    if (ch === ';') cuts.push(i);
  });
  const pieces: Piece[] = [];
  let start = 0;
  for (const end of [...cuts, sql.length]) {
    const raw = sql.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    if (stripComments(text).trim() !== '') pieces.push({ sql: text, offset: start + lead });
    start = end + 1;
  }
  return pieces;
}

/** The statement with its comments replaced by a space (literals kept). */
function stripComments(sql: string): string {
  let out = '';
  let last = 0;
  scanCode(sql, (i) => {
    // Between two code characters lie only literals (kept) and comments (dropped).
    const gap = sql.slice(last, i);
    out += gap.replace(/^\s*(--[^\n]*|\/\*[\s\S]*?\*\/)\s*$/, ' ');
    out += sql[i];
    last = i + 1;
  });
  const tail = sql.slice(last);
  return out + (/^\s*(--|\/\*)/.test(tail) ? ' ' : tail);
}

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
  const sql = stripComments(sqlIn).trim().replace(/;+\s*$/, '');
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
    const raw = unquote(m[1] as string).toLowerCase().replace(/\s+/g, ' ');
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

/** Statements a wire client may run through the library: queries only (no DDL on the shared instance). */
export function allowedOverWire(sql: string): boolean {
  const s = stripComments(sql).trim().toUpperCase();
  return /^(SELECT|WITH|FROM|VALUES|TABLE|\(|EXPLAIN|DESCRIBE|SHOW|SUMMARIZE|EXEC|EXECUTE|CALL|INSERT|UPDATE|DELETE)\b|^\(/.test(s);
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
    (i) => {
      if (!/^public\b/i.test(sql.slice(i, i + 7)) || /[\w.$"]/.test(i === 0 ? ' ' : (sql[i - 1] as string))) return;
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
