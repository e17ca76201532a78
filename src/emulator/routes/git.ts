/**
 * Git repositories and pull requests (docs/backlog-api.md §11.3, shapes §7.17-§7.18).
 *
 * Every route: the project must be visible (404 "No project."), have Git on (403
 * `msg.featureRestrictedError.title.git`) and the caller must be an Administrator or Normal user
 * (403; docs: "Role: Administrator, Normal user").
 *
 * Decisions where the reference is silent or unverified:
 * - Pull request lists come newest first (by number, descending); there is no `order` parameter.
 * - `POST …/pullRequests` answers 201 with a Location (§15 item 11: Backlog's convention for
 *   creates); so does `POST …/comments`, like issue comments.
 * - `issueId` must name an issue of the same project, `assigneeId` and `notifiedUserId[]` members
 *   of the project, `attachmentId[]` the caller's own uploads from the last hour: else 400 naming
 *   the parameter. `issueId`/`assigneeId` may be sent empty on PATCH to clear them.
 * - PATCH records a pull-request comment carrying the change log (and `comment`, if sent) when
 *   anything changed or a comment was given, as Backlog's history shows. `comment` is a single
 *   string (docs); backlog-js types it `string[]` and would send `comment[]`, which is refused as
 *   an unknown parameter rather than silently dropped.
 * - Notified users get inbox notifications: reason 12 (PR added), 13 (PR updated), 11 (PR
 *   commented), linked to the comment where there is one.
 * - Comment edits are allowed to the comment's author only (docs), others get 403.
 * - New pull requests get branch/base commit hashes derived from repository and branch names.
 */
import { createHash } from 'node:crypto';
import { isMember, projectFor, requireFeature, requireGitRole } from '../access.js';
import { ActivityType, recordActivity } from '../activity.js';
import { badRequest, forbidden, noResource } from '../errors.js';
import { PAGING_KEYSET, has, int, ints, str, type ParamsSpec } from '../params.js';
import { binary, created, type Ctx, type Route } from '../route.js';
import { attachmentJson, issueKeyOf, webBase } from '../serialize/core.js';
import { pullRequestCommentJson, pullRequestJson, repositoryJson } from '../serialize/git.js';
import { attachmentBytes, contentTypeOf } from '../content.js';
import type { AttachmentRec, ProjectRec, PullRequestCommentRec, PullRequestRec, RepositoryRec } from '../store.js';
import { claimUploads, keysetPage } from './wikis.js';

const BASE = '/api/v2/projects/:projectIdOrKey/git/repositories';

function gitProject(ctx: Ctx): ProjectRec {
  const project = projectFor(ctx, ctx.path.projectIdOrKey ?? '');
  requireFeature(project, 'git');
  requireGitRole(ctx);
  return project;
}

function repoFor(ctx: Ctx): { project: ProjectRec; repo: RepositoryRec } {
  const project = gitProject(ctx);
  const raw = ctx.path.repoIdOrName ?? '';
  const repos = ctx.store.repositories.where('projectId', (r) => r.projectId, project.id);
  const repo = /^\d+$/.test(raw) ? repos.find((r) => r.id === Number(raw)) : repos.find((r) => r.name === raw);
  if (!repo) throw noResource('No repository.');
  return { project, repo };
}

function pullRequestsOf(ctx: Ctx, repositoryId: number): readonly PullRequestRec[] {
  return ctx.store.pullRequests.where('repositoryId', (p) => p.repositoryId, repositoryId);
}

function prFor(ctx: Ctx): { project: ProjectRec; repo: RepositoryRec; pr: PullRequestRec } {
  const { project, repo } = repoFor(ctx);
  const raw = ctx.path.number ?? '';
  const pr = /^\d+$/.test(raw) ? pullRequestsOf(ctx, repo.id).find((p) => p.number === Number(raw)) : undefined;
  if (!pr) throw noResource('No pull request.');
  return { project, repo, pr };
}

function commentsOf(ctx: Ctx, pullRequestId: number): readonly PullRequestCommentRec[] {
  return ctx.store.pullRequestComments.where('pullRequestId', (c) => c.pullRequestId, pullRequestId);
}

function prAttachmentFor(ctx: Ctx, pr: PullRequestRec): AttachmentRec {
  const raw = ctx.path.attachmentId ?? '';
  const id = /^\d+$/.test(raw) ? Number(raw) : NaN;
  const a = pr.attachmentIds.includes(id) ? ctx.store.attachments.get(id) : undefined;
  if (!a) throw noResource('No attachment.');
  return a;
}

const FILTERS: ParamsSpec = {
  'statusId[]': 'intArray',
  'assigneeId[]': 'intArray',
  'issueId[]': 'intArray',
  'createdUserId[]': 'intArray',
  offset: { type: 'int', min: 0 },
  count: { type: 'int', min: 1, max: 100 },
};

