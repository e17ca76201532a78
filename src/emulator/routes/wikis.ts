/**
 * Wiki pages (docs/backlog-api.md §11.1, shapes §7.16).
 *
 * Decisions where the reference is silent or unverified:
 * - `GET /wikis`, `/wikis/count`, `/wikis/tags`: `projectIdOrKey` is required (the docs say it is
 *   needed to scope the list; the stricter reading refuses a call without it, naming it).
 * - `GET /wikis` also accepts backlog4j's undocumented `sort` (`name`|`created`|`updated`) and
 *   `order`. Without `sort` pages come by name; the default order is ascending for `name` and
 *   descending for `created`/`updated` (newest first); ties break by id.
 * - `keyword` matches page name or content, case-insensitively.
 * - Writes (pages, attachments, shared-file links) need an Administrator or Normal user (the
 *   add/update/delete doc pages list only those roles).
 * - History entries have no id of their own, so `minId`/`maxId` of `GET /wikis/:id/history`
 *   bound the `version` number (inclusive), the only identifier the payload carries.
 * - Linking shared files needs file sharing on in the project; a file already linked is not
 *   linked twice.
 */
import { canSeeProject, projectFor, requireFeature } from '../access.js';
import { ActivityType, recordActivity } from '../activity.js';
import { badRequest, forbidden, noResource } from '../errors.js';
import { PAGING_KEYSET, int, ints, str, type Params } from '../params.js';
import { binary, created, type Ctx, type Route } from '../route.js';
import { attachmentJson, sharedFileJson, starsOf, webBase } from '../serialize/core.js';
import { attachmentBytes, contentTypeOf } from '../content.js';
import { wikiHistoryJson, wikiJson, wikiListItemJson, wikiTagJson } from '../serialize/wiki.js';
import type { AttachmentOwner, AttachmentRec, ProjectRec, WikiRec } from '../store.js';
import { claimUpload } from './space.js';

/**
 * Keyset paging (§4): rows in ascending `key` order, `minId`/`maxId` inclusive bounds on the key,
 * `order` default desc, `count` 1-100 default 20.
 */
export function keysetPage<T>(rows: readonly T[], key: (row: T) => number, p: Params): T[] {
  const minId = int(p, 'minId');
  const maxId = int(p, 'maxId');
  const count = int(p, 'count') ?? 20;
  const desc = (str(p, 'order') ?? 'desc') === 'desc';
  const kept = rows.filter((r) => (minId === undefined || key(r) >= minId) && (maxId === undefined || key(r) <= maxId));
  kept.sort((a, b) => (desc ? key(b) - key(a) : key(a) - key(b)));
  return kept.slice(0, count);
}

/**
 * Take over files uploaded with `POST /space/attachment` (checked by the space routes'
 * `claimUpload`: the caller's own, unattached, under an hour old; else 400 naming `param`).
 */
export function claimUploads(ctx: Ctx, ids: readonly number[], owner: AttachmentOwner, ownerId: number | string, param = 'attachmentId[]'): AttachmentRec[] {
  const found = [...new Set(ids)].map((id) => claimUpload(ctx, id, param));
  for (const a of found) {
    a.owner = owner;
    a.ownerId = ownerId;
  }
  return found;
}

/** Wiki writes: Administrator and Normal user only. */
function requireWikiWriter(ctx: Ctx): void {
  if (ctx.user.roleType !== 1 && ctx.user.roleType !== 2) throw forbidden();
}

function wikiProject(ctx: Ctx, idOrKey: string | number): ProjectRec {
  const project = projectFor(ctx, idOrKey);
  requireFeature(project, 'wiki');
  return project;
}

/** The page named in the path, if the caller may see its project; else 404 "No wiki." */
function wikiFor(ctx: Ctx): { wiki: WikiRec; project: ProjectRec } {
  const raw = ctx.path.wikiId ?? '';
  const wiki = /^\d+$/.test(raw) ? ctx.store.wikis.get(Number(raw)) : undefined;
  const project = wiki && ctx.store.projects.get(wiki.projectId);
  if (!wiki || !project || !canSeeProject(ctx.store, project, ctx.user)) throw noResource('No wiki.');
  requireFeature(project, 'wiki');
  return { wiki, project };
}

