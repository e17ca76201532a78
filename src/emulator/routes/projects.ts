/**
 * Projects, their icon and disk usage, members, administrators and teams
 * (docs/backlog-api.md §9.1, §9.2).
 *
 * Decisions where the reference is silent (stricter reading, ARCHITECTURE.md §9):
 * - The list is ordered by `displayOrder`, then id (Backlog's own order is not documented).
 * - A project key must start with an upper-case letter: an all-digit key would be ambiguous with
 *   a numeric project id in `projectIdOrKey`, and issue keys (`KEY-12`) need a letter prefix.
 * - Flags not sent on create take the defaults of a new project in a current space: Wiki off (the
 *   2026 docs banner), everything else as the UI offers it (charts off, subtasking off, file sharing,
 *   documents and Git on, Subversion off), text formatting from the space.
 * - Disk usage is administrators only, as its doc page says ("Role: Administrator").
 * - Removing a member also drops them from the project's administrators; members who belong only
 *   through a team cannot be removed here ("No such project member").
 */
import { ActivityType, recordActivity } from '../activity.js';
import { canSeeProject, isAdmin, isMember, projectFor, projectMemberIds, requireAdmin, requireProjectAdmin } from '../access.js';
import { badRequest } from '../errors.js';
import { bool, int, str, type Params, type ParamsSpec } from '../params.js';
import { binary, created, type Ctx, type Route } from '../route.js';
import { projectJson, userJson, webBase } from '../serialize/core.js';
import { pngIcon } from '../content.js';
import { projectDiskUsage, projectTeamJson } from '../serialize/project.js';
import { DEFAULT_ISSUE_TYPES, DEFAULT_STATUSES } from '../names.js';
import type { ProjectRec, Store, UserRec } from '../store.js';
import { statusKey } from '../store.js';

const P = '/api/v2/projects/:projectIdOrKey';

/** Activity types without a name in activity.ts (backlog-api.md §13). */
const PROJECT_GROUP_ADDED = 25;
const PROJECT_GROUP_DELETED = 26;

const FLAGS = [
  'chartEnabled',
  'useResolvedForChart',
  'subtaskingEnabled',
  'grandchildIssueEnabled',
  'projectLeaderCanEditProjectLeader',
  'useWiki',
  'useDocument',
  'useFileSharing',
  'useWikiTreeView',
  'useSubversion',
  'useGit',
  'useOriginalImageSizeAtWiki',
  'useDevAttributes',
] as const;
type Flag = (typeof FLAGS)[number];

const FLAG_SPEC: ParamsSpec = Object.fromEntries(FLAGS.map((f) => [f, 'bool']));

const KEY_RE = /^[A-Z][A-Z0-9_]*$/;

function checkKey(store: Store, key: string, except?: ProjectRec): void {
  if (!KEY_RE.test(key)) {
    throw badRequest(`Invalid parameter 'key': '${key}' must be upper-case letters, digits and underscores, starting with a letter.`);
  }
  const clash = store.projects.all().find((p) => p.projectKey === key && p !== except);
  if (clash) throw badRequest(`Invalid parameter 'key': the project key '${key}' is already used.`);
}

function checkName(name: string | undefined): void {
  if (name !== undefined && name.trim() === '') throw badRequest("Invalid parameter 'name': must not be empty.");
}

/** Grandchild issues need subtasking (docs: "grandchildIssueEnabled … needs subtaskingEnabled"). */
function checkHierarchy(subtasking: boolean, grandchild: boolean): void {
  if (grandchild && !subtasking) {
    throw badRequest("Invalid parameter 'grandchildIssueEnabled': grandchild issues need subtaskingEnabled=true.");
  }
}

function orderedProjects(list: readonly ProjectRec[]): ProjectRec[] {
  return [...list].sort((a, b) => a.displayOrder - b.displayOrder || a.id - b.id);
}

function userParam(ctx: Ctx): UserRec {
  const id = int(ctx.params, 'userId') as number;
  const user = ctx.store.users.get(id);
  if (!user) throw badRequest(`Invalid parameter 'userId': no such user (${id}).`);
  return user;
}

