/**
 * Project settings: statuses, issue types, categories, versions (milestones), custom fields and
 * their list items, webhooks (docs/backlog-api.md §9.3–§9.5, §9.7).
 *
 * Permissions: reads are open to every member; writes need a space administrator or a project
 * administrator, except statuses, whose add/update doc pages name only "Administrator" (followed
 * as the stricter reading). Webhooks, reads included, are for administrators and project
 * administrators (their doc pages).
 *
 * Status rules ([3P] observations in §9.3, implemented as observed): at most 12 statuses per
 * project (limit answered 400 / code 9 ResourceOverflowError); the defaults 1–4 cannot be renamed,
 * recoloured or deleted; a new status goes just before Closed; colours only from the palette;
 * a new order must keep Open first and Closed last and name every status once.
 *
 * Decisions where the reference is silent (stricter reading, ARCHITECTURE.md §9):
 * - Names of statuses, issue types, categories, versions and custom fields are unique per
 *   project (400 naming `name`).
 * - Deleting a status or an issue type moves its issues to the substitute and stamps them updated
 *   by the caller, so incremental readers (`updatedSince`) see the change.
 * - Deleting an issue type replaces it by the substitute in custom fields' applicableIssueTypes
 *   (dropping it could turn "only this type" into "all types").
 * - `items[]` on PATCH of a list custom field adds the names not yet present; items are removed
 *   only through DELETE …/items/:itemId.
 * - A type-specific custom-field parameter sent for another type (e.g. `unit` on a text field) is
 *   refused, naming the parameter.
 * - Webhooks need `name` and an http(s) `hookUrl` on create; activity type ids must be known types.
 */
import { ActivityType, recordActivity } from '../activity.js';
import { projectFor, requireAdmin, requireProjectAdmin } from '../access.js';
import { ApiFailure, ErrorCode, badRequest, noResource } from '../errors.js';
import { nameIn, namesOf, type LocalisedName } from '../names.js';
import { bool, has, int, ints, str, strs, type ParamsSpec } from '../params.js';
import type { Ctx, Route } from '../route.js';
import { categoryJson, customFieldJson, issueTypeJson, statusJson, versionJson } from '../serialize/core.js';
import { webhookJson } from '../serialize/project.js';
import type { CustomFieldRec, CustomFieldTypeId, DateOnly, IssueRec, ProjectRec, StatusRec, Store, VersionRec } from '../store.js';
import { statusKey } from '../store.js';
import { isDateOnly } from '../time.js';

const P = '/api/v2/projects/:projectIdOrKey';

/** Palettes (backlog-api.md §13). */
export const STATUS_COLORS = ['#ea2c00', '#e87758', '#e07b9a', '#868cb7', '#3b9dbd', '#4caf93', '#b0be3c', '#eda62a', '#f42858', '#393939'] as const;
export const ISSUE_TYPE_COLORS = ['#e30000', '#990000', '#934981', '#814fbc', '#2779ca', '#007e9a', '#7ea800', '#ff9200', '#ff3265', '#666665'] as const;

const MAX_STATUSES = 12;
const OPEN = 1;
const CLOSED = 4;
const STATUS_DELETED = 34;

/** Activity types a webhook may subscribe to (backlog-api.md §13). */
const KNOWN_ACTIVITY_TYPES = new Set([...Array.from({ length: 26 }, (_, i) => i + 1), ...Array.from({ length: 16 }, (_, i) => i + 34)]);

// ---- helpers ------------------------------------------------------------------------------

function project(ctx: Ctx): ProjectRec {
  return projectFor(ctx, ctx.path.projectIdOrKey as string);
}

/** The project, for a settings write: administrator or project administrator. */
function settingsProject(ctx: Ctx): ProjectRec {
  const p = project(ctx);
  requireProjectAdmin(ctx, p);
  return p;
}

function pathId(ctx: Ctx, name: string, missing: string): number {
  const raw = ctx.path[name] ?? '';
  if (!/^\d+$/.test(raw)) throw noResource(missing);
  return Number(raw);
}

function projectIssues(store: Store, projectId: number): readonly IssueRec[] {
  return store.issues.where('projectId', (i) => i.projectId, projectId);
}

function nextOrder(rows: readonly { displayOrder: number }[]): number {
  return rows.reduce((m, r) => Math.max(m, r.displayOrder + 1), 0);
}

function byOrder<T extends { displayOrder: number; id: number }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => a.displayOrder - b.displayOrder || a.id - b.id);
}

function requireName(value: string | undefined, param = 'name'): string | undefined {
  if (value !== undefined && value.trim() === '') throw badRequest(`Invalid parameter '${param}': must not be empty.`);
  return value;
}

