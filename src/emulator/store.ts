/**
 * The emulated space's data, held in memory. Records are close to Backlog's JSON but keep
 * references as ids (serializers in ./serialize/ build the API shapes), timestamps as epoch
 * milliseconds and date-only values as 'YYYY-MM-DD' strings in the space's time zone.
 *
 * Every collection is an array in id order plus a Map for lookups, so list endpoints can walk
 * in a deterministic order without sorting.
 */
import type { LocalisedName } from './names.js';

export type Millis = number;
/** 'YYYY-MM-DD', a calendar date in the space's time zone. */
export type DateOnly = string;

export interface SpaceRec {
  spaceKey: string;
  name: string;
  ownerId: number;
  lang: 'ja' | 'en';
  timezone: string;
  reportSendTime: string;
  textFormattingRule: 'backlog' | 'markdown';
  created: Millis;
  updated: Millis;
  notification: { content: string; updated: Millis };
  capacity: number;
}

/** roleType: 1 Admin, 2 Normal user, 3 Reporter, 4 Viewer, 5 Guest reporter, 6 Guest viewer. */
export type RoleType = 1 | 2 | 3 | 4 | 5 | 6;

export interface UserRec {
  id: number;
  userId: string;
  name: string;
  roleType: RoleType;
  lang: 'ja' | 'en' | null;
  mailAddress: string;
  password: string;
  apiKey: string;
  nulabAccount: { nulabId: string; name: string; uniqueId: string } | null;
  keyword: string;
  lastLoginTime: Millis | null;
  created: Millis;
}

export interface ProjectRec {
  id: number;
  projectKey: string;
  name: string;
  chartEnabled: boolean;
  useResolvedForChart: boolean;
  subtaskingEnabled: boolean;
  grandchildIssueEnabled: boolean;
  projectLeaderCanEditProjectLeader: boolean;
  useWiki: boolean;
  useDocument: boolean;
  useFileSharing: boolean;
  useWikiTreeView: boolean;
  useSubversion: boolean;
  useGit: boolean;
  useOriginalImageSizeAtWiki: boolean;
  textFormattingRule: 'backlog' | 'markdown';
  archived: boolean;
  displayOrder: number;
  useDevAttributes: boolean;
  /** Users who joined directly (not through a team). */
  memberIds: number[];
  adminIds: number[];
  teamIds: number[];
  /** Next issue key number (keyId). */
  nextKeyId: number;
  created: Millis;
}

export function statusKey(projectId: number, statusId: number): string {
  return `${projectId}:${statusId}`;
}

/**
 * `name` is in the space's language; `localisedName` holds a built-in name in each language (the
 * defaults), shown in the reader's language until the project renames it (./names.ts).
 */
export interface StatusRec {
  id: number;
  projectId: number;
  name: string;
  localisedName: LocalisedName | null;
  color: string;
  displayOrder: number;
}

export interface IssueTypeRec {
  id: number;
  projectId: number;
  name: string;
  localisedName: LocalisedName | null;
  color: string;
  displayOrder: number;
  templateSummary: string | null;
  templateDescription: string | null;
}

export interface CategoryRec {
  id: number;
  projectId: number;
  name: string;
  displayOrder: number;
}

export interface VersionRec {
  id: number;
  projectId: number;
  name: string;
  description: string;
  startDate: DateOnly | null;
  releaseDueDate: DateOnly | null;
  archived: boolean;
  displayOrder: number;
}

export type CustomFieldTypeId = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;
export interface ListItem {
  id: number;
  name: string;
  displayOrder: number;
}

export interface CustomFieldRec {
  id: number;
  projectId: number;
  typeId: CustomFieldTypeId;
  name: string;
  description: string;
  required: boolean;
  applicableIssueTypes: number[];
  displayOrder: number;
  // Numeric (3): min/max/initialValue/unit. Date (4): min/max as DateOnly, initialDate.
  min: number | DateOnly | null;
  max: number | DateOnly | null;
  initialValue: number | null;
  unit: string | null;
  initialDate: { id: 1 | 2 | 3; shift: number | null; date: DateOnly | null } | null;
  // List types (5-8).
  items: ListItem[];
  allowAddItem: boolean;
  allowInput: boolean;
}

/** A custom field's value on an issue, by field type. */
export type CustomValue =
  | { kind: 'text'; value: string | null }
  | { kind: 'number'; value: number | null }
  | { kind: 'date'; value: DateOnly | null }
  | { kind: 'items'; itemIds: number[]; otherValue: string | null };

