/**
 * What a wire client may run. Every client shares one library connection — one DuckDB instance
 * with the schema tables, the sys_* tables and the engine's settings — so no statement from one
 * client may create, replace or drop anything, or change a setting, another client sees.
 *
 * The decision is made from the whole statement, never from its first keyword: after an optional
 * `EXPLAIN [ANALYZE]`, a statement is admitted when it is
 *  - a query: DuckDB's own parser (`json_serialize_sql`, which serializes SELECTs only) reads it as
 *    exactly one SELECT, and its parse tree calls only harmless table functions and reads no file;
 *  - a write (INSERT / UPDATE / DELETE) the front parser splits, each of whose parts (source query,
 *    SET values, FROM / USING, WHERE, RETURNING) passes the same query check;
 *  - a procedure call (EXEC / CALL), other than the OAuth procedures (the server's sign-in is its
 *    operator's, and their results are tokens).
 * Everything else — CREATE, DROP, ALTER, SET of engine settings, PRAGMA, ATTACH, INSTALL, LOAD,
 * COPY, CREATE SECRET… — is refused with SQLSTATE 0A000 before it reaches any DuckDB instance.
 * The parser runs on a private, empty DuckDB instance that no client SQL ever executes on.
 * Read-only users (a flag in the users file) are refused writes and writing procedures (25006).
 */
import type { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement } from '@duckdb/node-api';
import { SqlError } from '../errors.js';
import { findProcedure, parseCall } from '../procedures/index.js';
import { numberParameters, parseDml, type DmlStatement, type Piece } from '../sql/dml.js';
import { createDuck } from '../sql/duckdb.js';
import { duckText, parseStatement, rewriteAtParameters } from '../sql/statement.js';
import { countInCode, countInCodeBytes } from '../sql/lexer.js';

/** What an authenticated wire user may do. */
export type Access = 'read-write' | 'read-only';

export type Admitted = { kind: 'query' } | { kind: 'write'; verb: DmlStatement['kind'] } | { kind: 'call'; procedure: string; writes: boolean };

/**
 * Table functions a query may call over the wire: generators and read-only views of the schema.
 * Anything not listed is refused — file readers (read_csv, read_text, glob…), `query()` and
 * `json_execute_serialized_sql` (they run SQL text this check never sees), the logging,
 * profiling and checkpoint switches (they change the instance every client shares).
 */
const TABLE_FUNCTIONS = new Set([
  'range',
  'generate_series',
  'unnest',
  'repeat',
  'repeat_row',
  'json_each',
  'json_tree',
  'query_table',
  'duckdb_columns',
  'duckdb_constraints',
  'duckdb_databases',
  'duckdb_dependencies',
  'duckdb_functions',
  'duckdb_indexes',
  'duckdb_keywords',
  'duckdb_schemas',
  'duckdb_sequences',
  'duckdb_tables',
  'duckdb_types',
  'duckdb_views',
  'duckdb_settings',
  'duckdb_variables',
  'duckdb_prepared_statements',
  'duckdb_optimizers',
  'duckdb_extensions',
  'pragma_table_info',
  'table_info',
  'pragma_show',
  'show',
  'show_tables',
  'show_tables_expanded',
  'show_databases',
  'summary',
  'pragma_version',
  'version',
  'pragma_platform',
  'platform',
  'pragma_collations',
  'collations',
  'pg_timezone_names',
  'icu_calendar_names',
  'test_all_types',
]);

/** Scalar functions refused over the wire: they hold a DuckDB worker thread, or write to DuckDB's shared log. */
const SCALAR_FUNCTIONS_REFUSED = new Set(['sleep_ms', 'pg_sleep', 'write_log']);

/** A table name DuckDB would read as a file (a replacement scan): a path, a URL or a name with an extension. */
const FILE_LIKE = /[/\\:]|\.[A-Za-z0-9]+$/;

