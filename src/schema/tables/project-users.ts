/**
 * ProjectUsers: members of projects (GET /projects/:p/users), one row per project and user.
 * Members who joined through a team are included, as Backlog lists them.
 */
import type { UserJson } from '../sources/json.js';
import { perProject, perProjectCost, perProjectRequests, projectColumns, projectTargets, type InProject } from '../sources/projects.js';
import { memberColumns } from '../sources/users.js';
import { defineTable } from '../types.js';
import { userListWrites } from '../writes.js';

type Row = InProject<UserJson>;

export default defineTable<Row>({
  name: 'ProjectUsers',
  kind: 'table',
  description: 'Members of projects, including those who joined through a team.',
  columns: [
    ...projectColumns<Row>('/users', undefined, { key: true, writable: true }),
    ...memberColumns<Row>((r) => r, { userIdWritable: true, userIdPushdown: 'filtered locally (one list per project)' }),
  ],
  async *list(ctx, quals) {
    yield* perProject<UserJson>(ctx, await projectTargets(ctx, quals), 'members', (p) => `/projects/${p}/users`);
  },
  cost: (quals) => perProjectCost(quals),
  requests: (quals, space, read) => perProjectRequests(quals, space, read.columns),
  // DELETE removes direct members only: Backlog refuses to remove one who belongs through a team
  // (remove the team from ProjectTeams instead), and drops a removed member's project administration.
  writes: userListWrites('users', {
    update: 'A membership has nothing to change: DELETE the row and INSERT another. Project administrators are in ProjectAdministrators.',
  }),
  examples: [
    "SELECT Name, RoleType FROM ProjectUsers WHERE ProjectKey = 'WEB'",
    'SELECT ProjectId, COUNT(*) FROM ProjectUsers GROUP BY ProjectId',
    "INSERT INTO ProjectUsers (ProjectKey, UserId) SELECT 'APP', Id FROM Users WHERE UserId = 'sato'",
    "DELETE FROM ProjectUsers WHERE ProjectKey = 'APP' AND UserLoginId = 'sato'",
  ],
});
