/**
 * Who may see and do what, as in Backlog (roleType: 1 Administrator, 2 Normal user, 3 Reporter,
 * 4 Viewer, 5 Guest reporter, 6 Guest viewer). The table is documented in the README.
 *
 * - Projects: administrators see every project (`all=true`); everyone else only projects they
 *   belong to, directly or through a team. A project the caller cannot see is "No project." (404).
 * - Viewers and guest viewers (4, 6) may not write anything but their own watchings, stars and
 *   notification read marks.
 * - Project settings (statuses, issue types, categories, versions, custom fields, members,
 *   webhooks) need a space administrator or a project administrator.
 * - Git repositories and pull requests: administrators and normal users only (docs: "Role:
 *   Administrator, Normal user").
 * - A switched-off feature (Git, Wiki, file sharing, documents) answers 403 / code 5 with
 *   Backlog's message key.
 */
import { badRequest, featureRestricted, forbidden, noResource } from './errors.js';
import type { Ctx } from './route.js';
import type { IssueRec, ProjectRec, Store, UserRec } from './store.js';

export function isAdmin(user: UserRec): boolean {
  return user.roleType === 1;
}

export function isGuest(user: UserRec): boolean {
  return user.roleType === 5 || user.roleType === 6;
}

export function isReadOnlyRole(user: UserRec): boolean {
  return user.roleType === 4 || user.roleType === 6;
}

/** Members of a project: direct members plus members of its teams. */
export function projectMemberIds(store: Store, project: ProjectRec): number[] {
  const ids = new Set(project.memberIds);
  for (const teamId of project.teamIds) for (const id of store.teams.get(teamId)?.memberIds ?? []) ids.add(id);
  return [...ids].sort((a, b) => a - b);
}

export function isMember(store: Store, project: ProjectRec, userId: number): boolean {
  if (project.memberIds.includes(userId)) return true;
  return project.teamIds.some((t) => store.teams.get(t)?.memberIds.includes(userId));
}

export function canSeeProject(store: Store, project: ProjectRec, user: UserRec): boolean {
  return isAdmin(user) || isMember(store, project, user.id);
}

export function visibleProjects(store: Store, user: UserRec): ProjectRec[] {
  return store.projects.all().filter((p) => canSeeProject(store, p, user));
}

export function findProject(store: Store, idOrKey: string): ProjectRec | undefined {
  if (/^\d+$/.test(idOrKey)) return store.projects.get(Number(idOrKey));
  return store.projects.all().find((p) => p.projectKey === idOrKey);
}

/** The project named by id or key, if the caller may see it; else 404 "No project." */
export function projectFor(ctx: Ctx, idOrKey: string | number): ProjectRec {
  const project = findProject(ctx.store, String(idOrKey));
  if (!project || !canSeeProject(ctx.store, project, ctx.user)) throw noResource('No project.');
  return project;
}

export function isProjectAdmin(store: Store, project: ProjectRec, user: UserRec): boolean {
  return isAdmin(user) || (user.roleType === 2 && project.adminIds.includes(user.id));
}

export function requireProjectAdmin(ctx: Ctx, project: ProjectRec): void {
  if (!isProjectAdmin(ctx.store, project, ctx.user)) throw forbidden();
}

export function requireAdmin(ctx: Ctx): void {
  if (!isAdmin(ctx.user)) throw forbidden();
}

/** Writes to content (issues, comments, wikis…) need a role that may write. */
export function requireWriter(ctx: Ctx): void {
  if (isReadOnlyRole(ctx.user)) throw forbidden();
}

/** Reporters may only edit what they created; administrators and normal users edit anything. */
export function requireEditor(ctx: Ctx, createdUserId: number): void {
  requireWriter(ctx);
  if ((ctx.user.roleType === 3 || ctx.user.roleType === 5) && createdUserId !== ctx.user.id) throw forbidden();
}

export function requireFeature(project: ProjectRec, feature: 'git' | 'wiki' | 'file' | 'document'): void {
  const on = feature === 'git' ? project.useGit : feature === 'wiki' ? project.useWiki : feature === 'file' ? project.useFileSharing : project.useDocument;
  if (!on) throw featureRestricted(feature);
}

/** Git is for administrators and normal users only. */
export function requireGitRole(ctx: Ctx): void {
  if (ctx.user.roleType !== 1 && ctx.user.roleType !== 2) throw forbidden();
}

export function findIssue(store: Store, idOrKey: string): IssueRec | undefined {
  if (/^\d+$/.test(idOrKey)) return store.issues.get(Number(idOrKey));
  const id = store.issueByKey.get(idOrKey);
  return id === undefined ? undefined : store.issues.get(id);
}

/** The issue named by id or key, if the caller may see its project; else 404 "No issue." */
export function issueFor(ctx: Ctx, idOrKey: string | number): IssueRec {
  const issue = findIssue(ctx.store, String(idOrKey));
  const project = issue && ctx.store.projects.get(issue.projectId);
  if (!issue || !project || !canSeeProject(ctx.store, project, ctx.user)) throw noResource('No issue.');
  return issue;
}

/**
 * The issue a form parameter names (`issueIdOrKey` of watchings and recently viewed): a missing
 * or invisible issue is a bad parameter (400 naming it), not a missing resource.
 */
export function issueNamedBy(ctx: Ctx, param: string): IssueRec {
  const key = String(ctx.params[param]);
  try {
    return issueFor(ctx, key);
  } catch {
    throw badRequest(`Invalid parameter '${param}': no issue '${key}'.`);
  }
}
