/**
 * Issues (backlog-api.md §10.1, §10.2): list, count, get, add, update, delete.
 *
 * Decisions where the reference is silent (stricter reading):
 * - Referenced ids in the body (projectId, issueTypeId, statusId, categoryId[], assigneeId,
 *   notifiedUserId[] ...) that do not exist in the issue's project are 400 naming the parameter;
 *   assignees and notified users must be project members.
 * - `startDate` after `dueDate` is 400 naming dueDate; summaries are 1-255 characters.
 * - An update that changes something, or carries `comment`, adds one comment holding the text (or
 *   null) and a change log entry per changed field, as Backlog's issue history does. Change-log
 *   field names follow Backlog's (`assigner`, `limitDate`, `component`, `parentIssue`...), values
 *   are display texts (status name, user name, yyyy-MM-dd).
 * - Notifications: the assignee (when someone else assigns) gets reason 1; `notifiedUserId[]`
 *   gets reason 3 on add and 4 on update.
 * - Deleting an issue that has child issues is refused (400); deleting removes its comments,
 *   attachments, links, stars, watchings and notifications. Who may delete: space administrators,
 *   project administrators and the issue's creator.
 */
import { isProjectAdmin, issueFor, projectFor, requireEditor, requireWriter } from '../access.js';
import { recordActivity } from '../activity.js';
import { Problems, badRequest, forbidden } from '../errors.js';
import { checkRequiredFields, customValueText, parseCustomFieldWrites, writeCustomFieldMatcher } from '../issues/custom-values.js';
import {
  Reason,
  addComment,
  attachToIssue,
  attachmentChanges,
  changeEntry,
  issueUrl,
  notifyUsers,
  pendingAttachments,
  requireMembers,
  validateParent,
} from '../issues/effects.js';
import { issuesBytes } from '../issues/render.js';
import { ISSUE_FILTER_PARAMS, buildIssueQuery, childrenByParent, countIssues, runIssueQuery, searchCustomFieldMatcher } from '../issues/filter.js';
import { has, int, ints, str, strs, type ParamsSpec } from '../params.js';
import { created, jsonBytes, type Ctx, type Route } from '../route.js';
import { isPriority, isResolution, priorityName, resolutionName } from '../names.js';
import { issueJson, issueKeyOf } from '../serialize/core.js';
import { statusKey, type ChangeLogRec, type CustomValue, type IssueRec, type ProjectRec, type Store } from '../store.js';

const MAX_SUMMARY = 255;

const WRITE_COMMON: ParamsSpec = {
  description: 'string',
  'notifiedUserId[]': 'intArray',
  'attachmentId[]': 'intArray',
};

const POST_PARAMS: ParamsSpec = {
  ...WRITE_COMMON,
  projectId: { type: 'int', required: true },
  summary: { type: 'string', required: true },
  issueTypeId: { type: 'int', required: true },
  priorityId: { type: 'int', required: true },
  parentIssueId: 'int',
  startDate: 'date',
  dueDate: 'date',
  estimatedHours: { type: 'number', min: 0 },
  actualHours: { type: 'number', min: 0 },
  'categoryId[]': 'intArray',
  'versionId[]': 'intArray',
  'milestoneId[]': 'intArray',
  assigneeId: 'int',
};

/** Empty values clear a field on update (`assigneeId=`, `categoryId[]=`), as backlog4j sends. */
const PATCH_PARAMS: ParamsSpec = {
  ...WRITE_COMMON,
  summary: 'string',
  parentIssueId: { type: 'int', nullable: true },
  statusId: 'int',
  resolutionId: { type: 'int', nullable: true },
  startDate: { type: 'date', nullable: true },
  dueDate: { type: 'date', nullable: true },
  estimatedHours: { type: 'number', min: 0, nullable: true },
  actualHours: { type: 'number', min: 0, nullable: true },
  issueTypeId: 'int',
  'categoryId[]': { type: 'intArray', nullable: true },
  'versionId[]': { type: 'intArray', nullable: true },
  'milestoneId[]': { type: 'intArray', nullable: true },
  priorityId: 'int',
  assigneeId: { type: 'int', nullable: true },
  comment: 'string',
};

