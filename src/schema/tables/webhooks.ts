/**
 * Webhooks (extension): webhooks of projects (GET /projects/:p/webhooks). Only administrators
 * and project administrators may read them: for reporters, viewers and guests (who can never be
 * project administrators) nothing is requested and a warning says why; a normal user gets a
 * warning for each project they do not administer.
 */
import { col, push, timestamp, userColumns } from '../helpers.js';
import { perProject, perProjectCost, projectColumns, projectTargets, type InProject } from '../sources/projects.js';
import { defineTable } from '../types.js';
import type { WebhookJson } from '../sources/projects.js';

type Row = InProject<WebhookJson>;

/** Roles that may be project administrators: administrator (1) and normal user (2). */
const MAY_ADMINISTER = new Set([1, 2]);

export default defineTable<Row>({
  name: 'Webhooks',
  kind: 'view',
  extension: true,
  description: 'Webhooks of each project (administrators and project administrators only).',
  columns: [
    col('Id', 'BIGINT', 'Webhook id.', (r) => r.id, { key: true, pushdown: push.exact('filtered locally (one list per project)') }),
    ...projectColumns<Row>('/webhooks'),
    col('Name', 'VARCHAR', 'Webhook name.', (r) => r.name),
    col('Description', 'VARCHAR', 'Description.', (r) => r.description),
    col('HookUrl', 'VARCHAR', 'URL Backlog posts to.', (r) => r.hookUrl),
    col('AllEvent', 'BOOLEAN', 'Fires on every activity type.', (r) => r.allEvent),
    col('ActivityTypeIds', 'VARCHAR', 'Activity types it fires on when AllEvent is false, as a JSON array.', (r) => JSON.stringify(r.activityTypeIds ?? [])),
    ...userColumns<Row>('CreatedUser', 'user who created the webhook', (r) => r.createdUser),
    timestamp<Row>('Created', 'When the webhook was created.', (r) => r.created),
    ...userColumns<Row>('UpdatedUser', 'user who last changed the webhook', (r) => r.updatedUser),
    timestamp<Row>('Updated', 'When the webhook was last changed.', (r) => r.updated),
  ],
  async *list(ctx, quals) {
    const me = await ctx.myself();
    if (!MAY_ADMINISTER.has(me.roleType)) {
      ctx.warn('Webhooks skipped: only administrators and project administrators may read webhooks');
      return;
    }
    yield* perProject<WebhookJson>(ctx, await projectTargets(ctx, quals), 'webhooks', (p) => `/projects/${p}/webhooks`);
  },
  cost: (quals) => perProjectCost(quals, '1 request per project (+1 for the signed-in user, cached)'),
  examples: ["SELECT ProjectKey, Name, HookUrl FROM Webhooks WHERE ProjectKey = 'WEB'"],
});