function filtered(ctx: Ctx, repo: RepositoryRec): PullRequestRec[] {
  const statusIds = ints(ctx.params, 'statusId');
  for (const s of statusIds ?? [])
    if (s < 1 || s > 3) throw badRequest(`Invalid parameter 'statusId[]': ${s} is not a pull request status (1 Open, 2 Closed, 3 Merged).`);
  const assignees = ints(ctx.params, 'assigneeId');
  const issues = ints(ctx.params, 'issueId');
  const creators = ints(ctx.params, 'createdUserId');
  const inList = (list: number[] | undefined, v: number | null) => !list || list.length === 0 || (v !== null && list.includes(v));
  return pullRequestsOf(ctx, repo.id).filter(
    (p) => inList(statusIds, p.statusId) && inList(assignees, p.assigneeId) && inList(issues, p.issueId) && inList(creators, p.createdUserId),
  );
}

function checkMember(ctx: Ctx, project: ProjectRec, id: number, param: string): void {
  if (!ctx.store.users.get(id) || !isMember(ctx.store, project, id))
    throw badRequest(`Invalid parameter '${param}': user ${id} is not a member of the project.`);
}

function checkIssue(ctx: Ctx, project: ProjectRec, id: number): void {
  const issue = ctx.store.issues.get(id);
  if (!issue || issue.projectId !== project.id) throw badRequest(`Invalid parameter 'issueId': no issue with id ${id} in this project.`);
}

function notify(
  ctx: Ctx,
  project: ProjectRec,
  repo: RepositoryRec,
  pr: PullRequestRec,
  userIds: number[] | undefined,
  reason: number,
  commentId: number | null,
): void {
  for (const userId of new Set(userIds ?? [])) {
    ctx.store.notifications.insert({
      id: ctx.store.nextId('notification'),
      userId,
      alreadyRead: false,
      resourceAlreadyRead: false,
      reason,
      projectId: project.id,
      issueId: null,
      commentId: null,
      repositoryId: repo.id,
      pullRequestId: pr.id,
      pullRequestCommentId: commentId,
      senderId: ctx.user.id,
      created: ctx.now(),
    });
  }
}

function activityContent(ctx: Ctx, repo: RepositoryRec, pr: PullRequestRec, comment: PullRequestCommentRec | null) {
  const issue = pr.issueId === null ? undefined : ctx.store.issues.get(pr.issueId);
  return {
    id: pr.id,
    number: pr.number,
    summary: pr.summary,
    description: pr.description,
    comment: comment ? { id: comment.id, content: comment.content } : null,
    changes: (comment?.changeLog ?? []).map((c) => ({ field: c.field, new_value: c.newValue, old_value: c.originalValue })),
    issue: issue
      ? { id: issue.id, key_id: issue.keyId, issue_key: issueKeyOf(ctx.store, issue), summary: issue.summary, description: issue.description }
      : null,
    repository: { id: repo.id, name: repo.name, description: repo.description },
  };
}

function commitHash(...parts: (string | number)[]): string {
  return createHash('sha1').update(parts.join('\0')).digest('hex');
}

function prUrl(ctx: Ctx, project: ProjectRec, repo: RepositoryRec, pr: PullRequestRec): string {
  return `${webBase(ctx.store)}/git/${project.projectKey}/${repo.name}/pullRequests/${pr.number}`;
}

