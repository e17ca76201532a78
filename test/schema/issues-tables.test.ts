/**
 * The issue family's tables and views, run directly (without the SQL engine) against the
 * emulator: the rows they produce and, through the journal, exactly which Backlog calls they make.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Qual, TableDef } from '../../src/schema/types.js';
import { toSpaceDate } from '../../src/schema/helpers.js';
import { issueSortKey } from '../../src/schema/sources/issues.js';
import Issues from '../../src/schema/tables/issues.js';
import IssueCategories from '../../src/schema/tables/issue-categories.js';
import IssueVersions from '../../src/schema/tables/issue-versions.js';
import IssueMilestones from '../../src/schema/tables/issue-milestones.js';
import IssueCustomFields from '../../src/schema/tables/issue-custom-fields.js';
import IssueAttachments from '../../src/schema/tables/issue-attachments.js';
import IssueLinkedSharedFiles from '../../src/schema/tables/issue-linked-shared-files.js';
import IssueParticipants from '../../src/schema/tables/issue-participants.js';
import IssueComments from '../../src/schema/tables/issue-comments.js';
import IssueCommentChangeLog from '../../src/schema/tables/issue-comment-change-log.js';
import IssueCommentNotifications from '../../src/schema/tables/issue-comment-notifications.js';
import IssueCommentStars from '../../src/schema/tables/issue-comment-stars.js';
import { clearJournal, control, journal, startTestEmulator, type JournalEntry, type RunningEmulator } from '../helpers/emulator.js';
import { tableRows, testFetchContext } from '../helpers/fetch-context.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- export rows are plain JSON */
type Json = any;

interface Run {
  rows: Record<string, unknown>[];
  calls: JournalEntry[];
  warnings: string[];
}

type CtxOptions = Parameters<typeof testFetchContext>[1] & { orderBy?: { column: string; desc: boolean }[] };

/** Run a table's list with a fresh context and return its rows and the API calls it made. */
async function run(emu: RunningEmulator, table: TableDef, quals: Qual[] = [], options: CtxOptions = {}): Promise<Run> {
  const { orderBy, ...rest } = options;
  const ctx = { ...testFetchContext(emu, { table, ...rest }), ...(orderBy ? { orderBy } : {}) };
  await clearJournal(emu);
  const rows = await tableRows(table, ctx, quals);
  const calls = (await journal(emu)).filter((e) => e.path.startsWith('/api/v2'));
  return { rows, calls, warnings: ctx.warnings };
}

