/**
 * Built-in names follow the reader's language (docs/backlog-api.md §7.4, §7.8): priorities,
 * resolutions, the four default statuses and a new project's issue types are answered in the
 * caller's `lang`, in the space's language for a user without one and in `/_emulator/export`,
 * while a name the project chose stays as chosen. Nulab documents the same ids under both
 * languages' names:
 *
 * - https://developer.nulab.com/docs/backlog/api/2/get-priority-list (High, Normal, Low) and
 *   https://developer.nulab.com/ja/docs/backlog/api/2/get-priority-list/ (高, 中, 低)
 * - https://developer.nulab.com/docs/backlog/api/2/get-resolution-list (Fixed, Won't Fix, …) and
 *   https://developer.nulab.com/ja/docs/backlog/api/2/get-resolution-list (対応済み, 対応しない, …)
 * - https://developer.nulab.com/docs/backlog/api/2/get-status-list-of-project (1 Open, #ed8077,
 *   displayOrder 1000)
 * - https://developer.nulab.com/ja/docs/backlog/api/2/get-issue-type-list/ (バグ, #990000)
 * - https://developer.nulab.com/docs/backlog/api/2/add-issue (issueType Task #7ea800, priority 3)
 *   and https://developer.nulab.com/ja/docs/backlog/api/2/add-related-issue/ (タスク, 中, 未対応)
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Backlog } from 'backlog-js';
import { backlogClient, control } from '../../helpers/emulator.js';
import { emu, freshEmulator } from '../harness.js';

const PRIORITIES = {
  ja: [
    { id: 2, name: '高' },
    { id: 3, name: '中' },
    { id: 4, name: '低' },
  ],
  en: [
    { id: 2, name: 'High' },
    { id: 3, name: 'Normal' },
    { id: 4, name: 'Low' },
  ],
};
const RESOLUTIONS = {
  ja: [
    { id: 0, name: '対応済み' },
    { id: 1, name: '対応しない' },
    { id: 2, name: '無効' },
    { id: 3, name: '重複' },
    { id: 4, name: '再現しない' },
  ],
  en: [
    { id: 0, name: 'Fixed' },
    { id: 1, name: "Won't Fix" },
    { id: 2, name: 'Invalid' },
    { id: 3, name: 'Duplication' },
    { id: 4, name: 'Cannot Reproduce' },
  ],
};
const DEFAULT_STATUSES = {
  ja: [
    [1, '未対応'],
    [2, '処理中'],
    [3, '処理済み'],
    [4, '完了'],
  ],
  en: [
    [1, 'Open'],
    [2, 'In Progress'],
    [3, 'Resolved'],
    [4, 'Closed'],
  ],
};
const DEFAULT_ISSUE_TYPES = { ja: ['タスク', 'バグ', '要望', 'その他'], en: ['Task', 'Bug', 'Request', 'Other'] };

type Lang = 'ja' | 'en';

export function localisedNamesContract(): void {
  /** A backlog-js client per reader: a Japanese user, an English user, a user with no `lang`. */
  const reader: Record<Lang | 'none', Backlog> = {} as Record<Lang | 'none', Backlog>;
  let spaceLang: Lang;

  before(async () => {
    await freshEmulator();
    const admin = backlogClient(emu());
    spaceLang = (await admin.getSpace()).lang as Lang;
    // Readers who are members of WEB (the guest reporter belongs to WEB only), by their `lang`.
    const members = new Set((await admin.getProjectUsers('WEB')).map((u) => u.id));
    for (const u of await admin.getUsers()) {
      const slot = u.lang === null ? 'none' : (u.lang as Lang);
      const facts = emu().users.find((f) => f.id === u.id);
      if (!reader[slot] && facts && members.has(u.id)) reader[slot] = backlogClient(emu(), { apiKey: facts.apiKey });
    }
    assert.ok(reader.ja && reader.en && reader.none, 'the seed has WEB members reading ja, en and no language');
  });

  test('getPriorities answers 高/中/低 to a Japanese user and High/Normal/Low to an English one', async () => {
    assert.deepEqual(await reader.ja.getPriorities(), PRIORITIES.ja);
    assert.deepEqual(await reader.en.getPriorities(), PRIORITIES.en);
  });

  test('getResolutions answers each user in their language, same ids', async () => {
    assert.deepEqual(await reader.ja.getResolutions(), RESOLUTIONS.ja);
    assert.deepEqual(await reader.en.getResolutions(), RESOLUTIONS.en);
  });

  test("a user without a language reads the space's language", async () => {
    assert.deepEqual(await reader.none.getPriorities(), PRIORITIES[spaceLang]);
    assert.deepEqual(await reader.none.getResolutions(), RESOLUTIONS[spaceLang]);
  });

  test("getProjectStatuses names the four default statuses in the reader's language; custom statuses keep their names", async () => {
    const ja = await reader.ja.getProjectStatuses('WEB');
    const en = await reader.en.getProjectStatuses('WEB');
    const defaults = (list: typeof ja) => list.filter((s) => s.id <= 4).map((s) => [s.id, s.name]);
    assert.deepEqual(defaults(ja), DEFAULT_STATUSES.ja);
    assert.deepEqual(defaults(en), DEFAULT_STATUSES.en);
    assert.deepEqual(en[0], { id: 1, projectId: en[0]?.projectId, name: 'Open', color: '#ed8077', displayOrder: 1000 });
    const custom = (list: typeof ja) => list.filter((s) => s.id > 4).map((s) => [s.id, s.name]);
    assert.ok(custom(ja).length > 0, 'WEB has custom statuses');
    assert.deepEqual(custom(en), custom(ja));
  });

  test("getIssueTypes names a new project's issue types in the reader's language", async () => {
    const ja = await reader.ja.getIssueTypes('WEB');
    const en = await reader.en.getIssueTypes('WEB');
    assert.deepEqual(
      ja.map((t) => t.name),
      DEFAULT_ISSUE_TYPES.ja,
    );
    assert.deepEqual(
      en.map((t) => t.name),
      DEFAULT_ISSUE_TYPES.en,
    );
    assert.deepEqual(
      en.map((t) => t.id),
      ja.map((t) => t.id),
    );
    assert.equal(ja[1]?.color, '#990000');
  });

  test("an issue shows issue type, priority, status and resolution in the reader's language, in lists too", async () => {
    const admin = backlogClient(emu());
    const task = (await admin.getIssueTypes('WEB'))[0] as { id: number };
    const web = await admin.getProject('WEB');
    const added = await admin.postIssue({ projectId: web.id, summary: 'localised names', issueTypeId: task.id, priorityId: 3 });
    await admin.patchIssue(added.id, { resolutionId: 0 });
    const ja = await reader.ja.getIssue(added.issueKey);
    const en = await reader.en.getIssue(added.issueKey);
    assert.deepEqual([ja.issueType.name, ja.priority.name, ja.status.name, ja.resolution?.name], ['タスク', '中', '未対応', '対応済み']);
    assert.deepEqual([en.issueType.name, en.priority.name, en.status.name, en.resolution?.name], ['Task', 'Normal', 'Open', 'Fixed']);
    assert.equal(en.issueType.color, '#7ea800');
    // The list endpoint caches rendered issues: each language must still get its own names.
    const listedJa = (await reader.ja.getIssues({ projectId: [web.id], keyword: 'localised names' }))[0];
    const listedEn = (await reader.en.getIssues({ projectId: [web.id], keyword: 'localised names' }))[0];
    assert.equal(listedJa?.status.name, '未対応');
    assert.equal(listedEn?.status.name, 'Open');
    assert.equal(listedEn?.priority.name, 'Normal');
  });

  test("/_emulator/export writes built-in names in the space's language", async () => {
    const data = (await control(emu(), 'GET', 'export')) as {
      priorities: { id: number; name: string }[];
      resolutions: { id: number; name: string }[];
      statuses: { id: number; name: string }[];
      issues: { status: { id: number; name: string } }[];
    };
    assert.deepEqual(data.priorities, PRIORITIES[spaceLang]);
    assert.deepEqual(data.resolutions, RESOLUTIONS[spaceLang]);
    const open = DEFAULT_STATUSES[spaceLang][0]?.[1];
    assert.ok(data.statuses.filter((s) => s.id === 1).every((s) => s.name === open));
    assert.ok(data.issues.filter((i) => i.status.id === 1).every((i) => i.status.name === open));
  });

  describe("a project that renames a default issue type (rule unverified: the emulator's choice)", () => {
    test('resending the name the caller sees is no rename; the type stays localised', async () => {
      const admin = backlogClient(emu());
      const adminLang = (await admin.getMyself()).lang ?? spaceLang;
      const bug = (await admin.getIssueTypes('WEB'))[1] as { id: number; name: string };
      assert.equal(bug.name, DEFAULT_ISSUE_TYPES[adminLang as Lang][1]);
      await admin.patchIssueType('WEB', bug.id, { name: bug.name, color: '#e30000' });
      assert.equal((await reader.en.getIssueTypes('WEB'))[1]?.name, 'Bug');
      assert.equal((await reader.ja.getIssueTypes('WEB'))[1]?.name, 'バグ');
    });

    test('a new name is shown to every reader as the project wrote it', async () => {
      const admin = backlogClient(emu());
      const bug = (await admin.getIssueTypes('WEB'))[1] as { id: number };
      await admin.patchIssueType('WEB', bug.id, { name: '不具合 / Defect' });
      assert.equal((await reader.en.getIssueTypes('WEB'))[1]?.name, '不具合 / Defect');
      assert.equal((await reader.ja.getIssueTypes('WEB'))[1]?.name, '不具合 / Defect');
      // The other defaults are untouched.
      assert.equal((await reader.en.getIssueTypes('WEB'))[0]?.name, 'Task');
    });

    test('a built-in name is taken in every language: another type cannot be called "Task" next to タスク', async () => {
      const admin = backlogClient(emu());
      await assert.rejects(admin.postIssueType('WEB', { name: 'Task', color: '#e30000' }), (e: { status?: number }) => e.status === 400);
    });
  });
}
