/**
 * Space endpoints (docs/backlog-api.md §8.1, §8.3, §5): the space, its recent updates
 * (also per project), image, notification, disk usage, licence, temporary attachments, the
 * caller's rate-limit budget and the fixed priority and resolution lists.
 *
 * Also the paging helpers the personal-data routes share (keyset §4, offset §4) and
 * `claimUpload`, through which other families attach files uploaded here.
 */
import { canSeeProject, projectFor, requireAdmin, requireWriter } from '../access.js';
import { ApiFailure, ErrorCode, badRequest } from '../errors.js';
import { pngIcon } from '../content.js';
import { PAGING_KEYSET, int, ints, str, type Params, type ParamsSpec } from '../params.js';
import type { LimitedCategory } from '../rate-limit.js';
import { binary, type Ctx, type Route } from '../route.js';
import { priorityList, resolutionList } from '../names.js';
import { attachmentBriefJson, spaceJson } from '../serialize/core.js';
import { activityJson, licenceJson, spaceDiskUsageJson, spaceNotificationJson } from '../serialize/social.js';
import type { ActivityRec, AttachmentRec, Store, UserRec } from '../store.js';

// ---- paging ---------------------------------------------------------------------------------

const DEFAULT_COUNT = 20;

/** First index in id-sorted `rows` whose id is >= `id`. */
function lowerBound(rows: readonly { id: number }[], id: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((rows[mid] as { id: number }).id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Keyset paging (backlog-api.md §4): `minId`/`maxId` are inclusive bounds, `count` 1–100
 * (default 20), `order` desc by default. `rows` must be in ascending id order (tables and their
 * `where` groups are); only rows passing `keep` are counted, so filters never shorten a page.
 */
export function keysetPage<T extends { id: number }>(rows: readonly T[], p: Params, keep: (row: T) => boolean = () => true): T[] {
  const count = int(p, 'count') ?? DEFAULT_COUNT;
  const minId = int(p, 'minId') ?? 0;
  const maxId = int(p, 'maxId') ?? Number.MAX_SAFE_INTEGER;
  const out: T[] = [];
  if (minId > maxId) return out;
  const first = lowerBound(rows, minId);
  const last = lowerBound(rows, maxId + 1) - 1;
  if ((str(p, 'order') ?? 'desc') === 'asc') {
    for (let i = first; i <= last && out.length < count; i++) if (keep(rows[i] as T)) out.push(rows[i] as T);
  } else {
    for (let i = last; i >= first && out.length < count; i--) if (keep(rows[i] as T)) out.push(rows[i] as T);
  }
  return out;
}

/** Offset paging (backlog-api.md §4): `offset` ≥ 0 (default 0), `count` 1–100 (default 20). */
export function offsetPage<T>(items: readonly T[], p: Params): T[] {
  const offset = int(p, 'offset') ?? 0;
  const count = int(p, 'count') ?? DEFAULT_COUNT;
  return items.slice(offset, offset + count);
}

// ---- activities -----------------------------------------------------------------------------

/** Activity types Backlog defines (backlog-api.md §13); 27–33 are unassigned. */
const ACTIVITY_TYPES = new Set([...Array.from({ length: 26 }, (_, i) => i + 1), ...Array.from({ length: 16 }, (_, i) => i + 34)]);

/** Git pushes, repository creation and pull-request activities. */
const GIT_ACTIVITY_TYPES = new Set([12, 13, 18, 19, 20, 21]);

export const ACTIVITY_PARAMS: ParamsSpec = { 'activityTypeId[]': 'intArray', ...PAGING_KEYSET };

/**
 * A page of recent updates the caller may see: only projects visible to them, and Git activities
 * only for roles that may use Git (administrators and normal users; stricter reading, as the Git
 * endpoints themselves are closed to other roles).
 */
export function activityPage(ctx: Ctx, rows: readonly ActivityRec[]) {
  const types = ints(ctx.params, 'activityTypeId');
  for (const t of types ?? []) {
    if (!ACTIVITY_TYPES.has(t)) throw badRequest(`Invalid parameter 'activityTypeId[]': ${t} is not an activity type.`);
  }
  const wanted = types && types.length > 0 ? new Set(types) : null;
  const gitAllowed = ctx.user.roleType === 1 || ctx.user.roleType === 2;
  const visible = new Map<number, boolean>();
  const canSee = (projectId: number) => {
    let v = visible.get(projectId);
    if (v === undefined) {
      const project = ctx.store.projects.get(projectId);
      v = project !== undefined && canSeeProject(ctx.store, project, ctx.user);
      visible.set(projectId, v);
    }
    return v;
  };
  return keysetPage(
    rows,
    ctx.params,
    (a) => (wanted === null || wanted.has(a.type)) && (gitAllowed || !GIT_ACTIVITY_TYPES.has(a.type)) && canSee(a.projectId),
  ).map((a) => activityJson(ctx.store, a));
}

// ---- uploads --------------------------------------------------------------------------------

/** Unattached uploads are deleted after an hour (backlog-api.md §8.1). */
export const UPLOAD_TTL_MS = 60 * 60 * 1000;

function uploadExpired(a: AttachmentRec, now: number): boolean {
  return now >= a.created + UPLOAD_TTL_MS;
}

/**
 * An upload from `POST /space/attachment` that the caller may attach now: it exists, is still
 * unattached, was uploaded by the caller and is less than an hour old. Anything else is a bad
 * `param` (400 / code 7). The caller then sets `owner` and `ownerId`, which consumes the upload.
 */
export function claimUpload(ctx: Ctx, id: number, param: string): AttachmentRec {
  const a = ctx.store.attachments.get(id);
  if (!a || a.owner !== 'space' || a.ownerId !== null || a.createdUserId !== ctx.user.id || uploadExpired(a, ctx.now())) {
    throw badRequest(`Invalid parameter '${param}': no uploaded attachment with id ${id} (uploads expire after one hour and can be attached once).`);
  }
  return a;
}

function purgeExpiredUploads(store: Store, now: number): void {
  const expired = store.attachments.all().filter((a) => a.owner === 'space' && a.ownerId === null && uploadExpired(a, now));
  for (const a of expired) store.attachments.delete(a.id);
}

/** Backlog's per-file attachment limit (the licence's `attachmentLimitPerFile`). */
const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

// ---- rate limit -----------------------------------------------------------------------------

const RATE_CATEGORIES: LimitedCategory[] = ['read', 'update', 'search', 'icon'];

function rateLimitJson(ctx: Ctx, user: UserRec) {
  const now = ctx.now();
  // The server has already counted this request in `read`, so the body agrees with the headers.
  return {
    rateLimit: Object.fromEntries(RATE_CATEGORIES.map((c) => [c, ctx.state.limiter.peek(user.id, c, now)])),
  };
}

function spaceIconSeed(store: Store): number {
  let h = 0;
  for (const ch of store.space.spaceKey) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

export const SPACE_ROUTES: Route[] = [
  { method: 'GET', pattern: '/api/v2/space', handler: (ctx) => spaceJson(ctx.store.space) },
  {
    method: 'GET',
    pattern: '/api/v2/space/activities',
    params: ACTIVITY_PARAMS,
    handler: (ctx) => activityPage(ctx, ctx.store.activities.all()),
  },
  {
    method: 'GET',
    pattern: '/api/v2/space/image',
    category: 'icon',
    handler: (ctx) => binary(pngIcon(spaceIconSeed(ctx.store)), `${ctx.store.space.spaceKey}.png`, 'image/png'),
  },
  { method: 'GET', pattern: '/api/v2/space/notification', handler: (ctx) => spaceNotificationJson(ctx.store) },
  {
    method: 'PUT',
    pattern: '/api/v2/space/notification',
    params: { content: { type: 'string', required: true } },
    handler: (ctx) => {
      requireAdmin(ctx);
      ctx.store.space.notification = { content: str(ctx.params, 'content') as string, updated: ctx.now() };
      return spaceNotificationJson(ctx.store);
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/space/diskUsage',
    handler: (ctx) => {
      requireAdmin(ctx);
      return spaceDiskUsageJson(ctx.store);
    },
  },
  {
    method: 'POST',
    pattern: '/api/v2/space/attachment',
    multipart: true,
    handler: (ctx) => {
      requireWriter(ctx);
      const file = ctx.files.get('file');
      if (!file) throw badRequest("Missing required parameter 'file' (a multipart/form-data part named file).");
      if (file.data.length > MAX_UPLOAD_BYTES) {
        throw new ApiFailure(413, ErrorCode.TooLargeFileError, `The file is too large (limit ${MAX_UPLOAD_BYTES} bytes per file).`);
      }
      const now = ctx.now();
      purgeExpiredUploads(ctx.store, now);
      const rec = ctx.store.attachments.insert({
        id: ctx.store.nextId('attachment'),
        owner: 'space',
        ownerId: null,
        name: file.name || 'file',
        size: file.data.length,
        data: file.data,
        createdUserId: ctx.user.id,
        created: now,
      });
      return attachmentBriefJson(rec);
    },
  },
  { method: 'GET', pattern: '/api/v2/space/licence', handler: (ctx) => licenceJson(ctx.store) },
  { method: 'GET', pattern: '/api/v2/rateLimit', handler: (ctx) => rateLimitJson(ctx, ctx.user) },
  { method: 'GET', pattern: '/api/v2/priorities', handler: (ctx) => priorityList(ctx.lang) },
  { method: 'GET', pattern: '/api/v2/resolutions', handler: (ctx) => resolutionList(ctx.lang) },
  {
    method: 'GET',
    pattern: '/api/v2/projects/:projectIdOrKey/activities',
    params: ACTIVITY_PARAMS,
    handler: (ctx) => {
      const project = projectFor(ctx, ctx.path.projectIdOrKey as string);
      return activityPage(
        ctx,
        ctx.store.activities.where('projectId', (a) => a.projectId, project.id),
      );
    },
  },
];
