/**
 * SpaceDiskUsageDetails: storage use per project in bytes (the `details` of GET /space/diskUsage).
 * Administrators only: anyone else gets a warning and no rows.
 */
import { col, push, oneRequest } from '../helpers.js';
import { diskUsage, type ProjectDiskUsageJson } from '../sources/space.js';
import { defineTable } from '../types.js';

const bytes = (name: string, what: string, get: (r: ProjectDiskUsageJson) => number | undefined) =>
  col<ProjectDiskUsageJson>(name, 'BIGINT', `Bytes used by ${what}.`, get);

export default defineTable<ProjectDiskUsageJson>({
  name: 'SpaceDiskUsageDetails',
  kind: 'view',
  description: 'Storage used by each project, in bytes (administrators only).',
  columns: [
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.projectId, {
      key: true,
      references: 'Projects.Id',
      pushdown: push.exact('filtered locally (one request for all projects)'),
    }),
    bytes('Issue', 'issue attachments', (r) => r.issue),
    bytes('Wiki', 'wiki attachments', (r) => r.wiki),
    bytes('Document', 'document attachments', (r) => r.document),
    bytes('File', 'shared files', (r) => r.file),
    bytes('Subversion', 'the Subversion repository', (r) => r.subversion),
    bytes('Git', 'Git repositories', (r) => r.git),
    bytes('GitLFS', 'Git LFS objects', (r) => r.gitLFS),
  ],
  async *list(ctx) {
    const usage = await diskUsage(ctx);
    if (usage) yield usage.details;
  },
  cost: () => '1 request',
  requests: oneRequest,
  examples: ['SELECT p.Name, d.File FROM SpaceDiskUsageDetails d JOIN Projects p ON p.Id = d.ProjectId ORDER BY d.File DESC'],
});
