/** ProjectCategories: issue categories of projects (GET /projects/:p/categories). */
import { col } from '../helpers.js';
import { perProject, perProjectCost, projectColumns, projectTargets, type InProject } from '../project-scope.js';
import { defineTable } from '../types.js';

interface Category {
  id: number;
  projectId: number;
  name: string;
  displayOrder: number;
}

type Row = InProject<Category>;

export default defineTable<Row>({
  name: 'ProjectCategories',
  kind: 'table',
  description: 'Issue categories of each project.',
  columns: [
    col('Id', 'BIGINT', 'Category id.', (r) => r.id, { key: true, readOnly: true }),
    ...projectColumns<Row>('/categories', (r) => r.projectId),
    col('Name', 'VARCHAR', 'Category name.', (r) => r.name),
    col('DisplayOrder', 'INTEGER', 'Position in the category list.', (r) => r.displayOrder, { readOnly: true }),
  ],
  async *list(ctx, quals) {
    yield* perProject<Category>(ctx, await projectTargets(ctx, quals, { rowsCarryProjectId: true }), 'categories', (p) => `/projects/${p}/categories`);
  },
  cost: (quals) => perProjectCost(quals),
  examples: ["SELECT Id, Name FROM ProjectCategories WHERE ProjectKey = 'WEB' ORDER BY DisplayOrder"],
});
