/**
 * Table definitions for projects, project settings, users, teams and the space, run directly
 * against the emulator at tiny scale: the rows they give and the exact Backlog calls they make.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { validateTables } from '../../src/schema/registry.js';
import type { Qual, TableDef } from '../../src/schema/types.js';
import Licenses from '../../src/schema/tables/licenses.js';
import ProjectAdministrators from '../../src/schema/tables/project-administrators.js';
import ProjectCategories from '../../src/schema/tables/project-categories.js';
import ProjectCustomFieldItems from '../../src/schema/tables/project-custom-field-items.js';
import ProjectCustomFields from '../../src/schema/tables/project-custom-fields.js';
import ProjectIssueTypes from '../../src/schema/tables/project-issue-types.js';
import ProjectRecentUpdates from '../../src/schema/tables/project-recent-updates.js';
import ProjectSharedFiles from '../../src/schema/tables/project-shared-files.js';
import ProjectStatuses from '../../src/schema/tables/project-statuses.js';
import ProjectTeamMembers from '../../src/schema/tables/project-team-members.js';
import ProjectTeams from '../../src/schema/tables/project-teams.js';
import ProjectUsers from '../../src/schema/tables/project-users.js';
import ProjectVersionMilestones from '../../src/schema/tables/project-version-milestones.js';
import Projects from '../../src/schema/tables/projects.js';
import RateLimit from '../../src/schema/tables/rate-limit.js';
import Resolutions from '../../src/schema/tables/resolutions.js';
import SpaceDiskUsageDetails from '../../src/schema/tables/space-disk-usage-details.js';
import SpaceDiskUsage from '../../src/schema/tables/space-disk-usage.js';
import SpaceNotifications from '../../src/schema/tables/space-notifications.js';
import SpaceUpdates from '../../src/schema/tables/space-updates.js';
import Space from '../../src/schema/tables/space.js';
import TeamMembers from '../../src/schema/tables/team-members.js';
import Teams from '../../src/schema/tables/teams.js';
import Users from '../../src/schema/tables/users.js';
import Webhooks from '../../src/schema/tables/webhooks.js';
import { api, clearJournal, control, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { tableRows, testFetchContext } from '../helpers/fetch-context.js';

const ALL_TABLES: TableDef[] = [
  Projects,
  ProjectAdministrators,
  ProjectUsers,
  ProjectTeams,
  ProjectCategories,
  ProjectIssueTypes,
  ProjectStatuses,
  ProjectVersionMilestones,
  ProjectCustomFields,
  ProjectCustomFieldItems,
  ProjectRecentUpdates,
  ProjectSharedFiles,
  ProjectTeamMembers,
  Teams,
  TeamMembers,
  Users,
  Space,
  SpaceDiskUsage,
  SpaceDiskUsageDetails,
  SpaceNotifications,
  SpaceUpdates,
  Licenses,
  Resolutions,
  RateLimit,
  Webhooks,
];

/** Per-project tables read with one unpaged request per project, and the endpoint they read. */
const PER_PROJECT: [TableDef, string][] = [
  [ProjectUsers, 'users'],
  [ProjectAdministrators, 'administrators'],
  [ProjectTeams, 'teams'],
  [ProjectTeamMembers, 'teams'],
  [ProjectCategories, 'categories'],
  [ProjectIssueTypes, 'issueTypes'],
  [ProjectStatuses, 'statuses'],
  [ProjectVersionMilestones, 'versions'],
  [ProjectCustomFields, 'customFields'],
  [ProjectCustomFieldItems, 'customFields'],
  [Webhooks, 'webhooks'],
];

/** Columns a seeded value never fills (the seed's one date custom field has a fixed initial date, no shift). */
const NEVER_SET = new Set(['ProjectCustomFields.InitialShift']);

const eq = (column: string, value: string | number | boolean): Qual => ({ column, op: '=', values: [value] });
const among = (column: string, ...values: (string | number)[]): Qual => ({ column, op: 'IN', values });

let emu: RunningEmulator;

/** The Backlog calls since the last clear, as "GET /projects/1/users" (without /api/v2, decoded). */
async function calls(): Promise<string[]> {
  return (await journal(emu)).map((e) => `${e.method} ${decodeURIComponent(e.path.replace(/^\/api\/v2/, ''))}`);
}

function keyOf(role: number): string {
  const user = emu.users.find((u) => u.roleType === role);
  assert.ok(user, `a seeded user with role ${role}`);
  return user.apiKey;
}