/** A built-in name is taken in every language (./names.ts namesOf). */
function uniqueName(rows: readonly { id: number; name: string; localisedName?: LocalisedName | null }[], name: string, selfId?: number): void {
  const taken = (r: (typeof rows)[number]) => namesOf({ name: r.name, localisedName: r.localisedName ?? null }).includes(name);
  if (rows.some((r) => taken(r) && r.id !== selfId)) throw badRequest(`Invalid parameter 'name': '${name}' is already used in this project.`);
}

function touchIssues(ctx: Ctx, issues: IssueRec[]): void {
  const now = ctx.now();
  for (const issue of issues) {
    issue.updated = now;
    issue.updatedUserId = ctx.user.id;
  }
  ctx.store.issues.touch();
}

// ---- statuses -----------------------------------------------------------------------------

function statusesOf(store: Store, projectId: number): StatusRec[] {
  return byOrder(store.statuses.where('projectId', (s) => s.projectId, projectId));
}

function statusFor(ctx: Ctx, p: ProjectRec): StatusRec {
  const id = pathId(ctx, 'id', 'No status.');
  const status = ctx.store.statuses.get(statusKey(p.id, id));
  if (!status) throw noResource('No status.');
  return status;
}

/** Display order just before Closed, renumbering in steps of 1000 when no gap is left. */
function orderBeforeClosed(store: Store, projectId: number): number {
  let list = statusesOf(store, projectId);
  const closed = list.find((s) => s.id === CLOSED) as StatusRec;
  const prev = list.filter((s) => s.id !== CLOSED).reduce((m, s) => Math.max(m, s.displayOrder), -Infinity);
  if (closed.displayOrder - 1 > prev) return closed.displayOrder - 1;
  list = [...list.filter((s) => s.id !== CLOSED), closed];
  list.forEach((s, i) => (s.displayOrder = (i + 1) * 1000));
  return closed.displayOrder - 1;
}

const statusRoutes: Route[] = [
  {
    method: 'GET',
    pattern: `${P}/statuses`,
    handler: (ctx) => statusesOf(ctx.store, project(ctx).id).map((s) => statusJson(s, ctx.lang)),
  },
  {
    method: 'POST',
    pattern: `${P}/statuses`,
    params: { name: { type: 'string', required: true }, color: { type: 'string', required: true, oneOf: STATUS_COLORS } },
    handler: (ctx) => {
      const p = project(ctx);
      requireAdmin(ctx);
      const name = requireName(str(ctx.params, 'name')) as string;
      const list = statusesOf(ctx.store, p.id);
      if (list.length >= MAX_STATUSES) {
        throw new ApiFailure(400, ErrorCode.ResourceOverflowError, `The maximum number of status are ${MAX_STATUSES} per project`);
      }
      uniqueName(list, name);
      const displayOrder = orderBeforeClosed(ctx.store, p.id);
      const status = ctx.store.statuses.insert({
        id: 4 + ctx.store.nextId('customStatus'),
        projectId: p.id,
        name,
        localisedName: null,
        color: str(ctx.params, 'color') as string,
        displayOrder,
      });
      return statusJson(status, ctx.lang);
    },
  },
  // Before `/statuses/:id`, which would otherwise take "updateDisplayOrder" as an id.
  {
    method: 'PATCH',
    pattern: `${P}/statuses/updateDisplayOrder`,
    params: { 'statusId[]': { type: 'intArray', required: true } },
    handler: (ctx) => {
      const p = project(ctx);
      requireAdmin(ctx);
      const order = ints(ctx.params, 'statusId') as number[];
      const list = statusesOf(ctx.store, p.id);
      const known = new Set(list.map((s) => s.id));
      const unknown = order.find((id) => !known.has(id));
      if (unknown !== undefined) throw badRequest(`Invalid parameter 'statusId[]': no such status in the project (${unknown}).`);
      if (new Set(order).size !== order.length || order.length !== list.length) {
        throw badRequest(`Invalid parameter 'statusId[]': list every status of the project exactly once (${list.length} statuses).`);
      }
      if (order[0] !== OPEN || order[order.length - 1] !== CLOSED) {
        throw badRequest(`Invalid parameter 'statusId[]': the order must start with status ${OPEN} and end with status ${CLOSED}.`);
      }
      order.forEach((id, i) => {
        (ctx.store.statuses.get(statusKey(p.id, id)) as StatusRec).displayOrder = (i + 1) * 1000;
      });
      return statusesOf(ctx.store, p.id).map((s) => statusJson(s, ctx.lang));
    },
  },
  {
    method: 'PATCH',
    pattern: `${P}/statuses/:id`,
    params: { name: 'string', color: { type: 'string', oneOf: STATUS_COLORS } },
    handler: (ctx) => {
      const p = project(ctx);
      requireAdmin(ctx);
      const status = statusFor(ctx, p);
      if (status.id <= CLOSED) throw badRequest(`Default status cannot be updated. id: ${status.id}`);
      const name = requireName(str(ctx.params, 'name'));
      if (name !== undefined) {
        uniqueName(statusesOf(ctx.store, p.id), name, status.id);
        status.name = name;
      }
      const color = str(ctx.params, 'color');
      if (color !== undefined) status.color = color;
      return statusJson(status, ctx.lang);
    },
  },
  {
    method: 'DELETE',
    pattern: `${P}/statuses/:id`,
    params: { substituteStatusId: { type: 'int', required: true } },
    handler: (ctx) => {
      const p = project(ctx);
      requireAdmin(ctx);
      const status = statusFor(ctx, p);
      if (status.id <= CLOSED) throw badRequest(`Default status cannot be deleted. id: ${status.id}`);
      const substituteId = int(ctx.params, 'substituteStatusId') as number;
      if (substituteId === status.id) throw badRequest("Invalid parameter 'substituteStatusId': must differ from the deleted status.");
      const substitute = ctx.store.statuses.get(statusKey(p.id, substituteId));
      if (!substitute) throw badRequest(`Invalid parameter 'substituteStatusId': no such status in the project (${substituteId}).`);
      const moved = projectIssues(ctx.store, p.id).filter((i) => i.statusId === status.id);
      for (const issue of moved) issue.statusId = substitute.id;
      touchIssues(ctx, moved);
      ctx.store.statuses.delete(statusKey(p.id, status.id));
      recordActivity(ctx.store, {
        projectId: p.id,
        type: STATUS_DELETED,
        content: {
          deletedStatus: { name: status.name },
          link: moved.map((i) => ({ id: i.id, key_id: i.keyId, title: i.summary })),
          change: moved.length > 0 ? { field: 'status', new_value: substitute.name, type: 'standard' } : null,
        },
        createdUserId: ctx.user.id,
        created: ctx.now(),
      });
      return statusJson(status, ctx.lang);
    },
  },
];

