/**
 * Issues: the issue search (GET /issues, search rate class, offset paging) and, for a few named
 * keys, GET /issues/:issueKey — sources/issues.ts has the search and its pushdowns, which the
 * issue family's other tables and views share.
 *
 * COUNT(*) goes to GET /issues/count; grouped by status, issue type or priority, one count per
 * value of the group (ARCHITECTURE.md §5).
 */
import { col, dateOnly, hasQual, push, qualIds, qualValues, timestamp, userColumns, atLeast, exactly } from '../helpers.js';
import { countIssues, ISSUE_ORDERABLE, issueRequests, listIssues, type IssueJson } from '../sources/issues.js';
import { ApiError } from '../../errors.js';
import { defineTable, type CountDomain, type CountGroup, type FetchContext, type Qual, type RequestCount } from '../types.js';
import { projectForInsert, seg, send, w } from '../writes.js';

const projectKeyOf = (issueKey: string): string => issueKey.slice(0, issueKey.lastIndexOf('-'));

// ---- COUNT(*) --------------------------------------------------------------------------------

/** The single project the quals name, for per-project value lists (statuses, issue types). */
async function singleProject(ctx: FetchContext, quals: readonly Qual[]): Promise<number | undefined> {
  const ids = qualIds(quals, 'ProjectId');
  if (ids?.length === 1) return ids[0];
  const keys = qualValues(quals, 'ProjectKey')?.map(String);
  if (keys?.length === 1 && ids === undefined) return (await ctx.projects()).find((p) => p.projectKey === keys[0])?.id;
  return undefined;
}

type Named = { id: number; name: string };
type NamedColumn = 'Status' | 'IssueType' | 'Priority';

/** One group per item of a list (statuses, issue types, priorities): counted by id, carrying id and name. */
function namedGroups(column: NamedColumn, items: Iterable<Named>): CountGroup[] {
  const names = new Map<number, string>();
  for (const item of items) if (!names.has(item.id)) names.set(item.id, item.name);
  return [...names].map(([id, name]) => ({ quals: [{ column: `${column}Id`, op: '=', values: [id] }], row: { [`${column}Id`]: id, [`${column}Name`]: name } }));
}

/**
 * Groups from a per-project list (statuses, issue types): the named project's list, or — when the
 * quals name no project — every project's, if counting is cheaper than reading every issue. The
 * two estimates: reading costs ⌊total / page size⌋ + 1 pages (one count request gives the total);
 * counting costs the project list, one list per project and one count per group. Each is compared
 * with what is known at that step, so a small space (or a narrow filter) is read instead.
 */
async function projectGroups(ctx: FetchContext, quals: readonly Qual[], column: NamedColumn, path: string): Promise<CountDomain | undefined> {
  const list = (project: number) => ctx.api.get<Named[]>(`/projects/${project}/${path}`, {}, { signal: ctx.signal });
  const project = await singleProject(ctx, quals);
  if (project !== undefined) return { groups: namedGroups(column, await list(project)) };
  if (hasQual(quals, 'ProjectId') || hasQual(quals, 'ProjectKey')) return undefined;
  const total = await countIssues(ctx, quals);
  if (total === undefined) return undefined;
  const pages = Math.floor(total / (ctx.api.pageSize ?? 100)) + 1;
  const projects = await ctx.projects();
  const items: Named[] = [];
  for (const [i, p] of projects.entries()) {
    // What counting still costs at least — the lists not read yet and one count per group known
    // so far — against the pages; requests already made are spent either way.
    if (projects.length - i + Math.max(1, new Set(items.map((x) => x.id)).size) >= pages) return undefined;
    try {
      items.push(...(await list(p.id)));
    } catch (e) {
      // A project whose list is not ours to read: the issues are read instead (still one answer).
      if (e instanceof ApiError) return undefined;
      throw e;
    }
  }
  const groups = namedGroups(column, items);
  return groups.length < pages ? { groups, total } : undefined;
}