function createProject(ctx: Ctx): ProjectRec {
  const { store, params } = ctx;
  const key = str(params, 'key') as string;
  const name = str(params, 'name') as string;
  checkName(name);
  checkKey(store, key);
  const flag = (f: Flag, fallback: boolean) => bool(params, f) ?? fallback;
  const subtasking = flag('subtaskingEnabled', false);
  const grandchild = flag('grandchildIssueEnabled', false);
  checkHierarchy(subtasking, grandchild);
  const now = ctx.now();
  const useWiki = flag('useWiki', false);
  const useGit = flag('useGit', true);
  const project: ProjectRec = {
    id: store.nextId('project'),
    projectKey: key,
    name,
    chartEnabled: flag('chartEnabled', false),
    useResolvedForChart: flag('useResolvedForChart', false),
    subtaskingEnabled: subtasking,
    grandchildIssueEnabled: grandchild,
    projectLeaderCanEditProjectLeader: flag('projectLeaderCanEditProjectLeader', false),
    useWiki,
    useDocument: flag('useDocument', true),
    useFileSharing: flag('useFileSharing', true),
    useWikiTreeView: flag('useWikiTreeView', false),
    useSubversion: flag('useSubversion', false),
    useGit,
    useOriginalImageSizeAtWiki: flag('useOriginalImageSizeAtWiki', false),
    textFormattingRule: (str(params, 'textFormattingRule') as ProjectRec['textFormattingRule'] | undefined) ?? store.space.textFormattingRule,
    archived: false,
    // Backlog's value for a project nobody has reordered yet (seen in doc examples).
    displayOrder: 2147483646,
    useDevAttributes: flag('useDevAttributes', useGit),
    memberIds: [ctx.user.id],
    adminIds: [ctx.user.id],
    teamIds: [],
    nextKeyId: 1,
    created: now,
  };
  store.projects.insert(project);
  const spaceLang = store.space.lang;
  DEFAULT_STATUSES.forEach((s, i) => {
    store.statuses.insert({ id: s.id, projectId: project.id, name: s.name[spaceLang], localisedName: s.name, color: s.color, displayOrder: (i + 1) * 1000 });
  });
  DEFAULT_ISSUE_TYPES.forEach((t, i) => {
    store.issueTypes.insert({
      id: store.nextId('issueType'),
      projectId: project.id,
      name: t.name[spaceLang],
      localisedName: t.name,
      color: t.color,
      displayOrder: i,
      templateSummary: null,
      templateDescription: null,
    });
  });
  return project;
}

function updateProject(ctx: Ctx, project: ProjectRec): void {
  const { store, params } = ctx;
  const name = str(params, 'name');
  checkName(name);
  const key = str(params, 'key');
  if (key !== undefined && key !== project.projectKey) checkKey(store, key, project);
  const subtasking = bool(params, 'subtaskingEnabled') ?? project.subtaskingEnabled;
  // Switching subtasking off also switches grandchild issues off unless they are asked for.
  const grandchild = bool(params, 'grandchildIssueEnabled') ?? (subtasking ? project.grandchildIssueEnabled : false);
  checkHierarchy(subtasking, grandchild);

  if (name !== undefined) project.name = name;
  for (const f of FLAGS) {
    const v = bool(params, f);
    if (v !== undefined) project[f] = v;
  }
  project.subtaskingEnabled = subtasking;
  project.grandchildIssueEnabled = grandchild;
  const rule = str(params, 'textFormattingRule');
  if (rule !== undefined) project.textFormattingRule = rule as ProjectRec['textFormattingRule'];
  const archived = bool(params, 'archived');
  if (archived !== undefined) project.archived = archived;
  if (key !== undefined && key !== project.projectKey) {
    // Issue keys follow the project key.
    for (const issue of store.issues.where('projectId', (i) => i.projectId, project.id)) {
      store.issueByKey.delete(`${project.projectKey}-${issue.keyId}`);
      store.issueByKey.set(`${key}-${issue.keyId}`, issue.id);
    }
    project.projectKey = key;
  }
}

