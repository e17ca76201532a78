/**
 * Watchings (docs/backlog-api.md §11.6, §8.2): the caller's watched issues.
 *
 * Decisions where the reference is silent (stricter readings):
 * - A user's watching list and count, and single watchings, are their owner's only: another
 *   user's are 403 (also for administrators); an unknown user is 404 "No user.", an unknown
 *   watching 404 "No watching.".
 * - Watchings of issues the owner can no longer see (or that were deleted) are left out of lists
 *   and counts, and are "No watching." when fetched.
 * - The store keeps one read mark per watching; `alreadyRead` and `resourceAlreadyRead` both read
 *   it. The docs disagree on which of the two count filters wins when both are given (EN:
 *   alreadyRead, JA: resourceAlreadyRead), so sending both is refused (400 / code 7).
 * - Watching an issue twice is refused (400 naming issueIdOrKey); so is an issue the caller cannot
 *   see. A new watching starts read, with the issue's current update time.
 */
import { canSeeProject, issueNamedBy } from '../access.js';
import { badRequest, forbidden, noResource } from '../errors.js';
import { PAGING_OFFSET, bool, ints, str } from '../params.js';
import { created, noContent, type Ctx, type Route } from '../route.js';
import { lastContentUpdated, watchingJson } from '../serialize/social.js';
import type { UserRec, WatchingRec } from '../store.js';
import { offsetPage } from './space.js';
import { userFor } from './users.js';

function ownUser(ctx: Ctx): UserRec {
  const user = userFor(ctx, ctx.path.userId as string);
  if (user.id !== ctx.user.id) throw forbidden();
  return user;
}

/** Whether the watching's issue exists and its owner may still see it. */
function live(ctx: Ctx, w: WatchingRec): boolean {
  const issue = ctx.store.issues.get(w.issueId);
  const project = issue && ctx.store.projects.get(issue.projectId);
  const owner = ctx.store.users.get(w.userId);
  return project !== undefined && owner !== undefined && canSeeProject(ctx.store, project, owner);
}

function userWatchings(ctx: Ctx, userId: number): WatchingRec[] {
  return ctx.store.watchings.where('userId', (w) => w.userId, userId).filter((w) => live(ctx, w));
}

/** The watching of the `:watchingId` path parameter, if it is the caller's. */
function watchingFor(ctx: Ctx): WatchingRec {
  const raw = ctx.path.watchingId as string;
  const w = /^\d+$/.test(raw) ? ctx.store.watchings.get(Number(raw)) : undefined;
  if (!w || !live(ctx, w)) throw noResource('No watching.');
  if (w.userId !== ctx.user.id) throw forbidden();
  return w;
}

const SORT_KEYS = {
  created: (w: WatchingRec) => w.created,
  updated: (w: WatchingRec) => w.updated,
} as const;

export const WATCHINGS_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: '/api/v2/users/:userId/watchings',
    params: {
      ...PAGING_OFFSET,
      sort: { type: 'string', oneOf: ['created', 'updated', 'issueUpdated'] },
      resourceAlreadyRead: 'bool',
      'issueId[]': 'intArray',
    },
    handler: (ctx) => {
      const user = ownUser(ctx);
      const read = bool(ctx.params, 'resourceAlreadyRead');
      const issueIds = ints(ctx.params, 'issueId');
      const wanted = issueIds && issueIds.length > 0 ? new Set(issueIds) : null;
      const sort = str(ctx.params, 'sort') ?? 'issueUpdated';
      const key = sort === 'issueUpdated' ? (w: WatchingRec) => lastContentUpdated(ctx.store, w) : SORT_KEYS[sort as 'created' | 'updated'];
      const dir = (str(ctx.params, 'order') ?? 'desc') === 'asc' ? 1 : -1;
      const rows = userWatchings(ctx, user.id)
        .filter((w) => (read === undefined || w.resourceAlreadyRead === read) && (wanted === null || wanted.has(w.issueId)))
        .sort((a, b) => dir * (key(a) - key(b) || a.id - b.id));
      return offsetPage(rows, ctx.params).map((w) => watchingJson(ctx.store, w, ctx.lang));
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/users/:userId/watchings/count',
    params: { resourceAlreadyRead: 'bool', alreadyRead: 'bool' },
    handler: (ctx) => {
      const user = ownUser(ctx);
      const resourceRead = bool(ctx.params, 'resourceAlreadyRead');
      const alreadyRead = bool(ctx.params, 'alreadyRead');
      if (resourceRead !== undefined && alreadyRead !== undefined) {
        throw badRequest("Invalid parameters 'resourceAlreadyRead' and 'alreadyRead': give at most one of them.");
      }
      const read = resourceRead ?? alreadyRead;
      return { count: userWatchings(ctx, user.id).filter((w) => read === undefined || w.resourceAlreadyRead === read).length };
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/watchings/:watchingId',
    handler: (ctx) => watchingJson(ctx.store, watchingFor(ctx), ctx.lang),
  },
  {
    method: 'POST',
    pattern: '/api/v2/watchings',
    params: { issueIdOrKey: { type: 'string', required: true }, note: 'string' },
    handler: (ctx) => {
      const issue = issueNamedBy(ctx, 'issueIdOrKey');
      const key = str(ctx.params, 'issueIdOrKey') as string;
      const issueId = issue.id;
      if (ctx.store.watchings.where('userId', (w) => w.userId, ctx.user.id).some((w) => w.issueId === issueId)) {
        throw badRequest(`Invalid parameter 'issueIdOrKey': you already watch '${key}'.`);
      }
      const now = ctx.now();
      const w = ctx.store.watchings.insert({
        id: ctx.store.nextId('watching'),
        userId: ctx.user.id,
        issueId,
        note: str(ctx.params, 'note') ?? '',
        resourceAlreadyRead: true,
        lastContentUpdated: issue.updated,
        created: now,
        updated: now,
      });
      return created(watchingJson(ctx.store, w, ctx.lang));
    },
  },
  {
    method: 'PATCH',
    pattern: '/api/v2/watchings/:watchingId',
    params: { note: 'string' },
    handler: (ctx) => {
      const w = watchingFor(ctx);
      const note = str(ctx.params, 'note');
      if (note !== undefined) {
        w.note = note;
        w.updated = ctx.now();
      }
      return watchingJson(ctx.store, w, ctx.lang);
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/v2/watchings/:watchingId',
    handler: (ctx) => {
      const w = watchingFor(ctx);
      const body = watchingJson(ctx.store, w, ctx.lang);
      ctx.store.watchings.delete(w.id);
      return body;
    },
  },
  {
    method: 'POST',
    pattern: '/api/v2/watchings/:watchingId/markAsRead',
    params: {},
    handler: (ctx) => {
      watchingFor(ctx).resourceAlreadyRead = true;
      return noContent();
    },
  },
];