// ---- issue types --------------------------------------------------------------------------

function issueTypesOf(store: Store, projectId: number) {
  return byOrder(store.issueTypes.where('projectId', (t) => t.projectId, projectId));
}

function issueTypeFor(ctx: Ctx, p: ProjectRec) {
  const t = ctx.store.issueTypes.get(pathId(ctx, 'id', 'No issue type.'));
  if (!t || t.projectId !== p.id) throw noResource('No issue type.');
  return t;
}

const issueTypeRoutes: Route[] = [
  {
    method: 'GET',
    pattern: `${P}/issueTypes`,
    handler: (ctx) => issueTypesOf(ctx.store, project(ctx).id).map((t) => issueTypeJson(t, ctx.lang)),
  },
  {
    method: 'POST',
    pattern: `${P}/issueTypes`,
    params: {
      name: { type: 'string', required: true },
      color: { type: 'string', required: true, oneOf: ISSUE_TYPE_COLORS },
      templateSummary: { type: 'string', nullable: true },
      templateDescription: { type: 'string', nullable: true },
    },
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const name = requireName(str(ctx.params, 'name')) as string;
      const list = issueTypesOf(ctx.store, p.id);
      uniqueName(list, name);
      const t = ctx.store.issueTypes.insert({
        id: ctx.store.nextId('issueType'),
        projectId: p.id,
        name,
        localisedName: null,
        color: str(ctx.params, 'color') as string,
        displayOrder: nextOrder(list),
        templateSummary: str(ctx.params, 'templateSummary') ?? null,
        templateDescription: str(ctx.params, 'templateDescription') ?? null,
      });
      return issueTypeJson(t, ctx.lang);
    },
  },
  {
    method: 'PATCH',
    pattern: `${P}/issueTypes/:id`,
    params: {
      name: 'string',
      color: { type: 'string', oneOf: ISSUE_TYPE_COLORS },
      templateSummary: { type: 'string', nullable: true },
      templateDescription: { type: 'string', nullable: true },
    },
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const t = issueTypeFor(ctx, p);
      const name = requireName(str(ctx.params, 'name'));
      // Sending the name the caller already sees (a client that resends every field) is no rename.
      if (name !== undefined && name !== nameIn(t, ctx.lang)) {
        uniqueName(issueTypesOf(ctx.store, p.id), name, t.id);
        t.name = name;
        t.localisedName = null;
      }
      const color = str(ctx.params, 'color');
      if (color !== undefined) t.color = color;
      if (has(ctx.params, 'templateSummary')) t.templateSummary = str(ctx.params, 'templateSummary') ?? null;
      if (has(ctx.params, 'templateDescription')) t.templateDescription = str(ctx.params, 'templateDescription') ?? null;
      return issueTypeJson(t, ctx.lang);
    },
  },
  {
    method: 'DELETE',
    pattern: `${P}/issueTypes/:id`,
    params: { substituteIssueTypeId: { type: 'int', required: true } },
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const t = issueTypeFor(ctx, p);
      const substituteId = int(ctx.params, 'substituteIssueTypeId') as number;
      // Backlog's own message ([3P] observed).
      if (substituteId === t.id) throw badRequest('deletedTargetIssueTypeId and substituteIssueTypeId are the same.');
      const substitute = ctx.store.issueTypes.get(substituteId);
      if (!substitute || substitute.projectId !== p.id) {
        throw badRequest(`Invalid parameter 'substituteIssueTypeId': no such issue type in the project (${substituteId}).`);
      }
      const moved = projectIssues(ctx.store, p.id).filter((i) => i.issueTypeId === t.id);
      for (const issue of moved) issue.issueTypeId = substitute.id;
      touchIssues(ctx, moved);
      for (const f of ctx.store.customFields.where('projectId', (c) => c.projectId, p.id)) {
        if (!f.applicableIssueTypes.includes(t.id)) continue;
        const next = f.applicableIssueTypes.map((id) => (id === t.id ? substitute.id : id));
        f.applicableIssueTypes = [...new Set(next)];
      }
      ctx.store.issueTypes.delete(t.id);
      return issueTypeJson(t, ctx.lang);
    },
  },
];

