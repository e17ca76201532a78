/**
 * Contract tests for issues and their children (docs/backlog-api.md §10, §3.2, §3.3, §7.9,
 * §7.10, §7.15): driven with backlog-js wherever it has a method, with raw calls for headers, bad
 * input, other roles and the parameter forms backlog-js cannot send.
 *
 * Expectations are computed from the full issue list (every page, as the administrator), never
 * hard-coded, so the tests survive changes to the seed. Seed facts relied on (tiny scale):
 * projects 1 WEB (all custom field types, subtasking with grandchildren, file sharing), 2 APP,
 * 3 OPS; the guest reporter (5) belongs to WEB only; users 1–6 are one per role.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Backlog } from 'backlog-js';
import { api, backlogClient, clientAs, control, startTestEmulator, type RunningEmulator } from '../../helpers/emulator.js';
import {
  ATTACHMENT,
  COMMENT,
  COMMENT_NOTIFICATION,
  ISSUE,
  SHARED_FILE,
  USER,
  arrayOf,
  assertShape,
  nullable,
  type Spec,
  assertRejects,
  assertRawFails,
} from '../../helpers/shape.js';
import { emu, freshEmulator } from '../harness.js';

/** An issue as the API returns it (the fields these tests read). */
interface Issue {
  id: number;
  projectId: number;
  issueKey: string;
  keyId: number;
  summary: string;
  description: string;
  issueType: { id: number; displayOrder: number };
  status: { id: number; displayOrder: number };
  priority: { id: number };
  resolution: { id: number } | null;
  assignee: { id: number; name: string } | null;
  category: { id: number; displayOrder: number }[];
  versions: { id: number; displayOrder: number }[];
  milestone: { id: number; displayOrder: number }[];
  startDate: string | null;
  dueDate: string | null;
  estimatedHours: number | null;
  actualHours: number | null;
  parentIssueId: number | null;
  createdUser: { id: number; name: string };
  created: string;
  updatedUser: { id: number; name: string };
  updated: string;
  customFields: { id: number; fieldTypeId: number; value: unknown; otherValue?: string | null }[];
  attachments: { id: number; name: string; size: number }[];
  sharedFiles: { id: number }[];
  childIssueSummary?: { total: number; closed: number };
}

const ITEM: Spec = { id: 'number', name: 'string', displayOrder: 'number' };
/** issue.customFields[] per fieldTypeId (§7.10). */
const CUSTOM_VALUE_BY_TYPE: Record<number, Spec> = {
  1: { id: 'number', fieldTypeId: 'number', name: 'string', value: nullable('string') },
  2: { id: 'number', fieldTypeId: 'number', name: 'string', value: nullable('string') },
  3: { id: 'number', fieldTypeId: 'number', name: 'string', value: nullable('number') },
  4: { id: 'number', fieldTypeId: 'number', name: 'string', value: nullable('timestamp') },
  5: { id: 'number', fieldTypeId: 'number', name: 'string', value: nullable(ITEM) },
  6: { id: 'number', fieldTypeId: 'number', name: 'string', value: arrayOf(ITEM) },
  7: { id: 'number', fieldTypeId: 'number', name: 'string', value: arrayOf(ITEM), otherValue: nullable('string') },
  8: { id: 'number', fieldTypeId: 'number', name: 'string', value: nullable(ITEM), otherValue: nullable('string') },
};
const RELATED_ISSUE: Spec = { ...ISSUE, type: 'string' };

const TZ = 'Asia/Tokyo';

function keyOf(e: RunningEmulator, role: 1 | 2 | 3 | 4 | 5 | 6): string {
  const user = e.users.find((u) => u.roleType === role);
  if (!user) throw new Error(`no user with role ${role}`);
  return user.apiKey;
}

function userIdOf(role: 1 | 2 | 3 | 4 | 5 | 6): number {
  const user = emu().users.find((u) => u.roleType === role);
  if (!user) throw new Error(`no user with role ${role}`);
  return user.id;
}

/** Every issue the client can see, in the default order, fetched page by page. */
async function allIssues(client: Backlog, params: Record<string, unknown> = {}): Promise<Issue[]> {
  const out: Issue[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = (await client.getIssues({ ...params, count: 100, offset } as never)) as unknown as Issue[];
    out.push(...page);
    if (page.length < 100) return out;
  }
}

/** The raw list (for parameter forms backlog-js would rewrite), all pages. */
async function rawAll(query: Record<string, string | string[]>, e: RunningEmulator = emu()): Promise<Issue[]> {
  const out: Issue[] = [];
  for (let offset = 0; ; offset += 100) {
    const res = await api(e, 'GET', '/issues', { query: { ...query, count: '100', offset: String(offset) } });
    assert.equal(res.status, 200, res.text);
    const page = res.body as Issue[];
    out.push(...page);
    if (page.length < 100) return out;
  }
}

const ids = (list: { id: number }[]) => list.map((i) => i.id);