/**
 * What the parser says about a text, computed inside DuckDB so that a huge statement's parse tree
 * never crosses into JavaScript: the error if any, the number of statements, and every function
 * and table name in the tree (JSON keys cannot occur inside JSON string values, so the regular
 * expressions see only real `function_name` / `table_name` keys). A tree over MAX_PARSE_TREE ($2)
 * is refused for its size alone, so it is not read at all (a parse error's tree is small).
 */
const FACTS = `WITH s AS MATERIALIZED (SELECT json_serialize_sql($1::VARCHAR) AS j)
SELECT CASE WHEN length(j) <= $2 THEN j->>'$.error' = 'true' END AS failed,
  CASE WHEN length(j) <= $2 THEN j->>'$.error_message' END AS message,
  CASE WHEN length(j) <= $2 THEN j->>'$.position' END AS position,
  CASE WHEN length(j) <= $2 THEN json_array_length(j, '$.statements') END AS statements,
  CASE WHEN length(j) <= $2 THEN list_distinct(regexp_extract_all(j, '"function_name":"((?:[^"\\\\]|\\\\.)*)"', 1)) END AS functions,
  CASE WHEN length(j) <= $2 THEN list_distinct(regexp_extract_all(j, '"table_name":"((?:[^"\\\\]|\\\\.)*)"', 1)) END AS tables,
  length(j) AS tree
FROM s`;

/**
 * The largest parse tree (its JSON, in characters) a wire statement may have: the library reads
 * the tree in JavaScript, so a statement of a million constants would hold every other client up.
 * 5,000 constants make about 0.8 MB (some 160 bytes per value).
 */
export const MAX_PARSE_TREE = 8 * 1024 * 1024;

/**
 * The most commas a wire statement may hold outside its literals: some 50,000 list items make a
 * parse tree of about MAX_PARSE_TREE, so this refuses, before parsing, what that limit would refuse after.
 */
export const MAX_LIST_SEPARATORS = 50_000;

/**
 * The refusal of a text with more than MAX_LIST_SEPARATORS commas outside its literals, if it has
 * them. Counted before any parser or router reads the text (the session calls this first): a
 * megabyte of list items is refused in milliseconds, where lexing and parsing it held every other
 * client up for a few hundred. The session passes a message's bytes, so that a refused statement
 * is never decoded into a string at all.
 */
export function complexityRefusal(sql: string | Buffer): SqlError | undefined {
  const commas = typeof sql === 'string' ? countInCode(sql, ',', MAX_LIST_SEPARATORS) : countInCodeBytes(sql, ',', MAX_LIST_SEPARATORS);
  if (commas <= MAX_LIST_SEPARATORS) return undefined;
  return new SqlError(
    `statement too complex: more than ${MAX_LIST_SEPARATORS.toLocaleString('en-US')} commas (list items, values or columns), the server's limit`,
    1,
    {
      sqlstate: '54001',
      hint: TOO_COMPLEX_HINT,
    },
  );
}

const TOO_COMPLEX_HINT = 'Split it into smaller statements, or filter with a join or subquery instead of listing thousands of values.';

interface Facts {
  failed: boolean;
  message: string | null;
  position: string | null;
  statements: number;
  functions: string[];
  tables: string[];
  tree: number;
}

/** Parser connections kept open (each with FACTS prepared), so a check costs one short DuckDB call. */
const PARSERS = 4;
/** Verdicts remembered by statement text (clients repeat their statements). */
const REMEMBERED = 1000;

export class StatementPolicy {
  private duck: DuckDBInstance | undefined;
  private readonly idle: { conn: DuckDBConnection; facts: DuckDBPreparedStatement }[] = [];
  private opened = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly admitted = new Map<string, Admitted>();
  private readonly engineSettings = new Set<string>();
  /** DuckDB's table functions, less those allowed: refused wherever they appear. */
  private readonly refusedFunctions = new Set<string>(SCALAR_FUNCTIONS_REFUSED);