export const GIT_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: BASE,
    handler: (ctx) => {
      const project = gitProject(ctx);
      return [...ctx.store.repositories.where('projectId', (r) => r.projectId, project.id)]
        .sort((a, b) => a.displayOrder - b.displayOrder || a.id - b.id)
        .map((r) => repositoryJson(ctx.store, r));
    },
  },
  {
    method: 'GET',
    pattern: `${BASE}/:repoIdOrName`,
    handler: (ctx) => repositoryJson(ctx.store, repoFor(ctx).repo),
  },
  {
    method: 'GET',
    pattern: `${BASE}/:repoIdOrName/pullRequests`,
    params: FILTERS,
    handler: (ctx) => {
      const { repo } = repoFor(ctx);
      const offset = int(ctx.params, 'offset') ?? 0;
      const count = int(ctx.params, 'count') ?? 20;
      return filtered(ctx, repo)
        .sort((a, b) => b.number - a.number)
        .slice(offset, offset + count)
        .map((p) => pullRequestJson(ctx.store, p, ctx.lang));
    },
  },
  {
    method: 'GET',
    pattern: `${BASE}/:repoIdOrName/pullRequests/count`,
    params: FILTERS,
    handler: (ctx) => ({ count: filtered(ctx, repoFor(ctx).repo).length }),
  },
  {
    method: 'POST',
    pattern: `${BASE}/:repoIdOrName/pullRequests`,
    params: {
      summary: { type: 'string', required: true },
      description: { type: 'string', required: true },
      base: { type: 'string', required: true },
      branch: { type: 'string', required: true },
      issueId: 'int',
      assigneeId: 'int',
      'notifiedUserId[]': 'intArray',
      'attachmentId[]': 'intArray',
    },
    handler: (ctx) => {
      const { project, repo } = repoFor(ctx);
      const issueId = int(ctx.params, 'issueId') ?? null;
      const assigneeId = int(ctx.params, 'assigneeId') ?? null;
      if (issueId !== null) checkIssue(ctx, project, issueId);
      if (assigneeId !== null) checkMember(ctx, project, assigneeId, 'assigneeId');
      const notified = ints(ctx.params, 'notifiedUserId');
      for (const id of notified ?? []) checkMember(ctx, project, id, 'notifiedUserId[]');
      const now = ctx.now();
      const base = str(ctx.params, 'base') as string;
      const branch = str(ctx.params, 'branch') as string;
      const number = pullRequestsOf(ctx, repo.id).reduce((m, p) => Math.max(m, p.number), 0) + 1;
      const id = ctx.store.nextId('pullRequest');
      const attachments = claimUploads(ctx, ints(ctx.params, 'attachmentId') ?? [], 'pullRequest', id);
      const pr = ctx.store.pullRequests.insert({
        id,
        projectId: project.id,
        repositoryId: repo.id,
        number,
        summary: str(ctx.params, 'summary') as string,
        description: str(ctx.params, 'description') as string,
        base,
        branch,
        statusId: 1,
        assigneeId,
        issueId,
        baseCommit: commitHash(repo.id, base),
        branchCommit: commitHash(repo.id, branch),
        mergeCommit: null,
        closeAt: null,
        mergeAt: null,
        attachmentIds: attachments.map((a) => a.id),
        createdUserId: ctx.user.id,
        created: now,
        updatedUserId: ctx.user.id,
        updated: now,
      });
      notify(ctx, project, repo, pr, notified, 12, null);
      recordActivity(ctx.store, {
        projectId: project.id,
        type: ActivityType.PullRequestAdded,
        content: activityContent(ctx, repo, pr, null),
        createdUserId: ctx.user.id,
        created: now,
      });
      return created(pullRequestJson(ctx.store, pr, ctx.lang), prUrl(ctx, project, repo, pr));
    },
  },
  {
    method: 'GET',
    pattern: `${BASE}/:repoIdOrName/pullRequests/:number`,
    handler: (ctx) => pullRequestJson(ctx.store, prFor(ctx).pr, ctx.lang),
  },
  {
    method: 'PATCH',
    pattern: `${BASE}/:repoIdOrName/pullRequests/:number`,
    params: {
      summary: 'string',
      description: 'string',
      issueId: { type: 'int', nullable: true },
      assigneeId: { type: 'int', nullable: true },
      'notifiedUserId[]': 'intArray',
      comment: 'string',
    },
    handler: (ctx) => {
      const { project, repo, pr } = prFor(ctx);
      const p = ctx.params;
      if (str(p, 'summary') === '') throw badRequest("Invalid parameter 'summary': cannot be empty.");
      const issueId = has(p, 'issueId') ? (int(p, 'issueId') ?? null) : pr.issueId;
      const assigneeId = has(p, 'assigneeId') ? (int(p, 'assigneeId') ?? null) : pr.assigneeId;
      if (issueId !== null && issueId !== pr.issueId) checkIssue(ctx, project, issueId);
      if (assigneeId !== null && assigneeId !== pr.assigneeId) checkMember(ctx, project, assigneeId, 'assigneeId');
      const notified = ints(p, 'notifiedUserId');
      for (const id of notified ?? []) checkMember(ctx, project, id, 'notifiedUserId[]');

      const changes: PullRequestCommentRec['changeLog'] = [];
      const change = (field: string, before: string | null, after: string | null) => {
        if (before !== after) changes.push({ field, newValue: after, originalValue: before });
      };
      const summary = str(p, 'summary') ?? pr.summary;
      const description = str(p, 'description') ?? pr.description;
      change('summary', pr.summary, summary);
      change('description', pr.description, description);
      const issueKey = (id: number | null) => {
        const issue = id === null ? undefined : ctx.store.issues.get(id);
        return issue ? issueKeyOf(ctx.store, issue) : null;
      };
      change('issue', issueKey(pr.issueId), issueKey(issueId));
      const userName = (id: number | null) => (id === null ? null : (ctx.store.users.get(id)?.name ?? null));
      change('assignee', userName(pr.assigneeId), userName(assigneeId));

      const now = ctx.now();
      Object.assign(pr, { summary, description, issueId, assigneeId });
      pr.updatedUserId = ctx.user.id;
      pr.updated = now;
      const text = str(p, 'comment');
      let comment: PullRequestCommentRec | null = null;
      if (changes.length > 0 || (text !== undefined && text !== '')) {
        comment = ctx.store.pullRequestComments.insert({
          id: ctx.store.nextId('pullRequestComment'),
          pullRequestId: pr.id,
          content: text ?? '',
          changeLog: changes,
          createdUserId: ctx.user.id,
          created: now,
          updated: now,
        });
      }
      notify(ctx, project, repo, pr, notified, 13, comment?.id ?? null);
      recordActivity(ctx.store, {
        projectId: project.id,
        type: ActivityType.PullRequestUpdated,
        content: activityContent(ctx, repo, pr, comment),
        createdUserId: ctx.user.id,
        created: now,
      });
      return pullRequestJson(ctx.store, pr, ctx.lang);
    },
  },
  {
    method: 'GET',
    pattern: `${BASE}/:repoIdOrName/pullRequests/:number/comments`,
    params: PAGING_KEYSET,
    handler: (ctx) => {
      const { pr } = prFor(ctx);
      return keysetPage(commentsOf(ctx, pr.id), (c) => c.id, ctx.params).map((c) => pullRequestCommentJson(ctx.store, c));
    },
  },
  {
    method: 'POST',
    pattern: `${BASE}/:repoIdOrName/pullRequests/:number/comments`,
    params: { content: { type: 'string', required: true }, 'notifiedUserId[]': 'intArray', 'attachmentId[]': 'intArray' },
    handler: (ctx) => {
      const { project, repo, pr } = prFor(ctx);
      const notified = ints(ctx.params, 'notifiedUserId');
      for (const id of notified ?? []) checkMember(ctx, project, id, 'notifiedUserId[]');
      for (const a of claimUploads(ctx, ints(ctx.params, 'attachmentId') ?? [], 'pullRequest', pr.id)) pr.attachmentIds.push(a.id);
      const now = ctx.now();
      const comment = ctx.store.pullRequestComments.insert({
        id: ctx.store.nextId('pullRequestComment'),
        pullRequestId: pr.id,
        content: str(ctx.params, 'content') as string,
        changeLog: [],
        createdUserId: ctx.user.id,
        created: now,
        updated: now,
      });
      notify(ctx, project, repo, pr, notified, 11, comment.id);
      recordActivity(ctx.store, {
        projectId: project.id,
        type: ActivityType.PullRequestCommented,
        content: activityContent(ctx, repo, pr, comment),
        createdUserId: ctx.user.id,
        created: now,
      });
      return created(pullRequestCommentJson(ctx.store, comment), `${prUrl(ctx, project, repo, pr)}#comment-${comment.id}`);
    },
  },
  {
    method: 'GET',
    pattern: `${BASE}/:repoIdOrName/pullRequests/:number/comments/count`,
    handler: (ctx) => ({ count: commentsOf(ctx, prFor(ctx).pr.id).length }),
  },
  {
    method: 'PATCH',
    pattern: `${BASE}/:repoIdOrName/pullRequests/:number/comments/:commentId`,
    params: { content: { type: 'string', required: true } },
    handler: (ctx) => {
      const { pr } = prFor(ctx);
      const raw = ctx.path.commentId ?? '';
      const comment = /^\d+$/.test(raw) ? ctx.store.pullRequestComments.get(Number(raw)) : undefined;
      if (!comment || comment.pullRequestId !== pr.id) throw noResource('No comment.');
      if (comment.createdUserId !== ctx.user.id) throw forbidden();
      comment.content = str(ctx.params, 'content') as string;
      comment.updated = ctx.now();
      return pullRequestCommentJson(ctx.store, comment);
    },
  },
  {
    method: 'GET',
    pattern: `${BASE}/:repoIdOrName/pullRequests/:number/attachments`,
    handler: (ctx) => {
      const { pr } = prFor(ctx);
      return pr.attachmentIds
        .map((id) => ctx.store.attachments.get(id))
        .filter((a) => a !== undefined)
        .map((a) => attachmentJson(ctx.store, a));
    },
  },
  {
    method: 'GET',
    pattern: `${BASE}/:repoIdOrName/pullRequests/:number/attachments/:attachmentId`,
    handler: (ctx) => {
      const a = prAttachmentFor(ctx, prFor(ctx).pr);
      return binary(attachmentBytes(a), a.name, contentTypeOf(a.name));
    },
  },
  {
    method: 'DELETE',
    pattern: `${BASE}/:repoIdOrName/pullRequests/:number/attachments/:attachmentId`,
    handler: (ctx) => {
      const { pr } = prFor(ctx);
      const a = prAttachmentFor(ctx, pr);
      const body = attachmentJson(ctx.store, a);
      pr.attachmentIds = pr.attachmentIds.filter((id) => id !== a.id);
      ctx.store.attachments.delete(a.id);
      return body;
    },
  },
];
