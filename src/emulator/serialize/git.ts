/**
 * Git repositories, pull requests and pull-request comments (docs/backlog-api.md §7.17,
 * §7.18). Pull request statuses: 1 Open, 2 Closed, 3 Merged (§15 item 11: not confirmed from a
 * doc page; both official clients use these).
 */
import type { Lang } from '../names.js';
import type { PullRequestCommentRec, PullRequestRec, RepositoryRec, Store } from '../store.js';
import { isoOrNull, isoSeconds } from '../time.js';
import { attachmentJson, commentNotificationJson, issueJson, starsOf, userRef } from './core.js';

export const PULL_REQUEST_STATUSES = [
  { id: 1, name: 'Open' },
  { id: 2, name: 'Closed' },
  { id: 3, name: 'Merged' },
] as const;

function projectKeyOf(store: Store, projectId: number): string {
  return store.projects.get(projectId)?.projectKey ?? 'UNKNOWN';
}

/** `https://{spaceKey}.backlog.com/git/{PROJECT}/{repo}.git` and the SSH form (§1). */
export function repositoryUrls(store: Store, r: RepositoryRec): { httpUrl: string; sshUrl: string } {
  const space = store.space.spaceKey.toLowerCase();
  const key = projectKeyOf(store, r.projectId);
  return {
    httpUrl: `https://${space}.backlog.com/git/${key}/${r.name}.git`,
    sshUrl: `${space}@${space}.git.backlog.com:/${key}/${r.name}.git`,
  };
}

export function repositoryJson(store: Store, r: RepositoryRec) {
  const urls = repositoryUrls(store, r);
  return {
    id: r.id,
    projectId: r.projectId,
    name: r.name,
    description: r.description,
    hookUrl: r.hookUrl,
    httpUrl: urls.httpUrl,
    sshUrl: urls.sshUrl,
    displayOrder: r.displayOrder,
    pushedAt: isoOrNull(r.pushedAt),
    createdUser: userRef(store, r.createdUserId),
    created: isoSeconds(r.created),
    updatedUser: userRef(store, r.updatedUserId),
    updated: isoSeconds(r.updated),
  };
}

export function pullRequestStatusJson(statusId: number) {
  return PULL_REQUEST_STATUSES.find((s) => s.id === statusId) ?? { id: statusId, name: '' };
}

/** A pull request; `issue` is the full linked issue (or null), as in get/update answers. */
export function pullRequestJson(store: Store, pr: PullRequestRec, lang: Lang) {
  const issue = pr.issueId === null ? undefined : store.issues.get(pr.issueId);
  return {
    id: pr.id,
    projectId: pr.projectId,
    repositoryId: pr.repositoryId,
    number: pr.number,
    summary: pr.summary,
    description: pr.description,
    base: pr.base,
    branch: pr.branch,
    status: pullRequestStatusJson(pr.statusId),
    assignee: userRef(store, pr.assigneeId),
    issue: issue ? issueJson(store, issue, lang) : null,
    baseCommit: pr.baseCommit,
    branchCommit: pr.branchCommit,
    mergeCommit: pr.mergeCommit,
    closeAt: isoOrNull(pr.closeAt),
    mergeAt: isoOrNull(pr.mergeAt),
    createdUser: userRef(store, pr.createdUserId),
    created: isoSeconds(pr.created),
    updatedUser: userRef(store, pr.updatedUserId),
    updated: isoSeconds(pr.updated),
    attachments: pr.attachmentIds
      .map((id) => store.attachments.get(id))
      .filter((a) => a !== undefined)
      .map((a) => attachmentJson(store, a)),
    stars: starsOf(store, 'pullRequest', pr.id),
  };
}

export function pullRequestCommentJson(store: Store, c: PullRequestCommentRec) {
  return {
    id: c.id,
    content: c.content,
    changeLog: c.changeLog.map((l) => ({ field: l.field, newValue: l.newValue, originalValue: l.originalValue })),
    createdUser: userRef(store, c.createdUserId),
    created: isoSeconds(c.created),
    updated: isoSeconds(c.updated),
    stars: starsOf(store, 'pullRequestComment', c.id),
    notifications: store.notifications.where('pullRequestCommentId', (n) => n.pullRequestCommentId, c.id).map((n) => commentNotificationJson(store, n)),
  };
}

export function exportGit(store: Store): Record<string, unknown> {
  return {
    repositories: store.repositories.all().map((r) => repositoryJson(store, r)),
    pullRequests: store.pullRequests.all().map((pr) => pullRequestJson(store, pr, store.space.lang)),
    pullRequestComments: store.pullRequestComments.all().map((c) => ({ ...pullRequestCommentJson(store, c), pullRequestId: c.pullRequestId })),
  };
}
