/**
 * User endpoints (docs/backlog-api.md §8.2): the user list and CRUD, the caller, icons,
 * a user's recent updates and received stars, and the caller's recently viewed items.
 * Watching lists under /users/:userId/watchings live in ./watchings.ts.
 *
 * Decisions where the reference is silent (stricter readings):
 * - Guests (roleType 5, 6) may not list users (403); they may get, see the icon and the recent
 *   updates of themselves and of members of projects they belong to, and nobody else ("No user.").
 * - Received stars (list and count) only include stars on content the caller may see.
 * - The space owner cannot be deleted or lose the administrator role (400 / code 7).
 * - `userId` and `mailAddress` are unique in the space (400 / code 7 naming the parameter).
 */
import { randomBytes } from 'node:crypto';
import { canSeeProject, isGuest, issueNamedBy, projectMemberIds, requireAdmin, visibleProjects } from '../access.js';
import { badRequest, forbidden, noResource } from '../errors.js';
import { pngIcon } from '../content.js';
import { PAGING_KEYSET, PAGING_OFFSET, int, str, type ParamsSpec } from '../params.js';
import { binary, type Ctx, type Route } from '../route.js';
import { issueJson, projectJson, userJson } from '../serialize/core.js';
import { receivedStarJson, wikiListItemJson } from '../serialize/social.js';
import type { RecentKind, RoleType, StarRec, Store, UserRec } from '../store.js';
import { addDays, isoSeconds, zonedMidnight } from '../time.js';
import { ACTIVITY_PARAMS, activityPage, keysetPage, offsetPage } from './space.js';

/** Users a guest may see: themselves and the members of their projects. */
function guestVisibleUserIds(store: Store, user: UserRec): Set<number> {
  const ids = new Set<number>([user.id]);
  for (const p of visibleProjects(store, user)) for (const id of projectMemberIds(store, p)) ids.add(id);
  return ids;
}

/** The user of the `:userId` path parameter (numeric id), if the caller may see them. */
export function userFor(ctx: Ctx, raw: string): UserRec {
  const user = /^\d+$/.test(raw) ? ctx.store.users.get(Number(raw)) : undefined;
  if (!user) throw noResource('No user.');
  if (isGuest(ctx.user) && !guestVisibleUserIds(ctx.store, ctx.user).has(user.id)) throw noResource('No user.');
  return user;
}

/** An API key like Backlog's: 64 URL-safe characters. */
function newApiKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(64)].map((b) => alphabet[b % alphabet.length]).join('');
}

const MAIL_RE = /^[^\s@]+@[^\s@]+$/;

function checkUnique(ctx: Ctx, field: 'userId' | 'mailAddress', value: string, self?: UserRec): void {
  const taken = ctx.store.users.all().some((u) => u !== self && u[field].toLowerCase() === value.toLowerCase());
  if (taken) throw badRequest(`Invalid parameter '${field}': '${value}' is already used by another user.`);
}

function checkMail(value: string): void {
  if (!MAIL_RE.test(value)) throw badRequest(`Invalid parameter 'mailAddress': '${value}' is not a mail address.`);
}

/** The project a starred item belongs to, if the item still exists. */
function starProjectId(store: Store, s: StarRec): number | undefined {
  switch (s.target) {
    case 'issue':
      return store.issues.get(s.targetId)?.projectId;
    case 'comment':
      return store.comments.get(s.targetId)?.projectId;
    case 'wiki':
      return store.wikis.get(s.targetId)?.projectId;
    case 'pullRequest':
      return store.pullRequests.get(s.targetId)?.projectId;
    case 'pullRequestComment': {
      const c = store.pullRequestComments.get(s.targetId);
      return c ? store.pullRequests.get(c.pullRequestId)?.projectId : undefined;
    }
  }
}

function starVisible(ctx: Ctx): (s: StarRec) => boolean {
  return (s) => {
    const projectId = starProjectId(ctx.store, s);
    const project = projectId === undefined ? undefined : ctx.store.projects.get(projectId);
    return project !== undefined && canSeeProject(ctx.store, project, ctx.user);
  };
}

function receivedStars(store: Store, userId: number): readonly StarRec[] {
  return store.stars.where('receiverId', (s) => s.receiverId, userId);
}

