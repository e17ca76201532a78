/**
 * Pieces of the front parser (ARCHITECTURE.md §5 step 0; ./statement.ts reads the statement's kind):
 * CData's `@name` parameters rewritten to DuckDB's `$name` — outside string literals, quoted identifiers and
 * comments only, so `'me@example.com'` is left alone.
 */

import { mapCode, segments } from './lexer.js';

/** `@name` → `$name` (CData's parameter style); `@@` and e-mail-like text in literals untouched. */
export function rewriteAtParameters(sql: string): string {
  // Most statements name no @parameter: lexing a megabyte of SQL for nothing held every wire client up.
  if (!sql.includes('@')) return sql;
  return mapCode(sql, (code) => code.replace(/(^|[^\w@$])@([A-Za-z_]\w*)/g, '$1$$$2'));
}

/**
 * `COPY (query) TO …` and `COPY Table TO …`: the query whose Backlog tables must be fetched before
 * DuckDB writes the file (its text and offset in the statement; a table becomes SELECT *).
 * Undefined for anything else, COPY … FROM included.
 */
export function copySource(sql: string): { sql: string; offset: number } | undefined {
  const head = /^\s*COPY\s*/i.exec(sql);
  if (!head) return undefined;
  const start = head[0].length;
  if (sql[start] !== '(') {
    const m = /^("(?:[^"]|"")+"|[A-Za-z_][\w.]*)\s+TO\b/i.exec(sql.slice(start));
    return m ? { sql: `SELECT * FROM ${m[1]}`, offset: 0 } : undefined;
  }
  // The parenthesis that closes the query, outside literals and comments.
  let depth = 0;
  for (const seg of segments(sql)) {
    if (seg.end <= start || seg.kind !== 'code') continue;
    for (let i = Math.max(seg.start, start); i < seg.end; i++) {
      if (sql[i] === '(') depth++;
      else if (sql[i] === ')' && --depth === 0) {
        return /^\s*TO\b/i.test(sql.slice(i + 1)) ? { sql: sql.slice(start + 1, i), offset: start + 1 } : undefined;
      }
    }
  }
  return undefined;
}

/** DuckDB settings that decide where extensions come from or whether they load by themselves. */
const EXTENSION_SETTINGS =
  /^(autoinstall_known_extensions|autoload_known_extensions|custom_extension_repository|autoinstall_extension_repository|extension_directory|extension_directories|allow_unsigned_extensions|allow_community_extensions|allow_extensions_metadata_mismatch)$/i;

/**
 * The first statement (of possibly several) that would install or load a DuckDB extension, or
 * change where extensions come from: INSTALL, FORCE INSTALL, LOAD, UPDATE EXTENSIONS, and SET /
 * RESET / PRAGMA of the extension settings. Its 0-based start, or undefined. backlog-sql runs
 * DuckDB without extensions: there is no network to fetch them from (issue 11).
 */
export function extensionStatement(sql: string): number | undefined {
  // Each form names one of these words: a statement without any (most queries) is not lexed here.
  if (!/\b(INSTALL|LOAD|EXTENSIONS|SET|RESET|PRAGMA)\b/i.test(sql)) return undefined;
  const code = mapCode(sql, (c) => c.replace(/;/g, '\u0000')).replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, (m) => ' '.repeat(m.length));
  let start = 0;
  for (const piece of code.split('\u0000')) {
    const lead = piece.length - piece.trimStart().length;
    const words = piece
      .trim()
      .replace(/\s+/g, ' ')
      .toUpperCase()
      .replace(/^EXPLAIN (ANALY[SZ]E )?/, '');
    const setting = /^(?:SET|RESET|PRAGMA)(?: (?:GLOBAL|SESSION|LOCAL))? "?([A-Za-z_]+)"?/i.exec(words)?.[1];
    if (/^(FORCE )?INSTALL\b|^LOAD\b|^UPDATE EXTENSIONS ?(\(|$)/.test(words) || (setting !== undefined && EXTENSION_SETTINGS.test(setting)))
      return start + lead;
    start += piece.length + 1;
  }
  return undefined;
}
