/**
 * The SQL engine end to end against the emulator: what a statement returns, and exactly which
 * Backlog requests it makes (the journal), with pushdown on and off.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, SqlError, CancelledError, type Connection } from '../../src/index.js';
import type { ParamValues } from '../../src/sql/analyze.js';
import { TABLES } from '../../src/schema/tables/index.js';
import { api, clearJournal, control, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

let emu: RunningEmulator;
let db: Connection;
let plain: Connection;

before(async () => {
  emu = await startTestEmulator();
  db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
  plain = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Other="Pushdown=false"`);
});
after(async () => {
  await db.close();
  await plain.close();
  await emu.close();
});

async function apiCalls(): Promise<string[]> {
  return (await journal(emu)).map((e) => `${e.method} ${e.path}`);
}

describe('pushdown', () => {
  test('an equality on a key column becomes one request with that parameter', async () => {
    await clearJournal(emu);
    const r = await db.query('SELECT IssueKey, StatusId FROM Issues WHERE ProjectId = 1 AND StatusId = 1');
    assert.ok(r.rowCount > 0);
    assert.ok(r.rows.every((row) => (row as { StatusId: number }).StatusId === 1));
    const entries = await journal(emu);
    const searches = entries.filter((e) => e.path === '/api/v2/issues');
    assert.equal(searches.length, 1, JSON.stringify(entries.map((e) => e.path)));
    assert.deepEqual(searches[0]?.query['projectId[]'], '1');
    assert.deepEqual(searches[0]?.query['statusId[]'], '1');
  });

  test('LIMIT n on a fully pushed filter asks Backlog for count=n once', async () => {
    await clearJournal(emu);
    const r = await db.query('SELECT IssueKey FROM Issues WHERE ProjectId = 1 LIMIT 5');
    assert.equal(r.rowCount, 5);
    const searches = (await journal(emu)).filter((e) => e.path === '/api/v2/issues');
    assert.equal(searches.length, 1);
    assert.equal(searches[0]?.query.count, '5');
  });

  test('ORDER BY Updated DESC LIMIT 10 is sorted by Backlog and re-sorted locally', async () => {
    await clearJournal(emu);
    const r = await db.query('SELECT IssueKey, Updated FROM Issues WHERE ProjectId = 1 ORDER BY Updated DESC LIMIT 10');
    const times = r.rows.map((row) => (row as { Updated: Date }).Updated.getTime());
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    const searches = (await journal(emu)).filter((e) => e.path === '/api/v2/issues');
    assert.equal(searches.length, 1);
    assert.equal(searches[0]?.query.sort, 'updated');
    assert.equal(searches[0]?.query.order, 'desc');
    assert.equal(searches[0]?.query.count, '10');
  });

  test('a join fetches comments only for the issues that matched', async () => {
    await clearJournal(emu);
    const r = await db.query("SELECT i.IssueKey, c.Id FROM Issues i JOIN IssueComments c ON c.IssueId = i.Id WHERE i.IssueKey = 'WEB-1'");
    assert.ok(r.rowCount > 0);
    const calls = await apiCalls();
    const commentCalls = calls.filter((c) => c.endsWith('/comments'));
    assert.equal(commentCalls.length, 1, calls.join('\n'));
  });

  test('pushdown off returns the same rows with more requests', async () => {
    const sql = 'SELECT IssueKey FROM Issues WHERE ProjectId = 1 AND StatusId IN (1, 2) ORDER BY IssueKey';
    const on = await db.query(sql);
    const off = await plain.query(sql);
    assert.deepEqual(on.rows, off.rows);
    assert.ok(on.rowCount > 0);
    assert.ok(on.stats.requests <= off.stats.requests);
  });

  test('IS NULL on the NULL-extended side of a LEFT JOIN is not pushed', async () => {
    const sql = 'SELECT p.Id, i.Id AS IssueId FROM Projects p LEFT JOIN Issues i ON i.ProjectId = p.Id AND i.StatusId = 999 WHERE i.Id IS NULL ORDER BY p.Id';
    const on = await db.query(sql);
    const off = await plain.query(sql);
    assert.deepEqual(on.rows, off.rows);
    assert.ok(on.rowCount > 0);
  });
});

describe('parameters', () => {
  test('?, $1, $name and @name all bind and all push down', async () => {
    const a = await db.query('SELECT Id FROM IssueComments WHERE IssueId = ? ORDER BY Id', [1]);
    const b = await db.query('SELECT Id FROM IssueComments WHERE IssueId = $1 ORDER BY Id', [1]);
    const c = await db.query('SELECT Id FROM IssueComments WHERE IssueId = $issue ORDER BY Id', { issue: 1 });
    const d = await db.query('SELECT Id FROM IssueComments WHERE IssueId = @issue ORDER BY Id', { issue: 1 });
    assert.ok(a.rowCount > 0);
    for (const r of [b, c, d]) assert.deepEqual(r.rows, a.rows);
    for (const r of [a, b, c, d]) assert.equal(r.stats.requests, 1);
  });

  test('@ inside a string literal is text, not a parameter', async () => {
    const r = await db.query("SELECT 'me@example.com' AS mail");
    assert.deepEqual(r.rows, [{ mail: 'me@example.com' }]);
  });

  test('a missing parameter is a clear SQL error', async () => {
    await assert.rejects(db.query('SELECT * FROM Priorities WHERE Id = ?'), SqlError);
  });

  test('an array parameter works in = ANY(?) and IN (SELECT unnest(?)), and pushes down like IN (…)', async () => {
    const wanted = [1, 2, 3];
    const expected = await db.query('SELECT Id, IssueKey FROM Issues WHERE Id IN (1, 2, 3) ORDER BY Id');
    assert.equal(expected.rowCount, 3);
    const forms: [string, ParamValues][] = [
      ['SELECT Id, IssueKey FROM Issues WHERE Id = ANY(?) ORDER BY Id', [wanted]],
      ['SELECT Id, IssueKey FROM Issues WHERE Id IN (SELECT unnest(?)) ORDER BY Id', [wanted]],
      ['SELECT Id, IssueKey FROM Issues WHERE Id = ANY($ids) ORDER BY Id', { ids: wanted }],
      ['SELECT Id, IssueKey FROM Issues WHERE Id = ANY(@ids) ORDER BY Id', { ids: wanted }],
      ['SELECT Id, IssueKey FROM Issues WHERE Id = ANY([1, 2, 3]) ORDER BY Id', undefined],
    ];
    for (const [sql, params] of forms) {
      await clearJournal(emu);
      const r = await db.query(sql, params);
      assert.deepEqual(r.rows, expected.rows, sql);
      const searches = (await journal(emu)).filter((e) => e.path === '/api/v2/issues');
      assert.equal(searches.length, 1, sql);
      assert.deepEqual(searches[0]?.query['id[]'], ['1', '2', '3'], `${sql}: ${JSON.stringify(searches[0]?.query)}`);
    }
    const keys = await db.query('SELECT IssueKey FROM Issues WHERE IssueKey = ANY(?) ORDER BY IssueKey', [['WEB-1', 'WEB-2']]);
    assert.deepEqual(keys.rows, [{ IssueKey: 'WEB-1' }, { IssueKey: 'WEB-2' }]);
    assert.equal((await db.query('SELECT Id FROM Issues WHERE Id = ANY(?)', [[]])).rowCount, 0);
    await assert.rejects(db.query('SELECT Id FROM Issues WHERE Id = ANY(?)', [[1, 'a']]), (e: unknown) => e instanceof SqlError && /one type/.test(e.message));
  });
});

describe('errors', () => {
  test('a syntax error carries the 1-based position of the bad token', async () => {
    await assert.rejects(
      db.query('SELECT * FROM Priorities WHER Id = 1'),
      (e: unknown) => e instanceof SqlError && e.sqlstate === '42601' && e.position !== undefined,
    );
  });

  test('an unknown table names it and suggests the closest one', async () => {
    await assert.rejects(
      db.query('SELECT * FROM Isues'),
      (e: unknown) => e instanceof SqlError && e.sqlstate === '42P01' && e.position === 15 && /Issues/.test(e.hint ?? ''),
    );
  });

  test('an unknown column is 42703 with its position', async () => {
    await assert.rejects(db.query('SELECT nope FROM Priorities'), (e: unknown) => e instanceof SqlError && e.sqlstate === '42703' && e.position === 8);
  });
});

describe('results', () => {
  test('values: numbers for ids, Date for timestamps, YYYY-MM-DD for dates, null for NULL', async () => {
    const r = await db.query("SELECT Id, Created, DueDate, EstimatedHours FROM Issues WHERE IssueKey = 'WEB-1'");
    const row = r.rows[0] as Record<string, unknown>;
    assert.equal(typeof row.Id, 'number');
    assert.ok(row.Created instanceof Date);
    assert.ok(row.DueDate === null || /^\d{4}-\d{2}-\d{2}$/.test(row.DueDate as string));
    assert.ok(row.EstimatedHours === null || typeof row.EstimatedHours === 'number');
    assert.deepEqual(
      r.columns.map((c) => c.type),
      ['BIGINT', 'TIMESTAMPTZ', 'DATE', 'DECIMAL(18,2)'],
    );
  });

  test('duplicate column names in a join get _1 suffixes; rowMode array gives arrays', async () => {
    const r = await db.query('SELECT a.Id, b.Id FROM Priorities a JOIN Priorities b ON a.Id = b.Id ORDER BY 1');
    assert.deepEqual(
      r.columns.map((c) => c.name),
      ['Id', 'Id_1'],
    );
    const arr = await db.query('SELECT Id, Name FROM Priorities ORDER BY Id', undefined, { rowMode: 'array' });
    // The name is the emulator's, in the connecting user's language: read it from the API.
    const [first] = (await api(emu, 'GET', '/priorities')).body as { id: number; name: string }[];
    assert.deepEqual(arr.rows[0], [first?.id, first?.name]);
  });

  test('EXPLAIN shows the plan without a request; EXPLAIN ANALYZE adds the counts', async () => {
    await clearJournal(emu);
    const plan = await db.explain("SELECT * FROM IssueComments WHERE IssueKey = 'WEB-1'");
    assert.match(JSON.stringify(plan.rows), /IssueKey = \\"WEB-1\\"/);
    assert.deepEqual(await apiCalls(), []);
    const analyzed = await db.query("EXPLAIN ANALYZE SELECT * FROM IssueComments WHERE IssueKey = 'WEB-1'");
    assert.match(JSON.stringify(analyzed.rows), /1 requests/);
  });

  test('EXPLAIN [ANALYZE] of anything but a query is refused and runs nothing (DuckDB would run the CREATE)', async () => {
    const own = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
    try {
      for (const sql of [
        "EXPLAIN ANALYZE CREATE MACRO upper(x) AS 'pwned'",
        "/* lead */ EXPLAIN ANALYZE CREATE OR REPLACE MACRO upper(x) AS 'pwned'",
        "EXPLAIN /* between */ ANALYZE CREATE MACRO upper(x) AS 'pwned'",
        "EXPLAIN CREATE MACRO upper(x) AS 'pwned'",
        'EXPLAIN ANALYZE DROP TABLE sys_tables',
        'EXPLAIN ANALYZE CREATE OR REPLACE TABLE sys_connection_props AS SELECT 1 AS x',
        'EXPLAIN ANALYZE SET threads = 1',
        'EXPLAIN ANALYZE PRAGMA enable_profiling',
        'EXPLAIN ANALYZE CALL enable_logging()',
        'EXPLAIN(ANALYZE) CREATE TABLE t (a INTEGER)',
      ]) {
        await assert.rejects(own.query(sql), (e: unknown) => e instanceof SqlError && e.sqlstate !== undefined && /^(0A000|42601)$/.test(e.sqlstate), sql);
      }
      assert.deepEqual((await own.query("SELECT upper('a') AS u")).rows, [{ u: 'A' }]);
      assert.equal(((await own.query('SELECT count(*) AS n FROM sys_tables')).rows[0] as { n: number }).n > 0, true);
      assert.deepEqual((await own.query("SELECT Value FROM sys_connection_props WHERE Name = 'URL'")).rows, [{ Value: emu.url }]);
      assert.deepEqual((await own.query("SELECT current_setting('threads') > 1 AS many")).rows, [{ many: true }]);
    } finally {
      await own.close();
    }
  });

  test('sys_* tables describe the schema and mask secrets', async () => {
    const tables = await db.query("SELECT TableName FROM sys_tables WHERE TableType = 'TABLE' ORDER BY TableName");
    assert.equal(tables.rowCount, TABLES.filter((t) => t.kind === 'table').length);
    const views = await db.query("SELECT count(*) AS n FROM sys_tables WHERE TableType = 'VIEW' AND NOT IsExtension");
    assert.equal((views.rows[0] as { n: number }).n, TABLES.filter((t) => t.kind === 'view' && !t.extension).length);
    const props = await db.query("SELECT Value FROM sys_connection_props WHERE Name = 'ApiKey'");
    assert.equal((props.rows[0] as { Value: string }).Value, '********');
    assert.equal((await db.query('SELECT count(*) AS n FROM sys_tables')).stats.requests, 0);
  });
});

