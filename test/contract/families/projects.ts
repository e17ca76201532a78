/**
 * Contract tests for projects and project settings (docs/backlog-api.md §9.1–§9.7): driven
 * with backlog-js wherever it has a method, with raw calls for bad input and other roles.
 *
 * Seed facts used (tiny scale): projects 1 WEB (everything on; the normal user is a project
 * administrator), 2 APP (wiki off; no viewer, no guest reporter), 3 OPS (git off); users 1–6 are
 * administrator, normal user, reporter, viewer, guest reporter, guest viewer.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Backlog } from 'backlog-js';
import { api, backlogClient, clientAs, control, journal } from '../../helpers/emulator.js';
import {
  CATEGORY,
  ISSUE_TYPE,
  PROJECT,
  SHARED_FILE,
  STATUS,
  USER,
  VERSION,
  arrayOf,
  assertShape,
  nullable,
  type Spec,
  assertRejects,
  assertRawFails,
} from '../../helpers/shape.js';
import { emu, freshEmulator } from '../harness.js';

const CUSTOM_FIELD_BASE: Spec = {
  id: 'number',
  projectId: 'number',
  typeId: 'number',
  version: 'number',
  name: 'string',
  description: 'string',
  required: 'boolean',
  useIssueType: 'boolean',
  applicableIssueTypes: arrayOf('number'),
  displayOrder: 'number',
};
const LIST_ITEM: Spec = { id: 'number', name: 'string', displayOrder: 'number' };
/** Custom field shape per typeId (§7.11). */
const CUSTOM_FIELD: Record<number, Spec> = {
  1: CUSTOM_FIELD_BASE,
  2: CUSTOM_FIELD_BASE,
  3: { ...CUSTOM_FIELD_BASE, min: nullable('number'), max: nullable('number'), initialValue: nullable('number'), unit: nullable('string') },
  4: {
    ...CUSTOM_FIELD_BASE,
    min: nullable('timestamp'),
    max: nullable('timestamp'),
    initialDate: nullable({ id: 'number', shift: nullable('number'), date: nullable('timestamp') }),
  },
  5: { ...CUSTOM_FIELD_BASE, items: arrayOf(LIST_ITEM), allowAddItem: 'boolean' },
  6: { ...CUSTOM_FIELD_BASE, items: arrayOf(LIST_ITEM), allowAddItem: 'boolean' },
  7: { ...CUSTOM_FIELD_BASE, items: arrayOf(LIST_ITEM), allowAddItem: 'boolean', allowInput: 'boolean' },
  8: { ...CUSTOM_FIELD_BASE, items: arrayOf(LIST_ITEM), allowAddItem: 'boolean', allowInput: 'boolean' },
};
const WEBHOOK: Spec = {
  id: 'number',
  name: 'string',
  description: 'string',
  hookUrl: 'string',
  allEvent: 'boolean',
  activityTypeIds: arrayOf('number'),
  createdUser: USER,
  created: 'timestamp',
  updatedUser: USER,
  updated: 'timestamp',
};
const DISK_USAGE: Spec = {
  projectId: 'number',
  issue: 'number',
  wiki: 'number',
  document: 'number',
  file: 'number',
  subversion: 'number',
  git: 'number',
  gitLFS: 'number',
};
const TEAM: Spec = {
  id: 'number',
  name: 'string',
  members: arrayOf(USER),
  displayOrder: nullable('number'),
  createdUser: USER,
  created: 'timestamp',
  updatedUser: USER,
  updated: 'timestamp',
};

const STATUS_PALETTE = '#e07b9a';

function keyOf(role: 1 | 2 | 3 | 4 | 5 | 6): string {
  const user = emu().users.find((u) => u.roleType === role);
  if (!user) throw new Error(`no user with role ${role}`);
  return user.apiKey;
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  return Buffer.from(await new Response(body as ReadableStream).arrayBuffer());
}

interface ExportedIssue {
  id: number;
  projectId: number;
  status: { id: number };
  category: { id: number }[];
  milestone: { id: number }[];
  versions: { id: number }[];
  customFields: { id: number; value: unknown }[];
}

async function exportedIssues(projectId: number): Promise<ExportedIssue[]> {
  const data = (await control(emu(), 'GET', 'export')) as { issues: ExportedIssue[] };
  return data.issues.filter((i) => i.projectId === projectId);
}

