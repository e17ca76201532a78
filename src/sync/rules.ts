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
  RateLimit: "the remaining-request counters change with every request, the replicate run's own included",
};

/**
 * Where a rename of a named thing (a status, category, user, issue type…) must reach in the
 * incrementally refreshed tables, whose rows show the name but whose `updated` does not move: every
 * column `<X>Id` that references `Source.Key` beside a column `<X>Name`, for sources that have a
 * `Name`. Derived from the schema's `references`, so a new table is covered without editing this.
 * ProjectId is matched too where the source is keyed by project (statuses 1–4 exist in every project).
 */
export interface NameDependent {
  table: string;
  idColumn: string;
  nameColumn: string;
  sourceKey: string;
  byProject: boolean;
}

export function nameDependents(source: TableDef, tables: readonly TableDef[]): NameDependent[] {
  if (!source.columns.some((c) => c.name === 'Name')) return [];
  const byProjectSource = source.columns.some((c) => c.key && c.name === 'ProjectId');
  const out: NameDependent[] = [];
  for (const t of tables) {
    const rule = ruleOf(t);
    if (rule !== 'issues' && rule !== 'issue-child') continue;
    for (const c of t.columns) {
      const [table, key] = c.references?.split('.') ?? [];
      if (table !== source.name || !key || !c.name.endsWith('Id')) continue;
      const nameColumn = `${c.name.slice(0, -2)}Name`;
      if (!t.columns.some((x) => x.name === nameColumn)) continue;
      out.push({ table: t.name, idColumn: c.name, nameColumn, sourceKey: key, byProject: byProjectSource && t.columns.some((x) => x.name === 'ProjectId') });
    }
  }
  return out;
}

/** How a table is kept current in a replica, in a sentence (docs/tables/, generated). */
export function ruleDescription(table: TableDef, tables: readonly TableDef[]): string {
  switch (ruleOf(table)) {
    case 'issues':
      return "incremental: issues newest first by Updated down to the last run's largest Updated (re-reading a 5-minute overlap); deleted issues from the space's issue-deleted activities; one count per project as a check, and a project's issues read again only when its count still disagrees";
    case 'issue-child':
      return 'rows re-read for the issues whose Updated moved since the last run (and issues new to the replica), dropped with their issue; brings Issues along';
    case 'skip':
      return `not replicated: ${SKIPPED[table.name] ?? ''}`;
    default: {
      const shown = [...new Set(nameDependents(table, tables).map((d) => `${d.table}.${d.nameColumn}`))];
      return `read whole on every run${shown.length > 0 ? `; a renamed ${table.name} row's Name is written into ${shown.join(', ')}` : ''}`;
    }
  }
}

export function ruleOf(table: TableDef): SyncRule {
  if (table.name === 'Issues') return 'issues';
  if (ISSUE_CHILDREN.includes(table.name)) return 'issue-child';
  if (table.name in SKIPPED) return 'skip';
  return 'whole';
}
