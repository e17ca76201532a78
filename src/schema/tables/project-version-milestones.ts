/**
 * ProjectVersionMilestones: versions / milestones of projects (GET /projects/:p/versions).
 * StartDate and ReleaseDueDate are date-only in Backlog (sent as midnight in the space's time
 * zone), so they are DATEs in that zone.
 */
import { col, dateOnly } from '../helpers.js';
import { perProject, perProjectCost, projectColumns, projectTargets, type InProject } from '../project-scope.js';
import { defineTable } from '../types.js';

interface Version {
  id: number;
  projectId: number;
  name: string;
  description: string | null;
  startDate: string | null;
  releaseDueDate: string | null;
  archived: boolean;
  displayOrder: number;
}

type Row = InProject<Version>;

export default defineTable<Row>({
  name: 'ProjectVersionMilestones',
  kind: 'table',
  description: 'Versions and milestones of each project (issues refer to them as versions or milestones).',
  columns: [
    col('Id', 'BIGINT', 'Version id.', (r) => r.id, { key: true, readOnly: true }),
    ...projectColumns<Row>('/versions', (r) => r.projectId),
    col('Name', 'VARCHAR', 'Version name.', (r) => r.name),
    col('Description', 'VARCHAR', 'Description.', (r) => r.description),
    dateOnly<Row>('StartDate', 'Start date (a day in the space time zone).', (r) => r.startDate),
    dateOnly<Row>('ReleaseDueDate', 'Release due date (a day in the space time zone).', (r) => r.releaseDueDate),
    col('Archived', 'BOOLEAN', 'The version is archived.', (r) => r.archived),
    col('DisplayOrder', 'INTEGER', 'Position in the version list.', (r) => r.displayOrder, { readOnly: true }),
  ],
  async *list(ctx, quals) {
    yield* perProject<Version>(ctx, await projectTargets(ctx, quals, { rowsCarryProjectId: true }), 'versions', (p) => `/projects/${p}/versions`);
  },
  cost: (quals) => perProjectCost(quals),
  examples: ["SELECT Name, StartDate, ReleaseDueDate FROM ProjectVersionMilestones WHERE ProjectKey = 'WEB' AND NOT Archived"],
});
