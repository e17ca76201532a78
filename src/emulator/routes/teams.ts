/**
 * Teams (docs/backlog-api.md §11.7, §7.20).
 *
 * Roles: the list is for administrators and project administrators (docs). Decisions where the
 * reference is silent (stricter readings): creating, changing and deleting teams is for
 * administrators only; a single team and its icon are for those who may list teams and for the
 * team's own members, others get 403. Team names are unique (400 naming `name`); `members[]`
 * must name existing users (400 naming `members[]`). A new team has `displayOrder: null`, as
 * Backlog's examples show for teams never reordered. Deleting a team removes it from projects.
 * The list is ordered by id (creation), `order` desc by default.
 */
import { isAdmin, isProjectAdmin, requireAdmin } from '../access.js';
import { badRequest, forbidden, noResource } from '../errors.js';
import { pngIcon } from '../content.js';
import { PAGING_OFFSET, has, ints, str } from '../params.js';
import { binary, type Ctx, type Route } from '../route.js';
import { teamJson } from '../serialize/social.js';
import type { TeamRec } from '../store.js';
import { offsetPage } from './space.js';

function mayListTeams(ctx: Ctx): boolean {
  return isAdmin(ctx.user) || ctx.store.projects.all().some((p) => isProjectAdmin(ctx.store, p, ctx.user));
}

function teamFor(ctx: Ctx): TeamRec {
  const raw = ctx.path.teamId as string;
  const team = /^\d+$/.test(raw) ? ctx.store.teams.get(Number(raw)) : undefined;
  if (!team) throw noResource('No team.');
  if (!mayListTeams(ctx) && !team.memberIds.includes(ctx.user.id)) throw forbidden();
  return team;
}

function memberIds(ctx: Ctx): number[] {
  const ids = [...new Set(ints(ctx.params, 'members') ?? [])];
  for (const id of ids) {
    if (!ctx.store.users.get(id)) throw badRequest(`Invalid parameter 'members[]': no user with id ${id}.`);
  }
  return ids;
}

function checkName(ctx: Ctx, name: string, self?: TeamRec): void {
  if (name.trim() === '') throw badRequest("Invalid parameter 'name': must not be empty.");
  if (ctx.store.teams.all().some((t) => t !== self && t.name === name)) {
    throw badRequest(`Invalid parameter 'name': a team named '${name}' already exists.`);
  }
}

const MEMBERS = { type: 'intArray', nullable: true } as const;

export const TEAMS_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: '/api/v2/teams',
    params: PAGING_OFFSET,
    handler: (ctx) => {
      if (!mayListTeams(ctx)) throw forbidden();
      const teams = [...ctx.store.teams.all()];
      if ((str(ctx.params, 'order') ?? 'desc') === 'desc') teams.reverse();
      return offsetPage(teams, ctx.params).map((t) => teamJson(ctx.store, t));
    },
  },
  {
    method: 'POST',
    pattern: '/api/v2/teams',
    params: { name: { type: 'string', required: true }, 'members[]': MEMBERS },
    handler: (ctx) => {
      requireAdmin(ctx);
      const name = str(ctx.params, 'name') as string;
      checkName(ctx, name);
      const now = ctx.now();
      const team = ctx.store.teams.insert({
        id: ctx.store.nextId('team'),
        name,
        memberIds: memberIds(ctx),
        displayOrder: null,
        createdUserId: ctx.user.id,
        created: now,
        updatedUserId: ctx.user.id,
        updated: now,
      });
      return teamJson(ctx.store, team);
    },
  },
  { method: 'GET', pattern: '/api/v2/teams/:teamId', handler: (ctx) => teamJson(ctx.store, teamFor(ctx)) },
  {
    method: 'PATCH',
    pattern: '/api/v2/teams/:teamId',
    params: { name: 'string', 'members[]': MEMBERS },
    handler: (ctx) => {
      requireAdmin(ctx);
      const team = teamFor(ctx);
      const name = str(ctx.params, 'name');
      if (name !== undefined) checkName(ctx, name, team);
      const members = has(ctx.params, 'members') ? memberIds(ctx) : undefined;
      if (name !== undefined) team.name = name;
      if (members !== undefined) team.memberIds = members;
      team.updatedUserId = ctx.user.id;
      team.updated = ctx.now();
      return teamJson(ctx.store, team);
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/v2/teams/:teamId',
    handler: (ctx) => {
      requireAdmin(ctx);
      const team = teamFor(ctx);
      const body = teamJson(ctx.store, team);
      ctx.store.teams.delete(team.id);
      for (const p of ctx.store.projects.all()) p.teamIds = p.teamIds.filter((id) => id !== team.id);
      return body;
    },
  },
  {
    method: 'GET',
    pattern: '/api/v2/teams/:teamId/icon',
    category: 'icon',
    handler: (ctx) => {
      const team = teamFor(ctx);
      return binary(pngIcon(team.id * 104729 + 3), `team_${team.id}.png`, 'image/png');
    },
  },
];
