/**
 * Documents (docs/backlog-api.md §11.2, shapes §7.26; add/delete from their doc pages).
 *
 * Decisions where the reference is silent or unverified:
 * - Every document endpoint needs the caller to belong to the project (the doc pages say so for
 *   list, tree, add, delete and comments; the stricter reading applies it to all). A project the
 *   caller cannot see is 404 "No project." / "No document."; a space administrator who sees but
 *   has not joined the project gets 403.
 * - `GET /documents`: `offset` is required (docs). Without `projectId[]` it lists documents of
 *   every joined project with documents on; a `projectId[]` the caller has not joined is 400
 *   naming it, one with documents off is 403. Trashed documents are skipped (they live in the
 *   tree's trash only). `sort` defaults to `updated`, `order` to `desc`; ties break by id.
 *   `keyword` matches title or plain text, case-insensitively.
 * - `POST /documents` answers 200 (its doc page shows no 201 status line) with the lean shape of
 *   the doc example (user ids, `json` as an object). Ids are UUIDv7-like 32-hex strings (48-bit
 *   millisecond time + random bits from crypto), like the ids in Backlog's examples. Without
 *   `addLast=true` the document goes first among its siblings (docs). Roles: Administrator,
 *   Normal user (doc page).
 * - `DELETE /documents/:id` needs an Administrator or project administrator (doc page) and answers
 *   the lean shape with `json`/`plain` null. Children of a deleted document move up to its parent
 *   (nothing else is deleted with it); its comments and attachments go with it.
 */
import { randomBytes } from 'node:crypto';
import { canSeeProject, isMember, projectFor, requireFeature, requireProjectAdmin } from '../access.js';
import { ActivityType, recordActivity } from '../activity.js';
import { badRequest, forbidden, noResource } from '../errors.js';
import { bool, int, ints, str } from '../params.js';
import { binary, type Ctx, type Route } from '../route.js';
import { documentCommentsJson, documentJson, documentTreeJson, documentWriteJson } from '../serialize/document.js';
import { attachmentBytes, contentTypeOf } from '../content.js';
import type { DocumentRec, ProjectRec } from '../store.js';

function requireJoined(ctx: Ctx, project: ProjectRec): void {
  if (!isMember(ctx.store, project, ctx.user.id)) throw forbidden();
}

function documentProject(ctx: Ctx, idOrKey: string): ProjectRec {
  const project = projectFor(ctx, idOrKey);
  requireJoined(ctx, project);
  requireFeature(project, 'document');
  return project;
}

/** The document in the path: 404 if its project is hidden from the caller, 403 if not joined. */
function documentFor(ctx: Ctx): DocumentRec {
  const doc = ctx.store.documents.get(ctx.path.documentId ?? '');
  const project = doc && ctx.store.projects.get(doc.projectId);
  if (!doc || !project || !canSeeProject(ctx.store, project, ctx.user)) throw noResource('No document.');
  requireJoined(ctx, project);
  requireFeature(project, 'document');
  return doc;
}

/** 32 hex characters: 48-bit millisecond timestamp, version nibble 7, then random bits. */
function newDocumentId(now: number): string {
  const time = Math.floor(now).toString(16).padStart(12, '0').slice(-12);
  return `${time}7${randomBytes(10).toString('hex').slice(0, 19)}`;
}

/** The editor JSON Backlog stores for Markdown content: headings and paragraphs, line by line. */
function markdownToDocJson(content: string): string {
  const blocks = content
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const heading = /^(#{1,6})\s+(.*)$/.exec(line);
      if (heading) {
        return { type: 'heading', attrs: { level: (heading[1] as string).length }, content: [{ type: 'text', text: heading[2] as string }] };
      }
      return { type: 'paragraph', content: [{ type: 'text', text: line }] };
    });
  return JSON.stringify({ type: 'doc', content: blocks });
}

