/** ProjectCategories: issue categories of projects (GET /projects/:p/categories). */
import { col } from '../helpers.js';
import { perProject, perProjectCost, perProjectRequests, projectColumns, projectTargets, type InProject } from '../sources/projects.js';
import { defineTable } from '../types.js';
import { projectItemWrites, w } from '../writes.js';
import type { CategoryJson } from '../sources/projects.js';

type Row = InProject<CategoryJson>;

export default defineTable<Row>({
  name: 'ProjectCategories',
  kind: 'table',
  description: 'Issue categories of each project.',
  columns: [
    col('Id', 'BIGINT', 'Category id.', (r) => r.id, { key: true, readOnly: true }),
    ...projectColumns<Row>('/categories', (r) => r.projectId, { writable: true }),
    col('Name', 'VARCHAR', 'Category name.', (r) => r.name, { write: w.required('name') }),
    col('DisplayOrder', 'INTEGER', 'Position in the category list.', (r) => r.displayOrder, { readOnly: true }),
  ],
  async *list(ctx, quals) {
    yield* perProject<CategoryJson>(ctx, await projectTargets(ctx, quals, { rowsCarryProjectId: true }), 'categories', (p) => `/projects/${p}/categories`);
  },
  cost: (quals) => perProjectCost(quals),
  requests: (quals, space, read) => perProjectRequests(quals, space, read.columns, { rowsCarryProjectId: true }),
  writes: projectItemWrites<CategoryJson>('categories', [['ProjectId', 'ProjectKey'], 'Name']),
  examples: [
    "SELECT Id, Name FROM ProjectCategories WHERE ProjectKey = 'WEB' ORDER BY DisplayOrder",
    "INSERT INTO ProjectCategories (ProjectKey, Name) VALUES ('WEB', 'Backend') RETURNING Id",
  ],
});
