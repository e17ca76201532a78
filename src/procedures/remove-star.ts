import { requiredId, SUCCESS, success } from './common.js';
import type { ProcedureDef } from './types.js';

/** DELETE /stars/:starId (extension: CData has no way to take a star back). */
const procedure: ProcedureDef = {
  name: 'RemoveStar',
  description:
    'Takes back a star you gave (extension). Star ids are in the Id column of the star tables (WikiPageStars, IssueCommentStars, PullRequestCommentStars, UserReceivedStars).',
  writes: true,
  parameters: [{ name: 'StarId', type: 'BIGINT', required: true, description: 'Id of the star to remove (only your own stars can be removed).' }],
  results: [SUCCESS],
  async handler(args, ctx) {
    await ctx.api.send('DELETE', `/stars/${requiredId('RemoveStar', args, 'StarId')}`, {}, { signal: ctx.signal });
    return success();
  },
};
export default procedure;
