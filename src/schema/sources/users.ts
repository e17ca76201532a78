/**
 * Users and teams (docs/backlog-api.md §7.1, §7.20): the columns a user shows inside another table
 * (members, administrators, team members), the team walk shared by Teams and TeamMembers, and
 * "the signed-in user unless a UserId qual names others" for the per-user lists.
 */
import { col, push, qualIds, timestamp, atLeast, exactly } from '../helpers.js';
import type { ColumnDef, FetchContext, Qual, RequestCount } from '../types.js';
import { w } from '../writes.js';
import { skipForbidden } from './fetch.js';
import type { UserJson } from './json.js';

/** A team (§7.20), its members included. */
export interface TeamJson {
  id: number;
  name: string;
  members: UserJson[];
  displayOrder: number | null;
  createdUser: UserJson | null;
  created: string;
  updatedUser: UserJson | null;
  updated: string;
}

/**
 * The columns of a user inside another table (members, administrators, team members): the
 * numeric id as UserId (a foreign key to Users.Id), the login name as UserLoginId. With
 * `userIdWritable`, INSERT sets UserId as the `userId` parameter (adding a member).
 */
export function memberColumns<R>(get: (row: R) => UserJson, options: { userIdWritable?: boolean; userIdPushdown?: string } = {}): ColumnDef<R>[] {
  return [
    col<R>('UserId', 'BIGINT', 'Numeric id of the user.', (r) => get(r).id, {
      key: true,
      references: 'Users.Id',
      ...(options.userIdWritable ? { write: w.insertOnly('userId', { notNull: true }) } : { readOnly: true }),
      ...(options.userIdPushdown ? { pushdown: push.exact(options.userIdPushdown) } : {}),
    }),
    col<R>('UserLoginId', 'VARCHAR', 'Login name of the user (Users.UserId).', (r) => get(r).userId, { readOnly: true }),
    col<R>('Name', 'VARCHAR', 'Display name of the user.', (r) => get(r).name, { readOnly: true }),
    col<R>(
      'RoleType',
      'INTEGER',
      'Role in the space: 1 administrator, 2 normal user, 3 reporter, 4 viewer, 5 guest reporter, 6 guest viewer.',
      (r) => get(r).roleType,
      { readOnly: true },
    ),
    col<R>('Lang', 'VARCHAR', "Language: 'ja', 'en' or NULL.", (r) => get(r).lang, { readOnly: true }),
    col<R>('MailAddress', 'VARCHAR', 'Mail address.', (r) => get(r).mailAddress, { readOnly: true }),
    timestamp<R>('LastLoginTime', 'When the user last signed in.', (r) => get(r).lastLoginTime, { readOnly: true }),
  ];
}

/** Teams matching the Id quals, page by page: the named team alone, else the list. */
export async function* teamPages(ctx: FetchContext, quals: readonly Qual[], idColumn = 'Id'): AsyncIterable<TeamJson[]> {
  const ids = qualIds(quals, idColumn);
  if (ids?.length === 0) return;
  if (ids?.length === 1) {
    const team = await skipForbidden(ctx, `team ${ids[0]}`, () => ctx.api.get<TeamJson>(`/teams/${ids[0]}`, {}, { signal: ctx.signal }), null);
    if (team) yield [team];
    return;
  }
  const pages: TeamJson[][] = [];
  await skipForbidden(
    ctx,
    'teams (only administrators and project administrators may list them)',
    async () => {
      for await (const page of ctx.api.pagesByOffset<TeamJson>('/teams', { order: 'asc' }, { signal: ctx.signal })) pages.push(page);
    },
    undefined,
  );
  for (const page of pages) yield ids === undefined ? page : page.filter((t) => ids.includes(t.id));
}

/** The requests `teamPages` makes: 1 for one named team, else at least the first page of the list. */
export function teamRequests(quals: readonly Qual[], idColumn = 'Id'): RequestCount {
  return qualIds(quals, idColumn)?.length === 1 ? exactly(1) : atLeast(1);
}

/** Users named by `=`/`IN` quals on UserId, else the signed-in user (Backlog's lists are per user). */
export async function usersFor(ctx: FetchContext, quals: readonly Qual[]): Promise<number[]> {
  return qualIds(quals, 'UserId') ?? [(await ctx.myself()).id];
}
