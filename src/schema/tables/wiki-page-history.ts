/**
 * WikiPageHistory: every saved version of wiki pages (GET /wikis/:id/history). History entries
 * have no id of their own: Backlog's minId/maxId bound the version number, so Version ranges
 * push down exactly and the walk pages on it.
 */
import { col, push, timestamp, userColumns } from '../helpers.js';
import { BOUND_OPS, intBounds, skipForbidden } from '../sources/fetch.js';
import { wikiHistory, wikiPageIds, wikiPagesCost, type WikiHistoryJson } from '../sources/wiki-pages.js';
import { defineTable } from '../types.js';

export default defineTable<WikiHistoryJson>({
  name: 'WikiPageHistory',
  kind: 'view',
  description: 'Saved versions of wiki pages: name and content as of each version.',
  columns: [
    col('WikiId', 'BIGINT', 'Id of the wiki page.', (r) => r.pageId, {
      key: true,
      references: 'WikiPages.Id',
      pushdown: push.exact('path: /wikis/:wikiId/history'),
    }),
    col('Version', 'INTEGER', 'Version number (1 = first).', (r) => r.version, { key: true, pushdown: push.exact('minId / maxId', BOUND_OPS) }),
    col('Name', 'VARCHAR', 'Page name in this version.', (r) => r.name),
    col('Content', 'VARCHAR', 'Page text in this version.', (r) => r.content),
    ...userColumns<WikiHistoryJson>('CreatedUser', 'user who saved this version', (r) => r.createdUser),
    timestamp<WikiHistoryJson>('Created', 'When this version was saved.', (r) => r.created),
  ],
  async *list(ctx, quals) {
    const bounds = intBounds(quals, 'Version');
    if (bounds.empty) return;
    for await (const ids of wikiPageIds(ctx, quals, 'WikiId')) {
      for (const wikiId of ids) {
        const rows: WikiHistoryJson[] = [];
        await skipForbidden(
          ctx,
          `history of wiki page ${wikiId}`,
          async () => {
            for await (const page of wikiHistory(ctx, wikiId, bounds)) rows.push(...page);
          },
          undefined,
        );
        yield rows;
      }
    }
  },
  cost: (quals) => wikiPagesCost(quals, 'WikiId', ', +1 per 100 versions'),
  examples: ['SELECT Version, CreatedUserName, Created FROM WikiPageHistory WHERE WikiId = 1 ORDER BY Version'],
});
