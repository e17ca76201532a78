/**
 * WikiPageLinkedSharedFiles: shared files linked to wiki pages (GET /wikis/:id/sharedFiles, no
 * paging), per page.
 */
import { col, push, skipForbidden, timestamp, userColumns } from '../helpers.js';
import { defineTable } from '../types.js';
import type { UserJson } from '../sources/personal.js';
import { wikiPageIds, wikiPagesCost } from '../sources/wiki-pages.js';

interface SharedFile {
  id: number;
  projectId: number;
  type: string;
  dir: string;
  name: string;
  size: number | null;
  createdUser: UserJson | null;
  created: string;
  updatedUser: UserJson | null;
  updated: string | null;
}

interface Row extends SharedFile {
  wikiId: number;
}

export default defineTable<Row>({
  name: 'WikiPageLinkedSharedFiles',
  kind: 'view',
  description: 'Shared files linked to wiki pages.',
  columns: [
    col('WikiId', 'BIGINT', 'Id of the wiki page.', (r) => r.wikiId, { key: true, references: 'WikiPages.Id', pushdown: push.exact('path: /wikis/:wikiId/sharedFiles') }),
    col('Id', 'BIGINT', 'Shared file id.', (r) => r.id, { key: true, references: 'ProjectSharedFiles.Id' }),
    col('ProjectId', 'BIGINT', 'Id of the project holding the file.', (r) => r.projectId, { references: 'Projects.Id' }),
    col('Type', 'VARCHAR', '"file" (only files can be linked).', (r) => r.type),
    col('Dir', 'VARCHAR', 'Folder of the file, with slashes ("/specs/").', (r) => r.dir),
    col('Name', 'VARCHAR', 'File name.', (r) => r.name),
    col('Size', 'BIGINT', 'File size in bytes.', (r) => r.size),
    ...userColumns<Row>('CreatedUser', 'user who uploaded the file', (r) => r.createdUser),
    timestamp<Row>('Created', 'When the file was uploaded.', (r) => r.created),
    ...userColumns<Row>('UpdatedUser', 'user who last replaced the file', (r) => r.updatedUser),
    timestamp<Row>('Updated', 'When the file was last replaced.', (r) => r.updated),
  ],
  async *list(ctx, quals) {
    for await (const ids of wikiPageIds(ctx, quals, 'WikiId')) {
      for (const wikiId of ids) {
        const files = await skipForbidden(ctx, `shared files of wiki page ${wikiId}`, () => ctx.api.get<SharedFile[]>(`/wikis/${wikiId}/sharedFiles`, {}, { signal: ctx.signal }), []);
        yield files.map((f) => ({ ...f, wikiId }));
      }
    }
  },
  cost: (quals) => wikiPagesCost(quals, 'WikiId', ''),
  examples: ['SELECT WikiId, Dir, Name FROM WikiPageLinkedSharedFiles WHERE WikiId = 3'],
});
