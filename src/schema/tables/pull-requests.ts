/**
 * PullRequests: pull requests of the Git repositories of every project with Git on
 * (GET /projects/:p/git/repositories/:r/pullRequests, offset paging). ProjectId and RepositoryId
 * go into the path, StatusId / AssigneeId / IssueId / CreatedUserId into the list's array
 * filters, and a few Numbers are fetched one by one (sources/pull-requests.ts has the walk).
 * Git is open to Administrators and Normal users only; other roles get a warning and no rows.
 */
import { col, push, qualIds, timestamp, userColumns } from '../helpers.js';
import { defineTable } from '../types.js';
import { gitWalk, pullRequestTargets, pullRequestsCost, type PullRequestJson } from '../sources/pull-requests.js';

export default defineTable<PullRequestJson>({
  name: 'PullRequests',
  kind: 'table',
  description: 'Pull requests of the Git repositories, with status, assignee, linked issue and commits.',
  columns: [
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.projectId, { references: 'Projects.Id', readOnly: true, pushdown: push.exact('path: /projects/:projectId/git/…') }),
    col('RepositoryId', 'BIGINT', 'Id of the repository.', (r) => r.repositoryId, { references: 'Repositories.Id', readOnly: true, pushdown: push.exact('path: …/repositories/:repositoryId/pullRequests') }),
    col('Id', 'BIGINT', 'Pull request id (unique in the space).', (r) => r.id, { key: true, readOnly: true }),
    col('Number', 'BIGINT', 'Pull request number within its repository (#12).', (r) => r.number, { readOnly: true, pushdown: push.exact('path: …/pullRequests/:number') }),
    col('Summary', 'VARCHAR', 'Title.', (r) => r.summary),
    col('Description', 'VARCHAR', 'Description.', (r) => r.description),
    col('Base', 'VARCHAR', 'Branch merged into.', (r) => r.base),
    col('Branch', 'VARCHAR', 'Branch merged from.', (r) => r.branch),
    col('StatusId', 'INTEGER', 'Status: 1 Open, 2 Closed, 3 Merged.', (r) => r.status?.id ?? null, { readOnly: true, pushdown: push.exact('statusId[]') }),
    col('StatusName', 'VARCHAR', 'Status name.', (r) => r.status?.name ?? null, { readOnly: true }),
    ...userColumns<PullRequestJson>('Assignee', 'assignee', (r) => r.assignee, { id: { pushdown: push.exact('assigneeId[]') } }),
    col('IssueId', 'BIGINT', 'Id of the linked issue.', (r) => r.issue?.id ?? null, { references: 'Issues.Id', pushdown: push.exact('issueId[]') }),
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
  examples: [
    'SELECT Number, Summary, AssigneeName FROM PullRequests WHERE ProjectId = 1 AND RepositoryId = 1 AND StatusId = 1',
    'SELECT p.Number, p.Summary, i.IssueKey FROM PullRequests p JOIN Issues i ON i.Id = p.IssueId',
  ],
});
