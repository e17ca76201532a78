/**
 * WikiPageAttachments: files attached to wiki pages (GET /wikis/:id/attachments, no paging), per
 * page: from WikiId quals (or the pages a join matched), else every page of every project with
 * Wiki on.
 *
 * Writes: DELETE only (DELETE /wikis/:id/attachments/:attachmentId). Files are attached with the
 * AttachFileToWiki procedure.
 */
import { col, push, timestamp, userColumns } from '../helpers.js';
import { skipForbidden } from '../sources/fetch.js';
import type { AttachmentJson } from '../sources/json.js';
import { wikiPageIds, wikiPagesCost } from '../sources/wiki-pages.js';
import { defineTable } from '../types.js';
import { seg, send } from '../writes.js';

interface Row extends AttachmentJson {
  wikiId: number;
}

export default defineTable<Row>({
  name: 'WikiPageAttachments',
  kind: 'table',
  description: 'Files attached to wiki pages.',
  columns: [
    col('Id', 'BIGINT', 'Attachment id.', (r) => r.id, { key: true, readOnly: true }),
    col('WikiId', 'BIGINT', 'Id of the wiki page.', (r) => r.wikiId, { references: 'WikiPages.Id', pushdown: push.exact('path: /wikis/:wikiId/attachments') }),
    col('Name', 'VARCHAR', 'File name.', (r) => r.name, { readOnly: true }),
    col('Size', 'BIGINT', 'File size in bytes.', (r) => r.size, { readOnly: true }),
    ...userColumns<Row>('CreatedUser', 'user who attached the file', (r) => r.createdUser, { id: { readOnly: true } }),
    timestamp<Row>('Created', 'When the file was attached.', (r) => r.created, { readOnly: true }),
  ],
  async *list(ctx, quals) {
    for await (const ids of wikiPageIds(ctx, quals, 'WikiId')) {
      for (const wikiId of ids) {
        const files = await skipForbidden(
          ctx,
          `attachments of wiki page ${wikiId}`,
          () => ctx.api.get<AttachmentJson[]>(`/wikis/${wikiId}/attachments`, {}, { signal: ctx.signal }),
          [],
        );
        yield files.map((f) => ({ ...f, wikiId }));
      }
    }
  },
  cost: (quals) => wikiPagesCost(quals, 'WikiId', ''),
  writes: {
    delete: {
      run: (ctx, row) =>
        send<AttachmentJson>(ctx, 'DELETE', `/wikis/${seg(row.WikiId)}/attachments/${seg(row.Id)}`).then((a) => ({ ...a, wikiId: Number(row.WikiId) })),
    },
    notes: {
      insert: 'Attach a file with the AttachFileToWiki procedure (upload it first with PostAttachment).',
      update: 'An attachment cannot be changed: DELETE it and attach the new file with the AttachFileToWiki procedure.',
    },
  },
  examples: [
    "SELECT p.Name, a.Name AS FileName, a.Size FROM WikiPages p JOIN WikiPageAttachments a ON a.WikiId = p.Id WHERE p.ProjectKey = 'WEB'",
    "DELETE FROM WikiPageAttachments WHERE WikiId = 2 AND Name = 'old.png'",
  ],
});
