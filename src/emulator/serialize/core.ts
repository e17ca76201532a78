/**
 * Records → Backlog JSON (docs/backlog-api.md §7), for the objects most others embed.
 * Field order follows Backlog's examples.
 */
import type {
  AttachmentRec,
  CategoryRec,
  ChangeLogRec,
  CommentRec,
  CustomFieldRec,
  CustomValue,
  IssueRec,
  IssueTypeRec,
  NotificationRec,
  ProjectRec,
  SharedFileRec,
  SpaceRec,
  StarRec,
  StatusRec,
  Store,
  UserRec,
  VersionRec,
} from '../store.js';
import { statusKey } from '../store.js';
import { nameIn, priorityName, resolutionName, type Lang } from '../names.js';
import { isoOrNull, isoSeconds, utcDateTime, zonedDateTime } from '../time.js';

export function userJson(u: UserRec) {
  return {
    id: u.id,
    userId: u.userId,
    name: u.name,
    roleType: u.roleType,
    lang: u.lang,
    mailAddress: u.mailAddress,
    nulabAccount: u.nulabAccount,
    keyword: u.keyword,
    lastLoginTime: isoOrNull(u.lastLoginTime),
  };
}

/** A user by id; a deleted user still renders (Backlog keeps authors of old content). */
export function userRef(store: Store, id: number | null) {
  if (id == null) return null;
  const u = store.users.get(id);
  if (!u) {
    return { id, userId: null, name: '(deleted user)', roleType: 2, lang: null, mailAddress: null, nulabAccount: null, keyword: '', lastLoginTime: null };
  }
  return userJson(u);
}

export function spaceJson(s: SpaceRec) {
  return {
    spaceKey: s.spaceKey,
    name: s.name,
    ownerId: s.ownerId,
    lang: s.lang,
    timezone: s.timezone,
    reportSendTime: s.reportSendTime,
    textFormattingRule: s.textFormattingRule,
    created: isoSeconds(s.created),
    updated: isoSeconds(s.updated),
  };
}

export function projectJson(p: ProjectRec) {
  return {
    id: p.id,
    projectKey: p.projectKey,
    name: p.name,
    chartEnabled: p.chartEnabled,
    useResolvedForChart: p.useResolvedForChart,
    subtaskingEnabled: p.subtaskingEnabled,
    grandchildIssueEnabled: p.grandchildIssueEnabled,
    projectLeaderCanEditProjectLeader: p.projectLeaderCanEditProjectLeader,
    useWiki: p.useWiki,
    useDocument: p.useDocument,
    useFileSharing: p.useFileSharing,
    useWikiTreeView: p.useWikiTreeView,
    useSubversion: p.useSubversion,
    useGit: p.useGit,
    useOriginalImageSizeAtWiki: p.useOriginalImageSizeAtWiki,
    textFormattingRule: p.textFormattingRule,
    archived: p.archived,
    displayOrder: p.displayOrder,
    useDevAttributes: p.useDevAttributes,
  };
}

export function statusJson(s: StatusRec, lang: Lang) {
  return { id: s.id, projectId: s.projectId, name: nameIn(s, lang), color: s.color, displayOrder: s.displayOrder };
}

export function issueTypeJson(t: IssueTypeRec, lang: Lang) {
  return {
    id: t.id,
    projectId: t.projectId,
    name: nameIn(t, lang),
    color: t.color,
    displayOrder: t.displayOrder,
    templateSummary: t.templateSummary,
    templateDescription: t.templateDescription,
  };
}

export function categoryJson(c: CategoryRec) {
  return { id: c.id, projectId: c.projectId, name: c.name, displayOrder: c.displayOrder };
}

export function versionJson(v: VersionRec, timeZone: string) {
  return {
    id: v.id,
    projectId: v.projectId,
    name: v.name,
    description: v.description,
    startDate: zonedDateTime(v.startDate, timeZone),
    releaseDueDate: zonedDateTime(v.releaseDueDate, timeZone),
    archived: v.archived,
    displayOrder: v.displayOrder,
  };
}

export function customFieldJson(f: CustomFieldRec) {
  const base = {
    id: f.id,
    projectId: f.projectId,
    typeId: f.typeId,
    version: 1,
    name: f.name,
    description: f.description,
    required: f.required,
    useIssueType: f.applicableIssueTypes.length > 0,
    applicableIssueTypes: f.applicableIssueTypes,
    displayOrder: f.displayOrder,
  };
  switch (f.typeId) {
    case 3:
      return { ...base, min: f.min, max: f.max, initialValue: f.initialValue, unit: f.unit };
    case 4:
      return {
        ...base,
        min: typeof f.min === 'string' ? utcDateTime(f.min) : null,
        max: typeof f.max === 'string' ? utcDateTime(f.max) : null,
        initialDate: f.initialDate ? { id: f.initialDate.id, shift: f.initialDate.shift, date: utcDateTime(f.initialDate.date) } : null,
      };
    case 5:
    case 6:
      return { ...base, items: f.items, allowAddItem: f.allowAddItem };
    case 7:
    case 8:
      return { ...base, items: f.items, allowAddItem: f.allowAddItem, allowInput: f.allowInput };
    default:
      return base;
  }
}

