/**
 * ProjectStatuses: issue statuses of projects (GET /projects/:p/statuses). The four default
 * statuses have ids 1-4 in every project, so the key is (ProjectId, Id).
 */
import { col } from '../helpers.js';
import { perProject, perProjectCost, projectColumns, projectTargets, type InProject } from '../project-scope.js';
import { defineTable } from '../types.js';

interface Status {
  id: number;
  projectId: number;
  name: string;
  color: string;
  displayOrder: number;
}

type Row = InProject<Status>;

export default defineTable<Row>({
  name: 'ProjectStatuses',
  kind: 'table',
  description: 'Issue statuses of each project: 1 Open, 2 In Progress, 3 Resolved, 4 Closed (same ids everywhere) and custom ones.',
  columns: [
    col('Id', 'BIGINT', 'Status id (1-4 are the defaults in every project).', (r) => r.id, { key: true, readOnly: true }),
    ...projectColumns<Row>('/statuses', (r) => r.projectId, { key: true }),
    col('Name', 'VARCHAR', 'Status name.', (r) => r.name),
    col('Color', 'VARCHAR', "Colour, one of Backlog's status palette (#ea2c00…).", (r) => r.color),
    col('DisplayOrder', 'INTEGER', 'Position in the status list (Open first, Closed last).', (r) => r.displayOrder),
  ],
  async *list(ctx, quals) {
    yield* perProject<Status>(ctx, await projectTargets(ctx, quals, { rowsCarryProjectId: true }), 'statuses', (p) => `/projects/${p}/statuses`);
  },
  cost: (quals) => perProjectCost(quals),
  examples: ["SELECT Id, Name FROM ProjectStatuses WHERE ProjectKey = 'WEB' ORDER BY DisplayOrder"],
});
