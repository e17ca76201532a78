/**
 * The REPLICATE statement, as the reference driver documents it (docs/cdata-driver.md §6.5):
 *   REPLICATE                      every table of the space
 *   REPLICATE Issues               one table (a table that hangs off Issues brings Issues along)
 *   REPLICATE Name SELECT …        the query's result, as table Name
 * Recognised on the lexer's tokens, so comments before the keyword are allowed and a
 * `REPLICATE` inside a string literal is never one.
 */
import { SqlError } from '../errors.js';
import { leadingCode } from '../sql/lexer.js';
import { parseStatement } from '../sql/statement.js';

export interface ReplicateStatement {
  tables?: string[];
  select?: { table: string; sql: string };
}

/** Is this statement REPLICATE or CACHE (the keywords the wire server refuses)? The statement parser's answer. */
export function replicationKeyword(sql: string): 'REPLICATE' | 'CACHE' | undefined {
  const statement = parseStatement(sql);
  return statement.kind === 'replicate' ? statement.keyword : undefined;
}

/** Where the statement's first keyword starts (comments before it skipped). */
function firstCode(sql: string): { start: number } | undefined {
  const lead = leadingCode(sql);
  const start = lead.length - lead.trimStart().length;
  return start < lead.length ? { start } : undefined;
}

/**
 * What follows the leading `keyword` of REPLICATE / CACHE: where it starts, the text (a trailing
 * `;` dropped), and the table name that leads it — `"quoted"`, `[bracketed]` or bare — as written
 * (`match`, with its leading blanks) and unquoted (`table`); no name: undefined.
 */
export function afterKeyword(sql: string, keyword: 'REPLICATE' | 'CACHE'): { start: number; rest: string; name: { match: string; table: string } | undefined } {
  const at = firstCode(sql)?.start ?? 0;
  const start = at + (new RegExp(`^\\s*${keyword}`, 'i').exec(sql.slice(at))?.[0].length ?? 0);
  const rest = sql.slice(start).replace(/;\s*$/, '');
  const m = /^\s*("(?:[^"]|"")+"|\[[^\]]+\]|[A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
  if (!m) return { start, rest, name: undefined };
  const raw = m[1] as string;
  const table = raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw.startsWith('[') ? raw.slice(1, -1) : raw;
  return { start, rest, name: { match: m[0], table } };
}

/** The statement parsed, or undefined when it is not a REPLICATE. */
export function parseReplicate(sql: string): ReplicateStatement | undefined {
  if (replicationKeyword(sql) !== 'REPLICATE') return undefined;
  const { start, rest, name } = afterKeyword(sql, 'REPLICATE');
  if (rest.trim() === '') return {};
  if (!name) {
    throw new SqlError('REPLICATE takes a table name, optionally followed by a SELECT', start + 1, {
      syntax: true,
      sqlstate: '42601',
      hint: "REPLICATE; REPLICATE Issues; REPLICATE OpenIssues SELECT * FROM Issues WHERE StatusName <> 'Closed'",
    });
  }
  const { table } = name;
  const after = rest.slice(name.match.length);
  if (after.trim() === '') return { tables: [table] };
  if (/^\s*(SELECT|WITH|FROM)\b/i.test(after)) return { select: { table, sql: after.trim() } };
  throw new SqlError(`unexpected text after REPLICATE ${table}`, start + name.match.length + (after.length - after.trimStart().length) + 1, {
    syntax: true,
    sqlstate: '42601',
    hint: 'After the table name only a SELECT may follow: REPLICATE Name SELECT …',
  });
}