export interface IssueRec {
  id: number;
  projectId: number;
  keyId: number;
  issueTypeId: number;
  summary: string;
  description: string;
  resolutionId: number | null;
  priorityId: number;
  statusId: number;
  assigneeId: number | null;
  categoryIds: number[];
  versionIds: number[];
  milestoneIds: number[];
  startDate: DateOnly | null;
  dueDate: DateOnly | null;
  estimatedHours: number | null;
  actualHours: number | null;
  parentIssueId: number | null;
  createdUserId: number;
  created: Millis;
  updatedUserId: number;
  updated: Millis;
  customFields: Map<number, CustomValue>;
  attachmentIds: number[];
  sharedFileIds: number[];
  relatedIssueIds: number[];
}

export interface ChangeLogRec {
  field: string;
  newValue: string | null;
  originalValue: string | null;
  attachmentInfo: { id: number; type: string } | null;
  attributeInfo: { id: number; typeId: number } | null;
  notificationInfo: { type: string } | null;
}

export interface CommentRec {
  id: number;
  projectId: number;
  issueId: number;
  content: string | null;
  changeLog: ChangeLogRec[];
  createdUserId: number;
  created: Millis;
  updated: Millis;
}

export type AttachmentOwner = 'space' | 'issue' | 'wiki' | 'pullRequest' | 'document';
export interface AttachmentRec {
  id: number;
  owner: AttachmentOwner;
  /** Id of the issue, wiki page, pull request or document; null while only uploaded. */
  ownerId: number | string | null;
  name: string;
  size: number;
  /** Content is generated from the id on download unless uploaded. */
  data: Buffer | null;
  createdUserId: number;
  created: Millis;
}

export interface SharedFileRec {
  id: number;
  projectId: number;
  type: 'file' | 'directory';
  dir: string;
  name: string;
  size: number | null;
  createdUserId: number;
  created: Millis;
  updatedUserId: number | null;
  updated: Millis | null;
}

export type StarTarget = 'issue' | 'comment' | 'wiki' | 'pullRequest' | 'pullRequestComment';
export interface StarRec {
  id: number;
  target: StarTarget;
  targetId: number;
  comment: string | null;
  presenterId: number;
  /** The user whose content was starred (stars "received"). */
  receiverId: number;
  created: Millis;
}

export interface WikiTagRec {
  id: number;
  projectId: number;
  name: string;
}

export interface WikiHistoryRec {
  id: number;
  pageId: number;
  version: number;
  name: string;
  content: string;
  createdUserId: number;
  created: Millis;
}

export interface WikiRec {
  id: number;
  projectId: number;
  name: string;
  content: string;
  tagIds: number[];
  attachmentIds: number[];
  sharedFileIds: number[];
  createdUserId: number;
  created: Millis;
  updatedUserId: number;
  updated: Millis;
}

export interface DocumentRec {
  id: string;
  projectId: number;
  title: string;
  plain: string;
  json: string;
  statusId: number;
  emoji: string | null;
  parentId: string | null;
  displayOrder: number;
  tags: { id: number; name: string }[];
  attachmentIds: number[];
  trashed: boolean;
  createdUserId: number;
  created: Millis;
  updatedUserId: number;
  updated: Millis;
}

export interface DocumentCommentRec {
  id: string;
  documentId: string;
  /** Set on replies. */
  commentId: string | null;
  content: string;
  plain: string;
  createdUserId: number;
  created: Millis;
  updatedUserId: number;
  updated: Millis;
}

export interface RepositoryRec {
  id: number;
  projectId: number;
  name: string;
  description: string;
  hookUrl: string | null;
  displayOrder: number;
  pushedAt: Millis | null;
  createdUserId: number;
  created: Millis;
  updatedUserId: number;
  updated: Millis;
}

/** Pull request status: 1 Open, 2 Closed, 3 Merged. */
export interface PullRequestRec {
  id: number;
  projectId: number;
  repositoryId: number;
  number: number;
  summary: string;
  description: string;
  base: string;
  branch: string;
  statusId: 1 | 2 | 3;
  assigneeId: number | null;
  issueId: number | null;
  baseCommit: string | null;
  branchCommit: string | null;
  mergeCommit: string | null;
  closeAt: Millis | null;
  mergeAt: Millis | null;
  attachmentIds: number[];
  createdUserId: number;
  created: Millis;
  updatedUserId: number;
  updated: Millis;
}

