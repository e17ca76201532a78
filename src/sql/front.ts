/**
 * The front parser (DESIGN §5 step 0): what kind of statement this is, and CData's `@name`
 * parameters rewritten to DuckDB's `$name` — outside string literals, quoted identifiers and
 * comments only, so `'me@example.com'` is left alone.
 */

export type StatementKind = 'select' | 'explain' | 'explain-analyze' | 'call' | 'dml' | 'other';

/** Apply `fn` to every stretch of SQL that is code (not a literal, identifier or comment). */
function mapCode(sql: string, fn: (code: string) => string): string {
  let out = '';
  let i = 0;
  let code = '';
  const flush = () => {
    out += fn(code);
    code = '';
  };
  while (i < sql.length) {
    const ch = sql[i] as string;
    const next = sql[i + 1];
    if (ch === "'" || ch === '"') {
      flush();
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '-' && next === '-') {
      flush();
      const end = sql.indexOf('\n', i);
      const j = end === -1 ? sql.length : end;
      out += sql.slice(i, j);
      i = j;
    } else if (ch === '/' && next === '*') {
      flush();
      const end = sql.indexOf('*/', i + 2);
      const j = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, j);
      i = j;
    } else {
      code += ch;
      i++;
    }
  }
  flush();
  return out;
}

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
