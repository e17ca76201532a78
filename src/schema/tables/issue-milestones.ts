/**
 * IssueMilestones: the milestones of each issue (the issue's `milestone` array), one row per
 * (issue, milestone). Read through the issue search, with its pushdowns.
 */
import { col, dateOnly, push, qualIds } from '../helpers.js';
import { issueChildRows, issueListCost, type IssueJson } from '../sources/issues.js';
import type { VersionJson } from '../sources/projects.js';
import { defineTable } from '../types.js';

interface Row {
  issue: IssueJson;
  version: VersionJson;
}

export default defineTable<Row>({
  name: 'IssueMilestones',
  kind: 'view',
  description: 'The milestones of issues: one row per issue and milestone.',
  columns: [
    col('IssueId', 'BIGINT', 'Id of the issue.', (r) => r.issue.id, { key: true, references: 'Issues.Id', pushdown: push.exact('id[]') }),
    col('IssueKey', 'VARCHAR', 'Key of the issue (WEB-12).', (r) => r.issue.issueKey, { pushdown: push.exact('path: /issues/:issueKey') }),
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.issue.projectId, { references: 'Projects.Id', pushdown: push.exact('projectId[]') }),
    col('MilestoneId', 'BIGINT', 'Id of the milestone (a row of ProjectVersionMilestones).', (r) => r.version.id, {
      key: true,
      references: 'ProjectVersionMilestones.Id',
      pushdown: push.exact('milestoneId[], then filtered locally'),
    }),
    col('Name', 'VARCHAR', 'Name of the milestone.', (r) => r.version.name),
    col('Description', 'VARCHAR', 'Description of the milestone.', (r) => r.version.description ?? null),
    dateOnly<Row>('StartDate', 'Start date (a calendar day in the space time zone).', (r) => r.version.startDate),
    dateOnly<Row>('ReleaseDueDate', 'Release due date (a calendar day in the space time zone).', (r) => r.version.releaseDueDate),
    col('Archived', 'BOOLEAN', 'Whether the milestone is archived.', (r) => r.version.archived ?? null),
    col('DisplayOrder', 'INTEGER', 'Position of the milestone in its project.', (r) => r.version.displayOrder ?? null),
  ],
  list(ctx, quals) {
    const ids = qualIds(quals, 'MilestoneId');
    return issueChildRows<Row>(ctx, quals, (issue) => issue.milestone.map((version) => ({ issue, version })), {
      params: ids ? { 'milestoneId[]': ids } : {},
      keep: ids ? (r) => ids.includes(r.version.id) : undefined,
    });
  },
  cost: issueListCost,
  examples: ['SELECT i.IssueKey, i.Summary FROM IssueMilestones v JOIN Issues i ON i.Id = v.IssueId WHERE v.MilestoneId = 3'],
});