function user(login: string): { id: number; apiKey: string } {
  const u = emu.users.find((x) => x.userId === login);
  assert.ok(u, `seeded user ${login}`);
  return u;
}

/** Columns of the table other than ProjectKey: the statement does not need the project list. */
const withoutKey = (table: TableDef) => table.columns.map((c) => c.name).filter((n) => n !== 'ProjectKey');

before(async () => {
  emu = await startTestEmulator();
});
after(async () => {
  await emu.close();
});
beforeEach(async () => {
  await clearJournal(emu);
});

describe('every table and view at tiny scale', () => {
  test('each table returns rows for an administrator, and every column is non-null in some row', async () => {
    for (const table of ALL_TABLES) {
      const rows = await tableRows(table, testFetchContext(emu, { table }));
      assert.ok(rows.length > 0, `${table.name} has rows`);
      for (const c of table.columns) {
        if (NEVER_SET.has(`${table.name}.${c.name}`)) continue;
        assert.ok(
          rows.some((r) => r[c.name] !== null),
          `${table.name}.${c.name} is non-null somewhere`,
        );
      }
    }
  });

  test('the definitions pass the registry validation, foreign keys included', () => {
    assert.deepEqual(validateTables(ALL_TABLES), []);
  });

  test('ids are BIGINT and every table has examples', () => {
    for (const table of ALL_TABLES) {
      for (const c of table.columns) {
        if (/Id$/.test(c.name) && !['UserLoginId', 'NulabAccountId', 'NulabAccountUniqueId', 'LicenceTypeId', 'TypeId', 'UserId'].includes(c.name)) {
          assert.equal(c.type, 'BIGINT', `${table.name}.${c.name}`);
        }
      }
      assert.ok(table.examples && table.examples.length > 0, `${table.name} has examples`);
    }
  });
});

describe('Projects', () => {
  test('lists every project with one request that asks for all of them', async () => {
    const rows = await tableRows(Projects, testFetchContext(emu, { table: Projects }));
    assert.deepEqual(rows.map((r) => r.ProjectKey).sort(), ['APP', 'OPS', 'WEB']);
    const entries = await journal(emu);
    assert.deepEqual(
      entries.map((e) => [e.path, e.query]),
      [['/api/v2/projects', { all: 'true' }]],
    );
    const web = rows.find((r) => r.ProjectKey === 'WEB');
    assert.equal(web?.UseFileSharing, true);
    assert.equal(web?.DisplayOrder, 2147483646);
    assert.equal(web?.TextFormattingRule, 'markdown');
  });

  test('one named project is read alone, by key or by id', async () => {
    const byKey = await tableRows(Projects, testFetchContext(emu, { table: Projects }), [eq('ProjectKey', 'WEB')]);
    const byId = await tableRows(Projects, testFetchContext(emu, { table: Projects }), [eq('Id', 2)]);
    assert.deepEqual(
      byKey.map((r) => r.Id),
      [1],
    );
    assert.deepEqual(
      byId.map((r) => r.ProjectKey),
      ['APP'],
    );
    assert.deepEqual(await calls(), ['GET /projects/WEB', 'GET /projects/2']);
  });

  test('several named projects come from the list, filtered; Archived is sent as archived', async () => {
    const rows = await tableRows(Projects, testFetchContext(emu, { table: Projects }), [among('Id', 1, 3), eq('Archived', false)]);
    assert.deepEqual(rows.map((r) => r.Id).sort(), [1, 3]);
    const entries = await journal(emu);
    assert.deepEqual(
      entries.map((e) => [e.path, e.query]),
      [['/api/v2/projects', { all: 'true', archived: 'false' }]],
    );
  });

  test('a project the caller cannot see gives no row, not an error', async () => {
    const rows = await tableRows(Projects, testFetchContext(emu, { table: Projects }), [eq('ProjectKey', 'NOPE')]);
    assert.deepEqual(rows, []);
  });
});