// ---- categories ---------------------------------------------------------------------------

function categoriesOf(store: Store, projectId: number) {
  return byOrder(store.categories.where('projectId', (c) => c.projectId, projectId));
}

function categoryFor(ctx: Ctx, p: ProjectRec) {
  const c = ctx.store.categories.get(pathId(ctx, 'id', 'No category.'));
  if (!c || c.projectId !== p.id) throw noResource('No category.');
  return c;
}

const categoryRoutes: Route[] = [
  {
    method: 'GET',
    pattern: `${P}/categories`,
    handler: (ctx) => categoriesOf(ctx.store, project(ctx).id).map(categoryJson),
  },
  {
    method: 'POST',
    pattern: `${P}/categories`,
    params: { name: { type: 'string', required: true } },
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const name = requireName(str(ctx.params, 'name')) as string;
      const list = categoriesOf(ctx.store, p.id);
      uniqueName(list, name);
      return categoryJson(ctx.store.categories.insert({ id: ctx.store.nextId('category'), projectId: p.id, name, displayOrder: nextOrder(list) }));
    },
  },
  {
    method: 'PATCH',
    pattern: `${P}/categories/:id`,
    params: { name: { type: 'string', required: true } },
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const c = categoryFor(ctx, p);
      const name = requireName(str(ctx.params, 'name')) as string;
      uniqueName(categoriesOf(ctx.store, p.id), name, c.id);
      c.name = name;
      return categoryJson(c);
    },
  },
  {
    method: 'DELETE',
    pattern: `${P}/categories/:id`,
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const c = categoryFor(ctx, p);
      for (const issue of projectIssues(ctx.store, p.id)) {
        if (issue.categoryIds.includes(c.id)) issue.categoryIds = issue.categoryIds.filter((id) => id !== c.id);
      }
      ctx.store.issues.touch();
      ctx.store.categories.delete(c.id);
      return categoryJson(c);
    },
  },
];

// ---- versions (milestones) ----------------------------------------------------------------

function versionsOf(store: Store, projectId: number) {
  return byOrder(store.versions.where('projectId', (v) => v.projectId, projectId));
}

function versionFor(ctx: Ctx, p: ProjectRec) {
  const v = ctx.store.versions.get(pathId(ctx, 'id', 'No version.'));
  if (!v || v.projectId !== p.id) throw noResource('No version.');
  return v;
}

function checkVersionDates(start: DateOnly | null, due: DateOnly | null): void {
  if (start !== null && due !== null && start > due) {
    throw badRequest(`Invalid parameter 'releaseDueDate': ${due} is before startDate ${start}.`);
  }
}

function milestoneActivity(ctx: Ctx, v: VersionRec, type: number, content: Record<string, unknown>): void {
  recordActivity(ctx.store, { projectId: v.projectId, type, content, createdUserId: ctx.user.id, created: ctx.now() });
}

function versionSnapshot(v: VersionRec) {
  return { id: v.id, name: v.name, start_date: v.startDate, reference_date: v.releaseDueDate, description: v.description };
}

const VERSION_FIELDS: ParamsSpec = {
  description: 'string',
  startDate: { type: 'date', nullable: true },
  releaseDueDate: { type: 'date', nullable: true },
};