const statusGroups = (ctx: FetchContext, quals: readonly Qual[]) => projectGroups(ctx, quals, 'Status', 'statuses');
const issueTypeGroups = (ctx: FetchContext, quals: readonly Qual[]) => projectGroups(ctx, quals, 'IssueType', 'issueTypes');
const priorityGroups = async (ctx: FetchContext) => ({
  groups: namedGroups('Priority', await ctx.api.get<Named[]>('/priorities', {}, { signal: ctx.signal })),
});

const COUNT_DOMAINS = {
  StatusId: statusGroups,
  StatusName: statusGroups,
  IssueTypeId: issueTypeGroups,
  IssueTypeName: issueTypeGroups,
  PriorityId: priorityGroups,
  PriorityName: priorityGroups,
};

/**
 * What counting costs, as planned: one count per value of an IN list (`countedRows` in
 * src/sql/engine.ts). Grouped by priority: the priority list, then one count per priority (per IN
 * value) — how many, only the list tells. Grouped by status or type within one ProjectId: that
 * project's list, then one count per item. Space-wide: the total is counted first, then either
 * the lists and one count per group or the issues' pages (`projectGroups` picks the cheaper) — at
 * least one more request. ProjectKey quals go through the project list, and a key that names no
 * project needs nothing else; other project filters and IssueKey quals read the issues instead.
 */
function countRequests(quals: readonly Qual[], groupBy: string | undefined): RequestCount {
  const expand = quals.find((q) => q.op === 'IN' && q.values.length > 1);
  const counts = expand ? new Set(expand.values).size : 1;
  if (hasQual(quals, 'ProjectKey')) return atLeast(1, true);
  if (hasQual(quals, 'IssueKey')) return atLeast(1);
  if (groupBy === undefined) return exactly(counts);
  if (groupBy === 'PriorityId' || groupBy === 'PriorityName') return atLeast(1 + counts);
  const projects = qualIds(quals, 'ProjectId');
  if (projects?.length === 1) return atLeast(1 + counts);
  return atLeast(projects === undefined && groupBy in COUNT_DOMAINS ? 2 : 1);
}