/** One element of `issue.customFields` (backlog-api.md §7.10). */
export function customValueJson(f: CustomFieldRec, v: CustomValue | undefined) {
  const base = { id: f.id, fieldTypeId: f.typeId, name: f.name };
  const items = (ids: number[]) => ids.map((id) => f.items.find((i) => i.id === id)).filter((i): i is NonNullable<typeof i> => i !== undefined);
  switch (f.typeId) {
    case 1:
    case 2:
      return { ...base, value: v?.kind === 'text' ? v.value : null };
    case 3:
      return { ...base, value: v?.kind === 'number' ? v.value : null };
    case 4:
      return { ...base, value: v?.kind === 'date' ? utcDateTime(v.value) : null };
    case 5:
      return { ...base, value: v?.kind === 'items' ? (items(v.itemIds)[0] ?? null) : null };
    case 6:
      return { ...base, value: v?.kind === 'items' ? items(v.itemIds) : [] };
    case 7:
      return { ...base, value: v?.kind === 'items' ? items(v.itemIds) : [], otherValue: v?.kind === 'items' ? v.otherValue : null };
    case 8:
      return {
        ...base,
        value: v?.kind === 'items' ? (items(v.itemIds)[0] ?? null) : null,
        otherValue: v?.kind === 'items' ? v.otherValue : null,
      };
  }
}

export function attachmentJson(store: Store, a: AttachmentRec) {
  return { id: a.id, name: a.name, size: a.size, createdUser: userRef(store, a.createdUserId), created: isoSeconds(a.created) };
}

/** Attachments embedded in an issue payload carry only id, name and size. */
export function attachmentBriefJson(a: AttachmentRec) {
  return { id: a.id, name: a.name, size: a.size };
}

export function sharedFileJson(store: Store, f: SharedFileRec) {
  return {
    id: f.id,
    projectId: f.projectId,
    type: f.type,
    dir: f.dir,
    name: f.name,
    size: f.size,
    createdUser: userRef(store, f.createdUserId),
    created: isoSeconds(f.created),
    updatedUser: userRef(store, f.updatedUserId),
    updated: isoOrNull(f.updated),
  };
}

export function starJson(store: Store, s: StarRec, url: string, title: string) {
  return {
    id: s.id,
    comment: s.comment,
    url,
    title,
    presenter: userRef(store, s.presenterId),
    created: isoSeconds(s.created),
  };
}

/**
 * Web address of the space, for Location headers and URLs in payloads. Backlog's is the space's
 * host (`https://{spaceKey}.backlog.com`, docs/backlog-api.md §1); the emulator's is its own, where
 * it serves those pages (routes/web-pages.ts). A store nobody serves keeps Backlog's form.
 */
export function webBase(store: Store): string {
  return store.webUrl ?? `https://${store.space.spaceKey.toLowerCase()}.backlog.com`;
}

export function issueKeyOf(store: Store, issue: IssueRec): string {
  const project = store.projects.get(issue.projectId);
  return `${project?.projectKey ?? 'UNKNOWN'}-${issue.keyId}`;
}

/** Where a star points and what it is called, as Backlog renders star lists. */
export function starTarget(store: Store, s: StarRec): { url: string; title: string } {
  const base = webBase(store);
  switch (s.target) {
    case 'issue': {
      const issue = store.issues.get(s.targetId);
      if (!issue) return { url: base, title: '' };
      const key = issueKeyOf(store, issue);
      return { url: `${base}/view/${key}`, title: `[${key}] ${issue.summary}` };
    }
    case 'comment': {
      const comment = store.comments.get(s.targetId);
      const issue = comment && store.issues.get(comment.issueId);
      if (!comment || !issue) return { url: base, title: '' };
      const key = issueKeyOf(store, issue);
      return { url: `${base}/view/${key}#comment-${comment.id}`, title: `[${key}] ${issue.summary}` };
    }
    case 'wiki': {
      const wiki = store.wikis.get(s.targetId);
      const project = wiki && store.projects.get(wiki.projectId);
      if (!wiki || !project) return { url: base, title: '' };
      return { url: `${base}/wiki/${project.projectKey}/${encodeURIComponent(wiki.name)}`, title: `[${project.projectKey}] ${wiki.name}` };
    }
    case 'pullRequest':
    case 'pullRequestComment': {
      const prId = s.target === 'pullRequest' ? s.targetId : store.pullRequestComments.get(s.targetId)?.pullRequestId;
      const pr = prId === undefined ? undefined : store.pullRequests.get(prId);
      const repo = pr && store.repositories.get(pr.repositoryId);
      const project = pr && store.projects.get(pr.projectId);
      if (!pr || !repo || !project) return { url: base, title: '' };
      const anchor = s.target === 'pullRequestComment' ? `#comment-${s.targetId}` : '';
      return { url: `${base}/git/${project.projectKey}/${repo.name}/pullRequests/${pr.number}${anchor}`, title: `${repo.name}/${pr.number} ${pr.summary}` };
    }
  }
}

