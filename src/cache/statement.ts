/**
 * The CACHE statement (docs/cdata-driver.md §6.5), recognised on the lexer's segments like
 * REPLICATE (../sync/statement.ts):
 *   CACHE Issues                       bring Issues up to date in the cache now
 *   CACHE Issues WHERE StatusId = 1    the same (the cache holds whole tables), reporting the matching rows
 *   CACHE Issues SELECT … FROM Issues  the same, then the query answered from the cache
 * The wire server refuses it (it writes a file of the server's operator).
 */
import { SqlError } from '../errors.js';
import { segments } from '../sql/lexer.js';
import { replicationKeyword } from '../sync/statement.js';

export interface CacheStatement {
  table: string;
  where?: string;
  select?: string;
}

export function parseCache(sql: string): CacheStatement | undefined {
  if (replicationKeyword(sql) !== 'CACHE') return undefined;
  const first = segments(sql).find((s) => s.kind !== 'comment' && sql.slice(s.start, s.end).trim() !== '');
  const at = first?.start ?? 0;
  const start = at + (/^\s*CACHE/i.exec(sql.slice(at))?.[0].length ?? 0);
  const rest = sql.slice(start).replace(/;\s*$/, '');
  const name = /^\s*("(?:[^"]|"")+"|\[[^\]]+\]|[A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
  if (!name) {
    throw new SqlError('CACHE takes a table name, optionally followed by WHERE … or a SELECT', start + 1, {
      syntax: true,
      sqlstate: '42601',
      hint: 'CACHE Issues; CACHE Issues WHERE ProjectId = 1; CACHE Issues SELECT StatusName, count(*) FROM Issues GROUP BY 1',
    });
  }
  const raw = name[1] as string;
  const table = raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw.startsWith('[') ? raw.slice(1, -1) : raw;
  const after = rest.slice(name[0].length).trim();
  if (after === '') return { table };
  if (/^WHERE\b/i.test(after)) return { table, where: after.replace(/^WHERE\b/i, '').trim() };
  if (/^(SELECT|WITH)\b/i.test(after)) return { table, select: after };
  throw new SqlError(`unexpected text after CACHE ${table}`, start + name[0].length + 1, {
    syntax: true,
    sqlstate: '42601',
    hint: 'After the table name only WHERE … or a SELECT may follow.',
  });
}