export default defineTable<IssueJson>({
  count: countIssues,
  countDomains: COUNT_DOMAINS,
  name: 'Issues',
  kind: 'table',
  description: 'Issues of every project the user can see, with their status, people, dates and hours.',
  columns: [
    col('Id', 'BIGINT', 'Issue id.', (r) => r.id, { key: true, readOnly: true, pushdown: push.exact('id[]') }),
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.projectId, { references: 'Projects.Id', pushdown: push.exact('projectId[]'), write: w.scope() }),
    col('ProjectKey', 'VARCHAR', 'Key of the project (WEB).', (r) => projectKeyOf(r.issueKey), {
      pushdown: push.exact('projectId[] (key resolved from the project list)'),
      write: w.scope(),
    }),
    col('IssueKey', 'VARCHAR', 'Issue key (WEB-12), unique in the space.', (r) => r.issueKey, {
      readOnly: true,
      pushdown: push.exact('path: /issues/:issueKey (many keys: projectId[] when fewer requests)'),
    }),
    col('KeyId', 'BIGINT', 'Number of the issue in its project (12 in WEB-12).', (r) => r.keyId, { readOnly: true }),
    col('IssueTypeId', 'BIGINT', 'Id of the issue type.', (r) => r.issueType?.id ?? null, {
      references: 'ProjectIssueTypes.Id',
      pushdown: push.exact('issueTypeId[]'),
      write: w.required('issueTypeId'),
    }),
    col('IssueTypeName', 'VARCHAR', 'Name of the issue type.', (r) => r.issueType?.name ?? null, { readOnly: true }),
    col('Summary', 'VARCHAR', 'One-line summary.', (r) => r.summary, { write: w.required('summary') }),
    col('Description', 'VARCHAR', 'Description text.', (r) => r.description, { write: w.both('description') }),
    col('ResolutionId', 'BIGINT', 'Id of the resolution (0 Fixed … 4 Cannot Reproduce), NULL when unresolved.', (r) => r.resolution?.id ?? null, {
      references: 'Resolutions.Id',
      pushdown: push.exact('resolutionId[]'),
      write: w.updateOnly('resolutionId'),
    }),
    col('ResolutionName', 'VARCHAR', 'Name of the resolution.', (r) => r.resolution?.name ?? null, { readOnly: true }),
    col('PriorityId', 'BIGINT', 'Id of the priority (2 High, 3 Normal, 4 Low).', (r) => r.priority?.id ?? null, {
      references: 'Priorities.Id',
      pushdown: push.exact('priorityId[]'),
      write: w.required('priorityId'),
    }),
    col('PriorityName', 'VARCHAR', 'Name of the priority.', (r) => r.priority?.name ?? null, { readOnly: true }),
    col('StatusId', 'BIGINT', 'Id of the status (1 Open, 2 In Progress, 3 Resolved, 4 Closed, or a custom status).', (r) => r.status?.id ?? null, {
      references: 'ProjectStatuses.Id',
      pushdown: push.exact('statusId[]'),
      write: w.updateOnly('statusId', { notNull: true }),
    }),
    col('StatusName', 'VARCHAR', 'Name of the status.', (r) => r.status?.name ?? null, { readOnly: true }),
    ...userColumns<IssueJson>('Assignee', 'assignee', (r) => r.assignee, { id: { pushdown: push.exact('assigneeId[]'), write: w.both('assigneeId') } }),
    dateOnly<IssueJson>('StartDate', 'Start date (a calendar day in the space time zone).', (r) => r.startDate, {
      pushdown: push.superset('startDateSince / startDateUntil, widened by a day', ['=', '>=', '>', '<=', '<']),
      write: w.both('startDate'),
    }),
    dateOnly<IssueJson>('DueDate', 'Due date (a calendar day in the space time zone).', (r) => r.dueDate, {
      pushdown: push.superset('dueDateSince / dueDateUntil, widened by a day; IS NULL: hasDueDate=false', ['=', '>=', '>', '<=', '<', 'IS NULL']),
      write: w.both('dueDate'),
    }),
    col('EstimatedHours', 'DECIMAL(18,2)', 'Estimated hours.', (r) => r.estimatedHours, { write: w.both('estimatedHours') }),
    col('ActualHours', 'DECIMAL(18,2)', 'Actual hours.', (r) => r.actualHours, { write: w.both('actualHours') }),
    col('ParentIssueId', 'BIGINT', 'Id of the parent issue, NULL for an issue that is not a child.', (r) => r.parentIssueId, {
      references: 'Issues.Id',
      pushdown: push.exact('parentIssueId[]; IS NULL: parentChild=1; IS NOT NULL: parentChild=2', ['=', 'IN', 'IS NULL', 'IS NOT NULL']),
      write: w.both('parentIssueId'),
    }),
    ...userColumns<IssueJson>('CreatedUser', 'creator', (r) => r.createdUser, { id: { readOnly: true, pushdown: push.exact('createdUserId[]') } }).map((c) => ({
      ...c,
      readOnly: true,
    })),
    timestamp<IssueJson>('Created', 'When the issue was created.', (r) => r.created, {
      readOnly: true,
      pushdown: push.superset('createdSince / createdUntil (days), widened by a day', ['=', '>=', '>', '<=', '<']),
    }),
    ...userColumns<IssueJson>('UpdatedUser', 'last updater', (r) => r.updatedUser).map((c) => ({ ...c, readOnly: true })),
    timestamp<IssueJson>('Updated', 'When the issue was last updated.', (r) => r.updated, {
      readOnly: true,
      pushdown: push.superset('updatedSince / updatedUntil (days), widened by a day', ['=', '>=', '>', '<=', '<']),
    }),
    col('AttachmentCount', 'INTEGER', 'Number of attached files (rows in IssueAttachments).', (r) => r.attachments.length, { readOnly: true }),
    col('SharedFileCount', 'INTEGER', 'Number of linked shared files (rows in IssueLinkedSharedFiles).', (r) => r.sharedFiles.length, { readOnly: true }),
    col('StarCount', 'INTEGER', 'Number of stars on the issue.', (r) => r.stars.length, { readOnly: true }),
  ],
  orderable: ISSUE_ORDERABLE,
  list(ctx, quals) {
    return listIssues(ctx, quals, { limit: ctx.limit, orderBy: ctx.orderBy });
  },
  writes: {
    insert: {
      required: [['ProjectId', 'ProjectKey'], 'Summary', 'IssueTypeId', 'PriorityId'],
      async run(ctx, { values, form }) {
        const project = await projectForInsert(ctx, values);
        return send<IssueJson>(ctx, 'POST', '/issues', { ...form, projectId: project.id as number });
      },
    },
    update: {
      run: (ctx, row, { form }) => send<IssueJson>(ctx, 'PATCH', `/issues/${seg(row.Id)}`, form),
    },
    delete: {
      run: (ctx, row) => send<IssueJson>(ctx, 'DELETE', `/issues/${seg(row.Id)}`),
    },
    // The issue's lists and the API's write-only parameters (CData's pseudo columns): an id list
    // is a DuckDB list ([1, 2]) or text ('1,2'); NULL or an empty list clears a list on UPDATE.
    inputs: [
      { name: 'CategoryIds', type: 'BIGINT[]', description: 'Category ids (IssueCategories shows them).', write: { param: 'categoryId[]', clearable: true } },
      {
        name: 'VersionIds',
        type: 'BIGINT[]',
        description: 'Affected version ids (IssueVersions shows them).',
        write: { param: 'versionId[]', clearable: true },
      },
      {
        name: 'MilestoneIds',
        type: 'BIGINT[]',
        description: 'Milestone ids (IssueMilestones shows them).',
        write: { param: 'milestoneId[]', clearable: true },
      },
      { name: 'NotifiedUserIds', type: 'BIGINT[]', description: 'Users to notify of this change.', write: { param: 'notifiedUserId[]' } },
      { name: 'AttachmentIds', type: 'BIGINT[]', description: 'Files uploaded with PostAttachment to attach.', write: { param: 'attachmentId[]' } },
      { name: 'Comment', type: 'VARCHAR', description: 'A comment recorded with the change (UPDATE only).', write: { param: 'comment', on: 'update' } },
    ],
  },
  cost(quals) {
    const keyed = qualValues(quals, 'IssueKey') !== undefined && qualIds(quals, 'Id') === undefined;
    if (keyed) return '1 request per named issue key (many keys: 1 count + 1 search per 100 issues of their projects, when fewer)';
    return quals.length > 0 ? '1 search per 100 matching issues' : 'every visible issue: 1 search per 100 issues';
  },
  requests: issueRequests,
  countRequests,
  examples: [
    "SELECT IssueKey, Summary, StatusName FROM Issues WHERE ProjectKey = 'WEB' AND StatusId IN (1, 2) ORDER BY Updated DESC LIMIT 10",
    "INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId, DueDate) VALUES ('WEB', 'ログインできない', 1, 3, '2026-12-01') RETURNING Id, IssueKey",
    "UPDATE Issues SET StatusId = 4, Comment = 'Closed: overdue' WHERE ProjectKey = 'WEB' AND DueDate < CURRENT_DATE AND StatusId <> 4",
    'SELECT AssigneeName, SUM(EstimatedHours) AS Hours FROM Issues WHERE DueDate < CURRENT_DATE AND StatusId <> 4 GROUP BY AssigneeName',
  ],
});