/** Calendar date of an ISO instant in a time zone. */
function dateIn(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A multipart upload through POST /space/attachment, as the given user. */
async function upload(e: RunningEmulator, apiKey: string, name: string, content: string): Promise<{ id: number; name: string; size: number }> {
  const form = new FormData();
  form.append('file', new Blob([content]), name);
  const res = await api(e, 'POST', '/space/attachment', { apiKey, body: form });
  assert.equal(res.status, 200, res.text);
  return res.body as { id: number; name: string; size: number };
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  return Buffer.from(await new Response(body as ReadableStream).arrayBuffer());
}

export function issuesContract(): void {
  let admin: Backlog;
  let all: Issue[];

  before(async () => {
    await freshEmulator();
    admin = backlogClient(emu());
    all = await allIssues(admin);
  });

  describe('GET /issues and /issues/count', () => {
    test('returns documented issue shapes, custom field values typed by field type', async () => {
      assert.ok(all.length > 20);
      for (const issue of all) {
        assertShape(issue, ISSUE);
        for (const cf of issue.customFields) assertShape(cf, CUSTOM_VALUE_BY_TYPE[cf.fieldTypeId] as Spec);
      }
      const types = new Set(all.flatMap((i) => i.customFields.map((c) => c.fieldTypeId)));
      assert.deepEqual([...types].sort(), [1, 2, 3, 4, 5, 6, 7, 8]);
    });

    test('orders newest first by default (id desc) and oldest first with order=asc', async () => {
      const sorted = [...ids(all)].sort((a, b) => b - a);
      assert.deepEqual(ids(all), sorted);
      const asc = await allIssues(admin, { order: 'asc' });
      assert.deepEqual(ids(asc), [...sorted].reverse());
    });

    test('counts the same issues it lists', async () => {
      assert.deepEqual(await admin.getIssuesCount(), { count: all.length });
    });

    test('refuses count=0 and count=101 with 400 naming count, accepts count=100', async () => {
      await assertRawFails(api(emu(), 'GET', '/issues', { query: { count: '0' } }), 400, 7, 'count');
      await assertRawFails(api(emu(), 'GET', '/issues', { query: { count: '101' } }), 400, 7, 'count');
      const ok = await api(emu(), 'GET', '/issues', { query: { count: '100' } });
      assert.equal(ok.status, 200);
      assert.equal((ok.body as unknown[]).length, Math.min(100, all.length));
    });

    test('answers [] for an offset past the end and 400 for a negative offset', async () => {
      assert.deepEqual(await admin.getIssues({ offset: all.length + 5, count: 10 }), []);
      assert.deepEqual(await admin.getIssues({ offset: all.length, count: 10, sort: 'summary' }), []);
      await assertRawFails(api(emu(), 'GET', '/issues', { query: { offset: '-1' } }), 400, 7, 'offset');
    });

    test('defaults to 20 issues per page', async () => {
      assert.equal((await admin.getIssues()).length, Math.min(20, all.length));
    });

    test('refuses unknown parameters and an unknown sort key with 400', async () => {
      await assertRawFails(api(emu(), 'GET', '/issues', { query: { projectIds: '1' } }), 400, 7, 'projectIds');
      await assertRawFails(api(emu(), 'GET', '/issues', { query: { sort: 'nonsense' } }), 400, 7, 'sort');
      await assertRawFails(api(emu(), 'GET', '/issues', { query: { projectId: '1' } }), 400, 7, 'projectId');
    });

    const SORTS = [
      'issueType',
      'category',
      'version',
      'milestone',
      'summary',
      'status',
      'priority',
      'attachment',
      'sharedFile',
      'created',
      'createdUser',
      'updated',
      'updatedUser',
      'assignee',
      'startDate',
      'dueDate',
      'estimatedHours',
      'actualHours',
      'childIssue',
      'customField_3',
      'customField_5',
    ];
    for (const sort of SORTS) {
      test(`pages sorted by ${sort} without repeating or skipping an issue`, async () => {
        for (const order of ['asc', 'desc']) {
          const pages: number[] = [];
          for (let offset = 0; offset < all.length + 7; offset += 7) {
            const res = await api(emu(), 'GET', '/issues', { query: { sort, order, count: '7', offset: String(offset) } });
            assert.equal(res.status, 200, res.text);
            pages.push(...ids(res.body as Issue[]));
          }
          assert.equal(new Set(pages).size, pages.length, `${sort} ${order}: an issue appeared twice`);
          assert.deepEqual(
            [...pages].sort((a, b) => a - b),
            [...ids(all)].sort((a, b) => a - b),
          );
          const single = ids(await rawAll({ sort, order }));
          assert.deepEqual(pages, single, 'paged and single-page orders differ');
        }
      });
    }

    test('sorts by a plain key in the documented direction, empty values last in asc', async () => {
      const byDue = await rawAll({ sort: 'dueDate', order: 'asc' });
      const dues = byDue.map((i) => i.dueDate);
      const firstNull = dues.indexOf(null);
      assert.ok(firstNull > 0, 'some issues have due dates and some do not');
      assert.ok(dues.slice(firstNull).every((d) => d === null));
      const set = dues.slice(0, firstNull) as string[];
      assert.deepEqual(set, [...set].sort());
      const byUpdated = await rawAll({ sort: 'updated', order: 'desc' });
      const times = byUpdated.map((i) => Date.parse(i.updated));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => b - a),
      );
      const byPriority = await rawAll({ sort: 'priority', order: 'desc' });
      const pr = byPriority.map((i) => i.priority.id);
      assert.deepEqual(
        pr,
        [...pr].sort((a, b) => a - b),
        'desc priority lists High (2) first',
      );
    });

    /** Each documented filter against the same filter applied to the full list. */
    const FILTERS: { name: string; params: () => Record<string, unknown>; expect: (i: Issue) => boolean }[] = [
      { name: 'projectId[]', params: () => ({ projectId: [2, 3] }), expect: (i) => i.projectId === 2 || i.projectId === 3 },
      { name: 'issueTypeId[]', params: () => ({ issueTypeId: [1, 6] }), expect: (i) => [1, 6].includes(i.issueType.id) },
      { name: 'categoryId[]', params: () => ({ categoryId: [1, 3] }), expect: (i) => i.category.some((c) => [1, 3].includes(c.id)) },
      { name: 'versionId[]', params: () => ({ versionId: [1, 2, 4] }), expect: (i) => i.versions.some((c) => [1, 2, 4].includes(c.id)) },
      { name: 'milestoneId[]', params: () => ({ milestoneId: [1, 3] }), expect: (i) => i.milestone.some((c) => [1, 3].includes(c.id)) },
      { name: 'statusId[]', params: () => ({ statusId: [1, 4] }), expect: (i) => [1, 4].includes(i.status.id) },
      { name: 'priorityId[]', params: () => ({ priorityId: [2] }), expect: (i) => i.priority.id === 2 },
      { name: 'assigneeId[]', params: () => ({ assigneeId: [1, 2] }), expect: (i) => i.assignee !== null && [1, 2].includes(i.assignee.id) },
      { name: 'createdUserId[]', params: () => ({ createdUserId: [1, 5] }), expect: (i) => [1, 5].includes(i.createdUser.id) },
      { name: 'resolutionId[]', params: () => ({ resolutionId: [0] }), expect: (i) => i.resolution?.id === 0 },
      { name: 'id[]', params: () => ({ id: [1, 2, 3, 999] }), expect: (i) => [1, 2, 3].includes(i.id) },
      { name: 'attachment=true', params: () => ({ attachment: true }), expect: (i) => i.attachments.length > 0 },
      { name: 'attachment=false', params: () => ({ attachment: false }), expect: (i) => i.attachments.length === 0 },
      { name: 'sharedFile=true', params: () => ({ sharedFile: true }), expect: (i) => i.sharedFiles.length > 0 },
      { name: 'sharedFile=false', params: () => ({ sharedFile: false }), expect: (i) => i.sharedFiles.length === 0 },
      { name: 'keyword', params: () => ({ keyword: 'LOGIN' }), expect: (i) => `${i.summary}\n${i.description}\n${i.issueKey}`.toLowerCase().includes('login') },
      { name: 'keyword (issue key, two terms)', params: () => ({ keyword: 'web-1 web' }), expect: (i) => i.issueKey.toLowerCase().includes('web-1') },
      {
        name: 'startDateSince',
        params: () => ({ startDateSince: '2025-06-01' }),
        expect: (i) => i.startDate !== null && dateIn(i.startDate, TZ) >= '2025-06-01',
      },
      {
        name: 'startDateUntil',
        params: () => ({ startDateUntil: '2025-06-01' }),
        expect: (i) => i.startDate !== null && dateIn(i.startDate, TZ) <= '2025-06-01',
      },
      { name: 'dueDateSince', params: () => ({ dueDateSince: '2025-09-01' }), expect: (i) => i.dueDate !== null && dateIn(i.dueDate, TZ) >= '2025-09-01' },
      { name: 'dueDateUntil', params: () => ({ dueDateUntil: '2025-09-01' }), expect: (i) => i.dueDate !== null && dateIn(i.dueDate, TZ) <= '2025-09-01' },
      { name: 'createdSince', params: () => ({ createdSince: '2025-08-01' }), expect: (i) => dateIn(i.created, TZ) >= '2025-08-01' },
      { name: 'createdUntil', params: () => ({ createdUntil: '2025-08-01' }), expect: (i) => dateIn(i.created, TZ) <= '2025-08-01' },
      { name: 'updatedSince', params: () => ({ updatedSince: '2026-03-01' }), expect: (i) => dateIn(i.updated, TZ) >= '2026-03-01' },
      { name: 'updatedUntil', params: () => ({ updatedUntil: '2026-03-01' }), expect: (i) => dateIn(i.updated, TZ) <= '2026-03-01' },
      { name: 'hasDueDate=false', params: () => ({ hasDueDate: false }), expect: (i) => i.dueDate === null },
      {
        name: 'customField_{id} (text keyword)',
        params: () => ({ customField_1: 'acme' }),
        expect: (i) =>
          String(i.customFields.find((c) => c.id === 1)?.value ?? '')
            .toLowerCase()
            .includes('acme'),
      },
      {
        name: 'customField_{id}_min/_max (numeric)',
        params: () => ({ customField_3_min: 100000, customField_3_max: 300000 }),
        expect: (i) => {
          const v = i.customFields.find((c) => c.id === 3)?.value;
          return typeof v === 'number' && v >= 100000 && v <= 300000;
        },
      },
      {
        name: 'customField_{id}_min (date)',
        params: () => ({ customField_4_min: '2025-12-01' }),
        expect: (i) => {
          const v = i.customFields.find((c) => c.id === 4)?.value;
          return typeof v === 'string' && v.slice(0, 10) >= '2025-12-01';
        },
      },
      {
        name: 'customField_{id}[] sent indexed by backlog-js (list items)',
        params: () => ({ customField_6: [4, 7] }),
        expect: (i) => {
          const v = i.customFields.find((c) => c.id === 6)?.value as { id: number }[] | undefined;
          return (v ?? []).some((x) => x.id === 4 || x.id === 7);
        },
      },
    ];
    for (const f of FILTERS) {
      test(`narrows by ${f.name} exactly as filtering the full list does`, async () => {
        const expected = ids(all.filter(f.expect));
        assert.ok(expected.length > 0, `${f.name}: the seed has matching issues`);
        assert.ok(expected.length < all.length || f.name.startsWith('attachment'), `${f.name}: the filter narrows`);
        const got = ids(await allIssues(admin, f.params()));
        assert.deepEqual(got, expected);
        // The count refuses hasDueDate (tested below); every other filter counts what it lists.
        if (f.name !== 'hasDueDate=false') assert.deepEqual(await admin.getIssuesCount(f.params() as never), { count: expected.length });
      });
    }

    test('filters list custom fields with the documented customField_{id}[] form and radio items', async () => {
      const expected = ids(all.filter((i) => (i.customFields.find((c) => c.id === 8)?.value as { id: number } | null)?.id === 11));
      assert.ok(expected.length > 0);
      assert.deepEqual(ids(await rawAll({ 'customField_8[]': '11' })), expected);
    });

    test('filters by parentIssueId[] and by every parentChild mode', async () => {
      // Build a three-level tree in WEB so every mode has something to find.
      const web = all.filter((i) => i.projectId === 1);
      const top = web[web.length - 1] as Issue;
      const child = (await admin.postIssue({
        projectId: 1,
        summary: 'child',
        issueTypeId: top.issueType.id,
        priorityId: 3,
        parentIssueId: top.id,
      })) as unknown as Issue;
      const grandchild = (await admin.postIssue({
        projectId: 1,
        summary: 'grandchild',
        issueTypeId: top.issueType.id,
        priorityId: 3,
        parentIssueId: child.id,
      })) as unknown as Issue;
      const everything = await allIssues(admin);
      const byId = new Map(everything.map((i) => [i.id, i]));
      const level = (i: Issue): number => (i.parentIssueId === null ? 1 : 1 + level(byId.get(i.parentIssueId) as Issue));
      const kids = (i: Issue) => everything.filter((x) => x.parentIssueId === i.id);
      const hasKids = (i: Issue) => kids(i).length > 0;
      const modes: Record<number, (i: Issue) => boolean> = {
        0: () => true,
        1: (i) => i.parentIssueId === null,
        2: (i) => i.parentIssueId !== null,
        3: (i) => i.parentIssueId === null && !hasKids(i),
        4: hasKids,
        5: (i) => level(i) === 3,
        6: (i) => level(i) === 2,
        7: (i) => i.parentIssueId === null && hasKids(i),
        8: (i) => level(i) !== 3,
        9: (i) => !kids(i).some(hasKids),
        10: (i) => i.parentIssueId !== null && !hasKids(i),
      };
      for (const [mode, pred] of Object.entries(modes)) {
        assert.deepEqual(ids(await allIssues(admin, { parentChild: Number(mode) })), ids(everything.filter(pred)), `parentChild=${mode}`);
      }
      assert.deepEqual(ids(await allIssues(admin, { parentIssueId: [top.id, child.id] })), [grandchild.id, child.id]);
      await assertRawFails(api(emu(), 'GET', '/issues', { query: { parentChild: '11' } }), 400, 7, 'parentChild');
      const withSummary = (await admin.getIssues({ id: [top.id, child.id], expand: ['childIssueSummary'] } as never)) as unknown as Issue[];
      for (const i of withSummary) assert.deepEqual(i.childIssueSummary, { total: 1, closed: 0 });
      const single = (await admin.getIssue(top.id, { expand: ['childIssueSummary'] } as never)) as unknown as Issue;
      assert.deepEqual(single.childIssueSummary, { total: 1, closed: 0 });
      assert.ok(!('childIssueSummary' in ((await admin.getIssue(top.id)) as object)));
      await admin.deleteIssue(grandchild.id);
      await admin.deleteIssue(child.id);
    });

    test('refuses hasDueDate=true on the list and any hasDueDate on the count with 400', async () => {
      await assertRawFails(api(emu(), 'GET', '/issues', { query: { hasDueDate: 'true' } }), 400, 7, 'hasDueDate');
      await assertRawFails(api(emu(), 'GET', '/issues/count', { query: { hasDueDate: 'false' } }), 400, 7, 'hasDueDate');
    });

    test('accepts paging and sort on the count but ignores them', async () => {
      const res = await api(emu(), 'GET', '/issues/count', { query: { offset: '5', count: '3', sort: 'updated', order: 'asc', 'statusId[]': '1' } });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { count: all.filter((i) => i.status.id === 1).length });
    });

    test('refuses an unknown custom field id and a form that does not fit the field, naming the parameter', async () => {
      await assertRawFails(api(emu(), 'GET', '/issues', { query: { customField_9999: 'x' } }), 400, 7, 'customField_9999');
      await assertRawFails(api(emu(), 'GET', '/issues/count', { query: { 'customField_9999[]': '1' } }), 400, 7, 'customField_9999[]');
      await assertRawFails(api(emu(), 'GET', '/issues', { query: { customField_5: '1' } }), 400, 7, 'customField_5');
      await assertRawFails(api(emu(), 'GET', '/issues', { query: { customField_1_min: '1' } }), 400, 7, 'customField_1_min');
      await assertRawFails(api(emu(), 'GET', '/issues', { query: { customField_3_min: 'abc' } }), 400, 7, 'customField_3_min');
      await assertRawFails(api(emu(), 'GET', '/issues', { query: { sort: 'customField_9999' } }), 400, 7, 'sort');
    });

    test('shows a guest only the issues of its projects', async () => {
      const guest = clientAs(emu(), 5);
      const seen = await allIssues(guest);
      assert.deepEqual(ids(seen), ids(all.filter((i) => i.projectId === 1)));
      assert.deepEqual(await guest.getIssuesCount({ projectId: [2, 3] }), { count: 0 });
      const other = all.find((i) => i.projectId === 2) as Issue;
      await assertRejects(guest.getIssue(other.id), 404, 6, 'No issue.');
      await assertRawFails(api(emu(), 'GET', '/issues', { query: { customField_9: 'x' }, apiKey: keyOf(emu(), 5) }), 400, 7, 'customField_9');
    });

    test('counts the space time zone day boundaries for created/updated filters (America/Los_Angeles)', async () => {
      const la = await startTestEmulator({ timezone: 'America/Los_Angeles' });
      try {
        const issues = await rawAll({}, la);
        // An issue created in the evening in Los Angeles: its UTC date is the next day.
        const evening = issues.find((i) => dateIn(i.created, 'America/Los_Angeles') !== i.created.slice(0, 10));
        assert.ok(evening, 'the seed has an issue whose local and UTC dates differ');
        const local = dateIn(evening.created, 'America/Los_Angeles');
        const has = async (q: Record<string, string>) => ids(await rawAll(q, la)).includes(evening.id);
        assert.equal(await has({ createdSince: local }), true);
        assert.equal(await has({ createdUntil: local }), true);
        assert.equal(await has({ createdSince: addDays(local, 1) }), false, 'its UTC date is not its local date');
        assert.equal(await has({ createdUntil: addDays(local, -1) }), false);
        const onDay = ids(await rawAll({ createdSince: local, createdUntil: local }, la));
        assert.deepEqual(onDay, ids(issues.filter((i) => dateIn(i.created, 'America/Los_Angeles') === local)));
        // Date-only fields come back as local midnight in UTC and compare as dates.
        const due = issues.find((i) => i.dueDate !== null) as Issue;
        assert.match(due.dueDate as string, /T0[78]:00:00Z$/);
        const dueLocal = dateIn(due.dueDate as string, 'America/Los_Angeles');
        assert.ok(ids(await rawAll({ dueDateSince: dueLocal, dueDateUntil: dueLocal }, la)).includes(due.id));
      } finally {
        await la.close();
      }
    });
  });

  describe('GET/POST/PATCH/DELETE /issues/:issueIdOrKey', () => {
    test('gets an issue by id and by key, and 404 for a missing one', async () => {
      const first = all[0] as Issue;
      assertShape(await admin.getIssue(first.id), ISSUE);
      assert.equal(((await admin.getIssue(first.issueKey)) as unknown as Issue).id, first.id);
      await assertRejects(admin.getIssue(999999), 404, 6, 'No issue.');
      await assertRejects(admin.getIssue('NOPE-1'), 404, 6, 'No issue.');
      await assertRejects(admin.patchIssue(999999, { summary: 'x' }), 404, 6);
      await assertRejects(admin.deleteIssue(999999), 404, 6);
    });

    test('adds an issue with 201, a Location header and every documented field', async () => {
      const res = await api(emu(), 'POST', '/issues', {
        form: {
          projectId: '1',
          summary: 'Added by the contract suite',
          issueTypeId: '1',
          priorityId: '2',
          description: 'desc',
          startDate: '2026-11-02',
          dueDate: '2026-11-20',
          estimatedHours: '1.5',
          actualHours: '0.25',
          'categoryId[]': ['1', '2'],
          'versionId[]': '1',
          'milestoneId[]': '2',
          assigneeId: '2',
          'notifiedUserId[]': '3',
        },
      });
      assert.equal(res.status, 201, res.text);
      const issue = res.body as Issue;
      assertShape(issue, ISSUE);
      assert.equal(res.headers.get('location'), `${emu().url}/view/${issue.issueKey}`);
      assert.equal(issue.status.id, 1);
      assert.equal(issue.assignee?.id, 2);
      assert.equal(issue.startDate, '2026-11-01T15:00:00Z');
      assert.equal(issue.dueDate, '2026-11-19T15:00:00Z');
      assert.equal(issue.estimatedHours, 1.5);
      assert.deepEqual(ids(issue.category), [1, 2]);
      assert.deepEqual(ids(issue.milestone), [2]);
      assert.equal(issue.createdUser.id, userIdOf(1));
      assert.ok(issue.id > Math.max(...ids(all)));
      assert.equal(((await admin.getIssue(issue.issueKey)) as unknown as Issue).id, issue.id);
      assert.equal((await admin.getIssues({ count: 1 }))[0]?.id, issue.id, 'newest first');
      await admin.deleteIssue(issue.id);
    });

    test('adds an issue with backlog-js', async () => {
      const issue = (await admin.postIssue({ projectId: 2, summary: 'backlog-js issue', issueTypeId: 5, priorityId: 3 })) as unknown as Issue;
      assertShape(issue, ISSUE);
      assert.match(issue.issueKey, /^APP-\d+$/);
      await admin.deleteIssue(issue.issueKey);
    });

    test('refuses a missing required parameter with 400 naming it', async () => {
      const base = { projectId: '1', summary: 's', issueTypeId: '1', priorityId: '3' };
      for (const name of Object.keys(base)) {
        const form = { ...base } as Record<string, string>;
        delete form[name];
        await assertRawFails(api(emu(), 'POST', '/issues', { form }), 400, 7, name);
      }
    });

    test('refuses referenced ids that are not in the project with 400 naming the parameter', async () => {
      const base = { projectId: '1', summary: 's', issueTypeId: '1', priorityId: '3' };
      const bad: [Record<string, string | string[]>, string][] = [
        [{ projectId: '999' }, 'projectId'],
        [{ issueTypeId: '5' }, 'issueTypeId'],
        [{ priorityId: '9' }, 'priorityId'],
        [{ 'categoryId[]': '3' }, 'categoryId[]'],
        [{ 'versionId[]': '3' }, 'versionId[]'],
        [{ 'milestoneId[]': '6' }, 'milestoneId[]'],
        [{ assigneeId: '9999' }, 'assigneeId'],
        [{ 'notifiedUserId[]': '9999' }, 'notifiedUserId[]'],
        [{ parentIssueId: String((all.find((i) => i.projectId === 2) as Issue).id) }, 'parentIssueId'],
        [{ 'attachmentId[]': '1' }, 'attachmentId[]'],
        [{ startDate: '2026-12-01', dueDate: '2026-11-01' }, 'dueDate'],
        [{ dueDate: '2026-02-30' }, 'dueDate'],
        [{ customField_9: 'x' }, 'customField_9'],
      ];
      for (const [extra, name] of bad) {
        await assertRawFails(api(emu(), 'POST', '/issues', { form: { ...base, ...extra } }), 400, 7, name);
      }
      const ops = all.find((i) => i.projectId === 3) as Issue;
      await assertRawFails(
        api(emu(), 'POST', '/issues', { form: { ...base, projectId: '3', issueTypeId: '9', parentIssueId: String(ops.id) } }),
        400,
        7,
        'parentIssueId',
      );
    });

    test('writes custom fields in every accepted form: plain repeated, indexed, [] and _otherValue', async () => {
      // backlog-js: arrays of customField_* become indexed keys customField_6[0], customField_6[1].
      const viaJs = (await admin.postIssue({
        projectId: 1,
        summary: 'custom fields',
        issueTypeId: 2,
        priorityId: 3,
        customField_1: 'Text',
        customField_2: 'Area',
        customField_3: 12.5,
        customField_4: '2026-01-31',
        customField_5: 2,
        customField_6: [5, 4],
        customField_7: [9],
        customField_7_otherValue: 'free',
        customField_8: 12,
      })) as unknown as Issue;
      const value = (id: number) => viaJs.customFields.find((c) => c.id === id);
      assert.equal(value(1)?.value, 'Text');
      assert.equal(value(2)?.value, 'Area');
      assert.equal(value(3)?.value, 12.5);
      assert.equal(value(4)?.value, '2026-01-31T00:00:00Z');
      assert.equal((value(5)?.value as { id: number }).id, 2);
      assert.deepEqual(ids(value(6)?.value as { id: number }[]), [5, 4]);
      assert.deepEqual(ids(value(7)?.value as { id: number }[]), [9]);
      assert.equal(value(7)?.otherValue, 'free');
      for (const cf of viaJs.customFields) assertShape(cf, CUSTOM_VALUE_BY_TYPE[cf.fieldTypeId] as Spec);

      // backlog4j: the plain key repeated.
      const plain = await api(emu(), 'PATCH', `/issues/${viaJs.id}`, { form: { customField_6: ['6', '7'], customField_8_otherValue: 'other' } });
      assert.equal(plain.status, 200, plain.text);
      const afterPlain = (plain.body as Issue).customFields;
      assert.deepEqual(ids(afterPlain.find((c) => c.id === 6)?.value as { id: number }[]), [6, 7]);
      assert.equal(afterPlain.find((c) => c.id === 8)?.otherValue, 'other');
      assert.equal((afterPlain.find((c) => c.id === 8)?.value as { id: number }).id, 12, '_otherValue alone keeps the item');

      // Bracket keys.
      const bracket = await api(emu(), 'PATCH', `/issues/${viaJs.id}`, { form: { 'customField_6[]': ['4'] } });
      assert.deepEqual(ids((bracket.body as Issue).customFields.find((c) => c.id === 6)?.value as { id: number }[]), [4]);

      // Empty values clear.
      const cleared = await api(emu(), 'PATCH', `/issues/${viaJs.id}`, { form: { customField_1: '', customField_3: '', customField_6: '' } });
      const cf = (cleared.body as Issue).customFields;
      assert.equal(cf.find((c) => c.id === 1)?.value, null);
      assert.equal(cf.find((c) => c.id === 3)?.value, null);
      assert.deepEqual(cf.find((c) => c.id === 6)?.value, []);

      // Values that do not fit the field.
      for (const [form, name] of [
        [{ customField_5: ['1', '2'] }, 'customField_5'],
        [{ customField_5: '99' }, 'customField_5'],
        [{ customField_3: 'abc' }, 'customField_3'],
        [{ customField_3: '2000000' }, 'customField_3'],
        [{ customField_4: '2030-01-01' }, 'customField_4'],
        [{ customField_5_otherValue: 'x' }, 'customField_5_otherValue'],
        [{ customField_12: '2026-01-01' }, 'customField_12'],
      ] as [Record<string, string | string[]>, string][]) {
        await assertRawFails(api(emu(), 'PATCH', `/issues/${viaJs.id}`, { form }), 400, 7, name);
      }
      // The text-area field applies to issue type 2 only.
      await assertRawFails(
        api(emu(), 'POST', '/issues', { form: { projectId: '1', summary: 's', issueTypeId: '1', priorityId: '3', customField_2: 'x' } }),
        400,
        7,
        'customField_2',
      );
      await admin.deleteIssue(viaJs.id);
    });

    test('enforces required custom fields on add and on clearing', async () => {
      await admin.patchCustomField(1, 1, { required: true } as never);
      try {
        await assertRawFails(
          api(emu(), 'POST', '/issues', { form: { projectId: '1', summary: 's', issueTypeId: '1', priorityId: '3' } }),
          400,
          7,
          'customField_1',
        );
        const ok = (await admin.postIssue({ projectId: 1, summary: 'required ok', issueTypeId: 1, priorityId: 3, customField_1: 'v' })) as unknown as Issue;
        await assertRawFails(api(emu(), 'PATCH', `/issues/${ok.id}`, { form: { customField_1: '' } }), 400, 7, 'customField_1');
        await admin.patchIssue(ok.id, { summary: 'untouched required field is fine' });
        await admin.deleteIssue(ok.id);
      } finally {
        await admin.patchCustomField(1, 1, { required: false } as never);
      }
    });

    test('updates every documented field, records a change-log comment and clears with empty values', async () => {
      const issue = (await admin.postIssue({
        projectId: 1,
        summary: 'to update',
        issueTypeId: 1,
        priorityId: 3,
        assigneeId: 2,
        categoryId: [1],
      })) as unknown as Issue;
      const before = await admin.getIssueCommentsCount(issue.id);
      const normal = clientAs(emu(), 2);
      const updated = (await normal.patchIssue(issue.id, {
        summary: 'updated',
        description: 'new description',
        statusId: 2,
        resolutionId: 1,
        startDate: '2026-11-03',
        dueDate: '2026-11-04',
        estimatedHours: 3,
        actualHours: 2,
        issueTypeId: 3,
        categoryId: [2],
        versionId: [2],
        milestoneId: [1],
        priorityId: 4,
        assigneeId: 1,
        comment: 'reason for the change',
        notifiedUserId: [3],
      })) as unknown as Issue;
      assertShape(updated, ISSUE);
      assert.equal(updated.summary, 'updated');
      assert.equal(updated.status.id, 2);
      assert.equal(updated.resolution?.id, 1);
      assert.equal(updated.issueType.id, 3);
      assert.equal(updated.priority.id, 4);
      assert.equal(updated.assignee?.id, 1);
      assert.deepEqual(ids(updated.category), [2]);
      assert.equal(updated.updatedUser.id, userIdOf(2));
      assert.ok(Date.parse(updated.updated) >= Date.parse(issue.updated));
      assert.deepEqual(await admin.getIssueCommentsCount(issue.id), { count: before.count + 1 });
      const [comment] = (await admin.getIssueComments(issue.id, { count: 1 })) as unknown as {
        content: string;
        changeLog: { field: string; newValue: string | null; originalValue: string | null }[];
        notifications: { user: { id: number } }[];
      }[];
      assertShape(comment, COMMENT);
      assert.equal(comment?.content, 'reason for the change');
      const fields = Object.fromEntries((comment?.changeLog ?? []).map((c) => [c.field, c]));
      for (const f of [
        'summary',
        'description',
        'status',
        'resolution',
        'issueType',
        'priority',
        'assigner',
        'startDate',
        'limitDate',
        'estimatedHours',
        'actualHours',
        'component',
        'version',
        'milestone',
      ]) {
        assert.ok(fields[f], `change log has ${f}`);
      }
      assert.deepEqual([fields.summary?.originalValue, fields.summary?.newValue], ['to update', 'updated']);
      assert.ok(comment?.notifications.some((n) => n.user.id === 3));

      const cleared = await api(emu(), 'PATCH', `/issues/${issue.id}`, {
        form: { assigneeId: '', 'categoryId[]': '', startDate: '', dueDate: '', estimatedHours: '', resolutionId: '' },
      });
      assert.equal(cleared.status, 200, cleared.text);
      const c = cleared.body as Issue;
      assert.equal(c.assignee, null);
      assert.deepEqual(c.category, []);
      assert.equal(c.startDate, null);
      assert.equal(c.dueDate, null);
      assert.equal(c.estimatedHours, null);
      assert.equal(c.resolution, null);
      await assertRawFails(api(emu(), 'PATCH', `/issues/${issue.id}`, { form: { summary: '' } }), 400, 7, 'summary');
      await assertRawFails(api(emu(), 'PATCH', `/issues/${issue.id}`, { form: { statusId: '99' } }), 400, 7, 'statusId');
      await assertRawFails(api(emu(), 'PATCH', `/issues/${issue.id}`, { form: { parentIssueId: String(issue.id) } }), 400, 7, 'parentIssueId');
      await admin.deleteIssue(issue.id);
    });

    test('lets viewers write nothing and reporters edit only their own issues', async () => {
      const target = all.find((i) => i.projectId === 1 && i.createdUser.id !== userIdOf(3)) as Issue;
      await assertRejects(clientAs(emu(), 4).postIssue({ projectId: 1, summary: 'x', issueTypeId: 1, priorityId: 3 }), 403, 5);
      await assertRejects(clientAs(emu(), 6).patchIssue(target.id, { summary: 'x' }), 403, 5);
      const reporter = clientAs(emu(), 3);
      await assertRejects(reporter.patchIssue(target.id, { summary: 'x' }), 403, 5);
      const own = (await reporter.postIssue({ projectId: 1, summary: 'reporter issue', issueTypeId: 1, priorityId: 3 })) as unknown as Issue;
      assert.equal(((await reporter.patchIssue(own.id, { summary: 'edited by its reporter' })) as unknown as Issue).summary, 'edited by its reporter');
      const guest = clientAs(emu(), 5);
      const guestIssue = (await guest.postIssue({ projectId: 1, summary: 'guest issue', issueTypeId: 1, priorityId: 3 })) as unknown as Issue;
      await assertRejects(guest.postIssue({ projectId: 2, summary: 'x', issueTypeId: 5, priorityId: 3 }), 400, 7, 'projectId');
      // Deleting: administrators, project administrators and the creator.
      await assertRejects(reporter.deleteIssue(guestIssue.id), 403, 5);
      await assertRejects(clientAs(emu(), 4).deleteIssue(own.id), 403, 5);
      assertShape(await reporter.deleteIssue(own.id), ISSUE);
      assertShape(await clientAs(emu(), 2).deleteIssue(guestIssue.id), ISSUE);
    });

    test('deletes an issue, returns it, and then 404s', async () => {
      const issue = (await admin.postIssue({ projectId: 1, summary: 'to delete', issueTypeId: 1, priorityId: 3 })) as unknown as Issue;
      const deleted = (await admin.deleteIssue(issue.issueKey)) as unknown as Issue;
      assertShape(deleted, ISSUE);
      assert.equal(deleted.id, issue.id);
      await assertRejects(admin.getIssue(issue.id), 404, 6);
      await assertRejects(admin.getIssue(issue.issueKey), 404, 6);
    });

    test('refuses to delete an issue that has child issues', async () => {
      const parent = (await admin.postIssue({ projectId: 1, summary: 'parent', issueTypeId: 1, priorityId: 3 })) as unknown as Issue;
      const child = (await admin.postIssue({ projectId: 1, summary: 'child', issueTypeId: 1, priorityId: 3, parentIssueId: parent.id })) as unknown as Issue;
      await assertRejects(admin.deleteIssue(parent.id), 400, 7);
      await admin.deleteIssue(child.id);
      await admin.deleteIssue(parent.id);
    });

    test('attaches a file uploaded with POST /space/attachment when adding an issue', async () => {
      const file = await upload(emu(), emu().apiKey, 'notes.txt', 'hello attachment');
      const issue = (await admin.postIssue({ projectId: 1, summary: 'with file', issueTypeId: 1, priorityId: 3, attachmentId: [file.id] })) as unknown as Issue;
      assert.deepEqual(issue.attachments, [{ id: file.id, name: 'notes.txt', size: 16 }]);
      const download = await admin.getIssueAttachment(issue.id, file.id);
      assert.equal((download as { filename: string }).filename, 'notes.txt');
      assert.equal((await bodyBytes((download as { body: unknown }).body)).toString(), 'hello attachment');
      // An upload is consumed once; another user's upload cannot be attached.
      await assertRawFails(
        api(emu(), 'POST', '/issues', { form: { projectId: '1', summary: 's', issueTypeId: '1', priorityId: '3', 'attachmentId[]': String(file.id) } }),
        400,
        7,
        'attachmentId[]',
      );
      const foreign = await upload(emu(), keyOf(emu(), 2), 'x.txt', 'x');
      await assertRawFails(
        api(emu(), 'POST', '/issues', { form: { projectId: '1', summary: 's', issueTypeId: '1', priorityId: '3', 'attachmentId[]': String(foreign.id) } }),
        400,
        7,
        'attachmentId[]',
      );
      await admin.deleteIssue(issue.id);
    });
  });

  describe('comments', () => {
    let issue: Issue;
    before(async () => {
      issue = (await admin.postIssue({ projectId: 1, summary: 'comment target', issueTypeId: 1, priorityId: 3 })) as unknown as Issue;
    });
    after(async () => {
      await admin.deleteIssue(issue.id);
    });

    test('adds a comment with 201 and a Location header', async () => {
      const res = await api(emu(), 'POST', `/issues/${issue.issueKey}/comments`, { form: { content: 'first', 'notifiedUserId[]': ['2', '3'] } });
      assert.equal(res.status, 201, res.text);
      const c = res.body as { id: number; notifications: { user: { id: number }; reason: number }[] };
      assertShape(c, COMMENT);
      assert.equal(res.headers.get('location'), `${emu().url}/view/${issue.issueKey}#comment-${c.id}`);
      assert.deepEqual(c.notifications.map((n) => n.user.id).sort(), [2, 3]);
      assert.ok(c.notifications.every((n) => n.reason === 2));
      assertShape(await admin.postIssueComments(issue.id, { content: 'via backlog-js' }), COMMENT);
    });

    test('refuses a comment without content, and viewers, with the documented errors', async () => {
      await assertRawFails(api(emu(), 'POST', `/issues/${issue.id}/comments`, { form: {} }), 400, 7, 'content');
      await assertRawFails(api(emu(), 'POST', `/issues/${issue.id}/comments`, { form: { content: '' } }), 400, 7, 'content');
      await assertRejects(clientAs(emu(), 4).postIssueComments(issue.id, { content: 'x' }), 403, 5);
      await assertRejects(admin.postIssueComments(999999, { content: 'x' }), 404, 6);
    });

    test('walks every comment exactly once with keyset paging, in both orders', async () => {
      for (let k = 0; k < 23; k++) await admin.postIssueComments(issue.id, { content: `bulk ${k}` });
      const { count } = await admin.getIssueCommentsCount(issue.id);
      assert.ok(count >= 25);
      const desc: number[] = [];
      let maxId: number | undefined;
      for (;;) {
        const page = (await admin.getIssueComments(issue.id, { count: 7, ...(maxId !== undefined ? { maxId } : {}) })) as unknown as { id: number }[];
        page.forEach((c) => assertShape(c, COMMENT));
        desc.push(...ids(page));
        if (page.length < 7) break;
        maxId = (page[page.length - 1] as { id: number }).id - 1;
      }
      assert.equal(desc.length, count);
      assert.deepEqual(
        desc,
        [...desc].sort((a, b) => b - a),
      );
      const asc: number[] = [];
      let minId: number | undefined;
      for (;;) {
        const page = (await admin.getIssueComments(issue.id, { count: 10, order: 'asc', ...(minId !== undefined ? { minId } : {}) })) as unknown as {
          id: number;
        }[];
        asc.push(...ids(page));
        if (page.length < 10) break;
        minId = (page[page.length - 1] as { id: number }).id + 1;
      }
      assert.deepEqual(asc, [...desc].reverse());
      assert.equal((await admin.getIssueComments(issue.id, {})).length, 20, 'default count is 20');
      const bounded = (await admin.getIssueComments(issue.id, { minId: desc[5], maxId: desc[2], order: 'asc' })) as unknown as { id: number }[];
      assert.deepEqual(ids(bounded), [desc[5], desc[4], desc[3], desc[2]], 'minId and maxId are inclusive');
      await assertRawFails(api(emu(), 'GET', `/issues/${issue.id}/comments`, { query: { count: '0' } }), 400, 7, 'count');
      await assertRawFails(api(emu(), 'GET', `/issues/${issue.id}/comments`, { query: { count: '101' } }), 400, 7, 'count');
    });

    test("gets, edits and deletes only the author's own comment", async () => {
      const normal = clientAs(emu(), 2);
      const mine = (await normal.postIssueComments(issue.id, { content: 'normal user comment' })) as unknown as { id: number };
      assertShape(await admin.getIssueComment(issue.id, mine.id), COMMENT);
      await assertRejects(admin.getIssueComment(issue.id, 999999), 404, 6, 'No comment.');
      await assertRejects(admin.patchIssueComment(issue.id, mine.id, { content: 'not mine' }), 403, 5);
      await assertRejects(admin.deleteIssueComment(issue.id, mine.id), 403, 5);
      await assertRawFails(api(emu(), 'PATCH', `/issues/${issue.id}/comments/${mine.id}`, { form: {}, apiKey: keyOf(emu(), 2) }), 400, 7, 'content');
      const edited = (await normal.patchIssueComment(issue.id, mine.id, { content: 'edited' })) as unknown as { content: string };
      assertShape(edited, COMMENT);
      assert.equal(edited.content, 'edited');
      const deleted = (await normal.deleteIssueComment(issue.id, mine.id)) as unknown as { id: number };
      assert.equal(deleted.id, mine.id);
      await assertRejects(admin.getIssueComment(issue.id, mine.id), 404, 6);
    });

    test("lists and adds comment notifications, the latter only for the comment's author", async () => {
      const c = (await admin.postIssueComments(issue.id, { content: 'notify later' })) as unknown as { id: number };
      assert.deepEqual(await admin.getIssueCommentNotifications(issue.id, c.id), []);
      const updated = (await admin.postIssueCommentNotifications(issue.id, c.id, { notifiedUserId: [2, 5] })) as unknown as { notifications: unknown[] };
      assertShape(updated, COMMENT);
      await admin.postIssueCommentNotifications(issue.id, c.id, { notifiedUserId: [2] });
      const list = await admin.getIssueCommentNotifications(issue.id, c.id);
      assert.equal(list.length, 2, 'a user already notified is not notified twice');
      list.forEach((n) => assertShape(n, COMMENT_NOTIFICATION));
      await assertRejects(clientAs(emu(), 2).postIssueCommentNotifications(issue.id, c.id, { notifiedUserId: [1] }), 403, 5);
      await assertRawFails(api(emu(), 'POST', `/issues/${issue.id}/comments/${c.id}/notifications`, { form: {} }), 400, 7, 'notifiedUserId[]');
      await assertRawFails(
        api(emu(), 'POST', `/issues/${issue.id}/comments/${c.id}/notifications`, { form: { 'notifiedUserId[]': '9999' } }),
        400,
        7,
        'notifiedUserId[]',
      );
    });

    test('lists participants: creator, assignee and commenters, once each', async () => {
      await admin.patchIssue(issue.id, { assigneeId: 9 });
      await clientAs(emu(), 3).postIssueComments(issue.id, { content: 'reporter was here' });
      const people = await admin.getIssueParticipants(issue.id);
      people.forEach((u) => assertShape(u, USER));
      assert.deepEqual(ids(people as unknown as { id: number }[]), [1, 3, 9]);
    });
  });

  describe('attachments, shared files and related issues', () => {
    test('lists, downloads and deletes issue attachments', async () => {
      const withFile = all.find((i) => i.projectId === 1 && i.attachments.length > 0) as Issue;
      const list = await admin.getIssueAttachments(withFile.id);
      list.forEach((a) => assertShape(a, ATTACHMENT));
      const att = withFile.attachments[0] as { id: number; name: string; size: number };
      const download = (await admin.getIssueAttachment(withFile.id, att.id)) as { filename: string; body: unknown };
      assert.equal(download.filename, att.name);
      const bytes = await bodyBytes(download.body);
      assert.equal(bytes.length, att.size);
      const again = await bodyBytes(((await admin.getIssueAttachment(withFile.id, att.id)) as { body: unknown }).body);
      assert.ok(bytes.equals(again), 'generated content is deterministic');
      await assertRawFails(api(emu(), 'GET', `/issues/${withFile.id}/attachments/999999`), 404, 6);
      await assertRejects(clientAs(emu(), 4).deleteIssueAttachment(withFile.id, String(att.id)), 403, 5);
      const deleted = await admin.deleteIssueAttachment(withFile.id, String(att.id));
      assertShape(deleted, ATTACHMENT);
      assert.ok(!ids(await admin.getIssueAttachments(withFile.id)).includes(att.id));
      await assertRawFails(api(emu(), 'DELETE', `/issues/${withFile.id}/attachments/${att.id}`), 404, 6);
    });

    test("links and unlinks shared files of the issue's project", async () => {
      const issue = (await admin.postIssue({ projectId: 1, summary: 'files', issueTypeId: 1, priorityId: 3 })) as unknown as Issue;
      const files = (await admin.getSharedFiles('WEB', '/', {})) as unknown as { id: number; type: string }[];
      const deep = files.filter((f) => f.type === 'file');
      const pick =
        deep.length > 0
          ? deep
          : ((await admin.getSharedFiles('WEB', '/仕様書/', {})) as unknown as { id: number; type: string }[]).filter((f) => f.type === 'file');
      const fileId = (pick[0] as { id: number }).id;
      const linked = await admin.linkIssueSharedFiles(issue.id, { fileId: [fileId] });
      linked.forEach((f) => assertShape(f, SHARED_FILE));
      assert.deepEqual(ids(linked as unknown as { id: number }[]), [fileId]);
      assert.deepEqual(ids((await admin.getIssueSharedFiles(issue.id)) as unknown as { id: number }[]), [fileId]);
      await admin.linkIssueSharedFiles(issue.id, { fileId: [fileId] });
      assert.equal((await admin.getIssueSharedFiles(issue.id)).length, 1, 'linking twice keeps one link');
      const appFile = all.find((i) => i.projectId === 2 && i.sharedFiles.length > 0)?.sharedFiles[0]?.id ?? 15;
      await assertRawFails(api(emu(), 'POST', `/issues/${issue.id}/sharedFiles`, { form: { 'fileId[]': String(appFile) } }), 400, 7, 'fileId[]');
      await assertRawFails(api(emu(), 'POST', `/issues/${issue.id}/sharedFiles`, { form: {} }), 400, 7, 'fileId[]');
      const unlinked = await admin.unlinkIssueSharedFile(issue.id, fileId);
      assertShape(unlinked, SHARED_FILE);
      assert.deepEqual(await admin.getIssueSharedFiles(issue.id), []);
      await assertRejects(admin.unlinkIssueSharedFile(issue.id, fileId), 404, 6);
      await admin.deleteIssue(issue.id);
    });

    test('relates issues both ways, tolerates repeats and self links, and removes links', async () => {
      const a = (await admin.postIssue({ projectId: 1, summary: 'a', issueTypeId: 1, priorityId: 3 })) as unknown as Issue;
      const b = (await admin.postIssue({ projectId: 1, summary: 'b', issueTypeId: 1, priorityId: 3 })) as unknown as Issue;
      const added = await admin.addRelatedIssue(a.id, { targetIssueId: b.id });
      assertShape(added, RELATED_ISSUE);
      assert.equal((added as unknown as { type: string; id: number }).type, 'RELATES');
      assert.equal((added as unknown as { id: number }).id, b.id);
      const listA = await admin.getRelatedIssues(a.id);
      listA.forEach((r) => assertShape(r, RELATED_ISSUE));
      assert.deepEqual(ids(listA as unknown as { id: number }[]), [b.id]);
      assert.deepEqual(ids((await admin.getRelatedIssues(b.id)) as unknown as { id: number }[]), [a.id]);
      await admin.addRelatedIssue(a.id, { targetIssueId: b.id });
      await admin.addRelatedIssue(a.id, { targetIssueId: a.id });
      assert.deepEqual(ids((await admin.getRelatedIssues(a.id)) as unknown as { id: number }[]), [b.id]);
      await assertRawFails(api(emu(), 'POST', `/issues/${a.id}/relatedIssues`, { form: { targetIssueId: '999999' } }), 400, 7, 'targetIssueId');
      await assertRawFails(api(emu(), 'POST', `/issues/${a.id}/relatedIssues`, { form: {} }), 400, 7, 'targetIssueId');
      const removed = await admin.removeRelatedIssue(a.id, b.id);
      assertShape(removed, RELATED_ISSUE);
      assert.deepEqual(await admin.getRelatedIssues(b.id), []);
      await assertRejects(admin.removeRelatedIssue(a.id, b.id), 404, 6);
      await admin.deleteIssue(a.id);
      await admin.deleteIssue(b.id);
    });

    test('refuses more than 50 related issues with code 9', async () => {
      const hub = (await admin.postIssue({ projectId: 3, summary: 'hub', issueTypeId: 9, priorityId: 3 })) as unknown as Issue;
      const created: number[] = [];
      for (let k = 0; k < 51; k++) {
        const t = (await admin.postIssue({ projectId: 3, summary: `spoke ${k}`, issueTypeId: 9, priorityId: 3 })) as unknown as Issue;
        created.push(t.id);
        if (k < 50) await admin.addRelatedIssue(hub.id, { targetIssueId: t.id });
      }
      await assertRawFails(api(emu(), 'POST', `/issues/${hub.id}/relatedIssues`, { form: { targetIssueId: String(created[50]) } }), 400, 9);
      await admin.addRelatedIssue(hub.id, { targetIssueId: created[0] as number });
      for (const id of created) await admin.deleteIssue(id);
      assert.deepEqual(await admin.getRelatedIssues(hub.id), []);
      await admin.deleteIssue(hub.id);
    });
  });

  // Backlog documents array parameters as `name[]` "(Multiple)"
  // (https://developer.nulab.com/docs/backlog/api/2/add-issue, …/get-issue-list) and also accepts
  // them indexed, `name[0]=…&name[1]=…` (backlog-js sends custom fields so: its request.ts). backlog-js
  // sends every other array with brackets, so these requests are raw HTTP.
  describe('array parameters in the indexed form', () => {
    test('POST /issues takes categoryId[0], categoryId[1] and notifiedUserId[0] like their [] forms', async () => {
      const res = await api(emu(), 'POST', '/issues', {
        form: {
          projectId: '1',
          summary: 'indexed arrays',
          issueTypeId: '1',
          priorityId: '3',
          'categoryId[1]': '2',
          'categoryId[0]': '1',
          'notifiedUserId[0]': '2',
        },
      });
      assert.equal(res.status, 201, res.text);
      const issue = res.body as Issue;
      assert.deepEqual(ids(issue.category), [1, 2]);
      const data = (await control(emu(), 'GET', 'export')) as { notifications: { userId: number; reason: number; issue: { id: number } | null }[] };
      assert.deepEqual(
        data.notifications.filter((n) => n.issue?.id === issue.id).map((n) => [n.userId, n.reason]),
        [[2, 3]],
      );
      await admin.deleteIssue(issue.id);
    });

    test('POST …/comments notifies the users of notifiedUserId[0] and notifiedUserId[1]', async () => {
      const target = (await admin.postIssue({ projectId: 1, summary: 'indexed notified users', issueTypeId: 1, priorityId: 3 })) as unknown as Issue;
      const res = await api(emu(), 'POST', `/issues/${target.issueKey}/comments`, {
        form: { content: 'hi', 'notifiedUserId[0]': '2', 'notifiedUserId[1]': '3' },
      });
      assert.equal(res.status, 201, res.text);
      const c = res.body as { notifications: { user: { id: number } }[] };
      assert.deepEqual(c.notifications.map((n) => n.user.id).sort(), [2, 3]);
      await admin.deleteIssue(target.id);
    });

    test("GET /issues filters by statusId[0], statusId[1] exactly as backlog-js's statusId[] does", async () => {
      const bracketed = ids((await admin.getIssues({ statusId: [1, 2], count: 100 })) as unknown as Issue[]);
      const indexed = await api(emu(), 'GET', '/issues', { query: { 'statusId[0]': '1', 'statusId[1]': '2', count: '100' } });
      assert.equal(indexed.status, 200, indexed.text);
      assert.deepEqual(ids(indexed.body as Issue[]), bracketed);
      assert.ok(bracketed.length > 0);
    });

    test('PATCH /issues clears categoryId[0]= and refuses a bad indexed value naming the key sent', async () => {
      const target = (await admin.postIssue({ projectId: 1, summary: 'indexed patch', issueTypeId: 1, priorityId: 3, categoryId: [1] })) as unknown as Issue;
      const cleared = await api(emu(), 'PATCH', `/issues/${target.id}`, { form: { 'categoryId[0]': '' } });
      assert.equal(cleared.status, 200, cleared.text);
      assert.deepEqual((cleared.body as Issue).category, []);
      await assertRawFails(api(emu(), 'PATCH', `/issues/${target.id}`, { form: { 'versionId[0]': 'one' } }), 400, 7, "'versionId[0]'");
      await admin.deleteIssue(target.id);
    });
  });
}