const EXPAND_PARAMS: ParamsSpec = { 'expand[]': { type: 'stringArray', oneOf: ['childIssueSummary'] } };

function wantsChildSummary(ctx: Ctx): boolean {
  return (strs(ctx.params, 'expand') ?? []).includes('childIssueSummary');
}

// ---- validation helpers ----------------------------------------------------------------------

function checkSummary(summary: string): string {
  if (summary.trim() === '') throw badRequest("Missing required parameter 'summary'.");
  if ([...summary].length > MAX_SUMMARY) throw badRequest(`Invalid parameter 'summary': at most ${MAX_SUMMARY} characters.`);
  return summary;
}

function checkIssueType(store: Store, project: ProjectRec, id: number): number {
  const t = store.issueTypes.get(id);
  if (!t || t.projectId !== project.id) throw badRequest(`Invalid parameter 'issueTypeId': no issue type with id ${id} in project ${project.projectKey}.`);
  return id;
}

function checkPriority(id: number): number {
  if (!isPriority(id)) throw badRequest(`Invalid parameter 'priorityId': no priority with id ${id}.`);
  return id;
}

function checkResolution(id: number): number {
  if (!isResolution(id)) throw badRequest(`Invalid parameter 'resolutionId': no resolution with id ${id}.`);
  return id;
}

function checkStatus(store: Store, project: ProjectRec, id: number): number {
  if (!store.statuses.get(statusKey(project.id, id)))
    throw badRequest(`Invalid parameter 'statusId': no status with id ${id} in project ${project.projectKey}.`);
  return id;
}

function checkCategories(store: Store, project: ProjectRec, ids: number[]): number[] {
  for (const id of ids) {
    if (store.categories.get(id)?.projectId !== project.id)
      throw badRequest(`Invalid parameter 'categoryId[]': no category with id ${id} in project ${project.projectKey}.`);
  }
  return [...new Set(ids)];
}

function checkVersions(store: Store, project: ProjectRec, ids: number[], param: string): number[] {
  for (const id of ids) {
    if (store.versions.get(id)?.projectId !== project.id)
      throw badRequest(`Invalid parameter '${param}': no version with id ${id} in project ${project.projectKey}.`);
  }
  return [...new Set(ids)];
}

function checkDates(startDate: string | null, dueDate: string | null): void {
  if (startDate !== null && dueDate !== null && startDate > dueDate) {
    throw badRequest(`Invalid parameter 'dueDate': ${dueDate} is before startDate ${startDate}.`);
  }
}

// ---- change log text -------------------------------------------------------------------------

function names(ids: number[], lookup: (id: number) => { name: string } | undefined): string | null {
  const list = ids.map((id) => lookup(id)?.name ?? String(id));
  return list.length > 0 ? list.join(', ') : null;
}

function hours(n: number | null): string | null {
  return n === null ? null : String(n);
}

function userName(store: Store, id: number | null): string | null {
  return id === null ? null : (store.users.get(id)?.name ?? String(id));
}

