/**
 * Contract tests for the space, users and personal data families (docs/backlog-api.md
 * §8.1–§8.3, §5, §11.4–§11.7): the space and its recent updates, users, stars, notifications,
 * watchings, teams, the licence, disk usage and rate limits, driven through backlog-js wherever it
 * has a method and through raw calls for bad input and other roles.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Backlog } from 'backlog-js';
import { api, backlogClient, clientAs, control, startTestEmulator, type RunningEmulator } from '../../helpers/emulator.js';
import { ISSUE, PROJECT, STAR, USER, arrayOf, assertBacklogError, assertShape, nullable, type Spec, assertRejects } from '../../helpers/shape.js';
import { emu, freshEmulator } from '../harness.js';

const SPACE: Spec = {
  spaceKey: 'string',
  name: 'string',
  ownerId: 'number',
  lang: 'string',
  timezone: 'string',
  reportSendTime: 'string',
  textFormattingRule: 'string',
  created: 'timestamp',
  updated: 'timestamp',
};
const ACTIVITY: Spec = { id: 'number', project: PROJECT, type: 'number', content: 'object', notifications: 'array', createdUser: USER, created: 'timestamp' };
const SPACE_NOTIFICATION: Spec = { content: 'string', updated: 'timestamp' };
const USAGE: Spec = { issue: 'number', wiki: 'number', file: 'number', subversion: 'number', git: 'number', gitLFS: 'number' };
const DISK_USAGE: Spec = { capacity: 'number', ...USAGE, details: arrayOf({ projectId: 'number', document: 'number', ...USAGE }) };
const LICENCE: Spec = {
  active: 'boolean',
  attachmentLimit: 'number',
  attachmentLimitPerFile: 'number',
  attachmentNumLimit: 'number',
  attribute: 'boolean',
  attributeLimit: 'number',
  burndown: 'boolean',
  commentLimit: 'number',
  componentLimit: 'number',
  fileSharing: 'boolean',
  gantt: 'boolean',
  git: 'boolean',
  issueLimit: 'number',
  licenceTypeId: 'number',
  limitDate: 'timestamp',
  nulabAccount: 'boolean',
  parentChildIssue: 'boolean',
  grandchildIssueEnabled: 'boolean',
  postIssueByMail: 'boolean',
  projectLimit: 'number',
  pullRequestAttachmentLimitPerFile: 'number',
  pullRequestAttachmentNumLimit: 'number',
  remoteAddress: 'boolean',
  remoteAddressLimit: 'number',
  startedOn: 'timestamp',
  storageLimit: 'number',
  subversion: 'boolean',
  subversionExternal: 'boolean',
  userLimit: 'number',
  versionLimit: 'number',
  wikiAttachment: 'boolean',
  wikiAttachmentLimitPerFile: 'number',
  wikiAttachmentNumLimit: 'number',
};
const RATE: Spec = { limit: 'number', remaining: 'number', reset: 'number' };
const RATE_LIMIT: Spec = { rateLimit: { read: RATE, update: RATE, search: RATE, icon: RATE } };
const ID_NAME: Spec = { id: 'number', name: 'string' };
const WIKI_LIST_ITEM: Spec = {
  id: 'number',
  projectId: 'number',
  name: 'string',
  tags: arrayOf(ID_NAME),
  createdUser: USER,
  created: 'timestamp',
  updatedUser: USER,
  updated: 'timestamp',
};
const NOTIFICATION: Spec = {
  id: 'number',
  alreadyRead: 'boolean',
  reason: 'number',
  resourceAlreadyRead: 'boolean',
  project: PROJECT,
  issue: nullable(ISSUE),
  comment: nullable('object'),
  repository: nullable('object'),
  pullRequest: nullable('object'),
  pullRequestComment: nullable('object'),
  sender: USER,
  created: 'timestamp',
};
const WATCHING: Spec = {
  id: 'number',
  resourceAlreadyRead: 'boolean',
  alreadyRead: 'boolean',
  note: 'string',
  type: 'string',
  issue: ISSUE,
  lastContentUpdated: 'timestamp',
  created: 'timestamp',
  updated: 'timestamp',
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
const COUNT: Spec = { count: 'number' };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

type Role = 1 | 2 | 3 | 4 | 5 | 6;

function keyOf(e: RunningEmulator, role: Role): string {
  const user = e.users.find((u) => u.roleType === role);
  if (!user) throw new Error(`no user with role ${role}`);
  return user.apiKey;
}
function idOf(role: Role): number {
  return emu().users.find((u) => u.roleType === role)!.id;
}
function as(role: Role): Backlog {
  return clientAs(emu(), role);
}
function ids(rows: unknown): number[] {
  return (rows as { id: number }[]).map((r) => r.id);
}
async function bytesOf(file: { body: unknown }): Promise<Buffer> {
  return Buffer.from(await new Response(file.body as ReadableStream).arrayBuffer());
}
async function pagingEdges(path: string, query: Record<string, string> = {}): Promise<void> {
  for (const count of ['0', '101']) {
    const r = await api(emu(), 'GET', path, { query: { ...query, count } });
    assert.equal(r.status, 400, `${path} count=${count}`);
    assertBacklogError(r.body, 7, 'count');
  }
  const ok = await api(emu(), 'GET', path, { query: { ...query, count: '100' } });
  assert.equal(ok.status, 200, `${path} count=100`);
  assert.ok((ok.body as unknown[]).length <= 100);
}

export function spaceUsersContract(): void {
  before(freshEmulator);

  describe('space', () => {
    test('getSpace answers the Space object', async () => {
      const space = await backlogClient(emu()).getSpace();
      assertShape(space, SPACE);
      assert.equal(space.spaceKey, emu().spaceKey);
    });

    test('getSpaceActivities pages recent updates newest first, 20 by default, each an Activity', async () => {
      const rows = await backlogClient(emu()).getSpaceActivities({});
      assert.equal(rows.length, 20);
      assertShape(rows, arrayOf(ACTIVITY));
      const got = ids(rows);
      assert.deepEqual(
        got,
        [...got].sort((a, b) => b - a),
      );
      for (const r of rows) assert.deepEqual(r.notifications, []);
    });

    test('activity keyset bounds minId and maxId are inclusive, and order=asc walks upwards', async () => {
      const client = backlogClient(emu());
      const top = await client.getSpaceActivities({ count: 5 });
      const [a, , c] = ids(top) as [number, number, number];
      assert.deepEqual(ids(await client.getSpaceActivities({ maxId: a, minId: c })), ids(top).slice(0, 3));
      const asc = await client.getSpaceActivities({ minId: c, maxId: a, order: 'asc' });
      assert.deepEqual(ids(asc), ids(top).slice(0, 3).reverse());
      assert.deepEqual(await client.getSpaceActivities({ minId: a + 1000 }), []);
      assert.deepEqual(await client.getSpaceActivities({ minId: 10, maxId: 9 }), []);
    });

    test('activityTypeId[] keeps only those types and refuses unknown types with 400', async () => {
      const rows = await backlogClient(emu()).getSpaceActivities({ activityTypeId: [3], count: 100 });
      assert.ok(rows.length > 0);
      for (const r of rows) assert.equal(r.type, 3);
      const bad = await api(emu(), 'GET', '/space/activities', { query: { 'activityTypeId[]': '99' } });
      assert.equal(bad.status, 400);
      assertBacklogError(bad.body, 7, 'activityTypeId');
    });

    test('activity paging refuses count=0 and count=101 and accepts count=100; unknown parameters are 400', async () => {
      await pagingEdges('/space/activities');
      const r = await api(emu(), 'GET', '/space/activities', { query: { since: '2026-01-01' } });
      assert.equal(r.status, 400);
      assertBacklogError(r.body, 7, 'since');
    });

    test('a guest sees only the recent updates of their own projects, and a viewer no Git activity', async () => {
      const guest = await as(5).getSpaceActivities({ count: 100 });
      assert.ok(guest.length > 0);
      for (const r of guest) assert.equal(r.project.projectKey, 'WEB');
      const viewer = await as(4).getSpaceActivities({ count: 100, activityTypeId: [18] });
      assert.deepEqual(viewer, []);
      const admin = await backlogClient(emu()).getSpaceActivities({ count: 100, activityTypeId: [18] });
      assert.ok(admin.length > 0);
    });

    test('getProjectActivities lists one visible project\'s updates; an unseen project is 404 "No project."', async () => {
      const rows = await backlogClient(emu()).getProjectActivities('APP', { count: 50 });
      assert.ok(rows.length > 0);
      assertShape(rows, arrayOf(ACTIVITY));
      for (const r of rows) assert.equal(r.project.projectKey, 'APP');
      await assertRejects(as(5).getProjectActivities('APP', {}), 404, 6, 'No project.');
      await assertRejects(backlogClient(emu()).getProjectActivities('NOPE', {}), 404, 6, 'No project.');
      await pagingEdges('/projects/WEB/activities');
    });

    test('getSpaceIcon answers a PNG with a filename in the icon rate class', async () => {
      const file = await backlogClient(emu()).getSpaceIcon();
      const bytes = await bytesOf(file);
      assert.deepEqual(bytes.subarray(0, 8), PNG_SIGNATURE);
      assert.equal((file as { filename?: string }).filename, `${emu().spaceKey}.png`);
      const journal = (await control(emu(), 'GET', 'journal')) as { requests: { path: string; category: string | null }[] };
      assert.equal(journal.requests.filter((r) => r.path === '/api/v2/space/image').at(-1)?.category, 'icon');
    });

    test('the space notification is readable by everyone and changed only by administrators', async () => {
      const before = await as(6).getSpaceNotification();
      assertShape(before, SPACE_NOTIFICATION);
      const after = await backlogClient(emu()).putSpaceNotification({ content: '新しいお知らせ / new notice' });
      assertShape(after, SPACE_NOTIFICATION);
      assert.equal(after.content, '新しいお知らせ / new notice');
      assert.equal((await as(2).getSpaceNotification()).content, after.content);
      await assertRejects(as(2).putSpaceNotification({ content: 'x' }), 403, 5);
      const missing = await api(emu(), 'PUT', '/space/notification', { form: {} });
      assert.equal(missing.status, 400);
      assertBacklogError(missing.body, 7, 'content');
    });

    test('getSpaceDiskUsage sums the per-project details and is for administrators only', async () => {
      const usage = await backlogClient(emu()).getSpaceDiskUsage();
      assertShape(usage, DISK_USAGE);
      const projects = (await backlogClient(emu()).getProjects({ all: true })).map((p) => p.id).sort((a, b) => a - b);
      assert.deepEqual(
        usage.details.map((d) => d.projectId),
        projects,
      );
      for (const field of ['issue', 'wiki', 'file', 'subversion', 'git', 'gitLFS'] as const) {
        assert.equal(
          usage[field],
          usage.details.reduce((s, d) => s + d[field], 0),
          field,
        );
      }
      assert.ok(usage.issue > 0 && usage.file > 0 && usage.git > 0);
      await assertRejects(as(2).getSpaceDiskUsage(), 403, 5);
    });

    test('getLicence answers every documented licence field', async () => {
      const licence = await as(4).getLicence();
      assertShape(licence, LICENCE);
    });

    // Their names follow the reader's language: families/localised-names.ts.
    test("getPriorities and getResolutions answer Backlog's fixed lists", async () => {
      const priorities = await as(6).getPriorities();
      assertShape(priorities, arrayOf(ID_NAME));
      assert.deepEqual(
        priorities.map((p) => p.id),
        [2, 3, 4],
      );
      const resolutions = await as(6).getResolutions();
      assertShape(resolutions, arrayOf(ID_NAME));
      assert.deepEqual(
        resolutions.map((r) => r.id),
        [0, 1, 2, 3, 4],
      );
    });

    test('getRateLimit answers the four categories', async () => {
      assertShape(await backlogClient(emu()).getRateLimit(), RATE_LIMIT);
    });
  });

  describe('space attachments', () => {
    async function upload(role: Role, name: string, text: string): Promise<{ id: number; name: string; size: number }> {
      const form = new FormData();
      form.append('file', new Blob([text]), name);
      return (await as(role).postSpaceAttachment(form)) as { id: number; name: string; size: number };
    }

    test('postSpaceAttachment stores the upload and answers {id, name, size}', async () => {
      const file = await upload(2, 'メモ.txt', 'hello backlog');
      assertShape(file, { id: 'number', name: 'string', size: 'number' });
      assert.deepEqual(Object.keys(file).sort(), ['id', 'name', 'size']);
      assert.equal(file.name, 'メモ.txt');
      assert.equal(file.size, Buffer.byteLength('hello backlog'));
    });

    test('viewers cannot upload (403)', async () => {
      const form = new FormData();
      form.append('file', new Blob(['x']), 'x.txt');
      await assertRejects(as(4).postSpaceAttachment(form), 403, 5);
      await assertRejects(as(6).postSpaceAttachment(form), 403, 5);
    });

    test('an upload attaches once, only by its uploader, and not after it expired (one hour of emulator clock)', async () => {
      const admin = backlogClient(emu());
      const mine = await upload(1, 'a.txt', 'aaa');
      const theirs = await upload(2, 'b.txt', 'bbb');
      const stale = await upload(1, 'c.txt', 'ccc');
      const attached = await admin.postWikisAttachments(1, [mine.id]);
      assert.deepEqual(
        attached.map((a) => a.id),
        [mine.id],
      );
      const again = await api(emu(), 'POST', '/wikis/1/attachments', { form: { 'attachmentId[]': String(mine.id) } });
      assert.equal(again.status, 400);
      assertBacklogError(again.body, 7, 'attachmentId');
      const foreign = await api(emu(), 'POST', '/wikis/1/attachments', { form: { 'attachmentId[]': String(theirs.id) } });
      assert.equal(foreign.status, 400);
      await control(emu(), 'POST', 'clock', { advanceSeconds: 3601 });
      const expired = await api(emu(), 'POST', '/wikis/1/attachments', { form: { 'attachmentId[]': String(stale.id) } });
      assert.equal(expired.status, 400);
      assertBacklogError(expired.body, 7, 'attachmentId');
    });
  });

  describe('users', () => {
    let created: { id: number; userId: string };

    test('getUsers lists every user; guests may not list users (403)', async () => {
      const users = await backlogClient(emu()).getUsers();
      assertShape(users, arrayOf(USER));
      assert.deepEqual(
        ids(users),
        emu().users.map((u) => u.id),
      );
      assert.equal((await as(4).getUsers()).length, users.length);
      await assertRejects(as(5).getUsers(), 403, 5);
      await assertRejects(as(6).getUsers(), 403, 5);
    });

    test('getMyself answers the caller for every role', async () => {
      for (const role of [1, 2, 3, 4, 5, 6] as const) {
        const me = await as(role).getMyself();
        assertShape(me, USER);
        assert.equal(me.id, idOf(role));
        assert.equal(me.roleType, role);
      }
    });

    test('getUser answers one user by numeric id; unknown and non-numeric ids are 404 "No user."', async () => {
      const user = await backlogClient(emu()).getUser(2);
      assertShape(user, USER);
      assert.equal(user.userId, 'suzuki');
      await assertRejects(backlogClient(emu()).getUser(99999), 404, 6, 'No user.');
      const r = await api(emu(), 'GET', '/users/suzuki');
      assert.equal(r.status, 404);
      assertBacklogError(r.body, 6, 'No user.');
    });

    test('postUser creates a user (administrators only) with unique userId and mail address', async () => {
      const admin = backlogClient(emu());
      const user = await admin.postUser({
        userId: 'new.member',
        password: 'pass-word-1',
        name: 'New Member',
        mailAddress: 'new.member@example.com',
        roleType: 2,
      });
      assertShape(user, USER);
      assert.equal(user.userId, 'new.member');
      assert.equal(user.roleType, 2);
      created = user;
      assert.equal((await admin.getUser(user.id)).name, 'New Member');
      const dup = await api(emu(), 'POST', '/users', {
        form: { userId: 'new.member', password: 'x', name: 'Dup', mailAddress: 'other@example.com', roleType: '2' },
      });
      assert.equal(dup.status, 400);
      assertBacklogError(dup.body, 7, 'userId');
      const dupMail = await api(emu(), 'POST', '/users', {
        form: { userId: 'other', password: 'x', name: 'Dup', mailAddress: 'new.member@example.com', roleType: '2' },
      });
      assert.equal(dupMail.status, 400);
      assertBacklogError(dupMail.body, 7, 'mailAddress');
      const missing = await api(emu(), 'POST', '/users', { form: { userId: 'other', password: 'x', mailAddress: 'o@example.com', roleType: '2' } });
      assertBacklogError(missing.body, 7, 'name');
      const badRole = await api(emu(), 'POST', '/users', { form: { userId: 'other', password: 'x', name: 'O', mailAddress: 'o@example.com', roleType: '7' } });
      assert.equal(badRole.status, 400);
      assertBacklogError(badRole.body, 7, 'roleType');
      await assertRejects(as(2).postUser({ userId: 'x2', password: 'x', name: 'X', mailAddress: 'x2@example.com', roleType: 2 }), 403, 5);
    });

    test('a guest sees only members of their projects: a user in no project is "No user." to them', async () => {
      await assertRejects(as(5).getUser(created.id), 404, 6, 'No user.');
      await assertRejects(as(5).getUserIcon(created.id), 404, 6, 'No user.');
      assert.equal((await as(5).getUser(1)).id, 1);
    });

    test('patchUser changes fields (administrators only); the space owner stays an administrator', async () => {
      const admin = backlogClient(emu());
      const user = await admin.patchUser(created.id, { name: 'Renamed Member', roleType: 3 });
      assertShape(user, USER);
      assert.equal(user.name, 'Renamed Member');
      assert.equal(user.roleType, 3);
      await assertRejects(admin.patchUser(1, { roleType: 2 }), 400, 7, 'roleType');
      await assertRejects(as(2).patchUser(created.id, { name: 'x' }), 403, 5);
      await assertRejects(admin.patchUser(99999, { name: 'x' }), 404, 6, 'No user.');
    });

    test('deleteUser answers the deleted user (administrators only); the space owner cannot be deleted', async () => {
      const admin = backlogClient(emu());
      await assertRejects(as(2).deleteUser(created.id), 403, 5);
      await assertRejects(admin.deleteUser(1), 400, 7);
      const gone = await admin.deleteUser(created.id);
      assertShape(gone, USER);
      assert.equal(gone.id, created.id);
      await assertRejects(admin.getUser(created.id), 404, 6, 'No user.');
    });

    test('getUserIcon answers a PNG named after the user; an unknown user is 404', async () => {
      const file = await as(3).getUserIcon(2);
      assert.deepEqual((await bytesOf(file)).subarray(0, 8), PNG_SIGNATURE);
      assert.equal((file as { filename?: string }).filename, 'suzuki.png');
      await assertRejects(as(3).getUserIcon(99999), 404, 6, 'No user.');
    });

    test("getUserActivities lists the user's own updates in projects the caller sees", async () => {
      const rows = await backlogClient(emu()).getUserActivities(2, { count: 100 });
      assert.ok(rows.length > 0);
      assertShape(rows, arrayOf(ACTIVITY));
      for (const r of rows) assert.equal(r.createdUser.id, 2);
      for (const r of await as(5).getUserActivities(2, { count: 100 })) assert.equal(r.project.projectKey, 'WEB');
      await pagingEdges('/users/2/activities');
    });

    test('getUserStars lists stars the user received, with inclusive keyset bounds', async () => {
      const client = backlogClient(emu());
      const receiver = (await Promise.all([1, 2, 3].map(async (id) => ({ id, stars: await client.getUserStars(id, { count: 100 }) })))).sort(
        (a, b) => b.stars.length - a.stars.length,
      )[0]!;
      assert.ok(receiver.stars.length >= 3, 'a seeded user received several stars');
      assertShape(receiver.stars, arrayOf(STAR));
      const all = ids(receiver.stars);
      assert.deepEqual(
        all,
        [...all].sort((a, b) => b - a),
      );
      const [a, b, c] = all as [number, number, number];
      assert.deepEqual(ids(await client.getUserStars(receiver.id, { maxId: b, minId: c })), [b, c]);
      assert.deepEqual(ids(await client.getUserStars(receiver.id, { minId: b, order: 'asc', count: 2 })), [b, a]);
      const count = await client.getUserStarsCount(receiver.id, {});
      assertShape(count, COUNT);
      assert.equal(count.count, all.length);
      await pagingEdges(`/users/${receiver.id}/stars`);
    });

    test('getUserStarsCount counts by since/until dates in the space time zone and refuses bad dates', async () => {
      const client = backlogClient(emu());
      assert.deepEqual(await client.getUserStarsCount(2, { since: '2000-01-01', until: '2000-12-31' }), { count: 0 });
      const all = (await client.getUserStarsCount(2, {})).count;
      assert.equal((await client.getUserStarsCount(2, { since: '2000-01-01', until: '2099-12-31' })).count, all);
      await assertRejects(client.getUserStarsCount(2, { since: '2026-02-30' }), 400, 7, 'since');
      await assertRejects(client.getUserStarsCount(2, { since: '2026-05-01', until: '2026-04-01' }), 400, 7, 'since');
    });
  });

  describe('recently viewed', () => {
    test('getRecentlyViewedIssues answers {issue, updated} newest first; order=asc reverses; past the end is []', async () => {
      const client = as(2);
      const rows = await client.getRecentlyViewedIssues({});
      assert.ok(rows.length > 0);
      assertShape(rows, arrayOf({ issue: ISSUE, updated: 'timestamp' }));
      const times = rows.map((r) => r.updated);
      assert.deepEqual(times, [...times].sort().reverse());
      const asc = await client.getRecentlyViewedIssues({ order: 'asc' });
      assert.deepEqual(
        asc.map((r) => r.issue.id),
        rows.map((r) => r.issue.id).reverse(),
      );
      assert.deepEqual(await client.getRecentlyViewedIssues({ offset: 1000 }), []);
      assert.equal((await client.getRecentlyViewedIssues({ offset: 1, count: 1 }))[0]?.issue.id, rows[1]?.issue.id);
      await pagingEdges('/users/myself/recentlyViewedIssues');
    });

    test('POST recentlyViewedIssues answers the Issue and moves it to the top', async () => {
      const before = await as(2).getRecentlyViewedIssues({});
      const last = before.at(-1)!.issue;
      const r = await api(emu(), 'POST', '/users/myself/recentlyViewedIssues', { form: { issueIdOrKey: last.issueKey }, apiKey: keyOf(emu(), 2) });
      assert.equal(r.status, 200);
      assertShape(r.body, ISSUE);
      const after = await as(2).getRecentlyViewedIssues({});
      assert.equal(after[0]?.issue.id, last.id);
      assert.equal(after.length, before.length);
      const bad = await api(emu(), 'POST', '/users/myself/recentlyViewedIssues', { form: { issueIdOrKey: 'NOPE-1' } });
      assert.equal(bad.status, 400);
      assertBacklogError(bad.body, 7, 'issueIdOrKey');
      const missing = await api(emu(), 'POST', '/users/myself/recentlyViewedIssues', { form: {} });
      assertBacklogError(missing.body, 7, 'issueIdOrKey');
    });

    test('getRecentlyViewedProjects and getRecentlyViewedWikis answer {project, updated} and {page, updated}', async () => {
      const projects = await as(2).getRecentlyViewedProjects({});
      assert.ok(projects.length > 0);
      assertShape(projects, arrayOf({ project: PROJECT, updated: 'timestamp' }));
      const wikis = await backlogClient(emu()).getRecentlyViewedWikis({ count: 100 });
      assert.ok(wikis.length > 0);
      assertShape(wikis, arrayOf({ page: WIKI_LIST_ITEM, updated: 'timestamp' }));
      await pagingEdges('/users/myself/recentlyViewedProjects');
      await pagingEdges('/users/myself/recentlyViewedWikis');
    });
  });

  describe('stars', () => {
    test('postStar stars an issue (204), the author receives it, and a second star on it is 400', async () => {
      const issue = (await backlogClient(emu()).getIssues({ projectId: [1], count: 1 }))[0]!;
      const author = issue.createdUser.id;
      const starrer: Role = author === idOf(4) ? 3 : 4;
      const before = (await backlogClient(emu()).getUserStarsCount(author, {})).count;
      const r = await api(emu(), 'POST', '/stars', { form: { issueId: String(issue.id) }, apiKey: keyOf(emu(), starrer) });
      assert.equal(r.status, 204);
      assert.equal(r.text, '');
      assert.equal((await backlogClient(emu()).getUserStarsCount(author, {})).count, before + 1);
      const newest = (await backlogClient(emu()).getUserStars(author, { count: 1 }))[0]!;
      assert.equal(newest.presenter.id, idOf(starrer));
      assert.ok(newest.title.includes(issue.issueKey));
      await assertRejects(as(starrer).postStar({ issueId: issue.id }), 400, 7, 'issueId');
    });

    test('postStar needs exactly one existing, visible target', async () => {
      const client = backlogClient(emu());
      await assertRejects(client.postStar({}), 400, 7, 'issueId');
      await assertRejects(client.postStar({ issueId: 1, wikiId: 1 }), 400, 7, 'wikiId');
      await assertRejects(client.postStar({ commentId: 999999 }), 400, 7, 'commentId');
      const appIssue = (await client.getIssues({ projectId: [2], count: 1 }))[0]!;
      await assertRejects(as(5).postStar({ issueId: appIssue.id }), 400, 7, 'issueId');
      await assertRejects(as(3).postStar({ pullRequestId: 1 }), 400, 7, 'pullRequestId');
      const activity = (await client.getProjectActivities('WEB', { activityTypeId: [3], count: 1 }))[0]!;
      const commentId = (activity.content as { comment: { id: number } }).comment.id;
      await as(6).postStar({ commentId });
      await client.postStar({ wikiId: 2 });
      await client.postStar({ pullRequestId: 2 });
      const starred = await client.getUserStars(emu().users.find((u) => u.id === (activity.createdUser as { id: number }).id)!.id, { count: 1 });
      assert.equal(starred[0]?.presenter.id, idOf(6));
    });

    test('removeStar removes one\'s own star (204); another\'s is 403 and an unknown id 404 "No star."', async () => {
      const client = backlogClient(emu());
      await client.postStar({ wikiId: 3 });
      const star = (await client.getWikisStars(3)).find((s) => s.presenter.id === 1)!;
      await assertRejects(as(2).removeStar(star.id), 403, 5);
      const r = await api(emu(), 'DELETE', `/stars/${star.id}`);
      assert.equal(r.status, 204);
      assert.equal(
        (await client.getWikisStars(3)).some((s) => s.id === star.id),
        false,
      );
      await assertRejects(client.removeStar(star.id), 404, 6, 'No star.');
    });
  });

  describe('notifications', () => {
    test("getNotifications answers the caller's Notification objects newest first, with inclusive keyset bounds", async () => {
      const client = backlogClient(emu());
      const rows = await client.getNotifications({ count: 100 });
      assert.ok(rows.length >= 3);
      assertShape(rows, arrayOf(NOTIFICATION));
      const all = ids(rows);
      assert.deepEqual(
        all,
        [...all].sort((a, b) => b - a),
      );
      const [a, b, c] = all as [number, number, number];
      assert.deepEqual(ids(await client.getNotifications({ maxId: b, minId: c })), [b, c]);
      assert.deepEqual(ids(await client.getNotifications({ minId: b, order: 'asc', count: 2 })), [b, a]);
      for (const n of rows) {
        if (n.comment) assert.ok(n.issue, `notification ${n.id}: a comment comes with its issue`);
        if (n.pullRequestComment)
          assert.ok(n.pullRequest && (n as { repository?: unknown }).repository, `notification ${n.id}: a PR comment comes with its PR and repository`);
      }
      assert.ok(rows.some((n) => n.issue) && rows.some((n) => n.pullRequest), 'issue and pull-request notifications are both seeded');
      await pagingEdges('/notifications');
    });

    test('senderId keeps only notifications from that sender', async () => {
      const rows = await backlogClient(emu()).getNotifications({ count: 100 });
      const sender = rows[0]!.sender.id;
      const r = await api(emu(), 'GET', '/notifications', { query: { senderId: String(sender), count: '100' } });
      assert.equal(r.status, 200);
      const got = r.body as { sender: { id: number } }[];
      assert.ok(got.length > 0);
      for (const n of got) assert.equal(n.sender.id, sender);
      assert.equal(got.length, rows.filter((n) => n.sender.id === sender).length);
    });

    test('getNotificationsCount counts by read marks', async () => {
      const client = backlogClient(emu());
      const rows = await client.getNotifications({ count: 100 });
      for (const alreadyRead of [true, false]) {
        for (const resourceAlreadyRead of [true, false]) {
          const count = await client.getNotificationsCount({ alreadyRead, resourceAlreadyRead });
          assertShape(count, COUNT);
          if (rows.length < 100) {
            assert.equal(count.count, rows.filter((n) => n.alreadyRead === alreadyRead && n.resourceAlreadyRead === resourceAlreadyRead).length);
          }
        }
      }
    });

    test("markAsReadNotification marks one own notification read (204); another user's is 403, an unknown id 404", async () => {
      const client = backlogClient(emu());
      const target = (await client.getNotifications({ count: 100 })).find((n) => !n.resourceAlreadyRead || !n.alreadyRead)!;
      const r = await api(emu(), 'POST', `/notifications/${target.id}/markAsRead`);
      assert.equal(r.status, 204);
      const after = (await client.getNotifications({ maxId: target.id, count: 1 }))[0]!;
      assert.equal(after.alreadyRead, true);
      assert.equal(after.resourceAlreadyRead, true);
      await assertRejects(as(6).markAsReadNotification(target.id), 403, 5);
      await assertRejects(client.markAsReadNotification(999999), 404, 6, 'No notification.');
    });

    test('resetNotificationsMarkAsRead marks every own notification seen and answers how many it reset', async () => {
      const client = backlogClient(emu());
      const unread = (await client.getNotifications({ count: 100 })).filter((n) => !n.alreadyRead).length;
      const r = await client.resetNotificationsMarkAsRead();
      assertShape(r, COUNT);
      assert.equal(r.count, unread);
      const rest = await api(emu(), 'GET', '/notifications/count', { query: { alreadyRead: 'false' } });
      assert.deepEqual(rest.body, { count: 0 });
      assert.deepEqual(await client.resetNotificationsMarkAsRead(), { count: 0 });
    });
  });

  describe('watchings', () => {
    let watchingId: number;

    test("getWatchingListItems lists the caller's watchings, most recently updated issue first", async () => {
      const rows = await backlogClient(emu()).getWatchingListItems(1);
      assert.ok(rows.length > 0);
      assertShape(rows, arrayOf(WATCHING));
      const times = rows.map((w) => w.lastContentUpdated);
      assert.deepEqual(times, [...times].sort().reverse());
      const byCreated = await backlogClient(emu()).getWatchingListItems(1, { sort: 'created', order: 'asc' });
      const created = byCreated.map((w) => w.created);
      assert.deepEqual(created, [...created].sort());
      assert.deepEqual(await backlogClient(emu()).getWatchingListItems(1, { offset: 1000 }), []);
      await pagingEdges('/users/1/watchings');
    });

    test('watching filters: resourceAlreadyRead and issueId[]; counts agree with the list', async () => {
      const client = backlogClient(emu());
      const all = await client.getWatchingListItems(1, { count: 100 });
      for (const read of [true, false]) {
        const rows = await client.getWatchingListItems(1, { resourceAlreadyRead: read, count: 100 });
        assert.equal(rows.length, all.filter((w) => w.resourceAlreadyRead === read).length);
        assert.deepEqual(await client.getWatchingListCount(1, { resourceAlreadyRead: read }), { count: rows.length });
        assert.deepEqual(await client.getWatchingListCount(1, { alreadyRead: read }), { count: rows.length });
      }
      const one = await client.getWatchingListItems(1, { issueId: [all[0]!.issue.id] });
      assert.deepEqual(ids(one), [all[0]!.id]);
      const count = await client.getWatchingListCount(1);
      assertShape(count, COUNT);
      assert.equal(count.count, all.length);
      await assertRejects(client.getWatchingListCount(1, { alreadyRead: true, resourceAlreadyRead: true }), 400, 7, 'alreadyRead');
    });

    test("another user's watchings are 403, an unknown user 404", async () => {
      await assertRejects(as(2).getWatchingListItems(1), 403, 5);
      await assertRejects(as(2).getWatchingListCount(1), 403, 5);
      await assertRejects(backlogClient(emu()).getWatchingListItems(99999), 404, 6, 'No user.');
    });

    test('postWatchingListItem watches an issue (201); watching it twice or an unseen issue is 400', async () => {
      const client = as(4);
      const watched = new Set((await client.getWatchingListItems(idOf(4), { count: 100 })).map((w) => w.issue.id));
      const issue = (await client.getIssues({ projectId: [1], count: 100 })).find((i) => !watched.has(i.id))!;
      const r = await api(emu(), 'POST', '/watchings', { form: { issueIdOrKey: issue.issueKey, note: '見ておく' }, apiKey: keyOf(emu(), 4) });
      assert.equal(r.status, 201);
      assertShape(r.body, WATCHING);
      const w = r.body as { id: number; note: string; issue: { id: number } };
      assert.equal(w.note, '見ておく');
      assert.equal(w.issue.id, issue.id);
      watchingId = w.id;
      await assertRejects(client.postWatchingListItem({ issueIdOrKey: issue.id, note: '' }), 400, 7, 'issueIdOrKey');
      await assertRejects(client.postWatchingListItem({ issueIdOrKey: 'APP-1', note: '' }), 400, 7, 'issueIdOrKey');
      const missing = await api(emu(), 'POST', '/watchings', { form: { note: 'x' } });
      assertBacklogError(missing.body, 7, 'issueIdOrKey');
    });

    test("getWatchingListItem, patchWatchingListItem and resetWatchingListItemAsRead act on one's own watching", async () => {
      const client = as(4);
      const w = await client.getWatchingListItem(watchingId);
      assertShape(w, WATCHING);
      const patched = await client.patchWatchingListItem(watchingId, 'updated note');
      assertShape(patched, WATCHING);
      assert.equal(patched.note, 'updated note');
      const r = await api(emu(), 'POST', `/watchings/${watchingId}/markAsRead`, { apiKey: keyOf(emu(), 4) });
      assert.equal(r.status, 204);
      assert.equal((await client.getWatchingListItem(watchingId)).resourceAlreadyRead, true);
      await assertRejects(backlogClient(emu()).getWatchingListItem(watchingId), 403, 5);
      await assertRejects(backlogClient(emu()).patchWatchingListItem(watchingId, 'x'), 403, 5);
      await assertRejects(backlogClient(emu()).resetWatchingListItemAsRead(watchingId), 403, 5);
      await assertRejects(client.getWatchingListItem(999999), 404, 6, 'No watching.');
    });

    test('deletehWatchingListItem answers the deleted watching; it is then 404', async () => {
      const client = as(4);
      await assertRejects(backlogClient(emu()).deletehWatchingListItem(watchingId), 403, 5);
      const gone = await client.deletehWatchingListItem(watchingId);
      assertShape(gone, WATCHING);
      assert.equal(gone.id, watchingId);
      await assertRejects(client.getWatchingListItem(watchingId), 404, 6, 'No watching.');
    });
  });

  describe('teams', () => {
    let teamId: number;

    test('getTeams pages teams newest first for administrators and project administrators', async () => {
      const rows = await backlogClient(emu()).getTeams();
      assert.ok(rows.length > 0);
      assertShape(rows, arrayOf(TEAM));
      const desc = ids(rows);
      assert.deepEqual(
        desc,
        [...desc].sort((a, b) => b - a),
      );
      assert.deepEqual(ids(await backlogClient(emu()).getTeams({ order: 'asc' })), [...desc].reverse());
      assert.deepEqual(await backlogClient(emu()).getTeams({ offset: 1000 }), []);
      assert.equal((await as(2).getTeams()).length, rows.length);
      await assertRejects(as(3).getTeams(), 403, 5);
      await pagingEdges('/teams');
    });

    test('postTeam creates a team (administrators only) with unique name and existing members', async () => {
      const admin = backlogClient(emu());
      const team = await admin.postTeam({ name: 'Contract Team', members: [2, 3] });
      assertShape(team, TEAM);
      assert.deepEqual(ids(team.members), [2, 3]);
      assert.equal(team.displayOrder, null);
      teamId = team.id;
      await assertRejects(admin.postTeam({ name: 'Contract Team' }), 400, 7, 'name');
      await assertRejects(admin.postTeam({ name: 'Ghosts', members: [99999] }), 400, 7, 'members');
      await assertRejects(as(2).postTeam({ name: 'Not mine' }), 403, 5);
      const missing = await api(emu(), 'POST', '/teams', { form: {} });
      assertBacklogError(missing.body, 7, 'name');
    });

    test('getTeam answers one team to admins and to its members; others get 403, unknown ids 404', async () => {
      const team = await as(3).getTeam(teamId);
      assertShape(team, TEAM);
      await assertRejects(as(4).getTeam(teamId), 403, 5);
      await assertRejects(backlogClient(emu()).getTeam(99999), 404, 6, 'No team.');
      const icon = await as(3).getTeamIcon(teamId);
      assert.deepEqual((await bytesOf(icon)).subarray(0, 8), PNG_SIGNATURE);
      await assertRejects(as(4).getTeamIcon(teamId), 403, 5);
    });

    test('patchTeam renames and replaces members; deleteTeam answers the team and removes it', async () => {
      const admin = backlogClient(emu());
      const patched = await admin.patchTeam(teamId, { name: 'Renamed Team', members: [4] });
      assert.equal(patched.name, 'Renamed Team');
      assert.deepEqual(ids(patched.members), [4]);
      await assertRejects(as(2).patchTeam(teamId, { name: 'x' }), 403, 5);
      await assertRejects(as(2).deleteTeam(teamId), 403, 5);
      const gone = await admin.deleteTeam(teamId);
      assertShape(gone, TEAM);
      await assertRejects(admin.getTeam(teamId), 404, 6, 'No team.');
    });
  });

  describe('rate limits', () => {
    let limited: RunningEmulator;
    let tiny: RunningEmulator;

    before(async () => {
      limited = await startTestEmulator({ rateLimit: 'backlog' });
      tiny = await startTestEmulator({ rateLimit: 'read=3', rateWindow: 2 });
    });
    after(async () => {
      await limited.close();
      await tiny.close();
    });

    test('every response carries X-RateLimit-* headers with the limit of its category (read 600, update 150, search 150, icon 60)', async () => {
      const cases: [string, string, Record<string, string> | undefined, string][] = [
        ['GET', '/space', undefined, '600'],
        ['GET', '/issues/count', undefined, '150'],
        ['GET', '/space/image', undefined, '60'],
        ['GET', '/users/2/icon', undefined, '60'],
        ['PUT', '/space/notification', { content: 'x' }, '150'],
        ['GET', '/users/99999', undefined, '600'],
      ];
      for (const [method, path, form, limit] of cases) {
        const r = await api(limited, method, path, form ? { form } : {});
        assert.equal(r.headers.get('x-ratelimit-limit'), limit, `${method} ${path}`);
        assert.match(r.headers.get('x-ratelimit-remaining') ?? '', /^\d+$/);
        assert.match(r.headers.get('x-ratelimit-reset') ?? '', /^\d+$/);
      }
    });

    test('GET /rateLimit counts itself as a read and agrees with its own headers', async () => {
      const key = keyOf(limited, 3);
      const r = await api(limited, 'GET', '/rateLimit', { apiKey: key });
      assertShape(r.body, RATE_LIMIT);
      const body = (r.body as { rateLimit: Record<string, { limit: number; remaining: number; reset: number }> }).rateLimit;
      assert.deepEqual([body.read!.limit, body.update!.limit, body.search!.limit, body.icon!.limit], [600, 150, 150, 60]);
      assert.equal(body.read!.remaining, 599);
      assert.equal(String(body.read!.remaining), r.headers.get('x-ratelimit-remaining'));
      assert.equal(String(body.read!.reset), r.headers.get('x-ratelimit-reset'));
      assert.equal(body.update!.remaining, 150);
      const again = (await api(limited, 'GET', '/rateLimit', { apiKey: key })).body as typeof r.body;
      assert.equal((again as { rateLimit: { read: { remaining: number } } }).rateLimit.read.remaining, 598);
    });

    test('over the limit is 429 / code 13 until the window resets after advancing the clock', async () => {
      const key = keyOf(tiny, 2);
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 4; i++) {
        last = await api(tiny, 'GET', '/space', { apiKey: key });
        statuses.push(last.status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      assertBacklogError(last!.body, 13);
      assert.equal(last!.headers.get('x-ratelimit-remaining'), '0');
      const reset = Number(last!.headers.get('x-ratelimit-reset'));
      const now = Date.parse(((await control(tiny, 'GET', 'clock')) as { now: string }).now) / 1000;
      assert.ok(reset > now - 1 && reset <= now + 3, `reset ${reset} within the 2 s window of ${now}`);
      const other = await api(tiny, 'GET', '/space', { apiKey: keyOf(tiny, 1) });
      assert.equal(other.status, 200, 'limits are per user');
      const update = await api(tiny, 'PUT', '/space/notification', { form: { content: 'x' }, apiKey: keyOf(tiny, 1) });
      assert.equal(update.headers.get('x-ratelimit-limit'), '150', 'limits are per category');
      await control(tiny, 'POST', 'clock', { advanceSeconds: 3 });
      const after = await api(tiny, 'GET', '/space', { apiKey: key });
      assert.equal(after.status, 200);
      assert.equal(after.headers.get('x-ratelimit-remaining'), '2');
    });
  });
}