const versionRoutes: Route[] = [
  {
    method: 'GET',
    pattern: `${P}/versions`,
    handler: (ctx) => versionsOf(ctx.store, project(ctx).id).map((v) => versionJson(v, ctx.store.space.timezone)),
  },
  {
    method: 'POST',
    pattern: `${P}/versions`,
    params: { name: { type: 'string', required: true }, ...VERSION_FIELDS },
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const name = requireName(str(ctx.params, 'name')) as string;
      const list = versionsOf(ctx.store, p.id);
      uniqueName(list, name);
      const startDate = str(ctx.params, 'startDate') ?? null;
      const releaseDueDate = str(ctx.params, 'releaseDueDate') ?? null;
      checkVersionDates(startDate, releaseDueDate);
      const v = ctx.store.versions.insert({
        id: ctx.store.nextId('version'),
        projectId: p.id,
        name,
        description: str(ctx.params, 'description') ?? '',
        startDate,
        releaseDueDate,
        archived: false,
        displayOrder: nextOrder(list),
      });
      milestoneActivity(ctx, v, ActivityType.MilestoneCreated, versionSnapshot(v));
      return versionJson(v, ctx.store.space.timezone);
    },
  },
  {
    method: 'PATCH',
    pattern: `${P}/versions/:id`,
    params: { name: { type: 'string', required: true }, ...VERSION_FIELDS, archived: 'bool' },
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const v = versionFor(ctx, p);
      const name = requireName(str(ctx.params, 'name')) as string;
      uniqueName(versionsOf(ctx.store, p.id), name, v.id);
      const startDate = has(ctx.params, 'startDate') ? (str(ctx.params, 'startDate') ?? null) : v.startDate;
      const releaseDueDate = has(ctx.params, 'releaseDueDate') ? (str(ctx.params, 'releaseDueDate') ?? null) : v.releaseDueDate;
      checkVersionDates(startDate, releaseDueDate);
      const changes: { field: string; new_value: string; old_value: string }[] = [];
      const change = (field: string, before: unknown, after: unknown) => {
        if (before !== after) changes.push({ field, new_value: String(after ?? ''), old_value: String(before ?? '') });
      };
      const description = str(ctx.params, 'description') ?? v.description;
      const archived = bool(ctx.params, 'archived') ?? v.archived;
      change('name', v.name, name);
      change('description', v.description, description);
      change('startDate', v.startDate, startDate);
      change('limitDate', v.releaseDueDate, releaseDueDate);
      change('archived', v.archived, archived);
      Object.assign(v, { name, description, startDate, releaseDueDate, archived });
      if (changes.length > 0) milestoneActivity(ctx, v, ActivityType.MilestoneUpdated, { id: v.id, name: v.name, changes });
      return versionJson(v, ctx.store.space.timezone);
    },
  },
  {
    method: 'DELETE',
    pattern: `${P}/versions/:id`,
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const v = versionFor(ctx, p);
      for (const issue of projectIssues(ctx.store, p.id)) {
        if (issue.versionIds.includes(v.id)) issue.versionIds = issue.versionIds.filter((id) => id !== v.id);
        if (issue.milestoneIds.includes(v.id)) issue.milestoneIds = issue.milestoneIds.filter((id) => id !== v.id);
      }
      ctx.store.issues.touch();
      ctx.store.versions.delete(v.id);
      milestoneActivity(ctx, v, ActivityType.MilestoneDeleted, versionSnapshot(v));
      return versionJson(v, ctx.store.space.timezone);
    },
  },
];

// ---- custom fields ------------------------------------------------------------------------

const NUMBER_RE = /^-?\d+(\.\d+)?$/;
const isList = (t: CustomFieldTypeId) => t >= 5;

const CUSTOM_FIELD_COMMON: ParamsSpec = {
  'applicableIssueTypes[]': { type: 'intArray', nullable: true },
  description: 'string',
  required: 'bool',
  min: { type: 'string', nullable: true },
  max: { type: 'string', nullable: true },
  initialValue: { type: 'number', nullable: true },
  unit: { type: 'string', nullable: true },
  initialValueType: { type: 'int', min: 1, max: 3 },
  initialDate: 'date',
  initialShift: 'int',
  'items[]': 'stringArray',
  allowInput: 'bool',
  allowAddItem: 'bool',
};

