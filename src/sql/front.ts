/**
 * The front parser (ARCHITECTURE.md §5 step 0): what kind of statement this is, and CData's `@name`
 * parameters rewritten to DuckDB's `$name` — outside string literals, quoted identifiers and
 * comments only, so `'me@example.com'` is left alone.
 */

import { leadingCode, mapCode, segments } from './lexer.js';

export type StatementKind = 'select' | 'explain' | 'explain-analyze' | 'call' | 'dml' | 'other';

/** `@name` → `$name` (CData's parameter style); `@@` and e-mail-like text in literals untouched. */
export function rewriteAtParameters(sql: string): string {
  return mapCode(sql, (code) => code.replace(/(^|[^\w@$])@([A-Za-z_]\w*)/g, '$1$$$2'));
}

/** The first keyword(s) of a statement, ignoring comments and white space (read from its start only). */
export function classify(sql: string): StatementKind {
  const code = leadingCode(sql).trim().toUpperCase();
  if (/^EXPLAIN\s+ANALY[SZ]E\b/.test(code)) return 'explain-analyze';
  if (/^EXPLAIN\b/.test(code)) return 'explain';
  if (/^(EXEC|EXECUTE|CALL)\b/.test(code)) return 'call';
  if (/^(INSERT|UPDATE|DELETE)\b/.test(code)) return 'dml';
  if (/^(SELECT|WITH|FROM|VALUES|\()/.test(code)) return 'select';
  return 'other';
}

/**
 * The statement without its leading EXPLAIN [ANALYZE] keyword(s), and how many characters were cut.
 * Comments before and between the keywords count as blanks, as they do for `classify`, so what
 * follows EXPLAIN is always what gets checked.
 */
export function stripExplain(sql: string): { sql: string; offset: number } {
  const m = /^\s*EXPLAIN(\s+ANALY[SZ]E)?(\s+|$)/i.exec(leadingCode(sql));
  return m ? { sql: sql.slice(m[0].length), offset: m[0].length } : { sql, offset: 0 };
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
