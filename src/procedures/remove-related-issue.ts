import { issueSegment } from './common.js';
import { ISSUE_PARAMS, RELATED_RESULTS, relatedIssueId, relatedRow, type RelatedIssueJson } from './related-issue-common.js';
import type { ProcedureDef } from './types.js';

/** DELETE /issues/:issueIdOrKey/relatedIssues/:relatedIssueId (extension). */
const procedure: ProcedureDef = {
  name: 'RemoveRelatedIssue',
  description: 'Removes the link between two related issues (extension); Backlog refuses it when the issues are not linked.',
  writes: true,
  parameters: ISSUE_PARAMS,
  results: RELATED_RESULTS,
  async handler(args, ctx) {
    const issue = issueSegment('RemoveRelatedIssue', args);
    const id = await relatedIssueId('RemoveRelatedIssue', args, ctx);
    const related = await ctx.api.send<RelatedIssueJson>('DELETE', `/issues/${issue}/relatedIssues/${id}`, {}, { signal: ctx.signal });
    return [relatedRow(related)];
  },
};
export default procedure;
