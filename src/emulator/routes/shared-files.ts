/**
 * Shared files of a project (docs/backlog-api.md §9.6): a directory listing and a download.
 *
 * - Roles: administrators and normal users only (both doc pages: "Role: Administrator, Normal
 *   User"); others get 403 / code 5. The project must have file sharing on, else 403 / code 5
 *   `msg.featureRestrictedError.title.file`.
 * - `:path` is the directory; it is URL-decoded and normalised (`仕様書`, `/仕様書`, `/仕様書/`
 *   and `//仕様書/` all name `/仕様書/`); no path at all lists `/`. The listing holds the direct
 *   children of that directory (files and sub-directories).
 * - Paging: `offset`, `count` 1–1000 (default 1000, the JA docs; the EN page's 1–100/20 is older),
 *   `order` asc|desc (default desc). The docs do not say what `order` sorts by; like every other
 *   `order` in the API it sorts by id (creation order), which is stable under paging.
 * - A directory that does not exist is 404 "No such directory." rather than an empty list (the
 *   docs are silent; the answer a caller cannot mistake for "empty directory").
 */
import { projectFor, requireFeature } from '../access.js';
import { forbidden, noResource } from '../errors.js';
import { int, str } from '../params.js';
import { binary, type Ctx, type Route } from '../route.js';
import { sharedFileJson } from '../serialize/core.js';
import { sharedFileBytes } from '../content.js';
import type { ProjectRec, SharedFileRec, Store } from '../store.js';

const P = '/api/v2/projects/:projectIdOrKey';

function fileProject(ctx: Ctx): ProjectRec {
  const project = projectFor(ctx, ctx.path.projectIdOrKey as string);
  if (ctx.user.roleType !== 1 && ctx.user.roleType !== 2) throw forbidden();
  requireFeature(project, 'file');
  return project;
}

/** `/a/b/` for any spelling of the directory path; `/` for none. */
export function normalizeDir(path: string): string {
  const parts = path.split('/').filter((s) => s !== '');
  return parts.length === 0 ? '/' : `/${parts.join('/')}/`;
}

function childrenOf(store: Store, projectId: number, dir: string): readonly SharedFileRec[] {
  return store.sharedFiles.where('projectDir', (f) => `${f.projectId}:${f.dir}`, `${projectId}:${dir}`);
}

function directoryExists(store: Store, projectId: number, dir: string): boolean {
  if (dir === '/') return true;
  const parts = dir.split('/').filter((s) => s !== '');
  const name = parts.pop() as string;
  const parent = parts.length === 0 ? '/' : `/${parts.join('/')}/`;
  return childrenOf(store, projectId, parent).some((f) => f.type === 'directory' && f.name === name);
}

function listing(ctx: Ctx) {
  const project = fileProject(ctx);
  const dir = normalizeDir(ctx.path.path ?? '');
  if (!directoryExists(ctx.store, project.id, dir)) throw noResource('No such directory.');
  const rows = [...childrenOf(ctx.store, project.id, dir)].sort((a, b) => a.id - b.id);
  if ((str(ctx.params, 'order') ?? 'desc') === 'desc') rows.reverse();
  const offset = int(ctx.params, 'offset') ?? 0;
  const count = int(ctx.params, 'count') ?? 1000;
  return rows.slice(offset, offset + count).map((f) => sharedFileJson(ctx.store, f));
}

const LISTING_PARAMS = {
  offset: { type: 'int', min: 0 },
  count: { type: 'int', min: 1, max: 1000 },
  order: { type: 'string', oneOf: ['asc', 'desc'] },
} as const;

export const SHARED_FILES_ROUTES: Route[] = [
  // Both listing routes come before `/files/:sharedFileId`, which would take "metadata" as an id.
  { method: 'GET', pattern: `${P}/files/metadata`, params: LISTING_PARAMS, handler: listing },
  { method: 'GET', pattern: `${P}/files/metadata/:path*`, params: LISTING_PARAMS, handler: listing },
  {
    method: 'GET',
    pattern: `${P}/files/:sharedFileId`,
    handler: (ctx) => {
      const project = fileProject(ctx);
      const raw = ctx.path.sharedFileId ?? '';
      const file = /^\d+$/.test(raw) ? ctx.store.sharedFiles.get(Number(raw)) : undefined;
      if (!file || file.projectId !== project.id || file.type !== 'file') throw noResource('No such shared file.');
      return binary(sharedFileBytes(file), file.name, 'application/octet-stream');
    },
  },
];
