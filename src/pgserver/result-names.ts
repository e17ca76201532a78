/**
 * Result column names as PostgreSQL gives them, for statements the data engine ran. DuckDB names
 * an unaliased expression after its text (`count_star()`, `sum(Id)`, `(1 + Id)`,
 * `CAST(Id AS VARCHAR)`); PostgreSQL names a function call after the function (`count`, `sum`),
 * a cast after what it casts, CASE `case`, and any other expression or constant `?column?`.
 * Clients that read columns by name (`rs.getLong("count")`) then work as with PostgreSQL.
 * A plain name (a column, or an alias) is never changed.
 */

const PLAIN = /^[\p{L}_][\p{L}\p{N}_$]*$/u;

/** The part of `text` up to the parenthesis that closes the one at `open`, or -1. */
function closing(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

export function pgColumnName(duckName: string): string {
  const name = duckName.trim();
  if (PLAIN.test(name) && !/^(true|false|null)$/i.test(name)) return duckName;
  if (name === 'count_star()') return 'count';
  // CAST(x AS t): PostgreSQL names it after x when x has a name, else after the type.
  const cast = /^(?:TRY_)?CAST\(/i.exec(name);
  if (cast && closing(name, cast[0].length - 1) === name.length - 1) {
    const inner = name.slice(cast[0].length, name.length - 1);
    const as = inner.toUpperCase().lastIndexOf(' AS ');
    const source = as >= 0 ? inner.slice(0, as) : inner;
    const named = pgColumnName(source);
    if (named !== '?column?') return named;
    const type = (as >= 0 ? inner.slice(as + 4) : '').trim().toLowerCase();
    return PG_TYPE_NAMES[type] ?? (type.replace(/\(.*$/, '') || '?column?');
  }
  if (/^CASE\b/i.test(name)) return 'case';
  // Words and blanks only: an alias with spaces (CData's [Follow Up]); DuckDB names expressions with operators or parentheses.
  if (/^[\p{L}_][\p{L}\p{N}_ ]*$/u.test(name) && !/\b(IS|NOT|AND|OR|BETWEEN|LIKE|ILIKE|IN|COLLATE)\b/i.test(name)) return duckName;
  // name(…) covering the whole text: a function call.
  const call = /^([\p{L}_][\p{L}\p{N}_$]*)\(/u.exec(name);
  if (call && closing(name, call[0].length - 1) === name.length - 1) return (call[1] as string).toLowerCase();
  // "Issues"."Id" style or alias.column: the column.
  const qualified = /^(?:[\p{L}_][\p{L}\p{N}_$]*\.)+([\p{L}_][\p{L}\p{N}_$]*)$/u.exec(name);
  if (qualified) return qualified[1] as string;
  return '?column?';
}

/** PostgreSQL's names for a cast's type when the cast has no other name (`'1'::int` → int4). */
const PG_TYPE_NAMES: Record<string, string> = {
  integer: 'int4',
  int: 'int4',
  int4: 'int4',
  bigint: 'int8',
  int8: 'int8',
  smallint: 'int2',
  int2: 'int2',
  varchar: 'varchar',
  text: 'text',
  boolean: 'bool',
  bool: 'bool',
  double: 'float8',
  'double precision': 'float8',
  float: 'float4',
  real: 'float4',
  date: 'date',
  timestamp: 'timestamp',
  'timestamp with time zone': 'timestamptz',
  timestamptz: 'timestamptz',
};
