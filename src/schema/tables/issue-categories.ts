/**
 * IssueCategories: the categories of each issue (the issue's `category` array), one row per
 * (issue, category). Read through the issue search, with its pushdowns.
 */
import { col, push, qualIds } from '../helpers.js';
import { issueChildRows, issueListCost, type IssueJson } from '../sources/issues.js';
import type { CategoryJson } from '../sources/projects.js';
import { defineTable } from '../types.js';

interface Row {
  issue: IssueJson;
  category: CategoryJson;
}

export default defineTable<Row>({
  name: 'IssueCategories',
  kind: 'view',
  description: 'Categories of issues: one row per issue and category.',
  columns: [
    col('IssueId', 'BIGINT', 'Id of the issue.', (r) => r.issue.id, { key: true, references: 'Issues.Id', pushdown: push.exact('id[]') }),
    col('IssueKey', 'VARCHAR', 'Key of the issue (WEB-12).', (r) => r.issue.issueKey, { pushdown: push.exact('path: /issues/:issueKey') }),
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.issue.projectId, { references: 'Projects.Id', pushdown: push.exact('projectId[]') }),
    col('CategoryId', 'BIGINT', 'Id of the category.', (r) => r.category.id, {
      key: true,
      references: 'ProjectCategories.Id',
      pushdown: push.exact('categoryId[], then filtered locally'),
    }),
    col('CategoryName', 'VARCHAR', 'Name of the category.', (r) => r.category.name),
    col('DisplayOrder', 'INTEGER', 'Position of the category in its project.', (r) => r.category.displayOrder ?? null),
  ],
  list(ctx, quals) {
    const ids = qualIds(quals, 'CategoryId');
    return issueChildRows<Row>(ctx, quals, (issue) => issue.category.map((category) => ({ issue, category })), {
      params: ids ? { 'categoryId[]': ids } : {},
      keep: ids ? (r) => ids.includes(r.category.id) : undefined,
    });
  },
  cost: issueListCost,
  examples: ['SELECT c.CategoryName, COUNT(*) FROM IssueCategories c WHERE c.ProjectId = 1 GROUP BY c.CategoryName'],
});
