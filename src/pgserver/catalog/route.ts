/**
 * Which engine answers a wire statement (ARCHITECTURE.md §12): the catalog engine (PostgreSQL)
 * for anything that reads pg_catalog or information_schema, calls a catalog or session function
 * or casts to a reg* type; the data engine (DuckDB, through the library) for anything that names
 * a Backlog table, view, sys_* table or procedure. A statement naming both kinds of relation is
 * refused (0A000): the catalog's tables are empty, so a join would silently answer nothing.
 * A statement naming neither (`SELECT 1/0`) runs on PostgreSQL first, for PostgreSQL's answer,
 * and on DuckDB when PostgreSQL does not know its syntax or functions.
 *
 * Names are found on the lexer's tokens, so nothing inside a literal or comment counts.
 */
import { segments } from '../../sql/lexer.js';

export type Route =
  /**
   * `versionCalls`: where version() and pg_backend_pid() are called, to be answered by
   * pg_catalog.version(0) and pg_catalog.pg_backend_pid(<the session's pid>).
   */
  | { engine: 'catalog'; versionCalls: Substitution[] }
  | { engine: 'data'; substitutions: Substitution[] }
  | { engine: 'either'; versionCalls: Substitution[] }
  | { engine: 'mixed'; catalogName: string; backlogName: string };

/** A session function in a data statement, replaced by its value before DuckDB runs it. */
export interface Substitution {
  start: number;
  end: number;
  fn: SessionFunction;
}

export type SessionFunction =
  | 'current_user'
  | 'session_user'
  | 'current_role'
  | 'current_catalog'
  | 'current_database'
  | 'current_schema'
  | 'version'
  | 'pg_backend_pid'
  | 'user';

/** Session values a data statement may read (DuckDB would answer with its own). */
export interface SessionValues {
  user: string;
  database: string;
  version: string;
  pid: number;
}

