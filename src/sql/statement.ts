/**
 * Step 0 of the pipeline (ARCHITECTURE.md §5): what kind of statement this is, read once on the
 * one lexer (./lexer.ts), as a discriminated union every dispatcher switches on — the connection
 * (REPLICATE, LOCAL VIEW, EXEC / CALL), the engine (queries, EXPLAIN, writes, COPY, SELECT … INTO),
 * the wire server's policy and the CLI. Each statement keeps its text and its offset in what the
 * user wrote, so error positions point into the user's text.
 *
 * `sql` is the text DuckDB reads: CData's `@name` parameters as `$name` and CData's dialect
 * (`[names]`, TOP, #TEMP, its functions' special forms) rewritten (./dialect/), computed once here.
 */
import { rewriteCdataDialect } from './dialect/rewrite.js';
import { selectIntoOf, type SelectInto } from './dialect/select-into.js';
import { copySource, rewriteAtParameters } from './front.js';
import { leadingCode } from './lexer.js';

interface Base {
  /** The statement's text as the user wrote it (for EXPLAIN's inner statement: what follows EXPLAIN). */
  readonly text: string;
  /** 0-based position of `text` in the whole statement. */
  readonly offset: number;
}

/** Base plus the text DuckDB reads (parameters and CData's dialect rewritten). */
interface Prepared extends Base {
  readonly sql: string;
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

/** The DuckDB-ready text of the statement kinds that have one. */
function prepare(text: string): string {
  return rewriteCdataDialect(rewriteAtParameters(text));
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
    return freeze({ kind: 'explain', analyze: false, inner: freeze({ kind: 'other', text, offset, sql: prepare(text) }), text, offset });
  const word = /^[A-Z]+/.exec(code)?.[0] ?? '';
  if (word === 'EXEC' || word === 'EXECUTE' || word === 'CALL') return freeze({ kind: 'call', text, offset });
  if (word === 'REPLICATE' || word === 'CACHE') return freeze({ kind: 'replicate', keyword: word, text, offset });
  const view = /^(CREATE|ALTER|DROP)\s+LOCAL\s+VIEW\b/.exec(code);
  if (view) return freeze({ kind: 'localView', verb: view[1] as 'CREATE' | 'ALTER' | 'DROP', text, offset });
  const sql = prepare(text);
  if (word === 'INSERT' || word === 'UPDATE' || word === 'DELETE') return freeze({ kind: 'dml', verb: word, text, offset, sql });
  if (word === 'SELECT' || word === 'WITH' || word === 'FROM' || word === 'VALUES' || code.startsWith('(')) {
    const into = word === 'SELECT' || word === 'WITH' || word === 'FROM' ? selectIntoOf(sql) : undefined;
    return freeze(into ? { kind: 'selectInto', into, text, offset, sql } : { kind: 'select', text, offset, sql });
  }
  if (word === 'COPY') {
    const source = copySource(sql);
    return freeze({ kind: 'copy', source: source ? { sql: source.sql, offset: offset + source.offset } : undefined, text, offset, sql });
  }
  return freeze({ kind: 'other', text, offset, sql });
}

function freeze<T extends Statement>(s: T): T {
  return Object.freeze(s);
}

/** The text DuckDB reads for any statement (kinds run elsewhere get theirs rewritten here, as DuckDB would see them). */
export function duckText(statement: Statement): string {
  return 'sql' in statement ? statement.sql : prepare(statement.text);
}