  /** Open the private parser instance and read the engine's setting and function names (once, at server start). */
  async open(): Promise<void> {
    if (this.duck) return;
    this.duck = await createDuck({ timezone: 'UTC', noExternalAccess: true });
    const conn = await this.duck.connect();
    try {
      const settings = await conn.runAndReadAll('SELECT name, aliases FROM duckdb_settings()');
      for (const [name, aliases] of settings.getRows()) {
        this.engineSettings.add(String(name).toLowerCase());
        for (const a of (aliases as { items?: unknown[] } | null)?.items ?? []) this.engineSettings.add(String(a).toLowerCase());
      }
      const functions = await conn.runAndReadAll(
        "SELECT DISTINCT lower(function_name) FROM duckdb_functions() WHERE function_type IN ('table', 'table_macro')",
      );
      for (const [name] of functions.getRows()) if (!TABLE_FUNCTIONS.has(String(name))) this.refusedFunctions.add(String(name));
    } finally {
      conn.closeSync();
    }
  }

  close(): void {
    for (const p of this.idle.splice(0)) p.conn.closeSync();
    this.duck?.closeSync();
    this.duck = undefined;
  }

  /**
   * Is `name` a setting of the shared engine (DuckDB's), which `SET` over the wire must not touch?
   * Names the wire server keeps per session (PostgreSQL's: TimeZone, search_path…) are not.
   */
  isEngineSetting(name: string, sessionSettings: ReadonlySet<string>): boolean {
    const n = name.toLowerCase();
    return this.engineSettings.has(n) && !sessionSettings.has(n);
  }

  /**
   * Admit one statement (already cut from its message) for a user with `access`, or throw the
   * SqlError the client gets. `sql` is the text the library will run.
   */
  async admit(sql: string, access: Access): Promise<Admitted> {
    const key = `${access}\0${sql}`;
    const known = this.admitted.get(key);
    if (known) return known;
    const verdict = await this.decide(sql, access);
    if (sql.length <= 64 * 1024) {
      if (this.admitted.size >= REMEMBERED) this.admitted.delete(this.admitted.keys().next().value as string);
      this.admitted.set(key, verdict);
    }
    return verdict;
  }

