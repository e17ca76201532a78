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

/**
 * End (exclusive) of the quoted run starting at `i` with `quote`. Jumps from quote to quote with
 * indexOf (a megabyte literal is one native search, not a loop over its characters).
 */
function closeQuote(sql: string, i: number, quote: string, backslash: boolean): number {
  let j = i + 1;
  let nextBackslash = backslash ? sql.indexOf('\\', j) : -1;
  for (;;) {
    const q = sql.indexOf(quote, j);
    if (q === -1) return sql.length;
    if (nextBackslash !== -1 && nextBackslash < q) {
      // A backslash escapes the next character (in E'…' only).
      j = nextBackslash + 2;
      nextBackslash = sql.indexOf('\\', j);
      continue;
    }
    if (sql[q + 1] === quote) {
      j = q + 2;
      if (nextBackslash !== -1 && nextBackslash < j) nextBackslash = sql.indexOf('\\', j);
      continue;
    }
    return q + 1;
  }
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

/**
 * The statement cut into code, literals, quoted identifiers and comments. With `codeLimit`, the
 * cut stops once that many code characters other than blanks have been passed (the rest is left out).
 */
export function segments(sql: string, codeLimit = Infinity): Segment[] {
  const out: Segment[] = [];
  let codeStart = 0;
  let i = 0;
  let codeSeen = 0;
  const push = (kind: SegmentKind, start: number, end: number) => {
    if (codeStart < start) out.push({ kind: 'code', start: codeStart, end: start });
    out.push({ kind, start, end });
    codeStart = end;
    i = end;
  };
  while (i < sql.length) {
    if (codeSeen >= codeLimit) return codeStart < i ? [...out, { kind: 'code', start: codeStart, end: i }] : out;
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
      } else {
        i++;
        codeSeen++;
      }
    } else {
      if (ch !== ' ' && ch !== '\n' && ch !== '\t' && ch !== '\r') codeSeen++;
      i++;
    }
  }
  if (codeStart < sql.length) out.push({ kind: 'code', start: codeStart, end: sql.length });
  return out;
}

/**
 * The start of a statement with its comments blanked (replaced by as many spaces, so positions
 * hold) and literals kept, up to its first `codeChars` code characters that are not blanks: enough to read its
 * leading keywords without a pass over a long statement.
 */
export function leadingCode(sql: string, codeChars = 64): string {
  let out = '';
  for (const s of segments(sql, codeChars)) {
    if (s.kind === 'comment') out += ' '.repeat(s.end - s.start);
    else if (s.kind === 'code' || s.end - s.start <= codeChars) out += sql.slice(s.start, s.end);
    else return out + sql.slice(s.start, s.start + codeChars); // a long literal: what follows it is no leading keyword
  }
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

/**
 * How many times `ch` (one character) occurs in code, outside literals, identifiers and comments,
 * counting no further than `limit`. A plain count comes first: when the whole text holds no more
 * than `limit`, the text is not lexed at all. Made for the wire server's cheap refusal of huge
 * statements, before a parser spends its time on them.
 */
export function countInCode(sql: string, ch: string, limit: number): number {
  let plain = 0;
  for (let i = sql.indexOf(ch); i !== -1 && plain <= limit; i = sql.indexOf(ch, i + 1)) plain++;
  if (plain <= limit) return plain;
  const target = ch.charCodeAt(0);
  let n = 0;
  let i = 0;
  while (i < sql.length && n <= limit) {
    const c = sql.charCodeAt(i);
    const next = sql.charCodeAt(i + 1);
    if (c === target) {
      n++;
      i++;
    } else if (c === 39 /* ' */) i = closeQuote(sql, i, "'", false);
    else if (c === 34 /* " */) i = closeQuote(sql, i, '"', false);
    else if (c === 45 /* - */ && next === 45) i = nextLine(sql, i);
    else if (c === 47 /* / */ && next === 42 /* * */) i = closeBlockComment(sql, i);
    else if ((c === 69 || c === 101) /* E e */ && next === 39 && !WORD_BEFORE.test(sql[i - 1] ?? '')) i = closeQuote(sql, i + 1, "'", true);
    else if (c === 36 /* $ */ && !WORD_BEFORE.test(sql[i - 1] ?? '')) {
      const tag = DOLLAR_TAG.exec(sql.slice(i, i + 64))?.[0];
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        i = close === -1 ? sql.length : close + tag.length;
      } else i++;
    } else i++;
  }
  return n;
}

/**
 * countInCode on a message's raw UTF-8 bytes, so that the wire server can refuse a huge statement
 * before decoding it into a string: one pass of plain byte reads (no native call per comma or per
 * literal, which cost more than the pass), stopping once past `limit`, and no copy. Every character the lexer looks for is ASCII, and no byte of a
 * multi-byte UTF-8 character is, so bytes give the count the text gives.
 */
