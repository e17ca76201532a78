/** ProjectAdministrators: administrators of projects (GET /projects/:p/administrators). */
import type { UserJson } from '../sources/json.js';
import { perProject, perProjectCost, perProjectRequests, projectColumns, projectTargets, type InProject } from '../sources/projects.js';
import { memberColumns } from '../sources/users.js';
import { defineTable } from '../types.js';
import { userListWrites } from '../writes.js';

type Row = InProject<UserJson>;

export default defineTable<Row>({
  name: 'ProjectAdministrators',
  kind: 'table',
  description: 'Administrators of each project.',
  columns: [
    ...projectColumns<Row>('/administrators', undefined, { key: true, writable: true }),
    ...memberColumns<Row>((r) => r, { userIdWritable: true, userIdPushdown: 'filtered locally (one list per project)' }),
  ],
  async *list(ctx, quals) {
    yield* perProject<UserJson>(ctx, await projectTargets(ctx, quals), 'administrators', (p) => `/projects/${p}/administrators`);
  },
  cost: (quals) => perProjectCost(quals),
  requests: (quals, space, read) => perProjectRequests(quals, space, read.columns),
  // INSERT: space administrators only, and the user must already be a member (ProjectUsers).
  writes: userListWrites('administrators', {
    update: 'An administrator role has nothing to change: DELETE the row to take it away, INSERT to give it.',
  }),
  examples: [
    "SELECT UserLoginId, Name FROM ProjectAdministrators WHERE ProjectKey = 'WEB'",
    "INSERT INTO ProjectAdministrators (ProjectKey, UserId) VALUES ('APP', 2)",
  ],
});