  private async decide(sql: string, access: Access): Promise<Admitted> {
    const tooComplex = complexityRefusal(sql);
    if (tooComplex) throw tooComplex;
    // CData's calls that DuckDB cannot parse as written (CHAR(48), CONVERT…) are checked as the library will run them.
    const statement = parseStatement(sql);
    const target = statement.kind === 'explain' ? statement.inner : statement;
    const offset = target.offset;
    const explained = statement.kind === 'explain';
    const body = duckText(target);
    const replication = target.kind === 'replicate' ? target.keyword : undefined;
    if (replication) {
      throw new SqlError(`${replication} cannot run over the wire: it writes to a database on the server's side`, offset + 1, {
        sqlstate: '0A000',
        hint:
          replication === 'REPLICATE'
            ? 'Run REPLICATE through the library or `backlog-sql replicate --to …` where the destination is yours.'
            : 'backlog-sql has no query cache yet; `backlog-sql replicate` keeps a copy of the space in a database of yours.',
      });
    }
    if (target.kind === 'localView') {
      // User-defined views belong to the server's UserDefinedViews file: every client sees them.
      throw new SqlError(`${target.verb} LOCAL VIEW cannot run over the wire: user-defined views belong to the server`, offset + 1, {
        sqlstate: '0A000',
        hint: "Wire clients query the server's views; they are created, altered and dropped where the server runs (its UserDefinedViews file).",
      });
    }
    if (target.kind === 'dml') {
      // EXPLAIN of a write is refused by the library with its own explanation; nothing runs.
      const stmt = parseDml(numberParameters(target.sql));
      for (const [prefix, piece] of dmlParts(stmt)) await this.checkQuery(prefix, piece.text, piece.start + offset);
      if (!explained && access === 'read-only') {
        throw new SqlError(`cannot execute ${stmt.kind} in a read-only session`, offset + 1, { sqlstate: '25006', hint: READ_ONLY_HINT });
      }
      return { kind: 'write', verb: stmt.kind };
    }
    if (target.kind === 'call') {
      // The procedure parser takes only literals and parameters as values: no SQL runs in a call.
      const call = parseCall(target.text, [], { lenient: true });
      const def = findProcedure(call.name);
      const name = def?.name ?? call.name;
      if (def?.signedOut) {
        throw new SqlError(`${name} cannot run over the wire: the server's Backlog sign-in belongs to its operator`, offset + 1, {
          sqlstate: '42501',
          hint: "Sign the server in where it runs (backlog-sql auth, or the connection's OAuth properties).",
        });
      }
      const writes = def?.writes === true;
      if (writes && !explained && access === 'read-only') {
        throw new SqlError(`cannot run ${name} in a read-only session: it changes Backlog`, offset + 1, { sqlstate: '25006', hint: READ_ONLY_HINT });
      }
      return { kind: 'call', procedure: name, writes };
    }
    const into = target.kind === 'selectInto' ? target.into : undefined;
    if (into?.target.kind === 'file') {
      throw new SqlError('SELECT … INTO a file cannot run over the wire: files cannot be written over the wire', into.at + offset + 1, {
        sqlstate: '42501',
        hint: 'Wire clients read rows; write the file where the server runs (the library or the shell), or SELECT … INTO a table.',
      });
    }
    await this.checkQuery('', rewriteAtParameters(into ? into.query : body), offset);
    if (into) {
      // INTO a Backlog table inserts rows; INTO another name makes a temporary table of the session.
      if (!explained && access === 'read-only')
        throw new SqlError('cannot execute SELECT … INTO in a read-only session', offset + 1, { sqlstate: '25006', hint: READ_ONLY_HINT });
      return { kind: 'write', verb: 'INSERT' };
    }
    return { kind: 'query' };
  }

  /**
   * `prefix + text` must be one SELECT by DuckDB's parser that calls no refused function and
   * reads no file; errors point into the statement (`offset` of `text` in it).
   */
  private async checkQuery(prefix: string, text: string, offset: number): Promise<void> {
    const facts = await this.facts(prefix + text);
    if (facts.failed) {
      if (/Only SELECT statements can be serialized/i.test(facts.message ?? '')) throw refusal(text, offset);
      const position = facts.position !== null ? Math.max(0, Number(facts.position) - prefix.length) + offset + 1 : undefined;
      throw new SqlError((facts.message ?? 'syntax error').replace(/^[A-Za-z ]+ Error: /, ''), position, { syntax: true });
    }
    if (facts.tree > MAX_PARSE_TREE) {
      throw new SqlError(
        `statement too complex: its parse tree is ${Math.round(facts.tree / 1024 / 1024)} MB, over the server's ${MAX_PARSE_TREE / 1024 / 1024} MB`,
        offset + 1,
        {
          sqlstate: '54001',
          hint: TOO_COMPLEX_HINT,
        },
      );
    }
    if (facts.statements !== 1) {
      throw new SqlError(`one statement expected here, found ${facts.statements}`, offset + 1, {
        sqlstate: '42601',
        hint: 'Separate statements with semicolons outside literals and comments.',
      });
    }
    for (const name of facts.functions.map(unescapeJson)) {
      if (!this.refusedFunctions.has(name.toLowerCase())) continue;
      throw new SqlError(`function ${name}() is not available over the wire`, positionOf(text, name, offset), {
        sqlstate: '42501',
        hint: "Wire clients read the Backlog tables and sys_* tables; files, functions that run SQL text and the server's engine switches are out of reach.",
      });
    }
    for (const name of facts.tables.map(unescapeJson)) {
      if (!FILE_LIKE.test(name)) continue;
      throw new SqlError(`"${name}" names a file: files cannot be read over the wire`, positionOf(text, name, offset), {
        sqlstate: '42501',
        hint: 'Wire clients read the Backlog tables and sys_* tables (SELECT * FROM sys_tables lists them).',
      });
    }
  }