/** Remove a project and everything that belongs to it, so no other endpoint meets a dangling id. */
function deleteProjectData(store: Store, project: ProjectRec): void {
  const pid = project.id;
  const issueIds = new Set<number>();
  for (const issue of [...store.issues.where('projectId', (i) => i.projectId, pid)]) {
    issueIds.add(issue.id);
    store.issueByKey.delete(`${project.projectKey}-${issue.keyId}`);
    store.issues.delete(issue.id);
  }
  const drop = <T extends { id: number | string }>(table: { all(): readonly T[]; delete(id: never): unknown }, pred: (row: T) => boolean) => {
    for (const row of [...table.all()]) if (pred(row)) table.delete(row.id as never);
  };
  for (const s of [...store.statuses.all()]) if (s.projectId === pid) store.statuses.delete(statusKey(pid, s.id));
  drop(store.issueTypes, (r) => r.projectId === pid);
  drop(store.categories, (r) => r.projectId === pid);
  drop(store.versions, (r) => r.projectId === pid);
  drop(store.customFields, (r) => r.projectId === pid);
  drop(store.comments, (r) => r.projectId === pid);
  drop(store.sharedFiles, (r) => r.projectId === pid);
  const wikiIds = new Set(
    store.wikis
      .all()
      .filter((w) => w.projectId === pid)
      .map((w) => w.id),
  );
  drop(store.wikis, (r) => r.projectId === pid);
  drop(store.wikiTags, (r) => r.projectId === pid);
  drop(store.wikiHistory, (r) => wikiIds.has(r.pageId));
  const docIds = new Set(
    store.documents
      .all()
      .filter((d) => d.projectId === pid)
      .map((d) => d.id),
  );
  drop(store.documents, (r) => r.projectId === pid);
  drop(store.documentComments, (r) => docIds.has(r.documentId));
  const prIds = new Set(
    store.pullRequests
      .all()
      .filter((p) => p.projectId === pid)
      .map((p) => p.id),
  );
  drop(store.repositories, (r) => r.projectId === pid);
  drop(store.pullRequests, (r) => r.projectId === pid);
  drop(store.pullRequestComments, (r) => prIds.has(r.pullRequestId));
  drop(store.webhooks, (r) => r.projectId === pid);
  drop(store.notifications, (r) => r.projectId === pid);
  drop(store.activities, (r) => r.projectId === pid);
  drop(store.watchings, (r) => issueIds.has(r.issueId));
  drop(
    store.attachments,
    (r) =>
      (r.owner === 'issue' && issueIds.has(r.ownerId as number)) ||
      (r.owner === 'wiki' && wikiIds.has(r.ownerId as number)) ||
      (r.owner === 'document' && docIds.has(String(r.ownerId))) ||
      (r.owner === 'pullRequest' && prIds.has(r.ownerId as number)),
  );
  drop(
    store.stars,
    (r) =>
      (r.target === 'issue' && issueIds.has(r.targetId)) ||
      (r.target === 'wiki' && wikiIds.has(r.targetId)) ||
      (r.target === 'pullRequest' && prIds.has(r.targetId)) ||
      (r.target === 'comment' && !store.comments.get(r.targetId)) ||
      (r.target === 'pullRequestComment' && !store.pullRequestComments.get(r.targetId)),
  );
  for (const issue of store.issues.all()) issue.relatedIssueIds = issue.relatedIssueIds.filter((id) => !issueIds.has(id));
  const keep = store.recentlyViewed.filter(
    (r) =>
      !((r.kind === 'project' && r.targetId === pid) || (r.kind === 'issue' && issueIds.has(r.targetId)) || (r.kind === 'wiki' && wikiIds.has(r.targetId))),
  );
  store.recentlyViewed.length = 0;
  store.recentlyViewed.push(...keep);
  store.projects.delete(pid);
}

function memberActivity(ctx: Ctx, project: ProjectRec, type: number, user: UserRec): void {
  recordActivity(ctx.store, {
    projectId: project.id,
    type,
    content: { users: [userJson(user)], group_project_activities: [], comment: '' },
    createdUserId: ctx.user.id,
    created: ctx.now(),
  });
}

function teamParam(ctx: Ctx) {
  const id = int(ctx.params, 'teamId') as number;
  const team = ctx.store.teams.get(id);
  if (!team) throw badRequest(`Invalid parameter 'teamId': no such team (${id}).`);
  return team;
}

