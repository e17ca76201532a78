/**
 * Teams: the teams of the space (GET /teams, offset paging; GET /teams/:id when one is named).
 * Backlog lets only administrators and project administrators list teams; for anyone else the
 * list is skipped with a warning and gives no rows (a named team they belong to still reads).
 */
import { col, push, qualIds, skipForbidden, timestamp, userColumns } from '../helpers.js';
import { defineTable, type FetchContext, type Qual } from '../types.js';
import type { Team } from './project-teams.js';

/** The one team a statement names, if it names exactly one. */
function single(quals: readonly Qual[]): number | undefined {
  const ids = qualIds(quals, 'Id');
  return ids?.length === 1 ? ids[0] : undefined;
}

/** Teams matching the Id quals, page by page: the named team alone, else the list. */
export async function* teamPages(ctx: FetchContext, quals: readonly Qual[], idColumn = 'Id'): AsyncIterable<Team[]> {
  const ids = qualIds(quals, idColumn);
  if (ids?.length === 0) return;
  if (ids?.length === 1) {
    const team = await skipForbidden(ctx, `team ${ids[0]}`, () => ctx.api.get<Team>(`/teams/${ids[0]}`, {}, { signal: ctx.signal }), null);
    if (team) yield [team];
    return;
  }
  const pages: Team[][] = [];
  await skipForbidden(ctx, 'teams (only administrators and project administrators may list them)', async () => {
    for await (const page of ctx.api.pagesByOffset<Team>('/teams', { order: 'asc' }, { signal: ctx.signal })) pages.push(page);
  }, undefined);
  for (const page of pages) yield ids === undefined ? page : page.filter((t) => ids.includes(t.id));
}

export default defineTable<Team>({
  name: 'Teams',
  kind: 'view',
  description: 'Teams of the space (listing them needs an administrator or project administrator).',
  columns: [
    col('Id', 'BIGINT', 'Team id.', (r) => r.id, { key: true, pushdown: push.exact('path: /teams/:id (one id), else filtered from the list') }),
    col('Name', 'VARCHAR', 'Team name.', (r) => r.name),
    col('DisplayOrder', 'INTEGER', 'Position in the team list (NULL until reordered).', (r) => r.displayOrder),
    col('MemberCount', 'INTEGER', 'Number of members.', (r) => r.members.length),
    ...userColumns<Team>('CreatedUser', 'user who created the team', (r) => r.createdUser),
    timestamp<Team>('Created', 'When the team was created.', (r) => r.created),
    ...userColumns<Team>('UpdatedUser', 'user who last changed the team', (r) => r.updatedUser),
    timestamp<Team>('Updated', 'When the team was last changed.', (r) => r.updated),
  ],
  list: (ctx, quals) => teamPages(ctx, quals),
  cost: (quals) => (single(quals) !== undefined ? '1 request (the named team)' : '1 request per 100 teams'),
  examples: ['SELECT Name, MemberCount FROM Teams ORDER BY Name'],
});
