import { idList, PROJECT_PARAMS, projectSegment, STATUS_RESULTS, statusRow, type StatusJson } from './common.js';
import type { ProcedureDef } from './types.js';

/** PATCH /projects/:projectIdOrKey/statuses/updateDisplayOrder with statusId[] in the new order (extension). */
const procedure: ProcedureDef = {
  name: 'UpdateStatusDisplayOrder',
  description:
    "Reorders a project's statuses (extension; administrators). List every status of the project exactly once, in the new order: Backlog wants Open (1) first and Closed (4) last. Returns the statuses in their new order.",
  writes: true,
  parameters: [
    ...PROJECT_PARAMS,
    {
      name: 'StatusIds',
      type: 'VARCHAR',
      required: true,
      description: "Every status id of the project (ProjectStatuses.Id) in the new order, comma-separated, e.g. '1, 2, 5, 3, 4'.",
    },
  ],
  results: STATUS_RESULTS,
  async handler(args, ctx) {
    const project = projectSegment('UpdateStatusDisplayOrder', args);
    const ids = idList('UpdateStatusDisplayOrder', args, 'StatusIds');
    const statuses = await ctx.api.send<StatusJson[]>(
      'PATCH',
      `/projects/${project}/statuses/updateDisplayOrder`,
      { 'statusId[]': ids },
      { signal: ctx.signal },
    );
    return [...statuses].sort((a, b) => a.displayOrder - b.displayOrder).map(statusRow);
  },
};
export default procedure;
