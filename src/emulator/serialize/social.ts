/**
 * Records → Backlog JSON for the space, users and personal data families (docs/backlog-api.md
 * §7.2, §7.14, §7.17–§7.25, §7.28): activities, notifications, watchings, teams, the licence,
 * disk usage and recently viewed items, plus their `GET /_emulator/export` functions.
 * Pull requests, their comments and repositories inside notifications use the git family's
 * builders (./git.ts), so both families render them alike.
 */
import type { Lang } from '../names.js';
import type { ActivityRec, NotificationRec, Store, TeamRec, WatchingRec, WikiRec } from '../store.js';
import { isoSeconds } from '../time.js';
import { commentJson, issueJson, projectJson, starJson, starTarget, userRef } from './core.js';
import { documentCommentJson, documentJson, documentReplyJson } from './document.js';
import { pullRequestCommentJson, pullRequestJson, repositoryJson } from './git.js';

export function activityJson(store: Store, a: ActivityRec) {
  const project = store.projects.get(a.projectId);
  return {
    id: a.id,
    project: project ? projectJson(project) : null,
    type: a.type,
    content: a.content,
    // Backlog stopped filling activity notifications on 2022-02-09 (backlog-api.md §7.23).
    notifications: [],
    createdUser: userRef(store, a.createdUserId),
    created: isoSeconds(a.created),
  };
}

/** An inbox notification (backlog-api.md §7.21). */
export function notificationJson(store: Store, n: NotificationRec, lang: Lang) {
  const project = store.projects.get(n.projectId);
  const issue = n.issueId == null ? undefined : store.issues.get(n.issueId);
  const comment = n.commentId == null ? undefined : store.comments.get(n.commentId);
  const repository = n.repositoryId == null ? undefined : store.repositories.get(n.repositoryId);
  const pullRequest = n.pullRequestId == null ? undefined : store.pullRequests.get(n.pullRequestId);
  const prComment = n.pullRequestCommentId == null ? undefined : store.pullRequestComments.get(n.pullRequestCommentId);
  const document = n.documentId == null ? undefined : store.documents.get(n.documentId);
  const docComment = n.documentCommentId == null ? undefined : store.documentComments.get(n.documentCommentId);
  return {
    id: n.id,
    alreadyRead: n.alreadyRead,
    reason: n.reason,
    resourceAlreadyRead: n.resourceAlreadyRead,
    project: project ? projectJson(project) : null,
    issue: issue ? issueJson(store, issue, lang) : null,
    comment: comment ? commentJson(store, comment) : null,
    repository: repository ? repositoryJson(store, repository) : null,
    pullRequest: pullRequest ? pullRequestJson(store, pullRequest, lang) : null,
    pullRequestComment: prComment ? pullRequestCommentJson(store, prComment) : null,
    document: document ? documentJson(store, document) : null,
    // A reply notification carries the reply and the comment it answers.
    documentComment: docComment
      ? documentCommentJson(store, docComment.commentId ? (store.documentComments.get(docComment.commentId) ?? docComment) : docComment)
      : null,
    documentCommentReply: docComment?.commentId ? documentReplyJson(store, docComment) : null,
    sender: userRef(store, n.senderId),
    created: isoSeconds(n.created),
  };
}

/**
 * A watching (backlog-api.md §7.22). The list example carries `resourceAlreadyRead`, the
 * single-get example `alreadyRead`; every watching object here carries both so a client written
 * against either example works. The store keeps one read mark per watching, so both fields hold
 * it (see routes/watchings.ts for the count filters).
 */
export function watchingJson(store: Store, w: WatchingRec, lang: Lang) {
  const issue = store.issues.get(w.issueId);
  return {
    id: w.id,
    resourceAlreadyRead: w.resourceAlreadyRead,
    alreadyRead: w.resourceAlreadyRead,
    note: w.note,
    type: 'issue',
    issue: issue ? issueJson(store, issue, lang) : null,
    lastContentUpdated: isoSeconds(lastContentUpdated(store, w)),
    created: isoSeconds(w.created),
    updated: isoSeconds(w.updated),
  };
}

