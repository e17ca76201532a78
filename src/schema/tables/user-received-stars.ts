/**
 * UserReceivedStars: stars a user has received (GET /users/:userId/stars, keyset paging on id).
 * UserId defaults to the signed-in user; Id ranges go to minId/maxId.
 */
import { col, push, qualIds, timestamp, userColumns } from '../helpers.js';
import { BOUND_OPS, intBounds, skipForbidden } from '../sources/fetch.js';
import type { StarJson } from '../sources/json.js';
import { usersFor } from '../sources/users.js';
import { defineTable } from '../types.js';

interface Row extends StarJson {
  userId: number;
}

export default defineTable<Row>({
  name: 'UserReceivedStars',
  kind: 'view',
  description: 'Stars received by a user (the signed-in user unless UserId says otherwise), on issues, comments, wiki pages and pull requests.',
  columns: [
    col('UserId', 'BIGINT', 'Id of the user who received the star (default: the signed-in user).', (r) => r.userId, {
      references: 'Users.Id',
      pushdown: push.exact('path: /users/:userId/stars'),
    }),
    col('Id', 'BIGINT', 'Star id.', (r) => r.id, { key: true, pushdown: push.exact('minId / maxId', BOUND_OPS) }),
    col('Comment', 'VARCHAR', 'Comment left with the star, if any.', (r) => r.comment),
    col('Url', 'VARCHAR', 'Web URL of the starred item.', (r) => r.url),
    col('Title', 'VARCHAR', 'Title of the starred item.', (r) => r.title),
    ...userColumns<Row>('Presenter', 'user who gave the star', (r) => r.presenter),
    timestamp<Row>('Created', 'When the star was given.', (r) => r.created),
  ],
  async *list(ctx, quals) {
    const bounds = intBounds(quals, 'Id');
    if (bounds.empty) return;
    for (const userId of await usersFor(ctx, quals)) {
      const rows: Row[] = [];
      await skipForbidden(
        ctx,
        `stars of user ${userId}`,
        async () => {
          const pages = ctx.api.pagesByKeyset<StarJson>(
            `/users/${userId}/stars`,
            {},
            {
              signal: ctx.signal,
              ...(bounds.minId !== undefined ? { minId: bounds.minId } : {}),
              ...(bounds.maxId !== undefined ? { maxId: bounds.maxId } : {}),
              ...(ctx.limit !== undefined ? { limit: ctx.limit } : {}),
            },
          );
          for await (const page of pages) rows.push(...page.map((s) => ({ ...s, userId })));
        },
        undefined,
      );
      yield rows;
    }
  },
  cost: (quals) => `${qualIds(quals, 'UserId') ? '' : '1 request for the signed-in user (cached), '}1 request per 100 stars per user`,
  examples: ['SELECT PresenterName, COUNT(*) AS Stars FROM UserReceivedStars GROUP BY PresenterName ORDER BY Stars DESC'],
});
