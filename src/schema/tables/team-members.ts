/** TeamMembers: members of the space's teams (nested in GET /teams), one row per team and member. */
import { col, push, qualIds } from '../helpers.js';
import type { UserJson } from '../sources/json.js';
import { memberColumns, teamPages, type TeamJson, teamRequests } from '../sources/users.js';
import { defineTable } from '../types.js';

interface Row extends UserJson {
  team: TeamJson;
}

export default defineTable<Row>({
  name: 'TeamMembers',
  kind: 'view',
  description: 'Members of each team (listing teams needs an administrator or project administrator).',
  columns: [
    col('TeamId', 'BIGINT', 'Id of the team.', (r) => r.team.id, {
      key: true,
      references: 'Teams.Id',
      pushdown: push.exact('path: /teams/:id (one id), else filtered from the list'),
    }),
    col('TeamName', 'VARCHAR', 'Name of the team.', (r) => r.team.name),
    ...memberColumns<Row>((r) => r),
  ],
  async *list(ctx, quals) {
    for await (const teams of teamPages(ctx, quals, 'TeamId')) yield teams.flatMap((team) => team.members.map((m) => ({ ...m, team })));
  },
  cost: (quals) => (qualIds(quals, 'TeamId')?.length === 1 ? '1 request (the named team)' : '1 request per 100 teams'),
  requests: (quals) => teamRequests(quals, 'TeamId'),
  examples: ['SELECT t.Name, m.Name FROM Teams t JOIN TeamMembers m ON m.TeamId = t.Id'],
});