/** The caller's recently viewed items of one kind that still exist and are visible, newest first. */
function recentlyViewed(ctx: Ctx, kind: RecentKind) {
  const store = ctx.store;
  const rows = store.recentlyViewed.filter((r) => r.userId === ctx.user.id && r.kind === kind).sort((a, b) => b.updated - a.updated || b.targetId - a.targetId);
  const visible = (projectId: number | undefined) => {
    const project = projectId === undefined ? undefined : store.projects.get(projectId);
    return project !== undefined && canSeeProject(store, project, ctx.user) ? project : undefined;
  };
  const items: { updated: number; body: () => Record<string, unknown> }[] = [];
  for (const r of rows) {
    if (kind === 'issue') {
      const issue = store.issues.get(r.targetId);
      if (issue && visible(issue.projectId)) items.push({ updated: r.updated, body: () => ({ issue: issueJson(store, issue, ctx.lang) }) });
    } else if (kind === 'project') {
      const project = visible(r.targetId);
      if (project) items.push({ updated: r.updated, body: () => ({ project: projectJson(project) }) });
    } else {
      const wiki = store.wikis.get(r.targetId);
      // A page whose project switched Wiki off is not shown (the Wiki endpoints answer 403 there).
      if (wiki && visible(wiki.projectId)?.useWiki) items.push({ updated: r.updated, body: () => ({ page: wikiListItemJson(store, wiki) }) });
    }
  }
  if (str(ctx.params, 'order') === 'asc') items.reverse();
  return offsetPage(items, ctx.params).map((i) => ({ ...i.body(), updated: isoSeconds(i.updated) }));
}

const RECENT_PARAMS: ParamsSpec = PAGING_OFFSET;

const ROLE = { type: 'int', min: 1, max: 6 } as const;