describe('per-project tables', () => {
  for (const [table, endpoint] of PER_PROJECT) {
    test(`${table.name}: ProjectId quals make exactly one request per named project and none for the others`, async () => {
      const ctx = testFetchContext(emu, { columns: withoutKey(table) });
      const rows = await tableRows(table, ctx, [among('ProjectId', 1, 3)]);
      const expected = [`GET /projects/1/${endpoint}`, `GET /projects/3/${endpoint}`];
      assert.deepEqual(await calls(), table === Webhooks ? ['GET /users/myself', ...expected] : expected);
      assert.ok(rows.length > 0, `${table.name} has rows in WEB or OPS`);
      assert.ok(rows.every((r) => r.ProjectId === 1 || r.ProjectId === 3));
    });

    test(`${table.name}: using ProjectKey costs one project list plus one request per project`, async () => {
      const rows = await tableRows(table, testFetchContext(emu, { table }), [eq('ProjectId', 1)]);
      const own = (await calls()).filter((c) => c !== 'GET /users/myself');
      assert.deepEqual(own, ['GET /projects', `GET /projects/1/${endpoint}`]);
      assert.ok(rows.every((r) => r.ProjectId === 1 && r.ProjectKey === 'WEB'));
    });
  }

  test('a ProjectKey qual on a table whose rows carry projectId needs no project list', async () => {
    const rows = await tableRows(ProjectStatuses, testFetchContext(emu, { table: ProjectStatuses }), [eq('ProjectKey', 'WEB')]);
    assert.deepEqual(await calls(), ['GET /projects/WEB/statuses']);
    assert.deepEqual(
      rows.map((r) => r.Id),
      [1, 2, 3, 5, 6, 4],
    );
    assert.ok(rows.every((r) => r.ProjectId === 1 && r.ProjectKey === 'WEB'));
  });

  test('without project quals every visible project is read once', async () => {
    const rows = await tableRows(ProjectCategories, testFetchContext(emu, { table: ProjectCategories }));
    assert.deepEqual((await calls()).sort(), ['GET /projects', 'GET /projects/1/categories', 'GET /projects/2/categories', 'GET /projects/3/categories']);
    assert.deepEqual([...new Set(rows.map((r) => r.ProjectKey))].sort(), ['APP', 'OPS', 'WEB']);
  });

  test('ProjectUsers lists members with their numeric id and login name', async () => {
    const rows = await tableRows(ProjectUsers, testFetchContext(emu, { table: ProjectUsers }), [eq('ProjectKey', 'WEB')]);
    const suzuki = rows.find((r) => r.UserLoginId === 'suzuki');
    assert.equal(suzuki?.UserId, user('suzuki').id);
    assert.equal(suzuki?.RoleType, 2);
    assert.equal(suzuki?.ProjectId, 1);
  });

  test('ProjectVersionMilestones gives date-only fields as the day in the space time zone', async () => {
    const backlog = (await api(emu, 'GET', '/projects/1/versions')).body as { id: number; startDate: string | null; releaseDueDate: string | null }[];
    const rows = await tableRows(ProjectVersionMilestones, testFetchContext(emu, { table: ProjectVersionMilestones }), [eq('ProjectId', 1)]);
    // Backlog sends midnight in Asia/Tokyo as 15:00Z the day before: the calendar day is the next UTC day.
    const day = (ts: string | null) => (ts === null ? null : new Date(Date.parse(ts) + 12 * 3_600_000).toISOString().slice(0, 10));
    assert.ok(backlog.some((v) => v.startDate?.endsWith('T15:00:00Z')));
    for (const v of backlog) {
      const row = rows.find((r) => r.Id === v.id);
      assert.equal(row?.StartDate, day(v.startDate));
      assert.equal(row?.ReleaseDueDate, day(v.releaseDueDate));
    }
  });

  test('ProjectCustomFields spreads type-specific settings over nullable columns', async () => {
    const rows = await tableRows(ProjectCustomFields, testFetchContext(emu, { table: ProjectCustomFields }), [eq('ProjectKey', 'WEB')]);
    const numeric = rows.find((r) => r.TypeId === 3);
    assert.deepEqual(
      [numeric?.TypeName, numeric?.Min, numeric?.Max, numeric?.InitialValue, numeric?.Unit, numeric?.MinDate],
      ['Numeric', 0, 1_000_000, 100, '円', null],
    );
    const date = rows.find((r) => r.TypeId === 4);
    assert.deepEqual([date?.Min, date?.MinDate, date?.MaxDate, date?.InitialValueType, date?.InitialDate], [null, '2024-11-01', '2027-11-01', 3, '2026-11-01']);
    const textArea = rows.find((r) => r.TypeId === 2);
    assert.equal(textArea?.UseIssueType, true);
    assert.match(String(textArea?.ApplicableIssueTypes), /^\[\d+\]$/);
    const checkbox = rows.find((r) => r.TypeId === 7);
    assert.deepEqual([checkbox?.AllowAddItem, checkbox?.AllowInput], [true, true]);
    assert.equal(rows.find((r) => r.TypeId === 1)?.AllowInput, null);
  });

  test('ProjectCustomFieldItems come from the custom field list, filtered by CustomFieldId', async () => {
    const fields = await tableRows(ProjectCustomFields, testFetchContext(emu, { table: ProjectCustomFields }), [eq('ProjectKey', 'WEB')]);
    const multi = fields.find((r) => r.TypeId === 6);
    await clearJournal(emu);
    const rows = await tableRows(ProjectCustomFieldItems, testFetchContext(emu, { table: ProjectCustomFieldItems }), [
      eq('ProjectKey', 'WEB'),
      eq('CustomFieldId', multi?.Id as number),
    ]);
    assert.deepEqual(await calls(), ['GET /projects/WEB/customFields']);
    assert.deepEqual(
      rows.map((r) => r.Name),
      ['Chrome', 'Firefox', 'Safari', 'Edge'],
    );
    assert.ok(rows.every((r) => r.CustomFieldId === multi?.Id && r.ProjectId === 1));
  });

  test('ProjectTeamMembers gives one row per project, team and member', async () => {
    const teams = await tableRows(ProjectTeams, testFetchContext(emu, { table: ProjectTeams }), [eq('ProjectId', 1)]);
    const members = await tableRows(ProjectTeamMembers, testFetchContext(emu, { table: ProjectTeamMembers }), [eq('ProjectId', 1)]);
    assert.equal(
      members.length,
      teams.reduce((n, t) => n + (t.MemberCount as number), 0),
    );
    assert.ok(members.some((m) => m.UserLoginId === 'suzuki' && m.TeamName === '開発チーム'));
  });
});

