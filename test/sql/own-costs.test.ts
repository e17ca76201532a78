/**
 * The driver's own costs (issue 13, Deliver 4) must not change an answer: connections kept between
 * statements leave nothing of one statement to the next, a statement run again (its parse tree
 * kept) answers and fails as the first time, and building only the columns a statement uses gives
 * the same rows as building them all, whatever way the SQL names its columns.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiError, connect, SqlError, type Connection } from '../../src/index.js';
import { clearJournal, control, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

let emu: RunningEmulator;
let db: Connection;

before(async () => {
  emu = await startTestEmulator({ scale: 'tiny' });
  db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
});
after(async () => {
  await db.close();
  await emu.close();
});

const rows = async (sql: string): Promise<Record<string, unknown>[]> => (await db.query(sql)).rows as Record<string, unknown>[];

describe('connections kept between statements', () => {
  test("a statement never sees another statement's fetched rows as tables", async () => {
    for (let i = 0; i < 5; i++) {
      await db.query('SELECT IssueKey FROM Issues WHERE ProjectId = 1 LIMIT 3');
      const [row] = await rows("SELECT count(*) AS n FROM duckdb_tables() WHERE temporary AND table_name = 'Issues'");
      assert.equal(Number(row?.n), 0);
    }
  });

  test('a temporary table a statement creates does not outlive it, as before', async () => {
    await db.query('CREATE TEMP TABLE scratch AS SELECT 1 AS a');
    for (let i = 0; i < 3; i++) {
      await db.query('SELECT 1');
      await assert.rejects(db.query('SELECT a FROM scratch'), (e: unknown) => e instanceof SqlError && /scratch/.test(e.message));
    }
  });

  test('concurrent statements each get their own connection and their own rows', async () => {
    const [a, b, c] = await Promise.all([
      db.query('SELECT count(*) AS n FROM Issues WHERE ProjectId = 1 AND Summary IS NOT NULL'),
      db.query('SELECT count(*) AS n FROM Issues WHERE ProjectId = 2 AND Summary IS NOT NULL'),
      db.query('SELECT count(*) AS n FROM Issues WHERE Summary IS NOT NULL'),
    ]);
    const n = (r: typeof a) => Number((r.rows[0] as { n: number }).n);
    assert.equal(n(a) + n(b) <= n(c), true);
    assert.ok(n(a) > 0 && n(b) > 0);
  });

  test('a cancelled statement leaves the connection usable for the next one', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(db.query('SELECT * FROM Issues', undefined, { signal: controller.signal }));
    assert.equal(Number((await rows('SELECT 41 + 1 AS x'))[0]?.x), 42);
  });
});

describe('a statement run again', () => {
  test('gives the same rows with the same requests', async () => {
    const sql = 'SELECT IssueKey, StatusName FROM Issues WHERE ProjectId = 1 ORDER BY IssueKey';
    await clearJournal(emu);
    const first = await rows(sql);
    const requests = (await journal(emu)).length;
    await clearJournal(emu);
    assert.deepEqual(await rows(sql), first);
    assert.equal((await journal(emu)).length, requests);
  });

  test('fails with the same error and position', async () => {
    const sql = 'SELECT IssueKey FRM Issues';
    const errors: SqlError[] = [];
    for (let i = 0; i < 2; i++) {
      await assert.rejects(db.query(sql), (e: unknown) => {
        errors.push(e as SqlError);
        return e instanceof SqlError;
      });
    }
    assert.equal(errors[1]?.message, errors[0]?.message);
    assert.equal(errors[1]?.position, errors[0]?.position);
  });
});

describe('only the columns a statement uses are built', () => {
  const PROJECT = 'ProjectId = 1';

  test('two columns named: the same values as when every column is read', async () => {
    const few = await rows(`SELECT IssueKey, Summary FROM Issues WHERE ${PROJECT} ORDER BY IssueKey`);
    const all = (await rows(`SELECT * FROM Issues WHERE ${PROJECT} ORDER BY IssueKey`)).map((r) => ({ IssueKey: r.IssueKey, Summary: r.Summary }));
    assert.deepEqual(few, all);
    assert.ok(few.every((r) => typeof r.Summary === 'string' && r.Summary.length > 0));
  });

  test('JOIN … USING and NATURAL JOIN join on columns no expression names', async () => {
    const on = await rows(`SELECT count(*) AS n FROM Issues i JOIN IssueComments c ON c.IssueId = i.Id WHERE i.${PROJECT}`);
    const using = await rows(
      `SELECT count(*) AS n FROM (SELECT Id AS IssueId, ProjectId FROM Issues) i JOIN IssueComments c USING (IssueId) WHERE i.${PROJECT}`,
    );
    assert.ok(Number(on[0]?.n) > 0);
    assert.equal(Number(using[0]?.n), Number(on[0]?.n));
    const natural = await rows(`SELECT count(*) AS n FROM Issues NATURAL JOIN (SELECT Id, IssueKey FROM Issues WHERE ${PROJECT}) k`);
    const direct = await rows(`SELECT count(*) AS n FROM Issues WHERE ${PROJECT}`);
    assert.equal(Number(natural[0]?.n), Number(direct[0]?.n));
  });

  test('a whole row (to_json of the alias) carries every column', async () => {
    const [row] = await rows(`SELECT to_json(i) AS j FROM Issues i WHERE ${PROJECT} ORDER BY Id LIMIT 1`);
    const json = JSON.parse(String(row?.j)) as Record<string, unknown>;
    assert.equal(typeof json.Summary, 'string');
    assert.equal(typeof json.IssueKey, 'string');
    assert.equal(typeof json.StatusName, 'string');
  });

  test("a table's column aliases t(a, b) name its first columns", async () => {
    const aliased = await rows(`SELECT a, b FROM Issues AS t(a, b) WHERE b = 1 ORDER BY a`);
    const plain = await rows(`SELECT Id, ProjectId FROM Issues WHERE ${PROJECT} ORDER BY Id`);
    assert.deepEqual(
      aliased.map((r) => [Number(r.a), Number(r.b)]),
      plain.map((r) => [Number(r.Id), Number(r.ProjectId)]),
    );
  });

  test('a misspelt column fails as ever, naming the column it may be', async () => {
    await assert.rejects(
      db.query(`SELECT IssueKey, Summry FROM Issues WHERE ${PROJECT}`),
      (e: unknown) => e instanceof SqlError && /Summry/.test(e.message) && e.sqlstate === '42703' && /Summary/.test(`${e.hint ?? ''} ${e.message}`),
    );
  });

  test("DuckDB's positional reference #n names a column by its place", async () => {
    // #3 is ProjectKey, named nowhere else: IssueKey starts with it.
    const positional = await rows('SELECT #3 AS k, IssueKey FROM Issues LIMIT 5');
    assert.equal(positional.length, 5);
    assert.ok(positional.every((r) => typeof r.k === 'string' && String(r.IssueKey).startsWith(`${r.k}-`)));
  });

  test('one table read under two aliases that use different columns', async () => {
    const r = await rows(
      `SELECT a.IssueKey, b.Summary FROM Issues a JOIN Issues b ON a.Id = b.Id WHERE a.${PROJECT} AND b.${PROJECT} ORDER BY a.IssueKey LIMIT 5`,
    );
    const direct = await rows(`SELECT IssueKey, Summary FROM Issues WHERE ${PROJECT} ORDER BY IssueKey LIMIT 5`);
    assert.deepEqual(r, direct);
  });

  test('a stream of two columns gives what the query gives', async () => {
    const streamed: Record<string, unknown>[] = [];
    for await (const row of db.stream(`SELECT IssueKey, Summary FROM Issues WHERE ${PROJECT}`)) streamed.push(row);
    const queried = await rows(`SELECT IssueKey, Summary FROM Issues WHERE ${PROJECT}`);
    const key = (r: Record<string, unknown>) => String(r.IssueKey);
    assert.deepEqual(
      streamed.sort((x, y) => key(x).localeCompare(key(y))),
      queried.sort((x, y) => key(x).localeCompare(key(y))),
    );
  });
});

describe('statements without a signal of their own', () => {
  test('share one never-aborting signal and leave no listener on it, however many requests they make', async () => {
    const { EventEmitter } = await import('node:events');
    const { NEVER_ABORTED } = await import('../../src/util/never-aborted.js');
    await clearJournal(emu);
    for (let i = 0; i < 20; i++) await db.query('SELECT count(*) FROM Priorities');
    await db.query('SELECT Id FROM Issues WHERE ProjectId = 1');
    assert.ok((await journal(emu)).length >= 21, 'the statements made requests');
    assert.equal(NEVER_ABORTED.aborted, false);
    assert.deepEqual(EventEmitter.getEventListeners(NEVER_ABORTED, 'abort'), []);
  });
});

describe("a one-table query's pages go into DuckDB as they arrive", () => {
  const issueSearches = async () => (await journal(emu)).filter((e) => e.method === 'GET' && e.path === '/api/v2/issues');

  test('a scan of many small pages gives every row once, with one request per page', async () => {
    const paged = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Pagesize=7`);
    try {
      const sql = 'SELECT Id, Summary, AssigneeName FROM Issues ORDER BY Id';
      const all = await rows(sql);
      await clearJournal(emu);
      assert.deepEqual((await paged.query(sql)).rows, all);
      assert.equal((await issueSearches()).length, Math.floor(all.length / 7) + 1);
      // With a parameter the rows are never inlined: every page goes into the temporary table.
      await clearJournal(emu);
      assert.deepEqual((await paged.query('SELECT Id, Summary, AssigneeName FROM Issues WHERE Id > ? ORDER BY Id', [0])).rows, all);
      assert.equal((await issueSearches()).length, Math.floor(all.length / 7) + 1);
    } finally {
      await paged.close();
    }
  });

  test('a scan that fails on a later page fails with that error, and the next statement answers in full', async () => {
    const paged = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Pagesize=7`);
    try {
      // A parameter keeps the rows from being inlined: the pages go into the temporary table as they come.
      const sql = 'SELECT count(*) AS n, sum(Id) AS ids FROM Issues WHERE Summary IS NOT NULL AND Id > $min';
      const whole = (await db.query(sql, { min: 0 })).rows as Record<string, unknown>[];
      assert.ok(Number(whole[0]?.n) > 14, 'more than two pages, so the failure comes with pages already loaded');
      await control(emu, 'POST', 'faults', { method: 'GET', pathPattern: '^/api/v2/issues$', skip: 2, times: 1, action: 'status', status: 400 });
      await assert.rejects(paged.query(sql, { min: 0 }), (e: unknown) => e instanceof ApiError && e.status === 400);
      await control(emu, 'DELETE', 'faults');
      assert.deepEqual((await paged.query(sql, { min: 0 })).rows, whole);
    } finally {
      await control(emu, 'DELETE', 'faults');
      await paged.close();
    }
  });
});
