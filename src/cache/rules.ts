/**
 * How the query cache keeps each table (docs/tables/, generated): the replication rule of
 * ../sync/rules.ts, refreshed when a query reads the table and it is older than CacheTolerance,
 * with the cache's own shorter overlap and the named things coming along.
 */
import type { TableDef } from '../schema/types.js';
import { ruleOf, SKIPPED } from '../sync/rules.js';

/** Seconds before the last refresh's newest Updated that each refresh reads again (./cache.ts). */
export const CACHE_OVERLAP_SECONDS = 60;

export function cacheRuleDescription(table: TableDef): string {
  switch (ruleOf(table)) {
    case 'issues':
      return `kept whole; once older than CacheTolerance, a query reading it first reads the issues updated since the last refresh (newest first, re-reading ${CACHE_OVERLAP_SECONDS} s), the deletions since then (activities, then a count per project), and, when stale, the statuses, categories, users and other named things whose names the query shows`;
    case 'issue-child':
      return 'kept whole; refreshed with Issues, re-reading only the rows of issues whose Updated moved; a comment edited or deleted without moving its issue’s Updated is seen when that issue next changes';
    case 'skip':
      return `never cached: ${SKIPPED[table.name] ?? ''}`;
    default:
      return 'kept whole once a query reads it whole (or CACHE fills it); read whole again when older than CacheTolerance, and a renamed row’s name is written into every cached row showing it';
  }
}