  /** A parser connection: an idle one, a new one (up to PARSERS), or the next one released. */
  private async acquire(): Promise<{ conn: DuckDBConnection; facts: DuckDBPreparedStatement }> {
    if (!this.duck) await this.open();
    for (;;) {
      const idle = this.idle.pop();
      if (idle) return idle;
      if (this.opened < PARSERS) {
        this.opened++;
        const conn = await (this.duck as DuckDBInstance).connect();
        return { conn, facts: await conn.prepare(FACTS) };
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private async facts(sql: string): Promise<Facts> {
    const parser = await this.acquire();
    try {
      parser.facts.bindVarchar(1, sql);
      parser.facts.bindInteger(2, MAX_PARSE_TREE);
      const reader = await parser.facts.runAndReadAll();
      const [failed, message, position, statements, functions, tables, tree] = reader.getRows()[0] ?? [];
      const list = (v: unknown) => ((v as { items?: unknown[] } | null)?.items ?? []).map(String);
      return {
        failed: failed === true,
        message: message === null || message === undefined ? null : String(message),
        position: position === null || position === undefined ? null : String(position),
        statements: Number(statements ?? 0),
        functions: list(functions),
        tables: list(tables),
        tree: Number(tree ?? 0),
      };
    } finally {
      this.idle.push(parser);
      this.waiting.shift()?.();
    }
  }
}

/** The parts of a write that DuckDB evaluates, each as a query to check: [text put before it, the part]. */
function dmlParts(stmt: DmlStatement): [string, Piece][] {
  const parts: [string, Piece][] = [];
  if (stmt.kind === 'INSERT') parts.push(['', stmt.source]);
  if (stmt.kind === 'UPDATE') {
    for (const s of stmt.sets) parts.push(['SELECT ', s.expr]);
    if (stmt.from) parts.push(['SELECT 1 FROM ', stmt.from]);
  }
  if (stmt.kind === 'DELETE' && stmt.using) parts.push(['SELECT 1 FROM ', stmt.using]);
  if (stmt.kind !== 'INSERT' && stmt.where) parts.push(['SELECT 1 WHERE ', stmt.where]);
  if (stmt.returning) parts.push(['SELECT ', stmt.returning]);
  return parts;
}

/** The refusal of a statement that is not a query, a write or a call. */
function refusal(text: string, offset: number): SqlError {
  const verb = /^\s*([A-Za-z]+)/.exec(text.replace(/^(\s|--[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, ''))?.[1]?.toUpperCase() ?? 'this statement';
  const withWrite = verb === 'WITH';
  return new SqlError(
    withWrite
      ? 'WITH … INSERT/UPDATE/DELETE is not supported'
      : `${verb} cannot run over the wire: only queries, INSERT/UPDATE/DELETE on Backlog tables and procedure calls can`,
    offset + 1,
    {
      sqlstate: '0A000',
      hint: withWrite
        ? 'Move the WITH query into the WHERE (… WHERE Id IN (SELECT …)) or the INSERT … SELECT.'
        : "Every client shares the server's tables, settings and functions, so none can be created, changed or dropped over the wire.",
    },
  );
}

const READ_ONLY_HINT = "This user is marked readonly in the server's users file: it may only read.";

/** A JSON string's contents (without its quotes) as text. */
function unescapeJson(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** Where `name` first appears in `text` (1-based, in the statement), if it does. */
function positionOf(text: string, name: string, offset: number): number {
  const at = text.toLowerCase().indexOf(name.toLowerCase());
  return (at < 0 ? 0 : at) + offset + 1;
}
