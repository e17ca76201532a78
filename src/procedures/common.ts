/**
 * Pieces the Backlog procedures share: reading arguments (ids, id lists, flags), picking the one
 * resource a call names, refusing local files to remote SQL, safe file names for downloads, and
 * the result columns and row shapes several procedures return.
 */
import { basename } from 'node:path';
import { SqlError } from '../errors.js';
import type { ProcedureColumn, ProcedureContext, ProcedureParam } from './types.js';

/** A bad argument (SQLSTATE 22023, invalid_parameter_value), naming the procedure and the parameter. */
export function argError(procedure: string, message: string, hint?: string): SqlError {
  return new SqlError(`${procedure}: ${message}`, undefined, { sqlstate: '22023', ...(hint ? { hint } : {}) });
}

/** True when the argument was given (NULL and '' count as not given). */
export function given(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

/** A text argument, or undefined when not given. */
export function text(v: unknown): string | undefined {
  return given(v) ? String(v) : undefined;
}

/** A positive whole number (an id), from a number or a numeric string; undefined when not given. */
export function optionalId(procedure: string, args: Record<string, unknown>, name: string): number | undefined {
  const v = args[name];
  if (!given(v)) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : /^\s*\d+\s*$/.test(String(v)) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw argError(procedure, `${name} must be a positive whole number (an id), not ${JSON.stringify(String(v))}`);
  return n;
}

export function requiredId(procedure: string, args: Record<string, unknown>, name: string): number {
  const n = optionalId(procedure, args, name);
  if (n === undefined) throw argError(procedure, `${name} is required`);
  return n;
}

/**
 * A list of ids: one id, a comma-separated list ('1, 2,3'), or an array (a bound parameter).
 * Order is kept (UpdateStatusDisplayOrder depends on it); at least one id.
 */
export function idList(procedure: string, args: Record<string, unknown>, name: string): number[] {
  const v = args[name];
  const parts: unknown[] = Array.isArray(v) ? v : typeof v === 'number' || typeof v === 'bigint' ? [v] : String(v ?? '').split(',');
  const ids = parts.map((p) => String(p).trim()).filter((p) => p !== '');
  if (ids.length === 0) throw argError(procedure, `${name} needs at least one id`, `Give one id or a comma-separated list, e.g. '12, 13'.`);
  return ids.map((p) => {
    if (!/^\d+$/.test(p) || !Number.isSafeInteger(Number(p)) || Number(p) <= 0) {
      throw argError(
        procedure,
        `${name} must be ids separated by commas; ${JSON.stringify(p)} is not an id`,
        `Give one id or a comma-separated list, e.g. '12, 13'.`,
      );
    }
    return Number(p);
  });
}

/** A flag: TRUE/FALSE, 1/0, 'true'/'false', 'yes'/'no'; `fallback` when not given. */
export function flag(procedure: string, args: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const v = args[name];
  if (!given(v)) return fallback;
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (s === 'true' || s === '1' || s === 'yes') return true;
  if (s === 'false' || s === '0' || s === 'no') return false;
  throw argError(procedure, `${name} must be TRUE or FALSE, not ${JSON.stringify(String(v))}`);
}

/** The one parameter of `names` that was given; an error naming the choices when none or several were. */
export function exactlyOne(procedure: string, args: Record<string, unknown>, names: readonly string[]): string {
  const present = names.filter((n) => given(args[n]));
  if (present.length === 1) return present[0] as string;
  const choices = names.join(', ');
  throw argError(procedure, present.length === 0 ? `give one of ${choices}` : `give only one of ${choices} (got ${present.join(' and ')})`);
}

/** A path segment from a key or id value. */
export function seg(value: unknown): string {
  return encodeURIComponent(String(value));
}

/** The ProjectId / ProjectKey parameters that `projectSegment` reads (give one). */
export const PROJECT_PARAMS: readonly ProcedureParam[] = [
  { name: 'ProjectId', type: 'BIGINT', required: false, description: 'Id of the project (or give ProjectKey).' },
  { name: 'ProjectKey', type: 'VARCHAR', required: false, description: "Key of the project, e.g. 'WEB' (or give ProjectId)." },
];

/** The project a call names, as a path segment: ProjectId or ProjectKey (exactly one). */
export function projectSegment(procedure: string, args: Record<string, unknown>): string {
  const which = exactlyOne(procedure, args, ['ProjectId', 'ProjectKey']);
  return which === 'ProjectId' ? String(requiredId(procedure, args, 'ProjectId')) : seg(String(args.ProjectKey).trim());
}

/** The issue a call names, as a path segment: IssueId or IssueKey (exactly one). */
export function issueSegment(procedure: string, args: Record<string, unknown>): string {
  const which = exactlyOne(procedure, args, ['IssueId', 'IssueKey']);
  return which === 'IssueId' ? String(requiredId(procedure, args, 'IssueId')) : seg(String(args.IssueKey).trim());
}

/**
 * SQL from remote clients (the pg server) may not touch the server's file system: refuse a
 * file-system argument before any request is made.
 */
export function refuseLocalFiles(ctx: ProcedureContext, procedure: string, param: string, instead: string): void {
  if (!ctx.noLocalFiles) return;
  throw new SqlError(`${procedure}: ${param} is not allowed on this connection (SQL from remote clients may not read or write the server's files)`, undefined, {
    sqlstate: '42501',
    hint: instead,
  });
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/**
 * A file name safe to create inside a folder, from a name the server (or the caller) gave: the
 * last path component only, no control characters or characters Windows refuses, no leading
 * dots (no `..`, no hidden files), no trailing dots or spaces, at most 200 characters (keeping
 * the extension). `fallback` when nothing usable is left.
 */
export function safeFileName(name: string, fallback: string): string {
  const last = name.split(/[/\\]/).pop() ?? '';
  let s = last
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (WINDOWS_RESERVED.test(s)) s = `_${s}`;
  if (s.length > 200) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 16 ? s.slice(dot) : '';
    s = s.slice(0, 200 - ext.length) + ext;
  }
  return s === '' ? fallback : s;
}

/** A name the caller gives for a file (upload or download): a plain file name, not a path. */
export function plainFileName(procedure: string, param: string, name: string): string {
  const trimmed = name.trim();
  // eslint-disable-next-line no-control-regex
  if (trimmed === '' || trimmed === '.' || trimmed === '..' || /[/\\\u0000-\u001f\u007f]/.test(trimmed) || basename(trimmed) !== trimmed) {
    throw argError(procedure, `${param} must be a plain file name (no folders, no control characters), not ${JSON.stringify(name)}`);
  }
  return trimmed;
}

/** Strict base64 (standard or URL-safe alphabet; whitespace ignored) → bytes. */
export function decodeBase64(procedure: string, param: string, value: string): Buffer {
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/\-_]*={0,2}$/.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) {
    throw argError(procedure, `${param} is not base64 text`, "Encode the file's bytes as base64 (e.g. encode(data, 'base64') or Buffer.toString('base64')).");
  }
  return Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** A media type from a file name's extension (for uploads); application/octet-stream otherwise. */
