/**
 * CData's identifier and query forms (docs/cdata-driver.md §6.6), rewritten on the statement's
 * tokens (../lexer.ts) into DuckDB's before anything parses the statement (ARCHITECTURE.md §12):
 *  - `[Bracketed Name]` → `"Bracketed Name"`, where the bracket is a name and not a DuckDB list:
 *    it holds one bare name (letters, digits, spaces, underscores; not a number, NULL, TRUE or
 *    FALSE alone) and is not indexing (`x[1]`, `f(x)[2]`, `'abc'[1]`, `ARRAY[x]` stay DuckDB's:
 *    a bracket right after a name that is not a keyword, a literal, `)` or `]` indexes). A comma,
 *    a literal, a parameter or an operator inside makes it a list (`[2, 3]`, `[x + 1]`);
 *  - the schema qualifiers CData writes: `CData.Backlog.T`, `Backlog.T` (bare, "quoted" or
 *    [bracketed]) and `UserViews.V` (user-defined views) are blanked to `T` / `V`, unless the
 *    statement itself uses Backlog / UserViews as a name (an alias);
 *  - `SELECT [DISTINCT] TOP n …` → `SELECT [DISTINCT] … LIMIT n` at the end of that SELECT (also
 *    in a subquery, and with ORDER BY); TOP together with LIMIT / OFFSET / FETCH, TOP n PERCENT,
 *    WITH TIES and TOP in a UNION are refused with an error pointing at them.
 * Brackets and qualifiers keep the statement's length (padded with blanks), so DuckDB's error
 * positions are the user's; TOP's LIMIT is added where its SELECT ends, so only positions after a
 * subquery with TOP move (by the length of ` LIMIT n`). Applying it twice gives the same text.
 */
import { SqlError } from '../../errors.js';
import { tokenize, type Token } from '../lexer.js';

/** Words after which a `[` starts a value or a name, never indexes the word. */
const KEYWORDS = new Set([
  'SELECT',
  'FROM',
  'JOIN',
  'ON',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'BY',
  'AS',
  'IN',
  'IS',
  'LIKE',
  'ILIKE',
  'GLOB',
  'SIMILAR',
  'BETWEEN',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'HAVING',
  'DISTINCT',
  'ALL',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'INTO',
  'UPDATE',
  'SET',
  'VALUES',
  'RETURNING',
  'LIMIT',
  'OFFSET',
  'TOP',
  'WITH',
  'USING',
  'QUALIFY',
  'DESC',
  'ASC',
  'LEFT',
  'RIGHT',
  'INNER',
  'OUTER',
  'FULL',
  'CROSS',
  'NATURAL',
  'LATERAL',
  'EXISTS',
  'ANY',
  'SOME',
  'DELETE',
  'INSERT',
  'TABLE',
  'EXEC',
  'EXECUTE',
  'CALL',
  'VIEW',
  'ESCAPE',
  'PARTITION',
  'WINDOW',
  'EXPLAIN',
  'ANALYZE',
  'DESCRIBE',
  'ORDER',
  'GROUP',
  'LOCAL',
  'RECURSIVE',
  'MATERIALIZED',
  'FIRST',
  'LAST',
  'NULLS',
  'OVER',
  'FILTER',
  'ROWS',
  'RANGE',
  'PRECEDING',
  'FOLLOWING',
  'CURRENT',
  'ROW',
]);

/** A bracket's contents that are a name: letters, digits, spaces and underscores, with a letter or underscore in it. */
const BARE_NAME = /^[\p{L}\p{N}_ ]*[\p{L}_][\p{L}\p{N}_ ]*$/u;
/** Contents DuckDB reads as a literal, or as a list comprehension (`[x FOR x IN l]`). */
const NOT_A_NAME = /^(NULL|TRUE|FALSE)$|\bFOR\b.*\bIN\b/i;

/**
 * Does the `[` at token `i` index what comes before it (DuckDB's `x[1]`, `f(x)[2]`, `'abc'[1]`)
 * rather than open a value or a name? Indexing follows a name that is not a keyword, a literal,
 * a quoted name, `)` or `]`, touching it; after a blank the bracket is an alias (`FROM [T] [t]`,
 * `SELECT Id [Issue Id]`).
 */
