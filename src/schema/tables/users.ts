/**
 * Users: the users of the space (GET /users; GET /users/:id when one is named). UserId is the
 * login name, as in Backlog's JSON; other tables refer to users by the numeric Id.
 * Guests may not list users: they get a warning and no rows.
 */
import { col, push, qualIds, timestamp, oneRequest } from '../helpers.js';
import { skipForbidden } from '../sources/fetch.js';
import type { UserJson } from '../sources/json.js';
import { defineTable } from '../types.js';

export default defineTable<UserJson>({
  name: 'Users',
  kind: 'view',
  description: 'Users of the space.',
  columns: [
    col('Id', 'BIGINT', 'Numeric user id (what other tables refer to).', (r) => r.id, {
      key: true,
      pushdown: push.exact('path: /users/:id (one id), else filtered from the list'),
    }),
    col('UserId', 'VARCHAR', 'Login name.', (r) => r.userId),
    col('Name', 'VARCHAR', 'Display name.', (r) => r.name),
    col('RoleType', 'INTEGER', 'Role: 1 administrator, 2 normal user, 3 reporter, 4 viewer, 5 guest reporter, 6 guest viewer.', (r) => r.roleType),
    col('Lang', 'VARCHAR', "Language: 'ja', 'en' or NULL.", (r) => r.lang),
    col('MailAddress', 'VARCHAR', 'Mail address.', (r) => r.mailAddress),
    col('NulabAccountId', 'VARCHAR', 'Nulab account id (NULL without a Nulab account).', (r) => r.nulabAccount?.nulabId),
    col('NulabAccountName', 'VARCHAR', 'Nulab account name.', (r) => r.nulabAccount?.name),
    col('NulabAccountUniqueId', 'VARCHAR', 'Nulab account unique id.', (r) => r.nulabAccount?.uniqueId),
    col('Keyword', 'VARCHAR', 'Search keyword Backlog keeps for the user (name in several scripts).', (r) => r.keyword),
    timestamp<UserJson>('LastLoginTime', 'When the user last signed in.', (r) => r.lastLoginTime),
  ],
  async *list(ctx, quals) {
    const ids = qualIds(quals, 'Id');
    if (ids?.length === 0) return;
    if (ids?.length === 1) {
      const user = await skipForbidden(ctx, `user ${ids[0]}`, () => ctx.api.get<UserJson>(`/users/${ids[0]}`, {}, { signal: ctx.signal }), null);
      if (user) yield [user];
      return;
    }
    const users = await skipForbidden(ctx, 'users', () => ctx.api.get<UserJson[]>('/users', {}, { signal: ctx.signal }), []);
    yield ids === undefined ? users : users.filter((u) => ids.includes(u.id));
  },
  cost: (quals) => (qualIds(quals, 'Id')?.length === 1 ? '1 request (the named user)' : '1 request'),
  requests: oneRequest,
  examples: ['SELECT Id, UserId, Name FROM Users WHERE RoleType = 1', 'SELECT * FROM Users WHERE Id = 1'],
});