export interface PullRequestCommentRec {
  id: number;
  pullRequestId: number;
  content: string;
  changeLog: { field: string; newValue: string | null; originalValue: string | null }[];
  createdUserId: number;
  created: Millis;
  updated: Millis;
}

export interface WebhookRec {
  id: number;
  projectId: number;
  name: string;
  description: string;
  hookUrl: string;
  allEvent: boolean;
  activityTypeIds: number[];
  createdUserId: number;
  created: Millis;
  updatedUserId: number;
  updated: Millis;
}

export interface TeamRec {
  id: number;
  name: string;
  memberIds: number[];
  displayOrder: number | null;
  createdUserId: number;
  created: Millis;
  updatedUserId: number;
  updated: Millis;
}

/**
 * An inbox notification. The same records, filtered by comment or pull-request comment, are the
 * `notifications` arrays of comments (CommentNotification shape).
 */
export interface NotificationRec {
  id: number;
  userId: number;
  alreadyRead: boolean;
  resourceAlreadyRead: boolean;
  reason: number;
  projectId: number;
  issueId: number | null;
  commentId: number | null;
  repositoryId: number | null;
  pullRequestId: number | null;
  pullRequestCommentId: number | null;
  /** Document notifications (reasons 14, 15, 17): the document and the comment or reply. */
  documentId?: string | null;
  documentCommentId?: string | null;
  senderId: number;
  created: Millis;
}

export interface WatchingRec {
  id: number;
  userId: number;
  issueId: number;
  note: string;
  resourceAlreadyRead: boolean;
  lastContentUpdated: Millis;
  created: Millis;
  updated: Millis;
}

export interface ActivityRec {
  id: number;
  projectId: number;
  type: number;
  content: Record<string, unknown>;
  createdUserId: number;
  created: Millis;
}

export type RecentKind = 'issue' | 'project' | 'wiki';
export interface RecentlyViewedRec {
  userId: number;
  kind: RecentKind;
  targetId: number;
  updated: Millis;
}

/** OAuth grants (./oauth/). Tokens are opaque random strings; families group one sign-in's tokens. */
export interface AuthCodeRec {
  code: string;
  clientId: string;
  userId: number;
  redirectUri: string;
  state: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  expiresAt: Millis;
  used: boolean;
  /** Family of the tokens issued for this code, so a replayed code can revoke them. */
  familyId: string | null;
}
export interface AccessTokenRec {
  token: string;
  userId: number;
  clientId: string;
  familyId: string;
  expiresAt: Millis;
  revoked: boolean;
}
export interface RefreshTokenRec {
  token: string;
  userId: number;
  clientId: string;
  familyId: string;
  used: boolean;
  revoked: boolean;
  created: Millis;
}

export interface OAuthAppRec {
  clientId: string;
  clientSecret: string;
  name: string;
  description: string;
  siteUrl: string;
  redirectUris: string[];
  created: Millis;
}

/**
 * A keyed collection: array in insertion (id) order and a map for lookups. The key is the row's
 * `id` unless a key function is given (project statuses share ids 1-4 across projects, so they
 * are keyed by `projectId:id`).
 */
export class Table<K extends number | string, T extends { id: number | string }> {
  readonly rows: T[] = [];
  private readonly byId = new Map<K, T>();
  private dirty = false;
  /** Bumped on every insert and delete; grouped indexes rebuild when it moves. */
  private version = 0;
  private readonly groups = new Map<string, { version: number; map: Map<unknown, T[]> }>();

  constructor(private readonly keyOf: (row: T) => K = (row) => row.id as K) {}

  get(id: K): T | undefined {
    return this.byId.get(id);
  }

  insert(row: T): T {
    this.rows.push(row);
    this.byId.set(this.keyOf(row), row);
    this.version++;
    return row;
  }

  delete(id: K): T | undefined {
    const row = this.byId.get(id);
    if (!row) return undefined;
    this.byId.delete(id);
    this.dirty = true;
    this.version++;
    return row;
  }

