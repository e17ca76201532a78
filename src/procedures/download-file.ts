import { PROJECT_PARAMS, projectSegment, requiredId } from './common.js';
import { deliver, DOWNLOAD_RESULTS, OUTPUT_PARAMS, planOutput } from './download-common.js';
import type { ProcedureDef } from './types.js';

const NAME = 'DownloadFile';

/** GET /projects/:projectIdOrKey/files/:sharedFileId (docs/backlog-api.md §9.6). Attachments: DownloadAttachment. */
const procedure: ProcedureDef = {
  name: NAME,
  description:
    "Downloads one of a project's shared files, saving it in OutputFolder or returning it as base64. Files attached to issues, wiki pages, pull requests or documents: use DownloadAttachment.",
  parameters: [
    ...PROJECT_PARAMS,
    { name: 'SharedFileId', type: 'BIGINT', required: true, description: 'Id of the shared file (ProjectSharedFiles.Id of a row whose Type is file).' },
    ...OUTPUT_PARAMS,
  ],
  results: DOWNLOAD_RESULTS,
  async handler(args, ctx) {
    const project = projectSegment(NAME, args);
    const id = requiredId(NAME, args, 'SharedFileId');
    const plan = await planOutput(NAME, args, ctx);
    const file = await ctx.api.getBinary(`/projects/${project}/files/${id}`, {}, { signal: ctx.signal });
    return deliver(NAME, file, plan, `shared-file-${id}`);
  },
};
export default procedure;