describe('recent updates', () => {
  test('ProjectRecentUpdates sends Type as activityTypeId[] and Id ranges as inclusive minId/maxId', async () => {
    const quals: Qual[] = [eq('ProjectId', 1), among('Type', 1, 3), { column: 'Id', op: '>', values: [20] }, { column: 'Id', op: '<', values: [120] }];
    const rows = await tableRows(ProjectRecentUpdates, testFetchContext(emu, { table: ProjectRecentUpdates }), quals);
    const entries = await journal(emu);
    assert.deepEqual(
      entries.map((e) => e.path),
      ['/api/v2/projects/1/activities'],
    );
    assert.deepEqual(entries[0]?.query, { 'activityTypeId[]': ['1', '3'], order: 'desc', count: '100', minId: '21', maxId: '119' });
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => (r.Type === 1 || r.Type === 3) && (r.Id as number) > 20 && (r.Id as number) < 120 && r.ProjectKey === 'WEB'));
    const commented = rows.find((r) => r.Type === 3);
    assert.match(String(commented?.ContentSummary), /^WEB-\d+ /);
    assert.equal(typeof JSON.parse(String(commented?.Content)), 'object');
  });

  test('a pushed ORDER BY Id with LIMIT walks in that order and stops after one request', async () => {
    const ctx = { ...testFetchContext(emu, { table: ProjectRecentUpdates, limit: 5 }), orderBy: [{ column: 'Id', desc: false }] };
    const rows = await tableRows(ProjectRecentUpdates, ctx, [eq('ProjectId', 1)]);
    const entries = await journal(emu);
    assert.equal(entries.length, 1);
    assert.deepEqual([entries[0]?.query.order, entries[0]?.query.count], ['asc', '5']);
    assert.equal(rows.length, 5);
    assert.deepEqual(
      rows.map((r) => r.Id),
      [...rows.map((r) => r.Id as number)].sort((a, b) => a - b),
    );
  });

  test('an activity type Backlog does not define is filtered in SQL, not sent, and LIMIT is not pushed with it', async () => {
    await tableRows(ProjectRecentUpdates, testFetchContext(emu, { table: ProjectRecentUpdates, limit: 1 }), [eq('ProjectId', 1), eq('Type', 99)]);
    const entries = await journal(emu);
    assert.ok(entries.every((e) => e.status === 200 && !('activityTypeId[]' in e.query)));
    // SQL filters the rows afterwards, so the walk must not stop at the LIMIT.
    assert.equal(entries[0]?.query.count, '100');
  });

  test('SpaceUpdates reads the space stream, or only the named projects when ProjectKey is given', async () => {
    const all = await tableRows(SpaceUpdates, testFetchContext(emu, { table: SpaceUpdates }), [eq('Type', 1)]);
    assert.deepEqual(new Set(await calls()), new Set(['GET /space/activities']));
    assert.deepEqual([...new Set(all.map((r) => r.ProjectKey))].sort(), ['APP', 'OPS', 'WEB']);
    await clearJournal(emu);
    const ops = await tableRows(SpaceUpdates, testFetchContext(emu, { table: SpaceUpdates }), [eq('ProjectKey', 'OPS'), eq('Type', 1)]);
    assert.deepEqual(await calls(), ['GET /projects/OPS/activities']);
    assert.deepEqual(
      ops.map((r) => r.Id),
      all.filter((r) => r.ProjectKey === 'OPS').map((r) => r.Id),
    );
  });
});