/** When the watched issue last changed: the later of the recorded time and the issue's `updated`. */
export function lastContentUpdated(store: Store, w: WatchingRec): number {
  const issue = store.issues.get(w.issueId);
  return Math.max(w.lastContentUpdated, issue?.updated ?? 0);
}

export function teamJson(store: Store, t: TeamRec) {
  return {
    id: t.id,
    name: t.name,
    members: t.memberIds.map((id) => userRef(store, id)),
    displayOrder: t.displayOrder,
    createdUser: userRef(store, t.createdUserId),
    created: isoSeconds(t.created),
    updatedUser: userRef(store, t.updatedUserId),
    updated: isoSeconds(t.updated),
  };
}

/** A star as the user star list renders it (the target's URL and title). */
export function receivedStarJson(store: Store, s: Parameters<typeof starTarget>[1]) {
  const t = starTarget(store, s);
  return starJson(store, s, t.url, t.title);
}

export function spaceNotificationJson(store: Store) {
  return { content: store.space.notification.content, updated: isoSeconds(store.space.notification.updated) };
}

const MB = 1024 * 1024;

/**
 * The space's licence (backlog-api.md §7.25): a paid plan with every feature on. 0 means
 * unlimited, as in Backlog's examples; the storage limit is the space's capacity.
 */
export function licenceJson(store: Store) {
  const s = store.space;
  return {
    active: true,
    attachmentLimit: 0,
    attachmentLimitPerFile: 100 * MB,
    attachmentNumLimit: 0,
    attribute: true,
    attributeLimit: 0,
    burndown: true,
    commentLimit: 0,
    componentLimit: 0,
    fileSharing: true,
    gantt: true,
    git: true,
    issueLimit: 0,
    licenceTypeId: 46,
    limitDate: isoSeconds(s.created + 10 * 365 * 86_400_000),
    nulabAccount: true,
    parentChildIssue: true,
    grandchildIssueEnabled: true,
    postIssueByMail: true,
    projectLimit: 0,
    pullRequestAttachmentLimitPerFile: 100 * MB,
    pullRequestAttachmentNumLimit: 0,
    remoteAddress: true,
    remoteAddressLimit: 100,
    startedOn: isoSeconds(s.created),
    storageLimit: s.capacity,
    subversion: true,
    subversionExternal: false,
    userLimit: 0,
    versionLimit: 0,
    wikiAttachment: true,
    wikiAttachmentLimitPerFile: 100 * MB,
    wikiAttachmentNumLimit: 0,
  };
}

export interface ProjectDiskUsage {
  projectId: number;
  issue: number;
  wiki: number;
  document: number;
  file: number;
  subversion: number;
  git: number;
  gitLFS: number;
}

/** Bytes a repository's history takes: a fixed base plus a share per pull request branch. */
const REPOSITORY_BASE_BYTES = 512 * 1024;
const PULL_REQUEST_BYTES = 16 * 1024;

/**
 * Disk usage per project, computed from the data: attachments by owner (issues, wiki pages,
 * documents; pull-request attachments count as git), shared files, and repositories. Subversion
 * and Git LFS hold nothing in the emulator.
 */
