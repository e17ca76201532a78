/**
 * Teams: the teams of the space (GET /teams, offset paging; GET /teams/:id when one is named).
 * Backlog lets only administrators and project administrators list teams; for anyone else the
 * list is skipped with a warning and gives no rows (a named team they belong to still reads).
 */
import { col, push, qualIds, timestamp, userColumns } from '../helpers.js';
import { teamPages, type TeamJson, teamRequests } from '../sources/users.js';
import { defineTable, type Qual } from '../types.js';

/** The one team a statement names, if it names exactly one. */
function single(quals: readonly Qual[]): number | undefined {
  const ids = qualIds(quals, 'Id');
  return ids?.length === 1 ? ids[0] : undefined;
}

export default defineTable<TeamJson>({
  name: 'Teams',
  kind: 'view',
  description: 'Teams of the space (listing them needs an administrator or project administrator).',
  columns: [
    col('Id', 'BIGINT', 'Team id.', (r) => r.id, { key: true, pushdown: push.exact('path: /teams/:id (one id), else filtered from the list') }),
    col('Name', 'VARCHAR', 'Team name.', (r) => r.name),
    col('DisplayOrder', 'INTEGER', 'Position in the team list (NULL until reordered).', (r) => r.displayOrder),
    col('MemberCount', 'INTEGER', 'Number of members.', (r) => r.members.length),
    ...userColumns<TeamJson>('CreatedUser', 'user who created the team', (r) => r.createdUser),
    timestamp<TeamJson>('Created', 'When the team was created.', (r) => r.created),
    ...userColumns<TeamJson>('UpdatedUser', 'user who last changed the team', (r) => r.updatedUser),
    timestamp<TeamJson>('Updated', 'When the team was last changed.', (r) => r.updated),
  ],
  list: (ctx, quals) => teamPages(ctx, quals),
  cost: (quals) => (single(quals) !== undefined ? '1 request (the named team)' : '1 request per 100 teams'),
  requests: (quals) => teamRequests(quals, 'Id'),
  examples: ['SELECT Name, MemberCount FROM Teams ORDER BY Name'],
});