interface Token {
  kind: 'word' | 'quoted' | 'string' | 'punct';
  text: string;
  start: number;
  end: number;
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  for (const s of segments(sql)) {
    if (s.kind === 'comment') continue;
    if (s.kind === 'string') {
      tokens.push({ kind: 'string', text: '', start: s.start, end: s.end });
      continue;
    }
    if (s.kind === 'identifier') {
      tokens.push({ kind: 'quoted', text: sql.slice(s.start + 1, s.end - 1).replaceAll('""', '"'), start: s.start, end: s.end });
      continue;
    }
    const code = sql.slice(s.start, s.end);
    const re = /([A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*)|(::|[.(),;])|(\S)/g;
    for (let m = re.exec(code); m; m = re.exec(code)) {
      const start = s.start + m.index;
      tokens.push({ kind: m[1] ? 'word' : 'punct', text: m[0], start, end: start + m[0].length });
    }
  }
  return tokens;
}

/** Functions whose answer comes from the catalog or the session (besides every pg_*). */
const CATALOG_FUNCTIONS = new Set([
  'current_setting',
  'set_config',
  'format_type',
  'obj_description',
  'col_description',
  'shobj_description',
  'current_schemas',
  'txid_current',
  'inet_server_addr',
  'inet_server_port',
  'inet_client_addr',
  'inet_client_port',
  'to_regclass',
  'to_regtype',
  'to_regproc',
  'to_regprocedure',
  'to_regnamespace',
  'to_regrole',
  'to_regoper',
  'to_regoperator',
  'row_security_active',
  'array_to_string',
  'quote_ident',
  'regclass',
  'age',
]);

const SESSION_FUNCTIONS = new Set<SessionFunction>([
  'current_user',
  'session_user',
  'current_role',
  'current_catalog',
  'current_database',
  'current_schema',
  'version',
  'pg_backend_pid',
]);
/** Session functions written without parentheses (SQL keywords). */
const SESSION_KEYWORDS = new Set(['current_user', 'session_user', 'current_role', 'current_catalog', 'current_schema']);
const REG_TYPES = /^(regclass|regtype|regproc|regprocedure|regnamespace|regrole|regoper|regoperator|regconfig|regdictionary|regcollation)$/i;
/** DuckDB's own catalog: never answered by DuckDB over the wire. */
const DUCKDB_INTERNAL = /^(duckdb_\w+|pragma_\w+|sqlite_master|sqlite_schema|sqlite_temp_master)$/i;
/** Statements PostgreSQL may answer; anything else (EXEC, INSERT, DESCRIBE…) is the library's. */
const READ_STATEMENT = /^(SELECT|WITH|VALUES|TABLE|SHOW)$/i;

export interface Names {
  /** Does `name` (any case) name a Backlog table, view or sys_* table? */
  isBacklogRelation(name: string): boolean;
}

export function route(sql: string, names: Names): Route {
  const tokens = tokenize(sql);
  const first = tokens.find((t) => t.kind !== 'punct' || t.text !== '(');
  if (!first || first.kind !== 'word' || !READ_STATEMENT.test(first.text)) return { engine: 'data', substitutions: [] };
  if (/^SHOW$/i.test(first.text))
    return /^(tables|databases)$/i.test(tokens[1]?.text ?? '') ? { engine: 'data', substitutions: [] } : { engine: 'catalog', versionCalls: [] };
  let catalogRelation: string | undefined;
  let catalogFunction: string | undefined;
  let sessionFunction = false;
  let backlog: string | undefined;
  const substitutions: Substitution[] = [];
  // Common table expressions shadow relation names.
  const cteNames = new Set<string>();
  tokens.forEach((t, i) => {
    const next = tokens[i + 1];
    if ((t.kind === 'word' || t.kind === 'quoted') && next?.kind === 'word' && /^AS$/i.test(next.text) && tokens[i + 2]?.text === '(')
      cteNames.add(t.text.toLowerCase());
  });
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'punct' && t.text === '::') {
      const type = tokens[i + 1];
      const qualified = type?.text.toLowerCase() === 'pg_catalog' && tokens[i + 2]?.text === '.' ? tokens[i + 3] : type;
      if (qualified && REG_TYPES.test(qualified.text)) catalogFunction ??= `::${qualified.text}`;
      continue;
    }
    if (t.kind !== 'word' && t.kind !== 'quoted') continue;
    // CData's session tables (T#TEMP, bare or quoted) live in the data engine.
    const hash = tokens[i + 1];
    const temp = tokens[i + 2];
    if (
      (t.kind === 'word' && hash?.text === '#' && hash.start === t.end && temp?.start === hash.end && /^TEMP$/i.test(temp.text)) ||
      (t.kind === 'quoted' && /#TEMP$/i.test(t.text))
    ) {
      backlog ??= `${t.text}${t.kind === 'word' ? '#TEMP' : ''}`;
      continue;
    }
    // A dotted name: collect its parts.
    const parts: Token[] = [t];
    let j = i;
    while (tokens[j + 1]?.text === '.' && (tokens[j + 2]?.kind === 'word' || tokens[j + 2]?.kind === 'quoted')) {
      parts.push(tokens[j + 2] as Token);
      j += 2;
    }
    // A name after a dot we did not start at (a column of an alias) was handled with its path.
    if (tokens[i - 1]?.text === '.') continue;
    i = j;
    const last = parts[parts.length - 1] as Token;
    const lower = last.kind === 'word' ? last.text.toLowerCase() : last.text;
    const schema = parts.length >= 2 ? (parts[parts.length - 2] as Token).text.toLowerCase() : undefined;
    const call = tokens[j + 1]?.text === '(';
    const display = parts.map((p) => p.text).join('.');
    if (schema === 'pg_catalog' || schema === 'information_schema') {
      if (call && schema === 'pg_catalog' && (lower === 'version' || lower === 'pg_backend_pid') && tokens[j + 2]?.text === ')') {
        sessionFunction = true;
        substitutions.push({ start: t.start, end: (tokens[j + 2] as Token).end, fn: lower });
      } else if (call) catalogFunction ??= display;
      else catalogRelation ??= display;
      continue;
    }
    if (parts.length === 1 && last.kind === 'word' && DUCKDB_INTERNAL.test(lower)) {
      catalogRelation ??= display;
      continue;
    }
    if (call) {
      if (parts.length > 1) continue;
      if (SESSION_FUNCTIONS.has(lower as SessionFunction)) {
        sessionFunction = true;
        const close = tokens[j + 2];
        if (close?.text === ')') substitutions.push({ start: last.start, end: close.end, fn: lower as SessionFunction });
        else catalogFunction ??= `${lower}()`;
      } else if (last.kind === 'word' && (lower.startsWith('pg_') || CATALOG_FUNCTIONS.has(lower) || /^has_\w+_privilege$/.test(lower))) {
        catalogFunction ??= `${lower}()`;
      }
      continue;
    }
    if (parts.length === 1 && last.kind === 'word' && SESSION_KEYWORDS.has(lower)) {
      sessionFunction = true;
      substitutions.push({ start: last.start, end: last.end, fn: lower as SessionFunction });
      continue;
    }
    // CData's schema names (Backlog, UserViews) are the library's too (src/sql/dialect/query-forms.ts).
    if (schema === undefined || schema === 'public' || schema === 'main' || schema === 'backlog' || schema === 'userviews') {
      if (names.isBacklogRelation(last.text) && !(parts.length === 1 && cteNames.has(last.text.toLowerCase()))) {
        backlog ??= last.text;
        continue;
      }
      if (parts.length === 1 && last.kind === 'word' && /^pg_[a-z_]+$/.test(lower) && !cteNames.has(lower)) catalogRelation ??= last.text;
    }
  }
  if (backlog && catalogRelation) return { engine: 'mixed', catalogName: catalogRelation, backlogName: backlog };
  if (backlog) {
    if (catalogFunction) return { engine: 'mixed', catalogName: catalogFunction, backlogName: backlog };
    return { engine: 'data', substitutions };
  }
  const versionCalls = substitutions.filter((x) => x.fn === 'version' || x.fn === 'pg_backend_pid');
  if (catalogRelation || catalogFunction || sessionFunction) return { engine: 'catalog', versionCalls };
  return { engine: 'either', versionCalls };
}

