/**
 * ProjectVersionMilestones: versions / milestones of projects (GET /projects/:p/versions).
 * StartDate and ReleaseDueDate are date-only in Backlog (sent as midnight in the space's time
 * zone), so they are DATEs in that zone; they are written as yyyy-MM-dd, the same calendar day.
 */
import { col, dateOnly } from '../helpers.js';
import { perProject, perProjectCost, perProjectRequests, projectColumns, projectTargets, type InProject } from '../sources/projects.js';
import { defineTable } from '../types.js';
import { projectItemWrites, w } from '../writes.js';
import type { VersionJson } from '../sources/projects.js';

type Row = InProject<VersionJson>;

export default defineTable<Row>({
  name: 'ProjectVersionMilestones',
  kind: 'table',
  description: 'Versions and milestones of each project (issues refer to them as versions or milestones).',
  columns: [
    col('Id', 'BIGINT', 'Version id.', (r) => r.id, { key: true, readOnly: true }),
    ...projectColumns<Row>('/versions', (r) => r.projectId, { writable: true }),
    col('Name', 'VARCHAR', 'Version name.', (r) => r.name, { write: w.required('name') }),
    // NULL clears it: Backlog then answers an empty description.
    col('Description', 'VARCHAR', 'Description.', (r) => r.description, { write: w.both('description') }),
    dateOnly<Row>('StartDate', 'Start date (a day in the space time zone).', (r) => r.startDate, { write: w.both('startDate') }),
    dateOnly<Row>('ReleaseDueDate', 'Release due date (a day in the space time zone).', (r) => r.releaseDueDate, { write: w.both('releaseDueDate') }),
    col('Archived', 'BOOLEAN', 'The version is archived.', (r) => r.archived, { write: w.updateOnly('archived', { notNull: true }) }),
    col('DisplayOrder', 'INTEGER', 'Position in the version list.', (r) => r.displayOrder, { readOnly: true }),
  ],
  async *list(ctx, quals) {
    yield* perProject<VersionJson>(ctx, await projectTargets(ctx, quals, { rowsCarryProjectId: true }), 'versions', (p) => `/projects/${p}/versions`);
  },
  cost: (quals) => perProjectCost(quals),
  requests: (quals, space, read) => perProjectRequests(quals, space, read.columns, { rowsCarryProjectId: true }),
  // PATCH …/versions/:id requires `name` even when it does not change: send the current one.
  writes: projectItemWrites<VersionJson>('versions', [['ProjectId', 'ProjectKey'], 'Name'], {
    patchForm: (form, row) => ('name' in form ? { ...form } : { ...form, name: String(row.Name) }),
  }),
  examples: [
    "SELECT Name, StartDate, ReleaseDueDate FROM ProjectVersionMilestones WHERE ProjectKey = 'WEB' AND NOT Archived",
    "INSERT INTO ProjectVersionMilestones (ProjectKey, Name, StartDate, ReleaseDueDate) VALUES ('WEB', '2027年1月リリース', DATE '2027-01-04', DATE '2027-01-29') RETURNING Id",
    "UPDATE ProjectVersionMilestones SET Archived = true WHERE ProjectKey = 'WEB' AND ReleaseDueDate < current_date",
  ],
});
