/**
 * The caller's inbox (docs/backlog-api.md §11.5). Only the caller's own notifications, and
 * only those of projects the caller can still see.
 *
 * Read marks, as the emulator models them:
 * - `alreadyRead`: the notification has been seen in the inbox list (the unread badge counts the
 *   ones still false).
 * - `resourceAlreadyRead`: the notified issue, comment or pull request has been opened.
 * - `POST /notifications/markAsRead` resets the unread badge: every own notification gets
 *   `alreadyRead: true` (resource marks are untouched). It answers `{count}` with the number of
 *   notifications whose mark it reset, as Backlog's example (`{"count": 4}`) suggests; afterwards
 *   `GET /notifications/count?alreadyRead=false` is 0.
 * - `POST /notifications/:id/markAsRead` opens one notification: both marks become true. Another
 *   user's notification is 403, an unknown id 404 "No notification.".
 */
import { canSeeProject } from '../access.js';
import { forbidden, noResource } from '../errors.js';
import { PAGING_KEYSET, bool, int } from '../params.js';
import { noContent, type Ctx, type Route } from '../route.js';
import { notificationJson } from '../serialize/social.js';
import type { NotificationRec } from '../store.js';
import { keysetPage } from './space.js';

function own(ctx: Ctx): readonly NotificationRec[] {
  return ctx.store.notifications.where('userId', (n) => n.userId, ctx.user.id);
}

function visible(ctx: Ctx): (n: NotificationRec) => boolean {
  const cache = new Map<number, boolean>();
  return (n) => {
    let v = cache.get(n.projectId);
    if (v === undefined) {
      const project = ctx.store.projects.get(n.projectId);
      v = project !== undefined && canSeeProject(ctx.store, project, ctx.user);
      cache.set(n.projectId, v);
    }
    return v;
  };
}

export const NOTIFICATIONS_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: '/api/v2/notifications',
    params: { ...PAGING_KEYSET, senderId: 'int' },
    handler: (ctx) => {
      const senderId = int(ctx.params, 'senderId');
      const canSee = visible(ctx);
      return keysetPage(own(ctx), ctx.params, (n) => (senderId === undefined || n.senderId === senderId) && canSee(n)).map((n) =>
        notificationJson(ctx.store, n, ctx.lang),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/notifications/count',
    params: { alreadyRead: 'bool', resourceAlreadyRead: 'bool' },
    handler: (ctx) => {
      const alreadyRead = bool(ctx.params, 'alreadyRead');
      const resourceAlreadyRead = bool(ctx.params, 'resourceAlreadyRead');
      const canSee = visible(ctx);
      const count = own(ctx).filter(
        (n) =>
          (alreadyRead === undefined || n.alreadyRead === alreadyRead) &&
          (resourceAlreadyRead === undefined || n.resourceAlreadyRead === resourceAlreadyRead) &&
          canSee(n),
      ).length;
      return { count };
    },
  },
  {
    method: 'POST',
    pattern: '/api/v2/notifications/markAsRead',
    params: {},
    handler: (ctx) => {
      const canSee = visible(ctx);
      let count = 0;
      for (const n of own(ctx)) {
        if (!n.alreadyRead) {
          n.alreadyRead = true;
          if (canSee(n)) count++;
        }
      }
      return { count };
    },
  },
  {
    method: 'POST',
    pattern: '/api/v2/notifications/:id/markAsRead',
    params: {},
    handler: (ctx) => {
      const raw = ctx.path.id as string;
      const n = /^\d+$/.test(raw) ? ctx.store.notifications.get(Number(raw)) : undefined;
      if (!n) throw noResource('No notification.');
      if (n.userId !== ctx.user.id) throw forbidden();
      n.alreadyRead = true;
      n.resourceAlreadyRead = true;
      return noContent();
    },
  },
];
