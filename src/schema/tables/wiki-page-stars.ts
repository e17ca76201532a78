/** WikiPageStars: stars given to wiki pages (GET /wikis/:id/stars, no paging), per page. */
import { col, push, timestamp, userColumns } from '../helpers.js';
import { skipForbidden } from '../sources/fetch.js';
import type { StarJson } from '../sources/json.js';
import { wikiPageIds, wikiPagesCost } from '../sources/wiki-pages.js';
import { defineTable } from '../types.js';

interface Row extends StarJson {
  wikiId: number;
}

export default defineTable<Row>({
  name: 'WikiPageStars',
  kind: 'view',
  description: 'Stars given to wiki pages, with who gave them.',
  columns: [
    col('WikiId', 'BIGINT', 'Id of the starred wiki page.', (r) => r.wikiId, {
      references: 'WikiPages.Id',
      pushdown: push.exact('path: /wikis/:wikiId/stars'),
    }),
    col('Id', 'BIGINT', 'Star id.', (r) => r.id, { key: true }),
    col('Comment', 'VARCHAR', 'Comment left with the star, if any.', (r) => r.comment),
    col('Url', 'VARCHAR', 'Web URL of the starred page.', (r) => r.url),
    col('Title', 'VARCHAR', 'Title of the starred page.', (r) => r.title),
    ...userColumns<Row>('Presenter', 'user who gave the star', (r) => r.presenter),
    timestamp<Row>('Created', 'When the star was given.', (r) => r.created),
  ],
  async *list(ctx, quals) {
    for await (const ids of wikiPageIds(ctx, quals, 'WikiId')) {
      for (const wikiId of ids) {
        const stars = await skipForbidden(
          ctx,
          `stars of wiki page ${wikiId}`,
          () => ctx.api.get<StarJson[]>(`/wikis/${wikiId}/stars`, {}, { signal: ctx.signal }),
          [],
        );
        yield stars.map((s) => ({ ...s, wikiId }));
      }
    }
  },
  cost: (quals) => wikiPagesCost(quals, 'WikiId', ''),
  examples: ['SELECT p.Name, COUNT(s.Id) AS Stars FROM WikiPages p LEFT JOIN WikiPageStars s ON s.WikiId = p.Id GROUP BY p.Name'],
});