export function diskUsageByProject(store: Store): Map<number, ProjectDiskUsage> {
  const usage = new Map<number, ProjectDiskUsage>();
  for (const p of store.projects.all()) {
    usage.set(p.id, { projectId: p.id, issue: 0, wiki: 0, document: 0, file: 0, subversion: 0, git: 0, gitLFS: 0 });
  }
  const add = (projectId: number | undefined, field: keyof Omit<ProjectDiskUsage, 'projectId'>, bytes: number) => {
    const u = projectId === undefined ? undefined : usage.get(projectId);
    if (u) u[field] += bytes;
  };
  for (const a of store.attachments.all()) {
    if (a.ownerId === null) continue;
    switch (a.owner) {
      case 'issue':
        add(store.issues.get(Number(a.ownerId))?.projectId, 'issue', a.size);
        break;
      case 'wiki':
        add(store.wikis.get(Number(a.ownerId))?.projectId, 'wiki', a.size);
        break;
      case 'document':
        add(store.documents.get(String(a.ownerId))?.projectId, 'document', a.size);
        break;
      case 'pullRequest':
        add(store.pullRequests.get(Number(a.ownerId))?.projectId, 'git', a.size);
        break;
      case 'space':
        break;
    }
  }
  for (const f of store.sharedFiles.all()) if (f.type === 'file') add(f.projectId, 'file', f.size ?? 0);
  for (const r of store.repositories.all()) add(r.projectId, 'git', REPOSITORY_BASE_BYTES);
  for (const pr of store.pullRequests.all()) add(pr.projectId, 'git', PULL_REQUEST_BYTES);
  return usage;
}

/** `GET /space/diskUsage` (backlog-api.md §7.24): space totals are the sums over projects. */
export function spaceDiskUsageJson(store: Store) {
  const details = [...diskUsageByProject(store).values()];
  const sum = (field: keyof Omit<ProjectDiskUsage, 'projectId'>) => details.reduce((s, d) => s + d[field], 0);
  return {
    capacity: store.space.capacity,
    issue: sum('issue'),
    wiki: sum('wiki'),
    file: sum('file'),
    subversion: sum('subversion'),
    git: sum('git'),
    gitLFS: sum('gitLFS'),
    details,
  };
}

/** A wiki page as list endpoints render it (backlog-api.md §7.16), for recently viewed wikis. */
export function wikiListItemJson(store: Store, w: WikiRec) {
  return {
    id: w.id,
    projectId: w.projectId,
    name: w.name,
    tags: w.tagIds
      .map((id) => store.wikiTags.get(id))
      .filter((t) => t !== undefined)
      .map((t) => ({ id: t.id, name: t.name })),
    createdUser: userRef(store, w.createdUserId),
    created: isoSeconds(w.created),
    updatedUser: userRef(store, w.updatedUserId),
    updated: isoSeconds(w.updated),
  };
}

// ---- exports for GET /_emulator/export ------------------------------------------------------
// Built-in names in these are in the space's language (../names.ts).

export function exportActivities(store: Store): Record<string, unknown> {
  return { activities: store.activities.all().map((a) => activityJson(store, a)) };
}

/** Notifications with their recipient's id (the API only ever shows the caller's own). */
export function exportNotifications(store: Store): Record<string, unknown> {
  return { notifications: store.notifications.all().map((n) => ({ userId: n.userId, ...notificationJson(store, n, store.space.lang) })) };
}

/** Watchings with their owner's id. */
export function exportWatchings(store: Store): Record<string, unknown> {
  return { watchings: store.watchings.all().map((w) => ({ userId: w.userId, ...watchingJson(store, w, store.space.lang) })) };
}

export function exportTeams(store: Store): Record<string, unknown> {
  return { teams: store.teams.all().map((t) => teamJson(store, t)) };
}

/** Stars with their receiver and target, as the user star list renders them. */
export function exportStars(store: Store): Record<string, unknown> {
  return {
    stars: store.stars.all().map((s) => ({ receiverId: s.receiverId, target: s.target, targetId: s.targetId, ...receivedStarJson(store, s) })),
  };
}

/** Recently viewed items per user, newest first, in the shapes of §7.28. */
export function exportRecentlyViewed(store: Store): Record<string, unknown> {
  const rows = [...store.recentlyViewed].sort((a, b) => a.userId - b.userId || b.updated - a.updated);
  return {
    recentlyViewed: rows.map((r) => ({ userId: r.userId, kind: r.kind, targetId: r.targetId, updated: isoSeconds(r.updated) })),
  };
}

/** The space's notification, licence and disk usage. */
export function exportSpaceExtras(store: Store): Record<string, unknown> {
  return { spaceNotification: spaceNotificationJson(store), licence: licenceJson(store), diskUsage: spaceDiskUsageJson(store) };
}
