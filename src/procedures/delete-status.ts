import { argError, PROJECT_PARAMS, projectSegment, requiredId, STATUS_RESULTS, statusRow, type StatusJson } from './common.js';
import type { ProcedureDef } from './types.js';

/**
 * DELETE /projects/:projectIdOrKey/statuses/:id with substituteStatusId (extension): the
 * ProjectStatuses table cannot DELETE because Backlog needs the status the issues move to.
 */
const procedure: ProcedureDef = {
  name: 'DeleteStatus',
  description:
    "Deletes a custom status of a project (extension; administrators), moving its issues to a substitute status. Returns the deleted status. Backlog's four default statuses cannot be deleted.",
  writes: true,
  parameters: [
    ...PROJECT_PARAMS,
    { name: 'StatusId', type: 'BIGINT', required: true, description: 'Id of the status to delete (ProjectStatuses.Id).' },
    { name: 'SubstituteStatusId', type: 'BIGINT', required: true, description: 'Id of the status its issues move to (another status of the same project).' },
  ],
  results: STATUS_RESULTS,
  async handler(args, ctx) {
    const project = projectSegment('DeleteStatus', args);
    const id = requiredId('DeleteStatus', args, 'StatusId');
    const substituteStatusId = requiredId('DeleteStatus', args, 'SubstituteStatusId');
    if (id === substituteStatusId) throw argError('DeleteStatus', 'SubstituteStatusId must differ from StatusId');
    const deleted = await ctx.api.send<StatusJson>('DELETE', `/projects/${project}/statuses/${id}`, { substituteStatusId }, { signal: ctx.signal });
    return [statusRow(deleted)];
  },
};
export default procedure;