export function contentTypeFor(name: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  const types: Record<string, string> = {
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    gif: 'image/gif',
    webp: 'image/webp',
    svg: 'image/svg+xml',
    bmp: 'image/bmp',
    pdf: 'application/pdf',
    zip: 'application/zip',
    json: 'application/json',
    xml: 'application/xml',
    txt: 'text/plain',
    log: 'text/plain',
    md: 'text/markdown',
    csv: 'text/csv',
    html: 'text/html',
    patch: 'text/x-diff',
    diff: 'text/x-diff',
    doc: 'application/msword',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    xls: 'application/vnd.ms-excel',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ppt: 'application/vnd.ms-powerpoint',
    pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  };
  return types[ext] ?? 'application/octet-stream';
}

/** An ISO timestamp from Backlog → Date (TIMESTAMPTZ results), NULL kept. */
export function ts(v: unknown): Date | null {
  return typeof v === 'string' && v !== '' ? new Date(v) : null;
}

// ---- shared result columns and row shapes ---------------------------------------------------

export const SUCCESS: ProcedureColumn = { name: 'Success', type: 'BOOLEAN', description: 'True when Backlog accepted the request.' };

interface UserRef {
  id: number;
  name: string;
}

/** Backlog's attachment JSON (list endpoints and POST /wikis/:id/attachments). */
export interface AttachmentJson {
  id: number;
  name: string;
  size: number;
  createdUser?: UserRef | null;
  created?: string | null;
}

