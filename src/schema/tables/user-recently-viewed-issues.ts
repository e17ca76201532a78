/**
 * UserRecentlyViewedIssues: issues the signed-in user opened lately
 * (GET /users/myself/recentlyViewedIssues, offset paging, most recent first).
 */
import { col, timestamp, userColumns } from '../helpers.js';
import { defineTable } from '../types.js';
import type { ViewedIssueJson } from '../sources/personal.js';

export default defineTable<ViewedIssueJson>({
  name: 'UserRecentlyViewedIssues',
  kind: 'view',
  description: 'Issues the signed-in user viewed recently, most recent first.',
  columns: [
    col('IssueId', 'BIGINT', 'Id of the issue.', (r) => r.issue.id, { key: true, references: 'Issues.Id' }),
    col('IssueKey', 'VARCHAR', 'Key of the issue.', (r) => r.issue.issueKey),
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.issue.projectId, { references: 'Projects.Id' }),
    col('Summary', 'VARCHAR', 'Summary of the issue.', (r) => r.issue.summary),
    col('IssueTypeId', 'BIGINT', 'Id of the issue type.', (r) => r.issue.issueType?.id ?? null, { references: 'ProjectIssueTypes.Id' }),
    col('IssueTypeName', 'VARCHAR', 'Name of the issue type.', (r) => r.issue.issueType?.name ?? null),
    col('StatusId', 'BIGINT', 'Id of the status.', (r) => r.issue.status?.id ?? null),
    col('StatusName', 'VARCHAR', 'Name of the status.', (r) => r.issue.status?.name ?? null),
    ...userColumns<ViewedIssueJson>('Assignee', 'assignee', (r) => r.issue.assignee),
    timestamp<ViewedIssueJson>('IssueUpdated', 'When the issue was last updated.', (r) => r.issue.updated),
    timestamp<ViewedIssueJson>('Viewed', 'When the signed-in user last viewed the issue.', (r) => r.updated),
  ],
  async *list(ctx) {
    yield* ctx.api.pagesByOffset<ViewedIssueJson>(
      '/users/myself/recentlyViewedIssues',
      { order: 'desc' },
      { signal: ctx.signal, ...(ctx.limit !== undefined ? { limit: ctx.limit } : {}) },
    );
  },
  cost: () => '1 request per 100 viewed issues',
  examples: ['SELECT IssueKey, Summary, Viewed FROM UserRecentlyViewedIssues ORDER BY Viewed DESC LIMIT 10'],
});
