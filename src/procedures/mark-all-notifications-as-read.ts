import type { ProcedureDef } from './types.js';

/** POST /notifications/markAsRead (extension): resets the unread badge and answers `{count}`. */
const procedure: ProcedureDef = {
  name: 'MarkAllNotificationsAsRead',
  description: 'Resets the unread-notification badge: every one of your notifications is marked as seen (extension).',
  writes: true,
  parameters: [],
  results: [{ name: 'Count', type: 'BIGINT', description: 'The count Backlog answers with (the notifications whose unread mark was reset).' }],
  async handler(_args, ctx) {
    const answer = await ctx.api.send<{ count?: number } | undefined>('POST', '/notifications/markAsRead', {}, { signal: ctx.signal });
    return [{ Count: answer?.count ?? null }];
  },
};
export default procedure;