export function starsOf(store: Store, target: StarRec['target'], targetId: number) {
  return store.stars
    .where('target', (s) => `${s.target}:${s.targetId}`, `${target}:${targetId}`)
    .map((s) => {
      const t = starTarget(store, s);
      return starJson(store, s, t.url, t.title);
    });
}

/** An issue as `lang`'s reader sees it (built-in names in that language, ../names.ts). */
export function issueJson(store: Store, issue: IssueRec, lang: Lang, opts: { childIssueSummary?: boolean } = {}) {
  const tz = store.space.timezone;
  const issueType = store.issueTypes.get(issue.issueTypeId);
  const status = store.statuses.get(statusKey(issue.projectId, issue.statusId));
  const priority = { id: issue.priorityId, name: priorityName(issue.priorityId, lang) ?? '' };
  const resolutionId = issue.resolutionId;
  const resolution = resolutionId == null ? null : { id: resolutionId, name: resolutionName(resolutionId, lang) ?? '' };
  const fields = store.customFields.where('projectId', (f) => f.projectId, issue.projectId);
  const json: Record<string, unknown> = {
    id: issue.id,
    projectId: issue.projectId,
    issueKey: issueKeyOf(store, issue),
    keyId: issue.keyId,
    issueType: issueType ? issueTypeJson(issueType, lang) : null,
    summary: issue.summary,
    description: issue.description,
    resolution,
    priority,
    status: status ? statusJson(status, lang) : null,
    assignee: userRef(store, issue.assigneeId),
    category: issue.categoryIds
      .map((id) => store.categories.get(id))
      .filter((c) => c !== undefined)
      .map(categoryJson),
    versions: issue.versionIds
      .map((id) => store.versions.get(id))
      .filter((v) => v !== undefined)
      .map((v) => versionJson(v, tz)),
    milestone: issue.milestoneIds
      .map((id) => store.versions.get(id))
      .filter((v) => v !== undefined)
      .map((v) => versionJson(v, tz)),
    startDate: zonedDateTime(issue.startDate, tz),
    dueDate: zonedDateTime(issue.dueDate, tz),
    estimatedHours: issue.estimatedHours,
    actualHours: issue.actualHours,
    parentIssueId: issue.parentIssueId,
    createdUser: userRef(store, issue.createdUserId),
    created: isoSeconds(issue.created),
    updatedUser: userRef(store, issue.updatedUserId),
    updated: isoSeconds(issue.updated),
    customFields: fields
      .filter((f) => f.applicableIssueTypes.length === 0 || f.applicableIssueTypes.includes(issue.issueTypeId))
      .map((f) => customValueJson(f, issue.customFields.get(f.id))),
    attachments: issue.attachmentIds
      .map((id) => store.attachments.get(id))
      .filter((a) => a !== undefined)
      .map(attachmentBriefJson),
    sharedFiles: issue.sharedFileIds
      .map((id) => store.sharedFiles.get(id))
      .filter((f) => f !== undefined)
      .map((f) => sharedFileJson(store, f)),
    externalFileLinks: [],
    stars: starsOf(store, 'issue', issue.id),
  };
  if (opts.childIssueSummary) {
    const children = store.issues.where('parentIssueId', (i) => i.parentIssueId, issue.id);
    json.childIssueSummary = { total: children.length, closed: children.filter((c) => c.statusId === 4).length };
  }
  return json;
}

export function changeLogJson(c: ChangeLogRec) {
  return {
    field: c.field,
    newValue: c.newValue,
    originalValue: c.originalValue,
    attachmentInfo: c.attachmentInfo,
    attributeInfo: c.attributeInfo,
    notificationInfo: c.notificationInfo,
  };
}

export function commentNotificationJson(store: Store, n: NotificationRec) {
  return {
    id: n.id,
    alreadyRead: n.alreadyRead,
    reason: n.reason,
    user: userRef(store, n.userId),
    resourceAlreadyRead: n.resourceAlreadyRead,
  };
}

export function commentJson(store: Store, c: CommentRec) {
  return {
    id: c.id,
    projectId: c.projectId,
    issueId: c.issueId,
    content: c.content,
    changeLog: c.changeLog.map(changeLogJson),
    createdUser: userRef(store, c.createdUserId),
    created: isoSeconds(c.created),
    updated: isoSeconds(c.updated),
    stars: starsOf(store, 'comment', c.id),
    notifications: store.notifications.where('commentId', (n) => n.commentId, c.id).map((n) => commentNotificationJson(store, n)),
  };
}
