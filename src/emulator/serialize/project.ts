/**
 * Records → Backlog JSON for the project family (docs/backlog-api.md §7.19, §7.20, §7.24):
 * webhooks, project teams, project disk usage; plus the deterministic binaries this family serves
 * (project icon, shared-file content) and the export functions for `GET /_emulator/export`.
 */
import type { ProjectRec, Store, TeamRec, WebhookRec } from '../store.js';
import { isoSeconds } from '../time.js';
import { sharedFileJson, userRef } from './core.js';

export function webhookJson(store: Store, w: WebhookRec) {
  return {
    id: w.id,
    name: w.name,
    description: w.description,
    hookUrl: w.hookUrl,
    allEvent: w.allEvent,
    activityTypeIds: w.activityTypeIds,
    createdUser: userRef(store, w.createdUserId),
    created: isoSeconds(w.created),
    updatedUser: userRef(store, w.updatedUserId),
    updated: isoSeconds(w.updated),
  };
}

/** A team as `GET /projects/:p/teams` shows it (§7.20): members are full users, in id order. */
export function projectTeamJson(store: Store, t: TeamRec) {
  return {
    id: t.id,
    name: t.name,
    members: [...t.memberIds].sort((a, b) => a - b).map((id) => userRef(store, id)),
    displayOrder: t.displayOrder,
    createdUser: userRef(store, t.createdUserId),
    created: isoSeconds(t.created),
    updatedUser: userRef(store, t.updatedUserId),
    updated: isoSeconds(t.updated),
  };
}

/** Bytes a git repository occupies before any pull-request attachment (a fixed, plausible size per repository). */
const REPOSITORY_BASE_BYTES = 524_288;

/**
 * Disk usage of one project in bytes (§7.24), computed from the data so it moves when files are
 * added or removed: issue attachments, wiki attachments, document attachments, shared files, and
 * for git a base size per repository plus pull-request attachments. Subversion and Git LFS hold no
 * data in the emulator, so they are 0.
 */
export function projectDiskUsage(store: Store, project: ProjectRec) {
  const usage = { projectId: project.id, issue: 0, wiki: 0, document: 0, file: 0, subversion: 0, git: 0, gitLFS: 0 };
  for (const a of store.attachments.all()) {
    if (a.ownerId === null) continue;
    switch (a.owner) {
      case 'issue':
        if (store.issues.get(a.ownerId as number)?.projectId === project.id) usage.issue += a.size;
        break;
      case 'wiki':
        if (store.wikis.get(a.ownerId as number)?.projectId === project.id) usage.wiki += a.size;
        break;
      case 'document':
        if (store.documents.get(String(a.ownerId))?.projectId === project.id) usage.document += a.size;
        break;
      case 'pullRequest':
        if (store.pullRequests.get(a.ownerId as number)?.projectId === project.id) usage.git += a.size;
        break;
      case 'space':
        break;
    }
  }
  for (const f of store.sharedFiles.where('projectId', (s) => s.projectId, project.id)) usage.file += f.size ?? 0;
  usage.git += store.repositories.where('projectId', (r) => r.projectId, project.id).length * REPOSITORY_BASE_BYTES;
  return usage;
}

export function exportWebhooks(store: Store): Record<string, unknown> {
  return { webhooks: store.webhooks.all().map((w) => ({ projectId: w.projectId, ...webhookJson(store, w) })) };
}

export function exportSharedFiles(store: Store): Record<string, unknown> {
  return { sharedFiles: store.sharedFiles.all().map((f) => sharedFileJson(store, f)) };
}

export function exportProjectDiskUsage(store: Store): Record<string, unknown> {
  return { projectDiskUsage: store.projects.all().map((p) => projectDiskUsage(store, p)) };
}
