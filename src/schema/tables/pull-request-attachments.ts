/**
 * PullRequestAttachments: files attached to pull requests (GET …/pullRequests/:number/attachments,
 * no paging), per pull request; ProjectId, RepositoryId and PullRequestNumber narrow the walk.
 *
 * Writes: DELETE only (DELETE …/pullRequests/:number/attachments/:id). Files are attached when a
 * pull request or a comment on it is created (AttachmentIds of PullRequests / PullRequestComments).
 */
import { col, timestamp, userColumns } from '../helpers.js';
import type { AttachmentJson } from '../sources/json.js';
import {
  childOf,
  gitWalk,
  perPullRequest,
  pullRequestAttachments,
  pullRequestChildColumns,
  pullRequestChildCost,
  pullRequestsUrl,
  type PullRequestChild,
} from '../sources/pull-requests.js';
import { defineTable } from '../types.js';
import { seg, send } from '../writes.js';

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
    yield* gitWalk(
      ctx,
      perPullRequest(ctx, quals, async (t) => (await pullRequestAttachments(ctx, t)).map((a) => ({ ...a, ...childOf(t) }))),
    );
  },
  cost: (quals) => pullRequestChildCost(quals, ''),
  writes: {
    delete: {
      async run(ctx, row) {
        const a = await send<AttachmentJson>(
          ctx,
          'DELETE',
          `${pullRequestsUrl(row.ProjectId, row.RepositoryId)}/${seg(row.PullRequestNumber)}/attachments/${seg(row.Id)}`,
        );
        return { ...a, projectId: Number(row.ProjectId), repositoryId: Number(row.RepositoryId), pullRequestNumber: Number(row.PullRequestNumber) };
      },
    },
    notes: {
      insert:
        'Files are attached when the pull request or a comment on it is created: upload with the PostAttachment procedure, then INSERT INTO PullRequests (…, AttachmentIds) or INSERT INTO PullRequestComments (ProjectId, RepositoryId, PullRequestNumber, Content, AttachmentIds).',
      update: 'An attachment cannot be changed: DELETE it and attach the new file with a comment (PullRequestComments.AttachmentIds).',
    },
  },
  examples: [
    'SELECT Name, Size FROM PullRequestAttachments WHERE ProjectId = 1 AND RepositoryId = 1 AND PullRequestNumber = 1',
    "DELETE FROM PullRequestAttachments WHERE ProjectId = 1 AND RepositoryId = 1 AND PullRequestNumber = 1 AND Name = 'old.patch'",
  ],
});
