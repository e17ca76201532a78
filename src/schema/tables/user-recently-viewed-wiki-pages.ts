/**
 * UserRecentlyViewedWikiPages: wiki pages the signed-in user opened lately
 * (GET /users/myself/recentlyViewedWikis, offset paging, most recent first).
 */
import { col, timestamp, userColumns } from '../helpers.js';
import { defineTable } from '../types.js';
import { tagsText } from '../sources/personal.js';
import type { WikiListItem } from '../sources/wiki-pages.js';

interface Viewed {
  page: WikiListItem;
  updated: string;
}

export default defineTable<Viewed>({
  name: 'UserRecentlyViewedWikiPages',
  kind: 'view',
  description: 'Wiki pages the signed-in user viewed recently, most recent first.',
  columns: [
    col('WikiId', 'BIGINT', 'Id of the wiki page.', (r) => r.page.id, { key: true, references: 'WikiPages.Id' }),
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.page.projectId, { references: 'Projects.Id' }),
    col('Name', 'VARCHAR', 'Page name.', (r) => r.page.name),
    col('Tags', 'VARCHAR', 'Tag names, comma-separated; NULL when untagged.', (r) => tagsText(r.page.tags)),
    ...userColumns<Viewed>('UpdatedUser', 'last editor of the page', (r) => r.page.updatedUser),
    timestamp<Viewed>('PageUpdated', 'When the page was last edited.', (r) => r.page.updated),
    timestamp<Viewed>('Viewed', 'When the signed-in user last viewed the page.', (r) => r.updated),
  ],
  async *list(ctx) {
    yield* ctx.api.pagesByOffset<Viewed>('/users/myself/recentlyViewedWikis', { order: 'desc' }, { signal: ctx.signal, ...(ctx.limit !== undefined ? { limit: ctx.limit } : {}) });
  },
  cost: () => '1 request per 100 viewed pages',
  examples: ['SELECT Name, Viewed FROM UserRecentlyViewedWikiPages'],
});