function projectParam(ctx: Ctx): ProjectRec {
  return projectFor(ctx, ctx.path.projectIdOrKey as string);
}

function projectWriteSpec(extra: ParamsSpec): ParamsSpec {
  return {
    ...extra,
    ...FLAG_SPEC,
    textFormattingRule: { type: 'string', oneOf: ['backlog', 'markdown'] },
  };
}

function listProjects(ctx: Ctx, params: Params): ProjectRec[] {
  const all = bool(params, 'all') === true && isAdmin(ctx.user);
  const archived = bool(params, 'archived');
  const list = ctx.store.projects
    .all()
    .filter((p) => (all ? canSeeProject(ctx.store, p, ctx.user) : isMember(ctx.store, p, ctx.user.id)))
    .filter((p) => archived === undefined || p.archived === archived);
  return orderedProjects(list);
}

export const PROJECTS_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: '/api/v2/projects',
    params: { archived: 'bool', all: 'bool' },
    handler: (ctx) => listProjects(ctx, ctx.params).map(projectJson),
  },
  {
    method: 'POST',
    pattern: '/api/v2/projects',
    params: projectWriteSpec({ name: { type: 'string', required: true }, key: { type: 'string', required: true } }),
    handler: (ctx) => {
      requireAdmin(ctx);
      const project = createProject(ctx);
      return created(projectJson(project), `${webBase(ctx.store)}/projects/${project.projectKey}`);
    },
  },
  {
    method: 'GET',
    pattern: P,
    handler: (ctx) => projectJson(projectParam(ctx)),
  },
  {
    method: 'PATCH',
    pattern: P,
    params: projectWriteSpec({ name: 'string', key: 'string', archived: 'bool' }),
    handler: (ctx) => {
      const project = projectParam(ctx);
      requireProjectAdmin(ctx, project);
      updateProject(ctx, project);
      return projectJson(project);
    },
  },
  {
    method: 'DELETE',
    pattern: P,
    handler: (ctx) => {
      const project = projectParam(ctx);
      requireAdmin(ctx);
      const body = projectJson(project);
      deleteProjectData(ctx.store, project);
      return body;
    },
  },
  {
    method: 'GET',
    pattern: `${P}/image`,
    category: 'icon',
    handler: (ctx) => {
      const project = projectParam(ctx);
      return binary(pngIcon(project.id), `${project.projectKey.toLowerCase()}.png`, 'image/png');
    },
  },
  {
    method: 'GET',
    pattern: `${P}/diskUsage`,
    handler: (ctx) => {
      const project = projectParam(ctx);
      requireAdmin(ctx);
      return projectDiskUsage(ctx.store, project);
    },
  },

  // ---- members --------------------------------------------------------------------------
  {
    method: 'GET',
    pattern: `${P}/users`,
    params: { excludeGroupMembers: 'bool' },
    handler: (ctx) => {
      const project = projectParam(ctx);
      const ids = bool(ctx.params, 'excludeGroupMembers') ? [...project.memberIds].sort((a, b) => a - b) : projectMemberIds(ctx.store, project);
      return ids
        .map((id) => ctx.store.users.get(id))
        .filter((u) => u !== undefined)
        .map(userJson);
    },
  },
  {
    method: 'POST',
    pattern: `${P}/users`,
    params: { userId: { type: 'int', required: true } },
    handler: (ctx) => {
      const project = projectParam(ctx);
      requireProjectAdmin(ctx, project);
      const user = userParam(ctx);
      if (project.memberIds.includes(user.id)) {
        throw badRequest(`Invalid parameter 'userId': the user is already a project member (${user.id}).`);
      }
      project.memberIds = [...project.memberIds, user.id].sort((a, b) => a - b);
      memberActivity(ctx, project, ActivityType.ProjectUserAdded, user);
      return userJson(user);
    },
  },
  {
    method: 'DELETE',
    pattern: `${P}/users`,
    params: { userId: { type: 'int', required: true } },
    handler: (ctx) => {
      const project = projectParam(ctx);
      requireProjectAdmin(ctx, project);
      const user = userParam(ctx);
      if (!project.memberIds.includes(user.id)) throw badRequest(`No such project member. Invalid parameter 'userId': ${user.id}.`);
      project.memberIds = project.memberIds.filter((id) => id !== user.id);
      project.adminIds = project.adminIds.filter((id) => id !== user.id);
      memberActivity(ctx, project, ActivityType.ProjectUserRemoved, user);
      return userJson(user);
    },
  },

  // ---- administrators ---------------------------------------------------------------------
  {
    method: 'GET',
    pattern: `${P}/administrators`,
    handler: (ctx) => {
      const project = projectParam(ctx);
      return [...project.adminIds]
        .sort((a, b) => a - b)
        .map((id) => ctx.store.users.get(id))
        .filter((u) => u !== undefined)
        .map(userJson);
    },
  },
  {
    method: 'POST',
    pattern: `${P}/administrators`,
    params: { userId: { type: 'int', required: true } },
    handler: (ctx) => {
      const project = projectParam(ctx);
      requireAdmin(ctx);
      const user = userParam(ctx);
      if (!isMember(ctx.store, project, user.id)) throw badRequest(`No such project member. Invalid parameter 'userId': ${user.id}.`);
      // Space administrators already hold every right; only normal users are made project administrators.
      if (user.roleType !== 2) {
        throw badRequest(`Invalid parameter 'userId': only normal users (roleType 2) can be project administrators (${user.id}).`);
      }
      if (project.adminIds.includes(user.id)) {
        throw badRequest(`Invalid parameter 'userId': the user is already a project administrator (${user.id}).`);
      }
      project.adminIds = [...project.adminIds, user.id].sort((a, b) => a - b);
      return userJson(user);
    },
  },
  {
    method: 'DELETE',
    pattern: `${P}/administrators`,
    params: { userId: { type: 'int', required: true } },
    handler: (ctx) => {
      const project = projectParam(ctx);
      requireAdmin(ctx);
      const user = userParam(ctx);
      if (!project.adminIds.includes(user.id)) throw badRequest(`No such project administrator. Invalid parameter 'userId': ${user.id}.`);
      project.adminIds = project.adminIds.filter((id) => id !== user.id);
      return userJson(user);
    },
  },

  // ---- teams ------------------------------------------------------------------------------
  {
    method: 'GET',
    pattern: `${P}/teams`,
    handler: (ctx) => {
      const project = projectParam(ctx);
      return [...project.teamIds]
        .sort((a, b) => a - b)
        .map((id) => ctx.store.teams.get(id))
        .filter((t) => t !== undefined)
        .map((t) => projectTeamJson(ctx.store, t));
    },
  },
  {
    method: 'POST',
    pattern: `${P}/teams`,
    params: { teamId: { type: 'int', required: true } },
    handler: (ctx) => {
      const project = projectParam(ctx);
      requireProjectAdmin(ctx, project);
      const team = teamParam(ctx);
      if (project.teamIds.includes(team.id)) throw badRequest(`Invalid parameter 'teamId': the team already belongs to the project (${team.id}).`);
      project.teamIds = [...project.teamIds, team.id];
      recordActivity(ctx.store, {
        projectId: project.id,
        type: PROJECT_GROUP_ADDED,
        content: { parties: [{ id: team.id, name: team.name }] },
        createdUserId: ctx.user.id,
        created: ctx.now(),
      });
      return projectTeamJson(ctx.store, team);
    },
  },
  {
    method: 'DELETE',
    pattern: `${P}/teams`,
    params: { teamId: { type: 'int', required: true } },
    handler: (ctx) => {
      const project = projectParam(ctx);
      requireProjectAdmin(ctx, project);
      const team = teamParam(ctx);
      if (!project.teamIds.includes(team.id)) throw badRequest(`Invalid parameter 'teamId': the team does not belong to the project (${team.id}).`);
      project.teamIds = project.teamIds.filter((id) => id !== team.id);
      recordActivity(ctx.store, {
        projectId: project.id,
        type: PROJECT_GROUP_DELETED,
        content: { parties: [{ id: team.id, name: team.name }] },
        createdUserId: ctx.user.id,
        created: ctx.now(),
      });
      return projectTeamJson(ctx.store, team);
    },
  },
];