/** A catalog statement whose version() calls answer what we are, and pg_backend_pid() calls the session's pid. */
export function withOurVersion(sql: string, calls: readonly Substitution[], pid: number): string {
  let out = '';
  let last = 0;
  for (const s of [...calls].sort((a, b) => a.start - b.start)) {
    out += `${sql.slice(last, s.start)}${s.fn === 'pg_backend_pid' ? `pg_catalog.pg_backend_pid(${pid})` : 'pg_catalog.version(0)'}`;
    last = s.end;
  }
  return out + sql.slice(last);
}

function sessionValue(fn: SessionFunction, values: SessionValues): string {
  const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
  switch (fn) {
    case 'current_user':
    case 'session_user':
    case 'current_role':
    case 'user':
      return literal(values.user);
    case 'current_catalog':
    case 'current_database':
      return literal(values.database);
    case 'current_schema':
      return literal('public');
    case 'version':
      return literal(values.version);
    case 'pg_backend_pid':
      return String(values.pid);
  }
}

/**
 * A data statement with its session functions replaced by their values, padded with blanks to
 * the original length where the value is shorter, so DuckDB's error positions still point at the
 * client's text.
 */
export function substitute(sql: string, substitutions: readonly Substitution[], values: SessionValues): string {
  let out = '';
  let last = 0;
  for (const s of [...substitutions].sort((a, b) => a.start - b.start)) {
    const value = sessionValue(s.fn, values);
    out += sql.slice(last, s.start) + value.padEnd(s.end - s.start, ' ');
    last = s.end;
  }
  return out + sql.slice(last);
}
