/**
 * ProjectUsers: members of projects (GET /projects/:p/users), one row per project and user.
 * Members who joined through a team are included, as Backlog lists them.
 */
import { col, push, timestamp } from '../helpers.js';
import { perProject, perProjectCost, projectColumns, projectTargets, type InProject } from '../project-scope.js';
import { defineTable, type ColumnDef, type TableWrites } from '../types.js';
import { projectForInsert, projectOfRow, send, seg, w } from '../writes.js';

export interface User {
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

/**
 * The columns of a user inside another table (members, administrators, team members): the
 * numeric id as UserId (a foreign key to Users.Id), the login name as UserLoginId. With
 * `userIdWritable`, INSERT sets UserId as the `userId` parameter (adding a member).
 */
export function memberColumns<R>(get: (row: R) => User, options: { userIdWritable?: boolean; userIdPushdown?: string } = {}): ColumnDef<R>[] {
  return [
    col<R>('UserId', 'BIGINT', 'Numeric id of the user.', (r) => get(r).id, {
      key: true,
      references: 'Users.Id',
      ...(options.userIdWritable ? { write: w.insertOnly('userId', { notNull: true }) } : { readOnly: true }),
      ...(options.userIdPushdown ? { pushdown: push.exact(options.userIdPushdown) } : {}),
    }),
    col<R>('UserLoginId', 'VARCHAR', 'Login name of the user (Users.UserId).', (r) => get(r).userId, { readOnly: true }),
    col<R>('Name', 'VARCHAR', 'Display name of the user.', (r) => get(r).name, { readOnly: true }),
    col<R>('RoleType', 'INTEGER', 'Role in the space: 1 administrator, 2 normal user, 3 reporter, 4 viewer, 5 guest reporter, 6 guest viewer.', (r) => get(r).roleType, { readOnly: true }),
    col<R>('Lang', 'VARCHAR', "Language: 'ja', 'en' or NULL.", (r) => get(r).lang, { readOnly: true }),
    col<R>('MailAddress', 'VARCHAR', 'Mail address.', (r) => get(r).mailAddress, { readOnly: true }),
    timestamp<R>('LastLoginTime', 'When the user last signed in.', (r) => get(r).lastLoginTime, { readOnly: true }),
  ];
}

type Row = InProject<User>;

/**
 * INSERT and DELETE of a project's user list (members, administrators): POST and DELETE on
 * /projects/:p/{what}, both with the user's numeric id as `userId`; nothing to UPDATE.
 */
export function userListWrites(what: 'users' | 'administrators', notes: { update: string }): TableWrites<Row> {
  return {
    insert: {
      required: [['ProjectId', 'ProjectKey'], 'UserId'],
      async run(ctx, { values, form }) {
        const scope = await projectForInsert(ctx, values);
        return { ...(await send<User>(ctx, 'POST', `/projects/${seg(scope.path)}/${what}`, form)), scope };
      },
    },
    delete: {
      async run(ctx, row) {
        const scope = projectOfRow(row);
        return { ...(await send<User>(ctx, 'DELETE', `/projects/${seg(scope.path)}/${what}`, { userId: Number(row.UserId) })), scope };
      },
    },
    notes,
  };
}

export default defineTable<Row>({
  name: 'ProjectUsers',
  kind: 'table',
  description: 'Members of projects, including those who joined through a team.',
  columns: [
    ...projectColumns<Row>('/users', undefined, { key: true, writable: true }),
    ...memberColumns<Row>((r) => r, { userIdWritable: true, userIdPushdown: 'filtered locally (one list per project)' }),
  ],
  async *list(ctx, quals) {
    yield* perProject<User>(ctx, await projectTargets(ctx, quals), 'members', (p) => `/projects/${p}/users`);
  },
  cost: (quals) => perProjectCost(quals),
  // DELETE removes direct members only: Backlog refuses to remove one who belongs through a team
  // (remove the team from ProjectTeams instead), and drops a removed member's project administration.
  writes: userListWrites('users', {
    update: 'A membership has nothing to change: DELETE the row and INSERT another. Project administrators are in ProjectAdministrators.',
  }),
  examples: [
    "SELECT Name, RoleType FROM ProjectUsers WHERE ProjectKey = 'WEB'",
    'SELECT ProjectId, COUNT(*) FROM ProjectUsers GROUP BY ProjectId',
    "INSERT INTO ProjectUsers (ProjectKey, UserId) SELECT 'APP', Id FROM Users WHERE UserId = 'sato'",
    "DELETE FROM ProjectUsers WHERE ProjectKey = 'APP' AND UserLoginId = 'sato'",
  ],
});
