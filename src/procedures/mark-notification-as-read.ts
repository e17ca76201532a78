import { requiredId, SUCCESS, success } from './common.js';
import type { ProcedureDef } from './types.js';

/** POST /notifications/:id/markAsRead (extension; Backlog answers 204). */
const procedure: ProcedureDef = {
  name: 'MarkNotificationAsRead',
  description: 'Marks one of your notifications as read, as opening it in Backlog does (extension).',
  writes: true,
  parameters: [{ name: 'NotificationId', type: 'BIGINT', required: true, description: 'Id of the notification (Notifications.Id); only your own.' }],
  results: [SUCCESS],
  async handler(args, ctx) {
    await ctx.api.send('POST', `/notifications/${requiredId('MarkNotificationAsRead', args, 'NotificationId')}/markAsRead`, {}, { signal: ctx.signal });
    return success();
  },
};
export default procedure;