function sameIds(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// ---- handlers --------------------------------------------------------------------------------

function listIssues(ctx: Ctx) {
  const q = buildIssueQuery(ctx, 'list');
  return jsonBytes(issuesBytes(ctx.store, runIssueQuery(ctx.store, q), ctx.lang, q.childIssueSummary));
}

function countIssuesRoute(ctx: Ctx) {
  return { count: countIssues(ctx.store, buildIssueQuery(ctx, 'count')) };
}

function getIssue(ctx: Ctx) {
  const issue = issueFor(ctx, ctx.path.issueIdOrKey as string);
  return issueJson(ctx.store, issue, ctx.lang, { childIssueSummary: wantsChildSummary(ctx) });
}

function projectForWrite(ctx: Ctx, id: number): ProjectRec {
  try {
    return projectFor(ctx, id);
  } catch {
    throw badRequest(`Invalid parameter 'projectId': no project with id ${id}.`);
  }
}

function postIssue(ctx: Ctx) {
  const store = ctx.store;
  const p = ctx.params;
  requireWriter(ctx);
  // Every problem is named in one answer; checks that need the project wait for a valid one.
  const problems = new Problems();
  const project = problems.check(() => projectForWrite(ctx, int(p, 'projectId') as number));
  const summary = problems.check(() => checkSummary(str(p, 'summary') as string));
  const issueTypeId = project && problems.check(() => checkIssueType(store, project, int(p, 'issueTypeId') as number));
  const priorityId = problems.check(() => checkPriority(int(p, 'priorityId') as number));
  const categoryIds = project && problems.check(() => checkCategories(store, project, ints(p, 'categoryId') ?? []));
  const versionIds = project && problems.check(() => checkVersions(store, project, ints(p, 'versionId') ?? [], 'versionId[]'));
  const milestoneIds = project && problems.check(() => checkVersions(store, project, ints(p, 'milestoneId') ?? [], 'milestoneId[]'));
  const assigneeId = int(p, 'assigneeId') ?? null;
  if (project && assigneeId !== null) problems.check(() => requireMembers(store, project, [assigneeId], 'assigneeId'));
  const notified = ints(p, 'notifiedUserId') ?? [];
  if (project) problems.check(() => requireMembers(store, project, notified, 'notifiedUserId[]'));
  const parentId = int(p, 'parentIssueId');
  if (project && parentId !== undefined) problems.check(() => validateParent(store, project, null, parentId));
  const startDate = str(p, 'startDate') ?? null;
  const dueDate = str(p, 'dueDate') ?? null;
  problems.check(() => checkDates(startDate, dueDate));
  const customFields = new Map<number, CustomValue>();
  if (project && issueTypeId !== undefined) {
    const customInput = problems.check(() => parseCustomFieldWrites(store, ctx.dynamic, project.id, issueTypeId));
    for (const [id, v] of customInput ?? []) if (v) customFields.set(id, v);
    problems.check(() => checkRequiredFields(store, project.id, issueTypeId, customFields));
  }
  const attachments = problems.check(() => pendingAttachments(ctx, ints(p, 'attachmentId') ?? []));
  problems.throwIfAny();
  if (
    !project ||
    summary === undefined ||
    issueTypeId === undefined ||
    priorityId === undefined ||
    !categoryIds ||
    !versionIds ||
    !milestoneIds ||
    !attachments
  ) {
    throw new Error('postIssue: a check failed without a problem noted');
  }

  const now = ctx.now();
  const issue: IssueRec = {
    id: store.nextId('issue'),
    projectId: project.id,
    keyId: project.nextKeyId++,
    issueTypeId,
    summary,
    description: str(p, 'description') ?? '',
    resolutionId: null,
    priorityId,
    statusId: 1,
    assigneeId,
    categoryIds,
    versionIds,
    milestoneIds,
    startDate,
    dueDate,
    estimatedHours: (p.estimatedHours as number | undefined) ?? null,
    actualHours: (p.actualHours as number | undefined) ?? null,
    parentIssueId: parentId ?? null,
    createdUserId: ctx.user.id,
    created: now,
    updatedUserId: ctx.user.id,
    updated: now,
    customFields,
    attachmentIds: [],
    sharedFileIds: [],
    relatedIssueIds: [],
  };
  store.issues.insert(issue);
  store.issueByKey.set(issueKeyOf(store, issue), issue.id);
  attachToIssue(issue, attachments);
  recordActivity(store, {
    projectId: project.id,
    type: 1,
    content: { id: issue.id, key_id: issue.keyId, summary: issue.summary, description: issue.description },
    createdUserId: ctx.user.id,
    created: now,
  });
  if (assigneeId !== null && assigneeId !== ctx.user.id) notifyUsers(ctx, issue, [assigneeId], Reason.Assigned, null);
  notifyUsers(ctx, issue, notified, Reason.IssueAdded, null);
  return created(issueJson(store, issue, ctx.lang), issueUrl(store, issue));
}

function patchIssue(ctx: Ctx) {
  const store = ctx.store;
  const p = ctx.params;
  const issue = issueFor(ctx, ctx.path.issueIdOrKey as string);
  requireEditor(ctx, issue.createdUserId);
  const project = store.projects.get(issue.projectId) as ProjectRec;

  // Validate everything first: a refused update changes nothing, and names every problem.
  const problems = new Problems();
  /** The checked new value of a sent field (its current value when absent or refused; null clears). */
  const checked = <T>(key: string, current: T, check: () => T): T => {
    if (!has(p, key)) return current;
    const value = problems.check(check);
    return value === undefined ? current : value;
  };
  const next = {
    summary: checked('summary', issue.summary, () => checkSummary(str(p, 'summary') as string)),
    description: str(p, 'description') ?? issue.description,
    statusId: checked('statusId', issue.statusId, () => checkStatus(store, project, int(p, 'statusId') as number)),
    resolutionId: checked('resolutionId', issue.resolutionId, () => (p.resolutionId === null ? null : checkResolution(int(p, 'resolutionId') as number))),
    startDate: has(p, 'startDate') ? (str(p, 'startDate') ?? null) : issue.startDate,
    dueDate: has(p, 'dueDate') ? (str(p, 'dueDate') ?? null) : issue.dueDate,
    estimatedHours: has(p, 'estimatedHours') ? (p.estimatedHours as number | null) : issue.estimatedHours,
    actualHours: has(p, 'actualHours') ? (p.actualHours as number | null) : issue.actualHours,
    issueTypeId: checked('issueTypeId', issue.issueTypeId, () => checkIssueType(store, project, int(p, 'issueTypeId') as number)),
    categoryIds: checked('categoryId', issue.categoryIds, () => checkCategories(store, project, ints(p, 'categoryId') ?? [])),
    versionIds: checked('versionId', issue.versionIds, () => checkVersions(store, project, ints(p, 'versionId') ?? [], 'versionId[]')),
    milestoneIds: checked('milestoneId', issue.milestoneIds, () => checkVersions(store, project, ints(p, 'milestoneId') ?? [], 'milestoneId[]')),
    priorityId: checked('priorityId', issue.priorityId, () => checkPriority(int(p, 'priorityId') as number)),
    assigneeId: has(p, 'assigneeId') ? (int(p, 'assigneeId') ?? null) : issue.assigneeId,
    parentIssueId: has(p, 'parentIssueId') ? (int(p, 'parentIssueId') ?? null) : issue.parentIssueId,
  };
  const assigneeId = next.assigneeId;
  if (has(p, 'assigneeId') && assigneeId !== null) problems.check(() => requireMembers(store, project, [assigneeId], 'assigneeId'));
  const parentIssueId = next.parentIssueId;
  if (has(p, 'parentIssueId') && parentIssueId !== null && parentIssueId !== issue.parentIssueId) {
    problems.check(() => validateParent(store, project, issue, parentIssueId));
  }
  problems.check(() => checkDates(next.startDate, next.dueDate));
  const notified = ints(p, 'notifiedUserId') ?? [];
  problems.check(() => requireMembers(store, project, notified, 'notifiedUserId[]'));
  const customInput = problems.check(() => parseCustomFieldWrites(store, ctx.dynamic, project.id, next.issueTypeId, issue.customFields)) ?? new Map();
  const customFields = new Map(issue.customFields);
  for (const [id, v] of customInput) {
    if (v) customFields.set(id, v);
    else customFields.delete(id);
  }
  const typeChanged = next.issueTypeId !== issue.issueTypeId;
  problems.check(() => checkRequiredFields(store, project.id, next.issueTypeId, customFields, typeChanged ? undefined : new Set(customInput.keys())));
  const attachments = problems.check(() => pendingAttachments(ctx, ints(p, 'attachmentId') ?? [])) ?? [];
  problems.throwIfAny();
  const comment = str(p, 'comment');

  // Change log, in Backlog's field names and display values; built-in names in the space's
  // language (one record every reader sees, like the stored status and issue type names).
  const changes: ChangeLogRec[] = [];
  const spaceLang = store.space.lang;
  const log = (field: string, before: string | null, after: string | null) => {
    if (before !== after) changes.push(changeEntry(field, before, after));
  };
  const statusName = (id: number) => store.statuses.get(statusKey(project.id, id))?.name ?? String(id);
  const resolutionText = (id: number | null) => (id === null ? null : (resolutionName(id, spaceLang) ?? String(id)));
  const parentKey = (id: number | null) => {
    const parent = id === null ? undefined : store.issues.get(id);
    return parent ? issueKeyOf(store, parent) : null;
  };
  log('summary', issue.summary, next.summary);
  log('description', issue.description, next.description);
  log('status', statusName(issue.statusId), statusName(next.statusId));
  log('resolution', resolutionText(issue.resolutionId), resolutionText(next.resolutionId));
  log('issueType', store.issueTypes.get(issue.issueTypeId)?.name ?? null, store.issueTypes.get(next.issueTypeId)?.name ?? null);
  log('priority', priorityName(issue.priorityId, spaceLang) ?? null, priorityName(next.priorityId, spaceLang) ?? null);
  log('assigner', userName(store, issue.assigneeId), userName(store, next.assigneeId));
  log('startDate', issue.startDate, next.startDate);
  log('limitDate', issue.dueDate, next.dueDate);
  log('estimatedHours', hours(issue.estimatedHours), hours(next.estimatedHours));
  log('actualHours', hours(issue.actualHours), hours(next.actualHours));
  if (!sameIds(issue.categoryIds, next.categoryIds)) {
    changes.push(
      changeEntry(
        'component',
        names(issue.categoryIds, (id) => store.categories.get(id)),
        names(next.categoryIds, (id) => store.categories.get(id)),
      ),
    );
  }
  if (!sameIds(issue.versionIds, next.versionIds)) {
    changes.push(
      changeEntry(
        'version',
        names(issue.versionIds, (id) => store.versions.get(id)),
        names(next.versionIds, (id) => store.versions.get(id)),
      ),
    );
  }
  if (!sameIds(issue.milestoneIds, next.milestoneIds)) {
    changes.push(
      changeEntry(
        'milestone',
        names(issue.milestoneIds, (id) => store.versions.get(id)),
        names(next.milestoneIds, (id) => store.versions.get(id)),
      ),
    );
  }
  log('parentIssue', parentKey(issue.parentIssueId), parentKey(next.parentIssueId));
  for (const id of customInput.keys()) {
    const field = store.customFields.get(id);
    if (!field) continue;
    const before = customValueText(field, issue.customFields.get(id));
    const after = customValueText(field, customFields.get(id));
    if (before !== after) changes.push(changeEntry(field.name, before, after, { attributeInfo: { id: field.id, typeId: field.typeId } }));
  }
  changes.push(...attachmentChanges(attachments));

  if (changes.length === 0 && comment === undefined) return issueJson(store, issue, ctx.lang);

  // Apply.
  const previousAssignee = issue.assigneeId;
  const parentChanged = next.parentIssueId !== issue.parentIssueId;
  Object.assign(issue, next);
  issue.customFields = customFields;
  if (parentChanged) store.issues.touch();
  attachToIssue(issue, attachments);
  const added = addComment(ctx, issue, comment ?? null, changes, attachments);
  if (issue.assigneeId !== null && issue.assigneeId !== previousAssignee && issue.assigneeId !== ctx.user.id) {
    notifyUsers(ctx, issue, [issue.assigneeId], Reason.Assigned, added.id);
  }
  notifyUsers(ctx, issue, notified, Reason.IssueUpdated, added.id);
  return issueJson(store, issue, ctx.lang);
}

function deleteIssue(ctx: Ctx) {
  const store = ctx.store;
  const issue = issueFor(ctx, ctx.path.issueIdOrKey as string);
  const project = store.projects.get(issue.projectId) as ProjectRec;
  requireWriter(ctx);
  if (!isProjectAdmin(store, project, ctx.user) && issue.createdUserId !== ctx.user.id) {
    throw forbidden('Only administrators, project administrators and the creator may delete this issue.');
  }
  if ((childrenByParent(store).get(issue.id)?.length ?? 0) > 0) {
    throw badRequest(`Issue ${issueKeyOf(store, issue)} has child issues; delete them or remove their parent first.`);
  }
  const body = issueJson(store, issue, ctx.lang);
  removeIssue(store, issue);
  recordActivity(store, {
    projectId: issue.projectId,
    type: 4,
    content: { id: issue.id, key_id: issue.keyId },
    createdUserId: ctx.user.id,
    created: ctx.now(),
  });
  return body;
}

/** Remove an issue and everything that hangs off it. */
function removeIssue(store: Store, issue: IssueRec): void {
  const commentIds = new Set(store.comments.where('issueId', (c) => c.issueId, issue.id).map((c) => c.id));
  for (const id of commentIds) store.comments.delete(id);
  for (const id of issue.attachmentIds) store.attachments.delete(id);
  for (const other of issue.relatedIssueIds) {
    const o = store.issues.get(other);
    if (o) o.relatedIssueIds = o.relatedIssueIds.filter((x) => x !== issue.id);
  }
  for (const s of store.stars.all()) {
    if ((s.target === 'issue' && s.targetId === issue.id) || (s.target === 'comment' && commentIds.has(s.targetId))) store.stars.delete(s.id);
  }
  for (const n of store.notifications.all()) if (n.issueId === issue.id) store.notifications.delete(n.id);
  for (const w of store.watchings.all()) if (w.issueId === issue.id) store.watchings.delete(w.id);
  for (const pr of store.pullRequests.all()) if (pr.issueId === issue.id) pr.issueId = null;
  for (let k = store.recentlyViewed.length - 1; k >= 0; k--) {
    const r = store.recentlyViewed[k];
    if (r && r.kind === 'issue' && r.targetId === issue.id) store.recentlyViewed.splice(k, 1);
  }
  store.issueByKey.delete(issueKeyOf(store, issue));
  store.issues.delete(issue.id);
}

export const ISSUES_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: '/api/v2/issues',
    category: 'search',
    params: ISSUE_FILTER_PARAMS,
    dynamic: searchCustomFieldMatcher,
    handler: listIssues,
  },
  {
    method: 'GET',
    pattern: '/api/v2/issues/count',
    category: 'search',
    params: ISSUE_FILTER_PARAMS,
    dynamic: searchCustomFieldMatcher,
    handler: countIssuesRoute,
  },
  { method: 'POST', pattern: '/api/v2/issues', params: POST_PARAMS, dynamic: writeCustomFieldMatcher, handler: postIssue },
  { method: 'GET', pattern: '/api/v2/issues/:issueIdOrKey', params: EXPAND_PARAMS, handler: getIssue },
  { method: 'PATCH', pattern: '/api/v2/issues/:issueIdOrKey', params: PATCH_PARAMS, dynamic: writeCustomFieldMatcher, handler: patchIssue },
  { method: 'DELETE', pattern: '/api/v2/issues/:issueIdOrKey', handler: deleteIssue },
];
