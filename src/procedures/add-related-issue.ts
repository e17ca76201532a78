import { issueSegment } from './common.js';
import { ISSUE_PARAMS, RELATED_RESULTS, relatedIssueId, relatedRow, type RelatedIssueJson } from './related-issue-common.js';
import type { ProcedureDef } from './types.js';

/** POST /issues/:issueIdOrKey/relatedIssues with targetIssueId (extension). */
const procedure: ProcedureDef = {
  name: 'AddRelatedIssue',
  description:
    'Links two issues as related (extension). Linking issues that are already linked is not an error; Backlog allows at most 50 related issues per issue.',
  writes: true,
  parameters: ISSUE_PARAMS,
  results: RELATED_RESULTS,
  async handler(args, ctx) {
    const issue = issueSegment('AddRelatedIssue', args);
    const targetIssueId = await relatedIssueId('AddRelatedIssue', args, ctx);
    const related = await ctx.api.send<RelatedIssueJson>('POST', `/issues/${issue}/relatedIssues`, { targetIssueId }, { signal: ctx.signal });
    return [relatedRow(related)];
  },
};
export default procedure;