const q = (column: string, op: Qual['op'], ...values: (string | number | boolean)[]): Qual => ({ column, op, values });
const searches = (calls: JournalEntry[]) => calls.filter((c) => c.path === '/api/v2/issues');
const asList = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const ids = (rows: Record<string, unknown>[], column = 'Id') => rows.map((r) => r[column] as number);
const shiftDay = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('Issues and its child views against the emulator (Asia/Tokyo)', () => {
  let emu: RunningEmulator;
  let ex: Json;
  const TZ = 'Asia/Tokyo';

  before(async () => {
    emu = await startTestEmulator();
    ex = await control(emu, 'GET', 'export');
  });
  after(() => emu.close());

  test('a scan without quals reads every issue oldest first, 100 per search', async () => {
    const { rows, calls } = await run(emu, Issues);
    assert.equal(rows.length, ex.issues.length);
    assert.deepEqual(
      ids(rows),
      [...ex.issues.map((i: Json) => i.id)].sort((a, b) => a - b),
    );
    assert.equal(calls.length, 1);
    assert.deepEqual(
      { sort: calls[0]?.query.sort, order: calls[0]?.query.order, count: calls[0]?.query.count, offset: calls[0]?.query.offset },
      { sort: 'created', order: 'asc', count: '100', offset: '0' },
    );
  });

  test('the columns carry the issue fields, typed and flattened', async () => {
    const { rows } = await run(emu, Issues, [q('Id', '=', 1)]);
    const src = ex.issues.find((i: Json) => i.id === 1);
    const row = rows[0] as Record<string, unknown>;
    assert.equal(row.IssueKey, src.issueKey);
    assert.equal(row.ProjectKey, src.issueKey.split('-')[0]);
    assert.equal(row.StatusName, src.status.name);
    assert.equal(row.AssigneeId, src.assignee?.id ?? null);
    assert.equal(row.StartDate, toSpaceDate(src.startDate, TZ));
    assert.equal(row.EstimatedHours, src.estimatedHours);
    assert.equal(row.AttachmentCount, src.attachments.length);
    assert.equal(row.StarCount, src.stars.length);
    assert.equal(row.Created, src.created);
  });

  const exactCases: { name: string; quals: Qual[]; param: string; expect: string[]; match: (i: Json) => boolean }[] = [
    { name: 'Id IN', quals: [q('Id', 'IN', 3, 5, 7)], param: 'id[]', expect: ['3', '5', '7'], match: (i) => [3, 5, 7].includes(i.id) },
    { name: 'ProjectId =', quals: [q('ProjectId', '=', 2)], param: 'projectId[]', expect: ['2'], match: (i) => i.projectId === 2 },
    { name: 'IssueTypeId =', quals: [q('IssueTypeId', '=', 1)], param: 'issueTypeId[]', expect: ['1'], match: (i) => i.issueType?.id === 1 },
    { name: 'StatusId IN', quals: [q('StatusId', 'IN', 1, 2)], param: 'statusId[]', expect: ['1', '2'], match: (i) => [1, 2].includes(i.status?.id) },
    { name: 'PriorityId =', quals: [q('PriorityId', '=', 2)], param: 'priorityId[]', expect: ['2'], match: (i) => i.priority?.id === 2 },
    { name: 'AssigneeId =', quals: [q('AssigneeId', '=', 2)], param: 'assigneeId[]', expect: ['2'], match: (i) => i.assignee?.id === 2 },
    { name: 'CreatedUserId =', quals: [q('CreatedUserId', '=', 10)], param: 'createdUserId[]', expect: ['10'], match: (i) => i.createdUser?.id === 10 },
    { name: 'ResolutionId =', quals: [q('ResolutionId', '=', 0)], param: 'resolutionId[]', expect: ['0'], match: (i) => i.resolution?.id === 0 },
    { name: 'ParentIssueId IS NULL', quals: [q('ParentIssueId', 'IS NULL')], param: 'parentChild', expect: ['1'], match: (i) => i.parentIssueId === null },
    {
      name: 'ParentIssueId IS NOT NULL',
      quals: [q('ParentIssueId', 'IS NOT NULL')],
      param: 'parentChild',
      expect: ['2'],
      match: (i) => i.parentIssueId !== null,
    },
    { name: 'DueDate IS NULL', quals: [q('DueDate', 'IS NULL')], param: 'hasDueDate', expect: ['false'], match: (i) => i.dueDate === null },
  ];
  for (const c of exactCases) {
    test(`${c.name} is one search with ${c.param} and returns exactly the matching issues`, async () => {
      const { rows, calls } = await run(emu, Issues, c.quals);
      assert.equal(calls.length, 1);
      assert.deepEqual(asList(searches(calls)[0]?.query[c.param]), c.expect);
      const expected = ex.issues
        .filter(c.match)
        .map((i: Json) => i.id)
        .sort((a: number, b: number) => a - b);
      assert.ok(expected.length > 0, 'the seed has matching issues');
      assert.deepEqual(ids(rows), expected);
    });
  }

  test('ParentIssueId = x is one search with parentIssueId[]', async () => {
    const parent = ex.issues.find((i: Json) => i.parentIssueId !== null).parentIssueId;
    const { rows, calls } = await run(emu, Issues, [q('ParentIssueId', '=', parent)]);
    assert.equal(calls.length, 1);
    assert.deepEqual(asList(calls[0]?.query['parentIssueId[]']), [String(parent)]);
    assert.deepEqual(
      ids(rows),
      ex.issues.filter((i: Json) => i.parentIssueId === parent).map((i: Json) => i.id),
    );
  });

  test('ProjectKey is resolved through the project list into projectId[]', async () => {
    const { rows, calls } = await run(emu, Issues, [q('ProjectKey', '=', 'APP')]);
    assert.deepEqual(
      calls.map((c) => c.path),
      ['/api/v2/projects', '/api/v2/issues'],
    );
    assert.deepEqual(asList(calls[1]?.query['projectId[]']), ['2']);
    assert.ok(rows.length > 0 && rows.every((r) => r.ProjectKey === 'APP'));
  });

  test('an unknown ProjectKey or an empty IN list makes no search at all', async () => {
    assert.equal(searches((await run(emu, Issues, [q('ProjectKey', '=', 'NOPE')])).calls).length, 0);
    assert.equal((await run(emu, Issues, [q('Id', '=', 1), q('Id', '=', 2)])).calls.length, 0);
  });

  test('limit 5 is one search asking for count=5', async () => {
    const { rows, calls } = await run(emu, Issues, [], { limit: 5 });
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.query.count, '5');
    assert.deepEqual(ids(rows), [1, 2, 3, 4, 5]);
  });

  test('Created and Updated ranges become since/until days widened by one, still a superset', async () => {
    const sorted = [...ex.issues].sort((a: Json, b: Json) => a.created.localeCompare(b.created));
    const from = sorted[10].created as string;
    const to = sorted[30].created as string;
    const { rows, calls } = await run(emu, Issues, [q('Created', '>=', from), q('Created', '<', to), q('Updated', '>', from)]);
    assert.equal(calls.length, 1);
    const query = calls[0]?.query ?? {};
    assert.equal(query.createdSince, shiftDay(toSpaceDate(from, TZ) as string, -1));
    assert.equal(query.createdUntil, shiftDay(toSpaceDate(to, TZ) as string, 1));
    assert.equal(query.updatedSince, shiftDay(toSpaceDate(from, TZ) as string, -1));
    const got = new Set(ids(rows));
    const want = ex.issues.filter((i: Json) => i.created >= from && i.created < to && i.updated > from);
    assert.ok(want.length >= 15);
    for (const i of want) assert.ok(got.has(i.id), `issue ${i.id} kept`);
  });

  test('a timestamp without a zone is a local time of the space; one with a zone is converted', async () => {
    const { calls } = await run(emu, Issues, [q('Created', '>=', '2026-03-01 23:30:00'), q('Updated', '>=', '2026-03-01T20:00:00-08')]);
    assert.equal(calls[0]?.query.createdSince, '2026-02-28');
    // 20:00 in UTC-8 is 13:00 on March 2 in Tokyo.
    assert.equal(calls[0]?.query.updatedSince, '2026-03-01');
  });

  test('StartDate and DueDate ranges are widened by a day too, and still a superset', async () => {
    const due = ex.issues
      .filter((i: Json) => i.dueDate !== null)
      .map((i: Json) => toSpaceDate(i.dueDate, TZ) as string)
      .sort();
    const lo = due[2] as string;
    const hi = due[due.length - 3] as string;
    const { rows, calls } = await run(emu, Issues, [q('DueDate', '>=', lo), q('DueDate', '<=', hi), q('StartDate', '>', '2020-01-01')]);
    assert.equal(calls.length, 1);
    const query = calls[0]?.query ?? {};
    assert.deepEqual([query.dueDateSince, query.dueDateUntil, query.startDateSince], [shiftDay(lo, -1), shiftDay(hi, 1), '2019-12-31']);
    const got = new Set(ids(rows));
    for (const r of rows) assert.ok(r.DueDate !== null);
    const want = ex.issues.filter((i: Json) => {
      const d = toSpaceDate(i.dueDate, TZ);
      const s = toSpaceDate(i.startDate, TZ);
      return d !== null && d >= lo && d <= hi && s !== null && s > '2020-01-01';
    });
    assert.ok(want.length > 0);
    for (const i of want) assert.ok(got.has(i.id), `issue ${i.id} kept`);
  });

  test('one IssueKey is one GET of that issue, no search', async () => {
    const { rows, calls } = await run(emu, Issues, [q('IssueKey', '=', 'WEB-3')]);
    assert.deepEqual(
      calls.map((c) => `${c.method} ${c.path}`),
      ['GET /api/v2/issues/WEB-3'],
    );
    assert.deepEqual(
      rows.map((r) => r.IssueKey),
      ['WEB-3'],
    );
  });

  test('many IssueKeys of one project cost a count and one search instead of a GET each', async () => {
    const keys = ex.issues
      .filter((i: Json) => i.projectId === 1)
      .slice(0, 8)
      .map((i: Json) => i.issueKey as string);
    const { rows, calls } = await run(emu, Issues, [q('IssueKey', 'IN', ...keys, 'not-a-key')], { limit: 8 });
    assert.deepEqual(
      calls.map((c) => c.path),
      ['/api/v2/projects', '/api/v2/issues/count', '/api/v2/issues'],
    );
    assert.deepEqual(asList(calls[2]?.query['projectId[]']), ['1']);
    assert.deepEqual(rows.map((r) => r.IssueKey).sort(), [...keys].sort());
  });

  test('an ORDER BY the API cannot sort by is never combined with a limit', async () => {
    const { rows } = await run(emu, Issues, [], { limit: 2, orderBy: [{ column: 'Summary', desc: false }] });
    assert.equal(rows.length, ex.issues.length);
  });

  test('a few IssueKeys are read one GET each, without the project list', async () => {
    const { rows, calls } = await run(emu, Issues, [q('IssueKey', 'IN', 'WEB-1', 'WEB-2', 'APP-1')]);
    assert.deepEqual(
      calls.map((c) => c.path),
      ['/api/v2/issues/WEB-1', '/api/v2/issues/WEB-2', '/api/v2/issues/APP-1'],
    );
    assert.equal(rows.length, 3);
  });

  test('ORDER BY Id DESC LIMIT 4 asks for one row more, to see past ties in created, in one request', async () => {
    const { rows, calls } = await run(emu, Issues, [], { limit: 4, orderBy: [{ column: 'Id', desc: true }] });
    assert.deepEqual(
      calls.map((c) => [c.query.sort, c.query.order, c.query.count]),
      [['created', 'desc', '5']],
    );
    const want = [...ex.issues]
      .sort((a: Json, b: Json) => b.id - a.id)
      .slice(0, 4)
      .map((i: Json) => i.id);
    assert.deepEqual(ids(rows).slice(0, 4), want);
  });

  test('Id and IssueKey together search by id and keep only the named keys', async () => {
    const { rows, calls } = await run(emu, Issues, [q('Id', 'IN', 1, 2), q('IssueKey', '=', 'WEB-1')]);
    assert.equal(searches(calls).length, 1);
    assert.deepEqual(
      rows.map((r) => r.IssueKey),
      ['WEB-1'],
    );
  });

  test('more than 100 ids are searched in chunks of 100', async () => {
    const many = Array.from({ length: 150 }, (_, k) => k + 1);
    const { rows, calls } = await run(emu, Issues, [q('Id', 'IN', ...many)]);
    assert.equal(calls.length, 2);
    assert.deepEqual(
      calls.map((c) => asList(c.query['id[]']).length),
      [100, 50],
    );
    assert.equal(rows.length, ex.issues.length);
  });

  test('issueSortKey pushes timestamps, dates and numbers, never text', () => {
    assert.equal(issueSortKey('Updated'), 'updated');
    assert.equal(issueSortKey('DueDate'), 'dueDate');
    assert.equal(issueSortKey('ActualHours'), 'actualHours');
    assert.equal(issueSortKey('Id'), 'created');
    assert.equal(issueSortKey('Summary'), undefined);
    assert.equal(issueSortKey('StatusName'), undefined);
  });

  test('ORDER BY Updated DESC LIMIT 3 is one search sorted by the API', async () => {
    const { rows, calls } = await run(emu, Issues, [q('ProjectId', '=', 1)], { limit: 3, orderBy: [{ column: 'Updated', desc: true }] });
    assert.equal(calls.length, 1);
    assert.deepEqual([calls[0]?.query.sort, calls[0]?.query.order, calls[0]?.query.count], ['updated', 'desc', '3']);
    const want = ex.issues
      .filter((i: Json) => i.projectId === 1)
      .map((i: Json) => i.updated)
      .sort()
      .reverse()
      .slice(0, 3);
    assert.deepEqual(
      rows.map((r) => r.Updated),
      want,
    );
  });

  test('ORDER BY a nullable column reads past empty values until LIMIT rows with a value are in', async () => {
    for (const desc of [true, false]) {
      const { rows, calls } = await run(emu, Issues, [], { limit: 4, orderBy: [{ column: 'DueDate', desc }] });
      assert.deepEqual([calls[0]?.query.sort, calls[0]?.query.order, calls[0]?.query.count], ['dueDate', desc ? 'desc' : 'asc', '4']);
      // The emulator puts empty values first in descending order: the first page has none with a value.
      assert.deepEqual(
        calls.map((c) => c.query.count),
        desc ? ['4', '100'] : ['4'],
      );
      const dated = ex.issues
        .filter((i: Json) => i.dueDate !== null)
        .map((i: Json) => i.dueDate as string)
        .sort();
      const want = (desc ? dated.reverse() : dated).slice(0, 4).map((d: string) => toSpaceDate(d, TZ));
      const got = rows
        .filter((r) => r.DueDate !== null)
        .map((r) => r.DueDate as string)
        .sort();
      assert.deepEqual(got.slice(desc ? -4 : 0, desc ? undefined : 4), [...want].sort(), `desc=${desc}`);
    }
  });

  test('ORDER BY with a second key reads past rows tied with the last one', async () => {
    const { rows, calls } = await run(emu, Issues, [], {
      limit: 2,
      orderBy: [
        { column: 'StartDate', desc: false },
        { column: 'Summary', desc: false },
      ],
    });
    assert.ok(calls.length >= 1);
    const starts = rows.filter((r) => r.StartDate !== null).map((r) => r.StartDate as string);
    const all = ex.issues
      .filter((i: Json) => i.startDate !== null)
      .map((i: Json) => toSpaceDate(i.startDate, TZ) as string)
      .sort();
    const second = all[1] as string;
    // Every issue sharing the second-smallest start date is among the rows.
    assert.equal(starts.filter((s) => s === second).length, all.filter((s: string) => s === second).length);
  });

  test('IssueCategories, IssueVersions and IssueMilestones flatten the arrays of a named issue in one search', async () => {
    for (const [table, field, idColumn] of [
      [IssueCategories, 'category', 'CategoryId'],
      [IssueVersions, 'versions', 'VersionId'],
      [IssueMilestones, 'milestone', 'MilestoneId'],
    ] as const) {
      const source = ex.issues.find((i: Json) => i[field].length > 0);
      const { rows, calls } = await run(emu, table, [q('IssueId', '=', source.id)]);
      assert.equal(calls.length, 1, table.name);
      assert.deepEqual(asList(calls[0]?.query['id[]']), [String(source.id)]);
      assert.deepEqual(
        rows.map((r) => r[idColumn]),
        source[field].map((x: Json) => x.id),
        table.name,
      );
      assert.ok(rows.every((r) => r.IssueId === source.id && r.IssueKey === source.issueKey));
    }
  });

  test('IssueVersions dates are calendar days in the space time zone', async () => {
    const source = ex.issues.find((i: Json) => i.versions.some((v: Json) => v.releaseDueDate !== null));
    const { rows } = await run(emu, IssueVersions, [q('IssueId', '=', source.id)]);
    const v = source.versions.find((x: Json) => x.releaseDueDate !== null);
    assert.equal(rows.find((r) => r.VersionId === v.id)?.ReleaseDueDate, toSpaceDate(v.releaseDueDate, TZ));
  });

  test('IssueCategories CategoryId narrows the search with categoryId[] and keeps only that category', async () => {
    const cat = ex.issues.flatMap((i: Json) => i.category)[0];
    const { rows, calls } = await run(emu, IssueCategories, [q('CategoryId', '=', cat.id)]);
    assert.deepEqual(asList(calls[0]?.query['categoryId[]']), [String(cat.id)]);
    assert.equal(rows.length, ex.issues.filter((i: Json) => i.category.some((c: Json) => c.id === cat.id)).length);
    assert.ok(rows.every((r) => r.CategoryId === cat.id));
  });

  test('IssueCustomFields gives one row per field and per selected item, with typed values', async () => {
    const source = ex.issues.find((i: Json) => i.customFields.some((f: Json) => f.fieldTypeId === 7 && f.value.length > 1));
    const { rows, calls } = await run(emu, IssueCustomFields, [q('IssueKey', '=', source.issueKey)]);
    assert.equal(calls.filter((c) => c.path.startsWith('/api/v2/issues')).length, 1);
    const expectedRows = source.customFields.reduce((n: number, f: Json) => n + (Array.isArray(f.value) ? Math.max(1, f.value.length) : 1), 0);
    assert.equal(rows.length, expectedRows);
    const checkbox = source.customFields.find((f: Json) => f.fieldTypeId === 7);
    assert.deepEqual(
      rows.filter((r) => r.CustomFieldId === checkbox.id).map((r) => r.ItemId),
      checkbox.value.map((v: Json) => v.id),
    );
    assert.deepEqual(
      rows.filter((r) => r.CustomFieldId === checkbox.id).map((r) => r.Value),
      checkbox.value.map((v: Json) => v.name),
    );
    const number = source.customFields.find((f: Json) => f.fieldTypeId === 3 && f.value !== null);
    if (number) assert.equal(rows.find((r) => r.CustomFieldId === number.id)?.ValueNumber, number.value);
    const dated = ex.issues.flatMap((i: Json) => i.customFields.filter((f: Json) => f.fieldTypeId === 4 && f.value !== null).map((f: Json) => ({ i, f })))[0];
    const { rows: dateRows } = await run(emu, IssueCustomFields, [q('IssueId', '=', dated.i.id), q('CustomFieldId', '=', dated.f.id)]);
    assert.deepEqual(
      dateRows.map((r) => [r.ValueDate, r.Value]),
      [[dated.f.value.slice(0, 10), dated.f.value.slice(0, 10)]],
    );
  });

  test('IssueAttachments without IssueId searches attachment=true, then reads each such issue', async () => {
    const { rows, calls } = await run(emu, IssueAttachments);
    assert.equal(calls[0]?.path, '/api/v2/issues');
    assert.equal(calls[0]?.query.attachment, 'true');
    const withFiles = new Set(ex.issueAttachments.map((a: Json) => a.issueId));
    assert.equal(calls.length, 1 + withFiles.size);
    assert.deepEqual(
      rows.map((r) => [r.Id, r.IssueId, r.CreatedUserId, r.Created]).sort(),
      ex.issueAttachments.map((a: Json) => [a.id, a.issueId, a.createdUser.id, a.created]).sort(),
    );
  });

  test('IssueAttachments without the creator columns is served by the search alone', async () => {
    const { rows, calls } = await run(emu, IssueAttachments, [], { columns: ['Id', 'IssueId', 'Name', 'Size'] });
    assert.equal(calls.length, 1);
    assert.equal(rows.length, ex.issueAttachments.length);
  });

  test('IssueAttachments of one named issue is one request to its attachments', async () => {
    const a = ex.issueAttachments[0];
    const { rows, calls } = await run(emu, IssueAttachments, [q('IssueId', '=', a.issueId)], { columns: ['Id', 'IssueId', 'Name', 'CreatedUserName'] });
    assert.deepEqual(
      calls.map((c) => c.path),
      [`/api/v2/issues/${a.issueId}/attachments`],
    );
    assert.ok(rows.some((r) => r.Id === a.id && r.IssueId === a.issueId && r.CreatedUserName === a.createdUser.name));
  });

  test('IssueLinkedSharedFiles without IssueId is one search with sharedFile=true', async () => {
    const { rows, calls } = await run(emu, IssueLinkedSharedFiles);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.query.sharedFile, 'true');
    assert.deepEqual(rows.map((r) => [r.IssueId, r.Id, r.Dir, r.Name]).sort(), ex.issueSharedFiles.map((f: Json) => [f.issueId, f.id, f.dir, f.name]).sort());
  });

  test('IssueLinkedSharedFiles of one named issue key is one request', async () => {
    const f = ex.issueSharedFiles[0];
    const key = ex.issues.find((i: Json) => i.id === f.issueId).issueKey;
    const { rows, calls } = await run(emu, IssueLinkedSharedFiles, [q('IssueKey', '=', key)], { columns: ['Id', 'IssueKey', 'Name'] });
    assert.deepEqual(
      calls.map((c) => c.path),
      [`/api/v2/issues/${key}/sharedFiles`],
    );
    assert.ok(rows.some((r) => r.Id === f.id && r.IssueKey === key));
  });

  test('IssueParticipants of a named issue is one request', async () => {
    const issue = ex.issues[0];
    const { rows, calls } = await run(emu, IssueParticipants, [q('IssueId', '=', issue.id)], { columns: ['IssueId', 'UserId', 'UserName'] });
    assert.deepEqual(
      calls.map((c) => c.path),
      [`/api/v2/issues/${issue.id}/participants`],
    );
    const users = new Set(rows.map((r) => r.UserId));
    assert.ok(users.has(issue.createdUser.id));
    for (const c of ex.comments.filter((c: Json) => c.issueId === issue.id)) assert.ok(users.has(c.createdUser.id));
  });

  test('IssueComments by key needs no issue lookup unless IssueKey is selected', async () => {
    const issue = ex.issues.find((i: Json) => ex.comments.some((c: Json) => c.issueId === i.id));
    const want = ex.comments.filter((c: Json) => c.issueId === issue.id).map((c: Json) => c.id);
    const bare = await run(emu, IssueComments, [q('IssueKey', '=', issue.issueKey)], { columns: ['Id', 'IssueId', 'Content'] });
    assert.deepEqual(
      bare.calls.map((c) => c.path),
      [`/api/v2/issues/${issue.issueKey}/comments`],
    );
    assert.deepEqual(ids(bare.rows), want);
    const byId = await run(emu, IssueComments, [q('IssueId', '=', issue.id)]);
    assert.deepEqual(
      byId.calls.map((c) => c.path),
      ['/api/v2/issues', `/api/v2/issues/${issue.id}/comments`],
    );
    assert.ok(byId.rows.every((r) => r.IssueKey === issue.issueKey));
  });

  test('IssueComments Id bounds the keyset walk', async () => {
    const c = ex.comments[3];
    const { rows, calls } = await run(emu, IssueComments, [q('IssueId', '=', c.issueId), q('Id', '=', c.id)], { columns: ['Id', 'IssueId'] });
    assert.deepEqual([calls[0]?.query.minId, calls[0]?.query.maxId], [String(c.id), String(c.id)]);
    assert.deepEqual(ids(rows), [c.id]);
  });

  test('the comment views flatten change logs, notifications and stars of an issue', async () => {
    for (const [table, field] of [
      [IssueCommentChangeLog, 'changeLog'],
      [IssueCommentNotifications, 'notifications'],
      [IssueCommentStars, 'stars'],
    ] as const) {
      const comment = ex.comments.find((c: Json) => (c[field] ?? []).length > 0);
      assert.ok(comment, `the seed has a comment with ${field}`);
      const { rows, calls } = await run(emu, table, [q('IssueId', '=', comment.issueId)]);
      assert.deepEqual(
        calls.map((c) => c.path),
        [`/api/v2/issues/${comment.issueId}/comments`],
        table.name,
      );
      const want = ex.comments.filter((c: Json) => c.issueId === comment.issueId).reduce((n: number, c: Json) => n + (c[field] ?? []).length, 0);
      assert.equal(rows.length, want, table.name);
      assert.ok(rows.every((r) => r.IssueId === comment.issueId));
      const one = await run(emu, table, [q('IssueId', '=', comment.issueId), q('CommentId', '=', comment.id)]);
      assert.equal(one.rows.length, comment[field].length);
    }
  });

  test('child views stop reading issues once the limit is reached', async () => {
    const { rows, calls } = await run(emu, IssueComments, [], { limit: 2, columns: ['Id', 'IssueId'] });
    assert.ok(rows.length >= 2);
    assert.ok(calls.length < 6, `made ${calls.length} calls`);
  });

  test('a viewer asking for issues it cannot see gets warnings and no rows, not an error', async () => {
    const viewer = emu.users.find((u) => u.roleType === 4);
    assert.ok(viewer);
    const visible = new Set(((await (await fetch(`${emu.url}/api/v2/projects?apiKey=${viewer.apiKey}`)).json()) as Json[]).map((p) => p.id));
    const hidden = ex.issues.find((i: Json) => !visible.has(i.projectId) && i.attachments.length > 0) ?? ex.issues.find((i: Json) => !visible.has(i.projectId));
    assert.ok(hidden, 'the viewer cannot see every project');
    const opts = { apiKey: viewer.apiKey };
    const byKey = await run(emu, Issues, [q('IssueKey', '=', hidden.issueKey)], opts);
    assert.deepEqual(byKey.rows, []);
    assert.equal(byKey.warnings.length, 1);
    assert.match(byKey.warnings[0] ?? '', new RegExp(hidden.issueKey));
    for (const table of [IssueAttachments, IssueParticipants, IssueComments]) {
      const r = await run(emu, table, [q('IssueId', '=', hidden.id)], { ...opts, columns: ['Id', 'IssueId'] });
      assert.deepEqual(r.rows, [], table.name);
      assert.equal(r.warnings.length, 1, table.name);
    }
    const byId = await run(emu, Issues, [q('Id', '=', hidden.id)], opts);
    assert.deepEqual(byId.rows, []);
  });
});