function wikisOf(ctx: Ctx, projectId: number): readonly WikiRec[] {
  return ctx.store.wikis.where('projectId', (w) => w.projectId, projectId);
}

function matchesKeyword(w: WikiRec, keyword: string | undefined): boolean {
  if (!keyword) return true;
  const k = keyword.toLowerCase();
  return w.name.toLowerCase().includes(k) || w.content.toLowerCase().includes(k);
}

function historyOf(ctx: Ctx, pageId: number) {
  return ctx.store.wikiHistory.where('pageId', (h) => h.pageId, pageId);
}

function addHistory(ctx: Ctx, wiki: WikiRec): number {
  const version = historyOf(ctx, wiki.id).reduce((m, h) => Math.max(m, h.version), 0) + 1;
  ctx.store.wikiHistory.insert({
    id: ctx.store.nextId('wikiHistory'),
    pageId: wiki.id,
    version,
    name: wiki.name,
    content: wiki.content,
    createdUserId: ctx.user.id,
    created: wiki.updated,
  });
  return version;
}

function checkUniqueName(ctx: Ctx, projectId: number, name: string, except?: number): void {
  if (wikisOf(ctx, projectId).some((w) => w.name === name && w.id !== except)) {
    throw badRequest(`Invalid parameter 'name': a wiki page named '${name}' already exists in this project.`);
  }
}

/** A line diff as the wiki activity's `diff` field carries it. */
function lineDiff(before: string, after: string): string {
  if (before === after) return '';
  const old = before.split('\n');
  const now = after.split('\n');
  return [...old.filter((l) => !now.includes(l)).map((l) => `- ${l}`), ...now.filter((l) => !old.includes(l)).map((l) => `+ ${l}`)].join('\n');
}

function wikiActivity(ctx: Ctx, wiki: WikiRec, type: number, version: number, diff: string): void {
  recordActivity(ctx.store, {
    projectId: wiki.projectId,
    type,
    content: { id: wiki.id, name: wiki.name, content: wiki.content, diff, version, attachments: [], shared_files: [] },
    createdUserId: ctx.user.id,
    created: ctx.now(),
  });
}

function wikiAttachmentFor(ctx: Ctx, wiki: WikiRec): AttachmentRec {
  const raw = ctx.path.attachmentId ?? '';
  const id = /^\d+$/.test(raw) ? Number(raw) : NaN;
  const a = wiki.attachmentIds.includes(id) ? ctx.store.attachments.get(id) : undefined;
  if (!a) throw noResource('No attachment.');
  return a;
}

