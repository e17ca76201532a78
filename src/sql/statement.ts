/**
 * Step 0 of the pipeline (ARCHITECTURE.md §5): what kind of statement this is, read once on the
 * one lexer (./lexer.ts), as a discriminated union every dispatcher switches on — the connection
 * (REPLICATE, LOCAL VIEW, EXEC / CALL), the engine (queries, EXPLAIN, writes, COPY, SELECT … INTO),
 * the wire server's policy and the CLI. Each statement keeps its text and its offset in what the
 * user wrote, so error positions point into the user's text.
 *
 * `sql` is the text DuckDB reads: CData's `@name` parameters as `$name` and CData's dialect
 * (`[names]`, TOP, #TEMP, its functions' special forms) rewritten (./dialect/), computed once here.
 *
 * The rest of what is read off a statement's text lives here too, each part with its own why
 * below: the checks of the text and bound values before anything uses them, CData's `@name`
 * parameters, COPY's source query, the refusal of extension statements, and the `public.` schema
 * qualifier blanked.
 */
import { dialectUse, rewriteCdataDialect, type DialectUse } from './dialect/rewrite.js';
import { selectIntoOf, type SelectInto } from './dialect/select-into.js';
import { SqlError } from '../errors.js';
import type { ParamValues } from './analyze.js';
import { leadingCode, mapCode, scanCode, segments } from './lexer.js';

interface Base {
  /** The statement's text as the user wrote it (for EXPLAIN's inner statement: what follows EXPLAIN). */
  readonly text: string;
  /** 0-based position of `text` in the whole statement. */
  readonly offset: number;
}

/** Base plus the text DuckDB reads (parameters and CData's dialect rewritten). */
interface Prepared extends Base {
  readonly sql: string;
  /** The parts of CData's dialect the text may use (./dialect/rewrite.ts): what runs for it later too. */
  readonly dialect: DialectUse;
}

export type DmlVerb = 'INSERT' | 'UPDATE' | 'DELETE';

export type Statement =
  /** A query: SELECT, WITH, FROM-first, VALUES, a parenthesised query. */
  | (Prepared & { readonly kind: 'select' })
  /** CData's SELECT … INTO a file, a Backlog table or a temporary table (./dialect/select-into.ts). */
  | (Prepared & { readonly kind: 'selectInto'; readonly into: SelectInto })
  /** EXPLAIN [ANALYZE] of any other statement. */
  | (Base & { readonly kind: 'explain'; readonly analyze: boolean; readonly inner: Statement })
  /** INSERT / UPDATE / DELETE (./dml.ts splits it). */
  | (Prepared & { readonly kind: 'dml'; readonly verb: DmlVerb })
  /** EXEC[UTE] Name … / CALL Name(…) (src/procedures parses the arguments). */
  | (Base & { readonly kind: 'call' })
  /** COPY … TO: `source` is the query whose Backlog tables are fetched first (undefined for COPY … FROM). */
  | (Prepared & { readonly kind: 'copy'; readonly source: { readonly sql: string; readonly offset: number } | undefined })
  /** REPLICATE … or CACHE … (src/sync/statement.ts parses REPLICATE). */
  | (Base & { readonly kind: 'replicate'; readonly keyword: 'REPLICATE' | 'CACHE' })
  /** CREATE / ALTER / DROP LOCAL VIEW (./dialect/user-views.ts parses it). */
  | (Base & { readonly kind: 'localView'; readonly verb: 'CREATE' | 'ALTER' | 'DROP' })
  /** Anything else DuckDB may run (DESCRIBE, SET, SHOW, PRAGMA…). */
  | (Prepared & { readonly kind: 'other' });

export type StatementKind = Statement['kind'];

/** The DuckDB-ready text of the statement kinds that have one, and the dialect it was read with. */
function prepare(text: string): { sql: string; dialect: DialectUse } {
  const duck = rewriteAtParameters(text);
  const dialect = dialectUse(duck);
  return { sql: rewriteCdataDialect(duck, dialect), dialect };
}

/**
 * Read the statement's leading keywords (comments before and between them count as blanks) and
 * return its kind, text and offset. Lexes the statement's start once; only COPY's source query and
 * SELECT … INTO look further (on the same lexer's tokens).
 */
export function parseStatement(text: string, offset = 0): Statement {
  if (offset !== 0 || text.length > MEMO_MAX_CHARS) return readStatement(text, offset);
  const hit = memo.get(text);
  if (hit) {
    // Most recently used last.
    memo.delete(text);
    memo.set(text, hit);
    return hit;
  }
  const statement = readStatement(text, 0);
  memo.set(text, statement);
  if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value as string);
  return statement;
}

/**
 * Statements read before, by text (issue 13, costs): reading one is a pure function of its text
 * and the result is frozen, so a program's loop reads its statement once. Failures are not kept.
 */
const memo = new Map<string, Statement>();
const MEMO_SIZE = 256;
const MEMO_MAX_CHARS = 16_384;

