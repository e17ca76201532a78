/**
 * Records → Backlog JSON for the project family (reference/backlog-api.md §7.19, §7.20, §7.24):
 * webhooks, project teams, project disk usage; plus the deterministic binaries this family serves
 * (project icon, shared-file content) and the export functions for `GET /_emulator/export`.
 */
import { deflateSync } from 'node:zlib';
import type { ProjectRec, SharedFileRec, Store, TeamRec, WebhookRec } from '../store.js';
import { isoSeconds } from '../time.js';
import { sharedFileJson, userRef } from './core.js';

export function webhookJson(store: Store, w: WebhookRec) {
  return {
    id: w.id,
    name: w.name,
    description: w.description,
    hookUrl: w.hookUrl,
    allEvent: w.allEvent,
    activityTypeIds: w.activityTypeIds,
    createdUser: userRef(store, w.createdUserId),
    created: isoSeconds(w.created),
    updatedUser: userRef(store, w.updatedUserId),
    updated: isoSeconds(w.updated),
  };
}

/** A team as `GET /projects/:p/teams` shows it (§7.20): members are full users, in id order. */
export function projectTeamJson(store: Store, t: TeamRec) {
  return {
    id: t.id,
    name: t.name,
    members: [...t.memberIds].sort((a, b) => a - b).map((id) => userRef(store, id)),
    displayOrder: t.displayOrder,
    createdUser: userRef(store, t.createdUserId),
    created: isoSeconds(t.created),
    updatedUser: userRef(store, t.updatedUserId),
    updated: isoSeconds(t.updated),
  };
}

/** Bytes a git repository occupies before any pull-request attachment (a fixed, plausible size per repository). */
const REPOSITORY_BASE_BYTES = 524_288;

/**
 * Disk usage of one project in bytes (§7.24), computed from the data so it moves when files are
 * added or removed: issue attachments, wiki attachments, document attachments, shared files, and
 * for git a base size per repository plus pull-request attachments. Subversion and Git LFS hold no
 * data in the emulator, so they are 0.
 */
export function projectDiskUsage(store: Store, project: ProjectRec) {
  const usage = { projectId: project.id, issue: 0, wiki: 0, document: 0, file: 0, subversion: 0, git: 0, gitLFS: 0 };
  for (const a of store.attachments.all()) {
    if (a.ownerId === null) continue;
    switch (a.owner) {
      case 'issue':
        if (store.issues.get(a.ownerId as number)?.projectId === project.id) usage.issue += a.size;
        break;
      case 'wiki':
        if (store.wikis.get(a.ownerId as number)?.projectId === project.id) usage.wiki += a.size;
        break;
      case 'document':
        if (store.documents.get(String(a.ownerId))?.projectId === project.id) usage.document += a.size;
        break;
      case 'pullRequest':
        if (store.pullRequests.get(a.ownerId as number)?.projectId === project.id) usage.git += a.size;
        break;
      case 'space':
        break;
    }
  }
  for (const f of store.sharedFiles.where('projectId', (s) => s.projectId, project.id)) usage.file += f.size ?? 0;
  usage.git += store.repositories.where('projectId', (r) => r.projectId, project.id).length * REPOSITORY_BASE_BYTES;
  return usage;
}

// ---- binaries -------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A small valid PNG (32×32, RGB): a background colour and a diagonal band, both derived from the
 * project id, so every project has its own stable icon.
 */
export function projectIconPng(project: ProjectRec): Buffer {
  const size = 32;
  const hue = (project.id * 97) % 256;
  const bg = [hue, 255 - hue, (hue * 3) % 256];
  const fg = [255, 255, 255];
  const raw = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 3);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const color = Math.abs(x - y) < 4 ? fg : bg;
      raw.set(color, row + 1 + x * 3);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The content of a shared file: exactly `size` bytes, a repeated line naming the file, stable across runs. */
export function sharedFileContent(f: SharedFileRec): Buffer {
  const size = f.size ?? 0;
  const line = Buffer.from(`${f.dir}${f.name} (shared file ${f.id})\n`, 'utf8');
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += line.length) line.copy(out, at, 0, Math.min(line.length, size - at));
  return out;
}

// ---- export ---------------------------------------------------------------------------------

export function exportWebhooks(store: Store): Record<string, unknown> {
  return { webhooks: store.webhooks.all().map((w) => ({ projectId: w.projectId, ...webhookJson(store, w) })) };
}

export function exportSharedFiles(store: Store): Record<string, unknown> {
  return { sharedFiles: store.sharedFiles.all().map((f) => sharedFileJson(store, f)) };
}

export function exportProjectDiskUsage(store: Store): Record<string, unknown> {
  return { projectDiskUsage: store.projects.all().map((p) => projectDiskUsage(store, p)) };
}
