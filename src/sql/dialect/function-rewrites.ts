/**
 * CData function calls that no DuckDB macro can take as written (docs/cdata-driver.md §6.7),
 * rewritten on the statement's tokens before DuckDB parses it (ARCHITECTURE.md §12):
 *  - `CONVERT(type, expr)` → `CAST(expr AS type)` (a macro cannot take a type);
 *  - `CHAR(n)`, `NCHAR(n)` → `chr(n)` (type names in DuckDB's grammar; not after AS or ::);
 *  - a date compared with a date literal function, `d = L_THIS_WEEK()`, `d < L_LAST_N_DAYS(3)`
 *    (CData's range comparisons) → `cdata_date_literal_compare(d, '=', 'L_THIS_WEEK', 0)`;
 *  - the .NET date format literal of `STRTODATE(s, 'dd*MM*yyyy')` / `ISDATE(s, 'yyyy-MM-dd')` →
 *    strftime's (DuckDB's strptime wants a constant format, so a macro cannot translate it).
 * Literals, quoted identifiers and comments are never touched (./../lexer.ts). CONVERT, CHAR and
 * the format literals keep the statement's length (padded with blanks), so error positions after
 * them hold; a date literal comparison grows the statement.
 * Applying the rewrite twice gives the same text as once.
 */
import { SqlError } from '../../errors.js';
import { tokenize, type Token } from '../lexer.js';

/** Index of the ')' closing the '(' at `open`, and the top-level commas in between. */
function closing(tokens: Token[], open: number): { close: number; commas: number[] } | undefined {
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') {
      depth--;
      if (depth === 0) return { close: i, commas };
    } else if (t.text === ',' && depth === 1) commas.push(i);
  }
  return undefined;
}

/** Date literal functions that are ranges of days (CData's L_ names, and the older names that are free here). */
const RANGE =
  /^(L_(TODAY|YESTERDAY|TOMORROW|LAST_WEEK|THIS_WEEK|NEXT_WEEK|LAST_MONTH|THIS_MONTH|NEXT_MONTH|LAST_QUARTER|THIS_QUARTER|NEXT_QUARTER|LAST_YEAR|THIS_YEAR|NEXT_YEAR|LAST_90_DAYS|NEXT_90_DAYS|(LAST|NEXT)_N_(DAYS|WEEKS|MONTHS|QUARTERS|YEARS))|YESTERDAY|TOMORROW|THIS_WEEK|NEXT_WEEK|THIS_MONTH|NEXT_MONTH|LAST_QUARTER|THIS_QUARTER|NEXT_QUARTER|THIS_YEAR|NEXT_YEAR|LAST_90_DAYS|NEXT_90_DAYS|(LAST|NEXT)_N_(DAYS|WEEKS|MONTHS|QUARTERS|YEARS))$/i;
/** Those that are one day: a DATE macro of their own where no comparison is around them. */
const ONE_DAY = /^(L_)?(TODAY|YESTERDAY|TOMORROW)$/i;

/** A .NET date format (CData's) → strftime's, for strptime (which reads one or two digits for %m, %d…). */
export function dotnetToStrftime(format: string): string {
  const tokens: [RegExp, string][] = [
    [/^yyyy/, '%Y'],
    [/^yy/, '%y'],
    [/^MMMM/, '%B'],
    [/^MMM/, '%b'],
    [/^MM?/, '%m'],
    [/^dddd/, '%A'],
    [/^ddd/, '%a'],
    [/^dd?/, '%d'],
    [/^HH?/, '%H'],
    [/^hh?/, '%I'],
    [/^mm?/, '%M'],
    [/^ss?/, '%S'],
    [/^fff/, '%g'],
    [/^ffffff/, '%f'],
    [/^tt/, '%p'],
    [/^%/, '%%'],
  ];
  let out = '';
  for (let i = 0; i < format.length; ) {
    const rest = format.slice(i);
    const hit = tokens.find(([re]) => re.test(rest));
    if (hit) {
      const m = (hit[0].exec(rest) as RegExpExecArray)[0];
      out += hit[1];
      i += m.length;
    } else {
      out += format[i];
      i++;
    }
  }
  return out;
}

const SPECIAL_FORMATS = /^(UNIX|UNIXMILIS|TICKS|FILETICKS)$/i;

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** `text` padded with blanks to `length` when shorter (positions after the edit hold). */
function padded(text: string, length: number): string {
  return text.length < length ? text + ' '.repeat(length - text.length) : text;
}

/**
 * Tokens that end a comparison on either side: a comparison next to one of these is a whole
 * operand of AND / OR / WHERE…, never part of `a + b = …` (which binds tighter than `=`).
 */
const BOUNDARY =
  /^(WHERE|AND|OR|NOT|ON|WHEN|THEN|ELSE|END|HAVING|SELECT|FROM|AS|INTO|IS|ORDER|GROUP|LIMIT|OFFSET|UNION|EXCEPT|INTERSECT|QUALIFY|WINDOW|RETURNING|[(),;])$/i;
const boundary = (t: Token | undefined) => t === undefined || (t.kind !== 'string' && t.kind !== 'ident' && BOUNDARY.test(t.text));

/** The start of the column reference (a.b."c") ending at token `end`, if a boundary comes before it. */
function operandStart(tokens: Token[], end: number): number | undefined {
  let i = end;
  const t = tokens[i];
  if (!t || (t.kind !== 'word' && t.kind !== 'ident')) return undefined;
  while (i >= 2 && tokens[i - 1]?.text === '.' && (tokens[i - 2]?.kind === 'word' || tokens[i - 2]?.kind === 'ident')) i -= 2;
  return boundary(tokens[i - 1]) ? i : undefined;
}