describe('cancellation', () => {
  test('aborting a query stops its requests at once', async () => {
    await control(emu, 'POST', 'faults', { method: 'GET', pathPattern: '^/api/v2/issues/\\d+/comments$', action: 'delay', ms: 300, times: 1000 });
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 400);
    await clearJournal(emu);
    await assert.rejects(db.query('SELECT count(*) FROM IssueComments', undefined, { signal: ac.signal }), CancelledError);
    assert.ok(Date.now() - started < 2000);
    const made = (await journal(emu)).length;
    await new Promise((r) => setTimeout(r, 700));
    assert.equal((await journal(emu)).length, made, 'no request after the abort');
    await control(emu, 'DELETE', 'faults');
  });
});

describe('ORDER BY pushdown and NULLs', () => {
  test('NULLS FIRST is not pushed: rows equal with pushdown on and off', async () => {
    const sql = 'SELECT Id, DueDate FROM Issues ORDER BY DueDate ASC NULLS FIRST, Id LIMIT 3';
    assert.deepEqual((await db.query(sql)).rows, (await plain.query(sql)).rows);
  });
});

describe('COUNT(*) through /issues/count', () => {
  test('count(*) with exact filters is one /issues/count request, equal to counting fetched rows', async () => {
    await clearJournal(emu);
    const on = await db.query('SELECT count(*) AS n FROM Issues WHERE ProjectId = 1 AND StatusId = 1');
    const calls = await apiCalls();
    assert.deepEqual(calls, ['GET /api/v2/issues/count']);
    const off = await plain.query('SELECT count(*) AS n FROM Issues WHERE ProjectId = 1 AND StatusId = 1');
    assert.deepEqual(on.rows, off.rows);
  });

  test('count per status in one project: the status list plus one count per status', async () => {
    await clearJournal(emu);
    const sql = 'SELECT StatusId, count(*) AS n FROM Issues WHERE ProjectId = 1 GROUP BY StatusId ORDER BY StatusId';
    const on = await db.query(sql);
    const calls = await apiCalls();
    const statuses = (await db.query('SELECT Id FROM ProjectStatuses WHERE ProjectId = 1')).rowCount;
    assert.equal(calls.filter((c) => c === 'GET /api/v2/projects/1/statuses').length, 1);
    assert.equal(calls.filter((c) => c === 'GET /api/v2/issues/count').length, statuses);
    assert.equal(calls.length, statuses + 1);
    const off = await plain.query(sql);
    assert.deepEqual(on.rows, off.rows);
  });

  test('a range filter or another aggregate falls back to fetching rows', async () => {
    await clearJournal(emu);
    await db.query('SELECT count(*), max(Updated) FROM Issues WHERE ProjectId = 1');
    assert.ok(!(await apiCalls()).includes('GET /api/v2/issues/count'));
  });
});

