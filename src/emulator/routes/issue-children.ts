/**
 * What hangs off an issue (backlog-api.md §10.2, §10.3): comments and their notifications,
 * participants, attachments, linked shared files and related issues.
 *
 * Decisions where the reference is silent (stricter reading):
 * - Comments: only the author may edit or delete a comment, or add notifications to it; viewers
 *   (roles 4 and 6) cannot comment. A comment updates the issue's `updated`/`updatedUser`.
 * - Participants: the creator, the assignee and every commenter, distinct, in user id order.
 * - Attachments: the download is the uploaded bytes, or deterministic content generated from the
 *   attachment id with exactly the recorded size. Deleting needs the right to edit the issue
 *   (reporters: their own issues) or being the uploader.
 * - Shared files: `fileId[]` must name files (not directories) of the issue's project; linking an
 *   already linked file is not an error; the answer lists the files named in the request.
 *   Changing links needs the right to edit the issue.
 * - Related issues: stored on both issues. The target must be an issue the caller can see (else
 *   400 naming targetIssueId). Linking an already linked issue, or the issue itself, changes
 *   nothing and answers the target as it is. More than 50 links on either issue is 400 / code 9.
 *   Removing a link that does not exist is 404 "No related issue.".
 */
import { canSeeProject, issueFor, requireEditor, requireFeature, requireWriter } from '../access.js';
import { ApiFailure, ErrorCode, badRequest, forbidden, noResource } from '../errors.js';
import { Reason, addComment, attachToIssue, attachmentChanges, issueUrl, notifyUsers, pendingAttachments, requireMembers } from '../issues/effects.js';
import { PAGING_KEYSET, int, ints, str } from '../params.js';
import { attachmentBytes, contentTypeOf } from '../content.js';
import { binary, created, type Ctx, type Route } from '../route.js';
import { attachmentJson, commentJson, commentNotificationJson, issueJson, sharedFileJson, userJson } from '../serialize/core.js';
import type { AttachmentRec, CommentRec, IssueRec, ProjectRec, Store } from '../store.js';

const MAX_RELATED = 50;
const I = '/api/v2/issues/:issueIdOrKey';

function theIssue(ctx: Ctx): IssueRec {
  return issueFor(ctx, ctx.path.issueIdOrKey as string);
}

function projectOf(store: Store, issue: IssueRec): ProjectRec {
  return store.projects.get(issue.projectId) as ProjectRec;
}

