import { argError, exactlyOne, given, issueSegment, projectSegment, requiredId, seg } from './common.js';
import { deliver, DOWNLOAD_RESULTS, OUTPUT_PARAMS, planOutput } from './download-common.js';
import type { ProcedureDef } from './types.js';

const NAME = 'DownloadAttachment';

/** Which kind of resource holds the attachment, by the parameters that name it. */
const OWNERS = [
  { kind: 'issue', params: ['IssueId', 'IssueKey'] },
  { kind: 'wiki', params: ['WikiId'] },
  { kind: 'document', params: ['DocumentId'] },
  { kind: 'pullRequest', params: ['PullRequestNumber', 'RepositoryId', 'RepositoryName'] },
] as const;

/**
 * GET of an attachment's bytes (docs/backlog-api.md §10.2, §11.1, §11.2, §11.3):
 * /issues/:i/attachments/:id, /wikis/:id/attachments/:id, /documents/:id/attachments/:id,
 * /projects/:p/git/repositories/:r/pullRequests/:n/attachments/:id. Shared files: DownloadFile.
 */
const procedure: ProcedureDef = {
  name: NAME,
  description:
    'Downloads a file attached to an issue, a wiki page, a pull request or a document (the extension), saving it in OutputFolder or returning it as base64. Name the owner with IssueId or IssueKey; WikiId; DocumentId; or ProjectId or ProjectKey with RepositoryId or RepositoryName and PullRequestNumber. Shared files: use DownloadFile.',
  parameters: [
    {
      name: 'AttachmentId',
      type: 'BIGINT',
      required: true,
      description: 'Id of the attachment (IssueAttachments.Id, WikiPageAttachments.Id, PullRequestAttachments.Id…).',
    },
    { name: 'IssueId', type: 'BIGINT', required: false, description: 'Id of the issue the file is attached to.' },
    { name: 'IssueKey', type: 'VARCHAR', required: false, description: "Key of the issue the file is attached to, e.g. 'WEB-12'." },
    { name: 'WikiId', type: 'BIGINT', required: false, description: 'Id of the wiki page the file is attached to.' },
    { name: 'DocumentId', type: 'VARCHAR', required: false, description: 'Id of the document the file is attached to (extension).' },
    { name: 'ProjectId', type: 'BIGINT', required: false, description: "Id of the pull request's project (or give ProjectKey)." },
    { name: 'ProjectKey', type: 'VARCHAR', required: false, description: "Key of the pull request's project, e.g. 'WEB'." },
    { name: 'RepositoryId', type: 'BIGINT', required: false, description: "Id of the pull request's Git repository (or give RepositoryName)." },
    { name: 'RepositoryName', type: 'VARCHAR', required: false, description: "Name of the pull request's Git repository." },
    { name: 'PullRequestNumber', type: 'BIGINT', required: false, description: 'Number of the pull request in its repository (not its Id).' },
    ...OUTPUT_PARAMS,
  ],
  results: DOWNLOAD_RESULTS,
  async handler(args, ctx) {
    const attachmentId = requiredId(NAME, args, 'AttachmentId');
    const owners = OWNERS.filter((o) => o.params.some((p) => given(args[p])));
    if (owners.length !== 1) {
      throw argError(
        NAME,
        owners.length === 0 ? 'name what the file is attached to' : `name only one owner (got ${owners.map((o) => o.kind).join(' and ')})`,
        'Give IssueId or IssueKey; WikiId; DocumentId; or ProjectId/ProjectKey, RepositoryId/RepositoryName and PullRequestNumber. For shared files use DownloadFile.',
      );
    }
    const owner = (owners[0] as (typeof OWNERS)[number]).kind;
    if (owner !== 'pullRequest' && (given(args.ProjectId) || given(args.ProjectKey))) {
      throw argError(NAME, 'ProjectId and ProjectKey only go with a pull request (RepositoryId or RepositoryName and PullRequestNumber)');
    }
    let base: string;
    switch (owner) {
      case 'issue':
        base = `/issues/${issueSegment(NAME, args)}`;
        break;
      case 'wiki':
        base = `/wikis/${requiredId(NAME, args, 'WikiId')}`;
        break;
      case 'document':
        base = `/documents/${seg(String(args.DocumentId).trim())}`;
        break;
      case 'pullRequest': {
        const project = projectSegment(NAME, args);
        const repo =
          exactlyOne(NAME, args, ['RepositoryId', 'RepositoryName']) === 'RepositoryId'
            ? String(requiredId(NAME, args, 'RepositoryId'))
            : seg(String(args.RepositoryName).trim());
        base = `/projects/${project}/git/repositories/${repo}/pullRequests/${requiredId(NAME, args, 'PullRequestNumber')}`;
        break;
      }
    }
    const plan = await planOutput(NAME, args, ctx);
    const file = await ctx.api.getBinary(`${base}/attachments/${attachmentId}`, {}, { signal: ctx.signal });
    return deliver(NAME, file, plan, `attachment-${attachmentId}`);
  },
};
export default procedure;
