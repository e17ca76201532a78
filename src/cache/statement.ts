/**
 * The CACHE statement (docs/cdata-driver.md §6.5), recognised on the lexer's segments like
 * REPLICATE (../sync/statement.ts):
 *   CACHE Issues                       bring Issues up to date in the cache now
 *   CACHE Issues WHERE StatusId = 1    the same (the cache holds whole tables), reporting the matching rows
 *   CACHE Issues SELECT … FROM Issues  the same, then the query answered from the cache
 * The wire server refuses it (it writes a file of the server's operator).
 */
import { SqlError } from '../errors.js';
import { afterKeyword, replicationKeyword } from '../sync/statement.js';

export interface CacheStatement {
  table: string;
  where?: string;
  select?: string;
}

export function parseCache(sql: string): CacheStatement | undefined {
  if (replicationKeyword(sql) !== 'CACHE') return undefined;
  const { start, rest, name } = afterKeyword(sql, 'CACHE');
  if (!name) {
    throw new SqlError('CACHE takes a table name, optionally followed by WHERE … or a SELECT', start + 1, {
      syntax: true,
      sqlstate: '42601',
      hint: 'CACHE Issues; CACHE Issues WHERE ProjectId = 1; CACHE Issues SELECT StatusName, count(*) FROM Issues GROUP BY 1',
    });
  }
  const { table } = name;
  const after = rest.slice(name.match.length).trim();
  if (after === '') return { table };
  if (/^WHERE\b/i.test(after)) return { table, where: after.replace(/^WHERE\b/i, '').trim() };
  if (/^(SELECT|WITH)\b/i.test(after)) return { table, select: after };
  throw new SqlError(`unexpected text after CACHE ${table}`, start + name.match.length + 1, {
    syntax: true,
    sqlstate: '42601',
    hint: 'After the table name only WHERE … or a SELECT may follow.',
  });
}
