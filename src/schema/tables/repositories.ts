/**
 * Repositories: Git repositories of the projects with Git on (GET /projects/:p/git/repositories,
 * no paging, one request per project). Open to Administrators and Normal users only; other roles
 * get a warning and no rows.
 */
import { col, hasQual, push, qualIds, timestamp, userColumns } from '../helpers.js';
import { projectTargets, perProjectRequests } from '../sources/projects.js';
import { gitWalk, repositoriesOf, type RepositoryJson } from '../sources/pull-requests.js';
import { defineTable } from '../types.js';

export default defineTable<RepositoryJson>({
  name: 'Repositories',
  kind: 'view',
  description: 'Git repositories of the projects, with their clone URLs and last push.',
  columns: [
    col('Id', 'BIGINT', 'Repository id.', (r) => r.id, { key: true, pushdown: push.exact('filtered on the per-project list') }),
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.projectId, {
      references: 'Projects.Id',
      pushdown: push.exact('path: /projects/:projectId/git/repositories'),
    }),
    col('Name', 'VARCHAR', 'Repository name.', (r) => r.name),
    col('Description', 'VARCHAR', 'Description.', (r) => r.description),
    col('HookUrl', 'VARCHAR', 'Webhook URL called on push, if any.', (r) => r.hookUrl),
    col('HttpUrl', 'VARCHAR', 'HTTPS clone URL.', (r) => r.httpUrl),
    col('SshUrl', 'VARCHAR', 'SSH clone URL.', (r) => r.sshUrl),
    col('DisplayOrder', 'INTEGER', "Position in the project's repository list.", (r) => r.displayOrder),
    timestamp<RepositoryJson>('PushedAt', 'When the repository was last pushed to (NULL if never).', (r) => r.pushedAt),
    ...userColumns<RepositoryJson>('CreatedUser', 'creator', (r) => r.createdUser),
    timestamp<RepositoryJson>('Created', 'When the repository was created.', (r) => r.created),
    ...userColumns<RepositoryJson>('UpdatedUser', 'last updater', (r) => r.updatedUser),
    timestamp<RepositoryJson>('Updated', 'When the repository settings were last changed.', (r) => r.updated),
  ],
  async *list(ctx, quals) {
    const ids = qualIds(quals, 'Id');
    if (ids?.length === 0) return;
    async function* walk(): AsyncIterable<RepositoryJson[]> {
      for (const project of await projectTargets(ctx, quals, { feature: 'git' })) {
        yield (await repositoriesOf(ctx, project)).filter((r) => ids === undefined || ids.includes(r.id));
      }
    }
    yield* gitWalk(ctx, walk());
  },
  cost: (quals) => (hasQual(quals, 'ProjectId') ? '1 request per named project' : '1 request per project with Git on'),
  requests: (quals, space, read) => perProjectRequests(quals, space, read.columns, { feature: 'git' }),
  examples: ['SELECT ProjectId, Name, HttpUrl, PushedAt FROM Repositories ORDER BY PushedAt DESC'],
});
