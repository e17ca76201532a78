import { idList, requiredId, SHARED_FILE_RESULTS, sharedFileRow, type SharedFileJson } from './common.js';
import type { ProcedureDef } from './types.js';

/** POST /wikis/:wikiId/sharedFiles with fileId[]. */
const procedure: ProcedureDef = {
  name: 'LinkSharedFilesToWiki',
  description:
    "Links files of the project's shared files to a wiki page and returns one row per linked file. The project needs file sharing on; a file already linked stays linked once.",
  writes: true,
  parameters: [
    { name: 'WikiId', type: 'BIGINT', required: true, description: 'Id of the wiki page.' },
    {
      name: 'FileIds',
      type: 'VARCHAR',
      required: true,
      description: "Shared file ids (ProjectSharedFiles.Id): one id or a comma-separated list, e.g. '5, 9'.",
    },
  ],
  results: [...SHARED_FILE_RESULTS, { name: 'WikiId', type: 'BIGINT', description: 'Id of the wiki page.' }],
  async handler(args, ctx) {
    const wikiId = requiredId('LinkSharedFilesToWiki', args, 'WikiId');
    const ids = idList('LinkSharedFilesToWiki', args, 'FileIds');
    const linked = await ctx.api.send<SharedFileJson[]>('POST', `/wikis/${wikiId}/sharedFiles`, { 'fileId[]': ids }, { signal: ctx.signal });
    return linked.map((f) => ({ ...sharedFileRow(f), WikiId: wikiId }));
  },
};
export default procedure;
