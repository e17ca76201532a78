/**
 * The correctness suite's queries, as data (ARCHITECTURE.md §10, issue 3 Deliver 6). `correctness.test.ts`
 * runs each one with pushdown on and off against emulators in Asia/Tokyo and America/Los_Angeles
 * and checks what the fields below promise.
 *
 * Every query is deterministic: results come from the fixed seed (no CURRENT_DATE, no rate-limit
 * counters), every ORDER BY ends in a unique key, and LIMIT without ORDER BY is compared by count
 * only. `expected` recomputes the rows from `GET /_emulator/export` — Backlog's own JSON — with
 * plain TypeScript, without the driver's column code, so it checks the driver and not itself.
 */

import { TABLES } from '../../src/schema/tables/index.js';

// ---- the export's shapes (the parts these queries read) -------------------------------------

export interface ExUser {
  id: number;
  userId: string;
  name: string;
  roleType: number;
  lang: string | null;
  lastLoginTime: string | null;
}

export interface ExRef {
  id: number;
  name: string;
}

export interface ExIssue {
  id: number;
  projectId: number;
  issueKey: string;
  keyId: number;
  issueType: ExRef;
  summary: string;
  description: string;
  resolution: ExRef | null;
  priority: ExRef;
  status: ExRef;
  assignee: ExUser | null;
  category: ExRef[];
  versions: ExRef[];
  milestone: ExRef[];
  startDate: string | null;
  dueDate: string | null;
  estimatedHours: number | null;
  actualHours: number | null;
  parentIssueId: number | null;
  createdUser: ExUser;
  created: string;
  updatedUser: ExUser | null;
  updated: string;
  customFields: { id: number; fieldTypeId: number; name: string; value: unknown; otherValue?: string | null }[];
  attachments: unknown[];
  sharedFiles: unknown[];
  stars: unknown[];
}

export interface ExComment {
  id: number;
  projectId: number;
  issueId: number;
  content: string | null;
  changeLog: { field: string; newValue: string | null; originalValue: string | null }[];
  createdUser: ExUser;
  created: string;
  updated: string;
  stars: { id: number; comment: string | null; presenter: ExUser }[];
  notifications: { id: number; alreadyRead: boolean; reason: number; user: ExUser }[];
}

export interface ExProject {
  id: number;
  projectKey: string;
  name: string;
  archived: boolean;
  useWiki: boolean;
  useGit: boolean;
  useDocument: boolean;
  useFileSharing: boolean;
  subtaskingEnabled: boolean;
  memberIds: number[];
  administratorIds: number[];
  teamIds: number[];
}

export interface ExWiki {
  id: number;
  projectId: number;
  name: string;
  content: string;
  tags: ExRef[];
  attachments: { id: number; name: string; size: number }[];
  sharedFiles: { id: number; name: string }[];
  stars: { id: number; presenter: ExUser }[];
  createdUser: ExUser;
  created: string;
  updatedUser: ExUser;
  updated: string;
}

export interface ExPullRequest {
  id: number;
  projectId: number;
  repositoryId: number;
  number: number;
  summary: string;
  branch: string;
  status: ExRef;
  assignee: ExUser | null;
  issue: { id: number; issueKey: string } | null;
  createdUser: ExUser;
  created: string;
}

export interface ExportData {
  space: { spaceKey: string; name: string; timezone: string; ownerId: number };
  users: ExUser[];
  priorities: ExRef[];
  resolutions: ExRef[];
  projects: ExProject[];
  statuses: { id: number; projectId: number; name: string; displayOrder: number }[];
  issueTypes: { id: number; projectId: number; name: string; templateSummary: string | null }[];
  categories: { id: number; projectId: number; name: string; displayOrder: number }[];
  versions: { id: number; projectId: number; name: string; startDate: string | null; releaseDueDate: string | null; archived: boolean }[];
  customFields: { id: number; projectId: number; typeId: number; name: string; items?: { id: number; name: string }[] }[];
  sharedFiles: { id: number; projectId: number; type: string; dir: string; name: string; size: number | null }[];
  webhooks: { id: number; projectId: number; name: string; allEvent: boolean }[];
  issues: ExIssue[];
  comments: ExComment[];
  issueAttachments: { issueId: number; id: number; name: string; size: number }[];
  issueSharedFiles: { issueId: number; id: number; name: string }[];
  wikis: ExWiki[];
  wikiTags: { id: number; projectId: number; name: string }[];
  wikiHistory: { pageId: number; version: number; name: string; createdUser: ExUser }[];
  documents: { id: string; projectId: number; title: string; parentId: string | null; trashed: boolean }[];
  repositories: { id: number; projectId: number; name: string; pushedAt: string | null }[];
  pullRequests: ExPullRequest[];
  pullRequestComments: { id: number; pullRequestId: number; content: string; createdUser: ExUser; stars: unknown[] }[];
  teams: { id: number; name: string; members: ExUser[] }[];
  stars: { id: number; receiverId: number; target: string; targetId: number; presenter: ExUser }[];
  notifications: { id: number; userId: number; reason: number; alreadyRead: boolean; sender?: ExUser }[];
  watchings: { id: number; userId: number; issue: { id: number; issueKey: string } }[];
  activities: { id: number; project: { id: number; projectKey?: string }; type: number; createdUser: ExUser; created: string }[];
  recentlyViewed: { userId: number; kind: string; targetId: number; updated: string }[];
}

export type Row = Record<string, unknown>;

export interface CorrectnessQuery {
  name: string;
  sql: string;
  params?: unknown[] | Record<string, unknown>;
  /** Run only against this emulator (date literals that name a specific day in its zone). */
  timezone?: 'tokyo' | 'la';
  /** False for queries meant to return nothing (LIMIT 0, OFFSET past the end…); default true. */
  expectNonEmpty?: boolean;
  /** Exact `stats.requests` with pushdown on. */
  pushdownRequests?: number;
  /** A filter is pushed: pushdown on must make strictly fewer requests than off. */
  pushed?: boolean;
  /** LIMIT without ORDER BY leaves the rows unspecified: compare how many, not which. */
  compare?: 'count';
  /** The rows, computed from the export independently of the driver. */
  expected?: (data: ExportData) => Row[];
}

// ---- helpers for expectations ----------------------------------------------------------------

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day of an instant in a time zone, 'YYYY-MM-DD'. */
export function dayIn(iso: string | null | undefined, timeZone: string): string | null {
  if (!iso) return null;
  let f = dayFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, f);
  }
  return f.format(new Date(iso));
}

const partFormats = new Map<string, Intl.DateTimeFormat>();

