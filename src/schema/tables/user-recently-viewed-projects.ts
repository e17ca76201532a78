/**
 * UserRecentlyViewedProjects: projects the signed-in user opened lately
 * (GET /users/myself/recentlyViewedProjects, offset paging, most recent first).
 */
import { col, timestamp } from '../helpers.js';
import { defineTable } from '../types.js';
import type { ViewedProjectJson } from '../sources/personal.js';

export default defineTable<ViewedProjectJson>({
  name: 'UserRecentlyViewedProjects',
  kind: 'view',
  description: 'Projects the signed-in user viewed recently, most recent first.',
  columns: [
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.project.id, { key: true, references: 'Projects.Id' }),
    col('ProjectKey', 'VARCHAR', 'Key of the project.', (r) => r.project.projectKey),
    col('Name', 'VARCHAR', 'Name of the project.', (r) => r.project.name),
    col('Archived', 'BOOLEAN', 'Whether the project is archived.', (r) => r.project.archived),
    timestamp<ViewedProjectJson>('Viewed', 'When the signed-in user last viewed the project.', (r) => r.updated),
  ],
  async *list(ctx) {
    yield* ctx.api.pagesByOffset<ViewedProjectJson>(
      '/users/myself/recentlyViewedProjects',
      { order: 'desc' },
      { signal: ctx.signal, ...(ctx.limit !== undefined ? { limit: ctx.limit } : {}) },
    );
  },
  cost: () => '1 request per 100 viewed projects',
  examples: ['SELECT ProjectKey, Name, Viewed FROM UserRecentlyViewedProjects'],
});