function indexes(tokens: Token[], i: number): boolean {
  const before = tokens[i - 1];
  if (!before || before.kind === 'number') return false;
  if (before.kind === 'word' && KEYWORDS.has(before.text.toUpperCase())) return false;
  if (before.kind === 'punct' && before.text !== ')' && before.text !== ']') return false;
  if (before.text === ')' && tokens[i - 3]?.text === '(' && /^TOP$/i.test(tokens[i - 4]?.text ?? '')) return false; // SELECT TOP (5) [Name]
  return (tokens[i] as Token).start === before.end;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

const blank = (t: { start: number; end: number }): Edit => ({ start: t.start, end: t.end, text: ' '.repeat(t.end - t.start) });

/** A name token's text without its quotes or brackets. */
function nameOf(sql: string, t: Token, brackets: Map<number, number>): string | undefined {
  if (t.kind === 'word') return t.text;
  if (t.kind === 'ident') return t.text.slice(1, -1).replaceAll('""', '"');
  if (t.text === '[' && brackets.has(t.start)) return sql.slice(t.end, brackets.get(t.start)).trim();
  return undefined;
}

export function rewriteCdataQueryForms(sql: string): string {
  if (!/[[]|\bTOP\b|\bBacklog\b|\bUserViews\b/i.test(sql)) return sql;
  const tokens = tokenize(sql);
  const edits: Edit[] = [];
  // Brackets that are names: `[` start → `]` start. Their inner tokens are skipped below.
  const brackets = new Map<number, number>();
  const closeIndex = new Map<number, number>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.text !== '[' || t.kind !== 'punct' || indexes(tokens, i)) continue;
    let j = i + 1;
    while (j < tokens.length && (tokens[j] as Token).kind !== 'string' && (tokens[j] as Token).kind !== 'ident' && !/^[[\]]$/.test((tokens[j] as Token).text))
      j++;
    const close = tokens[j];
    if (!close || close.text !== ']') continue;
    const inner = sql.slice(t.end, close.start);
    const name = inner.trim();
    if (!BARE_NAME.test(name) || NOT_A_NAME.test(name) || /[\n\r\t]/.test(inner)) continue;
    brackets.set(t.start, close.start);
    closeIndex.set(i, j);
    const quoted = `"${name}"`;
    edits.push({ start: t.start, end: close.end, text: quoted + ' '.repeat(close.end - t.start - quoted.length) });
    i = j;
  }
  // Name tokens in order, a bracket counted as one token.
  const names: { token: Token; last: Token; name: string | undefined }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const j = closeIndex.get(i);
    names.push({ token: t, last: j !== undefined ? (tokens[j] as Token) : t, name: nameOf(sql, t, brackets) });
    if (j !== undefined) i = j;
  }
  qualifiers(names, edits);
  top(sql, names, edits);
  if (edits.length === 0) return sql;
  let out = sql;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

type Named = { token: Token; last: Token; name: string | undefined };

const isName = (n: Named | undefined) => n !== undefined && n.name !== undefined && (n.token.kind !== 'punct' || n.token.text === '[');
const isDot = (n: Named | undefined) => n?.token.kind === 'punct' && n.token.text === '.';

/** `CData.Backlog.`, `Backlog.` and `UserViews.` before a name, blanked (unless the statement uses them as names). */
function qualifiers(names: Named[], edits: Edit[]): void {
  const schema = (n: Named | undefined) => (isName(n) ? /^(backlog|userviews)$/i.test(n?.name ?? '') : false);
  // A schema word used as a name of its own (an alias, a column) turns the rule off for it.
  const usedAsName = new Set<string>();
  names.forEach((n, i) => {
    if (schema(n) && !isDot(names[i + 1])) usedAsName.add((n.name as string).toLowerCase());
  });
  for (let i = 0; i < names.length; i++) {
    const n = names[i] as Named;
    if (!schema(n) || usedAsName.has((n.name as string).toLowerCase()) || !isDot(names[i + 1]) || !isName(names[i + 2])) continue;
    if (isDot(names[i - 1])) {
      // CData.Backlog.T: the catalog goes too (any catalog name: CData Cloud writes its connection's).
      const catalog = names[i - 2];
      if (!isName(catalog) || isDot(names[i - 3]) || !/^backlog$/i.test(n.name as string)) continue;
      edits.push(blank({ start: (catalog as Named).token.start, end: (names[i + 1] as Named).token.end }));
    } else edits.push(blank({ start: n.token.start, end: (names[i + 1] as Named).token.end }));
  }
}