export function countInCodeBytes(sql: Buffer, ch: string, limit: number): number {
  const target = ch.charCodeAt(0);
  const length = sql.length;
  let n = 0;
  let i = 0;
  while (i < length && n <= limit) {
    const c = sql[i] as number;
    if (c === target) {
      n++;
      i++;
      continue;
    }
    const next = sql[i + 1];
    if (c === 39 /* ' */ || c === 34 /* " */) i = closeQuoteBytes(sql, i, c, false);
    else if (c === 45 /* - */ && next === 45) {
      const nl = sql.indexOf(10, i);
      i = nl === -1 ? length : nl;
    } else if (c === 47 /* / */ && next === 42 /* * */) i = closeBlockCommentBytes(sql, i);
    else if ((c === 69 || c === 101) /* E e */ && next === 39 && !(i > 0 && isWordByte(sql[i - 1] as number))) i = closeQuoteBytes(sql, i + 1, 39, true);
    else if (c === 36 /* $ */ && !(i > 0 && isWordByte(sql[i - 1] as number))) {
      const tag = DOLLAR_TAG.exec(sql.toString('latin1', i, Math.min(length, i + 64)))?.[0];
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length, 'latin1');
        i = close === -1 ? length : close + tag.length;
      } else i++;
    } else i++;
  }
  return n;
}

/** [A-Za-z0-9_$]: what WORD_BEFORE matches, as a byte (bytes of non-ASCII characters are not). */
function isWordByte(b: number): boolean {
  return (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b === 95 || b === 36;
}

/**
 * closeQuote on bytes: a plain loop over a literal's first bytes (the literals of a long list are
 * short, and a native search per literal costs more than it saves), then closeQuote's native
 * jumps from quote to quote (a megabyte literal is one search).
 */
function closeQuoteBytes(sql: Buffer, i: number, quote: number, backslash: boolean): number {
  const length = sql.length;
  const plainUntil = Math.min(length, i + 64);
  let j = i + 1;
  while (j < plainUntil) {
    const c = sql[j] as number;
    if (backslash && c === 92) j += 2;
    else if (c === quote) {
      if (sql[j + 1] !== quote) return j + 1;
      j += 2;
    } else j++;
  }
  let nextBackslash = backslash ? sql.indexOf(92, j) : -1;
  for (;;) {
    if (j >= length) return length;
    const q = sql.indexOf(quote, j);
    if (q === -1) return length;
    if (nextBackslash !== -1 && nextBackslash < q) {
      // A backslash escapes the next character (in E'…' only).
      j = nextBackslash + 2;
      nextBackslash = sql.indexOf(92, j);
      continue;
    }
    if (sql[q + 1] === quote) {
      j = q + 2;
      if (nextBackslash !== -1 && nextBackslash < j) nextBackslash = sql.indexOf(92, j);
      continue;
    }
    return q + 1;
  }
}

/** closeBlockComment on bytes. */
function closeBlockCommentBytes(sql: Buffer, i: number): number {
  let depth = 0;
  let j = i;
  while (j < sql.length) {
    if (sql[j] === 47 && sql[j + 1] === 42) {
      depth++;
      j += 2;
    } else if (sql[j] === 42 && sql[j + 1] === 47) {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else j++;
  }
  return sql.length;
}

/** A character that makes a following E'…' or $tag$ part of a word (as the lexer reads it). */
const WORD_BEFORE = /[\w$]/;

function nextLine(sql: string, i: number): number {
  const nl = sql.indexOf('\n', i);
  return nl === -1 ? sql.length : nl;
}

export interface Token {
  kind: 'word' | 'string' | 'ident' | 'number' | 'punct';
  text: string;
  /** 0-based, end exclusive. */
  start: number;
  end: number;
}

/**
 * The statement's tokens (comments and blanks left out), for rewrites that need to see words and
 * punctuation in order (the CData dialect, ./dialect/): words, numbers, string literals, quoted
 * identifiers and single punctuation characters (`::`, `<=`, `>=`, `<>`, `!=` as one).
 */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  for (const seg of segments(sql)) {
    if (seg.kind === 'string') out.push({ kind: 'string', text: sql.slice(seg.start, seg.end), start: seg.start, end: seg.end });
    else if (seg.kind === 'identifier') out.push({ kind: 'ident', text: sql.slice(seg.start, seg.end), start: seg.start, end: seg.end });
    else if (seg.kind === 'code') {
      const re = /([A-Za-z_][\w$]*)|(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+)|(::|<=|>=|<>|!=|\S)/g;
      const code = sql.slice(seg.start, seg.end);
      for (const m of code.matchAll(re)) {
        const start = seg.start + m.index;
        out.push({ kind: m[1] ? 'word' : m[2] ? 'number' : 'punct', text: m[0], start, end: start + m[0].length });
      }
    }
  }
  return out;
}
