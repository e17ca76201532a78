/**
 * Reading per-project tables (project users, statuses, custom fields, webhooks…): which projects
 * to ask, with as few requests as the quals allow, and the ProjectId / ProjectKey columns every
 * such table carries.
 */
import { col, projectsFor, push, qualIds, qualValues, skipForbidden, type ProjectFeature } from './helpers.js';
import type { ColumnDef, FetchContext, Qual } from './types.js';

/** A project a per-project table reads: the path segment to use, and what is known of it. */
export interface ProjectTarget {
  /** `/projects/:path/...`: the numeric id, or the key when only the key is known. */
  path: string;
  id: number | null;
  projectKey: string | null;
}

const PROJECT_KEY_RE = /^[A-Z][A-Z0-9_]*$/;

/**
 * Like projectsFor, but without the project list when the quals already name the projects and
 * nothing else is needed from it: ProjectId quals when the statement does not use ProjectKey, or
 * ProjectKey quals when the rows carry their own projectId (`rowsCarryProjectId`); either, when
 * the rows carry their whole project (`rowsCarryProject`, activities). So
 * `WHERE ProjectId = 5` costs exactly the one per-project request. A feature check always needs
 * the list (the flags live there).
 */
export async function projectTargets(
  ctx: FetchContext,
  quals: readonly Qual[],
  options: { feature?: ProjectFeature; rowsCarryProjectId?: boolean; rowsCarryProject?: boolean } = {},
): Promise<ProjectTarget[]> {
  const ids = qualIds(quals, 'ProjectId');
  const keys = qualValues(quals, 'ProjectKey')?.map(String);
  const carriesId = options.rowsCarryProjectId || options.rowsCarryProject;
  if (options.feature === undefined) {
    if (ids !== undefined && keys === undefined && (options.rowsCarryProject || !ctx.columns.has('ProjectKey'))) {
      return ids.map((id) => ({ path: String(id), id, projectKey: null }));
    }
    // Only well-formed keys: Backlog might resolve `web` to WEB, and the rows would then claim a
    // ProjectKey the project does not have.
    if (keys !== undefined && ids === undefined && carriesId && keys.every((k) => PROJECT_KEY_RE.test(k))) {
      return keys.map((k) => ({ path: k, id: null, projectKey: k }));
    }
  }
  const projects = await projectsFor(ctx, quals, options.feature ? { feature: options.feature } : {});
  return projects.map((p) => ({ path: String(p.id), id: p.id, projectKey: p.projectKey }));
}

/** A row read under a project, with the project it came from. */
export type InProject<T> = T & { scope: ProjectTarget };

/** `what of project WEB` for warnings. */
export function projectLabel(scope: ProjectTarget): string {
  return `project ${scope.projectKey ?? scope.path}`;
}

/**
 * One unpaged GET per project (`path` gets the encoded project segment), 403/404 skipped with a
 * warning; yields each project's items tagged with the project.
 */
export async function* perProject<T>(ctx: FetchContext, targets: readonly ProjectTarget[], what: string, path: (project: string) => string): AsyncIterable<InProject<T>[]> {
  for (const scope of targets) {
    const items = await skipForbidden(ctx, `${what} of ${projectLabel(scope)}`, () => ctx.api.get<T[]>(path(encodeURIComponent(scope.path)), {}, { signal: ctx.signal }), []);
    yield items.map((item) => ({ ...item, scope }));
  }
}

/**
 * ProjectId and ProjectKey of a per-project table, both pushed into the request path.
 * `endpoint` is the part after `/projects/:p` (for the docs); `rowProjectId` reads the row's own
 * projectId where the API sends one.
 */
export function projectColumns<R extends { scope: ProjectTarget }>(endpoint: string, rowProjectId?: (row: R) => number | null | undefined, extra: { key?: boolean; writable?: boolean } = {}): ColumnDef<R>[] {
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