describe('IncludeCustomFields', () => {
  test('adds one typed column per custom field to Issues, named from the field', async () => {
    const cf = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};IncludeCustomFields=true`);
    try {
      const cols = await cf.query(
        "SELECT ColumnName, DataTypeName FROM sys_tablecolumns WHERE TableName = 'Issues' AND Description LIKE 'Custom field%' ORDER BY ColumnName",
      );
      const byName = Object.fromEntries((cols.rows as { ColumnName: string; DataTypeName: string }[]).map((r) => [r.ColumnName, r.DataTypeName]));
      assert.equal(byName['見積金額'], 'DOUBLE');
      assert.equal(byName['リリース日'], 'DATE');
      assert.equal(byName['顧客名'], 'VARCHAR');
      const r = await cf.query('SELECT IssueKey, "顧客名", "見積金額" FROM Issues WHERE ProjectId = 1 AND "顧客名" IS NOT NULL LIMIT 3');
      assert.ok(r.rowCount > 0);
      // The same value as the IssueCustomFields view.
      const key = (r.rows[0] as { IssueKey: string }).IssueKey;
      const view = await cf.query("SELECT Value FROM IssueCustomFields WHERE IssueId = (SELECT Id FROM Issues WHERE IssueKey = ?) AND Name = '顧客名'", [key]);
      assert.equal((view.rows[0] as { Value: string }).Value, (r.rows[0] as Record<string, unknown>)['顧客名']);
    } finally {
      await cf.close();
    }
  });
});

describe('error positions', () => {
  test('an unknown column on line 3 of a statement, after Japanese text, points at the column', async () => {
    const sql = "SELECT 'ログイン' AS x,\n  Name,\n  nope\nFROM Priorities";
    await assert.rejects(db.query(sql), (e: unknown) => e instanceof SqlError && e.position === sql.indexOf('nope') + 1 && /Did you mean/.test(e.hint ?? ''));
    const jp = "SELECT 'ログイン' AS x, nope FROM Priorities";
    await assert.rejects(db.query(jp), (e: unknown) => e instanceof SqlError && e.position === jp.indexOf('nope') + 1);
  });
});

describe('join keys from filtered parents', () => {
  test('my overdue issues via a join with Users: the user is found first, issues searched for that assignee only', async () => {
    await clearJournal(emu);
    const sql =
      "SELECT i.IssueKey FROM Issues i JOIN Users u ON u.Id = i.AssigneeId WHERE u.UserId = 'yamada' AND i.DueDate < CURRENT_DATE AND i.StatusId <> 4 ORDER BY i.IssueKey";
    const on = await db.query(sql);
    const searches = (await journal(emu)).filter((e) => e.path === '/api/v2/issues');
    assert.ok(searches.length >= 1);
    for (const s of searches) {
      assert.equal(s.query['assigneeId[]'], '1');
      assert.ok(typeof s.query.dueDateUntil === 'string', 'CURRENT_DATE is sent as dueDateUntil');
    }
    const off = await plain.query(sql);
    assert.deepEqual(on.rows, off.rows);
    assert.ok(on.rowCount > 0);
  });
});

describe('Logfile', () => {
  test('Logfile with Verbosity 2 records each request without the API key', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const path = join(mkdtempSync(join(tmpdir(), 'bsql-')), 'driver.log');
    const logged = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Logfile=${path};Verbosity=2`);
    try {
      await logged.query('SELECT * FROM Priorities');
      const text = readFileSync(path, 'utf8');
      const events = text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; path: string });
      assert.ok(events.some((e) => e.type === 'api.request' && e.path.includes('/priorities')));
      assert.ok(!text.includes(emu.apiKey), 'no API key in the log');
    } finally {
      await logged.close();
    }
  });
});