function numericPath(ctx: Ctx, name: string): number | undefined {
  const raw = ctx.path[name] ?? '';
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

function commentsOf(store: Store, issue: IssueRec): readonly CommentRec[] {
  return store.comments.where('issueId', (c) => c.issueId, issue.id);
}

function theComment(ctx: Ctx, issue: IssueRec): CommentRec {
  const id = numericPath(ctx, 'commentId');
  const comment = id === undefined ? undefined : ctx.store.comments.get(id);
  if (!comment || comment.issueId !== issue.id) throw noResource('No comment.');
  return comment;
}

function requireAuthor(ctx: Ctx, comment: CommentRec): void {
  requireWriter(ctx);
  if (comment.createdUserId !== ctx.user.id) throw forbidden('Only the author of the comment may do this.');
}

// ---- comments ----------------------------------------------------------------------------------

function listComments(ctx: Ctx) {
  const p = ctx.params;
  const issue = theIssue(ctx);
  const minId = int(p, 'minId');
  const maxId = int(p, 'maxId');
  const count = int(p, 'count') ?? 20;
  const desc = (str(p, 'order') ?? 'desc') === 'desc';
  const all = commentsOf(ctx.store, issue);
  const page: CommentRec[] = [];
  for (let k = 0; k < all.length && page.length < count; k++) {
    const c = all[desc ? all.length - 1 - k : k] as CommentRec;
    if ((minId !== undefined && c.id < minId) || (maxId !== undefined && c.id > maxId)) continue;
    page.push(c);
  }
  return page.map((c) => commentJson(ctx.store, c));
}

function postComment(ctx: Ctx) {
  const store = ctx.store;
  const p = ctx.params;
  const issue = theIssue(ctx);
  requireWriter(ctx);
  const content = str(p, 'content') as string;
  if (content.trim() === '') throw badRequest("Missing required parameter 'content'.");
  const project = projectOf(store, issue);
  const notified = ints(p, 'notifiedUserId') ?? [];
  requireMembers(store, project, notified, 'notifiedUserId[]');
  const attachments = pendingAttachments(ctx, ints(p, 'attachmentId') ?? []);
  attachToIssue(issue, attachments);
  const comment = addComment(ctx, issue, content, attachmentChanges(attachments), attachments);
  notifyUsers(ctx, issue, notified, Reason.Commented, comment.id);
  return created(commentJson(store, comment), `${issueUrl(store, issue)}#comment-${comment.id}`);
}

function countComments(ctx: Ctx) {
  return { count: commentsOf(ctx.store, theIssue(ctx)).length };
}

function getComment(ctx: Ctx) {
  return commentJson(ctx.store, theComment(ctx, theIssue(ctx)));
}

function patchComment(ctx: Ctx) {
  const comment = theComment(ctx, theIssue(ctx));
  requireAuthor(ctx, comment);
  const content = str(ctx.params, 'content') as string;
  if (content.trim() === '') throw badRequest("Missing required parameter 'content'.");
  comment.content = content;
  comment.updated = ctx.now();
  return commentJson(ctx.store, comment);
}

function deleteComment(ctx: Ctx) {
  const store = ctx.store;
  const comment = theComment(ctx, theIssue(ctx));
  requireAuthor(ctx, comment);
  const body = commentJson(store, comment);
  for (const s of store.stars.where('target', (x) => `${x.target}:${x.targetId}`, `comment:${comment.id}`)) store.stars.delete(s.id);
  for (const n of [...store.notifications.where('commentId', (x) => x.commentId, comment.id)]) store.notifications.delete(n.id);
  store.comments.delete(comment.id);
  return body;
}

function commentNotifications(ctx: Ctx) {
  const comment = theComment(ctx, theIssue(ctx));
  return ctx.store.notifications.where('commentId', (n) => n.commentId, comment.id).map((n) => commentNotificationJson(ctx.store, n));
}

function addCommentNotifications(ctx: Ctx) {
  const store = ctx.store;
  const issue = theIssue(ctx);
  const comment = theComment(ctx, issue);
  requireAuthor(ctx, comment);
  const ids = ints(ctx.params, 'notifiedUserId') ?? [];
  requireMembers(store, projectOf(store, issue), ids, 'notifiedUserId[]');
  // A user already notified of this comment is not notified twice.
  const already = new Set(store.notifications.where('commentId', (n) => n.commentId, comment.id).map((n) => n.userId));
  notifyUsers(
    ctx,
    issue,
    ids.filter((id) => !already.has(id)),
    Reason.Commented,
    comment.id,
  );
  return commentJson(store, comment);
}

// ---- participants and attachments --------------------------------------------------------------

function participants(ctx: Ctx) {
  const store = ctx.store;
  const issue = theIssue(ctx);
  const ids = new Set<number>([issue.createdUserId]);
  if (issue.assigneeId !== null) ids.add(issue.assigneeId);
  for (const c of commentsOf(store, issue)) ids.add(c.createdUserId);
  return [...ids]
    .sort((a, b) => a - b)
    .map((id) => store.users.get(id))
    .filter((u) => u !== undefined)
    .map(userJson);
}

function theAttachment(ctx: Ctx, issue: IssueRec): AttachmentRec {
  const id = numericPath(ctx, 'attachmentId');
  const a = id === undefined || !issue.attachmentIds.includes(id) ? undefined : ctx.store.attachments.get(id);
  if (!a) throw noResource('No attachment.');
  return a;
}

function listAttachments(ctx: Ctx) {
  const store = ctx.store;
  return theIssue(ctx)
    .attachmentIds.map((id) => store.attachments.get(id))
    .filter((a) => a !== undefined)
    .map((a) => attachmentJson(store, a));
}

function downloadAttachment(ctx: Ctx) {
  const a = theAttachment(ctx, theIssue(ctx));
  return binary(attachmentBytes(a), a.name, contentTypeOf(a.name));
}

function deleteAttachment(ctx: Ctx) {
  const store = ctx.store;
  const issue = theIssue(ctx);
  const a = theAttachment(ctx, issue);
  requireWriter(ctx);
  if (a.createdUserId !== ctx.user.id) requireEditor(ctx, issue.createdUserId);
  const body = attachmentJson(store, a);
  issue.attachmentIds = issue.attachmentIds.filter((id) => id !== a.id);
  store.attachments.delete(a.id);
  return body;
}

// ---- shared files ------------------------------------------------------------------------------

function listSharedFiles(ctx: Ctx) {
  const store = ctx.store;
  return theIssue(ctx)
    .sharedFileIds.map((id) => store.sharedFiles.get(id))
    .filter((f) => f !== undefined)
    .map((f) => sharedFileJson(store, f));
}

function linkSharedFiles(ctx: Ctx) {
  const store = ctx.store;
  const issue = theIssue(ctx);
  requireEditor(ctx, issue.createdUserId);
  const project = projectOf(store, issue);
  requireFeature(project, 'file');
  const ids = [...new Set(ints(ctx.params, 'fileId') ?? [])];
  const files = ids.map((id) => {
    const f = store.sharedFiles.get(id);
    if (!f || f.projectId !== project.id || f.type !== 'file') {
      throw badRequest(`Invalid parameter 'fileId[]': no shared file with id ${id} in project ${project.projectKey}.`);
    }
    return f;
  });
  for (const f of files) if (!issue.sharedFileIds.includes(f.id)) issue.sharedFileIds.push(f.id);
  return files.map((f) => sharedFileJson(store, f));
}

function unlinkSharedFile(ctx: Ctx) {
  const store = ctx.store;
  const issue = theIssue(ctx);
  requireEditor(ctx, issue.createdUserId);
  const id = numericPath(ctx, 'id');
  const file = id === undefined || !issue.sharedFileIds.includes(id) ? undefined : store.sharedFiles.get(id);
  if (!file) throw noResource('No shared file.');
  issue.sharedFileIds = issue.sharedFileIds.filter((x) => x !== file.id);
  return sharedFileJson(store, file);
}

// ---- related issues ------------------------------------------------------------------------

function relatedJson(ctx: Ctx, issue: IssueRec) {
  return { ...issueJson(ctx.store, issue, ctx.lang), type: 'RELATES' };
}

function listRelated(ctx: Ctx) {
  const store = ctx.store;
  return theIssue(ctx)
    .relatedIssueIds.map((id) => store.issues.get(id))
    .filter((i): i is IssueRec => {
      const project = i && store.projects.get(i.projectId);
      return project !== undefined && canSeeProject(store, project, ctx.user);
    })
    .map((i) => relatedJson(ctx, i));
}

function addRelated(ctx: Ctx) {
  const store = ctx.store;
  const issue = theIssue(ctx);
  requireEditor(ctx, issue.createdUserId);
  const targetId = int(ctx.params, 'targetIssueId') as number;
  const target = store.issues.get(targetId);
  const targetProject = target && store.projects.get(target.projectId);
  if (!target || !targetProject || !canSeeProject(store, targetProject, ctx.user)) {
    throw badRequest(`Invalid parameter 'targetIssueId': no issue with id ${targetId}.`);
  }
  if (target.id !== issue.id && !issue.relatedIssueIds.includes(target.id)) {
    if (issue.relatedIssueIds.length >= MAX_RELATED || target.relatedIssueIds.length >= MAX_RELATED) {
      throw new ApiFailure(400, ErrorCode.ResourceOverflowError, `An issue can have at most ${MAX_RELATED} related issues.`);
    }
    issue.relatedIssueIds.push(target.id);
    target.relatedIssueIds.push(issue.id);
  }
  return relatedJson(ctx, target);
}

function removeRelated(ctx: Ctx) {
  const store = ctx.store;
  const issue = theIssue(ctx);
  requireEditor(ctx, issue.createdUserId);
  const id = numericPath(ctx, 'relatedIssueId');
  const target = id === undefined || !issue.relatedIssueIds.includes(id) ? undefined : store.issues.get(id);
  if (!target) throw noResource('No related issue.');
  issue.relatedIssueIds = issue.relatedIssueIds.filter((x) => x !== target.id);
  target.relatedIssueIds = target.relatedIssueIds.filter((x) => x !== issue.id);
  return relatedJson(ctx, target);
}

export const ISSUE_CHILDREN_ROUTES: Route[] = [
  { method: 'GET', pattern: `${I}/comments/count`, handler: countComments },
  { method: 'GET', pattern: `${I}/comments`, params: PAGING_KEYSET, handler: listComments },
  {
    method: 'POST',
    pattern: `${I}/comments`,
    params: { content: { type: 'string', required: true }, 'notifiedUserId[]': 'intArray', 'attachmentId[]': 'intArray' },
    handler: postComment,
  },
  { method: 'GET', pattern: `${I}/comments/:commentId`, handler: getComment },
  { method: 'PATCH', pattern: `${I}/comments/:commentId`, params: { content: { type: 'string', required: true } }, handler: patchComment },
  { method: 'DELETE', pattern: `${I}/comments/:commentId`, handler: deleteComment },
  { method: 'GET', pattern: `${I}/comments/:commentId/notifications`, handler: commentNotifications },
  {
    method: 'POST',
    pattern: `${I}/comments/:commentId/notifications`,
    params: { 'notifiedUserId[]': { type: 'intArray', required: true } },
    handler: addCommentNotifications,
  },
  { method: 'GET', pattern: `${I}/participants`, handler: participants },
  { method: 'GET', pattern: `${I}/attachments`, handler: listAttachments },
  { method: 'GET', pattern: `${I}/attachments/:attachmentId`, handler: downloadAttachment },
  { method: 'DELETE', pattern: `${I}/attachments/:attachmentId`, handler: deleteAttachment },
  { method: 'GET', pattern: `${I}/sharedFiles`, handler: listSharedFiles },
  { method: 'POST', pattern: `${I}/sharedFiles`, params: { 'fileId[]': { type: 'intArray', required: true } }, handler: linkSharedFiles },
  { method: 'DELETE', pattern: `${I}/sharedFiles/:id`, handler: unlinkSharedFile },
  { method: 'GET', pattern: `${I}/relatedIssues`, handler: listRelated },
  { method: 'POST', pattern: `${I}/relatedIssues`, params: { targetIssueId: { type: 'int', required: true } }, handler: addRelated },
  { method: 'DELETE', pattern: `${I}/relatedIssues/:relatedIssueId`, handler: removeRelated },
];
