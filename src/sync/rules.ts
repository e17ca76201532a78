/**
 * How each table is kept current in a replica (README "Replication"): the cheapest correct rule
 * per table, as data.
 *
 * - `issues`: incremental by `updated` (newest first, stopping at the watermark minus a safety
 *   overlap); deletions found by comparing `/issues/count` per project with the replica's counts,
 *   and an id reconciliation of a project only when its counts disagree.
 * - `issue-child`: rows that hang off an issue (comments, attachments, its categories…) are
 *   re-read for the issues whose `updated` moved since the child's own watermark (Backlog moves
 *   an issue's `updated` when a comment is added or edited), and dropped with their issue. Such a
 *   table brings Issues along into the replica: its refresh is driven by what changed there.
 * - `whole`: everything else is re-read whole on every run (statuses, users, projects, wikis…).
 * - `skip`: views that change with every request, which no replica could ever equal.
 */
import type { TableDef } from '../schema/types.js';

export type SyncRule = 'issues' | 'issue-child' | 'whole' | 'skip';

/** Tables whose rows belong to one issue and are read per issue (IssueId pushdown). */
export const ISSUE_CHILDREN: readonly string[] = [
  'IssueAttachments',
  'IssueCategories',
  'IssueCommentChangeLog',
  'IssueCommentNotifications',
  'IssueCommentStars',
  'IssueComments',
  'IssueCustomFields',
  'IssueLinkedSharedFiles',
  'IssueMilestones',
  'IssueParticipants',
  'IssueVersions',
];

/** Not replicated, and why. */
export const SKIPPED: Readonly<Record<string, string>> = {
  RateLimit: 'the remaining-request counters change with every request, the replicate run\'s own included',
};

export function ruleOf(table: TableDef): SyncRule {
  if (table.name === 'Issues') return 'issues';
  if (ISSUE_CHILDREN.includes(table.name)) return 'issue-child';
  if (table.name in SKIPPED) return 'skip';
  return 'whole';
}
