/**
 * The front parser (DESIGN §5 step 0): what kind of statement this is, and CData's `@name`
 * parameters rewritten to DuckDB's `$name` — outside string literals, quoted identifiers and
 * comments only, so `'me@example.com'` is left alone.
 */

import { mapCode } from './lexer.js';

export type StatementKind = 'select' | 'explain' | 'explain-analyze' | 'call' | 'dml' | 'other';

/** `@name` → `$name` (CData's parameter style); `@@` and e-mail-like text in literals untouched. */
export function rewriteAtParameters(sql: string): string {
  return mapCode(sql, (code) => code.replace(/(^|[^\w@$])@([A-Za-z_]\w*)/g, '$1$$$2'));
}

/** The first keyword(s) of a statement, ignoring leading comments and white space. */
export function classify(sql: string): StatementKind {
  const code = mapCode(sql, (c) => c).replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').trim().toUpperCase();
  if (/^EXPLAIN\s+ANALY[SZ]E\b/.test(code)) return 'explain-analyze';
  if (/^EXPLAIN\b/.test(code)) return 'explain';
  if (/^(EXEC|EXECUTE|CALL)\b/.test(code)) return 'call';
  if (/^(INSERT|UPDATE|DELETE)\b/.test(code)) return 'dml';
  if (/^(SELECT|WITH|FROM|VALUES|\()/.test(code)) return 'select';
  return 'other';
}

/** The statement without its leading EXPLAIN [ANALYZE] keyword(s), and how many characters were cut. */
export function stripExplain(sql: string): { sql: string; offset: number } {
  const m = /^\s*EXPLAIN(\s+ANALY[SZ]E)?\s+/i.exec(sql);
  return m ? { sql: sql.slice(m[0].length), offset: m[0].length } : { sql, offset: 0 };
}
