/**
 * PullRequestAttachments: files attached to pull requests (GET …/pullRequests/:number/attachments,
 * no paging), per pull request; ProjectId, RepositoryId and PullRequestNumber narrow the walk.
 */
import { col, timestamp, userColumns } from '../helpers.js';
import { defineTable } from '../types.js';
import type { AttachmentJson } from '../sources/personal.js';
import { childOf, gitWalk, perPullRequest, pullRequestAttachments, pullRequestChildColumns, pullRequestChildCost, type PullRequestChild } from '../sources/pull-requests.js';

interface Row extends AttachmentJson, PullRequestChild {}

export default defineTable<Row>({
  name: 'PullRequestAttachments',
  kind: 'table',
  description: 'Files attached to pull requests.',
  columns: [
    col('Id', 'BIGINT', 'Attachment id.', (r) => r.id, { key: true, readOnly: true }),
    ...pullRequestChildColumns<Row>(),
    col('Name', 'VARCHAR', 'File name.', (r) => r.name, { readOnly: true }),
    col('Size', 'BIGINT', 'File size in bytes.', (r) => r.size, { readOnly: true }),
    ...userColumns<Row>('CreatedUser', 'user who attached the file', (r) => r.createdUser, { id: { readOnly: true } }),
    timestamp<Row>('Created', 'When the file was attached.', (r) => r.created, { readOnly: true }),
  ],
  async *list(ctx, quals) {
    yield* gitWalk(ctx, perPullRequest(ctx, quals, async (t) => (await pullRequestAttachments(ctx, t)).map((a) => ({ ...a, ...childOf(t) }))));
  },
  cost: (quals) => pullRequestChildCost(quals, ''),
  examples: ['SELECT Name, Size FROM PullRequestAttachments WHERE ProjectId = 1 AND RepositoryId = 1 AND PullRequestNumber = 1'],
});
