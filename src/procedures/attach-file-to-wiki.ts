import { ATTACHMENT_RESULTS, attachmentRow, idList, requiredId, type AttachmentJson } from './common.js';
import type { ProcedureDef } from './types.js';

/** POST /wikis/:wikiId/attachments with attachmentId[] (ids from PostAttachment, consumed by this call). */
const procedure: ProcedureDef = {
  name: 'AttachFileToWiki',
  description:
    'Attaches files uploaded with PostAttachment to a wiki page and returns one row per attached file. Uploads can be attached once, by the user who uploaded them, within an hour.',
  writes: true,
  parameters: [
    { name: 'WikiId', type: 'BIGINT', required: true, description: 'Id of the wiki page.' },
    { name: 'AttachmentIds', type: 'VARCHAR', required: true, description: "Ids returned by PostAttachment: one id or a comma-separated list, e.g. '12, 13'." },
  ],
  results: [...ATTACHMENT_RESULTS, { name: 'WikiId', type: 'BIGINT', description: 'Id of the wiki page.' }],
  async handler(args, ctx) {
    const wikiId = requiredId('AttachFileToWiki', args, 'WikiId');
    const ids = idList('AttachFileToWiki', args, 'AttachmentIds');
    const added = await ctx.api.send<AttachmentJson[]>('POST', `/wikis/${wikiId}/attachments`, { 'attachmentId[]': ids }, { signal: ctx.signal });
    return added.map((a) => ({ ...attachmentRow(a), WikiId: wikiId }));
  },
};
export default procedure;
