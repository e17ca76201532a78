import { argError, PROJECT_PARAMS, projectSegment, requiredId } from './common.js';
import type { ProcedureDef } from './types.js';

interface IssueTypeJson {
  id: number;
  projectId: number;
  name: string;
  color: string;
  displayOrder: number;
  templateSummary?: string | null;
  templateDescription?: string | null;
}

/**
 * DELETE /projects/:projectIdOrKey/issueTypes/:id with substituteIssueTypeId (extension): the
 * ProjectIssueTypes table cannot DELETE because Backlog needs the type the issues move to.
 */
const procedure: ProcedureDef = {
  name: 'DeleteIssueType',
  description:
    'Deletes an issue type of a project (extension; administrators and project administrators), moving its issues to a substitute issue type. Returns the deleted issue type.',
  writes: true,
  parameters: [
    ...PROJECT_PARAMS,
    { name: 'IssueTypeId', type: 'BIGINT', required: true, description: 'Id of the issue type to delete (ProjectIssueTypes.Id).' },
    {
      name: 'SubstituteIssueTypeId',
      type: 'BIGINT',
      required: true,
      description: 'Id of the issue type its issues move to (another type of the same project).',
    },
  ],
  results: [
    { name: 'Id', type: 'BIGINT', description: 'Issue type id.' },
    { name: 'ProjectId', type: 'BIGINT', description: 'Id of the project.' },
    { name: 'Name', type: 'VARCHAR', description: 'Issue type name.' },
    { name: 'Color', type: 'VARCHAR', description: "Colour, e.g. '#7ea800'." },
    { name: 'DisplayOrder', type: 'BIGINT', description: "Position in the project's issue type list." },
    { name: 'TemplateSummary', type: 'VARCHAR', description: 'Summary template of the deleted type.' },
    { name: 'TemplateDescription', type: 'VARCHAR', description: 'Description template of the deleted type.' },
  ],
  async handler(args, ctx) {
    const project = projectSegment('DeleteIssueType', args);
    const id = requiredId('DeleteIssueType', args, 'IssueTypeId');
    const substituteIssueTypeId = requiredId('DeleteIssueType', args, 'SubstituteIssueTypeId');
    if (id === substituteIssueTypeId) throw argError('DeleteIssueType', 'SubstituteIssueTypeId must differ from IssueTypeId');
    const t = await ctx.api.send<IssueTypeJson>('DELETE', `/projects/${project}/issueTypes/${id}`, { substituteIssueTypeId }, { signal: ctx.signal });
    return [
      {
        Id: t.id,
        ProjectId: t.projectId,
        Name: t.name,
        Color: t.color,
        DisplayOrder: t.displayOrder,
        TemplateSummary: t.templateSummary ?? null,
        TemplateDescription: t.templateDescription ?? null,
      },
    ];
  },
};
export default procedure;
