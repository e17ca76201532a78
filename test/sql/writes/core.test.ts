/**
 * Writes (issue 5): the statement forms on Issues, what is refused before any request, the
 * round trip through backlog-js, and — with the emulator's faults — that no write is ever
 * duplicated or silently lost when a statement stops halfway (ARCHITECTURE.md §6, NET-2).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqlError, WriteOutcomeUnknownError, WritePartlyDoneError } from '../../../src/errors.js';
import { control } from '../../helpers/emulator.js';
import { openWriteFixture, statusOf, type WriteFixture } from '../../helpers/writes.js';

let f: WriteFixture;
let typeId: number;
let categoryIds: number[];

before(async () => {
  f = await openWriteFixture({ emulator: { rateWindow: 2 } });
  typeId = Number((await f.db.query("SELECT min(Id) AS id FROM ProjectIssueTypes WHERE ProjectKey = 'WEB'")).rows[0]?.['id' as never]);
  categoryIds = ((await f.db.query("SELECT Id FROM ProjectCategories WHERE ProjectKey = 'WEB' ORDER BY Id LIMIT 2")).rows as { Id: number }[]).map((r) => r.Id);
  assert.equal(categoryIds.length, 2);
});
after(() => f.close());

async function faults(spec: Record<string, unknown>): Promise<void> {
  await control(f.emu, 'POST', 'faults', spec);
}

async function newIssues(n: number, prefix: string): Promise<number[]> {
  const values = Array.from({ length: n }, (_, i) => `('WEB', '${prefix} ${i + 1}', ${typeId}, 3)`).join(', ');
  const r = await f.db.query(`INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ${values} RETURNING Id`);
  return (r.rows as { Id: number }[]).map((x) => x.Id);
}

describe('INSERT, UPDATE and DELETE on Issues', () => {
  it('INSERT sends one POST per row and RETURNING gives the generated ids and keys', async () => {
    await f.clear();
    const r = await f.db.query(
      `INSERT INTO Issues (ProjectKey, Summary, Description, IssueTypeId, PriorityId, DueDate, StartDate, EstimatedHours, CategoryIds)
       VALUES ('WEB', 'ログインできない', '再現手順：\n1. ログイン画面を開く', ${typeId}, 2, '2026-12-01', '2026-11-30', 1.5, [${categoryIds.join(', ')}]),
              ('WEB', 'Second row', NULL, ${typeId}, 3, NULL, NULL, NULL, NULL)
       RETURNING Id, IssueKey, Summary, DueDate`,
    );
    assert.equal(r.command, 'INSERT');
    assert.equal(r.rowCount, 2);
    const rows = r.rows as { Id: number; IssueKey: string; Summary: string; DueDate: string | null }[];
    assert.match(rows[0]?.IssueKey ?? '', /^WEB-\d+$/);
    assert.equal(rows[0]?.DueDate, '2026-12-01');
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      ['POST /api/v2/issues', 'POST /api/v2/issues'],
    );
    assert.equal(writes[0]?.form.summary, 'ログインできない');
    assert.deepEqual(writes[0]?.form['categoryId[]'], categoryIds.map(String));
    assert.equal(writes[0]?.form.dueDate, '2026-12-01');
    assert.equal(writes[1]?.form.dueDate, undefined, 'NULL leaves a field out of an INSERT');

    // Read back through the official client, field by field (the space is west of UTC).
    const back = await f.client.getIssue(rows[0]?.IssueKey as string);
    assert.equal(back.summary, 'ログインできない');
    assert.equal(back.description, '再現手順：\n1. ログイン画面を開く');
    assert.equal(back.priority.id, 2);
    assert.equal(back.issueType.id, typeId);
    assert.equal(back.estimatedHours, 1.5);
    assert.deepEqual(back.category.map((c) => c.id).sort(), [...categoryIds].sort());
    // Backlog sends date-only fields as midnight in the space's zone, in UTC: 08:00Z in winter in Los Angeles.
    assert.equal(back.dueDate, '2026-12-01T08:00:00Z');
    assert.equal(back.startDate, '2026-11-30T08:00:00Z');
  });

  it('UPDATE with NULL clears fields, Comment records a comment, and sys_identity lists the rows', async () => {
    const [id] = await newIssues(1, 'To clear');
    await f.db.query(
      `UPDATE Issues SET DueDate = '2027-01-15', AssigneeId = (SELECT min(UserId) FROM ProjectUsers WHERE ProjectKey = 'WEB'), CategoryIds = [${categoryIds[0]}] WHERE Id = ${id}`,
    );
    await f.clear();
    const r = await f.db.query(
      `UPDATE Issues SET DueDate = NULL, AssigneeId = NULL, CategoryIds = NULL, Comment = 'コメント付きで更新' WHERE Id = ${id} RETURNING Id, DueDate, AssigneeId`,
    );
    assert.equal(r.rowCount, 1);
    assert.deepEqual(r.rows, [{ Id: id, DueDate: null, AssigneeId: null }]);
    const [patch] = await f.writes();
    assert.equal(patch?.method, 'PATCH');
    assert.equal(patch?.path, `/api/v2/issues/${id}`);
    assert.deepEqual(patch?.form, { dueDate: '', assigneeId: '', 'categoryId[]': '', comment: 'コメント付きで更新' });
    const back = await f.client.getIssue(String(id));
    assert.equal(back.dueDate, null);
    assert.equal(back.assignee, null);
    assert.deepEqual(back.category, []);
    const comments = await f.client.getIssueComments(String(id), {});
    assert.ok(comments.some((c) => c.content === 'コメント付きで更新'));
    const identity = await f.db.query('SELECT Id, Operation, Outcome, TableName FROM sys_identity');
    assert.deepEqual(identity.rows, [{ Id: String(id), Operation: 'UPDATE', Outcome: 'written', TableName: 'Issues' }]);
  });

  it('UPDATE computes SET expressions per row and sends nothing for rows that already have the values', async () => {
    const ids = await newIssues(3, 'Expr');
    await f.clear();
    const r = await f.db.query(`UPDATE Issues SET Summary = Summary || ' (' || KeyId || ')' WHERE Id IN (${ids.join(', ')})`);
    assert.equal(r.rowCount, 3);
    const writes = await f.writes();
    assert.equal(writes.length, 3);
    for (const w of writes) assert.match(String(w.form.summary), /^Expr \d \(\d+\)$/);
    await f.clear();
    const again = await f.db.query(`UPDATE Issues SET PriorityId = 3 WHERE Id IN (${ids.join(', ')})`);
    assert.equal(again.rowCount, 3);
    assert.equal((await f.writes()).length, 0, 'the priority was already Normal');
    assert.deepEqual(
      ((await f.db.query('SELECT DISTINCT Outcome FROM sys_identity')).rows as { Outcome: string }[]).map((x) => x.Outcome),
      ['unchanged'],
    );
  });

  it('DELETE sends one DELETE per matching row, and the issues are gone (404)', async () => {
    const ids = await newIssues(2, 'Doomed');
    await f.clear();
    const r = await f.db.query(`DELETE FROM Issues WHERE Id IN (${ids.join(', ')}) RETURNING Id, Summary`);
    assert.equal(r.command, 'DELETE');
    assert.deepEqual((r.rows as { Id: number }[]).map((x) => x.Id).sort(), [...ids].sort());
    assert.deepEqual(
      (await f.writes()).map((w) => w.method),
      ['DELETE', 'DELETE'],
    );
    for (const id of ids) assert.equal(await statusOf(f.client.getIssue(String(id))), 404);
  });

  it('INSERT … SELECT copies rows read from Backlog, and parameters bind in every part', async () => {
    const [source] = await newIssues(1, 'Template');
    await f.clear();
    const r = await f.db.query(
      'INSERT INTO Issues (ProjectId, Summary, IssueTypeId, PriorityId) SELECT ProjectId, ? || Summary, IssueTypeId, PriorityId FROM Issues WHERE Id = ? RETURNING Summary',
      ['Copy of ', source],
    );
    assert.deepEqual(r.rows, [{ Summary: 'Copy of Template 1' }]);
    const named = await f.db.query('UPDATE Issues SET Description = @text WHERE Id = @id', { text: 'named', id: source });
    assert.equal(named.rowCount, 1);
    assert.equal((await f.client.getIssue(String(source))).description, 'named');
  });
});

describe('ProjectCategories', () => {
  it('round trip: INSERT, UPDATE and DELETE read back through backlog-js', async () => {
    await f.clear();
    const r = await f.db.query("INSERT INTO ProjectCategories (ProjectKey, Name) VALUES ('WEB', 'バックエンド') RETURNING Id, ProjectId, ProjectKey, Name");
    const row = r.rows[0] as { Id: number; ProjectId: number; ProjectKey: string; Name: string };
    assert.equal(row.ProjectKey, 'WEB');
    assert.equal(row.Name, 'バックエンド');
    assert.deepEqual(
      (await f.writes()).map((w) => `${w.method} ${w.path} ${JSON.stringify(w.form)}`),
      [`POST /api/v2/projects/${row.ProjectId}/categories {"name":"バックエンド"}`],
    );
    assert.equal((await f.client.getCategories('WEB')).find((c) => c.id === row.Id)?.name, 'バックエンド');
    await f.db.query(`UPDATE ProjectCategories SET Name = Name || '（API）' WHERE ProjectKey = 'WEB' AND Id = ${row.Id}`);
    assert.equal((await f.client.getCategories('WEB')).find((c) => c.id === row.Id)?.name, 'バックエンド（API）');
    const d = await f.db.query(`DELETE FROM ProjectCategories WHERE ProjectKey = 'WEB' AND Id = ${row.Id} RETURNING Name`);
    assert.deepEqual(d.rows, [{ Name: 'バックエンド（API）' }]);
    assert.equal(
      (await f.client.getCategories('WEB')).some((c) => c.id === row.Id),
      false,
    );
    // Backlog has no GET for one category: a PATCH of the deleted one is the 404.
    assert.equal(await statusOf(f.client.patchCategories('WEB', row.Id, { name: 'x' })), 404);
  });
});

describe('a comment on each matching issue', () => {
  it('INSERT INTO IssueComments … SELECT: one search, one POST per issue, no other request', async () => {
    const ids = await newIssues(3, 'Needs estimate');
    await f.clear();
    const r = await f.db.query(
      `INSERT INTO IssueComments (IssueId, Content) SELECT Id, 'Please update the estimate.' FROM Issues WHERE Id IN (${ids.join(', ')}) AND EstimatedHours IS NULL`,
    );
    assert.equal(r.rowCount, 3);
    assert.deepEqual(r.stats.byEndpoint, { 'GET /issues': 1, 'POST /issues/:id/comments': 3 });
    for (const id of ids) assert.ok((await f.client.getIssueComments(String(id), {})).some((c) => c.content === 'Please update the estimate.'));
  });
});

describe('files: import with INSERT … SELECT FROM read_csv, export with COPY … TO', () => {
  it('creates one issue per CSV line, and COPY writes what Backlog holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backlog-sql-csv-'));
    writeFileSync(join(dir, 'import.csv'), 'title,due\n"インポート 1",2026-12-01\n"Import 2",\n');
    await f.clear();
    const r = await f.db.query(
      `INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId, DueDate) SELECT 'WEB', title, ${typeId}, 3, due FROM read_csv('${join(dir, 'import.csv')}') RETURNING IssueKey, Summary, DueDate`,
    );
    const rows = r.rows as { IssueKey: string; Summary: string; DueDate: string | null }[];
    assert.deepEqual(
      rows.map((x) => [x.Summary, x.DueDate]),
      [
        ['インポート 1', '2026-12-01'],
        ['Import 2', null],
      ],
    );
    assert.equal((await f.writes()).length, 2);
    await f.db.query(
      `COPY (SELECT IssueKey, Summary FROM Issues WHERE IssueKey IN ('${rows[0]?.IssueKey}', '${rows[1]?.IssueKey}') ORDER BY IssueKey) TO '${join(dir, 'out.csv')}' (HEADER)`,
    );
    assert.equal(readFileSync(join(dir, 'out.csv'), 'utf8'), `IssueKey,Summary\n${rows[0]?.IssueKey},インポート 1\n${rows[1]?.IssueKey},Import 2\n`);
    await f.db.query(`COPY ProjectCategories TO '${join(dir, 'categories.csv')}' (HEADER)`);
    assert.match(readFileSync(join(dir, 'categories.csv'), 'utf8'), /^Id,ProjectId,ProjectKey,Name,DisplayOrder\n\d+,/);
  });
});

describe('what is refused before any request', () => {
  const refused: [string, RegExp, string][] = [
    ["INSERT INTO Issues (ProjectKey, Summary) VALUES ('WEB', 'x')", /needs IssueTypeId, PriorityId/, '23502'],
    [
      "INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId, Created) VALUES ('WEB', 'x', 1, 3, now())",
      /column "Created" of Issues is read-only/,
      '42601',
    ],
    ["INSERT INTO Issues (ProjectKey, Summery) VALUES ('WEB', 'x')", /column "Summery" of Issues does not exist/, '42703'],
    ["INSERT INTO Issues VALUES ('WEB', 'x')", /needs a column list/, '42601'],
    ["INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId, StatusId) VALUES ('WEB', 'x', 1, 3, 2)", /can only be set by UPDATE/, '42601'],
    ['UPDATE Issues SET ProjectId = 2 WHERE Id = 1', /can only be set by INSERT/, '42601'],
    ['UPDATE Issues SET Summary = NULL WHERE Id = 1', /Summary of Issues cannot be NULL/, '23502'],
    ["UPDATE Users SET Name = 'x'", /Users is a view: it cannot be written/, '42809'],
    ["UPDATE sys_tables SET Description = 'x'", /system table/, '42809'],
    ['DELETE FROM Isues WHERE Id = 1', /table "Isues" does not exist/, '42P01'],
    ["INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('NOPE', 'x', 1, 3)", /no project with key NOPE/, '23503'],
    ["INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', NULL, 1, 3)", /row 1: Summary of Issues cannot be NULL/, '23502'],
    [
      "INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', 'x', 1, 3) ON CONFLICT DO NOTHING",
      /ON CONFLICT is not supported/,
      '42601',
    ],
    ['UPDATE Issues SET Summary = DEFAULT WHERE Id = 1', /DEFAULT is not supported/, '42601'],
    ['EXPLAIN ANALYZE DELETE FROM Issues WHERE Id = 1', /EXPLAIN ANALYZE of INSERT, UPDATE or DELETE is not supported/, '0A000'],
    ['DELETE FROM Issues', /DELETE without WHERE is refused: it would delete every row of Issues/, '42601'],
    ["UPDATE Issues SET Summary = 'x'", /UPDATE without WHERE is refused/, '42601'],
    ["UPDATE Issues SET Summary = 'x', WHERE Id = 1", /a comma with no Column = value after it/, '42601'],
    ['WITH x AS (SELECT 1 AS id) DELETE FROM Issues WHERE Id IN (SELECT id FROM x)', /only queries, INSERT, UPDATE, DELETE and EXEC \/ CALL run here/, '0A000'],
  ];
  for (const [sql, message, sqlstate] of refused) {
    it(`refuses ${sql.slice(0, 70)}`, async () => {
      await f.clear();
      await assert.rejects(f.db.query(sql), (e: unknown) => e instanceof SqlError && message.test(e.message) && e.sqlstate === sqlstate);
      assert.deepEqual(await f.writes(), []);
    });
  }

  // Changed in the open (issue 13): EXPLAIN of a write was refused; it now prints the write's plan
  // (its SELECT's read plan, then the write) and sends nothing.
  it("EXPLAIN UPDATE / DELETE / INSERT prints the write's plan and sends no request", async () => {
    await f.clear();
    const update = await f.db.query("EXPLAIN UPDATE Issues SET Summary = 'x' WHERE ProjectId = 1 AND Id = 1");
    const rows = update.rows as { step: number; table: string; pushed: string; estimatedRequests: string }[];
    assert.equal(rows.length, 2);
    assert.match(rows[0]?.pushed ?? '', /ProjectId = 1/);
    assert.deepEqual(
      [rows[1]?.table, /^UPDATE /.test(rows[1]?.pushed ?? ''), /1 PATCH per matching row/.test(rows[1]?.estimatedRequests ?? '')],
      ['Issues', true, true],
    );
    const del = (await f.db.query('EXPLAIN DELETE FROM Issues WHERE Id = 1')).rows as { table: string; estimatedRequests: string }[];
    assert.match(del.at(-1)?.estimatedRequests ?? '', /1 DELETE per matching row/);
    const insert = (await f.db.query("EXPLAIN INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', 'x', 1, 3)")).rows as {
      table: string;
      estimatedRequests: string;
    }[];
    assert.deepEqual(
      insert.map((r) => r.table),
      ['Issues'],
    );
    assert.match(insert[0]?.estimatedRequests ?? '', /1 POST per row inserted/);
    // Describe (the wire server's, before it executes) gives the plan's columns.
    const described = await f.db.describe("EXPLAIN UPDATE Issues SET Summary = 'x' WHERE Id = 1");
    assert.deepEqual(
      described.map((c) => c.name),
      Object.keys(update.rows[0] as object),
    );
    assert.deepEqual(await f.requests(), []);
  });

  it('Readonly=true refuses every write with no request at all', async () => {
    const ro = await openWriteFixture({ connection: 'Readonly=true' });
    try {
      for (const sql of [
        "UPDATE Issues SET Summary = 'x' WHERE Id = 1",
        'DELETE FROM Issues WHERE Id = 1',
        "INSERT INTO ProjectCategories (ProjectKey, Name) VALUES ('WEB', 'x')",
      ]) {
        await assert.rejects(
          ro.db.query(sql),
          (e: unknown) => e instanceof SqlError && e.sqlstate === '25006' && /read-only/.test(e.message) && /Readonly=true/.test(e.hint ?? ''),
        );
      }
      assert.deepEqual(await ro.requests(), []);
    } finally {
      await ro.close();
    }
  });

  it('a later row naming a project that does not exist fails the statement before the first request', async () => {
    await f.clear();
    await assert.rejects(
      f.db.query(`INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', 'fine', ${typeId}, 3), ('NOPE', 'bad', ${typeId}, 3)`),
      (e: unknown) => e instanceof SqlError && /^row 2: no project with key NOPE/.test(e.message) && /Nothing was written/.test(e.hint ?? ''),
    );
    assert.deepEqual(await f.writes(), []);
  });

  it('a join that gives one row two different new values is refused before writing', async () => {
    const [id] = await newIssues(1, 'Twice');
    await f.clear();
    await assert.rejects(
      f.db.query(`UPDATE Issues AS i SET Summary = v.s FROM (VALUES ('a'), ('b')) AS v(s) WHERE i.Id = ${id}`),
      (e: unknown) => e instanceof SqlError && /matched more than once/.test(e.message),
    );
    assert.deepEqual(await f.writes(), []);
  });
});

describe('a statement that stops halfway loses and duplicates nothing', () => {
  it('a 503 on the 17th of 30 updates: 16 written, the 17th unknown and never re-sent, 13 not attempted', async () => {
    const ids = await newIssues(30, 'Bulk');
    await f.clear();
    await faults({ method: 'PATCH', pathPattern: '^/api/v2/issues/\\d+$', skip: 16, times: 1, action: 'status', status: 503 });
    const err = await f.db.query(`UPDATE Issues SET Summary = 'Bulk done' WHERE Id IN (${ids.join(', ')})`).then(
      () => assert.fail('the statement must fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WriteOutcomeUnknownError, String(err));
    assert.match(err.message, /stopped at row 17 of 30/);
    assert.match(err.detail ?? '', /Written: 16 rows/);
    assert.match(err.detail ?? '', /Outcome unknown: row 17/);
    assert.match(err.detail ?? '', /Not attempted: 13 rows/);
    const patches = (await f.writes()).filter((w) => w.method === 'PATCH');
    assert.equal(patches.length, 17, 'rows 1–17 sent once each; 18–30 never');
    assert.equal(new Set(patches.map((p) => p.path)).size, 17, 'no row sent twice');
    const outcomes = (await f.db.query('SELECT Outcome, count(*) AS n FROM sys_identity GROUP BY Outcome ORDER BY Outcome')).rows;
    assert.deepEqual(outcomes, [
      { Outcome: 'not attempted', n: 13 },
      { Outcome: 'unknown', n: 1 },
      { Outcome: 'written', n: 16 },
    ]);
    // Read back: exactly the 16 written rows changed (the injected 503 was not processed).
    const back = await f.db.query(`SELECT count(*) FILTER (WHERE Summary = 'Bulk done') AS done FROM Issues WHERE Id IN (${ids.join(', ')})`);
    assert.deepEqual(back.rows, [{ done: 16 }]);
  });

  it('drop-after on a create: the issue exists once, the POST was sent once, and the error says the outcome is unknown', async () => {
    await f.clear();
    await faults({ method: 'POST', pathPattern: '^/api/v2/issues$', times: 1, action: 'drop-after' });
    await assert.rejects(
      f.db.query(
        `INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', 'Dropped answer', ${typeId}, 3), ('WEB', 'Never sent', ${typeId}, 3)`,
      ),
      (e: unknown) => e instanceof WriteOutcomeUnknownError && /Not attempted: 1 row/.test(e.detail ?? '') && /Read it back/.test(e.hint ?? ''),
    );
    assert.equal((await f.writes()).filter((w) => w.method === 'POST').length, 1);
    const back = await f.db.query("SELECT Summary FROM Issues WHERE ProjectKey = 'WEB' AND Summary IN ('Dropped answer', 'Never sent')");
    assert.deepEqual(back.rows, [{ Summary: 'Dropped answer' }], 'processed once by Backlog; the second row never sent');
  });

  it('a 429 before a write is waited out and re-sent, since Backlog refused it: exactly one issue', async () => {
    await f.clear();
    await faults({ method: 'POST', pathPattern: '^/api/v2/issues$', times: 1, action: 'status', status: 429 });
    const r = await f.db.query(`INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', 'After a 429', ${typeId}, 3) RETURNING Id`);
    assert.equal(r.rowCount, 1);
    const posts = (await f.writes()).filter((w) => w.method === 'POST');
    assert.deepEqual(
      posts.map((p) => p.status),
      [429, 201],
    );
    assert.equal(r.stats.retries, 1);
    const back = await f.db.query("SELECT count(*) AS n FROM Issues WHERE ProjectKey = 'WEB' AND Summary = 'After a 429'");
    assert.deepEqual(back.rows, [{ n: 1 }]);
  });

  it('a refused row after written ones is a partial write: the error lists the written ids and the reason', async () => {
    const ids = await newIssues(3, 'Partial');
    await f.clear();
    await faults({ method: 'DELETE', pathPattern: '^/api/v2/issues/\\d+$', skip: 1, times: 1, action: 'status', status: 403 });
    const err = await f.db.query(`DELETE FROM Issues WHERE Id IN (${ids.join(', ')})`).then(
      () => assert.fail('must fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WritePartlyDoneError, String(err));
    assert.match(err.message, /stopped after 1 of 3 rows/);
    assert.match(err.detail ?? '', /Failed: row 2/);
    assert.match(err.detail ?? '', /Not attempted: 1 row/);
    assert.equal(err.report.rows.filter((r) => r.outcome === 'written').length, 1);
    assert.equal((await f.writes()).length, 2);
  });

  it('a refusal of the first row writes nothing and keeps the API error (with the rows not attempted in DETAIL)', async () => {
    await f.clear();
    await assert.rejects(
      f.db.query(`INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', 'bad type', 999999, 3), ('WEB', 'fine', ${typeId}, 3)`),
      (e: unknown) =>
        e instanceof Error &&
        e.constructor.name === 'ApiError' &&
        /wrote nothing/.test(e.message) &&
        /issueTypeId/.test(e.message) &&
        /Not attempted: 1 row/.test((e as { detail?: string }).detail ?? ''),
    );
    assert.equal((await f.writes()).length, 1);
  });

  it('cancelling a long statement stops before the next row and reports what was written', async () => {
    const ids = await newIssues(6, 'Cancel');
    await f.clear();
    const controller = new AbortController();
    const pending = f.db.query(`UPDATE Issues SET Summary = 'cancelled run' WHERE Id IN (${ids.join(', ')})`, undefined, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 2) controller.abort();
      },
    });
    await assert.rejects(pending, (e: unknown) => e instanceof WritePartlyDoneError && /cancelled/.test(e.message) && /Written: 2 rows/.test(e.detail ?? ''));
    assert.equal((await f.writes()).length, 2);
  });
});

describe('pacing', () => {
  it('a statement longer than the update limit waits for the window instead of drawing a 429', async () => {
    const paced = await openWriteFixture({ emulator: { rateLimit: 'read=600,update=5,search=150,icon=60', rateWindow: 2 } });
    try {
      const ids = ((await paced.db.query("SELECT Id FROM Issues WHERE ProjectKey = 'WEB' ORDER BY Id LIMIT 12")).rows as { Id: number }[]).map((r) => r.Id);
      await paced.clear();
      const progress: number[] = [];
      const r = await paced.db.query(`UPDATE Issues SET Summary = Summary || ' (paced)' WHERE Id IN (${ids.join(', ')})`, undefined, {
        onProgress: (p) => progress.push(p.done),
      });
      assert.equal(r.rowCount, 12);
      const patches = (await paced.writes()).filter((w) => w.method === 'PATCH');
      assert.equal(patches.length, 12);
      assert.deepEqual([...new Set(patches.map((p) => p.status))], [200], 'no 429 drawn');
      assert.ok(r.stats.rateLimitWaits >= 2, `waited for the window (${r.stats.rateLimitWaits} waits)`);
      assert.deepEqual(
        progress,
        Array.from({ length: 12 }, (_, i) => i + 1),
      );
    } finally {
      await paced.close();
    }
  });
});

describe('cancelling while a write is in flight', () => {
  it('lets the request finish, so its row is known to be written, and sends no more', async () => {
    const ids = await newIssues(4, 'In flight');
    await f.clear();
    await faults({ method: 'PATCH', pathPattern: '^/api/v2/issues/\\d+$', skip: 1, times: 1, action: 'delay', ms: 400 });
    const controller = new AbortController();
    const pending = f.db.query(`UPDATE Issues SET Summary = 'in flight done' WHERE Id IN (${ids.join(', ')})`, undefined, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 1) setTimeout(() => controller.abort(), 100);
      },
    });
    await assert.rejects(
      pending,
      (e: unknown) => e instanceof WritePartlyDoneError && /Written: 2 rows/.test(e.detail ?? '') && /Not attempted: 2 rows/.test(e.detail ?? ''),
    );
    assert.equal((await f.writes()).length, 2);
    const back = await f.db.query(`SELECT count(*) AS n FROM Issues WHERE Id IN (${ids.join(', ')}) AND Summary = 'in flight done'`);
    assert.deepEqual(back.rows, [{ n: 2 }]);
  });
});

describe('custom fields through IncludeCustomFields columns', () => {
  it('writes text, numbers, dates and list items by name, and NULL clears', async () => {
    const cf = await openWriteFixture({ connection: 'IncludeCustomFields=true' });
    try {
      const fields = await cf.client.getCustomFields('WEB');
      const text = fields.find((x) => x.typeId === 1);
      const single = fields.find((x) => x.typeId === 5) as { name: string; items: { id: number; name: string }[]; applicableIssueTypes?: number[] } | undefined;
      assert.ok(text && single, 'the seed has a text and a single-list field in WEB');
      const cols = (await cf.db.query("SELECT ColumnName, Description FROM sys_tablecolumns WHERE TableName = 'Issues'")).rows as {
        ColumnName: string;
        Description: string;
      }[];
      const colFor = (id: number) => cols.find((c) => new RegExp(`field ids? (.*, )?${id}(,|\\.|$)`).test(c.Description))?.ColumnName as string;
      const textCol = colFor(text.id);
      const listCol = colFor((single as unknown as { id: number }).id);
      const issueType = single.applicableIssueTypes?.[0] ?? typeId;
      const item = single.items[0] as { id: number; name: string };
      await cf.clear();
      const r = await cf.db.query(
        `INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId, "${textCol}", "${listCol}") VALUES ('WEB', 'custom', ${issueType}, 3, '顧客A', '${item.name}') RETURNING Id, "${textCol}" AS t, "${listCol}" AS l`,
      );
      const row = r.rows[0] as { Id: number; t: string; l: string };
      assert.equal(row.t, '顧客A');
      assert.equal(row.l, item.name);
      const [post] = await cf.writes();
      assert.equal(post?.form[`customField_${text.id}`], '顧客A');
      assert.equal(post?.form[`customField_${(single as unknown as { id: number }).id}`], String(item.id));
      await cf.db.query(`UPDATE Issues SET "${textCol}" = NULL WHERE Id = ${row.Id}`);
      const back = await cf.client.getIssue(String(row.Id));
      const value = back.customFields.find((c) => c.id === text.id)?.value;
      assert.ok(value === null || value === '' || value === undefined, `cleared, got ${JSON.stringify(value)}`);
      await assert.rejects(
        cf.db.query(`UPDATE Issues SET "${listCol}" = 'no such item' WHERE Id = ${row.Id}`),
        (e: unknown) => e instanceof SqlError && /has no item "no such item"/.test(e.message) && /Its items:/.test(e.hint ?? ''),
      );
    } finally {
      await cf.close();
    }
  });
});
