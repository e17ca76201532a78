/** ProjectIssueTypes: issue types of projects (GET /projects/:p/issueTypes). */
import { col } from '../helpers.js';
import { perProject, perProjectCost, projectColumns, projectTargets, type InProject } from '../project-scope.js';
import { defineTable } from '../types.js';

interface IssueType {
  id: number;
  projectId: number;
  name: string;
  color: string;
  displayOrder: number;
  templateSummary: string | null;
  templateDescription: string | null;
}

type Row = InProject<IssueType>;

export default defineTable<Row>({
  name: 'ProjectIssueTypes',
  kind: 'table',
  description: 'Issue types of each project (Task, Bug, Request, Other and custom ones), with their templates.',
  columns: [
    col('Id', 'BIGINT', 'Issue type id.', (r) => r.id, { key: true, readOnly: true }),
    ...projectColumns<Row>('/issueTypes', (r) => r.projectId),
    col('Name', 'VARCHAR', 'Issue type name.', (r) => r.name),
    col('Color', 'VARCHAR', "Colour, one of Backlog's issue-type palette (#e30000…).", (r) => r.color),
    col('DisplayOrder', 'INTEGER', 'Position in the issue type list.', (r) => r.displayOrder, { readOnly: true }),
    col('TemplateSummary', 'VARCHAR', 'Summary a new issue of this type starts with.', (r) => r.templateSummary),
    col('TemplateDescription', 'VARCHAR', 'Description a new issue of this type starts with.', (r) => r.templateDescription),
  ],
  async *list(ctx, quals) {
    yield* perProject<IssueType>(ctx, await projectTargets(ctx, quals, { rowsCarryProjectId: true }), 'issue types', (p) => `/projects/${p}/issueTypes`);
  },
  cost: (quals) => perProjectCost(quals),
  examples: ["SELECT Id, Name, Color FROM ProjectIssueTypes WHERE ProjectKey = 'WEB'"],
});
