/**
 * Projects and their per-project lists (docs/backlog-api.md §7.3–§7.7, §7.19), and the one way a
 * table walks projects: `projectTargets` picks the projects a statement reads from its ProjectId /
 * ProjectKey quals — without the project list when the quals already name them — and
 * `perProject` makes one request per project, a 403/404 becoming a warning.
 */
import { col, push, qualIds, qualValues, atLeast, exactly } from '../helpers.js';
import type { ColumnDef, FetchContext, Qual, RequestCount, SpaceFacts } from '../types.js';
import { skipForbidden } from './fetch.js';
import type { UserJson } from './json.js';

/** A project (§7.3). */
export interface ProjectJson {
  id: number;
  projectKey: string;
  name: string;
  chartEnabled: boolean;
  useResolvedForChart: boolean;
  subtaskingEnabled: boolean;
  grandchildIssueEnabled?: boolean;
  projectLeaderCanEditProjectLeader: boolean;
  useWiki: boolean;
  useDocument?: boolean;
  useFileSharing: boolean;
  useWikiTreeView: boolean;
  useSubversion: boolean;
  useGit: boolean;
  useOriginalImageSizeAtWiki: boolean;
  textFormattingRule: string;
  archived: boolean;
  displayOrder: number;
  useDevAttributes: boolean;
}

/** A status (§7.4). */
export interface StatusJson {
  id: number;
  projectId: number;
  name: string;
  color: string;
  displayOrder: number;
}

/** An issue type (§7.5). */
export interface IssueTypeJson {
  id: number;
  projectId: number;
  name: string;
  color: string;
  displayOrder: number;
  templateSummary: string | null;
  templateDescription: string | null;
}

/** A category (§7.6); an issue's `category` list holds the same objects. */
export interface CategoryJson {
  id: number;
  projectId?: number;
  name: string;
  displayOrder?: number | null;
}

/** A version or milestone (§7.7); an issue's `versions` and `milestone` lists hold the same objects. */
export interface VersionJson {
  id: number;
  projectId?: number;
  name: string;
  description?: string | null;
  startDate: string | null;
  releaseDueDate: string | null;
  archived?: boolean;
  displayOrder?: number | null;
}

/** A webhook (§7.19). */
export interface WebhookJson {
  id: number;
  name: string;
  description: string | null;
  hookUrl: string;
  allEvent: boolean;
  activityTypeIds: number[];
  createdUser: UserJson | null;
  created: string;
  updatedUser: UserJson | null;
  updated: string;
}

// ---- the project walk -----------------------------------------------------------------------

/** A project a table reads: the path segment to use, and what is known of it. */
export interface ProjectTarget {
  /** `/projects/:path/...`: the numeric id, or the key when only the key is known. */
  path: string;
  id: number | null;
  projectKey: string | null;
}

/** A project read for a feature: its id is always known. */
export type FeatureTarget = ProjectTarget & { id: number };

/** A row read under a project, with the project it came from. */
export type InProject<T> = T & { scope: ProjectTarget };

/** Project features a table may need; projects that have it off are skipped with a warning. */
export type ProjectFeature = 'wiki' | 'git' | 'document' | 'file';

const FEATURE_NAME: Record<ProjectFeature, string> = { wiki: 'Wiki', git: 'Git', document: 'Documents', file: 'File sharing' };
const FEATURE_FLAG: Record<ProjectFeature, 'useWiki' | 'useGit' | 'useDocument' | 'useFileSharing'> = {
  wiki: 'useWiki',
  git: 'useGit',
  document: 'useDocument',
  file: 'useFileSharing',
};

const PROJECT_KEY_RE = /^[A-Z][A-Z0-9_]*$/;

export interface ProjectWalk {
  /** Read only projects with this feature on; the others are skipped with a warning. */
  feature?: ProjectFeature;
  /** The rows carry their own projectId, so a ProjectKey qual can name the path by itself. */
  rowsCarryProjectId?: boolean;
  /** The rows carry their whole project (activities): ProjectId quals never need the list. */
  rowsCarryProject?: boolean;
}

/**
 * The projects a statement reads: those named by ProjectId / ProjectKey quals, else every project
 * the user can see. The project list (one cached request per statement) is skipped when the quals
 * already name the projects and nothing else is needed from it: ProjectId quals when the
 * statement does not use ProjectKey (or the rows carry their project), ProjectKey quals when the
 * rows carry their projectId. So `WHERE ProjectId = 5` costs exactly the one per-project request;
 * a named project that does not exist, is not visible or has the feature off answers it with
 * 403/404, which callers turn into a warning (skipForbidden). Otherwise a feature check reads the
 * list, where the flags live (ARCHITECTURE.md §5).
 */