/** Offset of a zone from UTC at an instant, in ms (east positive). */
function offsetAt(ms: number, timeZone: string): number {
  let f = partFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partFormats.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year as number, (p.month as number) - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant of a wall-clock time ('YYYY-MM-DD[ HH:MM:SS]') in a zone, in ms. */
export function wallTime(local: string, timeZone: string): number {
  const guess = Date.parse(`${local.length === 10 ? `${local}T00:00:00` : local.replace(' ', 'T')}Z`);
  const first = guess - offsetAt(guess, timeZone);
  return guess - offsetAt(first, timeZone);
}

/** A timestamp as the suite compares it (the driver returns Date, normalised to ISO). */
export const ts = (iso: string | null | undefined): string | null => (iso ? new Date(iso).toISOString() : null);
const ms = (iso: string): number => Date.parse(iso);
const tz = (d: ExportData): string => d.space.timezone;
const round2 = (v: number): number => Math.round(v * 100) / 100;

function projectKey(d: ExportData, projectId: number): string {
  return d.projects.find((p) => p.id === projectId)?.projectKey ?? '?';
}

function issueById(d: ExportData, id: number): ExIssue | undefined {
  return d.issues.find((i) => i.id === id);
}

function countBy<T>(items: readonly T[], key: (x: T) => unknown): Map<unknown, number> {
  const out = new Map<unknown, number>();
  for (const x of items) out.set(key(x), (out.get(key(x)) ?? 0) + 1);
  return out;
}

const byNum =
  <T>(key: (x: T) => number) =>
  (a: T, b: T) =>
    key(a) - key(b);

/** Issues of a project, oldest first (ids are handed out in creation order). */
function projectIssues(d: ExportData, projectId: number): ExIssue[] {
  return d.issues.filter((i) => i.projectId === projectId).sort(byNum((i) => i.id));
}

// ---- the queries ---------------------------------------------------------------------------------

export const QUERIES: CorrectnessQuery[] = [
  // ---- Issues: pushdown with exact request counts ----
  {
    name: 'Issues: ProjectId = 1 LIMIT 5 is one search with count=5',
    sql: 'SELECT * FROM Issues WHERE ProjectId = 1 LIMIT 5',
    pushdownRequests: 1,
    compare: 'count',
    expected: () => [{}, {}, {}, {}, {}],
  },
  {
    name: 'Issues: ProjectId = 1 ORDER BY Id LIMIT 5 is one search',
    sql: 'SELECT IssueKey FROM Issues WHERE ProjectId = 1 ORDER BY Id LIMIT 5',
    pushdownRequests: 1,
    expected: (d) =>
      projectIssues(d, 1)
        .slice(0, 5)
        .map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Issues: the 10 most recently updated of a project, ties broken by Id, one search',
    sql: 'SELECT IssueKey, Updated FROM Issues WHERE ProjectId = 1 ORDER BY Updated DESC, Id LIMIT 10',
    pushdownRequests: 1,
    expected: (d) =>
      projectIssues(d, 1)
        .sort((a, b) => ms(b.updated) - ms(a.updated) || a.id - b.id)
        .slice(0, 10)
        .map((i) => ({ IssueKey: i.issueKey, Updated: ts(i.updated) })),
  },
  {
    name: 'Issues: one issue by key is one GET /issues/:key',
    sql: "SELECT Id, IssueKey, ProjectId, StatusId, AssigneeId, Summary FROM Issues WHERE IssueKey = 'WEB-1'",
    pushdownRequests: 1,
    expected: (d) =>
      d.issues
        .filter((i) => i.issueKey === 'WEB-1')
        .map((i) => ({
          Id: i.id,
          IssueKey: i.issueKey,
          ProjectId: i.projectId,
          StatusId: i.status.id,
          AssigneeId: i.assignee?.id ?? null,
          Summary: i.summary,
        })),
  },
  {
    name: 'Issues: three keys are three GETs',
    sql: "SELECT IssueKey, Summary FROM Issues WHERE IssueKey IN ('WEB-1', 'APP-2', 'OPS-3')",
    pushdownRequests: 3,
    expected: (d) => d.issues.filter((i) => ['WEB-1', 'APP-2', 'OPS-3'].includes(i.issueKey)).map((i) => ({ IssueKey: i.issueKey, Summary: i.summary })),
  },
  {
    name: 'Issues: an unknown key returns nothing',
    sql: "SELECT IssueKey FROM Issues WHERE IssueKey = 'NOPE-1'",
    expectNonEmpty: false,
  },
  {
    name: 'Issues: Id IN (...) is one search',
    sql: 'SELECT Id, IssueKey FROM Issues WHERE Id IN (1, 2, 3, 40)',
    pushdownRequests: 1,
    expected: (d) => d.issues.filter((i) => [1, 2, 3, 40].includes(i.id)).map((i) => ({ Id: i.id, IssueKey: i.issueKey })),
  },
  {
    name: 'Issues: ProjectKey resolves through the project list (2 requests)',
    sql: "SELECT IssueKey, StatusName FROM Issues WHERE ProjectKey = 'APP'",
    pushdownRequests: 2,
    expected: (d) => d.issues.filter((i) => i.issueKey.startsWith('APP-')).map((i) => ({ IssueKey: i.issueKey, StatusName: i.status.name })),
  },
  {
    name: 'Issues: status IN list within one project',
    sql: 'SELECT IssueKey, StatusId FROM Issues WHERE ProjectId = 1 AND StatusId IN (1, 2)',
    pushdownRequests: 1,
    expected: (d) => d.issues.filter((i) => i.projectId === 1 && [1, 2].includes(i.status.id)).map((i) => ({ IssueKey: i.issueKey, StatusId: i.status.id })),
  },
  {
    name: 'Issues: AssigneeId = 2',
    sql: 'SELECT IssueKey, AssigneeName FROM Issues WHERE AssigneeId = 2',
    pushdownRequests: 1,
    expected: (d) => d.issues.filter((i) => i.assignee?.id === 2).map((i) => ({ IssueKey: i.issueKey, AssigneeName: i.assignee?.name })),
  },
  {
    name: 'Issues: PriorityId = 2 (High)',
    sql: 'SELECT IssueKey, PriorityName FROM Issues WHERE PriorityId = 2',
    pushdownRequests: 1,
    expected: (d) => d.issues.filter((i) => i.priority.id === 2).map((i) => ({ IssueKey: i.issueKey, PriorityName: i.priority.name })),
  },
  {
    name: 'Issues: ResolutionId = 0 (Fixed)',
    sql: 'SELECT IssueKey, ResolutionName FROM Issues WHERE ResolutionId = 0',
    pushdownRequests: 1,
    expected: (d) => d.issues.filter((i) => i.resolution?.id === 0).map((i) => ({ IssueKey: i.issueKey, ResolutionName: i.resolution?.name })),
  },
  {
    name: 'Issues: CreatedUserId = 10 and IssueTypeId in a list',
    sql: 'SELECT IssueKey, IssueTypeName FROM Issues WHERE CreatedUserId = 10 AND IssueTypeId IN (1, 2, 5, 6)',
    pushdownRequests: 1,
    expected: (d) =>
      d.issues
        .filter((i) => i.createdUser.id === 10 && [1, 2, 5, 6].includes(i.issueType.id))
        .map((i) => ({ IssueKey: i.issueKey, IssueTypeName: i.issueType.name })),
  },
  {
    name: 'Issues: ParentIssueId IS NOT NULL (child issues) is parentChild=2',
    sql: 'SELECT IssueKey, ParentIssueId FROM Issues WHERE ParentIssueId IS NOT NULL',
    pushdownRequests: 1,
    expected: (d) => d.issues.filter((i) => i.parentIssueId !== null).map((i) => ({ IssueKey: i.issueKey, ParentIssueId: i.parentIssueId })),
  },
  {
    name: 'Issues: ParentIssueId IS NULL (not a child)',
    sql: 'SELECT count(*) AS n FROM Issues WHERE ParentIssueId IS NULL',
    expected: (d) => [{ n: d.issues.filter((i) => i.parentIssueId === null).length }],
  },
  {
    name: 'Issues: ParentIssueId = a parent',
    sql: 'SELECT c.IssueKey FROM Issues c WHERE c.ParentIssueId = (SELECT min(ParentIssueId) FROM Issues)',
    expected: (d) => {
      const parents = d.issues.map((i) => i.parentIssueId).filter((p): p is number => p !== null);
      const first = Math.min(...parents);
      return d.issues.filter((i) => i.parentIssueId === first).map((i) => ({ IssueKey: i.issueKey }));
    },
  },
  {
    name: 'Issues: ProjectId and ProjectKey that disagree match nothing, without a search',
    sql: "SELECT IssueKey FROM Issues WHERE ProjectId = 1 AND ProjectKey = 'APP'",
    expectNonEmpty: false,
  },

  // ---- NULLs ----
  {
    name: 'NULLs: unassigned issues (AssigneeId IS NULL, local)',
    sql: 'SELECT IssueKey FROM Issues WHERE AssigneeId IS NULL',
    expected: (d) => d.issues.filter((i) => i.assignee === null).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'NULLs: issues without a due date (DueDate IS NULL: hasDueDate=false)',
    sql: 'SELECT IssueKey FROM Issues WHERE DueDate IS NULL AND ProjectId = 2',
    pushdownRequests: 1,
    expected: (d) => d.issues.filter((i) => i.dueDate === null && i.projectId === 2).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'NULLs: issues with a due date (DueDate IS NOT NULL)',
    sql: 'SELECT IssueKey FROM Issues WHERE DueDate IS NOT NULL',
    expected: (d) => d.issues.filter((i) => i.dueDate !== null).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'NULLs: COALESCE of the assignee name, grouped',
    sql: "SELECT COALESCE(AssigneeName, '(未割り当て)') AS who, count(*) AS n FROM Issues GROUP BY 1",
    expected: (d) => [...countBy(d.issues, (i) => i.assignee?.name ?? '(未割り当て)')].map(([who, n]) => ({ who, n })),
  },
  {
    name: 'NULLs: count(col) skips NULLs, count(*) does not',
    sql: 'SELECT count(*) AS n, count(DueDate) AS due, count(EstimatedHours) AS est, count(ParentIssueId) AS child FROM Issues',
    expected: (d) => [
      {
        n: d.issues.length,
        due: d.issues.filter((i) => i.dueDate).length,
        est: d.issues.filter((i) => i.estimatedHours !== null).length,
        child: d.issues.filter((i) => i.parentIssueId !== null).length,
      },
    ],
  },
  {
    name: 'NULLs: NULLS FIRST ordering of due dates',
    sql: 'SELECT IssueKey, DueDate FROM Issues WHERE ProjectId = 3 ORDER BY DueDate ASC NULLS FIRST, Id',
  },
  {
    name: 'NULLs: ORDER BY DueDate DESC LIMIT 5 (NULLs last) with Id tiebreak',
    sql: 'SELECT IssueKey, DueDate FROM Issues ORDER BY DueDate DESC, Id LIMIT 5',
    expected: (d) =>
      d.issues
        .filter((i) => i.dueDate !== null)
        .map((i) => ({ IssueKey: i.issueKey, DueDate: dayIn(i.dueDate, tz(d)), id: i.id }))
        .sort((a, b) => (b.DueDate as string).localeCompare(a.DueDate as string) || a.id - b.id)
        .slice(0, 5)
        .map(({ IssueKey, DueDate }) => ({ IssueKey, DueDate })),
  },
  {
    name: 'NULLs: nullif and IS DISTINCT FROM',
    sql: 'SELECT IssueKey FROM Issues WHERE ActualHours IS DISTINCT FROM EstimatedHours AND nullif(ActualHours, 0) IS NOT NULL ORDER BY Id',
    expected: (d) =>
      d.issues
        .filter((i) => i.actualHours !== null && i.actualHours !== 0 && i.actualHours !== i.estimatedHours)
        .sort(byNum((i) => i.id))
        .map((i) => ({ IssueKey: i.issueKey })),
  },

  // ---- LIMIT / OFFSET edges ----
  {
    name: 'LIMIT 0 returns nothing and asks nothing',
    sql: 'SELECT IssueKey FROM Issues WHERE ProjectId = 1 LIMIT 0',
    expectNonEmpty: false,
    pushdownRequests: 0,
  },
  {
    name: 'LIMIT 1 on the oldest issue',
    sql: 'SELECT IssueKey FROM Issues ORDER BY Created, Id LIMIT 1',
    pushdownRequests: 1,
    expected: (d) =>
      [...d.issues]
        .sort((a, b) => ms(a.created) - ms(b.created) || a.id - b.id)
        .slice(0, 1)
        .map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'OFFSET past the end returns nothing',
    sql: 'SELECT IssueKey FROM Issues ORDER BY Id LIMIT 10 OFFSET 1000',
    expectNonEmpty: false,
  },
  {
    name: 'LIMIT 10 OFFSET 45 returns the last five',
    sql: 'SELECT Id FROM Issues ORDER BY Id LIMIT 10 OFFSET 45',
    expected: (d) =>
      [...d.issues]
        .sort(byNum((i) => i.id))
        .slice(45, 55)
        .map((i) => ({ Id: i.id })),
  },
  {
    name: 'LIMIT 100 on Issues',
    sql: 'SELECT Id FROM Issues ORDER BY Id LIMIT 100',
    pushdownRequests: 1,
    expected: (d) =>
      [...d.issues]
        .sort(byNum((i) => i.id))
        .slice(0, 100)
        .map((i) => ({ Id: i.id })),
  },
  {
    name: 'LIMIT 101 on Issues',
    sql: 'SELECT Id FROM Issues ORDER BY Id LIMIT 101',
    expected: (d) =>
      [...d.issues]
        .sort(byNum((i) => i.id))
        .slice(0, 101)
        .map((i) => ({ Id: i.id })),
  },
  {
    name: 'LIMIT 250 on Issues without ORDER BY',
    sql: 'SELECT Id FROM Issues LIMIT 250',
    pushdownRequests: 1,
    expected: (d) => d.issues.map((i) => ({ Id: i.id })),
  },
  {
    name: 'LIMIT with OFFSET on a pushed filter',
    sql: 'SELECT IssueKey FROM Issues WHERE ProjectId = 2 ORDER BY Id LIMIT 3 OFFSET 2',
    pushdownRequests: 1,
    expected: (d) =>
      projectIssues(d, 2)
        .slice(2, 5)
        .map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'LIMIT and OFFSET as parameters',
    sql: 'SELECT IssueKey FROM Issues WHERE ProjectId = ? ORDER BY Id LIMIT ? OFFSET ?',
    params: [3, 4, 1],
    expected: (d) =>
      projectIssues(d, 3)
        .slice(1, 5)
        .map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'ORDER BY EstimatedHours DESC LIMIT 3 pushed with ties read past',
    sql: 'SELECT IssueKey, EstimatedHours FROM Issues WHERE ProjectId = 1 ORDER BY EstimatedHours DESC, Id LIMIT 3',
    expected: (d) =>
      projectIssues(d, 1)
        .filter((i) => i.estimatedHours !== null)
        .sort((a, b) => (b.estimatedHours as number) - (a.estimatedHours as number) || a.id - b.id)
        .slice(0, 3)
        .map((i) => ({ IssueKey: i.issueKey, EstimatedHours: i.estimatedHours })),
  },
  {
    name: 'ORDER BY a text column with LIMIT stays local',
    sql: 'SELECT IssueKey FROM Issues ORDER BY Summary, Id LIMIT 7',
  },
  {
    name: 'SpaceUpdates ORDER BY Id DESC LIMIT 5 is one request',
    sql: 'SELECT Id, Type FROM SpaceUpdates ORDER BY Id DESC LIMIT 5',
    pushdownRequests: 1,
    pushed: true,
    expected: (d) =>
      [...d.activities]
        .sort((a, b) => b.id - a.id)
        .slice(0, 5)
        .map((a) => ({ Id: a.id, Type: a.type })),
  },

  // ---- Dates (the space's calendar days, in Tokyo and in Los Angeles) ----
  {
    name: 'Dates (Tokyo): DueDate = a specific day',
    sql: "SELECT IssueKey, DueDate FROM Issues WHERE DueDate = '2025-09-08'",
    timezone: 'tokyo',
    pushdownRequests: 1,
    expected: (d) => d.issues.filter((i) => dayIn(i.dueDate, tz(d)) === '2025-09-08').map((i) => ({ IssueKey: i.issueKey, DueDate: '2025-09-08' })),
  },
  {
    name: 'Dates (Los Angeles): DueDate = a specific day',
    sql: "SELECT IssueKey, DueDate FROM Issues WHERE DueDate = '2025-09-07'",
    timezone: 'la',
    pushdownRequests: 1,
    expected: (d) => d.issues.filter((i) => dayIn(i.dueDate, tz(d)) === '2025-09-07').map((i) => ({ IssueKey: i.issueKey, DueDate: '2025-09-07' })),
  },
  {
    name: 'Dates (Tokyo): DueDate >= a due date held by an issue and < another',
    sql: "SELECT IssueKey FROM Issues WHERE DueDate >= '2026-08-04' AND DueDate < '2026-10-11'",
    timezone: 'tokyo',
    expected: (d) =>
      d.issues
        .filter((i) => {
          const v = dayIn(i.dueDate, tz(d));
          return v !== null && v >= '2026-08-04' && v < '2026-10-11';
        })
        .map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Dates (Los Angeles): DueDate >= a due date held by an issue and <= another',
    sql: "SELECT IssueKey FROM Issues WHERE DueDate >= '2026-08-04' AND DueDate <= '2026-10-10'",
    timezone: 'la',
    expected: (d) =>
      d.issues
        .filter((i) => {
          const v = dayIn(i.dueDate, tz(d));
          return v !== null && v >= '2026-08-04' && v <= '2026-10-10';
        })
        .map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Dates: DueDate BETWEEN two days',
    sql: "SELECT IssueKey FROM Issues WHERE DueDate BETWEEN '2025-06-23' AND '2025-07-16'",
    expected: (d) =>
      d.issues
        .filter((i) => {
          const v = dayIn(i.dueDate, tz(d));
          return v !== null && v >= '2025-06-23' && v <= '2025-07-16';
        })
        .map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Dates (Tokyo): DueDate <= a day held by an issue',
    sql: "SELECT IssueKey FROM Issues WHERE DueDate <= '2025-02-03'",
    timezone: 'tokyo',
    expected: (d) =>
      d.issues
        .filter((i) => {
          const v = dayIn(i.dueDate, tz(d));
          return v !== null && v <= '2025-02-03';
        })
        .map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Dates (Los Angeles): DueDate > a day held by an issue excludes it',
    sql: "SELECT IssueKey FROM Issues WHERE DueDate > '2026-10-10'",
    timezone: 'la',
    expected: (d) =>
      d.issues
        .filter((i) => {
          const v = dayIn(i.dueDate, tz(d));
          return v !== null && v > '2026-10-10';
        })
        .map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Dates (Tokyo): StartDate >= a start date held by an issue',
    sql: "SELECT IssueKey, StartDate FROM Issues WHERE StartDate >= '2026-08-15'",
    timezone: 'tokyo',
    expected: (d) =>
      d.issues.filter((i) => (dayIn(i.startDate, tz(d)) ?? '') >= '2026-08-15').map((i) => ({ IssueKey: i.issueKey, StartDate: dayIn(i.startDate, tz(d)) })),
  },
  {
    name: 'Dates (Los Angeles): StartDate >= a start date held by an issue',
    sql: "SELECT IssueKey, StartDate FROM Issues WHERE StartDate >= '2026-08-14'",
    timezone: 'la',
    expected: (d) =>
      d.issues.filter((i) => (dayIn(i.startDate, tz(d)) ?? '') >= '2026-08-14').map((i) => ({ IssueKey: i.issueKey, StartDate: dayIn(i.startDate, tz(d)) })),
  },
  {
    name: 'Dates: StartDate > a day (strict)',
    sql: "SELECT IssueKey FROM Issues WHERE StartDate > '2026-08-15'",
    expected: (d) => d.issues.filter((i) => (dayIn(i.startDate, tz(d)) ?? '') > '2026-08-15').map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Dates: Created across midnight UTC (explicit zone) — same rows in every space zone',
    sql: "SELECT IssueKey FROM Issues WHERE Created >= '2025-06-24T15:00:00Z' AND Created < '2025-06-25T15:00:00Z'",
    pushdownRequests: 1,
    expected: (d) =>
      d.issues
        .filter((i) => ms(i.created) >= Date.parse('2025-06-24T15:00:00Z') && ms(i.created) < Date.parse('2025-06-25T15:00:00Z'))
        .map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: "Dates: Created >= a local midnight (the space's zone) and < another",
    sql: "SELECT IssueKey FROM Issues WHERE Created >= '2025-06-25 00:00:00' AND Created < '2025-08-06'",
    expected: (d) =>
      d.issues
        .filter((i) => ms(i.created) >= wallTime('2025-06-25', tz(d)) && ms(i.created) < wallTime('2025-08-06', tz(d)))
        .map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Dates (Tokyo): Created on a day whose UTC date is the day before',
    sql: "SELECT IssueKey FROM Issues WHERE Created >= '2025-06-25' AND Created < '2025-06-26'",
    timezone: 'tokyo',
    expected: (d) => d.issues.filter((i) => dayIn(i.created, tz(d)) === '2025-06-25').map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Dates (Los Angeles): Created on a day whose UTC date is the day after',
    sql: "SELECT IssueKey FROM Issues WHERE Created >= '2026-09-04' AND Created < '2026-09-05'",
    timezone: 'la',
    expected: (d) => d.issues.filter((i) => dayIn(i.created, tz(d)) === '2026-09-04').map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: "Dates: Created::DATE is the space's calendar day",
    sql: 'SELECT IssueKey, Created::DATE AS day FROM Issues WHERE ProjectId = 1',
    expected: (d) => d.issues.filter((i) => i.projectId === 1).map((i) => ({ IssueKey: i.issueKey, day: dayIn(i.created, tz(d)) })),
  },
  {
    name: 'Dates (Tokyo): Created::DATE = a day',
    sql: "SELECT IssueKey FROM Issues WHERE Created::DATE = '2025-06-25'",
    timezone: 'tokyo',
    expected: (d) => d.issues.filter((i) => dayIn(i.created, tz(d)) === '2025-06-25').map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Dates (Los Angeles): Created::DATE = a day',
    sql: "SELECT IssueKey FROM Issues WHERE Created::DATE = '2025-06-24'",
    timezone: 'la',
    expected: (d) => d.issues.filter((i) => dayIn(i.created, tz(d)) === '2025-06-24').map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Dates: Updated > a timestamp without zone (the session zone is the space zone)',
    sql: "SELECT IssueKey FROM Issues WHERE Updated > '2026-10-14 10:02:15'",
    expected: (d) => d.issues.filter((i) => ms(i.updated) > wallTime('2026-10-14 10:02:15', tz(d))).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Dates: Updated = an exact instant',
    sql: "SELECT IssueKey FROM Issues WHERE Updated = TIMESTAMPTZ '2026-10-24 18:55:13+00'",
    expected: (d) => d.issues.filter((i) => ms(i.updated) === Date.parse('2026-10-24T18:55:13Z')).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Dates: Created BETWEEN two DATE literals',
    sql: "SELECT count(*) AS n FROM Issues WHERE Created BETWEEN DATE '2026-01-01' AND DATE '2026-06-30'",
    expected: (d) => [{ n: d.issues.filter((i) => ms(i.created) >= wallTime('2026-01-01', tz(d)) && ms(i.created) <= wallTime('2026-06-30', tz(d))).length }],
  },
  {
    name: 'Dates: Created >= a Date parameter',
    sql: 'SELECT IssueKey FROM Issues WHERE Created >= ? AND ProjectId = 2',
    params: [new Date('2026-05-09T09:54:00Z')],
    expected: (d) => d.issues.filter((i) => ms(i.created) >= Date.parse('2026-05-09T09:54:00Z') && i.projectId === 2).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Dates: issues per month of creation (date_trunc)',
    sql: "SELECT strftime(date_trunc('month', Created), '%Y-%m') AS month, count(*) AS n FROM Issues GROUP BY 1",
    expected: (d) => [...countBy(d.issues, (i) => (dayIn(i.created, tz(d)) as string).slice(0, 7))].map(([month, n]) => ({ month, n })),
  },
  {
    name: 'Dates: days from start to due',
    sql: 'SELECT IssueKey, DueDate - StartDate AS days FROM Issues WHERE StartDate IS NOT NULL AND DueDate IS NOT NULL',
    expected: (d) =>
      d.issues
        .filter((i) => i.startDate && i.dueDate)
        .map((i) => ({
          IssueKey: i.issueKey,
          days: Math.round((Date.parse(dayIn(i.dueDate, tz(d)) as string) - Date.parse(dayIn(i.startDate, tz(d)) as string)) / 86_400_000),
        })),
  },
  {
    name: 'Dates: EXTRACT(year) of due dates',
    sql: 'SELECT EXTRACT(year FROM DueDate) AS y, count(*) AS n FROM Issues WHERE DueDate IS NOT NULL GROUP BY 1',
    expected: (d) =>
      [
        ...countBy(
          d.issues.filter((i) => i.dueDate),
          (i) => Number((dayIn(i.dueDate, tz(d)) as string).slice(0, 4)),
        ),
      ].map(([y, n]) => ({ y, n })),
  },
  {
    name: 'Dates: Updated >= Created everywhere',
    sql: 'SELECT count(*) AS bad FROM Issues WHERE Updated < Created',
    expected: () => [{ bad: 0 }],
  },
  {
    name: 'Dates: milestone release due dates in a range',
    sql: "SELECT Name, ReleaseDueDate FROM ProjectVersionMilestones WHERE ReleaseDueDate >= '2025-01-01' ORDER BY Id",
  },

  // ---- Japanese text ----
  {
    name: 'Japanese: Summary LIKE %ログイン%',
    sql: "SELECT IssueKey, Summary FROM Issues WHERE Summary LIKE '%ログイン%'",
    expected: (d) => d.issues.filter((i) => i.summary.includes('ログイン')).map((i) => ({ IssueKey: i.issueKey, Summary: i.summary })),
  },
  {
    name: 'Japanese: Summary LIKE a prefix',
    sql: "SELECT IssueKey FROM Issues WHERE Summary LIKE 'プッシュ通知%'",
    expected: (d) => d.issues.filter((i) => i.summary.startsWith('プッシュ通知')).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Japanese: ILIKE on mixed text',
    sql: "SELECT IssueKey FROM Issues WHERE Summary ILIKE '%csv%'",
    expected: (d) => d.issues.filter((i) => i.summary.toLowerCase().includes('csv')).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    // A category the seed names in Japanese (built-in names such as statuses follow the reader's
    // language, so a Japanese literal for them would test the emulator's language, not the driver).
    name: 'Japanese: category names in Japanese',
    sql: "SELECT IssueKey FROM IssueCategories WHERE CategoryName = 'フロントエンド' AND ProjectId = 3",
    expected: (d) => d.issues.filter((i) => i.projectId === 3 && i.category.some((c) => c.name === 'フロントエンド')).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Japanese: users whose name has kanji',
    sql: "SELECT UserId, Name FROM Users WHERE regexp_matches(Name, '[一-龯]')",
    expected: (d) => d.users.filter((u) => /[一-龯]/.test(u.name)).map((u) => ({ UserId: u.userId, Name: u.name })),
  },
  {
    name: 'Japanese: project names (日本語) and their length in characters',
    sql: 'SELECT ProjectKey, Name, length(Name) AS chars FROM Projects',
    expected: (d) => d.projects.map((p) => ({ ProjectKey: p.projectKey, Name: p.name, chars: [...p.name].length })),
  },
  {
    name: 'Japanese: concatenation with full-width brackets',
    sql: "SELECT Summary || '（' || IssueKey || '）' AS label FROM Issues WHERE IssueKey = 'WEB-2'",
    pushdownRequests: 1,
    expected: (d) => d.issues.filter((i) => i.issueKey === 'WEB-2').map((i) => ({ label: `${i.summary}（${i.issueKey}）` })),
  },
  {
    name: 'Japanese: Description ILIKE an English word in mixed text',
    sql: "SELECT IssueKey FROM Issues WHERE Description ILIKE '%SCREENSHOT%'",
    expected: (d) => d.issues.filter((i) => (i.description ?? '').toLowerCase().includes('screenshot')).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Japanese: wiki page by Japanese name (Name = pushed to the page list)',
    sql: "SELECT Id, ProjectKey FROM WikiPages WHERE Name = 'リリース手順'",
    expected: (d) => d.wikis.filter((w) => w.name === 'リリース手順').map((w) => ({ Id: w.id, ProjectKey: projectKey(d, w.projectId) })),
  },
  {
    name: 'Japanese: comments containing 確認',
    sql: "SELECT Id FROM IssueComments WHERE Content LIKE '%確認%'",
    expected: (d) => d.comments.filter((c) => (c.content ?? '').includes('確認')).map((c) => ({ Id: c.id })),
  },
  {
    name: 'Japanese: ORDER BY Japanese names with a unique tiebreak',
    sql: 'SELECT Name, ProjectId FROM ProjectStatuses ORDER BY Name, ProjectId',
  },

  // ---- Parameters ----
  {
    name: 'Parameters: ? positional',
    sql: 'SELECT IssueKey FROM Issues WHERE ProjectId = ? AND StatusId = ?',
    params: [1, 1],
    pushdownRequests: 1,
    expected: (d) => d.issues.filter((i) => i.projectId === 1 && i.status.id === 1).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Parameters: $1 numbered',
    sql: 'SELECT Id FROM IssueComments WHERE IssueId = $1',
    params: [3],
    pushdownRequests: 1,
    pushed: true,
    expected: (d) => d.comments.filter((c) => c.issueId === 3).map((c) => ({ Id: c.id })),
  },
  {
    name: 'Parameters: $name',
    sql: 'SELECT Name FROM ProjectStatuses WHERE ProjectId = $project',
    params: { project: 2 },
    pushdownRequests: 1,
    pushed: true,
    expected: (d) => d.statuses.filter((s) => s.projectId === 2).map((s) => ({ Name: s.name })),
  },
  {
    name: 'Parameters: @name (CData style)',
    sql: 'SELECT Content FROM IssueComments WHERE IssueKey = @key',
    params: { key: 'OPS-1' },
    pushdownRequests: 1,
    pushed: true,
    expected: (d) => {
      const issue = d.issues.find((i) => i.issueKey === 'OPS-1');
      return d.comments.filter((c) => c.issueId === issue?.id).map((c) => ({ Content: c.content }));
    },
  },
  {
    name: 'Parameters: the same $name used twice',
    sql: 'SELECT IssueKey FROM Issues WHERE ProjectId = $p AND Id IN (SELECT IssueId FROM IssueCategories WHERE ProjectId = $p)',
    params: { p: 1 },
    expected: (d) => d.issues.filter((i) => i.projectId === 1 && i.category.length > 0).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Parameters: a date string parameter on DueDate',
    sql: 'SELECT IssueKey FROM Issues WHERE DueDate >= $1::DATE AND ProjectId = $2',
    params: ['2026-01-01', 1],
    expected: (d) => d.issues.filter((i) => (dayIn(i.dueDate, tz(d)) ?? '') >= '2026-01-01' && i.projectId === 1).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Parameters: text parameter with Japanese in LIKE',
    sql: "SELECT IssueKey FROM Issues WHERE Summary LIKE '%' || ? || '%'",
    params: ['不具合'],
    expected: (d) => d.issues.filter((i) => i.summary.includes('不具合')).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Parameters: @name inside a string literal is text',
    sql: "SELECT UserId FROM Users WHERE MailAddress = 'yamada@example.com'",
    expected: (d) => d.users.filter((u) => u.userId === 'yamada').map((u) => ({ UserId: u.userId })),
  },

  // ---- IN lists ----
  {
    name: 'IN: project ids',
    sql: 'SELECT IssueKey FROM Issues WHERE ProjectId IN (2, 3) AND PriorityId IN (2, 4)',
    pushdownRequests: 1,
    expected: (d) => d.issues.filter((i) => [2, 3].includes(i.projectId) && [2, 4].includes(i.priority.id)).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'IN: project keys',
    sql: "SELECT IssueKey FROM Issues WHERE ProjectKey IN ('WEB', 'OPS') AND StatusId = 2",
    pushdownRequests: 2,
    expected: (d) => d.issues.filter((i) => /^(WEB|OPS)-/.test(i.issueKey) && i.status.id === 2).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'IN: NOT IN stays local',
    sql: 'SELECT IssueKey FROM Issues WHERE StatusId NOT IN (1, 4) AND ProjectId = 1',
    expected: (d) => d.issues.filter((i) => ![1, 4].includes(i.status.id) && i.projectId === 1).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'IN: a list containing NULL is not pushed and still right',
    sql: 'SELECT IssueKey FROM Issues WHERE AssigneeId IN (1, NULL)',
    expected: (d) => d.issues.filter((i) => i.assignee?.id === 1).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'IN: comments of several issues by key',
    sql: "SELECT IssueKey, count(*) AS n FROM IssueComments WHERE IssueKey IN ('WEB-1', 'APP-1', 'OPS-1') GROUP BY IssueKey",
    pushed: true,
    expected: (d) => {
      const out: Row[] = [];
      for (const key of ['WEB-1', 'APP-1', 'OPS-1']) {
        const issue = d.issues.find((i) => i.issueKey === key);
        const n = d.comments.filter((c) => c.issueId === issue?.id).length;
        if (n > 0) out.push({ IssueKey: key, n });
      }
      return out;
    },
  },
  {
    name: 'IN: an OR of two equalities stays local',
    sql: 'SELECT IssueKey FROM Issues WHERE ProjectId = 3 OR AssigneeId = 5',
    expected: (d) => d.issues.filter((i) => i.projectId === 3 || i.assignee?.id === 5).map((i) => ({ IssueKey: i.issueKey })),
  },

  // ---- COUNT(*) through /issues/count ----
  {
    name: 'Count: count(*) of a project is one /issues/count',
    sql: 'SELECT count(*) AS n FROM Issues WHERE ProjectId = 1',
    pushdownRequests: 1,
    expected: (d) => [{ n: d.issues.filter((i) => i.projectId === 1).length }],
  },
  {
    name: 'Count: issue count per status in one project',
    sql: 'SELECT StatusId, count(*) AS n FROM Issues WHERE ProjectId = 1 GROUP BY StatusId',
    expected: (d) =>
      [
        ...countBy(
          d.issues.filter((i) => i.projectId === 1),
          (i) => i.status.id,
        ),
      ].map(([StatusId, n]) => ({ StatusId, n })),
  },
  {
    name: 'Count: count per priority across the space',
    sql: 'SELECT PriorityId, count(*) AS n FROM Issues GROUP BY PriorityId',
    expected: (d) => [...countBy(d.issues, (i) => i.priority.id)].map(([PriorityId, n]) => ({ PriorityId, n })),
  },
  {
    name: 'Count: count of named ids',
    sql: 'SELECT count(*) AS n FROM Issues WHERE Id IN (1, 2, 3)',
    expected: () => [{ n: 3 }],
  },
  {
    name: 'Count: count with HAVING on the count',
    sql: 'SELECT StatusId, count(*) AS n FROM Issues WHERE ProjectId = 2 GROUP BY StatusId HAVING count(*) >= 3',
    expected: (d) =>
      [
        ...countBy(
          d.issues.filter((i) => i.projectId === 2),
          (i) => i.status.id,
        ),
      ]
        .filter(([, n]) => n >= 3)
        .map(([StatusId, n]) => ({ StatusId, n })),
  },
  {
    name: 'Count: count with HAVING on another column',
    sql: 'SELECT StatusId, count(*) AS n FROM Issues WHERE ProjectId = 1 GROUP BY StatusId HAVING max(EstimatedHours) > 5',
    expected: (d) => {
      const out: Row[] = [];
      for (const [StatusId, n] of countBy(
        d.issues.filter((i) => i.projectId === 1),
        (i) => i.status.id,
      )) {
        const hours = d.issues
          .filter((i) => i.projectId === 1 && i.status.id === StatusId)
          .map((i) => i.estimatedHours)
          .filter((h): h is number => h !== null);
        if (hours.length > 0 && Math.max(...hours) > 5) out.push({ StatusId, n });
      }
      return out;
    },
  },
  {
    name: 'Count: groups ordered by another aggregate',
    sql: 'SELECT StatusId, count(*) AS n FROM Issues WHERE ProjectId = 1 GROUP BY StatusId ORDER BY max(Updated) DESC, StatusId',
    expected: (d) => {
      const groups = new Map<number, ExIssue[]>();
      for (const i of d.issues.filter((x) => x.projectId === 1)) groups.set(i.status.id, [...(groups.get(i.status.id) ?? []), i]);
      return [...groups]
        .map(([StatusId, list]) => ({ StatusId, n: list.length, latest: Math.max(...list.map((i) => ms(i.updated))) }))
        .sort((a, b) => b.latest - a.latest || a.StatusId - b.StatusId)
        .map(({ StatusId, n }) => ({ StatusId, n }));
    },
  },
  {
    name: 'Count: count(*) next to another aggregate is fetched, not counted',
    sql: 'SELECT count(*) AS n, max(Created) AS latest FROM Issues WHERE ProjectId = 3',
    expected: (d) => {
      const list = d.issues.filter((i) => i.projectId === 3);
      return [
        {
          n: list.length,
          latest: ts(
            list
              .map((i) => i.created)
              .sort()
              .at(-1),
          ),
        },
      ];
    },
  },
  {
    name: 'Count: count(DISTINCT AssigneeId)',
    sql: 'SELECT count(DISTINCT AssigneeId) AS n FROM Issues WHERE ProjectId = 1',
    expected: (d) => [{ n: new Set(d.issues.filter((i) => i.projectId === 1 && i.assignee).map((i) => i.assignee?.id)).size }],
  },

  // ---- Aggregates ----
  {
    name: 'Aggregates: sum/avg/min/max of hours per project',
    sql: 'SELECT ProjectId, sum(EstimatedHours) AS est, round(avg(EstimatedHours), 2) AS avg_est, min(EstimatedHours) AS lo, max(ActualHours) AS hi FROM Issues GROUP BY ProjectId',
    expected: (d) =>
      d.projects.map((p) => {
        const list = d.issues.filter((i) => i.projectId === p.id);
        const est = list.map((i) => i.estimatedHours).filter((h): h is number => h !== null);
        const act = list.map((i) => i.actualHours).filter((h): h is number => h !== null);
        return {
          ProjectId: p.id,
          est: est.length ? round2(est.reduce((s, h) => s + h, 0)) : null,
          avg_est: est.length ? round2(est.reduce((s, h) => s + h, 0) / est.length) : null,
          lo: est.length ? Math.min(...est) : null,
          hi: act.length ? Math.max(...act) : null,
        };
      }),
  },
  {
    name: 'Aggregates: estimated hours per assignee across the space',
    sql: 'SELECT AssigneeId, sum(EstimatedHours) AS hours FROM Issues WHERE AssigneeId IS NOT NULL GROUP BY AssigneeId HAVING sum(EstimatedHours) > 0',
    expected: (d) => {
      const sums = new Map<number, number>();
      for (const i of d.issues) if (i.assignee && i.estimatedHours !== null) sums.set(i.assignee.id, (sums.get(i.assignee.id) ?? 0) + i.estimatedHours);
      return [...sums].filter(([, h]) => h > 0).map(([AssigneeId, hours]) => ({ AssigneeId, hours: round2(hours) }));
    },
  },
  {
    name: 'Aggregates: HAVING count(*) > 2 per assignee name',
    sql: 'SELECT AssigneeName, count(*) AS n FROM Issues GROUP BY AssigneeName HAVING count(*) > 2 ORDER BY n DESC, AssigneeName NULLS LAST',
  },
  {
    name: 'Aggregates: string_agg of keys per status, ordered inside',
    sql: "SELECT StatusId, string_agg(IssueKey, ',' ORDER BY Id) AS keys FROM Issues WHERE ProjectId = 3 GROUP BY StatusId",
    expected: (d) => {
      const groups = new Map<number, string[]>();
      for (const i of projectIssues(d, 3)) groups.set(i.status.id, [...(groups.get(i.status.id) ?? []), i.issueKey]);
      return [...groups].map(([StatusId, keys]) => ({ StatusId, keys: keys.join(',') }));
    },
  },
  {
    name: 'Aggregates: bool_or and count FILTER',
    sql: 'SELECT ProjectId, bool_or(ParentIssueId IS NOT NULL) AS has_children, count(*) FILTER (WHERE StatusId = 4) AS closed FROM Issues GROUP BY ProjectId',
    expected: (d) =>
      d.projects.map((p) => ({
        ProjectId: p.id,
        has_children: d.issues.some((i) => i.projectId === p.id && i.parentIssueId !== null),
        closed: d.issues.filter((i) => i.projectId === p.id && i.status.id === 4).length,
      })),
  },
  {
    name: 'Aggregates: GROUP BY ROLLUP',
    sql: 'SELECT ProjectId, StatusId, count(*) AS n FROM Issues GROUP BY ROLLUP (ProjectId, StatusId)',
  },
  {
    name: 'Aggregates: DISTINCT pairs',
    sql: 'SELECT DISTINCT ProjectId, IssueTypeName FROM Issues',
    expected: (d) =>
      [...new Set(d.issues.map((i) => JSON.stringify([i.projectId, i.issueType.name])))].map((s) => {
        const [ProjectId, IssueTypeName] = JSON.parse(s) as [number, string];
        return { ProjectId, IssueTypeName };
      }),
  },
  {
    name: 'Aggregates: CASE buckets',
    sql: "SELECT CASE WHEN EstimatedHours IS NULL THEN 'none' WHEN EstimatedHours < 5 THEN 'small' ELSE 'large' END AS size, count(*) AS n FROM Issues GROUP BY 1",
    expected: (d) =>
      [...countBy(d.issues, (i) => (i.estimatedHours === null ? 'none' : i.estimatedHours < 5 ? 'small' : 'large'))].map(([size, n]) => ({ size, n })),
  },

  // ---- Joins ----
  {
    name: 'Joins: Issues ⋈ IssueComments for one issue key',
    sql: "SELECT i.IssueKey, c.Id FROM Issues i JOIN IssueComments c ON c.IssueId = i.Id WHERE i.IssueKey = 'WEB-1'",
    pushed: true,
    expected: (d) => {
      const issue = d.issues.find((i) => i.issueKey === 'WEB-1');
      return d.comments.filter((c) => c.issueId === issue?.id).map((c) => ({ IssueKey: 'WEB-1', Id: c.id }));
    },
  },
  {
    name: 'Joins: Issues ⋈ IssueComments for one issue id: one search, one comment list',
    sql: 'SELECT i.Summary, c.Id, c.CreatedUserName FROM Issues i JOIN IssueComments c ON c.IssueId = i.Id WHERE i.Id = 1',
    pushdownRequests: 2,
    pushed: true,
    expected: (d) => {
      const issue = issueById(d, 1);
      return d.comments.filter((c) => c.issueId === 1).map((c) => ({ Summary: issue?.summary, Id: c.id, CreatedUserName: c.createdUser.name }));
    },
  },
  {
    name: 'Joins: comment counts of a project, LEFT JOIN keeps issues without comments',
    sql: 'SELECT i.IssueKey, count(c.Id) AS comments FROM Issues i LEFT JOIN IssueComments c ON c.IssueId = i.Id WHERE i.ProjectId = 3 GROUP BY i.IssueKey',
    pushed: true,
    expected: (d) =>
      d.issues.filter((i) => i.projectId === 3).map((i) => ({ IssueKey: i.issueKey, comments: d.comments.filter((c) => c.issueId === i.id).length })),
  },
  {
    name: 'Joins: Issues ⋈ Projects',
    sql: 'SELECT p.ProjectKey, p.Name, count(*) AS n FROM Issues i JOIN Projects p ON p.Id = i.ProjectId GROUP BY p.ProjectKey, p.Name',
    expected: (d) => d.projects.map((p) => ({ ProjectKey: p.projectKey, Name: p.name, n: d.issues.filter((i) => i.projectId === p.id).length })),
  },
  {
    name: 'Joins: Projects ⋈ Issues restricted by the project key',
    sql: "SELECT i.IssueKey FROM Projects p JOIN Issues i ON i.ProjectId = p.Id WHERE p.ProjectKey = 'OPS'",
    pushdownRequests: 2,
    expected: (d) => d.issues.filter((i) => i.issueKey.startsWith('OPS-')).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Joins: Issues ⋈ ProjectStatuses on two keys',
    sql: 'SELECT i.IssueKey, s.Name, s.DisplayOrder FROM Issues i JOIN ProjectStatuses s ON s.Id = i.StatusId AND s.ProjectId = i.ProjectId WHERE i.ProjectId = 1',
    pushed: true,
    expected: (d) =>
      d.issues
        .filter((i) => i.projectId === 1)
        .map((i) => {
          const s = d.statuses.find((x) => x.id === i.status.id && x.projectId === 1);
          return { IssueKey: i.issueKey, Name: s?.name, DisplayOrder: s?.displayOrder };
        }),
  },
  {
    name: 'Joins: Issues ⋈ Users (assignee) with Japanese names',
    sql: 'SELECT i.IssueKey, u.UserId, u.Name FROM Issues i JOIN Users u ON u.Id = i.AssigneeId WHERE i.ProjectId = 2',
    expected: (d) =>
      d.issues.filter((i) => i.projectId === 2 && i.assignee).map((i) => ({ IssueKey: i.issueKey, UserId: i.assignee?.userId, Name: i.assignee?.name })),
  },
  {
    name: 'Joins: PullRequests ⋈ Repositories',
    sql: 'SELECT r.Name AS repo, p.Number, p.StatusName FROM PullRequests p JOIN Repositories r ON r.Id = p.RepositoryId WHERE r.ProjectId = 1',
    pushed: true,
    expected: (d) =>
      d.pullRequests
        .filter((p) => p.projectId === 1)
        .map((p) => ({ repo: d.repositories.find((r) => r.id === p.repositoryId)?.name, Number: p.number, StatusName: p.status.name })),
  },
  {
    name: 'Joins: PullRequests ⋈ Issues (linked issue)',
    sql: 'SELECT pr.Id, i.IssueKey FROM PullRequests pr JOIN Issues i ON i.Id = pr.IssueId',
    expected: (d) => d.pullRequests.filter((p) => p.issue).map((p) => ({ Id: p.id, IssueKey: p.issue?.issueKey })),
  },
  {
    name: 'Joins: open pull requests of one repository',
    sql: 'SELECT Number, Summary FROM PullRequests WHERE ProjectId = 1 AND RepositoryId = 1 AND StatusId = 1',
    pushdownRequests: 1,
    pushed: true,
    expected: (d) =>
      d.pullRequests.filter((p) => p.projectId === 1 && p.repositoryId === 1 && p.status.id === 1).map((p) => ({ Number: p.number, Summary: p.summary })),
  },
  {
    name: 'Joins: WikiPages ⋈ WikiPageTags through the page tags',
    sql: "SELECT w.Name, t.Id AS TagId FROM WikiPages w JOIN WikiPageTags t ON t.ProjectId = w.ProjectId AND list_contains(string_split(w.Tags, ', '), t.Name) WHERE w.ProjectKey = 'WEB'",
    pushed: true,
    expected: (d) => d.wikis.filter((w) => w.projectId === 1).flatMap((w) => w.tags.map((t) => ({ Name: w.name, TagId: t.id }))),
  },
  {
    name: 'Joins: WikiPages LEFT JOIN WikiPageStars counts',
    sql: 'SELECT p.Id, count(s.Id) AS stars FROM WikiPages p LEFT JOIN WikiPageStars s ON s.WikiId = p.Id GROUP BY p.Id',
    expected: (d) => d.wikis.map((w) => ({ Id: w.id, stars: w.stars.length })),
  },
  {
    name: 'Joins: WikiPages ⋈ WikiPageAttachments of one project',
    sql: "SELECT p.Name, a.Name AS FileName, a.Size FROM WikiPages p JOIN WikiPageAttachments a ON a.WikiId = p.Id WHERE p.ProjectKey = 'WEB'",
    pushed: true,
    expected: (d) => d.wikis.filter((w) => w.projectId === 1).flatMap((w) => w.attachments.map((a) => ({ Name: w.name, FileName: a.name, Size: a.size }))),
  },
  {
    name: 'Joins: ProjectCustomFields ⋈ ProjectCustomFieldItems',
    sql: 'SELECT f.Name AS Field, i.Name AS Item FROM ProjectCustomFields f JOIN ProjectCustomFieldItems i ON i.CustomFieldId = f.Id WHERE f.ProjectId = 1',
    pushed: true,
    expected: (d) => d.customFields.filter((f) => f.projectId === 1).flatMap((f) => (f.items ?? []).map((i) => ({ Field: f.name, Item: i.name }))),
  },
  {
    name: 'Joins: Teams ⋈ TeamMembers',
    sql: 'SELECT t.Name AS team, m.UserLoginId FROM Teams t JOIN TeamMembers m ON m.TeamId = t.Id',
    expected: (d) => d.teams.flatMap((t) => t.members.map((m) => ({ team: t.name, UserLoginId: m.userId }))),
  },
  {
    name: 'Joins: IssueMilestones ⋈ Issues for one milestone',
    sql: 'SELECT i.IssueKey, v.Name FROM IssueMilestones v JOIN Issues i ON i.Id = v.IssueId WHERE v.MilestoneId = 1',
    expected: (d) =>
      d.issues.filter((i) => i.milestone.some((m) => m.id === 1)).map((i) => ({ IssueKey: i.issueKey, Name: i.milestone.find((m) => m.id === 1)?.name })),
  },
  {
    name: 'Joins: milestone issues with their comment counts',
    sql: 'SELECT i.IssueKey, count(c.Id) AS comments FROM IssueMilestones m JOIN Issues i ON i.Id = m.IssueId LEFT JOIN IssueComments c ON c.IssueId = i.Id WHERE m.MilestoneId = 1 GROUP BY i.IssueKey',
    pushed: true,
    expected: (d) =>
      d.issues
        .filter((i) => i.milestone.some((m) => m.id === 1))
        .map((i) => ({ IssueKey: i.issueKey, comments: d.comments.filter((c) => c.issueId === i.id).length })),
  },
  {
    name: 'Joins: self-join child to parent',
    sql: 'SELECT c.IssueKey AS child, p.IssueKey AS parent FROM Issues c JOIN Issues p ON p.Id = c.ParentIssueId',
    expected: (d) =>
      d.issues.filter((i) => i.parentIssueId !== null).map((i) => ({ child: i.issueKey, parent: issueById(d, i.parentIssueId as number)?.issueKey })),
  },
  {
    name: 'Joins: IssueCategories ⋈ ProjectCategories',
    sql: 'SELECT pc.Name, count(*) AS n FROM IssueCategories ic JOIN ProjectCategories pc ON pc.Id = ic.CategoryId WHERE ic.ProjectId = 1 GROUP BY pc.Name',
    expected: (d) => {
      const counts = new Map<string, number>();
      for (const i of d.issues.filter((x) => x.projectId === 1)) for (const c of i.category) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
      return [...counts].map(([Name, n]) => ({ Name, n }));
    },
  },
  {
    name: 'Joins: Projects LEFT JOIN Repositories keeps projects without Git',
    sql: 'SELECT p.ProjectKey, count(r.Id) AS repos FROM Projects p LEFT JOIN Repositories r ON r.ProjectId = p.Id GROUP BY p.ProjectKey',
    expected: (d) => d.projects.map((p) => ({ ProjectKey: p.projectKey, repos: d.repositories.filter((r) => r.projectId === p.id).length })),
  },
  {
    name: 'Joins: IS NULL on the NULL-extended side of a LEFT JOIN',
    sql: 'SELECT p.ProjectKey FROM Projects p LEFT JOIN Repositories r ON r.ProjectId = p.Id WHERE r.Id IS NULL',
    expected: (d) => d.projects.filter((p) => !d.repositories.some((r) => r.projectId === p.id)).map((p) => ({ ProjectKey: p.projectKey })),
  },
  {
    name: 'Joins: Watchings ⋈ Issues',
    sql: 'SELECT w.IssueKey, i.StatusId FROM Watchings w JOIN Issues i ON i.Id = w.IssueId',
    expected: (d) => d.watchings.filter((w) => w.userId === 1).map((w) => ({ IssueKey: w.issue.issueKey, StatusId: issueById(d, w.issue.id)?.status.id })),
  },
  {
    name: 'Joins: Notifications ⋈ Issues',
    sql: 'SELECT n.Id, i.IssueKey FROM Notifications n JOIN Issues i ON i.Id = n.IssueId',
  },
  {
    name: 'Joins: ProjectUsers ⋈ Users on the role',
    sql: 'SELECT pu.ProjectKey, u.UserId FROM ProjectUsers pu JOIN Users u ON u.Id = pu.UserId WHERE u.RoleType = 1',
  },
  {
    name: 'Joins: three tables — comments of OPS issues with their authors',
    sql: "SELECT c.Id, u.UserId FROM Projects p JOIN Issues i ON i.ProjectId = p.Id JOIN IssueComments c ON c.IssueId = i.Id JOIN Users u ON u.Id = c.CreatedUserId WHERE p.ProjectKey = 'OPS'",
    pushed: true,
    expected: (d) => {
      const ids = new Set(d.issues.filter((i) => i.projectId === 3).map((i) => i.id));
      return d.comments.filter((c) => ids.has(c.issueId)).map((c) => ({ Id: c.id, UserId: c.createdUser.userId }));
    },
  },
  {
    name: 'Joins: a join that matches no parent makes no child request',
    sql: 'SELECT c.Id FROM Issues i JOIN IssueComments c ON c.IssueId = i.Id WHERE i.ProjectId = 1 AND i.StatusId = 999',
    expectNonEmpty: false,
    pushdownRequests: 1,
  },

  // ---- Subqueries ----
  {
    name: 'Subqueries: IN (SELECT …) over projects with Git',
    sql: 'SELECT IssueKey FROM Issues WHERE ProjectId IN (SELECT Id FROM Projects WHERE UseGit)',
    expected: (d) => d.issues.filter((i) => d.projects.find((p) => p.id === i.projectId)?.useGit).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Subqueries: EXISTS comments',
    sql: 'SELECT i.IssueKey FROM Issues i WHERE i.ProjectId = 3 AND EXISTS (SELECT 1 FROM IssueComments c WHERE c.IssueId = i.Id)',
    expected: (d) => d.issues.filter((i) => i.projectId === 3 && d.comments.some((c) => c.issueId === i.id)).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Subqueries: NOT EXISTS comments',
    sql: 'SELECT i.IssueKey FROM Issues i WHERE NOT EXISTS (SELECT 1 FROM IssueComments c WHERE c.IssueId = i.Id)',
    expected: (d) => d.issues.filter((i) => !d.comments.some((c) => c.issueId === i.id)).map((i) => ({ IssueKey: i.issueKey })),
  },
  {
    name: 'Subqueries: scalar subquery per row',
    sql: "SELECT i.IssueKey, (SELECT count(*) FROM IssueComments c WHERE c.IssueId = i.Id) AS n FROM Issues i WHERE i.IssueKey IN ('WEB-1', 'WEB-2')",
    expected: (d) =>
      ['WEB-1', 'WEB-2'].map((key) => {
        const issue = d.issues.find((i) => i.issueKey === key);
        return { IssueKey: key, n: d.comments.filter((c) => c.issueId === issue?.id).length };
      }),
  },
  {
    name: 'Subqueries: scalar comparison against the average',
    sql: 'SELECT IssueKey FROM Issues WHERE EstimatedHours > (SELECT avg(EstimatedHours) FROM Issues)',
    expected: (d) => {
      const est = d.issues.map((i) => i.estimatedHours).filter((h): h is number => h !== null);
      const avg = est.reduce((s, h) => s + h, 0) / est.length;
      return d.issues.filter((i) => i.estimatedHours !== null && i.estimatedHours > avg).map((i) => ({ IssueKey: i.issueKey }));
    },
  },
  {
    name: 'Subqueries: the same table with different filters inside and out',
    sql: 'SELECT IssueKey FROM Issues WHERE ProjectId = 1 AND AssigneeId IN (SELECT AssigneeId FROM Issues WHERE ProjectId = 3)',
    expected: (d) => {
      const ops = new Set(d.issues.filter((i) => i.projectId === 3 && i.assignee).map((i) => i.assignee?.id));
      return d.issues.filter((i) => i.projectId === 1 && i.assignee && ops.has(i.assignee.id)).map((i) => ({ IssueKey: i.issueKey }));
    },
  },
  {
    name: 'Subqueries: derived table with an aggregate',
    sql: 'SELECT max(n) AS most FROM (SELECT IssueId, count(*) AS n FROM IssueComments GROUP BY IssueId) t',
    expected: (d) => [{ most: Math.max(...countBy(d.comments, (c) => c.issueId).values()) }],
  },
  {
    name: 'Subqueries: NOT IN over a subquery',
    sql: 'SELECT Id FROM Users WHERE Id NOT IN (SELECT AssigneeId FROM Issues WHERE AssigneeId IS NOT NULL)',
    expected: (d) => {
      const a = new Set(d.issues.map((i) => i.assignee?.id));
      return d.users.filter((u) => !a.has(u.id)).map((u) => ({ Id: u.id }));
    },
  },

  // ---- CTEs ----
  {
    name: 'CTE: open issues per project',
    sql: 'WITH open AS (SELECT * FROM Issues WHERE StatusId <> 4) SELECT ProjectId, count(*) AS n FROM open GROUP BY ProjectId',
    expected: (d) =>
      [
        ...countBy(
          d.issues.filter((i) => i.status.id !== 4),
          (i) => i.projectId,
        ),
      ].map(([ProjectId, n]) => ({ ProjectId, n })),
  },
  {
    name: 'CTE: two CTEs joined',
    sql: 'WITH c AS (SELECT IssueId, count(*) AS n FROM IssueComments GROUP BY IssueId), i AS (SELECT Id, IssueKey FROM Issues WHERE ProjectId = 1) SELECT i.IssueKey, c.n FROM i JOIN c ON c.IssueId = i.Id',
    expected: (d) =>
      d.issues
        .filter((i) => i.projectId === 1)
        .map((i) => ({ IssueKey: i.issueKey, n: d.comments.filter((c) => c.issueId === i.id).length }))
        .filter((r) => r.n > 0),
  },
  {
    name: 'CTE: recursive walk of the document tree',
    sql: 'WITH RECURSIVE tree(Id, Name, lvl) AS (SELECT Id, Name, 0 FROM DocumentTree WHERE ParentId IS NULL AND NOT InTrash UNION ALL SELECT d.Id, d.Name, t.lvl + 1 FROM DocumentTree d JOIN tree t ON d.ParentId = t.Id) SELECT Id, Name, lvl FROM tree',
    expected: (d) => {
      const live = d.documents.filter((x) => !x.trashed);
      const out: Row[] = [];
      const walk = (parent: string | null, lvl: number) => {
        for (const doc of live.filter((x) => x.parentId === parent)) {
          out.push({ Id: doc.id, Name: doc.title, lvl });
          walk(doc.id, lvl + 1);
        }
      };
      walk(null, 0);
      return out;
    },
  },
  {
    name: 'CTE: a CTE that shadows a table name',
    sql: 'WITH Issues AS (SELECT 1 AS Id) SELECT count(*) AS n FROM Issues',
    pushdownRequests: 0,
    expected: () => [{ n: 1 }],
  },

  // ---- Window functions ----
  {
    name: 'Windows: row_number per project by creation',
    sql: 'SELECT IssueKey, row_number() OVER (PARTITION BY ProjectId ORDER BY Created, Id) AS rn FROM Issues',
    expected: (d) => d.projects.flatMap((p) => projectIssues(d, p.id).map((i, k) => ({ IssueKey: i.issueKey, rn: k + 1 }))),
  },
  {
    name: 'Windows: latest issue of each project (QUALIFY)',
    sql: 'SELECT ProjectId, IssueKey FROM Issues QUALIFY row_number() OVER (PARTITION BY ProjectId ORDER BY Created DESC, Id DESC) = 1',
    expected: (d) => d.projects.map((p) => ({ ProjectId: p.id, IssueKey: projectIssues(d, p.id).at(-1)?.issueKey })),
  },
  {
    name: 'Windows: running total of estimated hours',
    sql: 'SELECT IssueKey, sum(EstimatedHours) OVER (ORDER BY Id) AS running FROM Issues WHERE ProjectId = 2 ORDER BY Id',
    expected: (d) => {
      let total: number | null = null;
      return projectIssues(d, 2).map((i) => {
        if (i.estimatedHours !== null) total = round2((total ?? 0) + i.estimatedHours);
        return { IssueKey: i.issueKey, running: total };
      });
    },
  },
  {
    name: 'Windows: lag of the creation time',
    sql: 'SELECT IssueKey, lag(IssueKey) OVER (ORDER BY Id) AS previous FROM Issues WHERE ProjectId = 3 ORDER BY Id',
    expected: (d) => projectIssues(d, 3).map((i, k, all) => ({ IssueKey: i.issueKey, previous: k > 0 ? all[k - 1]?.issueKey : null })),
  },
  {
    name: 'Windows: rank of comment counts',
    sql: 'SELECT IssueId, n, rank() OVER (ORDER BY n DESC) AS r FROM (SELECT IssueId, count(*) AS n FROM IssueComments GROUP BY IssueId) ORDER BY r, IssueId LIMIT 5',
  },
  {
    name: 'Windows: share of issues per status within a project',
    sql: 'SELECT ProjectId, StatusId, count(*) AS n, round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY ProjectId), 1) AS pct FROM Issues GROUP BY ProjectId, StatusId',
  },

  // ---- Set operations ----
  {
    name: 'Set operations: UNION of assignees and creators',
    sql: 'SELECT AssigneeId AS uid FROM Issues WHERE AssigneeId IS NOT NULL UNION SELECT CreatedUserId FROM Issues',
    expected: (d) =>
      [...new Set([...d.issues.filter((i) => i.assignee).map((i) => i.assignee?.id), ...d.issues.map((i) => i.createdUser.id)])].map((uid) => ({ uid })),
  },
  {
    name: 'Set operations: EXCEPT',
    sql: 'SELECT Id FROM Users EXCEPT SELECT CreatedUserId FROM IssueComments',
    expected: (d) => {
      const a = new Set(d.comments.map((c) => c.createdUser.id));
      return d.users.filter((u) => !a.has(u.id)).map((u) => ({ Id: u.id }));
    },
  },
  {
    name: 'Set operations: INTERSECT of watchers and assignees',
    sql: 'SELECT IssueId FROM Watchings INTERSECT SELECT Id FROM Issues WHERE StatusId <> 4',
  },
  {
    name: 'Set operations: UNION ALL across tables',
    sql: "SELECT 'issue' AS kind, count(*) AS n FROM Issues UNION ALL SELECT 'comment', count(*) FROM IssueComments UNION ALL SELECT 'wiki', count(*) FROM WikiPages",
    expected: (d) => [
      { kind: 'issue', n: d.issues.length },
      { kind: 'comment', n: d.comments.length },
      { kind: 'wiki', n: d.wikis.length },
    ],
  },

  // ---- IssueComments and its views ----
  {
    name: 'IssueComments: WHERE IssueKey is one request',
    sql: "SELECT * FROM IssueComments WHERE IssueKey = 'WEB-1'",
    pushdownRequests: 1,
    pushed: true,
    expected: (d) => {
      const issue = d.issues.find((i) => i.issueKey === 'WEB-1');
      return d.comments
        .filter((c) => c.issueId === issue?.id)
        .map((c) => ({
          Id: c.id,
          IssueId: c.issueId,
          IssueKey: 'WEB-1',
          ProjectId: c.projectId,
          Content: c.content,
          CreatedUserId: c.createdUser.id,
          CreatedUserName: c.createdUser.name,
          Created: ts(c.created),
          Updated: ts(c.updated),
          StarCount: c.stars.length,
        }));
    },
  },
  {
    name: 'IssueComments: WHERE IssueId IN three issues is three requests',
    sql: 'SELECT Id, IssueId FROM IssueComments WHERE IssueId IN (1, 2, 3)',
    pushdownRequests: 3,
    pushed: true,
    expected: (d) => d.comments.filter((c) => [1, 2, 3].includes(c.issueId)).map((c) => ({ Id: c.id, IssueId: c.issueId })),
  },
  {
    name: 'IssueComments: WHERE ProjectId narrows the issue search',
    sql: 'SELECT Id FROM IssueComments WHERE ProjectId = 3',
    pushed: true,
    expected: (d) => d.comments.filter((c) => c.projectId === 3).map((c) => ({ Id: c.id })),
  },
  {
    name: 'IssueComments: change-only comments (Content IS NULL)',
    sql: 'SELECT Id, IssueId FROM IssueComments WHERE Content IS NULL',
    expected: (d) => d.comments.filter((c) => c.content === null).map((c) => ({ Id: c.id, IssueId: c.issueId })),
  },
  {
    name: 'IssueComments: Id = a comment id',
    sql: 'SELECT Id, IssueId FROM IssueComments WHERE Id = 5',
    expected: (d) => d.comments.filter((c) => c.id === 5).map((c) => ({ Id: c.id, IssueId: c.issueId })),
  },
  {
    name: 'IssueComments: comments per author',
    sql: 'SELECT CreatedUserName, count(*) AS n FROM IssueComments GROUP BY CreatedUserName',
    expected: (d) => [...countBy(d.comments, (c) => c.createdUser.name)].map(([CreatedUserName, n]) => ({ CreatedUserName, n })),
  },
  {
    name: 'IssueComments: every comment is created at or after its issue',
    sql: 'SELECT count(*) AS bad FROM IssueComments c JOIN Issues i ON i.Id = c.IssueId WHERE c.Created < i.Created',
    expected: () => [{ bad: 0 }],
  },
  {
    name: 'IssueCommentChangeLog: status changes of one issue',
    sql: "SELECT CommentId, Field, OriginalValue, NewValue FROM IssueCommentChangeLog WHERE IssueId = 1 AND Field = 'status'",
    pushdownRequests: 1,
    pushed: true,
    expected: (d) =>
      d.comments
        .filter((c) => c.issueId === 1)
        .flatMap((c) =>
          c.changeLog
            .filter((l) => l.field === 'status')
            .map((l) => ({ CommentId: c.id, Field: l.field, OriginalValue: l.originalValue, NewValue: l.newValue })),
        ),
  },
  {
    name: 'IssueCommentChangeLog: changes per field',
    sql: 'SELECT Field, count(*) AS n FROM IssueCommentChangeLog GROUP BY Field',
    expected: (d) =>
      [
        ...countBy(
          d.comments.flatMap((c) => c.changeLog),
          (l) => l.field,
        ),
      ].map(([Field, n]) => ({ Field, n })),
  },
  {
    name: 'IssueCommentNotifications: notified users per issue',
    sql: 'SELECT IssueId, UserId, Reason FROM IssueCommentNotifications WHERE IssueId IN (1, 2, 5, 6)',
    pushed: true,
    expected: (d) =>
      d.comments
        .filter((c) => [1, 2, 5, 6].includes(c.issueId))
        .flatMap((c) => c.notifications.map((n) => ({ IssueId: c.issueId, UserId: n.user.id, Reason: n.reason }))),
  },
  {
    name: 'IssueCommentNotifications: unread per user',
    sql: 'SELECT UserName, count(*) FILTER (WHERE NOT AlreadyRead) AS unread FROM IssueCommentNotifications GROUP BY UserName',
  },
  {
    name: 'IssueCommentStars: stars on the first issues',
    sql: 'SELECT Id, CommentId, PresenterId FROM IssueCommentStars WHERE IssueId IN (1, 2, 3, 4)',
    pushed: true,
    expected: (d) =>
      d.comments
        .filter((c) => [1, 2, 3, 4].includes(c.issueId))
        .flatMap((c) => c.stars.map((s) => ({ Id: s.id, CommentId: c.id, PresenterId: s.presenter.id }))),
  },
  {
    name: 'IssueCommentStars: matches IssueComments.StarCount',
    sql: 'SELECT c.Id, c.StarCount, count(s.Id) AS stars FROM IssueComments c LEFT JOIN IssueCommentStars s ON s.CommentId = c.Id WHERE c.IssueId IN (1, 2, 3, 4) GROUP BY c.Id, c.StarCount HAVING c.StarCount <> count(s.Id)',
    expectNonEmpty: false,
  },

  // ---- Issue child views ----
  {
    name: 'IssueAttachments: one issue by key',
    sql: "SELECT Id, Name, Size FROM IssueAttachments WHERE IssueKey = 'WEB-1'",
    pushdownRequests: 1,
    expected: (d) => {
      const issue = d.issues.find((i) => i.issueKey === 'WEB-1');
      return d.issueAttachments.filter((a) => a.issueId === issue?.id).map((a) => ({ Id: a.id, Name: a.name, Size: a.size }));
    },
  },
  {
    name: 'IssueAttachments: bytes per issue',
    sql: 'SELECT IssueId, sum(Size) AS bytes FROM IssueAttachments GROUP BY IssueId',
    expected: (d) => {
      const m = new Map<number, number>();
      for (const a of d.issueAttachments) m.set(a.issueId, (m.get(a.issueId) ?? 0) + a.size);
      return [...m].map(([IssueId, bytes]) => ({ IssueId, bytes }));
    },
  },
  {
    name: 'IssueLinkedSharedFiles: all links',
    sql: 'SELECT IssueId, Id, Name FROM IssueLinkedSharedFiles',
    expected: (d) => d.issueSharedFiles.map((f) => ({ IssueId: f.issueId, Id: f.id, Name: f.name })),
  },
  {
    name: 'IssueLinkedSharedFiles: one issue by key',
    sql: "SELECT Dir, Name FROM IssueLinkedSharedFiles WHERE IssueKey = 'WEB-1'",
    pushdownRequests: 1,
  },
  {
    name: 'IssueCategories: counts per category in one project',
    sql: 'SELECT CategoryName, count(*) AS n FROM IssueCategories WHERE ProjectId = 1 GROUP BY CategoryName',
    pushdownRequests: 1,
    expected: (d) =>
      [
        ...countBy(
          d.issues.filter((i) => i.projectId === 1).flatMap((i) => i.category),
          (c) => c.name,
        ),
      ].map(([CategoryName, n]) => ({ CategoryName, n })),
  },
  {
    name: 'IssueCategories: CategoryId = 1',
    sql: 'SELECT IssueId FROM IssueCategories WHERE CategoryId = 1',
    expected: (d) => d.issues.filter((i) => i.category.some((c) => c.id === 1)).map((i) => ({ IssueId: i.id })),
  },
  {
    name: 'IssueVersions: all issue versions',
    sql: 'SELECT IssueId, VersionId, Name FROM IssueVersions',
    expected: (d) => d.issues.flatMap((i) => i.versions.map((v) => ({ IssueId: i.id, VersionId: v.id, Name: v.name }))),
  },
  {
    name: 'IssueMilestones: archived milestones',
    sql: 'SELECT IssueKey, Name FROM IssueMilestones WHERE Archived',
  },
  {
    name: 'IssueCustomFields: the fields of one issue',
    sql: "SELECT CustomFieldId, Name, Value, ItemId FROM IssueCustomFields WHERE IssueKey = 'WEB-1'",
    pushdownRequests: 1,
  },
  {
    name: 'IssueCustomFields: list items chosen for a field',
    sql: 'SELECT ItemName, count(*) AS n FROM IssueCustomFields WHERE CustomFieldId = 5 AND ItemName IS NOT NULL GROUP BY ItemName',
    expected: (d) => {
      const names: string[] = [];
      for (const i of d.issues)
        for (const f of i.customFields)
          if (f.id === 5 && f.value && typeof f.value === 'object' && !Array.isArray(f.value)) names.push((f.value as ExRef).name);
      return [...countBy(names, (n) => n)].map(([ItemName, n]) => ({ ItemName, n }));
    },
  },
  {
    name: 'IssueCustomFields: sum of a number field',
    sql: 'SELECT ProjectId, sum(ValueNumber) AS total FROM IssueCustomFields WHERE FieldTypeId = 3 GROUP BY ProjectId',
    expected: (d) => {
      const m = new Map<number, number>();
      for (const i of d.issues)
        for (const f of i.customFields) if (f.fieldTypeId === 3 && typeof f.value === 'number') m.set(i.projectId, (m.get(i.projectId) ?? 0) + f.value);
      return [...m].map(([ProjectId, total]) => ({ ProjectId, total }));
    },
  },
  {
    name: 'IssueCustomFields: date field values in a range',
    sql: "SELECT IssueKey, ValueDate FROM IssueCustomFields WHERE FieldTypeId = 4 AND ValueDate >= '2026-01-01'",
  },
  {
    name: 'IssueParticipants: one issue by key',
    sql: "SELECT UserId, UserLoginId FROM IssueParticipants WHERE IssueKey = 'WEB-1'",
    pushed: true,
  },

  // ---- Projects and their settings ----
  {
    name: 'Projects: by key is one request',
    sql: "SELECT Id, Name FROM Projects WHERE ProjectKey = 'WEB'",
    pushdownRequests: 1,
    expected: (d) => d.projects.filter((p) => p.projectKey === 'WEB').map((p) => ({ Id: p.id, Name: p.name })),
  },
  {
    name: 'Projects: by id is one request',
    sql: 'SELECT ProjectKey FROM Projects WHERE Id = 2',
    pushdownRequests: 1,
    expected: (d) => d.projects.filter((p) => p.id === 2).map((p) => ({ ProjectKey: p.projectKey })),
  },
  {
    name: 'Projects: not archived, features on',
    sql: 'SELECT ProjectKey, UseWiki, UseGit, UseDocument, UseFileSharing FROM Projects WHERE Archived = false',
    expected: (d) =>
      d.projects
        .filter((p) => !p.archived)
        .map((p) => ({ ProjectKey: p.projectKey, UseWiki: p.useWiki, UseGit: p.useGit, UseDocument: p.useDocument, UseFileSharing: p.useFileSharing })),
  },
  {
    name: 'ProjectStatuses: one project is one request',
    sql: 'SELECT Id, Name, Color, DisplayOrder FROM ProjectStatuses WHERE ProjectId = 1',
    pushdownRequests: 1,
    pushed: true,
    expected: (d) =>
      d.statuses
        .filter((s) => s.projectId === 1)
        .map((s) => ({ Id: s.id, Name: s.name, Color: (s as { color?: string }).color, DisplayOrder: s.displayOrder })),
  },
  {
    name: 'ProjectStatuses: SELECT * also needs the key, from the project list (2 requests)',
    sql: 'SELECT * FROM ProjectStatuses WHERE ProjectId = 1',
    pushdownRequests: 2,
    pushed: true,
    expected: (d) =>
      d.statuses
        .filter((s) => s.projectId === 1)
        .map((s) => ({ Id: s.id, ProjectId: 1, ProjectKey: 'WEB', Name: s.name, Color: (s as { color?: string }).color, DisplayOrder: s.displayOrder })),
  },
  {
    name: 'ProjectStatuses: custom statuses across projects',
    sql: 'SELECT ProjectKey, Name FROM ProjectStatuses WHERE Id > 4',
    expected: (d) => d.statuses.filter((s) => s.id > 4).map((s) => ({ ProjectKey: projectKey(d, s.projectId), Name: s.name })),
  },
  {
    name: 'ProjectIssueTypes: templates of one project',
    sql: "SELECT Name, TemplateSummary FROM ProjectIssueTypes WHERE ProjectKey = 'WEB' AND TemplateSummary IS NOT NULL",
    pushed: true,
    expected: (d) =>
      d.issueTypes.filter((t) => t.projectId === 1 && t.templateSummary !== null).map((t) => ({ Name: t.name, TemplateSummary: t.templateSummary })),
  },
  {
    name: 'ProjectCategories: ordered list of one project',
    sql: "SELECT Id, Name FROM ProjectCategories WHERE ProjectKey = 'OPS' ORDER BY DisplayOrder, Id",
    pushed: true,
    expected: (d) =>
      d.categories
        .filter((c) => c.projectId === 3)
        .sort((a, b) => a.displayOrder - b.displayOrder || a.id - b.id)
        .map((c) => ({ Id: c.id, Name: c.name })),
  },
  {
    name: 'ProjectVersionMilestones: not archived of one project',
    sql: "SELECT Name, StartDate, ReleaseDueDate FROM ProjectVersionMilestones WHERE ProjectKey = 'OPS' AND NOT Archived",
    pushed: true,
    expected: (d) =>
      d.versions
        .filter((v) => v.projectId === 3 && !v.archived)
        .map((v) => ({ Name: v.name, StartDate: dayIn(v.startDate, tz(d)), ReleaseDueDate: dayIn(v.releaseDueDate, tz(d)) })),
  },
  {
    name: 'ProjectCustomFields: numeric fields',
    sql: 'SELECT ProjectId, Name, Min, Max, Unit FROM ProjectCustomFields WHERE TypeId = 3',
  },
  {
    name: 'ProjectCustomFields: fields per type name',
    sql: 'SELECT TypeName, count(*) AS n FROM ProjectCustomFields GROUP BY TypeName',
  },
  {
    name: 'ProjectCustomFieldItems: items of one field',
    sql: 'SELECT Id, Name FROM ProjectCustomFieldItems WHERE ProjectId = 1 AND CustomFieldId = 6 ORDER BY DisplayOrder, Id',
    pushed: true,
    expected: (d) => (d.customFields.find((f) => f.id === 6)?.items ?? []).map((i) => ({ Id: i.id, Name: i.name })),
  },
  {
    name: 'ProjectUsers: members per project',
    sql: 'SELECT ProjectId, count(*) AS n FROM ProjectUsers GROUP BY ProjectId',
  },
  {
    name: 'ProjectUsers: one project by key',
    sql: "SELECT UserLoginId FROM ProjectUsers WHERE ProjectKey = 'APP'",
    pushed: true,
  },
  {
    name: 'ProjectAdministrators: administrators of WEB',
    sql: "SELECT UserId, UserLoginId FROM ProjectAdministrators WHERE ProjectKey = 'WEB'",
    pushed: true,
    expected: (d) =>
      (d.projects.find((p) => p.id === 1)?.administratorIds ?? []).map((id) => ({ UserId: id, UserLoginId: d.users.find((u) => u.id === id)?.userId })),
  },
  {
    name: 'ProjectTeams: teams by project',
    sql: 'SELECT ProjectKey, TeamId, Name FROM ProjectTeams',
    expected: (d) => d.projects.flatMap((p) => p.teamIds.map((t) => ({ ProjectKey: p.projectKey, TeamId: t, Name: d.teams.find((x) => x.id === t)?.name }))),
  },
  {
    name: 'ProjectTeamMembers: members through teams of one project',
    sql: 'SELECT TeamName, UserLoginId FROM ProjectTeamMembers WHERE ProjectId = 1',
    pushed: true,
  },
  {
    name: 'ProjectSharedFiles: the root directory of one project',
    sql: "SELECT Type, Name FROM ProjectSharedFiles WHERE ProjectKey = 'WEB' AND Dir = '/'",
    pushed: true,
    expected: (d) => d.sharedFiles.filter((f) => f.projectId === 1 && f.dir === '/').map((f) => ({ Type: f.type, Name: f.name })),
  },
  {
    name: 'ProjectSharedFiles: largest files across projects',
    sql: "SELECT ProjectId, Dir, Name, Size FROM ProjectSharedFiles WHERE Type = 'file' ORDER BY Size DESC, Id LIMIT 3",
  },
  {
    name: 'ProjectRecentUpdates: newest five of a project, one request',
    sql: 'SELECT Id, Type FROM ProjectRecentUpdates WHERE ProjectId = 1 ORDER BY Id DESC LIMIT 5',
    pushdownRequests: 1,
    pushed: true,
    expected: (d) =>
      d.activities
        .filter((a) => a.project.id === 1)
        .sort((a, b) => b.id - a.id)
        .slice(0, 5)
        .map((a) => ({ Id: a.id, Type: a.type })),
  },
  {
    name: 'ProjectRecentUpdates: issue activity types of one project',
    sql: "SELECT Type, count(*) AS n FROM ProjectRecentUpdates WHERE ProjectKey = 'OPS' AND Type IN (1, 2, 3) GROUP BY Type",
    pushed: true,
  },
  {
    name: 'Webhooks: of one project',
    sql: "SELECT Name, AllEvent FROM Webhooks WHERE ProjectKey = 'WEB'",
    pushed: true,
    expected: (d) => d.webhooks.filter((w) => w.projectId === 1).map((w) => ({ Name: w.name, AllEvent: w.allEvent })),
  },

  // ---- Space, users and teams ----
  {
    name: 'Space: name and zone',
    sql: 'SELECT SpaceKey, Name, Timezone FROM Space',
    pushdownRequests: 1,
    expected: (d) => [{ SpaceKey: d.space.spaceKey, Name: d.space.name, Timezone: d.space.timezone }],
  },
  { name: 'SpaceNotifications: the notice', sql: "SELECT Content FROM SpaceNotifications WHERE Content LIKE '%メンテナンス%'" },
  { name: 'SpaceDiskUsage: used bytes', sql: 'SELECT Capacity, Issue + Wiki + File + Git AS used FROM SpaceDiskUsage' },
  {
    name: 'SpaceDiskUsageDetails: joined to projects',
    sql: 'SELECT p.ProjectKey, d.File FROM SpaceDiskUsageDetails d JOIN Projects p ON p.Id = d.ProjectId ORDER BY d.File DESC, p.Id',
  },
  { name: 'Licenses: limits', sql: 'SELECT Active, UserLimit, StorageLimit, Git FROM Licenses' },
  {
    name: 'Priorities: by id',
    sql: 'SELECT Name FROM Priorities WHERE Id = 2',
    pushdownRequests: 1,
    expected: (d) => d.priorities.filter((p) => p.id === 2).map((p) => ({ Name: p.name })),
  },
  {
    name: 'Resolutions: all',
    sql: 'SELECT Id, Name FROM Resolutions',
    expected: (d) => d.resolutions.map((r) => ({ Id: r.id, Name: r.name })),
  },
  { name: 'RateLimit: categories and limits', sql: "SELECT Category, \"Limit\" FROM RateLimit WHERE Category IN ('read', 'search')" },
  {
    name: 'Users: by id is one request',
    sql: 'SELECT UserId, Name, RoleType FROM Users WHERE Id = 1',
    pushdownRequests: 1,
    expected: (d) => d.users.filter((u) => u.id === 1).map((u) => ({ UserId: u.userId, Name: u.name, RoleType: u.roleType })),
  },
  {
    name: 'Users: per role',
    sql: 'SELECT RoleType, count(*) AS n FROM Users GROUP BY RoleType',
    expected: (d) => [...countBy(d.users, (u) => u.roleType)].map(([RoleType, n]) => ({ RoleType, n })),
  },
  {
    name: 'Users: never signed in',
    sql: 'SELECT UserId FROM Users WHERE LastLoginTime IS NULL',
    expected: (d) => d.users.filter((u) => u.lastLoginTime === null).map((u) => ({ UserId: u.userId })),
  },
  {
    name: 'Users: language NULL',
    sql: 'SELECT UserId FROM Users WHERE Lang IS NULL',
    expected: (d) => d.users.filter((u) => u.lang === null).map((u) => ({ UserId: u.userId })),
  },
  {
    name: 'Teams: with member counts',
    sql: 'SELECT Name, MemberCount FROM Teams',
    expected: (d) => d.teams.map((t) => ({ Name: t.name, MemberCount: t.members.length })),
  },
  { name: 'TeamMembers: one team', sql: 'SELECT UserLoginId FROM TeamMembers WHERE TeamId = 1', pushdownRequests: 1 },
  {
    name: 'SpaceUpdates: one project and type',
    sql: 'SELECT Id FROM SpaceUpdates WHERE ProjectId = 3 AND Type = 1',
    pushed: true,
    expected: (d) => d.activities.filter((a) => a.project.id === 3 && a.type === 1).map((a) => ({ Id: a.id })),
  },
  {
    name: 'SpaceUpdates: activity per type',
    sql: 'SELECT Type, count(*) AS n FROM SpaceUpdates GROUP BY Type',
    expected: (d) => [...countBy(d.activities, (a) => a.type)].map(([Type, n]) => ({ Type, n })),
  },

  // ---- The signed-in user's views ----
  {
    name: 'Notifications: my notifications by reason',
    sql: 'SELECT Reason, count(*) AS n FROM Notifications GROUP BY Reason',
    expected: (d) =>
      [
        ...countBy(
          d.notifications.filter((n) => n.userId === 1),
          (n) => n.reason,
        ),
      ].map(([Reason, n]) => ({ Reason, n })),
  },
  {
    name: 'Notifications: by sender',
    sql: 'SELECT Id FROM Notifications WHERE SenderId = 9',
  },
  {
    name: 'Notifications: Id range',
    sql: 'SELECT Id FROM Notifications WHERE Id >= 12 AND Id < 40',
    expected: (d) => d.notifications.filter((n) => n.userId === 1 && n.id >= 12 && n.id < 40).map((n) => ({ Id: n.id })),
  },
  {
    name: 'Watchings: mine',
    sql: 'SELECT IssueKey, Note FROM Watchings',
    expected: (d) => d.watchings.filter((w) => w.userId === 1).map((w) => ({ IssueKey: w.issue.issueKey, Note: (w as { note?: string }).note })),
  },
  {
    name: 'Watchings: unread ones (ResourceAlreadyRead = false)',
    sql: 'SELECT IssueKey FROM Watchings WHERE ResourceAlreadyRead = false',
  },
  {
    name: 'Watchings: the signed-in user named explicitly',
    sql: 'SELECT IssueId FROM Watchings WHERE UserId = 1',
    expected: (d) => d.watchings.filter((w) => w.userId === 1).map((w) => ({ IssueId: w.issue.id })),
  },
  {
    name: 'UserReceivedStars: mine per presenter',
    sql: 'SELECT PresenterName, count(*) AS n FROM UserReceivedStars GROUP BY PresenterName',
    expected: (d) =>
      [
        ...countBy(
          d.stars.filter((s) => s.receiverId === 1),
          (s) => s.presenter.name,
        ),
      ].map(([PresenterName, n]) => ({ PresenterName, n })),
  },
  {
    name: 'UserReceivedStars: Id range',
    sql: 'SELECT Id FROM UserReceivedStars WHERE Id > 10',
    expected: (d) => d.stars.filter((s) => s.receiverId === 1 && s.id > 10).map((s) => ({ Id: s.id })),
  },
  {
    name: 'UserRecentUpdates: mine, newest first',
    sql: 'SELECT Id, Type FROM UserRecentUpdates ORDER BY Id DESC LIMIT 10',
    expected: (d) =>
      d.activities
        .filter((a) => a.createdUser.id === 1)
        .sort((a, b) => b.id - a.id)
        .slice(0, 10)
        .map((a) => ({ Id: a.id, Type: a.type })),
  },
  {
    name: 'UserRecentlyViewedIssues: mine',
    sql: 'SELECT IssueKey FROM UserRecentlyViewedIssues',
    expected: (d) => d.recentlyViewed.filter((r) => r.userId === 1 && r.kind === 'issue').map((r) => ({ IssueKey: issueById(d, r.targetId)?.issueKey })),
  },
  {
    name: 'UserRecentlyViewedProjects: mine',
    sql: 'SELECT ProjectKey FROM UserRecentlyViewedProjects',
    expected: (d) => d.recentlyViewed.filter((r) => r.userId === 1 && r.kind === 'project').map((r) => ({ ProjectKey: projectKey(d, r.targetId) })),
  },
  {
    name: 'UserRecentlyViewedWikiPages: mine',
    sql: 'SELECT WikiId, Name FROM UserRecentlyViewedWikiPages',
    expected: (d) =>
      d.recentlyViewed
        .filter((r) => r.userId === 1 && r.kind === 'wiki')
        .map((r) => ({ WikiId: r.targetId, Name: d.wikis.find((w) => w.id === r.targetId)?.name })),
  },

  // ---- Wiki ----
  {
    name: 'WikiPages: one project',
    sql: "SELECT Name, Tags FROM WikiPages WHERE ProjectKey = 'WEB'",
    pushdownRequests: 2,
    pushed: true,
    expected: (d) => d.wikis.filter((w) => w.projectId === 1).map((w) => ({ Name: w.name, Tags: w.tags.length ? w.tags.map((t) => t.name).join(', ') : null })),
  },
  {
    name: 'WikiPages: Content of one page costs one more request',
    sql: "SELECT Content FROM WikiPages WHERE ProjectKey = 'WEB' AND Name = 'Home'",
    pushdownRequests: 3,
    pushed: true,
    expected: (d) => d.wikis.filter((w) => w.projectId === 1 && w.name === 'Home').map((w) => ({ Content: w.content })),
  },
  {
    name: 'WikiPages: untagged pages',
    sql: 'SELECT Id FROM WikiPages WHERE Tags IS NULL',
    expected: (d) => d.wikis.filter((w) => w.tags.length === 0).map((w) => ({ Id: w.id })),
  },
  {
    name: 'WikiPageTags: of one project',
    sql: "SELECT Id, Name FROM WikiPageTags WHERE ProjectKey = 'OPS'",
    pushed: true,
    expected: (d) => d.wikiTags.filter((t) => t.projectId === 3).map((t) => ({ Id: t.id, Name: t.name })),
  },
  {
    name: 'WikiPageHistory: one page is one request',
    sql: 'SELECT Version, CreatedUserName FROM WikiPageHistory WHERE WikiId = 3',
    pushdownRequests: 1,
    pushed: true,
    expected: (d) => d.wikiHistory.filter((h) => h.pageId === 3).map((h) => ({ Version: h.version, CreatedUserName: h.createdUser.name })),
  },
  {
    name: 'WikiPageHistory: later versions of one page',
    sql: 'SELECT Version FROM WikiPageHistory WHERE WikiId = 3 AND Version >= 2',
    pushdownRequests: 1,
    pushed: true,
    expected: (d) => d.wikiHistory.filter((h) => h.pageId === 3 && h.version >= 2).map((h) => ({ Version: h.version })),
  },
  {
    name: 'WikiPageHistory: versions per page',
    sql: 'SELECT WikiId, max(Version) AS versions FROM WikiPageHistory GROUP BY WikiId',
    expected: (d) => {
      const m = new Map<number, number>();
      for (const h of d.wikiHistory) m.set(h.pageId, Math.max(m.get(h.pageId) ?? 0, h.version));
      return [...m].map(([WikiId, versions]) => ({ WikiId, versions }));
    },
  },
  {
    name: 'WikiPageStars: one page',
    sql: 'SELECT Id, PresenterId FROM WikiPageStars WHERE WikiId = 1',
    pushdownRequests: 1,
    pushed: true,
    expected: (d) => (d.wikis.find((w) => w.id === 1)?.stars ?? []).map((s) => ({ Id: s.id, PresenterId: s.presenter.id })),
  },
  {
    name: 'WikiPageAttachments: all',
    sql: 'SELECT WikiId, Name FROM WikiPageAttachments',
    expected: (d) => d.wikis.flatMap((w) => w.attachments.map((a) => ({ WikiId: w.id, Name: a.name }))),
  },
  {
    name: 'WikiPageLinkedSharedFiles: all',
    sql: 'SELECT WikiId, Id, Name FROM WikiPageLinkedSharedFiles',
    expected: (d) => d.wikis.flatMap((w) => w.sharedFiles.map((f) => ({ WikiId: w.id, Id: f.id, Name: f.name }))),
  },
  {
    name: 'WikiPageLinkedSharedFiles: one page',
    sql: 'SELECT Name FROM WikiPageLinkedSharedFiles WHERE WikiId = 3',
    pushdownRequests: 1,
    pushed: true,
  },

  // ---- Documents ----
  {
    name: 'Documents: of one project',
    sql: 'SELECT Id, Title FROM Documents WHERE ProjectId = 1',
    expected: (d) => d.documents.filter((x) => x.projectId === 1 && !x.trashed).map((x) => ({ Id: x.id, Title: x.title })),
  },
  {
    name: 'Documents: ILIKE on the plain text',
    sql: "SELECT Title FROM Documents WHERE Plain ILIKE '%screenshot%'",
  },
  {
    name: 'DocumentTree: one project, in the trash or not',
    sql: 'SELECT InTrash, count(*) AS n FROM DocumentTree WHERE ProjectId = 2 GROUP BY InTrash',
    pushed: true,
    expected: (d) =>
      [
        ...countBy(
          d.documents.filter((x) => x.projectId === 2),
          (x) => x.trashed,
        ),
      ].map(([InTrash, n]) => ({ InTrash, n })),
  },
  {
    name: 'DocumentTree ⋈ Documents: child counts agree',
    sql: 'SELECT d.Id, d.ChildCount, count(t.Id) AS children FROM Documents d LEFT JOIN DocumentTree t ON t.ParentId = d.Id AND NOT t.InTrash GROUP BY d.Id, d.ChildCount HAVING d.ChildCount <> count(t.Id)',
    expectNonEmpty: false,
  },

  // ---- Git ----
  {
    name: 'Repositories: one project',
    sql: 'SELECT Id, Name FROM Repositories WHERE ProjectId = 1',
    pushed: true,
    expected: (d) => d.repositories.filter((r) => r.projectId === 1).map((r) => ({ Id: r.id, Name: r.name })),
  },
  {
    name: 'Repositories: never pushed',
    sql: 'SELECT Name FROM Repositories WHERE PushedAt IS NULL',
    expected: (d) => d.repositories.filter((r) => r.pushedAt === null).map((r) => ({ Name: r.name })),
  },
  {
    name: 'PullRequests: by status across the space',
    sql: 'SELECT StatusName, count(*) AS n FROM PullRequests GROUP BY StatusName',
    expected: (d) => [...countBy(d.pullRequests, (p) => p.status.name)].map(([StatusName, n]) => ({ StatusName, n })),
  },
  {
    name: 'PullRequests: one by number',
    sql: 'SELECT Summary, Branch FROM PullRequests WHERE ProjectId = 1 AND RepositoryId = 2 AND Number = 1',
    pushed: true,
    expected: (d) => d.pullRequests.filter((p) => p.repositoryId === 2 && p.number === 1).map((p) => ({ Summary: p.summary, Branch: p.branch })),
  },
  {
    name: 'PullRequests: unassigned and merged',
    sql: 'SELECT Id FROM PullRequests WHERE AssigneeId IS NULL AND MergeAt IS NOT NULL',
  },
  {
    name: 'PullRequestComments: one pull request',
    sql: 'SELECT Id, Content FROM PullRequestComments WHERE ProjectId = 1 AND RepositoryId = 1 AND PullRequestNumber = 1',
    pushdownRequests: 1,
    pushed: true,
    expected: (d) => d.pullRequestComments.filter((c) => c.pullRequestId === 1).map((c) => ({ Id: c.id, Content: c.content })),
  },
  {
    name: 'PullRequestComments: per author',
    sql: 'SELECT CreatedUserName, count(*) AS n FROM PullRequestComments GROUP BY CreatedUserName',
    expected: (d) => [...countBy(d.pullRequestComments, (c) => c.createdUser.name)].map(([CreatedUserName, n]) => ({ CreatedUserName, n })),
  },
  {
    name: 'PullRequests ⋈ PullRequestComments: comment counts of a repository',
    sql: 'SELECT p.Number, count(c.Id) AS n FROM PullRequests p LEFT JOIN PullRequestComments c ON c.ProjectId = p.ProjectId AND c.RepositoryId = p.RepositoryId AND c.PullRequestNumber = p.Number WHERE p.ProjectId = 1 AND p.RepositoryId = 3 GROUP BY p.Number',
    pushed: true,
    expected: (d) =>
      d.pullRequests
        .filter((p) => p.repositoryId === 3)
        .map((p) => ({ Number: p.number, n: d.pullRequestComments.filter((c) => c.pullRequestId === p.id).length })),
  },
  {
    name: 'PullRequestAttachments: one pull request',
    sql: 'SELECT Name, Size FROM PullRequestAttachments WHERE ProjectId = 1 AND RepositoryId = 1 AND PullRequestNumber = 1',
    pushed: true,
  },
  {
    name: 'PullRequestCommentChangeLog: status changes',
    sql: "SELECT RepositoryId, PullRequestNumber, NewValue FROM PullRequestCommentChangeLog WHERE ProjectId = 1 AND Field = 'status'",
    pushed: true,
  },
  {
    name: 'PullRequestCommentNotifications: one repository',
    sql: 'SELECT CommentId, UserId, AlreadyRead FROM PullRequestCommentNotifications WHERE ProjectId = 1 AND RepositoryId = 1',
    pushed: true,
  },
  {
    name: 'PullRequestCommentStars: per presenter',
    sql: 'SELECT PresenterName, count(*) AS n FROM PullRequestCommentStars GROUP BY PresenterName',
  },
  {
    name: 'PullRequestCommentStars: one repository',
    sql: 'SELECT Id, CommentId FROM PullRequestCommentStars WHERE ProjectId = 1 AND RepositoryId = 1',
    pushed: true,
  },

  // ---- System tables (no request at all) ----
  {
    name: `sys_tables: the registry's ${TABLES.length} tables and views, no request`,
    sql: "SELECT count(*) AS n FROM sys_tables WHERE TableName NOT LIKE 'sys_%'",
    pushdownRequests: 0,
    expected: () => [{ n: TABLES.length }],
  },
  {
    name: 'sys_tablecolumns: Issues columns joined to a fetch-free query',
    sql: "SELECT ColumnName FROM sys_tablecolumns WHERE TableName = 'Issues' AND ColumnName LIKE '%Date'",
    pushdownRequests: 0,
  },
];
