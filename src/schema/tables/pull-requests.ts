/**
 * PullRequests: pull requests of the Git repositories of every project with Git on
 * (GET /projects/:p/git/repositories/:r/pullRequests, offset paging). ProjectId and RepositoryId
 * go into the path, StatusId / AssigneeId / IssueId / CreatedUserId into the list's array
 * filters, and a few Numbers are fetched one by one (sources/pull-requests.ts has the walk).
 * Git is open to Administrators and Normal users only; other roles get a warning and no rows.
 *
 * Writes (backlog-api.md §11.3): INSERT opens a pull request in the repository named by ProjectId
 * and RepositoryId, UPDATE changes its summary, description, linked issue and assignee (NULL
 * clears the last two; Comment adds a note to the change). Backlog has no endpoint to delete,
 * close or merge one.
 */
import { col, push, qualIds, timestamp, userColumns } from '../helpers.js';
import { gitProjectForInsert, gitWalk, pullRequestsCost, pullRequestsUrl, pullRequestTargets, type PullRequestJson } from '../sources/pull-requests.js';
import { defineTable } from '../types.js';
import { attachmentIdsInput, notifiedUserIdsInput, seg, send, w } from '../writes.js';

export default defineTable<PullRequestJson>({
  name: 'PullRequests',
  kind: 'table',
  description: 'Pull requests of the Git repositories, with status, assignee, linked issue and commits.',
  columns: [
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.projectId, {
      references: 'Projects.Id',
      write: w.scope(),
      pushdown: push.exact('path: /projects/:projectId/git/…'),
    }),
    col('RepositoryId', 'BIGINT', 'Id of the repository.', (r) => r.repositoryId, {
      references: 'Repositories.Id',
      write: w.scope(),
      pushdown: push.exact('path: …/repositories/:repositoryId/pullRequests'),
    }),
    col('Id', 'BIGINT', 'Pull request id (unique in the space).', (r) => r.id, { key: true, readOnly: true }),
    col('Number', 'BIGINT', 'Pull request number within its repository (#12).', (r) => r.number, {
      readOnly: true,
      pushdown: push.exact('path: …/pullRequests/:number'),
    }),
    col('Summary', 'VARCHAR', 'Title.', (r) => r.summary, { write: w.required('summary') }),
    col('Description', 'VARCHAR', 'Description (required by Backlog when opening one).', (r) => r.description, { write: w.required('description') }),
    col('Base', 'VARCHAR', 'Branch merged into (set when opening the pull request).', (r) => r.base, { write: w.insertOnly('base', { notNull: true }) }),
    col('Branch', 'VARCHAR', 'Branch merged from (set when opening the pull request).', (r) => r.branch, { write: w.insertOnly('branch', { notNull: true }) }),
    col('StatusId', 'INTEGER', 'Status: 1 Open, 2 Closed, 3 Merged.', (r) => r.status?.id ?? null, { readOnly: true, pushdown: push.exact('statusId[]') }),
    col('StatusName', 'VARCHAR', 'Status name.', (r) => r.status?.name ?? null, { readOnly: true }),
    ...userColumns<PullRequestJson>('Assignee', 'assignee', (r) => r.assignee, { id: { pushdown: push.exact('assigneeId[]'), write: w.both('assigneeId') } }),
    col('IssueId', 'BIGINT', 'Id of the linked issue (an issue of the same project).', (r) => r.issue?.id ?? null, {
      references: 'Issues.Id',
      pushdown: push.exact('issueId[]'),
      write: w.both('issueId'),
    }),
    col('BaseCommit', 'VARCHAR', 'Commit hash of the base branch.', (r) => r.baseCommit, { readOnly: true }),
    col('BranchCommit', 'VARCHAR', 'Commit hash of the merged branch.', (r) => r.branchCommit, { readOnly: true }),
    col('MergeCommit', 'VARCHAR', 'Merge commit hash (merged pull requests).', (r) => r.mergeCommit, { readOnly: true }),
    timestamp<PullRequestJson>('CloseAt', 'When the pull request was closed.', (r) => r.closeAt, { readOnly: true }),
    timestamp<PullRequestJson>('MergeAt', 'When the pull request was merged.', (r) => r.mergeAt, { readOnly: true }),
    ...userColumns<PullRequestJson>('CreatedUser', 'author', (r) => r.createdUser, { id: { readOnly: true, pushdown: push.exact('createdUserId[]') } }),
    timestamp<PullRequestJson>('Created', 'When the pull request was opened.', (r) => r.created, { readOnly: true }),
    ...userColumns<PullRequestJson>('UpdatedUser', 'last updater', (r) => r.updatedUser, { id: { readOnly: true } }),
    timestamp<PullRequestJson>('Updated', 'When the pull request was last updated.', (r) => r.updated, { readOnly: true }),
  ],
  async *list(ctx, quals) {
    const walk = pullRequestTargets(ctx, quals, {
      numberColumn: 'Number',
      needPullRequest: true,
      filters: {
        'statusId[]': qualIds(quals, 'StatusId'),
        'assigneeId[]': qualIds(quals, 'AssigneeId'),
        'issueId[]': qualIds(quals, 'IssueId'),
        'createdUserId[]': qualIds(quals, 'CreatedUserId'),
      },
      ...(ctx.limit !== undefined ? { limit: ctx.limit } : {}),
    });
    for await (const batch of gitWalk(ctx, walk)) {
      yield batch.flatMap((t) => (t.pullRequest ? [t.pullRequest] : []));
    }
  },
  cost: (quals) => pullRequestsCost(quals, 'Number', false),
  writes: {
    insert: {
      required: ['ProjectId', 'RepositoryId', 'Summary', 'Description', 'Base', 'Branch'],
      async run(ctx, { values, form }) {
        const project = await gitProjectForInsert(ctx, values);
        return send<PullRequestJson>(ctx, 'POST', pullRequestsUrl(project.path, values.RepositoryId), form);
      },
    },
    update: {
      run: (ctx, row, { form }) => send<PullRequestJson>(ctx, 'PATCH', `${pullRequestsUrl(row.ProjectId, row.RepositoryId)}/${seg(row.Number)}`, form),
    },
    inputs: [
      notifiedUserIdsInput(),
      attachmentIdsInput,
      { name: 'Comment', type: 'VARCHAR', description: 'A comment recorded with the change (UPDATE only).', write: { param: 'comment', on: 'update' } },
    ],
    notes: {
      delete: 'Backlog has no endpoint to delete a pull request (nor to close or merge one): do it in Backlog or in the Git repository.',
    },
  },
  examples: [
    'SELECT Number, Summary, AssigneeName FROM PullRequests WHERE ProjectId = 1 AND RepositoryId = 1 AND StatusId = 1',
    "INSERT INTO PullRequests (ProjectId, RepositoryId, Summary, Description, Base, Branch, AssigneeId) VALUES (1, 1, 'ログイン修正', 'Fixes WEB-3', 'main', 'fix/login', 2) RETURNING Number",
  ],
});
