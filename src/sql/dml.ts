/**
 * The DML splitter (ARCHITECTURE.md §5 step 0): INSERT, UPDATE and DELETE cut into their parts — target
 * table, column list, SET items, source query, FROM/USING, WHERE, RETURNING — each kept as a
 * slice of the original text with its offset, so errors DuckDB finds inside a part point at the
 * user's own statement. Nothing here evaluates SQL: the parts are reassembled into SELECTs that
 * DuckDB parses and runs (./write.ts).
 *
 * The splitter works on tokens outside literals, quoted identifiers and comments (./lexer.ts),
 * tracking parenthesis depth, so a `WHERE` inside a subquery or a `FROM` inside
 * `EXTRACT(YEAR FROM …)` is never taken for a clause of the statement.
 */
import { SqlError } from '../errors.js';
import { segments } from './lexer.js';

/** A piece of the statement: its text and where it starts (0-based) in the original. */
export interface Piece {
  text: string;
  start: number;
}

export interface NamePiece {
  name: string;
  /** 0-based offset of the name in the statement. */
  start: number;
}

export interface SetItem {
  column: NamePiece;
  expr: Piece;
}

export type DmlStatement =
  | { kind: 'INSERT'; table: NamePiece; alias: string | undefined; columns: NamePiece[] | undefined; source: Piece; returning: Piece | undefined }
  | {
      kind: 'UPDATE';
      table: NamePiece;
      alias: string | undefined;
      sets: SetItem[];
      from: Piece | undefined;
      where: Piece | undefined;
      returning: Piece | undefined;
    }
  | { kind: 'DELETE'; table: NamePiece; alias: string | undefined; using: Piece | undefined; where: Piece | undefined; returning: Piece | undefined };