export const WIKIS_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: '/api/v2/wikis',
    category: 'search',
    params: {
      projectIdOrKey: { type: 'string', required: true },
      keyword: 'string',
      sort: { type: 'string', oneOf: ['name', 'created', 'updated'] },
      order: { type: 'string', oneOf: ['asc', 'desc'] },
    },
    handler: (ctx) => {
      const project = wikiProject(ctx, str(ctx.params, 'projectIdOrKey') as string);
      const sort = str(ctx.params, 'sort') ?? 'name';
      const desc = (str(ctx.params, 'order') ?? (sort === 'name' ? 'asc' : 'desc')) === 'desc';
      const keyword = str(ctx.params, 'keyword');
      const value = (w: WikiRec): string | number => (sort === 'name' ? w.name : sort === 'created' ? w.created : w.updated);
      return wikisOf(ctx, project.id)
        .filter((w) => matchesKeyword(w, keyword))
        .sort((a, b) => {
          const va = value(a);
          const vb = value(b);
          const c = va < vb ? -1 : va > vb ? 1 : a.id - b.id;
          return desc ? -c : c;
        })
        .map((w) => wikiListItemJson(ctx.store, w));
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/wikis/count',
    category: 'search',
    params: { projectIdOrKey: { type: 'string', required: true } },
    handler: (ctx) => {
      const project = wikiProject(ctx, str(ctx.params, 'projectIdOrKey') as string);
      return { count: wikisOf(ctx, project.id).length };
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/wikis/tags',
    params: { projectIdOrKey: { type: 'string', required: true } },
    handler: (ctx) => {
      const project = wikiProject(ctx, str(ctx.params, 'projectIdOrKey') as string);
      return ctx.store.wikiTags.where('projectId', (t) => t.projectId, project.id).map(wikiTagJson);
    },
  },
  {
    method: 'POST',
    pattern: '/api/v2/wikis',
    params: {
      projectId: { type: 'int', required: true },
      name: { type: 'string', required: true },
      content: { type: 'string', required: true },
      mailNotify: 'bool',
    },
    handler: (ctx) => {
      const projectId = int(ctx.params, 'projectId') as number;
      const project = ctx.store.projects.get(projectId);
      if (!project || !canSeeProject(ctx.store, project, ctx.user)) throw badRequest(`Invalid parameter 'projectId': no project with id ${projectId}.`);
      requireFeature(project, 'wiki');
      requireWikiWriter(ctx);
      const name = str(ctx.params, 'name') as string;
      checkUniqueName(ctx, project.id, name);
      const now = ctx.now();
      const wiki = ctx.store.wikis.insert({
        id: ctx.store.nextId('wiki'),
        projectId: project.id,
        name,
        content: str(ctx.params, 'content') as string,
        tagIds: [],
        attachmentIds: [],
        sharedFileIds: [],
        createdUserId: ctx.user.id,
        created: now,
        updatedUserId: ctx.user.id,
        updated: now,
      });
      const version = addHistory(ctx, wiki);
      wikiActivity(ctx, wiki, ActivityType.WikiCreated, version, lineDiff('', wiki.content));
      return created(wikiJson(ctx.store, wiki), `${webBase(ctx.store)}/alias/wiki/${wiki.id}`);
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/wikis/:wikiId',
    handler: (ctx) => wikiJson(ctx.store, wikiFor(ctx).wiki),
  },
  {
    method: 'PATCH',
    pattern: '/api/v2/wikis/:wikiId',
    params: { name: 'string', content: 'string', mailNotify: 'bool' },
    handler: (ctx) => {
      const { wiki } = wikiFor(ctx);
      requireWikiWriter(ctx);
      const name = str(ctx.params, 'name');
      const content = str(ctx.params, 'content');
      if (name === '') throw badRequest("Invalid parameter 'name': a wiki page name cannot be empty.");
      if (name !== undefined) checkUniqueName(ctx, wiki.projectId, name, wiki.id);
      const before = wiki.content;
      if (name !== undefined) wiki.name = name;
      if (content !== undefined) wiki.content = content;
      wiki.updatedUserId = ctx.user.id;
      wiki.updated = ctx.now();
      const version = addHistory(ctx, wiki);
      wikiActivity(ctx, wiki, ActivityType.WikiUpdated, version, lineDiff(before, wiki.content));
      return wikiJson(ctx.store, wiki);
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/v2/wikis/:wikiId',
    params: { mailNotify: 'bool' },
    handler: (ctx) => {
      const { wiki } = wikiFor(ctx);
      requireWikiWriter(ctx);
      const body = wikiJson(ctx.store, wiki);
      const version = historyOf(ctx, wiki.id).reduce((m, h) => Math.max(m, h.version), 0);
      for (const h of [...historyOf(ctx, wiki.id)]) ctx.store.wikiHistory.delete(h.id);
      for (const id of wiki.attachmentIds) ctx.store.attachments.delete(id);
      for (const star of [...ctx.store.stars.where('target', (x) => `${x.target}:${x.targetId}`, `wiki:${wiki.id}`)]) ctx.store.stars.delete(star.id);
      ctx.store.wikis.delete(wiki.id);
      wikiActivity(ctx, wiki, ActivityType.WikiDeleted, version, '');
      return body;
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/wikis/:wikiId/attachments',
    handler: (ctx) => {
      const { wiki } = wikiFor(ctx);
      return wiki.attachmentIds
        .map((id) => ctx.store.attachments.get(id))
        .filter((a) => a !== undefined)
        .map((a) => attachmentJson(ctx.store, a));
    },
  },
  {
    method: 'POST',
    pattern: '/api/v2/wikis/:wikiId/attachments',
    params: { 'attachmentId[]': { type: 'intArray', required: true } },
    handler: (ctx) => {
      const { wiki } = wikiFor(ctx);
      requireWikiWriter(ctx);
      const added = claimUploads(ctx, ints(ctx.params, 'attachmentId') ?? [], 'wiki', wiki.id);
      for (const a of added) wiki.attachmentIds.push(a.id);
      return added.map((a) => attachmentJson(ctx.store, a));
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/wikis/:wikiId/attachments/:attachmentId',
    handler: (ctx) => {
      const { wiki } = wikiFor(ctx);
      const a = wikiAttachmentFor(ctx, wiki);
      return binary(attachmentBytes(a), a.name, contentTypeOf(a.name));
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/v2/wikis/:wikiId/attachments/:attachmentId',
    handler: (ctx) => {
      const { wiki } = wikiFor(ctx);
      requireWikiWriter(ctx);
      const a = wikiAttachmentFor(ctx, wiki);
      const body = attachmentJson(ctx.store, a);
      wiki.attachmentIds = wiki.attachmentIds.filter((id) => id !== a.id);
      ctx.store.attachments.delete(a.id);
      return body;
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/wikis/:wikiId/sharedFiles',
    handler: (ctx) => {
      const { wiki } = wikiFor(ctx);
      return wiki.sharedFileIds
        .map((id) => ctx.store.sharedFiles.get(id))
        .filter((f) => f !== undefined)
        .map((f) => sharedFileJson(ctx.store, f));
    },
  },
  {
    method: 'POST',
    pattern: '/api/v2/wikis/:wikiId/sharedFiles',
    params: { 'fileId[]': { type: 'intArray', required: true } },
    handler: (ctx) => {
      const { wiki, project } = wikiFor(ctx);
      requireWikiWriter(ctx);
      requireFeature(project, 'file');
      const files = [...new Set(ints(ctx.params, 'fileId') ?? [])].map((id) => {
        const f = ctx.store.sharedFiles.get(id);
        if (!f || f.projectId !== wiki.projectId || f.type !== 'file')
          throw badRequest(`Invalid parameter 'fileId[]': no shared file with id ${id} in this project.`);
        return f;
      });
      for (const f of files) if (!wiki.sharedFileIds.includes(f.id)) wiki.sharedFileIds.push(f.id);
      return files.map((f) => sharedFileJson(ctx.store, f));
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/v2/wikis/:wikiId/sharedFiles/:id',
    handler: (ctx) => {
      const { wiki } = wikiFor(ctx);
      requireWikiWriter(ctx);
      const raw = ctx.path.id ?? '';
      const id = /^\d+$/.test(raw) ? Number(raw) : NaN;
      const f = wiki.sharedFileIds.includes(id) ? ctx.store.sharedFiles.get(id) : undefined;
      if (!f) throw noResource('No shared file.');
      wiki.sharedFileIds = wiki.sharedFileIds.filter((x) => x !== id);
      return sharedFileJson(ctx.store, f);
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/wikis/:wikiId/history',
    params: PAGING_KEYSET,
    handler: (ctx) => {
      const { wiki } = wikiFor(ctx);
      return keysetPage(historyOf(ctx, wiki.id), (h) => h.version, ctx.params).map((h) => wikiHistoryJson(ctx.store, h));
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/wikis/:wikiId/stars',
    handler: (ctx) => starsOf(ctx.store, 'wiki', wikiFor(ctx).wiki.id),
  },
];
