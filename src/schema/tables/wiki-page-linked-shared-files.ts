/**
 * WikiPageLinkedSharedFiles: shared files linked to wiki pages (GET /wikis/:id/sharedFiles, no
 * paging), per page.
 */
import { col, push } from '../helpers.js';
import { skipForbidden } from '../sources/fetch.js';
import { sharedFileColumns, type SharedFileJson } from '../sources/shared-files.js';
import { wikiPageIds, wikiPagesCost } from '../sources/wiki-pages.js';
import { defineTable } from '../types.js';

interface Row extends SharedFileJson {
  wikiId: number;
}

export default defineTable<Row>({
  name: 'WikiPageLinkedSharedFiles',
  kind: 'view',
  description: 'Shared files linked to wiki pages.',
  columns: [
    col('WikiId', 'BIGINT', 'Id of the wiki page.', (r) => r.wikiId, {
      key: true,
      references: 'WikiPages.Id',
      pushdown: push.exact('path: /wikis/:wikiId/sharedFiles'),
    }),
    col('Id', 'BIGINT', 'Shared file id.', (r) => r.id, { key: true, references: 'ProjectSharedFiles.Id' }),
    col('ProjectId', 'BIGINT', 'Id of the project holding the file.', (r) => r.projectId, { references: 'Projects.Id' }),
    ...sharedFileColumns<Row>(),
  ],
  async *list(ctx, quals) {
    for await (const ids of wikiPageIds(ctx, quals, 'WikiId')) {
      for (const wikiId of ids) {
        const files = await skipForbidden(
          ctx,
          `shared files of wiki page ${wikiId}`,
          () => ctx.api.get<SharedFileJson[]>(`/wikis/${wikiId}/sharedFiles`, {}, { signal: ctx.signal }),
          [],
        );
        yield files.map((f) => ({ ...f, wikiId }));
      }
    }
  },
  cost: (quals) => wikiPagesCost(quals, 'WikiId', ''),
  examples: ['SELECT WikiId, Dir, Name FROM WikiPageLinkedSharedFiles WHERE WikiId = 3'],
});
