/**
 * SpaceDiskUsage: the space's storage use in bytes, one row (GET /space/diskUsage).
 * Administrators only: anyone else gets a warning and no row.
 */
import { col, oneRequest } from '../helpers.js';
import { diskUsage, type DiskUsageJson } from '../sources/space.js';
import { defineTable } from '../types.js';

const bytes = (name: string, what: string, get: (r: DiskUsageJson) => number) => col<DiskUsageJson>(name, 'BIGINT', `Bytes used by ${what}.`, get);

export default defineTable<DiskUsageJson>({
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
  requests: oneRequest,
  examples: ['SELECT Capacity, Issue + Wiki + File + Git AS Used FROM SpaceDiskUsage'],
});