export const DOCUMENTS_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: '/api/v2/documents',
    params: {
      'projectId[]': 'intArray',
      keyword: 'string',
      sort: { type: 'string', oneOf: ['created', 'updated'] },
      order: { type: 'string', oneOf: ['asc', 'desc'] },
      offset: { type: 'int', min: 0, required: true },
      count: { type: 'int', min: 1, max: 100 },
    },
    handler: (ctx) => {
      const requested = ints(ctx.params, 'projectId');
      let projects: ProjectRec[];
      if (requested && requested.length > 0) {
        projects = [...new Set(requested)].map((id) => {
          const p = ctx.store.projects.get(id);
          if (!p || !isMember(ctx.store, p, ctx.user.id)) throw badRequest(`Invalid parameter 'projectId[]': no joined project with id ${id}.`);
          requireFeature(p, 'document');
          return p;
        });
      } else {
        projects = ctx.store.projects.all().filter((p) => p.useDocument && isMember(ctx.store, p, ctx.user.id));
      }
      const keyword = str(ctx.params, 'keyword')?.toLowerCase();
      const sort = str(ctx.params, 'sort') ?? 'updated';
      const desc = (str(ctx.params, 'order') ?? 'desc') === 'desc';
      const docs = projects
        .flatMap((p) => ctx.store.documents.where('projectId', (d) => d.projectId, p.id))
        .filter((d) => !d.trashed && (!keyword || d.title.toLowerCase().includes(keyword) || d.plain.toLowerCase().includes(keyword)));
      const value = (d: DocumentRec) => (sort === 'created' ? d.created : d.updated);
      docs.sort((a, b) => {
        const c = value(a) - value(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
        return desc ? -c : c;
      });
      const offset = int(ctx.params, 'offset') as number;
      const count = int(ctx.params, 'count') ?? 20;
      return docs.slice(offset, offset + count).map((d) => documentJson(ctx.store, d));
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/documents/tree',
    params: { projectIdOrKey: { type: 'string', required: true } },
    handler: (ctx) => documentTreeJson(ctx.store, documentProject(ctx, str(ctx.params, 'projectIdOrKey') as string).id),
  },
  {
    method: 'GET',
    pattern: '/api/v2/documents/:documentId',
    handler: (ctx) => documentJson(ctx.store, documentFor(ctx)),
  },
  {
    method: 'GET',
    pattern: '/api/v2/documents/:documentId/attachments/:attachmentId',
    handler: (ctx) => {
      const doc = documentFor(ctx);
      const raw = ctx.path.attachmentId ?? '';
      const id = /^\d+$/.test(raw) ? Number(raw) : NaN;
      const a = doc.attachmentIds.includes(id) ? ctx.store.attachments.get(id) : undefined;
      if (!a) throw noResource('No attachment.');
      return binary(attachmentBytes(a), a.name, contentTypeOf(a.name));
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/documents/:documentId/comments',
    handler: (ctx) => documentCommentsJson(ctx.store, documentFor(ctx).id),
  },
  {
    method: 'POST',
    pattern: '/api/v2/documents',
    params: {
      projectId: { type: 'int', required: true },
      title: 'string',
      content: 'string',
      emoji: 'string',
      parentId: 'string',
      addLast: 'bool',
    },
    handler: (ctx) => {
      const projectId = int(ctx.params, 'projectId') as number;
      const project = ctx.store.projects.get(projectId);
      if (!project || !isMember(ctx.store, project, ctx.user.id)) throw badRequest(`Invalid parameter 'projectId': no joined project with id ${projectId}.`);
      requireFeature(project, 'document');
      if (ctx.user.roleType !== 1 && ctx.user.roleType !== 2) throw forbidden();
      const parentId = str(ctx.params, 'parentId') || null;
      if (parentId !== null) {
        const parent = ctx.store.documents.get(parentId);
        if (!parent || parent.projectId !== project.id || parent.trashed)
          throw badRequest(`Invalid parameter 'parentId': no document with id ${parentId} in this project.`);
      }
      const siblings = ctx.store.documents.where('projectId', (d) => d.projectId, project.id).filter((d) => !d.trashed && d.parentId === parentId);
      const orders = siblings.map((d) => d.displayOrder);
      const displayOrder = orders.length === 0 ? 0 : bool(ctx.params, 'addLast') ? Math.max(...orders) + 1 : Math.min(...orders) - 1;
      const content = str(ctx.params, 'content') ?? '';
      const now = ctx.now();
      const doc = ctx.store.documents.insert({
        id: newDocumentId(now),
        projectId: project.id,
        title: str(ctx.params, 'title') ?? '',
        plain: content,
        json: markdownToDocJson(content),
        statusId: 1,
        emoji: str(ctx.params, 'emoji') || null,
        parentId,
        displayOrder,
        tags: [],
        attachmentIds: [],
        trashed: false,
        createdUserId: ctx.user.id,
        created: now,
        updatedUserId: ctx.user.id,
        updated: now,
      });
      recordActivity(ctx.store, {
        projectId: project.id,
        type: ActivityType.DocumentCreated,
        content: { id: doc.id, title: doc.title },
        createdUserId: ctx.user.id,
        created: now,
      });
      return documentWriteJson(doc, false);
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/v2/documents/:documentId',
    handler: (ctx) => {
      const doc = documentFor(ctx);
      const project = ctx.store.projects.get(doc.projectId) as ProjectRec;
      requireProjectAdmin(ctx, project);
      for (const child of ctx.store.documents.where('projectId', (d) => d.projectId, doc.projectId)) {
        if (child.parentId === doc.id) child.parentId = doc.parentId;
      }
      for (const c of [...ctx.store.documentComments.where('documentId', (c) => c.documentId, doc.id)]) ctx.store.documentComments.delete(c.id);
      for (const id of doc.attachmentIds) ctx.store.attachments.delete(id);
      ctx.store.documents.delete(doc.id);
      recordActivity(ctx.store, {
        projectId: doc.projectId,
        type: ActivityType.DocumentDeleted,
        content: { id: doc.id, title: doc.title },
        createdUserId: ctx.user.id,
        created: ctx.now(),
      });
      return documentWriteJson(doc, true);
    },
  },
];
