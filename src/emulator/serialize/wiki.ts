/**
 * Wiki pages, tags and history as Backlog returns them (docs/backlog-api.md §7.16), plus
 * attachment bytes for downloads, shared by the wiki, document and pull-request routes.
 */
import type { Store, WikiHistoryRec, WikiRec, WikiTagRec } from '../store.js';
import { isoSeconds } from '../time.js';
import { attachmentJson, sharedFileJson, starsOf, userRef } from './core.js';

export function wikiTagJson(t: WikiTagRec) {
  return { id: t.id, name: t.name };
}

function tagsOf(store: Store, w: WikiRec) {
  return w.tagIds
    .map((id) => store.wikiTags.get(id))
    .filter((t) => t !== undefined)
    .map(wikiTagJson);
}

/** `GET /wikis` items: no content, attachments, shared files or stars. */
export function wikiListItemJson(store: Store, w: WikiRec) {
  return {
    id: w.id,
    projectId: w.projectId,
    name: w.name,
    tags: tagsOf(store, w),
    createdUser: userRef(store, w.createdUserId),
    created: isoSeconds(w.created),
    updatedUser: userRef(store, w.updatedUserId),
    updated: isoSeconds(w.updated),
  };
}

/** A full page (get, add, update, delete). */
export function wikiJson(store: Store, w: WikiRec) {
  return {
    id: w.id,
    projectId: w.projectId,
    name: w.name,
    content: w.content,
    tags: tagsOf(store, w),
    attachments: w.attachmentIds
      .map((id) => store.attachments.get(id))
      .filter((a) => a !== undefined)
      .map((a) => attachmentJson(store, a)),
    sharedFiles: w.sharedFileIds
      .map((id) => store.sharedFiles.get(id))
      .filter((f) => f !== undefined)
      .map((f) => sharedFileJson(store, f)),
    stars: starsOf(store, 'wiki', w.id),
    createdUser: userRef(store, w.createdUserId),
    created: isoSeconds(w.created),
    updatedUser: userRef(store, w.updatedUserId),
    updated: isoSeconds(w.updated),
  };
}

/** History entries carry no id of their own: `version` identifies them within a page. */
export function wikiHistoryJson(store: Store, h: WikiHistoryRec) {
  return {
    pageId: h.pageId,
    version: h.version,
    name: h.name,
    content: h.content,
    createdUser: userRef(store, h.createdUserId),
    created: isoSeconds(h.created),
  };
}

export function exportWikis(store: Store): Record<string, unknown> {
  return {
    wikis: store.wikis.all().map((w) => wikiJson(store, w)),
    wikiTags: store.wikiTags.all().map((t) => ({ ...wikiTagJson(t), projectId: t.projectId })),
    wikiHistory: store.wikiHistory.all().map((h) => wikiHistoryJson(store, h)),
  };
}
