/**
 * ProjectTeamMembers: members of the teams of projects, from GET /projects/:p/teams (members are
 * nested in each team), one row per project, team and member.
 */
import { col, push } from '../helpers.js';
import type { UserJson } from '../sources/json.js';
import { perProject, perProjectCost, perProjectRequests, projectColumns, projectTargets, type InProject, type ProjectTarget } from '../sources/projects.js';
import { memberColumns, type TeamJson } from '../sources/users.js';
import { defineTable } from '../types.js';

interface Row extends UserJson {
  scope: ProjectTarget;
  team: TeamJson;
}

export default defineTable<Row>({
  name: 'ProjectTeamMembers',
  kind: 'view',
  description: 'Members of the teams that belong to each project.',
  columns: [
    ...projectColumns<Row>('/teams', undefined, { key: true }),
    col('TeamId', 'BIGINT', 'Id of the team.', (r) => r.team.id, {
      key: true,
      references: 'Teams.Id',
      pushdown: push.exact('filtered locally (one list per project)'),
    }),
    col('TeamName', 'VARCHAR', 'Name of the team.', (r) => r.team.name),
    ...memberColumns<Row>((r) => r),
  ],
  async *list(ctx, quals) {
    for await (const teams of perProject<TeamJson>(ctx, await projectTargets(ctx, quals), 'teams', (p) => `/projects/${p}/teams`)) {
      yield teams.flatMap((t: InProject<TeamJson>) => t.members.map((m) => ({ ...m, scope: t.scope, team: t })));
    }
  },
  cost: (quals) => perProjectCost(quals),
  requests: (quals, space, read) => perProjectRequests(quals, space, read.columns),
  examples: ["SELECT TeamName, Name FROM ProjectTeamMembers WHERE ProjectKey = 'WEB'"],
});