function readStatement(text: string, offset: number): Statement {
  const lead = leadingCode(text);
  const code = lead.trimStart().toUpperCase();
  const explain = /^EXPLAIN(\s+ANALY[SZ]E)?(\s+|$)/.exec(code);
  if (explain) {
    const cut = lead.length - lead.trimStart().length + explain[0].length;
    return freeze({ kind: 'explain', analyze: explain[1] !== undefined, inner: readStatement(text.slice(cut), offset + cut), text, offset });
  }
  // `EXPLAIN(ANALYZE) …` and other forms DuckDB would run: an EXPLAIN whose inner statement is
  // the whole text, which no query parse accepts, so it is refused like EXPLAIN of a CREATE.
  if (/^EXPLAIN\b/.test(code))
    return freeze({ kind: 'explain', analyze: false, inner: freeze({ kind: 'other', text, offset, ...prepare(text) }), text, offset });
  const word = /^[A-Z]+/.exec(code)?.[0] ?? '';
  if (word === 'EXEC' || word === 'EXECUTE' || word === 'CALL') return freeze({ kind: 'call', text, offset });
  if (word === 'REPLICATE' || word === 'CACHE') return freeze({ kind: 'replicate', keyword: word, text, offset });
  const view = /^(CREATE|ALTER|DROP)\s+LOCAL\s+VIEW\b/.exec(code);
  if (view) return freeze({ kind: 'localView', verb: view[1] as 'CREATE' | 'ALTER' | 'DROP', text, offset });
  const { sql, dialect } = prepare(text);
  if (word === 'INSERT' || word === 'UPDATE' || word === 'DELETE') return freeze({ kind: 'dml', verb: word, text, offset, sql, dialect });
  if (word === 'SELECT' || word === 'WITH' || word === 'FROM' || word === 'VALUES' || code.startsWith('(')) {
    const into = dialect.selectInto && (word === 'SELECT' || word === 'WITH' || word === 'FROM') ? selectIntoOf(sql) : undefined;
    return freeze(into ? { kind: 'selectInto', into, text, offset, sql, dialect } : { kind: 'select', text, offset, sql, dialect });
  }
  if (word === 'COPY') {
    const source = copySource(sql);
    return freeze({ kind: 'copy', source: source ? { sql: source.sql, offset: offset + source.offset } : undefined, text, offset, sql, dialect });
  }
  return freeze({ kind: 'other', text, offset, sql, dialect });
}

function freeze<T extends Statement>(s: T): T {
  return Object.freeze(s);
}

/** The text DuckDB reads for any statement (kinds run elsewhere get theirs rewritten here, as DuckDB would see them). */
export function duckText(statement: Statement): string {
  return 'sql' in statement ? statement.sql : prepare(statement.text).sql;
}

/** The parts of CData's dialect a statement may use (./dialect/rewrite.ts `dialectUse`), read once with it. */
export function dialectOf(statement: Statement): DialectUse {
  return 'dialect' in statement ? statement.dialect : prepare(statement.text).dialect;
}

// ---- the text and values checked first -----------------------------------------------------------

/**
 * A statement's text and bound values checked before anything uses them (issue 11), so that what
 * SQL cannot take is a SqlError naming it instead of a RangeError, a TypeError or DuckDB's error
 * about our internal wrapper: a NUL character in the text (DuckDB's C interface would cut the
 * statement there), an invalid Date, a function or a symbol as a value (lists item by item).
 */

function problem(value: unknown, depth = 0): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'is an invalid Date' : undefined;
  if (typeof value === 'function') return 'is a function';
  if (typeof value === 'symbol') return 'is a symbol';
  if (Array.isArray(value) && depth < 8) {
    for (const [i, item] of value.entries()) {
      const p = problem(item, depth + 1);
      if (p) return `has an item (${i + 1}) that ${p}`;
    }
  }
  return undefined;
}

export function checkParams(params: unknown): asserts params is ParamValues {
  if (params === undefined || params === null) return;
  if (typeof params !== 'object') {
    throw new SqlError(`parameters must be an array (for ? and $1) or an object (for $name and @name), not a ${typeof params}`, undefined, {
      sqlstate: '22023',
    });
  }
  const entries: [string, unknown][] = Array.isArray(params) ? params.map((v, i) => [String(i + 1), v]) : Object.entries(params);
  for (const [name, value] of entries) {
    const p = problem(value);
    if (p) {
      throw new SqlError(`parameter ${Array.isArray(params) ? name : `$${name.replace(/^[@$:]/, '')}`} ${p}`, undefined, {
        sqlstate: value instanceof Date ? '22007' : '22023',
        hint: 'Bind numbers, strings, booleans, valid Dates, null, or arrays of those.',
      });
    }
  }
}

export function checkStatement(sql: unknown): asserts sql is string {
  if (typeof sql !== 'string')
    throw new SqlError(`the statement must be a string, not ${sql === null ? 'null' : typeof sql}`, undefined, { sqlstate: '22023' });
  const nul = sql.indexOf('\u0000');
  if (nul >= 0) {
    throw new SqlError('the statement contains a NUL character (code 0)', nul + 1, {
      sqlstate: '22021',
      hint: 'Remove it; a value that holds one can be bound as a parameter.',
    });
  }
}

// ---- CData's @parameters, COPY's query, extensions -------------------------------------------------

/**
 * Pieces of the statement's reading (ARCHITECTURE.md §5 step 0):
 * CData's `@name` parameters rewritten to DuckDB's `$name` — outside string literals, quoted identifiers and
 * comments only, so `'me@example.com'` is left alone.
 */

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

// ---- schema public ---------------------------------------------------------------------------

/**
 * The schema-naming rule (ARCHITECTURE.md §12): every table, view and sys_* table is in schema
 * `public` (of database `backlog`), in the library, the CLI and over the wire alike. A name may be
 * written bare (`Issues`) or qualified with `public.` (any case, quoted or not); DuckDB's own name
 * for the schema, `main.`, works too. DuckDB keeps the tables in `main`, so the `public.` qualifier
 * is blanked out before it runs — replaced by as many spaces, so error positions still point at
 * the user's text.
 */
export function unqualifyPublic(sql: string): string {
  if (!/public/i.test(sql)) return sql;
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
  if (cuts.length === 0) return sql;
  let out = '';
  let last = 0;
  for (const [a, b] of cuts.sort((x, y) => x[0] - y[0])) {
    if (a < last) continue;
    out += sql.slice(last, a) + ' '.repeat(b - a);
    last = b;
  }
  return out + sql.slice(last);
}