export function projectsContract(): void {
  let admin: Backlog;
  before(async () => {
    await freshEmulator();
    admin = backlogClient(emu());
  });

  describe('projects', () => {
    test('lists joined projects in the documented shape', async () => {
      const projects = await admin.getProjects();
      assert.ok(projects.length >= 3);
      assertShape(projects, arrayOf(PROJECT));
      assert.deepEqual(
        (await clientAs(emu(), 5).getProjects()).map((p) => p.projectKey),
        ['WEB'],
      );
    });

    test('all=true shows an administrator every project, and other users still only their own', async () => {
      await admin.deleteProjectUsers('OPS', { userId: 1 });
      assert.ok(!(await admin.getProjects()).some((p) => p.projectKey === 'OPS'));
      assert.ok((await admin.getProjects({ all: true })).some((p) => p.projectKey === 'OPS'));
      const asGuest = await clientAs(emu(), 5).getProjects({ all: true });
      assert.deepEqual(
        asGuest.map((p) => p.projectKey),
        ['WEB'],
      );
      await admin.postProjectUser('OPS', '1');
    });

    test('archived=true lists only archived projects and archived=false only active ones', async () => {
      await admin.patchProject('OPS', { archived: true });
      assert.deepEqual(
        (await admin.getProjects({ archived: true })).map((p) => p.projectKey),
        ['OPS'],
      );
      assert.ok(!(await admin.getProjects({ archived: false })).some((p) => p.projectKey === 'OPS'));
      assert.equal((await admin.patchProject('OPS', { archived: false })).archived, false);
    });

    test('refuses an unknown list parameter with 400 naming it', async () => {
      await assertRawFails(api(emu(), 'GET', '/projects', { query: { archive: 'true' } }), 400, 7, 'archive');
    });

    test('creates a project with 201, a Location header, four default statuses and issue types, and the creator as admin', async () => {
      const r = await api(emu(), 'POST', '/projects', {
        form: { name: 'New One', key: 'NEW_1', chartEnabled: 'true', subtaskingEnabled: 'true', textFormattingRule: 'markdown' },
      });
      assert.equal(r.status, 201);
      assert.equal(r.headers.get('location'), `${emu().url}/projects/NEW_1`);
      assertShape(r.body, PROJECT);
      const created = r.body as { id: number; projectKey: string; chartEnabled: boolean; textFormattingRule: string };
      assert.equal(created.chartEnabled, true);
      assert.equal(created.textFormattingRule, 'markdown');
      const statuses = await admin.getProjectStatuses('NEW_1');
      assert.deepEqual(
        statuses.map((s) => s.id),
        [1, 2, 3, 4],
      );
      assert.equal((await admin.getIssueTypes('NEW_1')).length, 4);
      assert.deepEqual(
        (await admin.getProjectUsers('NEW_1')).map((u) => u.id),
        [1],
      );
      assert.deepEqual(
        (await admin.getProjectAdministrators('NEW_1')).map((u) => u.id),
        [1],
      );
    });

    test('creates a project through backlog-js postProject', async () => {
      const p = await admin.postProject({ name: 'Via client', key: 'VIA', chartEnabled: false, subtaskingEnabled: false, textFormattingRule: 'backlog' });
      assertShape(p, PROJECT);
      assert.equal(p.projectKey, 'VIA');
    });

    test('refuses project creation by a normal user with 403 code 5', async () => {
      await assertRejects(
        clientAs(emu(), 2).postProject({ name: 'x', key: 'XX', chartEnabled: false, subtaskingEnabled: false, textFormattingRule: 'backlog' }),
        403,
        5,
      );
    });

    test('refuses a lower-case, duplicate or missing key and a missing name with 400 naming the parameter', async () => {
      await assertRawFails(api(emu(), 'POST', '/projects', { form: { name: 'x', key: 'lower' } }), 400, 7, 'key');
      await assertRawFails(api(emu(), 'POST', '/projects', { form: { name: 'x', key: 'WEB' } }), 400, 7, 'key');
      await assertRawFails(api(emu(), 'POST', '/projects', { form: { name: 'x' } }), 400, 7, 'key');
      await assertRawFails(api(emu(), 'POST', '/projects', { form: { key: 'NONAME' } }), 400, 7, 'name');
    });

    test('refuses grandchildIssueEnabled without subtasking with 400', async () => {
      await assertRawFails(
        api(emu(), 'POST', '/projects', { form: { name: 'x', key: 'GC', grandchildIssueEnabled: 'true' } }),
        400,
        7,
        'grandchildIssueEnabled',
      );
    });

    test('gets a project by key and by id', async () => {
      const byKey = await admin.getProject('WEB');
      assertShape(byKey, PROJECT);
      assert.equal((await admin.getProject(byKey.id)).projectKey, 'WEB');
    });

    test('answers a project hidden from a guest with 404 "No project."', async () => {
      await assertRejects(clientAs(emu(), 5).getProject('APP'), 404, 6, 'No project.');
      await assertRejects(admin.getProject('NOPE'), 404, 6, 'No project.');
    });

    test('lets a project administrator update the project, and refuses a reporter with 403', async () => {
      const p = await clientAs(emu(), 2).patchProject('WEB', { name: 'Web renamed' });
      assert.equal(p.name, 'Web renamed');
      await assertRejects(clientAs(emu(), 3).patchProject('WEB', { name: 'nope' }), 403, 5);
    });

    test('renames a project key so the new key resolves and the old one is 404', async () => {
      const p = await admin.patchProject('VIA', { key: 'VIA2' });
      assert.equal(p.projectKey, 'VIA2');
      assert.equal((await admin.getProject('VIA2')).id, p.id);
      await assertRejects(admin.getProject('VIA'), 404, 6);
      await assertRejects(admin.patchProject('VIA2', { key: 'WEB' }), 400, 7, 'key');
    });

    test('deletes a project (administrators only) and answers 404 afterwards', async () => {
      await assertRejects(clientAs(emu(), 2).deleteProject('WEB'), 403, 5);
      const gone = await admin.deleteProject('VIA2');
      assertShape(gone, PROJECT);
      await assertRejects(admin.getProject('VIA2'), 404, 6);
    });

    test('serves the project icon as a PNG in the icon rate class', async () => {
      const icon = await admin.getProjectIcon('WEB');
      const bytes = await bodyBytes(icon.body);
      assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      assert.match((icon as { filename: string }).filename, /\.png$/);
      const again = await bodyBytes((await admin.getProjectIcon('WEB')).body);
      assert.deepEqual(again, bytes);
      const entry = (await journal(emu())).reverse().find((e) => e.route === 'GET /api/v2/projects/:projectIdOrKey/image');
      assert.equal(entry?.category, 'icon');
    });

    test('reports project disk usage to administrators and refuses a normal user', async () => {
      const usage = await admin.getProjectsDiskUsage('WEB');
      assertShape(usage, DISK_USAGE);
      assert.ok(usage.issue > 0 && usage.file > 0 && usage.git > 0);
      await assertRejects(clientAs(emu(), 2).getProjectsDiskUsage('WEB'), 403, 5);
    });
  });

  describe('members, administrators and teams', () => {
    test('lists project users, and excludeGroupMembers drops members who joined only through a team', async () => {
      assertShape(await admin.getProjectUsers('WEB'), arrayOf(USER));
      // The normal user is a direct member of OPS and also in OPS's team: once removed as a direct
      // member they still belong through the team.
      await admin.deleteProjectUsers('OPS', { userId: 2 });
      assert.ok((await admin.getProjectUsers('OPS')).some((u) => u.id === 2));
      const r = await api(emu(), 'GET', '/projects/OPS/users', { query: { excludeGroupMembers: 'true' } });
      assert.equal(r.status, 200);
      assertShape(r.body, arrayOf(USER));
      assert.ok(!(r.body as { id: number }[]).some((u) => u.id === 2));
      await admin.postProjectUser('OPS', '2');
    });

    test('adds and removes a member, refusing duplicates and non-members with 400', async () => {
      const added = await admin.postProjectUser('APP', '4');
      assertShape(added, USER);
      await assertRejects(admin.postProjectUser('APP', '4'), 400, 7, 'userId');
      const removed = await admin.deleteProjectUsers('APP', { userId: 4 });
      assert.equal(removed.id, 4);
      await assertRejects(admin.deleteProjectUsers('APP', { userId: 4 }), 400, 7, 'No such project member');
      await assertRawFails(api(emu(), 'POST', '/projects/APP/users', { form: { userId: '99999' } }), 400, 7, 'userId');
      await assertRawFails(api(emu(), 'POST', '/projects/APP/users', { form: {} }), 400, 7, 'userId');
    });

    test('refuses member changes by a user who is not a project administrator', async () => {
      await assertRawFails(api(emu(), 'POST', '/projects/WEB/users', { form: { userId: '7' }, apiKey: keyOf(3) }), 403, 5);
      await assertRawFails(api(emu(), 'DELETE', '/projects/WEB/users', { form: { userId: '4' }, apiKey: keyOf(4) }), 403, 5);
    });

    test('adds a project administrator only from normal-user members, administrators only', async () => {
      const a = await admin.postProjectAdministrators('APP', { userId: 2 });
      assertShape(a, USER);
      assert.ok((await admin.getProjectAdministrators('APP')).some((u) => u.id === 2));
      await assertRejects(admin.postProjectAdministrators('APP', { userId: 3 }), 400, 7, 'userId');
      await assertRejects(admin.postProjectAdministrators('APP', { userId: 4 }), 400, 7, 'No such project member');
      await assertRejects(clientAs(emu(), 2).postProjectAdministrators('WEB', { userId: 3 }), 403, 5);
      const removed = await admin.deleteProjectAdministrators('APP', { userId: 2 });
      assert.equal(removed.id, 2);
      await assertRejects(admin.deleteProjectAdministrators('APP', { userId: 2 }), 400, 7, 'userId');
    });

    test('lists, adds and removes project teams', async () => {
      const teams = await clientAs(emu(), 4).getProjectTeams('WEB');
      assertShape(teams, arrayOf(TEAM));
      assert.equal(teams.length, 1);
      const other = await admin.postProjectTeam('APP', 2);
      assertShape(other, TEAM);
      await assertRejects(admin.postProjectTeam('APP', 2), 400, 7, 'teamId');
      await assertRejects(clientAs(emu(), 3).postProjectTeam('WEB', 2), 403, 5);
      assert.equal((await admin.deleteProjectTeam('APP', 2)).id, 2);
      await assertRejects(admin.deleteProjectTeam('APP', 2), 400, 7, 'teamId');
      await assertRawFails(api(emu(), 'POST', '/projects/APP/teams', { form: { teamId: '999' } }), 400, 7, 'teamId');
    });
  });

  describe('statuses', () => {
    test('lists statuses in display order with the defaults 1-4, Open first and Closed last', async () => {
      const statuses = await admin.getProjectStatuses('WEB');
      assertShape(statuses, arrayOf(STATUS));
      assert.equal(statuses[0]?.id, 1);
      assert.equal(statuses[statuses.length - 1]?.id, 4);
      assert.deepEqual(
        statuses.map((s) => s.displayOrder),
        [...statuses.map((s) => s.displayOrder)].sort((a, b) => a - b),
      );
    });

    test('adds a status just before Closed', async () => {
      const s = await admin.postProjectStatus('OPS', { name: 'Waiting', color: STATUS_PALETTE });
      assertShape(s, STATUS);
      assert.ok(s.id > 4);
      const ids = (await admin.getProjectStatuses('OPS')).map((x) => x.id);
      assert.deepEqual(ids.slice(-2), [s.id, 4]);
    });

    test('refuses a colour outside the status palette, a missing name and a non-administrator', async () => {
      await assertRawFails(api(emu(), 'POST', '/projects/OPS/statuses', { form: { name: 'x', color: '#123456' } }), 400, 7, 'color');
      await assertRawFails(api(emu(), 'POST', '/projects/OPS/statuses', { form: { color: STATUS_PALETTE } }), 400, 7, 'name');
      await assertRejects(clientAs(emu(), 2).postProjectStatus('WEB', { name: 'x', color: STATUS_PALETTE }), 403, 5);
    });

    test('refuses a 13th status with "The maximum number of status are 12 per project"', async () => {
      const have = (await admin.getProjectStatuses('APP')).length;
      for (let i = have; i < 12; i++) await admin.postProjectStatus('APP', { name: `S${i}`, color: '#393939' });
      await assertRejects(
        admin.postProjectStatus('APP', { name: 'one too many', color: '#393939' }),
        400,
        9,
        'The maximum number of status are 12 per project',
      );
    });

    test('refuses to rename or recolour a default status and updates a custom one', async () => {
      await assertRejects(admin.patchProjectStatus('WEB', 1, { name: 'x' }), 400, 7, 'Default status');
      const custom = (await admin.getProjectStatuses('OPS')).find((s) => s.id > 4);
      assert.ok(custom);
      const s = await admin.patchProjectStatus('OPS', custom.id, { name: 'Waiting on vendor', color: '#4caf93' });
      assert.equal(s.name, 'Waiting on vendor');
      assert.equal(s.color, '#4caf93');
      await assertRejects(admin.patchProjectStatus('OPS', 999, { name: 'x' }), 404, 6);
    });

    test('reorders statuses, requiring every status once with Open first and Closed last', async () => {
      const ids = (await admin.getProjectStatuses('OPS')).map((s) => s.id);
      const custom = ids.find((id) => id > 4) as number;
      const order = [1, custom, 2, 3, 4];
      const result = await admin.patchProjectStatusOrder('OPS', order);
      assertShape(result, arrayOf(STATUS));
      assert.deepEqual(
        result.map((s) => s.id),
        order,
      );
      await assertRejects(admin.patchProjectStatusOrder('OPS', [2, 1, custom, 3, 4]), 400, 7, 'statusId');
      await assertRejects(admin.patchProjectStatusOrder('OPS', [1, 2, 3, 4]), 400, 7, 'statusId');
      await assertRawFails(api(emu(), 'PATCH', '/projects/OPS/statuses/updateDisplayOrder', { form: {} }), 400, 7, 'statusId');
    });

    test('refuses to delete a default status or to delete without substituteStatusId', async () => {
      await assertRejects(admin.deleteProjectStatus('WEB', 1, 2), 400, 7, 'Default status cannot be deleted. id: 1');
      await assertRawFails(api(emu(), 'DELETE', '/projects/WEB/statuses/5', {}), 400, 7, 'substituteStatusId');
    });

    test('deletes a custom status and moves its issues to the substitute', async () => {
      const before = await exportedIssues(1);
      const custom = (await admin.getProjectStatuses('WEB')).filter((s) => s.id > 4);
      const target = custom.find((s) => before.some((i) => i.status.id === s.id)) ?? custom[0];
      assert.ok(target);
      const count = before.filter((i) => i.status.id === target.id).length;
      const gone = await admin.deleteProjectStatus('WEB', target.id, 2);
      assertShape(gone, STATUS);
      const after = await exportedIssues(1);
      assert.equal(after.filter((i) => i.status.id === target.id).length, 0);
      assert.equal(after.filter((i) => i.status.id === 2).length, before.filter((i) => i.status.id === 2).length + count);
      assert.ok(!(await admin.getProjectStatuses('WEB')).some((s) => s.id === target.id));
    });
  });

  describe('issue types, categories and versions', () => {
    test('adds, updates and deletes an issue type with palette colours', async () => {
      const types = await admin.getIssueTypes('WEB');
      assertShape(types, arrayOf(ISSUE_TYPE));
      const t = await admin.postIssueType('WEB', { name: '調査', color: '#814fbc' });
      assertShape(t, ISSUE_TYPE);
      await assertRawFails(api(emu(), 'POST', '/projects/WEB/issueTypes', { form: { name: 'x', color: '#ffffff' } }), 400, 7, 'color');
      await assertRawFails(api(emu(), 'POST', '/projects/WEB/issueTypes', { form: { name: '調査', color: '#814fbc' } }), 400, 7, 'name');
      const u = await admin.patchIssueType('WEB', t.id, { name: 'Research', color: '#007e9a' });
      assert.equal(u.name, 'Research');
      await assertRejects(
        admin.deleteIssueType('WEB', t.id, { substituteIssueTypeId: t.id }),
        400,
        7,
        'deletedTargetIssueTypeId and substituteIssueTypeId are the same.',
      );
      await assertRejects(admin.deleteIssueType('WEB', t.id, { substituteIssueTypeId: 999999 }), 400, 7, 'substituteIssueTypeId');
      const gone = await admin.deleteIssueType('WEB', t.id, { substituteIssueTypeId: (types[0] as { id: number }).id });
      assert.equal(gone.id, t.id);
      await assertRejects(clientAs(emu(), 4).postIssueType('WEB', { name: 'v', color: '#990000' }), 403, 5);
    });

    test('adds, renames and deletes a category; a viewer cannot add one', async () => {
      assertShape(await admin.getCategories('WEB'), arrayOf(CATEGORY));
      const c = await clientAs(emu(), 2).postCategories('WEB', { name: 'Mobile' });
      assertShape(c, CATEGORY);
      assert.equal((await admin.patchCategories('WEB', c.id, { name: 'Mobile web' })).name, 'Mobile web');
      await assertRejects(clientAs(emu(), 4).postCategories('WEB', { name: 'viewer' }), 403, 5);
      await assertRejects(clientAs(emu(), 2).postCategories('APP', { name: 'not PA here' }), 403, 5);
      await assertRawFails(api(emu(), 'PATCH', `/projects/WEB/categories/${c.id}`, { form: {} }), 400, 7, 'name');
      assert.equal((await admin.deleteCategories('WEB', c.id)).id, c.id);
      await assertRejects(admin.deleteCategories('WEB', c.id), 404, 6);
    });

    test('deleting a category removes it from issues', async () => {
      const cats = await admin.getCategories('WEB');
      const used = (await exportedIssues(1)).flatMap((i) => i.category.map((c) => c.id));
      const victim = cats.find((c) => used.includes(c.id)) ?? cats[0];
      assert.ok(victim);
      await admin.deleteCategories('WEB', victim.id);
      assert.ok(!(await exportedIssues(1)).some((i) => i.category.some((c) => c.id === victim.id)));
    });

    test('adds, updates and deletes a version with yyyy-MM-dd dates returned as timestamps', async () => {
      assertShape(await admin.getVersions('WEB'), arrayOf(VERSION));
      const v = await admin.postVersions('WEB', { name: 'v9', description: 'next', startDate: '2026-12-01', releaseDueDate: '2026-12-24' });
      assertShape(v, VERSION);
      assert.match(v.startDate as string, /^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$/);
      const u = await admin.patchVersions('WEB', v.id, { name: 'v9.0', archived: true });
      assert.equal(u.archived, true);
      assert.equal(u.name, 'v9.0');
      await assertRawFails(api(emu(), 'POST', '/projects/WEB/versions', { form: { name: 'bad', startDate: '2026/12/01' } }), 400, 7, 'startDate');
      await assertRawFails(
        api(emu(), 'POST', '/projects/WEB/versions', { form: { name: 'back', startDate: '2026-12-02', releaseDueDate: '2026-12-01' } }),
        400,
        7,
        'releaseDueDate',
      );
      await assertRawFails(api(emu(), 'PATCH', `/projects/WEB/versions/${v.id}`, { form: { archived: 'false' } }), 400, 7, 'name');
      assert.equal((await admin.deleteVersions('WEB', v.id)).id, v.id);
      await assertRejects(clientAs(emu(), 3).postVersions('WEB', { name: 'reporter' }), 403, 5);
    });

    test('deleting a version removes it from issues as version and milestone', async () => {
      const used = (await exportedIssues(1)).flatMap((i) => i.milestone.map((m) => m.id));
      const victim = (await admin.getVersions('WEB')).find((v) => used.includes(v.id));
      assert.ok(victim);
      await admin.deleteVersions('WEB', victim.id);
      const after = await exportedIssues(1);
      assert.ok(!after.some((i) => i.milestone.some((m) => m.id === victim.id) || i.versions.some((m) => m.id === victim.id)));
    });
  });

  describe('custom fields', () => {
    test('lists custom fields with the documented shape of each of the eight types', async () => {
      const fields = await admin.getCustomFields('WEB');
      assert.deepEqual([...new Set(fields.map((f) => f.typeId))].sort(), [1, 2, 3, 4, 5, 6, 7, 8]);
      for (const f of fields) assertShape(f, CUSTOM_FIELD[f.typeId] as Spec);
    });

    test('adds a numeric field with bounds and refuses min above max', async () => {
      const f = await admin.postCustomField('WEB', { typeId: 3, name: '工数', min: 0, max: 100, initialValue: 10, unit: 'h' });
      assertShape(f, CUSTOM_FIELD[3] as Spec);
      assert.deepEqual([f.min, f.max, f.initialValue, f.unit], [0, 100, 10, 'h']);
      await assertRawFails(api(emu(), 'POST', '/projects/WEB/customFields', { form: { typeId: '3', name: 'bad', min: '5', max: '1' } }), 400, 7, 'max');
    });

    test('adds a date field with an initial date and refuses type 3 without initialDate', async () => {
      const f = await admin.postCustomField('WEB', { typeId: 4, name: '締切', min: '2026-01-01', max: '2027-12-31', initialValueType: 2, initialShift: 7 });
      assertShape(f, CUSTOM_FIELD[4] as Spec);
      assert.deepEqual(f.initialDate, { id: 2, shift: 7, date: null });
      await assertRawFails(
        api(emu(), 'POST', '/projects/WEB/customFields', { form: { typeId: '4', name: 'd2', initialValueType: '3' } }),
        400,
        7,
        'initialDate',
      );
    });

    test('adds a checkbox field with items and refuses parameters that do not fit the type', async () => {
      const f = await admin.postCustomField('WEB', {
        typeId: 7,
        name: '確認項目',
        items: ['A', 'B'],
        allowInput: true,
        allowAddItem: true,
        applicableIssueTypes: [],
      });
      assertShape(f, CUSTOM_FIELD[7] as Spec);
      assert.deepEqual(
        f.items?.map((i) => i.name),
        ['A', 'B'],
      );
      await assertRawFails(api(emu(), 'POST', '/projects/WEB/customFields', { form: { typeId: '1', name: 't', unit: 'h' } }), 400, 7, 'unit');
      await assertRawFails(api(emu(), 'POST', '/projects/WEB/customFields', { form: { typeId: '9', name: 't' } }), 400, 7, 'typeId');
      await assertRawFails(
        api(emu(), 'POST', '/projects/WEB/customFields', { form: { typeId: '1', name: 't', 'applicableIssueTypes[]': '999999' } }),
        400,
        7,
        'applicableIssueTypes',
      );
      await assertRejects(clientAs(emu(), 3).postCustomField('WEB', { typeId: 1, name: 'no' }), 403, 5);
    });

    test('updates a field but never its typeId', async () => {
      const f = (await admin.getCustomFields('WEB')).find((x) => x.typeId === 1);
      assert.ok(f);
      const u = await admin.patchCustomField('WEB', f.id, { name: '顧客', description: 'updated', required: true });
      assert.deepEqual([u.name, u.description, u.required], ['顧客', 'updated', true]);
      await assertRawFails(api(emu(), 'PATCH', `/projects/WEB/customFields/${f.id}`, { form: { typeId: '2' } }), 400, 7, 'typeId');
      await assertRejects(admin.patchCustomField('WEB', 999999, { name: 'x' }), 404, 6);
    });

    test('adds, renames and deletes list items, only on list types', async () => {
      const fields = await admin.getCustomFields('WEB');
      const list = fields.find((x) => x.typeId === 5);
      const text = fields.find((x) => x.typeId === 1);
      assert.ok(list && text);
      const added = await admin.postCustomFieldItem('WEB', list.id, { name: 'FreeBSD' });
      const item = added.items?.find((i) => i.name === 'FreeBSD');
      assert.ok(item);
      await assertRejects(admin.postCustomFieldItem('WEB', list.id, { name: 'FreeBSD' }), 400, 7, 'name');
      const renamed = await admin.patchCustomFieldItem('WEB', list.id, item.id, { name: 'OpenBSD' });
      assert.ok(renamed.items?.some((i) => i.id === item.id && i.name === 'OpenBSD'));
      const after = await admin.deleteCustomFieldItem('WEB', list.id, item.id);
      assert.ok(!after.items?.some((i) => i.id === item.id));
      await assertRejects(admin.deleteCustomFieldItem('WEB', list.id, item.id), 404, 6);
      await assertRejects(admin.postCustomFieldItem('WEB', text.id, { name: 'x' }), 400, 7, 'list');
    });

    test('deleting a custom field removes it from issues', async () => {
      const f = (await admin.getCustomFields('WEB')).find((x) => x.typeId === 6);
      assert.ok(f);
      const gone = await admin.deleteCustomField('WEB', f.id);
      assert.equal(gone.id, f.id);
      assert.ok(!(await exportedIssues(1)).some((i) => i.customFields.some((c) => c.id === f.id)));
    });
  });

  describe('shared files', () => {
    test('lists the direct children of the root directory', async () => {
      const files = await admin.getSharedFiles('WEB', '', {});
      assertShape(files, arrayOf(SHARED_FILE));
      assert.ok(files.length > 0);
      assert.ok(files.every((f) => f.dir === '/'));
      assert.ok(files.some((f) => f.type === 'directory' && f.name === '仕様書'));
      const bare = await api(emu(), 'GET', '/projects/WEB/files/metadata');
      assert.equal(bare.status, 200);
      assert.deepEqual(bare.body, files);
    });

    test('lists a URL-encoded sub-directory whatever its slashes', async () => {
      const files = await admin.getSharedFiles('WEB', '仕様書', {});
      assert.ok(files.length > 0 && files.every((f) => f.dir === '/仕様書/'));
      const slashed = await api(emu(), 'GET', `/projects/WEB/files/metadata/${encodeURIComponent('/仕様書/')}`);
      assert.deepEqual(slashed.body, files);
      const nested = await admin.getSharedFiles('WEB', '議事録/2026', {});
      assert.ok(nested.every((f) => f.dir === '/議事録/2026/'));
    });

    test('answers a directory that does not exist with 404', async () => {
      await assertRejects(admin.getSharedFiles('WEB', 'no-such-dir', {}), 404, 6);
    });

    test('pages with offset and count 1-1000 and orders by id, desc by default', async () => {
      const desc = await admin.getSharedFiles('WEB', '', {});
      const asc = await admin.getSharedFiles('WEB', '', { order: 'asc' });
      assert.deepEqual(
        asc.map((f) => f.id),
        [...desc.map((f) => f.id)].reverse(),
      );
      assert.deepEqual(
        (await admin.getSharedFiles('WEB', '', { offset: 1, count: 1 })).map((f) => f.id),
        [desc[1]?.id],
      );
      assert.deepEqual(await admin.getSharedFiles('WEB', '', { count: 1000 }), desc);
      assert.deepEqual(await admin.getSharedFiles('WEB', '', { offset: 1000 }), []);
      await assertRejects(admin.getSharedFiles('WEB', '', { count: 0 }), 400, 7, 'count');
      await assertRejects(admin.getSharedFiles('WEB', '', { count: 1001 }), 400, 7, 'count');
    });

    test('refuses reporters and guests with 403 code 5', async () => {
      await assertRejects(clientAs(emu(), 3).getSharedFiles('WEB', '', {}), 403, 5);
      await assertRawFails(api(emu(), 'GET', '/projects/WEB/files/1', { apiKey: keyOf(5) }), 403, 5);
    });

    test('answers 403 code 5 when file sharing is switched off', async () => {
      await admin.postProject({ name: 'No files', key: 'NOFILES', chartEnabled: false, subtaskingEnabled: false, textFormattingRule: 'backlog' });
      await api(emu(), 'PATCH', '/projects/NOFILES', { form: { useFileSharing: 'false' } });
      await assertRejects(admin.getSharedFiles('NOFILES', '', {}), 403, 5, 'msg.featureRestrictedError.title.file');
      await assertRawFails(api(emu(), 'GET', '/projects/NOFILES/files/1'), 403, 5, 'file');
    });

    test('downloads a shared file with its name and exact size, and 404s a directory or a foreign id', async () => {
      const all = [...(await admin.getSharedFiles('WEB', '', {})), ...(await admin.getSharedFiles('WEB', '仕様書', {}))];
      const file = all.find((f) => f.type === 'file');
      const dir = all.find((f) => f.type === 'directory');
      assert.ok(file && dir);
      const data = await admin.getSharedFile('WEB', file.id);
      assert.equal((data as { filename: string }).filename, file.name);
      assert.equal((await bodyBytes(data.body)).length, file.size);
      await assertRejects(admin.getSharedFile('WEB', dir.id), 404, 6);
      const appFile = (await admin.getSharedFiles('APP', '', {})).find((f) => f.type === 'file');
      assert.ok(appFile);
      await assertRejects(admin.getSharedFile('WEB', appFile.id), 404, 6);
    });
  });

  describe('webhooks', () => {
    test('lists, adds, gets, updates and deletes webhooks', async () => {
      assertShape(await admin.getWebhooks('WEB'), arrayOf(WEBHOOK));
      const w = await clientAs(emu(), 2).postWebhook('WEB', { name: 'CI', hookUrl: 'https://ci.example.com/hook', allEvent: false, activityTypeIds: [1, 2] });
      assertShape(w, WEBHOOK);
      assert.deepEqual(w.activityTypeIds, [1, 2]);
      assert.equal((await admin.getWebhook('WEB', String(w.id))).hookUrl, 'https://ci.example.com/hook');
      const u = await admin.patchWebhook('WEB', String(w.id), { allEvent: true, description: 'all of it' });
      assert.deepEqual([u.allEvent, u.description], [true, 'all of it']);
      assert.equal((await admin.deleteWebhook('WEB', String(w.id))).id, w.id);
      await assertRejects(admin.getWebhook('WEB', String(w.id)), 404, 6);
    });

    test('refuses a non-http hookUrl, unknown activity types and a missing hookUrl with 400', async () => {
      await assertRawFails(api(emu(), 'POST', '/projects/WEB/webhooks', { form: { name: 'x', hookUrl: 'ftp://example.com/' } }), 400, 7, 'hookUrl');
      await assertRawFails(
        api(emu(), 'POST', '/projects/WEB/webhooks', { form: { name: 'x', hookUrl: 'https://e.example/', 'activityTypeIds[]': '30' } }),
        400,
        7,
        'activityTypeIds',
      );
      await assertRawFails(api(emu(), 'POST', '/projects/WEB/webhooks', { form: { name: 'x' } }), 400, 7, 'hookUrl');
    });

    test('keeps webhooks to administrators and project administrators, per project', async () => {
      await assertRejects(clientAs(emu(), 3).getWebhooks('WEB'), 403, 5);
      await assertRejects(clientAs(emu(), 2).getWebhooks('APP'), 403, 5);
      const appHook = (await admin.getWebhooks('APP'))[0];
      assert.ok(appHook);
      await assertRejects(admin.getWebhook('WEB', String(appHook.id)), 404, 6, 'No webhook.');
    });
  });
}
