/**
 * UserRecentlyViewedWikiPages: wiki pages the signed-in user opened lately
 * (GET /users/myself/recentlyViewedWikis, offset paging, most recent first).
 */
import { col, tagsText, timestamp, userColumns } from '../helpers.js';
import { defineTable } from '../types.js';
import type { ViewedWikiJson } from '../sources/personal.js';

export default defineTable<ViewedWikiJson>({
  name: 'UserRecentlyViewedWikiPages',
  kind: 'view',
  description: 'Wiki pages the signed-in user viewed recently, most recent first.',
  columns: [
    col('WikiId', 'BIGINT', 'Id of the wiki page.', (r) => r.page.id, { key: true, references: 'WikiPages.Id' }),
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.page.projectId, { references: 'Projects.Id' }),
    col('Name', 'VARCHAR', 'Page name.', (r) => r.page.name),
    col('Tags', 'VARCHAR', 'Tag names, comma-separated; NULL when untagged.', (r) => tagsText(r.page.tags)),
    ...userColumns<ViewedWikiJson>('UpdatedUser', 'last editor of the page', (r) => r.page.updatedUser),
    timestamp<ViewedWikiJson>('PageUpdated', 'When the page was last edited.', (r) => r.page.updated),
    timestamp<ViewedWikiJson>('Viewed', 'When the signed-in user last viewed the page.', (r) => r.updated),
  ],
  async *list(ctx) {
    yield* ctx.api.pagesByOffset<ViewedWikiJson>(
      '/users/myself/recentlyViewedWikis',
      { order: 'desc' },
      { signal: ctx.signal, ...(ctx.limit !== undefined ? { limit: ctx.limit } : {}) },
    );
  },
  cost: () => '1 request per 100 viewed pages',
  examples: ['SELECT Name, Viewed FROM UserRecentlyViewedWikiPages'],
});
