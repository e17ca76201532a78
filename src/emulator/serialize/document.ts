/**
 * Documents, the document tree and document comments (docs/backlog-api.md §7.26, and the
 * add/delete document doc pages, whose answers are a leaner, id-only shape).
 */
import type { DocumentCommentRec, DocumentRec, Store, UserRec } from '../store.js';
import { isoSeconds } from '../time.js';
import { attachmentJson, userRef } from './core.js';

/** Documents of a project in tree order: displayOrder, then id. */
function byTreeOrder(a: DocumentRec, b: DocumentRec): number {
  return a.displayOrder - b.displayOrder || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Children of a document that sit in the same tree (active or trash) as it, in tree order. */
export function childDocuments(store: Store, d: DocumentRec): DocumentRec[] {
  return store.documents
    .where('projectId', (x) => x.projectId, d.projectId)
    .filter((x) => x.parentId === d.id && x.trashed === d.trashed)
    .sort(byTreeOrder);
}

export function documentJson(store: Store, d: DocumentRec) {
  return {
    id: d.id,
    projectId: d.projectId,
    title: d.title,
    plain: d.plain,
    json: d.json,
    statusId: d.statusId,
    emoji: d.emoji,
    attachments: d.attachmentIds
      .map((id) => store.attachments.get(id))
      .filter((a) => a !== undefined)
      .map((a) => attachmentJson(store, a)),
    tags: d.tags.map((t) => ({ id: t.id, name: t.name })),
    createdUser: userRef(store, d.createdUserId),
    created: isoSeconds(d.created),
    updatedUser: userRef(store, d.updatedUserId),
    updated: isoSeconds(d.updated),
    childDocumentIds: childDocuments(store, d).map((c) => c.id),
  };
}

/**
 * `POST /documents` answers with user ids instead of users and with `json` as an object (the doc
 * page's example); `DELETE` answers the same shape with `json` and `plain` null.
 */
export function documentWriteJson(d: DocumentRec, deleted: boolean) {
  let json: unknown = null;
  if (!deleted) {
    try {
      json = JSON.parse(d.json) as unknown;
    } catch {
      json = d.json;
    }
  }
  return {
    id: d.id,
    projectId: d.projectId,
    title: d.title,
    json,
    plain: deleted ? null : d.plain,
    statusId: d.statusId,
    emoji: d.emoji,
    createdUserId: d.createdUserId,
    created: isoSeconds(d.created),
    updatedUserId: d.updatedUserId,
    updated: isoSeconds(d.updated),
  };
}

export interface DocumentTreeNode {
  id: string;
  name: string;
  children: DocumentTreeNode[];
  statusId: number;
  emoji: string;
  updated: string;
}

/**
 * `GET /documents/tree`: roots `Active` and `Trash` (doc example), nodes nested by parentId and
 * ordered by displayOrder. A trashed document whose parent is not trashed sits at the trash root.
 * `emoji` is `""` when unset, as in the doc example.
 */
export function documentTreeJson(store: Store, projectId: number) {
  const docs = store.documents.where('projectId', (d) => d.projectId, projectId);
  const build = (trashed: boolean): DocumentTreeNode[] => {
    const inTree = docs.filter((d) => d.trashed === trashed);
    const ids = new Set(inTree.map((d) => d.id));
    const byParent = new Map<string | null, DocumentRec[]>();
    for (const d of inTree) {
      const parent = d.parentId !== null && ids.has(d.parentId) ? d.parentId : null;
      const list = byParent.get(parent);
      if (list) list.push(d);
      else byParent.set(parent, [d]);
    }
    const nodes = (parent: string | null): DocumentTreeNode[] =>
      (byParent.get(parent) ?? []).sort(byTreeOrder).map((d) => ({
        id: d.id,
        name: d.title,
        children: nodes(d.id),
        statusId: d.statusId,
        emoji: d.emoji ?? '',
        updated: isoSeconds(d.updated),
      }));
    return nodes(null);
  };
  return {
    projectId,
    activeTree: { id: 'Active', children: build(false) },
    trashTree: { id: 'Trash', children: build(true) },
  };
}

/**
 * Document comments embed a leaner user (backlog-api.md §7.1): `uniqueId` is the Nulab account's
 * when linked, else the login id; `icon` is a stock icon path picked from the user id.
 */
export function documentUserJson(store: Store, id: number) {
  const u: UserRec | undefined = store.users.get(id);
  if (!u) return userRef(store, id);
  return {
    id: u.id,
    userId: u.userId,
    uniqueId: u.nulabAccount?.uniqueId ?? u.userId,
    name: u.name,
    mailAddress: u.mailAddress,
    roleType: u.roleType,
    lang: u.lang,
    icon: `icons/person_${(u.id % 200) + 1}.gif`,
  };
}

export function documentReplyJson(store: Store, r: DocumentCommentRec) {
  return {
    id: r.id,
    documentId: r.documentId,
    commentId: r.commentId,
    content: r.content,
    plain: r.plain,
    createdUserId: r.createdUserId,
    created: isoSeconds(r.created),
    updatedUserId: r.updatedUserId,
    updated: isoSeconds(r.updated),
    createdUser: documentUserJson(store, r.createdUserId),
  };
}

/** A top-level document comment with its replies, oldest first (DocumentComment shape). */
export function documentCommentJson(store: Store, c: DocumentCommentRec) {
  const replies = store.documentComments
    .where('documentId', (x) => x.documentId, c.documentId)
    .filter((r) => r.commentId === c.id)
    .sort(byCommentTime);
  return {
    id: c.id,
    documentId: c.documentId,
    statusId: 1,
    content: c.content,
    plain: c.plain,
    commentType: 'comment',
    createdUserId: c.createdUserId,
    created: isoSeconds(c.created),
    updatedUserId: c.updatedUserId,
    updated: isoSeconds(c.updated),
    createdUser: documentUserJson(store, c.createdUserId),
    replies: replies.map((r) => documentReplyJson(store, r)),
  };
}

function byCommentTime(a: DocumentCommentRec, b: DocumentCommentRec): number {
  return a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Top-level comments of a document with their replies, oldest first. */
export function documentCommentsJson(store: Store, documentId: string) {
  return store.documentComments
    .where('documentId', (c) => c.documentId, documentId)
    .filter((c) => c.commentId === null)
    .sort(byCommentTime)
    .map((c) => documentCommentJson(store, c));
}

export function exportDocuments(store: Store): Record<string, unknown> {
  return {
    documents: store.documents.all().map((d) => ({ ...documentJson(store, d), parentId: d.parentId, trashed: d.trashed })),
    documentComments: [...new Set(store.documentComments.all().map((c) => c.documentId))].flatMap((id) => documentCommentsJson(store, id)),
  };
}