export const ATTACHMENT_RESULTS: readonly ProcedureColumn[] = [
  { name: 'Id', type: 'BIGINT', description: 'Attachment id.' },
  { name: 'Name', type: 'VARCHAR', description: 'File name.' },
  { name: 'Size', type: 'BIGINT', description: 'File size in bytes.' },
  { name: 'CreatedUserId', type: 'BIGINT', description: 'Id of the user who attached the file.' },
  { name: 'CreatedUserName', type: 'VARCHAR', description: 'Name of the user who attached the file.' },
  { name: 'Created', type: 'TIMESTAMPTZ', description: 'When the file was attached.' },
];

export function attachmentRow(a: AttachmentJson): Record<string, unknown> {
  return {
    Id: a.id,
    Name: a.name,
    Size: a.size,
    CreatedUserId: a.createdUser?.id ?? null,
    CreatedUserName: a.createdUser?.name ?? null,
    Created: ts(a.created),
  };
}

/** Backlog's shared-file JSON. */
export interface SharedFileJson {
  id: number;
  projectId?: number;
  type: string;
  dir: string;
  name: string;
  size: number | null;
  createdUser?: UserRef | null;
  created?: string | null;
  updatedUser?: UserRef | null;
  updated?: string | null;
}

export const SHARED_FILE_RESULTS: readonly ProcedureColumn[] = [
  { name: 'Id', type: 'BIGINT', description: 'Shared file id.' },
  { name: 'ProjectId', type: 'BIGINT', description: 'Id of the project the file belongs to.' },
  { name: 'Type', type: 'VARCHAR', description: "Entry type ('file')." },
  { name: 'Dir', type: 'VARCHAR', description: "Folder of the file, e.g. '/specs/'." },
  { name: 'Name', type: 'VARCHAR', description: 'File name.' },
  { name: 'Size', type: 'BIGINT', description: 'File size in bytes.' },
  { name: 'CreatedUserId', type: 'BIGINT', description: 'Id of the user who added the file.' },
  { name: 'CreatedUserName', type: 'VARCHAR', description: 'Name of the user who added the file.' },
  { name: 'Created', type: 'TIMESTAMPTZ', description: 'When the file was added.' },
  { name: 'UpdatedUserId', type: 'BIGINT', description: 'Id of the user who last changed the file.' },
  { name: 'UpdatedUserName', type: 'VARCHAR', description: 'Name of the user who last changed the file.' },
  { name: 'Updated', type: 'TIMESTAMPTZ', description: 'When the file last changed.' },
];

export function sharedFileRow(f: SharedFileJson): Record<string, unknown> {
  return {
    Id: f.id,
    ProjectId: f.projectId ?? null,
    Type: f.type,
    Dir: f.dir,
    Name: f.name,
    Size: f.size ?? null,
    CreatedUserId: f.createdUser?.id ?? null,
    CreatedUserName: f.createdUser?.name ?? null,
    Created: ts(f.created),
    UpdatedUserId: f.updatedUser?.id ?? null,
    UpdatedUserName: f.updatedUser?.name ?? null,
    Updated: ts(f.updated),
  };
}

/** Backlog's status JSON. */
export interface StatusJson {
  id: number;
  projectId: number;
  name: string;
  color: string;
  displayOrder: number;
}

export const STATUS_RESULTS: readonly ProcedureColumn[] = [
  { name: 'Id', type: 'BIGINT', description: 'Status id.' },
  { name: 'ProjectId', type: 'BIGINT', description: 'Id of the project.' },
  { name: 'Name', type: 'VARCHAR', description: 'Status name.' },
  { name: 'Color', type: 'VARCHAR', description: "Colour, e.g. '#ed8077'." },
  { name: 'DisplayOrder', type: 'BIGINT', description: "Position in the project's status list (smaller first)." },
];

export function statusRow(s: StatusJson): Record<string, unknown> {
  return { Id: s.id, ProjectId: s.projectId, Name: s.name, Color: s.color, DisplayOrder: s.displayOrder };
}

/** The outcome of a call Backlog answers with no body (204). */
export function success(): Record<string, unknown>[] {
  return [{ Success: true }];
}
