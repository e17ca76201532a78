/**
 * Shape assertions for Backlog JSON (docs/backlog-api.md §7): every documented field is
 * present with the documented type, so a renamed or mistyped field fails a test.
 *
 * A spec maps field name → type: 'number', 'string', 'boolean', 'timestamp' (ISO 8601 UTC with
 * Z, second precision), 'array', 'object', a nested spec, or any of these followed by '|null'
 * (written as `nullable(x)`), or `arrayOf(spec)`.
 */
import assert from 'node:assert/strict';

export type FieldType = 'number' | 'string' | 'boolean' | 'timestamp' | 'array' | 'object' | 'any';
export type Spec = { [field: string]: FieldSpec };
export type FieldSpec = FieldType | Spec | { nullable: FieldSpec } | { arrayOf: FieldSpec };

export const nullable = (s: FieldSpec): FieldSpec => ({ nullable: s });
export const arrayOf = (s: FieldSpec): FieldSpec => ({ arrayOf: s });

const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export function assertShape(value: unknown, spec: FieldSpec, path = '$'): void {
  if (typeof spec === 'string') {
    switch (spec) {
      case 'any':
        return;
      case 'timestamp':
        assert.ok(typeof value === 'string' && TIMESTAMP_RE.test(value), `${path}: expected ISO timestamp, got ${JSON.stringify(value)}`);
        return;
      case 'array':
        assert.ok(Array.isArray(value), `${path}: expected array, got ${JSON.stringify(value)}`);
        return;
      case 'object':
        assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `${path}: expected object, got ${JSON.stringify(value)}`);
        return;
      default:
        assert.equal(typeof value, spec, `${path}: expected ${spec}, got ${JSON.stringify(value)}`);
        return;
    }
  }
  if ('nullable' in spec && Object.keys(spec).length === 1) {
    if (value === null) return;
    assertShape(value, spec.nullable as FieldSpec, path);
    return;
  }
  if ('arrayOf' in spec && Object.keys(spec).length === 1) {
    assert.ok(Array.isArray(value), `${path}: expected array, got ${JSON.stringify(value)}`);
    (value as unknown[]).forEach((v, i) => assertShape(v, spec.arrayOf as FieldSpec, `${path}[${i}]`));
    return;
  }
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `${path}: expected object, got ${JSON.stringify(value)}`);
  for (const [field, fieldSpec] of Object.entries(spec as Spec)) {
    assert.ok(field in (value as object), `${path}.${field}: missing`);
    assertShape((value as Record<string, unknown>)[field], fieldSpec, `${path}.${field}`);
  }
}

/** Backlog's error body: {"errors":[{"message","code","moreInfo"}]}. */
export function assertBacklogError(body: unknown, code: number, messageIncludes?: string): void {
  assertShape(body, { errors: arrayOf({ message: 'string', code: 'number', moreInfo: 'string' }) });
  const first = (body as { errors: { message: string; code: number }[] }).errors[0];
  assert.ok(first, 'errors[] is empty');
  assert.equal(first.code, code, `expected error code ${code}, got ${first.code} (${first.message})`);
  if (messageIncludes) assert.ok(first.message.includes(messageIncludes), `message "${first.message}" does not mention "${messageIncludes}"`);
}

/** A backlog-js call that must fail with this HTTP status and Backlog error code. */
export async function assertRejects(call: Promise<unknown>, status: number, code: number, message?: string): Promise<void> {
  try {
    await call;
  } catch (e) {
    const err = e as { status?: number; body?: unknown };
    assert.equal(err.status, status, `expected HTTP ${status}, got ${err.status} ${JSON.stringify(err.body)}`);
    assertBacklogError(err.body, code, message);
    return;
  }
  assert.fail(`expected HTTP ${status}, but the call succeeded`);
}

/** A raw call (test/helpers/emulator.ts `api`) that must fail with this HTTP status and Backlog error code. */
export async function assertRawFails(r: Promise<{ status: number; body: unknown }>, status: number, code: number, message?: string): Promise<void> {
  const res = await r;
  assert.equal(res.status, status, JSON.stringify(res.body));
  assertBacklogError(res.body, code, message);
}