const upper = (n: Named | undefined) => (n && n.token.kind === 'word' ? n.token.text.toUpperCase() : '');

/** `SELECT [DISTINCT|ALL] TOP n` → the SELECT without `TOP n`, and `LIMIT n` where it ends. */
function top(sql: string, names: Named[], edits: Edit[]): void {
  for (let i = 0; i < names.length; i++) {
    if (upper(names[i]) !== 'TOP') continue;
    let s = i - 1;
    if (upper(names[s]) === 'DISTINCT' || upper(names[s]) === 'ALL') s--;
    if (upper(names[s]) !== 'SELECT') continue;
    const topToken = (names[i] as Named).token;
    // The count: n, (n), or a parameter (?, $1, $name).
    let k = i + 1;
    let count: string;
    const at = names[k];
    if (at?.token.kind === 'number') count = at.token.text;
    else if (at?.token.text === '(' && names[k + 1]?.token.kind === 'number' && names[k + 2]?.token.text === ')') {
      count = (names[k + 1] as Named).token.text;
      k += 2;
    } else if (at?.token.text === '?') count = '?';
    else if (
      at?.token.text === '$' &&
      (names[k + 1]?.token.kind === 'number' || names[k + 1]?.token.kind === 'word') &&
      names[k + 1]?.token.start === at.token.end
    ) {
      count = `$${(names[k + 1] as Named).token.text}`;
      k++;
    } else {
      throw new SqlError('TOP needs a number of rows', topToken.start + 1, {
        syntax: true,
        sqlstate: '42601',
        hint: 'Write SELECT TOP 10 … (or TOP (10)), or LIMIT 10 at the end.',
      });
    }
    if (!/^(\?|\$\w+|\d+)$/.test(count)) {
      throw new SqlError(`TOP takes a whole number of rows, not ${count}`, (names[k] as Named).token.start + 1, {
        sqlstate: '22023',
        hint: 'Write SELECT TOP 10 …',
      });
    }
    const after = names[k + 1];
    if (upper(after) === 'PERCENT' || (upper(after) === 'WITH' && upper(names[k + 2]) === 'TIES')) {
      throw new SqlError(`TOP … ${upper(after) === 'PERCENT' ? 'PERCENT' : 'WITH TIES'} is not supported`, (after as Named).token.start + 1, {
        sqlstate: '0A000',
        hint: 'TOP n takes a number of rows; for a share of rows, filter with a window function (percent_rank() OVER (…)).',
      });
    }
    // Where this SELECT ends: the `)` that closes its depth, a `;`, or the end of the text.
    let depth = 0;
    let end = sql.length;
    for (let j = k + 1; j < names.length; j++) {
      const t = (names[j] as Named).token;
      if ((names[j] as Named).last !== t) continue; // a [bracketed name]
      if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
      else if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) {
        if (depth === 0) {
          end = t.start;
          break;
        }
        depth--;
      } else if (t.kind === 'punct' && t.text === ';' && depth === 0) {
        end = t.start;
        break;
      } else if (depth === 0 && /^(LIMIT|OFFSET|FETCH)$/.test(upper(names[j]))) {
        throw new SqlError(`TOP and ${upper(names[j])} cannot be used together`, t.start + 1, {
          syntax: true,
          sqlstate: '42601',
          hint: `Keep one: SELECT TOP ${count} … (CData's), or … LIMIT ${count} [OFFSET m] at the end (DuckDB's, which also skips rows).`,
        });
      } else if (depth === 0 && /^(UNION|EXCEPT|INTERSECT)$/.test(upper(names[j]))) {
        throw new SqlError(`TOP in a ${upper(names[j])} is not supported`, topToken.start + 1, {
          sqlstate: '0A000',
          hint: 'Put the SELECT with TOP in parentheses: (SELECT TOP 5 … ) UNION …, or write LIMIT at the end for the whole result.',
        });
      }
    }
    const last = (names[k] as Named).last;
    edits.push(blank({ start: topToken.start, end: last.end }));
    // Right after the SELECT's last token (a comment or `;` after it stays after it).
    let insertAt = last.end;
    for (const n of names) if (n.token.end <= end && n.last.end > insertAt) insertAt = n.last.end;
    edits.push({ start: insertAt, end: insertAt, text: ` LIMIT ${count}` });
  }
}