/** Which type-specific parameters each field type accepts. */
function checkApplicable(ctx: Ctx, typeId: CustomFieldTypeId): void {
  const rules: [string, (t: CustomFieldTypeId) => boolean, string][] = [
    ['min', (t) => t === 3 || t === 4, 'numeric and date custom fields (typeId 3, 4)'],
    ['max', (t) => t === 3 || t === 4, 'numeric and date custom fields (typeId 3, 4)'],
    ['initialValue', (t) => t === 3, 'numeric custom fields (typeId 3)'],
    ['unit', (t) => t === 3, 'numeric custom fields (typeId 3)'],
    ['initialValueType', (t) => t === 4, 'date custom fields (typeId 4)'],
    ['initialDate', (t) => t === 4, 'date custom fields (typeId 4)'],
    ['initialShift', (t) => t === 4, 'date custom fields (typeId 4)'],
    ['items', isList, 'list custom fields (typeId 5-8)'],
    ['allowAddItem', isList, 'list custom fields (typeId 5-8)'],
    ['allowInput', (t) => t === 7 || t === 8, 'checkbox and radio custom fields (typeId 7, 8)'],
  ];
  for (const [param, ok, what] of rules) {
    if (has(ctx.params, param) && !ok(typeId)) {
      const shown = param === 'items' ? 'items[]' : param;
      throw badRequest(`Invalid parameter '${shown}': applies only to ${what}; this field has typeId ${typeId}.`);
    }
  }
}

function parseBound(ctx: Ctx, param: 'min' | 'max', typeId: CustomFieldTypeId, current: number | DateOnly | null): number | DateOnly | null {
  if (!has(ctx.params, param)) return current;
  const raw = str(ctx.params, param);
  if (raw === undefined) return null;
  if (typeId === 3) {
    if (!NUMBER_RE.test(raw)) throw badRequest(`Invalid parameter '${param}': '${raw}' is not a number.`);
    return Number(raw);
  }
  if (!isDateOnly(raw)) throw badRequest(`Invalid parameter '${param}': '${raw}' is not a date in yyyy-MM-dd form.`);
  return raw;
}

function checkIssueTypes(ctx: Ctx, p: ProjectRec, ids: number[]): number[] {
  for (const id of ids) {
    const t = ctx.store.issueTypes.get(id);
    if (!t || t.projectId !== p.id) throw badRequest(`Invalid parameter 'applicableIssueTypes[]': no such issue type in the project (${id}).`);
  }
  return [...new Set(ids)];
}

function newItems(ctx: Ctx, names: string[], existing: CustomFieldRec['items']): CustomFieldRec['items'] {
  const items = [...existing];
  for (const name of names) {
    if (name.trim() === '') throw badRequest("Invalid parameter 'items[]': item names must not be empty.");
    if (items.some((i) => i.name === name)) continue;
    items.push({ id: ctx.store.nextId('customFieldItem'), name, displayOrder: nextOrder(items) });
  }
  return items;
}

/** Apply and validate the optional parameters shared by POST and PATCH onto `f`. */
function applyCustomFieldParams(ctx: Ctx, p: ProjectRec, f: CustomFieldRec): void {
  const params = ctx.params;
  checkApplicable(ctx, f.typeId);
  if (has(params, 'applicableIssueTypes')) f.applicableIssueTypes = checkIssueTypes(ctx, p, ints(params, 'applicableIssueTypes') ?? []);
  const description = str(params, 'description');
  if (description !== undefined) f.description = description;
  const required = bool(params, 'required');
  if (required !== undefined) f.required = required;
  if (f.typeId === 3 || f.typeId === 4) {
    f.min = parseBound(ctx, 'min', f.typeId, f.min);
    f.max = parseBound(ctx, 'max', f.typeId, f.max);
    if (f.min !== null && f.max !== null && f.min > f.max) throw badRequest(`Invalid parameter 'max': ${f.max} is below min ${f.min}.`);
  }
  if (f.typeId === 3) {
    if (has(params, 'initialValue')) f.initialValue = (params.initialValue as number | null) ?? null;
    if (has(params, 'unit')) f.unit = str(params, 'unit') ?? null;
    const v = f.initialValue;
    if (v !== null && ((typeof f.min === 'number' && v < f.min) || (typeof f.max === 'number' && v > f.max))) {
      throw badRequest(`Invalid parameter 'initialValue': ${v} is outside min/max.`);
    }
  }
  if (f.typeId === 4 && (has(params, 'initialValueType') || has(params, 'initialDate') || has(params, 'initialShift'))) {
    const type = int(params, 'initialValueType');
    if (type === undefined) throw badRequest("Missing required parameter 'initialValueType' (needed with initialDate or initialShift).");
    const shift = int(params, 'initialShift') ?? null;
    const date = str(params, 'initialDate') ?? null;
    if (type === 2 && shift === null) throw badRequest("Missing required parameter 'initialShift' (initialValueType 2 is today + shift days).");
    if (type === 3 && date === null) throw badRequest("Missing required parameter 'initialDate' (initialValueType 3 is a fixed date).");
    f.initialDate = { id: type as 1 | 2 | 3, shift: type === 2 ? shift : null, date: type === 3 ? date : null };
  }
  if (isList(f.typeId)) {
    const names = strs(params, 'items');
    if (names) f.items = newItems(ctx, names, f.items);
    const allowAddItem = bool(params, 'allowAddItem');
    if (allowAddItem !== undefined) f.allowAddItem = allowAddItem;
    const allowInput = bool(params, 'allowInput');
    if (allowInput !== undefined) f.allowInput = allowInput;
  }
}