export const USERS_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: '/api/v2/users',
    handler: (ctx) => {
      if (isGuest(ctx.user)) throw forbidden();
      return ctx.store.users.all().map(userJson);
    },
  },
  { method: 'GET', pattern: '/api/v2/users/myself', handler: (ctx) => userJson(ctx.user) },
  {
    method: 'GET',
    pattern: '/api/v2/users/myself/recentlyViewedIssues',
    params: RECENT_PARAMS,
    handler: (ctx) => recentlyViewed(ctx, 'issue'),
  },
  {
    method: 'POST',
    pattern: '/api/v2/users/myself/recentlyViewedIssues',
    params: { issueIdOrKey: { type: 'string', required: true } },
    handler: (ctx) => {
      const issue = issueNamedBy(ctx, 'issueIdOrKey');
      const list = ctx.store.recentlyViewed;
      for (let i = list.length - 1; i >= 0; i--) {
        const r = list[i];
        if (r && r.userId === ctx.user.id && r.kind === 'issue' && r.targetId === issue.id) list.splice(i, 1);
      }
      list.push({ userId: ctx.user.id, kind: 'issue', targetId: issue.id, updated: ctx.now() });
      return issueJson(ctx.store, issue, ctx.lang);
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/users/myself/recentlyViewedProjects',
    params: RECENT_PARAMS,
    handler: (ctx) => recentlyViewed(ctx, 'project'),
  },
  {
    method: 'GET',
    pattern: '/api/v2/users/myself/recentlyViewedWikis',
    params: RECENT_PARAMS,
    handler: (ctx) => recentlyViewed(ctx, 'wiki'),
  },
  {
    method: 'GET',
    pattern: '/api/v2/users/:userId',
    handler: (ctx) => userJson(userFor(ctx, ctx.path.userId as string)),
  },
  {
    method: 'POST',
    pattern: '/api/v2/users',
    params: {
      userId: { type: 'string', required: true },
      password: { type: 'string', required: true },
      name: { type: 'string', required: true },
      mailAddress: { type: 'string', required: true },
      roleType: { ...ROLE, required: true },
    },
    handler: (ctx) => {
      requireAdmin(ctx);
      const p = ctx.params;
      const userId = str(p, 'userId') as string;
      const mailAddress = str(p, 'mailAddress') as string;
      checkUnique(ctx, 'userId', userId);
      checkMail(mailAddress);
      checkUnique(ctx, 'mailAddress', mailAddress);
      const name = str(p, 'name') as string;
      const user: UserRec = {
        id: ctx.store.nextId('user'),
        userId,
        name,
        roleType: int(p, 'roleType') as RoleType,
        lang: null,
        mailAddress,
        password: str(p, 'password') as string,
        apiKey: newApiKey(),
        nulabAccount: null,
        keyword: name,
        lastLoginTime: null,
        created: ctx.now(),
      };
      ctx.store.users.insert(user);
      ctx.store.userByApiKey.set(user.apiKey, user.id);
      return userJson(user);
    },
  },
  {
    method: 'PATCH',
    pattern: '/api/v2/users/:userId',
    params: { password: 'string', name: 'string', mailAddress: 'string', roleType: ROLE },
    handler: (ctx) => {
      requireAdmin(ctx);
      const user = userFor(ctx, ctx.path.userId as string);
      const p = ctx.params;
      const password = str(p, 'password');
      const name = str(p, 'name');
      const mailAddress = str(p, 'mailAddress');
      const roleType = int(p, 'roleType') as RoleType | undefined;
      if (password === '') throw badRequest("Invalid parameter 'password': must not be empty.");
      if (name === '') throw badRequest("Invalid parameter 'name': must not be empty.");
      if (mailAddress !== undefined) {
        checkMail(mailAddress);
        checkUnique(ctx, 'mailAddress', mailAddress, user);
      }
      if (roleType !== undefined && roleType !== 1 && user.id === ctx.store.space.ownerId) {
        throw badRequest("Invalid parameter 'roleType': the space owner must stay an administrator.");
      }
      if (password !== undefined) user.password = password;
      if (name !== undefined) {
        user.name = name;
        user.keyword = name;
      }
      if (mailAddress !== undefined) user.mailAddress = mailAddress;
      if (roleType !== undefined) user.roleType = roleType;
      return userJson(user);
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/v2/users/:userId',
    handler: (ctx) => {
      requireAdmin(ctx);
      const user = userFor(ctx, ctx.path.userId as string);
      if (user.id === ctx.store.space.ownerId) throw badRequest("Invalid parameter 'userId': the space owner cannot be deleted.");
      const store = ctx.store;
      const body = userJson(user);
      store.users.delete(user.id);
      store.userByApiKey.delete(user.apiKey);
      for (const t of store.accessTokens.values()) if (t.userId === user.id) t.revoked = true;
      for (const t of store.refreshTokens.values()) if (t.userId === user.id) t.revoked = true;
      for (const p of store.projects.all()) {
        p.memberIds = p.memberIds.filter((id) => id !== user.id);
        p.adminIds = p.adminIds.filter((id) => id !== user.id);
      }
      for (const t of store.teams.all()) t.memberIds = t.memberIds.filter((id) => id !== user.id);
      return body;
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/users/:userId/icon',
    category: 'icon',
    handler: (ctx) => {
      const user = userFor(ctx, ctx.path.userId as string);
      return binary(pngIcon(user.id * 7919 + 1), `${user.userId}.png`, 'image/png');
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/users/:userId/activities',
    params: ACTIVITY_PARAMS,
    handler: (ctx) => {
      const user = userFor(ctx, ctx.path.userId as string);
      return activityPage(
        ctx,
        ctx.store.activities.where('createdUserId', (a) => a.createdUserId, user.id),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/users/:userId/stars',
    params: PAGING_KEYSET,
    handler: (ctx) => {
      const user = userFor(ctx, ctx.path.userId as string);
      return keysetPage(receivedStars(ctx.store, user.id), ctx.params, starVisible(ctx)).map((s) => receivedStarJson(ctx.store, s));
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/users/:userId/stars/count',
    params: { since: 'date', until: 'date' },
    handler: (ctx) => {
      const user = userFor(ctx, ctx.path.userId as string);
      const tz = ctx.store.space.timezone;
      const since = str(ctx.params, 'since');
      const until = str(ctx.params, 'until');
      if (since !== undefined && until !== undefined && since > until) {
        throw badRequest(`Invalid parameter 'since': ${since} is after until (${until}).`);
      }
      const from = since === undefined ? -Infinity : zonedMidnight(since, tz);
      const to = until === undefined ? Infinity : zonedMidnight(addDays(until, 1), tz);
      const visible = starVisible(ctx);
      const count = receivedStars(ctx.store, user.id).filter((s) => s.created >= from && s.created < to && visible(s)).length;
      return { count };
    },
  },
];