/** The end (inclusive) of the column reference starting at token `start`, if a boundary follows it. */
function operandEnd(tokens: Token[], start: number): number | undefined {
  let i = start;
  const t = tokens[i];
  if (!t || (t.kind !== 'word' && t.kind !== 'ident')) return undefined;
  if (tokens[i + 1]?.text === '(') return undefined;
  while (tokens[i + 1]?.text === '.' && (tokens[i + 2]?.kind === 'word' || tokens[i + 2]?.kind === 'ident')) i += 2;
  return boundary(tokens[i + 1]) ? i : undefined;
}

const COMPARISONS = new Set(['=', '<', '>', '<=', '>=', '<>', '!=']);
const MIRROR: Record<string, string> = { '<': '>', '>': '<', '=': '=', '<=': '>=', '>=': '<=', '<>': '<>', '!=': '!=' };

/** The statement with CData's CONVERT, CHAR, date literal comparisons and format literals rewritten. */
export function rewriteCdataFunctionCalls(sql: string): string {
  if (!/\b(CONVERT|N?CHAR|STRTODATE|ISDATE|L_\w+|YESTERDAY|TOMORROW|THIS_\w+|NEXT_\w+|LAST_\w+)\s*\(/i.test(sql)) return sql;
  const tokens = tokenize(sql);
  const edits: Edit[] = [];
  const taken = (start: number, end: number) => edits.some((e) => start < e.end && e.start < end);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'word' || tokens[i + 1]?.text !== '(' || tokens[i - 1]?.text === '.') continue;
    const name = t.text.toUpperCase();
    const call = closing(tokens, i + 1);
    if (!call) continue;
    const close = tokens[call.close] as Token;
    if (name === 'CONVERT') {
      if (call.commas.length === 0) continue;
      if (call.commas.length > 1) {
        throw new SqlError('CONVERT with a style argument is not supported', (tokens[call.commas[1] as number] as Token).start + 1, {
          sqlstate: '0A000',
          hint: "CONVERT(type, value) becomes CAST(value AS type); for a date's text use strftime(d, '%m/%d/%Y').",
        });
      }
      const comma = tokens[call.commas[0] as number] as Token;
      const type = sql.slice((tokens[i + 2] as Token).start, comma.start).trim();
      const expr = sql.slice((tokens[(call.commas[0] as number) + 1] as Token).start, close.start).trim();
      edits.push({ start: t.start, end: close.end, text: padded(`CAST(${expr} AS ${type})`, close.end - t.start) });
      i = call.close;
    } else if (name === 'CHAR' || name === 'NCHAR') {
      const before = tokens[i - 1];
      if (before && /^(AS|::)$/i.test(before.text)) continue;
      edits.push({ start: t.start, end: t.end, text: padded('chr', t.end - t.start) });
    } else if ((name === 'STRTODATE' || name === 'ISDATE') && call.commas.length === 1) {
      const lit = tokens[(call.commas[0] as number) + 1] as Token;
      if (lit.kind !== 'string' || (call.commas[0] as number) + 2 !== call.close || !lit.text.startsWith("'")) continue;
      const format = lit.text.slice(1, -1).replaceAll("''", "'");
      if (format.includes('%') || SPECIAL_FORMATS.test(format)) continue;
      const translated = `'${dotnetToStrftime(format).replaceAll("'", "''")}'`;
      edits.push({ start: lit.start, end: lit.end, text: padded(translated, lit.end - lit.start) });
    } else if (RANGE.test(name)) {
      const opBefore = tokens[i - 1];
      const opAfter = tokens[call.close + 1];
      const arg = call.close > i + 2 ? sql.slice((tokens[i + 2] as Token).start, close.start).trim() : '0';
      let edit: Edit | undefined;
      if (opBefore && COMPARISONS.has(opBefore.text) && boundary(tokens[call.close + 1])) {
        const from = operandStart(tokens, i - 2);
        if (from !== undefined) {
          const operand = sql.slice((tokens[from] as Token).start, (tokens[i - 2] as Token).end);
          edit = { start: (tokens[from] as Token).start, end: close.end, text: compare(operand, opBefore.text, name, arg, opBefore.start) };
        }
      } else if (opAfter && COMPARISONS.has(opAfter.text) && boundary(tokens[i - 1])) {
        const to = operandEnd(tokens, call.close + 2);
        if (to !== undefined) {
          const operand = sql.slice((tokens[call.close + 2] as Token).start, (tokens[to] as Token).end);
          edit = { start: t.start, end: (tokens[to] as Token).end, text: compare(operand, MIRROR[opAfter.text] as string, name, arg, opAfter.start) };
        }
      }
      if (edit && !taken(edit.start, edit.end)) edits.push(edit);
      else if (!edit && !ONE_DAY.test(name)) {
        throw new SqlError(`${t.text}() is a range of days: compare a date column with it`, t.start + 1, {
          sqlstate: '42883',
          hint: `Write it as CData does, a column on one side: WHERE Created = ${t.text}(${arg === '0' ? '' : arg}) (within the range), < (before it) or > (after it).`,
        });
      }
    }
  }
  if (edits.length === 0) return sql;
  let out = sql;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function compare(operand: string, op: string, fn: string, arg: string, at: number): string {
  if (op !== '=' && op !== '<' && op !== '>') {
    throw new SqlError(`date literal functions compare with =, < or >, not ${op}`, at + 1, {
      sqlstate: '42883',
      hint: `CData's ${fn}() takes = (within the range), < (before it) and > (after it) only.`,
    });
  }
  return `cdata_date_literal_compare(${operand}, '${op}', '${fn.toUpperCase()}', ${arg})`;
}
