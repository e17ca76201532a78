/**
 * SpaceDiskUsage: the space's storage use in bytes, one row (GET /space/diskUsage).
 * Administrators only: anyone else gets a warning and no row.
 */
import { col, skipForbidden } from '../helpers.js';
import { defineTable, type FetchContext } from '../types.js';

export interface ProjectUsage {
  projectId: number;
  issue: number;
  wiki: number;
  document?: number;
  file: number;
  subversion: number;
  git: number;
  gitLFS: number;
}

export interface DiskUsage {
  capacity: number;
  issue: number;
  wiki: number;
  file: number;
  subversion: number;
  git: number;
  gitLFS: number;
  details: ProjectUsage[];
}

/** GET /space/diskUsage, or null (with a warning) for anyone but an administrator. */
export const diskUsage = (ctx: FetchContext): Promise<DiskUsage | null> =>
  skipForbidden(ctx, 'disk usage (administrators only)', () => ctx.api.get<DiskUsage>('/space/diskUsage', {}, { signal: ctx.signal }), null);

const bytes = (name: string, what: string, get: (r: DiskUsage) => number) => col<DiskUsage>(name, 'BIGINT', `Bytes used by ${what}.`, get);

export default defineTable<DiskUsage>({
  name: 'SpaceDiskUsage',
  kind: 'view',
  description: 'Storage used by the space, in bytes (administrators only); per project in SpaceDiskUsageDetails.',
  columns: [
    // The view has one row; its capacity stands as the key the registry asks every table for.
    col('Capacity', 'BIGINT', 'Storage the plan allows, in bytes.', (r) => r.capacity, { key: true }),
    bytes('Issue', 'issue attachments', (r) => r.issue),
    bytes('Wiki', 'wiki attachments', (r) => r.wiki),
    bytes('File', 'shared files', (r) => r.file),
    bytes('Subversion', 'Subversion repositories', (r) => r.subversion),
    bytes('Git', 'Git repositories', (r) => r.git),
    bytes('GitLFS', 'Git LFS objects', (r) => r.gitLFS),
  ],
  async *list(ctx) {
    const usage = await diskUsage(ctx);
    if (usage) yield [usage];
  },
  cost: () => '1 request',
  examples: ['SELECT Capacity, Issue + Wiki + File + Git AS Used FROM SpaceDiskUsage'],
});