describe('ProjectSharedFiles', () => {
  test('walks every directory from the root, one listing per directory', async () => {
    const rows = await tableRows(ProjectSharedFiles, testFetchContext(emu, { table: ProjectSharedFiles }), [eq('ProjectId', 1)]);
    const dirs = rows.filter((r) => r.Type === 'directory').map((r) => `${r.Dir}${r.Name}/`);
    assert.deepEqual(new Set(dirs), new Set(['/仕様書/', '/design/', '/議事録/', '/議事録/2026/']));
    const listings = (await journal(emu)).filter((e) => e.path.includes('/files/metadata'));
    assert.equal(listings.length, dirs.length + 1);
    assert.ok(rows.some((r) => r.Dir === '/議事録/2026/' && r.Type === 'file'));
    assert.ok(listings.every((e) => e.query.count === '1000'));
  });

  test('a Dir qual lists only that directory', async () => {
    const rows = await tableRows(ProjectSharedFiles, testFetchContext(emu, { table: ProjectSharedFiles }), [eq('ProjectKey', 'WEB'), eq('Dir', '/仕様書/')]);
    assert.deepEqual(await calls(), ['GET /projects', 'GET /projects/1/files/metadata/仕様書']);
    assert.ok(rows.length > 0 && rows.every((r) => r.Dir === '/仕様書/'));
  });

  test('a project with file sharing off is skipped with a warning and never requested', async () => {
    try {
      const patched = await api(emu, 'PATCH', '/projects/OPS', { form: { useFileSharing: 'false' } });
      assert.equal(patched.status, 200);
      await clearJournal(emu);
      const ctx = testFetchContext(emu, { table: ProjectSharedFiles });
      const rows = await tableRows(ProjectSharedFiles, ctx);
      assert.ok(rows.length > 0 && rows.every((r) => r.ProjectId !== 3));
      assert.ok(
        ctx.warnings.some((w) => w.includes('OPS') && w.includes('File sharing')),
        ctx.warnings.join('; '),
      );
      assert.ok((await calls()).every((c) => !c.startsWith('GET /projects/3/')));
    } finally {
      await control(emu, 'POST', 'reset');
    }
  });

  test('a role that may not read shared files gets a warning per project and no rows', async () => {
    const ctx = testFetchContext(emu, { table: ProjectSharedFiles, apiKey: keyOf(3) });
    const rows = await tableRows(ProjectSharedFiles, ctx, [eq('ProjectId', 1)]);
    assert.deepEqual(rows, []);
    assert.equal(ctx.warnings.length, 1);
  });
});

