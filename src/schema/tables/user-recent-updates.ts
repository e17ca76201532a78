/**
 * UserRecentUpdates: what a user did lately (GET /users/:userId/activities, keyset paging on id,
 * newest first), with the columns and Type / Id pushdown of ProjectRecentUpdates. UserId
 * defaults to the signed-in user.
 */
import { col, push, qualIds } from '../helpers.js';
import { activityColumns, activityPages, type ActivityJson } from '../sources/activities.js';
import { skipForbidden } from '../sources/fetch.js';
import { usersFor } from '../sources/users.js';
import { defineTable } from '../types.js';

interface Row extends ActivityJson {
  userId: number;
}

export default defineTable<Row>({
  name: 'UserRecentUpdates',
  kind: 'view',
  description: 'Recent updates made by a user (the signed-in user unless UserId says otherwise), newest first.',
  columns: [
    col('UserId', 'BIGINT', 'Id of the user whose updates these are (default: the signed-in user).', (r) => r.userId, {
      references: 'Users.Id',
      pushdown: push.exact('path: /users/:userId/activities'),
    }),
    ...activityColumns(undefined),
  ],
  async *list(ctx, quals) {
    for (const userId of await usersFor(ctx, quals)) {
      const rows: Row[] = [];
      await skipForbidden(
        ctx,
        `recent updates of user ${userId}`,
        async () => {
          for await (const page of activityPages(ctx, `/users/${userId}/activities`, quals)) rows.push(...page.map((a) => ({ ...a, userId })));
        },
        undefined,
      );
      yield rows;
    }
  },
  cost: (quals) => `${qualIds(quals, 'UserId') ? '' : '1 request for the signed-in user (cached), '}1 request per 100 activities per user`,
  examples: ['SELECT Created, ProjectKey, Type, ContentSummary FROM UserRecentUpdates ORDER BY Id DESC LIMIT 20'],
});
