import { exactlyOne, requiredId, SUCCESS, success } from './common.js';
import type { ProcedureDef } from './types.js';

/** POST /stars (docs/backlog-api.md §11.4): Backlog answers 204, so there is no star id to return. */
const TARGETS = [
  { name: 'IssueId', param: 'issueId', what: 'issue' },
  { name: 'CommentId', param: 'commentId', what: 'issue comment' },
  { name: 'WikiId', param: 'wikiId', what: 'wiki page' },
  { name: 'PullRequestId', param: 'pullRequestId', what: 'pull request (its Id, not its number)' },
  { name: 'PullRequestCommentId', param: 'pullRequestCommentId', what: 'pull-request comment' },
] as const;

const procedure: ProcedureDef = {
  name: 'AddStar',
  description: 'Gives a star to an issue, an issue comment, a wiki page, a pull request or a pull-request comment; name exactly one of them.',
  writes: true,
  parameters: TARGETS.map((t) => ({ name: t.name, type: 'BIGINT' as const, required: false, description: `Id of the ${t.what} to star.` })),
  results: [SUCCESS],
  async handler(args, ctx) {
    const which = exactlyOne(
      'AddStar',
      args,
      TARGETS.map((t) => t.name),
    );
    const target = TARGETS.find((t) => t.name === which) as (typeof TARGETS)[number];
    await ctx.api.send('POST', '/stars', { [target.param]: requiredId('AddStar', args, which) }, { signal: ctx.signal });
    return success();
  },
};
export default procedure;
