/**
 * The one place that knows where SQL text is code and where it is a literal, a quoted identifier
 * or a comment — for rewriting `@name` parameters, classifying statements and splitting a
 * message into statements without looking inside strings. Knows: '…' (with '' escapes),
 * E'…' (backslash escapes), "…" identifiers, -- line comments, nested /* … *\/ comments and
 * dollar-quoted strings $$…$$ / $tag$…$tag$ (never $1 or $name parameters).
 */

export type SegmentKind = 'code' | 'string' | 'identifier' | 'comment';

export interface Segment {
  kind: SegmentKind;
  /** 0-based, end exclusive. */
  start: number;
  end: number;
}

const DOLLAR_TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/;

/** End (exclusive) of the quoted run starting at `i` with `quote`. */
function closeQuote(sql: string, i: number, quote: string, backslash: boolean): number {
  let j = i + 1;
  while (j < sql.length) {
    const ch = sql[j];
    if (backslash && ch === '\\') j += 2;
    else if (ch === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
}

function closeBlockComment(sql: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < sql.length) {
    if (sql[j] === '/' && sql[j + 1] === '*') {
      depth++;
      j += 2;
    } else if (sql[j] === '*' && sql[j + 1] === '/') {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else j++;
  }
  return sql.length;
}

export function segments(sql: string): Segment[] {
  const out: Segment[] = [];
  let codeStart = 0;
  let i = 0;
  const push = (kind: SegmentKind, start: number, end: number) => {
    if (codeStart < start) out.push({ kind: 'code', start: codeStart, end: start });
    out.push({ kind, start, end });
    codeStart = end;
    i = end;
  };
  while (i < sql.length) {
    const ch = sql[i] as string;
    const next = sql[i + 1];
    const prev = i > 0 ? (sql[i - 1] as string) : '';
    if (ch === "'") push('string', i, closeQuote(sql, i, "'", false));
    else if ((ch === 'E' || ch === 'e') && next === "'" && !/[\w$]/.test(prev)) push('string', i, closeQuote(sql, i + 1, "'", true));
    else if (ch === '"') push('identifier', i, closeQuote(sql, i, '"', false));
    else if (ch === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      push('comment', i, nl === -1 ? sql.length : nl);
    } else if (ch === '/' && next === '*') push('comment', i, closeBlockComment(sql, i));
    else if (ch === '$' && !/[\w$]/.test(prev)) {
      const tag = DOLLAR_TAG.exec(sql.slice(i, i + 64))?.[0];
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        push('string', i, close === -1 ? sql.length : close + tag.length);
      } else i++;
    } else i++;
  }
  if (codeStart < sql.length) out.push({ kind: 'code', start: codeStart, end: sql.length });
  return out;
}

/** Call `code` for each character outside literals, identifiers and comments; `identifier` for each quoted identifier. */
export function scanCode(sql: string, code: (i: number, ch: string) => void, identifier?: (start: number, end: number) => void): void {
  for (const s of segments(sql)) {
    if (s.kind === 'code') for (let i = s.start; i < s.end; i++) code(i, sql[i] as string);
    else if (s.kind === 'identifier') identifier?.(s.start, s.end);
  }
}

/** Apply `fn` to every stretch of code, leaving literals, identifiers and comments as they are. */
export function mapCode(sql: string, fn: (code: string) => string): string {
  return segments(sql)
    .map((s) => (s.kind === 'code' ? fn(sql.slice(s.start, s.end)) : sql.slice(s.start, s.end)))
    .join('');
}
