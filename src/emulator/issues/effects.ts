/**
 * Side effects shared by the issue routes: notifications, comments with change logs, activities,
 * attachment hand-over and the checks on referenced users and parents.
 */
import { isMember } from '../access.js';
import { recordActivity } from '../activity.js';
import { badRequest } from '../errors.js';
import type { Ctx } from '../route.js';
import { claimUpload } from '../routes/space.js';
import { issueKeyOf, webBase } from '../serialize/core.js';
import type { AttachmentRec, ChangeLogRec, CommentRec, IssueRec, ProjectRec, Store } from '../store.js';
import { childrenByParent } from './filter.js';

/** Notification reasons (backlog-api.md §13). */
export const Reason = { Assigned: 1, Commented: 2, IssueAdded: 3, IssueUpdated: 4 } as const;

export function issueUrl(store: Store, issue: IssueRec): string {
  return `${webBase(store)}/view/${issueKeyOf(store, issue)}`;
}

/** Every id must be a member of the project (directly or through a team); else 400 naming `param` and every outsider. */
export function requireMembers(store: Store, project: ProjectRec, ids: readonly number[], param: string): void {
  const outsiders = ids.filter((id) => !store.users.get(id) || !isMember(store, project, id));
  if (outsiders.length === 1) throw badRequest(`Invalid parameter '${param}': user ${outsiders[0]} is not a member of project ${project.projectKey}.`);
  if (outsiders.length > 1) throw badRequest(`Invalid parameter '${param}': users ${outsiders.join(', ')} are not members of project ${project.projectKey}.`);
}

/** Inbox notifications for `userIds` (distinct), optionally tied to a comment. */
export function notifyUsers(ctx: Ctx, issue: IssueRec, userIds: readonly number[], reason: number, commentId: number | null): void {
  const store = ctx.store;
  for (const userId of new Set(userIds)) {
    store.notifications.insert({
      id: store.nextId('notification'),
      userId,
      alreadyRead: false,
      resourceAlreadyRead: false,
      reason,
      projectId: issue.projectId,
      issueId: issue.id,
      commentId,
      repositoryId: null,
      pullRequestId: null,
      pullRequestCommentId: null,
      senderId: ctx.user.id,
      created: ctx.now(),
    });
  }
}

/**
 * Attachments named by `attachmentId[]`: uploads (`POST /space/attachment`) by the caller that are
 * still unattached (see claimUpload). Validates all before the caller changes anything.
 */
export function pendingAttachments(ctx: Ctx, ids: readonly number[]): AttachmentRec[] {
  return [...new Set(ids)].map((id) => claimUpload(ctx, id, 'attachmentId[]'));
}

/** Hand uploaded attachments over to the issue. */
export function attachToIssue(issue: IssueRec, attachments: readonly AttachmentRec[]): void {
  for (const a of attachments) {
    a.owner = 'issue';
    a.ownerId = issue.id;
    if (!issue.attachmentIds.includes(a.id)) issue.attachmentIds.push(a.id);
  }
}

export function changeEntry(field: string, originalValue: string | null, newValue: string | null, extra: Partial<ChangeLogRec> = {}): ChangeLogRec {
  return { field, newValue, originalValue, attachmentInfo: null, attributeInfo: null, notificationInfo: null, ...extra };
}

export function attachmentChanges(attachments: readonly AttachmentRec[]): ChangeLogRec[] {
  return attachments.map((a) => changeEntry('attachment', null, a.name, { attachmentInfo: { id: a.id, type: 'file' } }));
}

/** Activity content of an issue update or comment (backlog-api.md §7.23, snake_case). */
function activityContent(store: Store, issue: IssueRec, comment: CommentRec | null, attachments: readonly AttachmentRec[]) {
  return {
    id: issue.id,
    key_id: issue.keyId,
    summary: issue.summary,
    description: issue.description,
    comment: comment ? { id: comment.id, content: comment.content ?? '' } : null,
    changes: (comment?.changeLog ?? [])
      .filter((c) => c.field !== 'attachment')
      .map((c) => ({ field: c.field, new_value: c.newValue ?? '', old_value: c.originalValue ?? '', type: c.attributeInfo ? 'customAttribute' : 'standard' })),
    attachments: attachments.map((a) => ({ id: a.id, name: a.name, size: a.size })),
    shared_files: [],
    external_file_links: [],
  };
}

/**
 * Add a comment (content and/or change log) to an issue, touch the issue's `updated`, and record
 * the activity: IssueUpdated (2) when the comment carries changes, else IssueCommented (3).
 */
export function addComment(
  ctx: Ctx,
  issue: IssueRec,
  content: string | null,
  changeLog: ChangeLogRec[],
  attachments: readonly AttachmentRec[] = [],
): CommentRec {
  const store = ctx.store;
  const now = ctx.now();
  const comment = store.comments.insert({
    id: store.nextId('comment'),
    projectId: issue.projectId,
    issueId: issue.id,
    content,
    changeLog,
    createdUserId: ctx.user.id,
    created: now,
    updated: now,
  });
  issue.updated = now;
  issue.updatedUserId = ctx.user.id;
  const changed = changeLog.some((c) => c.field !== 'attachment');
  recordActivity(store, {
    projectId: issue.projectId,
    type: changed ? 2 : 3,
    content: activityContent(store, issue, comment, attachments),
    createdUserId: ctx.user.id,
    created: now,
  });
  return comment;
}

/** 1 = top level, 2 = child, 3 = grandchild. */
export function issueLevel(store: Store, issue: IssueRec): number {
  let level = 1;
  let cur: IssueRec | undefined = issue;
  while (cur && cur.parentIssueId !== null && level < 10) {
    cur = store.issues.get(cur.parentIssueId);
    level++;
  }
  return level;
}

/** Levels in the issue's own subtree (1 = no children). */
function subtreeHeight(store: Store, issue: IssueRec, depth = 0): number {
  if (depth > 10) return 1;
  const children = childrenByParent(store).get(issue.id) ?? [];
  let h = 1;
  for (const c of children) h = Math.max(h, 1 + subtreeHeight(store, c, depth + 1));
  return h;
}

/**
 * `parentIssueId` must name an issue of the same project with subtasking on; the hierarchy may
 * have two levels, or three with grandchild issues enabled; no cycles.
 */
export function validateParent(store: Store, project: ProjectRec, issue: IssueRec | null, parentId: number): IssueRec {
  const parent = store.issues.get(parentId);
  if (!parent || parent.projectId !== project.id) {
    throw badRequest(`Invalid parameter 'parentIssueId': no issue with id ${parentId} in project ${project.projectKey}.`);
  }
  if (!project.subtaskingEnabled) {
    throw badRequest(`Invalid parameter 'parentIssueId': project ${project.projectKey} does not use child issues.`);
  }
  if (issue) {
    for (let cur: IssueRec | undefined = parent; cur; cur = cur.parentIssueId === null ? undefined : store.issues.get(cur.parentIssueId)) {
      if (cur.id === issue.id) throw badRequest("Invalid parameter 'parentIssueId': an issue cannot be its own ancestor.");
    }
  }
  const maxLevels = project.grandchildIssueEnabled ? 3 : 2;
  const height = issue ? subtreeHeight(store, issue) : 1;
  if (issueLevel(store, parent) + height > maxLevels) {
    throw badRequest(`Invalid parameter 'parentIssueId': issue ${parentId} cannot take a child here (at most ${maxLevels} levels).`);
  }
  return parent;
}