function customFieldsOf(store: Store, projectId: number) {
  return byOrder(store.customFields.where('projectId', (f) => f.projectId, projectId));
}

function customFieldFor(ctx: Ctx, p: ProjectRec): CustomFieldRec {
  const f = ctx.store.customFields.get(pathId(ctx, 'id', 'No custom field.'));
  if (!f || f.projectId !== p.id) throw noResource('No custom field.');
  return f;
}

function listFieldFor(ctx: Ctx, p: ProjectRec): CustomFieldRec {
  const f = customFieldFor(ctx, p);
  if (!isList(f.typeId)) throw badRequest(`Invalid custom field: ${f.id} is not a list type (typeId ${f.typeId}); items exist only for typeId 5-8.`);
  return f;
}

function itemFor(ctx: Ctx, f: CustomFieldRec) {
  const id = pathId(ctx, 'itemId', 'No custom field item.');
  const item = f.items.find((i) => i.id === id);
  if (!item) throw noResource('No custom field item.');
  return item;
}

const customFieldRoutes: Route[] = [
  {
    method: 'GET',
    pattern: `${P}/customFields`,
    handler: (ctx) => customFieldsOf(ctx.store, project(ctx).id).map(customFieldJson),
  },
  {
    method: 'POST',
    pattern: `${P}/customFields`,
    params: { typeId: { type: 'int', required: true, min: 1, max: 8 }, name: { type: 'string', required: true }, ...CUSTOM_FIELD_COMMON },
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const name = requireName(str(ctx.params, 'name')) as string;
      const list = customFieldsOf(ctx.store, p.id);
      uniqueName(list, name);
      const typeId = int(ctx.params, 'typeId') as CustomFieldTypeId;
      const f: CustomFieldRec = {
        id: 0,
        projectId: p.id,
        typeId,
        name,
        description: '',
        required: false,
        applicableIssueTypes: [],
        displayOrder: nextOrder(list),
        min: null,
        max: null,
        initialValue: null,
        unit: null,
        initialDate: null,
        items: [],
        allowAddItem: false,
        allowInput: false,
      };
      applyCustomFieldParams(ctx, p, f);
      f.id = ctx.store.nextId('customField');
      ctx.store.customFields.insert(f);
      return customFieldJson(f);
    },
  },
  {
    method: 'PATCH',
    pattern: `${P}/customFields/:id`,
    params: { typeId: 'string', name: 'string', ...CUSTOM_FIELD_COMMON },
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const f = customFieldFor(ctx, p);
      if (has(ctx.params, 'typeId')) throw badRequest("Invalid parameter 'typeId': the type of a custom field cannot be changed.");
      const name = requireName(str(ctx.params, 'name'));
      if (name !== undefined) uniqueName(customFieldsOf(ctx.store, p.id), name, f.id);
      // Validate on a copy so a refused request changes nothing.
      const draft: CustomFieldRec = { ...f, applicableIssueTypes: [...f.applicableIssueTypes], items: [...f.items] };
      applyCustomFieldParams(ctx, p, draft);
      Object.assign(f, draft, { name: name ?? f.name });
      return customFieldJson(f);
    },
  },
  {
    method: 'DELETE',
    pattern: `${P}/customFields/:id`,
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const f = customFieldFor(ctx, p);
      for (const issue of projectIssues(ctx.store, p.id)) issue.customFields.delete(f.id);
      ctx.store.customFields.delete(f.id);
      return customFieldJson(f);
    },
  },
  {
    method: 'POST',
    pattern: `${P}/customFields/:id/items`,
    params: { name: { type: 'string', required: true } },
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const f = listFieldFor(ctx, p);
      const name = requireName(str(ctx.params, 'name')) as string;
      if (f.items.some((i) => i.name === name)) throw badRequest(`Invalid parameter 'name': the item '${name}' already exists.`);
      f.items = newItems(ctx, [name], f.items);
      return customFieldJson(f);
    },
  },
  {
    method: 'PATCH',
    pattern: `${P}/customFields/:id/items/:itemId`,
    params: { name: { type: 'string', required: true } },
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const f = listFieldFor(ctx, p);
      const item = itemFor(ctx, f);
      const name = requireName(str(ctx.params, 'name')) as string;
      if (f.items.some((i) => i.name === name && i.id !== item.id)) throw badRequest(`Invalid parameter 'name': the item '${name}' already exists.`);
      f.items = f.items.map((i) => (i.id === item.id ? { ...i, name } : i));
      return customFieldJson(f);
    },
  },
  {
    method: 'DELETE',
    pattern: `${P}/customFields/:id/items/:itemId`,
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const f = listFieldFor(ctx, p);
      const item = itemFor(ctx, f);
      f.items = f.items.filter((i) => i.id !== item.id);
      for (const issue of projectIssues(ctx.store, p.id)) {
        const v = issue.customFields.get(f.id);
        if (v?.kind === 'items' && v.itemIds.includes(item.id)) issue.customFields.set(f.id, { ...v, itemIds: v.itemIds.filter((id) => id !== item.id) });
      }
      return customFieldJson(f);
    },
  },
];

