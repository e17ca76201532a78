import { ts } from './common.js';
import type { ProcedureDef } from './types.js';

interface UserJson {
  id: number;
  userId: string | null;
  name: string;
  roleType: number;
  lang: string | null;
  mailAddress: string | null;
  nulabAccount?: { nulabId: string; name: string; uniqueId: string } | null;
  keyword?: string | null;
  lastLoginTime?: string | null;
}

/** GET /users/myself: the same columns as the Users table. */
const procedure: ProcedureDef = {
  name: 'GetOwnUser',
  description: 'Returns the signed-in user (the owner of the API key or OAuth token), with the same columns as the Users table.',
  parameters: [],
  results: [
    { name: 'Id', type: 'BIGINT', description: 'Numeric user id (what other tables refer to).' },
    { name: 'UserId', type: 'VARCHAR', description: 'Login name.' },
    { name: 'Name', type: 'VARCHAR', description: 'Display name.' },
    { name: 'RoleType', type: 'INTEGER', description: 'Role: 1 administrator, 2 normal user, 3 reporter, 4 viewer, 5 guest reporter, 6 guest viewer.' },
    { name: 'Lang', type: 'VARCHAR', description: "Language: 'ja', 'en' or NULL." },
    { name: 'MailAddress', type: 'VARCHAR', description: 'Mail address.' },
    { name: 'NulabAccountId', type: 'VARCHAR', description: 'Nulab account id (NULL without a Nulab account).' },
    { name: 'NulabAccountName', type: 'VARCHAR', description: 'Nulab account name.' },
    { name: 'NulabAccountUniqueId', type: 'VARCHAR', description: 'Nulab account unique id.' },
    { name: 'Keyword', type: 'VARCHAR', description: 'Search keyword Backlog keeps for the user.' },
    { name: 'LastLoginTime', type: 'TIMESTAMPTZ', description: 'When the user last signed in.' },
  ],
  async handler(_args, ctx) {
    const u = await ctx.api.get<UserJson>('/users/myself', {}, { signal: ctx.signal });
    return [
      {
        Id: u.id,
        UserId: u.userId,
        Name: u.name,
        RoleType: u.roleType,
        Lang: u.lang ?? null,
        MailAddress: u.mailAddress ?? null,
        NulabAccountId: u.nulabAccount?.nulabId ?? null,
        NulabAccountName: u.nulabAccount?.name ?? null,
        NulabAccountUniqueId: u.nulabAccount?.uniqueId ?? null,
        Keyword: u.keyword ?? null,
        LastLoginTime: ts(u.lastLoginTime),
      },
    ];
  },
};
export default procedure;