  /** Rows in id order, without deleted ones. Deletions are compacted lazily. */
  all(): readonly T[] {
    if (this.dirty) {
      const keep = this.rows.filter((r) => this.byId.get(this.keyOf(r)) === r);
      this.rows.length = 0;
      this.rows.push(...keep);
      this.dirty = false;
    }
    return this.rows;
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * Rows grouped by a key that never changes after insert (an issue's comments, a comment's
   * notifications), in id order. Cached until the next insert or delete.
   */
  groupBy<G>(name: string, key: (row: T) => G): Map<G, T[]> {
    const cached = this.groups.get(name);
    if (cached && cached.version === this.version) return cached.map as Map<G, T[]>;
    const map = new Map<G, T[]>();
    for (const row of this.all()) {
      const k = key(row);
      const list = map.get(k);
      if (list) list.push(row);
      else map.set(k, [row]);
    }
    this.groups.set(name, { version: this.version, map });
    return map;
  }

  /** Call after changing a field that a groupBy key reads (e.g. an issue's parentIssueId). */
  touch(): void {
    this.version++;
  }

  /** Rows whose group key equals `value` (see groupBy). */
  where<G>(name: string, key: (row: T) => G, value: G): readonly T[] {
    return this.groupBy(name, key).get(value) ?? [];
  }
}

export class Store {
  space!: SpaceRec;
  /**
   * The emulator's own address once it listens: web URLs (Location headers, star `url`s) point
   * there so a client following them stays in the emulator. Null for a store not being served.
   */
  webUrl: string | null = null;
  readonly users = new Table<number, UserRec>();
  readonly projects = new Table<number, ProjectRec>();
  /** Keyed by `statusKey(projectId, id)`: the default statuses 1-4 have the same ids in every project. */
  readonly statuses = new Table<string, StatusRec>((s) => statusKey(s.projectId, s.id));
  readonly issueTypes = new Table<number, IssueTypeRec>();
  readonly categories = new Table<number, CategoryRec>();
  readonly versions = new Table<number, VersionRec>();
  readonly customFields = new Table<number, CustomFieldRec>();
  readonly issues = new Table<number, IssueRec>();
  readonly comments = new Table<number, CommentRec>();
  readonly attachments = new Table<number, AttachmentRec>();
  readonly sharedFiles = new Table<number, SharedFileRec>();
  readonly stars = new Table<number, StarRec>();
  readonly wikis = new Table<number, WikiRec>();
  readonly wikiTags = new Table<number, WikiTagRec>();
  readonly wikiHistory = new Table<number, WikiHistoryRec>();
  readonly documents = new Table<string, DocumentRec>();
  readonly documentComments = new Table<string, DocumentCommentRec>();
  readonly repositories = new Table<number, RepositoryRec>();
  readonly pullRequests = new Table<number, PullRequestRec>();
  readonly pullRequestComments = new Table<number, PullRequestCommentRec>();
  readonly webhooks = new Table<number, WebhookRec>();
  readonly teams = new Table<number, TeamRec>();
  readonly notifications = new Table<number, NotificationRec>();
  readonly watchings = new Table<number, WatchingRec>();
  readonly activities = new Table<number, ActivityRec>();
  readonly recentlyViewed: RecentlyViewedRec[] = [];
  readonly oauthApps = new Map<string, OAuthAppRec>();
  readonly authCodes = new Map<string, AuthCodeRec>();
  readonly accessTokens = new Map<string, AccessTokenRec>();
  readonly refreshTokens = new Map<string, RefreshTokenRec>();
  /** Browser sessions of the OAuth login page: session id → user id. */
  readonly webSessions = new Map<string, number>();

  /** Issue key (`PROJ-12`) → issue id; kept by every path that creates, moves or deletes issues. */
  readonly issueByKey = new Map<string, number>();
  /** API key → user id. */
  readonly userByApiKey = new Map<string, number>();

  /**
   * Moved by the server around every write request (any method but GET). Caches of rendered JSON
   * (e.g. issues in list responses) are valid only within one generation.
   */
  generation = 0;

  private readonly sequences = new Map<string, number>();

  /** Next id of a sequence; ids are unique per sequence, as in Backlog. */
  nextId(sequence: string): number {
    const next = (this.sequences.get(sequence) ?? 0) + 1;
    this.sequences.set(sequence, next);
    return next;
  }

  /** Raise a sequence so that seeded ids are never handed out again. */
  bumpSequence(sequence: string, atLeast: number): void {
    if ((this.sequences.get(sequence) ?? 0) < atLeast) this.sequences.set(sequence, atLeast);
  }
}