describe('roles', () => {
  test('Webhooks as a reporter: one warning and no webhook requests', async () => {
    const ctx = testFetchContext(emu, { table: Webhooks, apiKey: keyOf(3) });
    assert.deepEqual(await tableRows(Webhooks, ctx), []);
    assert.deepEqual(await calls(), ['GET /users/myself']);
    assert.match(ctx.warnings.join(), /administrators/);
  });

  test('Webhooks as a normal user: the projects they administer, a warning for the others', async () => {
    const ctx = testFetchContext(emu, { table: Webhooks, apiKey: user('suzuki').apiKey });
    const rows = await tableRows(Webhooks, ctx);
    assert.ok(rows.length > 0 && rows.every((r) => r.ProjectKey === 'WEB'));
    assert.equal(ctx.warnings.length, 2);
    assert.ok(ctx.warnings.some((w) => w.includes('APP')) && ctx.warnings.some((w) => w.includes('OPS')));
  });

  test('Teams as a reporter: a warning and no rows; as an administrator, one request', async () => {
    const reporter = testFetchContext(emu, { table: Teams, apiKey: keyOf(3) });
    assert.deepEqual(await tableRows(Teams, reporter), []);
    assert.equal(reporter.warnings.length, 1);
    await clearJournal(emu);
    const rows = await tableRows(Teams, testFetchContext(emu, { table: Teams }));
    assert.deepEqual(
      rows.map((r) => r.Name),
      ['開発チーム', 'Design Team'],
    );
    assert.deepEqual(await calls(), ['GET /teams']);
  });

  test('one named team or user is read alone', async () => {
    const team = await tableRows(TeamMembers, testFetchContext(emu, { table: TeamMembers }), [eq('TeamId', 1)]);
    const one = await tableRows(Users, testFetchContext(emu, { table: Users }), [eq('Id', 2)]);
    assert.deepEqual(await calls(), ['GET /teams/1', 'GET /users/2']);
    assert.ok(team.length > 0 && team.every((r) => r.TeamId === 1));
    assert.deepEqual(
      one.map((r) => r.UserId),
      ['suzuki'],
    );
  });

  test('SpaceDiskUsage and its details need an administrator: others get a warning and no rows', async () => {
    const ctx = testFetchContext(emu, { table: SpaceDiskUsage, apiKey: keyOf(2) });
    assert.deepEqual(await tableRows(SpaceDiskUsage, ctx), []);
    assert.deepEqual(await tableRows(SpaceDiskUsageDetails, ctx), []);
    assert.equal(ctx.warnings.length, 2);
  });

  test('Users as a guest: a warning and no rows', async () => {
    const ctx = testFetchContext(emu, { table: Users, apiKey: keyOf(5) });
    assert.deepEqual(await tableRows(Users, ctx), []);
    assert.equal(ctx.warnings.length, 1);
  });
});

describe('the space', () => {
  test('single-row views make one request each', async () => {
    const space = await tableRows(Space, testFetchContext(emu, { table: Space }));
    const notice = await tableRows(SpaceNotifications, testFetchContext(emu, { table: SpaceNotifications }));
    const licence = await tableRows(Licenses, testFetchContext(emu, { table: Licenses }));
    const usage = await tableRows(SpaceDiskUsage, testFetchContext(emu, { table: SpaceDiskUsage }));
    assert.deepEqual(await calls(), ['GET /space', 'GET /space/notification', 'GET /space/licence', 'GET /space/diskUsage']);
    assert.equal(space[0]?.SpaceKey, emu.spaceKey);
    assert.equal(space[0]?.OwnerId, user('yamada').id);
    assert.match(String(notice[0]?.Content), /メンテナンス/);
    assert.equal(licence[0]?.Active, true);
    assert.equal(licence.length, 1);
    assert.ok((usage[0]?.Capacity as number) > 0);
  });

  test('SpaceDiskUsageDetails gives one row per project', async () => {
    const rows = await tableRows(SpaceDiskUsageDetails, testFetchContext(emu, { table: SpaceDiskUsageDetails }));
    assert.deepEqual(rows.map((r) => r.ProjectId).sort(), [1, 2, 3]);
  });

  test('RateLimit gives one row per category with the reset as a timestamp', async () => {
    const rows = await tableRows(RateLimit, testFetchContext(emu, { table: RateLimit }));
    assert.deepEqual(rows.map((r) => r.Category).sort(), ['icon', 'read', 'search', 'update']);
    assert.ok(rows.every((r) => typeof r.Reset === 'string' && !Number.isNaN(Date.parse(r.Reset))));
    assert.deepEqual(await calls(), ['GET /rateLimit']);
  });

  test('Resolutions are the five fixed ones', async () => {
    const rows = await tableRows(Resolutions, testFetchContext(emu, { table: Resolutions }));
    assert.deepEqual(
      rows.map((r) => r.Id),
      [0, 1, 2, 3, 4],
    );
  });
});

describe('a space west of UTC', () => {
  let west: RunningEmulator;
  before(async () => {
    west = await startTestEmulator({ timezone: 'America/Los_Angeles' });
  });
  after(async () => {
    await west.close();
  });

  test('version dates keep their calendar day', async () => {
    const backlog = (await api(west, 'GET', '/projects/1/versions')).body as { id: number; startDate: string | null }[];
    const rows = await tableRows(ProjectVersionMilestones, testFetchContext(west, { table: ProjectVersionMilestones, timezone: 'America/Los_Angeles' }), [
      eq('ProjectId', 1),
    ]);
    // Midnight in Los Angeles is 07:00Z or 08:00Z the same day.
    assert.ok(backlog.some((v) => /T0[78]:00:00Z$/.test(v.startDate ?? '')));
    for (const v of backlog) assert.equal(rows.find((r) => r.Id === v.id)?.StartDate, v.startDate?.slice(0, 10) ?? null);
  });
});
