import { requiredId, SUCCESS, success } from './common.js';
import type { ProcedureDef } from './types.js';

/** POST /watchings/:watchingId/markAsRead (Backlog answers 204). */
const procedure: ProcedureDef = {
  name: 'MarkWatchingAsRead',
  description: 'Marks a watched issue as read (its changes since you last looked are no longer shown as unread).',
  writes: true,
  parameters: [{ name: 'WatchingId', type: 'BIGINT', required: true, description: 'Id of the watching (Watchings.Id), not of the issue.' }],
  results: [SUCCESS],
  async handler(args, ctx) {
    await ctx.api.send('POST', `/watchings/${requiredId('MarkWatchingAsRead', args, 'WatchingId')}/markAsRead`, {}, { signal: ctx.signal });
    return success();
  },
};
export default procedure;