describe('date-only columns in a space west of UTC', () => {
  let emu: RunningEmulator;
  let ex: Json;
  const TZ = 'America/Los_Angeles';

  before(async () => {
    emu = await startTestEmulator({ timezone: TZ });
    ex = await control(emu, 'GET', 'export');
  });
  after(() => emu.close());

  test('DueDate and StartDate are the calendar days Backlog shows in Los Angeles', async () => {
    const { rows } = await run(emu, Issues, [], { timezone: TZ });
    const byId = new Map(rows.map((r) => [r.Id, r]));
    let checked = 0;
    for (const i of ex.issues) {
      const row = byId.get(i.id);
      assert.ok(row);
      assert.equal(row.DueDate, toSpaceDate(i.dueDate, TZ));
      assert.equal(row.StartDate, toSpaceDate(i.startDate, TZ));
      if (i.dueDate !== null) {
        // Midnight in Los Angeles, sent in UTC: the same calendar day, seven or eight hours later.
        assert.match(i.dueDate, /T0[78]:00:00Z$/);
        assert.equal(row.DueDate, i.dueDate.slice(0, 10));
        checked++;
      }
    }
    assert.ok(checked > 0);
  });

  test('a DueDate range still returns every matching issue west of UTC', async () => {
    const due = ex.issues
      .filter((i: Json) => i.dueDate !== null)
      .map((i: Json) => toSpaceDate(i.dueDate, TZ) as string)
      .sort();
    const day = due[Math.floor(due.length / 2)] as string;
    const { rows, calls } = await run(emu, Issues, [q('DueDate', '=', day)], { timezone: TZ });
    assert.deepEqual([calls[0]?.query.dueDateSince, calls[0]?.query.dueDateUntil], [shiftDay(day, -1), shiftDay(day, 1)]);
    const got = new Set(ids(rows));
    for (const i of ex.issues.filter((x: Json) => toSpaceDate(x.dueDate, TZ) === day)) assert.ok(got.has(i.id));
  });
});
