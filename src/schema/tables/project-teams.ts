/** ProjectTeams: teams that belong to projects (GET /projects/:p/teams), one row per project and team. */
import { col, push, timestamp, userColumns } from '../helpers.js';
import { perProject, perProjectCost, perProjectRequests, projectColumns, projectTargets, type InProject } from '../sources/projects.js';
import { defineTable } from '../types.js';
import { projectForInsert, projectOfRow, seg, send, w } from '../writes.js';
import type { TeamJson } from '../sources/users.js';

type Row = InProject<TeamJson>;

export default defineTable<Row>({
  name: 'ProjectTeams',
  kind: 'table',
  description: 'Teams that belong to each project; their members are in ProjectTeamMembers.',
  columns: [
    ...projectColumns<Row>('/teams', undefined, { key: true, writable: true }),
    col('TeamId', 'BIGINT', 'Id of the team.', (r) => r.id, {
      key: true,
      references: 'Teams.Id',
      pushdown: push.exact('filtered locally (one list per project)'),
      write: w.insertOnly('teamId', { notNull: true }),
    }),
    col('Name', 'VARCHAR', 'Team name.', (r) => r.name, { readOnly: true }),
    col('DisplayOrder', 'INTEGER', 'Position in the team list (NULL until reordered).', (r) => r.displayOrder, { readOnly: true }),
    col('MemberCount', 'INTEGER', 'Number of members of the team.', (r) => r.members.length, { readOnly: true }),
    ...userColumns<Row>('CreatedUser', 'user who created the team', (r) => r.createdUser, { id: { readOnly: true } }),
    timestamp<Row>('Created', 'When the team was created.', (r) => r.created, { readOnly: true }),
    ...userColumns<Row>('UpdatedUser', 'user who last changed the team', (r) => r.updatedUser, { id: { readOnly: true } }),
    timestamp<Row>('Updated', 'When the team was last changed.', (r) => r.updated, { readOnly: true }),
  ],
  async *list(ctx, quals) {
    yield* perProject<TeamJson>(ctx, await projectTargets(ctx, quals), 'teams', (p) => `/projects/${p}/teams`);
  },
  cost: (quals) => perProjectCost(quals),
  requests: (quals, space, read) => perProjectRequests(quals, space, read.columns),
  writes: {
    // POST /projects/:p/teams (administrators and project administrators): the team's members join the project.
    insert: {
      required: [['ProjectId', 'ProjectKey'], 'TeamId'],
      async run(ctx, { values, form }) {
        const scope = await projectForInsert(ctx, values);
        return { ...(await send<TeamJson>(ctx, 'POST', `/projects/${seg(scope.path)}/teams`, form)), scope };
      },
    },
    // DELETE /projects/:p/teams takes the team as a form parameter, not in the path.
    delete: {
      async run(ctx, row) {
        const scope = projectOfRow(row);
        return { ...(await send<TeamJson>(ctx, 'DELETE', `/projects/${seg(scope.path)}/teams`, { teamId: Number(row.TeamId) })), scope };
      },
    },
    notes: {
      update: 'A team in a project has nothing to change: DELETE the row and INSERT another. Teams themselves (name, members) are changed in Backlog.',
    },
  },
  examples: [
    "SELECT Name, MemberCount FROM ProjectTeams WHERE ProjectKey = 'WEB'",
    "INSERT INTO ProjectTeams (ProjectKey, TeamId) SELECT 'APP', Id FROM Teams WHERE Name = 'Design Team'",
  ],
});
