/**
 * UserRecentlyViewedProjects: projects the signed-in user opened lately
 * (GET /users/myself/recentlyViewedProjects, offset paging, most recent first).
 */
import { col, timestamp } from '../helpers.js';
import { defineTable } from '../types.js';

interface Viewed {
  project: { id: number; projectKey: string; name: string; archived: boolean };
  updated: string;
}

export default defineTable<Viewed>({
  name: 'UserRecentlyViewedProjects',
  kind: 'view',
  description: 'Projects the signed-in user viewed recently, most recent first.',
  columns: [
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.project.id, { key: true, references: 'Projects.Id' }),
    col('ProjectKey', 'VARCHAR', 'Key of the project.', (r) => r.project.projectKey),
    col('Name', 'VARCHAR', 'Name of the project.', (r) => r.project.name),
    col('Archived', 'BOOLEAN', 'Whether the project is archived.', (r) => r.project.archived),
    timestamp<Viewed>('Viewed', 'When the signed-in user last viewed the project.', (r) => r.updated),
  ],
  async *list(ctx) {
    yield* ctx.api.pagesByOffset<Viewed>('/users/myself/recentlyViewedProjects', { order: 'desc' }, { signal: ctx.signal, ...(ctx.limit !== undefined ? { limit: ctx.limit } : {}) });
  },
  cost: () => '1 request per 100 viewed projects',
  examples: ['SELECT ProjectKey, Name, Viewed FROM UserRecentlyViewedProjects'],
});