describe('Pagesize', () => {
  test('every list request asks for Pagesize items, and a LIMIT asks for the smaller of the two', async () => {
    const small = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Pagesize=7`);
    try {
      await clearJournal(emu);
      const all = await small.query('SELECT Id FROM Issues WHERE ProjectId = 1');
      const total = (await db.query('SELECT count(*) AS n FROM Issues WHERE ProjectId = 1')).rows[0] as { n: number };
      assert.equal(all.rowCount, total.n);
      await clearJournal(emu); // (the count above went through /issues/count)
      await small.query('SELECT Id FROM Issues WHERE ProjectId = 1');
      const pages = (await journal(emu)).filter((e) => e.path === '/api/v2/issues');
      assert.equal(pages.length, Math.floor(total.n / 7) + 1, 'offset paging by 7 until a short page');
      assert.ok(
        pages.every((e) => e.query.count === '7'),
        JSON.stringify(pages.map((e) => e.query.count)),
      );

      await clearJournal(emu);
      await small.query('SELECT Id FROM Issues WHERE ProjectId = 1 LIMIT 3');
      assert.deepEqual(
        (await journal(emu)).filter((e) => e.path === '/api/v2/issues').map((e) => e.query.count),
        ['3'],
      );

      await clearJournal(emu);
      const ten = await small.query('SELECT Id FROM Issues WHERE ProjectId = 1 LIMIT 10');
      assert.equal(ten.rowCount, 10);
      assert.deepEqual(
        (await journal(emu)).filter((e) => e.path === '/api/v2/issues').map((e) => e.query.count),
        ['7', '3'],
      );

      // Keyset paging (comments) and the other list endpoints take it too.
      await clearJournal(emu);
      await small.query("SELECT Id FROM IssueComments WHERE IssueKey = 'WEB-1'");
      const comments = (await journal(emu)).filter((e) => e.path.endsWith('/comments'));
      assert.ok(comments.length > 0 && comments.every((e) => e.query.count === '7'), JSON.stringify(comments.map((e) => e.query)));
      const shown = (await small.query("SELECT Value FROM sys_connection_props WHERE Name = 'Pagesize'")).rows[0] as { Value: string };
      assert.equal(shown.Value, '7');
    } finally {
      await small.close();
    }
  });
});