export async function projectTargets(ctx: FetchContext, quals: readonly Qual[], walk: ProjectWalk & { feature: ProjectFeature }): Promise<FeatureTarget[]>;
export async function projectTargets(ctx: FetchContext, quals: readonly Qual[], walk?: ProjectWalk): Promise<ProjectTarget[]>;
export async function projectTargets(ctx: FetchContext, quals: readonly Qual[], walk: ProjectWalk = {}): Promise<ProjectTarget[]> {
  const ids = qualIds(quals, 'ProjectId');
  const keys = qualValues(quals, 'ProjectKey')?.map(String);
  const { feature } = walk;
  if (ids !== undefined && keys === undefined && (!ctx.columns.has('ProjectKey') || (feature === undefined && walk.rowsCarryProject))) {
    return ids.map((id) => ({ path: String(id), id, projectKey: null }));
  }
  // Only well-formed keys: Backlog might resolve `web` to WEB, and the rows would then claim a
  // ProjectKey the project does not have.
  const carriesId = walk.rowsCarryProjectId || walk.rowsCarryProject;
  if (feature === undefined && keys !== undefined && ids === undefined && carriesId && keys.every((k) => PROJECT_KEY_RE.test(k))) {
    return keys.map((k) => ({ path: k, id: null, projectKey: k }));
  }
  let chosen = (await ctx.projects()).filter((p) => (ids === undefined || ids.includes(p.id)) && (keys === undefined || keys.includes(p.projectKey)));
  if (feature) {
    for (const p of chosen) if (!p[FEATURE_FLAG[feature]]) ctx.warn(`project ${p.projectKey} skipped: ${FEATURE_NAME[feature]} is turned off there`);
    chosen = chosen.filter((p) => p[FEATURE_FLAG[feature]]);
  }
  return chosen.map((p) => ({ path: String(p.id), id: p.id, projectKey: p.projectKey }));
}

/**
 * The requests `projectTargets` and one request per project make, without a request: the named
 * projects when the list is skipped; else the project list and one per project the metadata
 * knows (matching the quals). A feature (Wiki, Git…) is on or off per project, which the
 * metadata does not hold: then only the list is certain.
 */
export function perProjectRequests(quals: readonly Qual[], space: SpaceFacts, columns: ReadonlySet<string>, walk: ProjectWalk = {}): RequestCount {
  const ids = qualIds(quals, 'ProjectId');
  const keys = qualValues(quals, 'ProjectKey')?.map(String);
  const { feature } = walk;
  if (ids !== undefined && keys === undefined && (!columns.has('ProjectKey') || (feature === undefined && walk.rowsCarryProject))) return exactly(ids.length);
  const carriesId = walk.rowsCarryProjectId || walk.rowsCarryProject;
  if (feature === undefined && keys !== undefined && ids === undefined && carriesId && keys.every((k) => PROJECT_KEY_RE.test(k))) return exactly(keys.length);
  if (feature !== undefined || space.projects === undefined) return atLeast(1, true);
  const chosen = space.projects.filter((p) => (ids === undefined || ids.includes(p.id)) && (keys === undefined || keys.includes(p.projectKey)));
  return exactly(1 + chosen.length, true);
}

/** `project WEB` (or `project 5` when only the id is known), for warnings. */
export function projectLabel(scope: ProjectTarget): string {
  return `project ${scope.projectKey ?? scope.path}`;
}

/**
 * One unpaged GET per project (`path` gets the encoded project segment), 403/404 skipped with a
 * warning; yields each project's items tagged with the project.
 */
export async function* perProject<T>(
  ctx: FetchContext,
  targets: readonly ProjectTarget[],
  what: string,
  path: (project: string) => string,
): AsyncIterable<InProject<T>[]> {
  for (const scope of targets) {
    const items = await skipForbidden(
      ctx,
      `${what} of ${projectLabel(scope)}`,
      () => ctx.api.get<T[]>(path(encodeURIComponent(scope.path)), {}, { signal: ctx.signal }),
      [],
    );
    yield items.map((item) => ({ ...item, scope }));
  }
}

/**
 * ProjectId and ProjectKey of a per-project table, both pushed into the request path.
 * `endpoint` is the part after `/projects/:p` (for the docs); `rowProjectId` reads the row's own
 * projectId where the API sends one.
 */
export function projectColumns<R extends { scope: ProjectTarget }>(
  endpoint: string,
  rowProjectId?: (row: R) => number | null | undefined,
  extra: { key?: boolean; writable?: boolean } = {},
): ColumnDef<R>[] {
  // A new row names its project by either column (INSERT only: rows never move between projects).
  const write = extra.writable ? { write: { on: 'insert' as const } } : {};
  return [
    col<R>('ProjectId', 'BIGINT', 'Id of the project.', (r) => rowProjectId?.(r) ?? r.scope.id, {
      references: 'Projects.Id',
      pushdown: push.exact(`path: /projects/:projectId${endpoint}`),
      ...(extra.key ? { key: true } : {}),
      ...write,
    }),
    col<R>('ProjectKey', 'VARCHAR', 'Key of the project (WEB).', (r) => r.scope.projectKey, {
      pushdown: push.exact(`path: /projects/:projectKey${endpoint}`),
      ...write,
    }),
  ];
}

/** EXPLAIN phrase for a per-project table read with one request per project. */
export function perProjectCost(quals: readonly Qual[], per = '1 request per project'): string {
  const ids = qualIds(quals, 'ProjectId');
  const keys = qualValues(quals, 'ProjectKey');
  const named = ids?.length ?? keys?.length;
  return named !== undefined ? `${per} named (${named})` : `${per}, for every visible project (+1 for the project list)`;
}
