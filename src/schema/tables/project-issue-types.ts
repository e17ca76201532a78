/** ProjectIssueTypes: issue types of projects (GET /projects/:p/issueTypes). */
import { col } from '../helpers.js';
import { perProject, perProjectCost, perProjectRequests, projectColumns, projectTargets, type InProject } from '../sources/projects.js';
import { defineTable } from '../types.js';
import { projectItemWrites, w } from '../writes.js';
import type { IssueTypeJson } from '../sources/projects.js';

type Row = InProject<IssueTypeJson>;

// No DELETE: Backlog needs a substitute (see notes.delete).
const { insert, update } = projectItemWrites<IssueTypeJson>('issueTypes', [['ProjectId', 'ProjectKey'], 'Name', 'Color']);

export default defineTable<Row>({
  name: 'ProjectIssueTypes',
  kind: 'table',
  description: 'Issue types of each project (Task, Bug, Request, Other and custom ones), with their templates.',
  columns: [
    col('Id', 'BIGINT', 'Issue type id.', (r) => r.id, { key: true, readOnly: true }),
    ...projectColumns<Row>('/issueTypes', (r) => r.projectId, { writable: true }),
    col('Name', 'VARCHAR', 'Issue type name.', (r) => r.name, { write: w.required('name') }),
    col('Color', 'VARCHAR', "Colour, one of Backlog's issue-type palette (#e30000…).", (r) => r.color, { write: w.required('color') }),
    col('DisplayOrder', 'INTEGER', 'Position in the issue type list.', (r) => r.displayOrder, { readOnly: true }),
    col('TemplateSummary', 'VARCHAR', 'Summary a new issue of this type starts with.', (r) => r.templateSummary, { write: w.both('templateSummary') }),
    col('TemplateDescription', 'VARCHAR', 'Description a new issue of this type starts with.', (r) => r.templateDescription, {
      write: w.both('templateDescription'),
    }),
  ],
  async *list(ctx, quals) {
    yield* perProject<IssueTypeJson>(ctx, await projectTargets(ctx, quals, { rowsCarryProjectId: true }), 'issue types', (p) => `/projects/${p}/issueTypes`);
  },
  cost: (quals) => perProjectCost(quals),
  requests: (quals, space, read) => perProjectRequests(quals, space, read.columns, { rowsCarryProjectId: true }),
  writes: {
    insert,
    update,
    notes: {
      delete:
        'Backlog deletes an issue type only together with the type its issues move to (substituteIssueTypeId), which a DELETE statement cannot give. ' +
        "Use the procedure: EXEC DeleteIssueType @ProjectKey = 'WEB', @IssueTypeId = 12, @SubstituteIssueTypeId = 5.",
    },
  },
  examples: [
    "SELECT Id, Name, Color FROM ProjectIssueTypes WHERE ProjectKey = 'WEB'",
    "INSERT INTO ProjectIssueTypes (ProjectKey, Name, Color, TemplateSummary) VALUES ('WEB', '問い合わせ', '#934981', '【問い合わせ】') RETURNING Id",
    "UPDATE ProjectIssueTypes SET TemplateDescription = NULL WHERE ProjectKey = 'WEB' AND Name = 'バグ'",
  ],
});