interface Token {
  /** word: bare identifier or keyword; ident: "quoted"; other: numbers, operators, params. */
  kind: 'word' | 'ident' | 'punct' | 'other';
  text: string;
  start: number;
  end: number;
  /** Parenthesis depth before this token. */
  depth: number;
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  const pushCode = (from: number, to: number) => {
    let i = from;
    while (i < to) {
      const ch = sql[i] as string;
      if (/\s/.test(ch)) {
        i++;
        continue;
      }
      if (/[A-Za-z_\u0080-\uffff]/.test(ch)) {
        let j = i + 1;
        while (j < to && /[\w$\u0080-\uffff]/.test(sql[j] as string)) j++;
        tokens.push({ kind: 'word', text: sql.slice(i, j), start: i, end: j, depth });
        i = j;
      } else if (ch === '(' || ch === ')' || ch === ',' || ch === ';' || ch === '.') {
        if (ch === ')') depth--;
        tokens.push({ kind: 'punct', text: ch, start: i, end: i + 1, depth });
        if (ch === '(') depth++;
        i++;
      } else {
        let j = i + 1;
        while (j < to && !/[\s\w(),;.\u0080-\uffff"']/.test(sql[j] as string)) j++;
        if (/[$?:@]/.test(ch)) while (j < to && /\w/.test(sql[j] as string)) j++;
        tokens.push({ kind: 'other', text: sql.slice(i, j), start: i, end: j, depth });
        i = j;
      }
    }
  };
  for (const s of segments(sql)) {
    if (s.kind === 'code') pushCode(s.start, s.end);
    else if (s.kind === 'identifier')
      tokens.push({ kind: 'ident', text: sql.slice(s.start + 1, s.end - 1).replace(/""/g, '"'), start: s.start, end: s.end, depth });
    else if (s.kind === 'string') tokens.push({ kind: 'other', text: sql.slice(s.start, s.end), start: s.start, end: s.end, depth });
  }
  return tokens;
}

const isWord = (t: Token | undefined, ...words: string[]): boolean => t?.kind === 'word' && words.includes(t.text.toUpperCase());

/** Schema qualifiers a client may put before a table name (psql, JDBC, CData's own). */
const QUALIFIERS = new Set(['public', 'main', 'backlog', 'cdata', 'memory', 'temp']);

/** Words that cannot be a table alias (they start the next clause). */
const CLAUSE_WORDS = ['SET', 'WHERE', 'FROM', 'USING', 'RETURNING', 'VALUES', 'SELECT', 'WITH', 'DEFAULT', 'ON', 'OVERRIDING'];

class Cursor {
  i = 0;
  constructor(
    readonly sql: string,
    readonly tokens: Token[],
  ) {}

  peek(ahead = 0): Token | undefined {
    return this.tokens[this.i + ahead];
  }

  fail(what: string, at?: Token): never {
    const t = at ?? this.peek();
    throw new SqlError(
      t ? `${what} at or near "${t.kind === 'ident' ? `"${t.text}"` : t.text}"` : `${what} at end of input`,
      t ? t.start + 1 : this.sql.trimEnd().length + 1,
      { syntax: true },
    );
  }

  expectWord(word: string): Token {
    const t = this.peek();
    if (!isWord(t, word)) this.fail(`syntax error: expected ${word}`);
    this.i++;
    return t as Token;
  }

  /** A table name, possibly schema-qualified (the qualifier is dropped). */
  tableName(): NamePiece {
    let t = this.peek();
    if (!t || (t.kind !== 'word' && t.kind !== 'ident')) this.fail('syntax error: expected a table name');
    this.i++;
    while (this.peek()?.text === '.' && QUALIFIERS.has((t as Token).text.toLowerCase())) {
      this.i++;
      const next = this.peek();
      if (!next || (next.kind !== 'word' && next.kind !== 'ident')) this.fail('syntax error: expected a table name');
      t = next;
      this.i++;
    }
    if (this.peek()?.text === '.') this.fail(`schema "${(t as Token).text}" does not exist`, t);
    return { name: (t as Token).text, start: (t as Token).start };
  }

  /** `[AS] alias`, unless the next word starts a clause. */
  alias(): string | undefined {
    if (isWord(this.peek(), 'AS')) {
      this.i++;
      const t = this.peek();
      if (!t || (t.kind !== 'word' && t.kind !== 'ident')) this.fail('syntax error: expected an alias');
      this.i++;
      return t.text;
    }
    const t = this.peek();
    if (t && t.depth === 0 && ((t.kind === 'word' && !CLAUSE_WORDS.includes(t.text.toUpperCase())) || t.kind === 'ident')) {
      this.i++;
      return t.text;
    }
    return undefined;
  }

  /** Index of the next top-level token that is one of `words`, from the cursor on. */
  findTop(words: string[], from = this.i): number {
    for (let k = from; k < this.tokens.length; k++) {
      const t = this.tokens[k] as Token;
      if (t.depth === 0 && isWord(t, ...words)) return k;
    }
    return this.tokens.length;
  }

  /**
   * An optional clause `WORD …` running up to the next top-level `stops` word: its body, or
   * undefined when the statement has no such clause. An empty body is a syntax error naming `what`.
   */
  clause(word: string, stops: string[], what: string): Piece | undefined {
    if (!isWord(this.peek(), word)) return undefined;
    const stop = this.findTop(stops, this.i + 1);
    const body = this.piece(this.i + 1, stop);
    if (!body) this.fail(`syntax error: ${word} needs ${what}`);
    this.i = stop;
    return body;
  }

  /** RETURNING, after anything else the statement had: only semicolons may stand between. */
  returning(): Piece | undefined {
    const at = this.findTop(['RETURNING']);
    if (at > this.i) trailingSemicolonsOnly(this, this.i);
    return returningPiece(this, at);
  }

  /** The text from token `from` up to (not including) token `to`, trimmed of a final `;`. */
  piece(from: number, to: number): Piece | undefined {
    let last = to - 1;
    while (last >= from && (this.tokens[last] as Token).text === ';' && (this.tokens[last] as Token).kind === 'punct') last--;
    if (last < from) return undefined;
    const start = (this.tokens[from] as Token).start;
    const end = (this.tokens[last] as Token).end;
    return { text: this.sql.slice(start, end), start };
  }
}

function trailingSemicolonsOnly(c: Cursor, from: number): void {
  for (let k = from; k < c.tokens.length; k++) {
    const t = c.tokens[k] as Token;
    if (!(t.kind === 'punct' && t.text === ';')) c.fail('syntax error', t);
  }
}

/** Split an INSERT, UPDATE or DELETE statement into its parts. */
export function parseDml(sql: string): DmlStatement {
  const tokens = tokenize(sql);
  if (tokens.some((t) => t.depth < 0))
    throw new SqlError('syntax error: unbalanced parentheses', (tokens.find((t) => t.depth < 0) as Token).start + 1, { syntax: true });
  const open = tokens.filter((t) => t.kind === 'punct' && t.text === '(').length - tokens.filter((t) => t.kind === 'punct' && t.text === ')').length;
  if (open > 0) throw new SqlError('syntax error: a parenthesis is not closed', sql.trimEnd().length + 1, { syntax: true });
  const c = new Cursor(sql, tokens);
  const verb = c.peek()?.text.toUpperCase();
  c.i++;
  if (verb === 'INSERT') return parseInsert(c);
  if (verb === 'UPDATE') return parseUpdate(c);
  if (verb === 'DELETE') return parseDelete(c);
  return c.fail('syntax error: expected INSERT, UPDATE or DELETE', c.tokens[0]);
}

function returningPiece(c: Cursor, at: number): Piece | undefined {
  if (at >= c.tokens.length) return undefined;
  const piece = c.piece(at + 1, c.tokens.length);
  if (!piece) c.fail('syntax error: RETURNING needs a list of columns or *', c.tokens[at]);
  return piece;
}

function parseInsert(c: Cursor): DmlStatement {
  c.expectWord('INTO');
  const table = c.tableName();
  const alias = isWord(c.peek(), 'AS') ? c.alias() : undefined;
  let columns: NamePiece[] | undefined;
  // A column list, unless the parenthesis opens the source query: INSERT INTO t (SELECT …).
  if (c.peek()?.text === '(' && !isWord(c.peek(1), 'SELECT', 'WITH', 'VALUES')) {
    c.i++;
    columns = [];
    for (;;) {
      const t = c.peek();
      if (!t || (t.kind !== 'word' && t.kind !== 'ident')) c.fail('syntax error: expected a column name');
      columns.push({ name: t.text, start: t.start });
      c.i++;
      if (c.peek()?.text === ',') {
        c.i++;
        continue;
      }
      if (c.peek()?.text !== ')') c.fail('syntax error: expected , or )');
      c.i++;
      break;
    }
  }
  if (isWord(c.peek(), 'DEFAULT')) c.fail('DEFAULT VALUES is not supported: name the columns and their values');
  const first = c.peek();
  if (!first || !(isWord(first, 'VALUES', 'SELECT', 'WITH', 'FROM') || first.text === '(')) c.fail('syntax error: expected VALUES or a SELECT');
  const returningAt = c.findTop(['RETURNING']);
  const conflict = c.findTop(['ON']);
  if (conflict < returningAt && isWord(c.tokens[conflict + 1], 'CONFLICT'))
    c.fail('ON CONFLICT is not supported: Backlog has no upsert; run an UPDATE for the rows that exist', c.tokens[conflict]);
  const source = c.piece(c.i, returningAt) as Piece;
  return { kind: 'INSERT', table, alias, columns, source, returning: returningPiece(c, returningAt) };
}

function parseUpdate(c: Cursor): DmlStatement {
  const table = c.tableName();
  const alias = c.alias();
  c.expectWord('SET');
  const end = c.findTop(['FROM', 'WHERE', 'RETURNING']);
  const sets: SetItem[] = [];
  while (c.i < end) {
    const t = c.peek() as Token;
    if (t.text === '(') c.fail('SET (a, b) = (…) is not supported: write SET a = …, b = …');
    if (t.kind !== 'word' && t.kind !== 'ident') c.fail('syntax error: expected a column name');
    c.i++;
    let column: NamePiece = { name: t.text, start: t.start };
    // SET alias.Column = … (PostgreSQL refuses it; DuckDB and CData accept it): drop the qualifier.
    if (c.peek()?.text === '.') {
      c.i++;
      const n = c.peek();
      if (!n || (n.kind !== 'word' && n.kind !== 'ident')) c.fail('syntax error: expected a column name');
      column = { name: n.text, start: n.start };
      c.i++;
    }
    if (c.peek()?.text !== '=') c.fail('syntax error: expected =');
    c.i++;
    let k = c.i;
    while (k < end && !((c.tokens[k] as Token).depth === 0 && (c.tokens[k] as Token).text === ',' && (c.tokens[k] as Token).kind === 'punct')) k++;
    const expr = c.piece(c.i, k);
    if (!expr) c.fail(`syntax error: no value for ${column.name}`);
    if (/^\s*DEFAULT\s*$/i.test(expr.text)) c.fail('SET … = DEFAULT is not supported: Backlog has no column defaults; give a value or NULL', c.tokens[c.i]);
    sets.push({ column, expr });
    if (k < end && k + 1 >= end) c.fail('syntax error: a comma with no Column = value after it', c.tokens[k]);
    c.i = k < end ? k + 1 : k;
  }
  if (sets.length === 0) c.fail('syntax error: SET needs at least one Column = value');
  const from = c.clause('FROM', ['WHERE', 'RETURNING'], 'a table');
  const whereAt = c.i;
  const where = c.clause('WHERE', ['RETURNING'], 'a condition');
  if (where && /^\s*CURRENT\s+OF\b/i.test(where.text)) c.fail('WHERE CURRENT OF is not supported', c.tokens[whereAt + 1]);
  return { kind: 'UPDATE', table, alias, sets, from, where, returning: c.returning() };
}

function parseDelete(c: Cursor): DmlStatement {
  c.expectWord('FROM');
  const table = c.tableName();
  const alias = c.alias();
  const using = c.clause('USING', ['WHERE', 'RETURNING'], 'a table');
  const where = c.clause('WHERE', ['RETURNING'], 'a condition');
  return { kind: 'DELETE', table, alias, using, where, returning: c.returning() };
}

/**
 * SQL assembled from literal text and slices of the user's statement, remembering where each
 * slice came from, so a position in the assembled SQL maps back to the statement.
 */
export class MappedSql {
  private text = '';
  private readonly map: { at: number; source: number; length: number }[] = [];

  add(text: string): this {
    this.text += text;
    return this;
  }

  addPiece(piece: Piece): this {
    this.map.push({ at: this.text.length, source: piece.start, length: piece.text.length });
    this.text += piece.text;
    return this;
  }

  get sql(): string {
    return this.text;
  }

  /** 1-based position in the assembled SQL → 1-based position in the statement (undefined when in our own text). */
  toSource(position: number | undefined): number | undefined {
    if (position === undefined) return undefined;
    const p = position - 1;
    const hit = this.map.find((m) => p >= m.at && p <= m.at + m.length);
    return hit ? hit.source + (p - hit.at) + 1 : undefined;
  }
}

/**
 * Parameters for a piece of SQL cut from a statement: `?` and `$1` become `$p1`… (numbered in the
 * whole statement), and only the names a piece uses are bound — DuckDB refuses unused ones.
 */
export function numberParameters(sql: string): string {
  let n = 0;
  let out = '';
  for (const s of segments(sql)) {
    const text = sql.slice(s.start, s.end);
    out +=
      s.kind !== 'code'
        ? text
        : text.replace(/(^|[^\w$])(\?|\$(\d+))(?!\w)/g, (_m, pre: string, _all: string, num: string | undefined) => `${pre}$p${num ?? String(++n)}`);
  }
  return out;
}

/** The named parameters (`$name`, `$p1`) a piece of SQL uses. */
export function parameterNames(sql: string): Set<string> {
  const names = new Set<string>();
  for (const s of segments(sql)) {
    if (s.kind !== 'code') continue;
    for (const m of sql.slice(s.start, s.end).matchAll(/(?:^|[^\w$])\$([A-Za-z_]\w*)/g)) names.add((m[1] as string).toLowerCase());
  }
  return names;
}
