/**
 * ProjectStatuses: issue statuses of projects (GET /projects/:p/statuses). The four default
 * statuses have ids 1-4 in every project, so the key is (ProjectId, Id).
 */
import { col } from '../helpers.js';
import { perProject, perProjectCost, perProjectRequests, projectColumns, projectTargets, type InProject } from '../sources/projects.js';
import { defineTable } from '../types.js';
import { projectItemWrites, w } from '../writes.js';
import type { StatusJson } from '../sources/projects.js';

type Row = InProject<StatusJson>;

// No DELETE: Backlog needs a substitute (see notes.delete).
const { insert, update } = projectItemWrites<StatusJson>('statuses', [['ProjectId', 'ProjectKey'], 'Name', 'Color']);

export default defineTable<Row>({
  name: 'ProjectStatuses',
  kind: 'table',
  description: 'Issue statuses of each project: 1 Open, 2 In Progress, 3 Resolved, 4 Closed (same ids everywhere) and custom ones.',
  columns: [
    col('Id', 'BIGINT', 'Status id (1-4 are the defaults in every project).', (r) => r.id, { key: true, readOnly: true }),
    ...projectColumns<Row>('/statuses', (r) => r.projectId, { key: true, writable: true }),
    col('Name', 'VARCHAR', 'Status name (the defaults 1-4 cannot be renamed).', (r) => r.name, { write: w.required('name') }),
    col('Color', 'VARCHAR', "Colour, one of Backlog's status palette (#ea2c00…).", (r) => r.color, { write: w.required('color') }),
    // Reordering sends the whole order at once (PATCH …/statuses/updateDisplayOrder): a procedure.
    col('DisplayOrder', 'INTEGER', 'Position in the status list (Open first, Closed last).', (r) => r.displayOrder, { readOnly: true }),
  ],
  async *list(ctx, quals) {
    yield* perProject<StatusJson>(ctx, await projectTargets(ctx, quals, { rowsCarryProjectId: true }), 'statuses', (p) => `/projects/${p}/statuses`);
  },
  cost: (quals) => perProjectCost(quals),
  requests: (quals, space, read) => perProjectRequests(quals, space, read.columns, { rowsCarryProjectId: true }),
  writes: {
    // POST /projects/:p/statuses: space administrators only; the new status goes just before Closed.
    insert,
    update,
    notes: {
      delete:
        'Backlog deletes a status only together with the status its issues move to (substituteStatusId), which a DELETE statement cannot give. ' +
        "Use the procedure: EXEC DeleteStatus @ProjectKey = 'WEB', @StatusId = 12, @SubstituteStatusId = 1.",
    },
  },
  examples: [
    "SELECT Id, Name FROM ProjectStatuses WHERE ProjectKey = 'WEB' ORDER BY DisplayOrder",
    "INSERT INTO ProjectStatuses (ProjectKey, Name, Color) VALUES ('WEB', 'レビュー中', '#868cb7') RETURNING Id",
  ],
});