export const USER: Spec = {
  id: 'number',
  userId: 'string',
  name: 'string',
  roleType: 'number',
  lang: nullable('string'),
  mailAddress: 'string',
  nulabAccount: nullable('object'),
  keyword: 'string',
  lastLoginTime: nullable('timestamp'),
};
export const PROJECT: Spec = {
  id: 'number',
  projectKey: 'string',
  name: 'string',
  chartEnabled: 'boolean',
  useResolvedForChart: 'boolean',
  subtaskingEnabled: 'boolean',
  grandchildIssueEnabled: 'boolean',
  projectLeaderCanEditProjectLeader: 'boolean',
  useWiki: 'boolean',
  useDocument: 'boolean',
  useFileSharing: 'boolean',
  useWikiTreeView: 'boolean',
  useSubversion: 'boolean',
  useGit: 'boolean',
  useOriginalImageSizeAtWiki: 'boolean',
  textFormattingRule: 'string',
  archived: 'boolean',
  displayOrder: 'number',
  useDevAttributes: 'boolean',
};
export const STATUS: Spec = { id: 'number', projectId: 'number', name: 'string', color: 'string', displayOrder: 'number' };
export const ISSUE_TYPE: Spec = {
  id: 'number',
  projectId: 'number',
  name: 'string',
  color: 'string',
  displayOrder: 'number',
  templateSummary: nullable('string'),
  templateDescription: nullable('string'),
};
export const CATEGORY: Spec = { id: 'number', projectId: 'number', name: 'string', displayOrder: 'number' };
export const VERSION: Spec = {
  id: 'number',
  projectId: 'number',
  name: 'string',
  description: 'string',
  startDate: nullable('timestamp'),
  releaseDueDate: nullable('timestamp'),
  archived: 'boolean',
  displayOrder: 'number',
};
export const ID_NAME: Spec = { id: 'number', name: 'string' };
export const STAR: Spec = { id: 'number', comment: nullable('string'), url: 'string', title: 'string', presenter: USER, created: 'timestamp' };
export const SHARED_FILE: Spec = {
  id: 'number',
  projectId: 'number',
  type: 'string',
  dir: 'string',
  name: 'string',
  size: nullable('number'),
  createdUser: USER,
  created: 'timestamp',
  updatedUser: nullable(USER),
  updated: nullable('timestamp'),
};
export const ATTACHMENT: Spec = { id: 'number', name: 'string', size: 'number', createdUser: USER, created: 'timestamp' };
export const CUSTOM_VALUE: Spec = { id: 'number', fieldTypeId: 'number', name: 'string', value: 'any' };
export const ISSUE: Spec = {
  id: 'number',
  projectId: 'number',
  issueKey: 'string',
  keyId: 'number',
  issueType: ISSUE_TYPE,
  summary: 'string',
  description: 'string',
  resolution: nullable(ID_NAME),
  priority: ID_NAME,
  status: STATUS,
  assignee: nullable(USER),
  category: arrayOf(CATEGORY),
  versions: arrayOf(VERSION),
  milestone: arrayOf(VERSION),
  startDate: nullable('timestamp'),
  dueDate: nullable('timestamp'),
  estimatedHours: nullable('number'),
  actualHours: nullable('number'),
  parentIssueId: nullable('number'),
  createdUser: USER,
  created: 'timestamp',
  updatedUser: USER,
  updated: 'timestamp',
  customFields: arrayOf(CUSTOM_VALUE),
  attachments: arrayOf({ id: 'number', name: 'string', size: 'number' }),
  sharedFiles: arrayOf(SHARED_FILE),
  stars: arrayOf(STAR),
};
export const COMMENT_NOTIFICATION: Spec = { id: 'number', alreadyRead: 'boolean', reason: 'number', user: USER, resourceAlreadyRead: 'boolean' };
export const CHANGE_LOG: Spec = {
  field: 'string',
  newValue: nullable('string'),
  originalValue: nullable('string'),
  attachmentInfo: nullable('object'),
  attributeInfo: nullable('object'),
  notificationInfo: nullable('object'),
};
export const COMMENT: Spec = {
  id: 'number',
  projectId: 'number',
  issueId: 'number',
  content: nullable('string'),
  changeLog: arrayOf(CHANGE_LOG),
  createdUser: USER,
  created: 'timestamp',
  updated: 'timestamp',
  stars: arrayOf(STAR),
  notifications: arrayOf(COMMENT_NOTIFICATION),
};