// ---- webhooks -----------------------------------------------------------------------------

function webhookFor(ctx: Ctx, p: ProjectRec) {
  const w = ctx.store.webhooks.get(pathId(ctx, 'webhookId', 'No webhook.'));
  if (!w || w.projectId !== p.id) throw noResource('No webhook.');
  return w;
}

function checkHookUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest(`Invalid parameter 'hookUrl': '${url}' is not a URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw badRequest(`Invalid parameter 'hookUrl': '${url}' must be an http or https URL.`);
  return url;
}

function checkActivityTypes(ids: number[]): number[] {
  const bad = ids.find((id) => !KNOWN_ACTIVITY_TYPES.has(id));
  if (bad !== undefined) throw badRequest(`Invalid parameter 'activityTypeIds[]': unknown activity type (${bad}).`);
  return [...new Set(ids)].sort((a, b) => a - b);
}

const WEBHOOK_FIELDS: ParamsSpec = { description: 'string', allEvent: 'bool', 'activityTypeIds[]': { type: 'intArray', nullable: true } };

const webhookRoutes: Route[] = [
  {
    method: 'GET',
    pattern: `${P}/webhooks`,
    handler: (ctx) => {
      const p = settingsProject(ctx);
      return ctx.store.webhooks.where('projectId', (w) => w.projectId, p.id).map((w) => webhookJson(ctx.store, w));
    },
  },
  {
    method: 'POST',
    pattern: `${P}/webhooks`,
    params: { name: { type: 'string', required: true }, hookUrl: { type: 'string', required: true }, ...WEBHOOK_FIELDS },
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const now = ctx.now();
      const w = ctx.store.webhooks.insert({
        id: ctx.store.nextId('webhook'),
        projectId: p.id,
        name: requireName(str(ctx.params, 'name')) as string,
        description: str(ctx.params, 'description') ?? '',
        hookUrl: checkHookUrl(str(ctx.params, 'hookUrl') as string),
        allEvent: bool(ctx.params, 'allEvent') ?? false,
        activityTypeIds: checkActivityTypes(ints(ctx.params, 'activityTypeIds') ?? []),
        createdUserId: ctx.user.id,
        created: now,
        updatedUserId: ctx.user.id,
        updated: now,
      });
      return webhookJson(ctx.store, w);
    },
  },
  {
    method: 'GET',
    pattern: `${P}/webhooks/:webhookId`,
    handler: (ctx) => webhookJson(ctx.store, webhookFor(ctx, settingsProject(ctx))),
  },
  {
    method: 'PATCH',
    pattern: `${P}/webhooks/:webhookId`,
    params: { name: 'string', hookUrl: 'string', ...WEBHOOK_FIELDS },
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const w = webhookFor(ctx, p);
      const name = requireName(str(ctx.params, 'name'));
      const hookUrl = str(ctx.params, 'hookUrl');
      const activityTypeIds = has(ctx.params, 'activityTypeIds') ? checkActivityTypes(ints(ctx.params, 'activityTypeIds') ?? []) : w.activityTypeIds;
      if (hookUrl !== undefined) w.hookUrl = checkHookUrl(hookUrl);
      if (name !== undefined) w.name = name;
      w.description = str(ctx.params, 'description') ?? w.description;
      w.allEvent = bool(ctx.params, 'allEvent') ?? w.allEvent;
      w.activityTypeIds = activityTypeIds;
      w.updatedUserId = ctx.user.id;
      w.updated = ctx.now();
      return webhookJson(ctx.store, w);
    },
  },
  {
    method: 'DELETE',
    pattern: `${P}/webhooks/:webhookId`,
    handler: (ctx) => {
      const p = settingsProject(ctx);
      const w = webhookFor(ctx, p);
      ctx.store.webhooks.delete(w.id);
      return webhookJson(ctx.store, w);
    },
  },
];

export const PROJECT_SETTINGS_ROUTES: Route[] = [
  ...statusRoutes,
  ...issueTypeRoutes,
  ...categoryRoutes,
  ...versionRoutes,
  ...customFieldRoutes,
  ...webhookRoutes,
];
