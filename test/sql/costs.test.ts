/**
 * The driver's request costs (issue 13, Deliver 4), asserted through the emulator's journal:
 * MaxRows stops the fetch as LIMIT does, a stream whose consumer stops sends no more pages, and
 * space-wide grouped counts go through /issues/count when that is cheaper than reading every page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, type Connection } from '../../src/index.js';
import { clearJournal, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

let emu: RunningEmulator;
let db: Connection;

before(async () => {
  // `small`: 1,000 issues, 11 pages of 100.
  emu = await startTestEmulator({ scale: 'small' });
  db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
});
after(async () => {
  await db.close();
  await emu.close();
});

async function searches(): Promise<{ count: string | undefined; offset: string | undefined }[]> {
  return (await journal(emu))
    .filter((e) => e.path === '/api/v2/issues')
    .map((e) => ({ count: e.query.count as string | undefined, offset: e.query.offset as string | undefined }));
}

describe('MaxRows', () => {
  test('MaxRows=10 asks Backlog for one page of 10, and returns what LIMIT 10 returns', async () => {
    const capped = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};MaxRows=10`);
    try {
      await clearJournal(emu);
      const r = await capped.query('SELECT Id, IssueKey, Summary FROM Issues');
      assert.deepEqual(await searches(), [{ count: '10', offset: '0' }]);
      assert.equal(r.rowCount, 10);
      const limited = await db.query('SELECT Id, IssueKey, Summary FROM Issues LIMIT 10');
      assert.deepEqual(r.rows, limited.rows);
    } finally {
      await capped.close();
    }
  });

  test('MaxRows and a larger LIMIT with OFFSET: the fetch stops at OFFSET + MaxRows', async () => {
    const capped = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};MaxRows=10`);
    try {
      await clearJournal(emu);
      const r = await capped.query('SELECT Id FROM Issues WHERE ProjectId = 1 LIMIT 50 OFFSET 5');
      assert.deepEqual(await searches(), [{ count: '15', offset: '0' }]);
      const limited = await db.query('SELECT Id FROM Issues WHERE ProjectId = 1 LIMIT 10 OFFSET 5');
      assert.deepEqual(r.rows, limited.rows);
    } finally {
      await capped.close();
    }
  });

  test('MaxRows with ORDER BY on a column Backlog sorts: one page of 10, sorted as SQL sorts', async () => {
    const capped = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};MaxRows=10`);
    try {
      await clearJournal(emu);
      const r = await capped.query('SELECT IssueKey, Updated FROM Issues ORDER BY Updated DESC');
      assert.deepEqual(await searches(), [{ count: '10', offset: '0' }]);
      const limited = await db.query('SELECT IssueKey, Updated FROM Issues ORDER BY Updated DESC LIMIT 10');
      assert.deepEqual(r.rows, limited.rows);
    } finally {
      await capped.close();
    }
  });

  test('MaxRows with a filter only DuckDB applies reads on (the cap is then local)', async () => {
    const capped = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};MaxRows=10`);
    try {
      await clearJournal(emu);
      const r = await capped.query("SELECT Id FROM Issues WHERE Summary LIKE '%a%'");
      assert.equal(r.rowCount, 10);
      assert.equal((await searches()).length, 11, 'every page: the filter is not pushed');
    } finally {
      await capped.close();
    }
  });
});

describe('a one-table query past the rows that may be inlined', () => {
  test('keeps its first pages, then loads them and the rest into its table: the same rows as the loaded path, one request per page', async () => {
    const sql = 'SELECT Id, IssueKey, Summary FROM Issues ORDER BY Id';
    await clearJournal(emu);
    const kept = (await db.query(sql)).rows;
    const pages = (await searches()).length;
    assert.ok(kept.length > 300, `more rows than are inlined (${kept.length})`);
    assert.equal(pages, Math.floor(kept.length / 100) + 1);
    // With a parameter the rows are never inlined: every page goes into the table as it comes.
    await clearJournal(emu);
    const loaded = (await db.query('SELECT Id, IssueKey, Summary FROM Issues WHERE Id > ? ORDER BY Id', [0])).rows;
    assert.equal((await searches()).length, pages);
    assert.deepEqual(kept, loaded);
  });
});

describe('stream()', () => {
  test('a one-table SELECT yields its first row after the first page, and a break sends no further page', async () => {
    await clearJournal(emu);
    let atFirstRow: number | undefined;
    let first: Record<string, unknown> | undefined;
    for await (const row of db.stream('SELECT Id, IssueKey FROM Issues')) {
      atFirstRow = (await searches()).length;
      first = row;
      break;
    }
    assert.equal(atFirstRow, 1, 'the first row came with the first page');
    assert.equal((await searches()).length, 1, 'no page after the break (the whole table is 11)');
    const whole = await db.query('SELECT Id, IssueKey FROM Issues');
    assert.deepEqual(first, whole.rows[0]);
  });

  test('streamed to the end, the rows are those of query(), in the same order', async () => {
    const streamed: Record<string, unknown>[] = [];
    for await (const row of db.stream("SELECT Id, upper(Summary) AS S FROM Issues WHERE Summary LIKE '%e%'")) streamed.push(row);
    const whole = await db.query("SELECT Id, upper(Summary) AS S FROM Issues WHERE Summary LIKE '%e%'");
    assert.ok(streamed.length > 100);
    assert.deepEqual(streamed, whole.rows);
  });

  test('LIMIT over a filter only DuckDB applies stops the fetch once enough rows came', async () => {
    await clearJournal(emu);
    const rows: unknown[] = [];
    for await (const row of db.stream("SELECT Id FROM Issues WHERE Summary LIKE '%e%' LIMIT 3")) rows.push(row);
    assert.equal(rows.length, 3);
    assert.equal((await searches()).length, 1);
  });

  test("ORDER BY, aggregates (any of DuckDB's) and DISTINCT need every row: fetched whole, answers as query()", async () => {
    for (const sql of [
      'SELECT Id FROM Issues ORDER BY Summary, Id',
      'SELECT quantile_disc(Id, 0.5) AS q FROM Issues',
      'SELECT DISTINCT StatusId FROM Issues ORDER BY 1',
    ]) {
      await clearJournal(emu);
      let atFirstRow: number | undefined;
      const rows: unknown[] = [];
      for await (const row of db.stream(sql)) {
        atFirstRow ??= (await searches()).length;
        rows.push(row);
      }
      assert.equal(atFirstRow, 11, sql);
      assert.deepEqual(rows, (await db.query(sql)).rows, sql);
    }
  });
});

describe('space-wide grouped counts', () => {
  const routes = async () => {
    const entries = await journal(emu);
    return {
      counts: entries.filter((e) => e.path === '/api/v2/issues/count').length,
      searches: entries.filter((e) => e.path === '/api/v2/issues').length,
      lists: entries.filter((e) => /^\/api\/v2\/projects\/\d+\/(statuses|issueTypes)$/.test(e.path)).length,
      total: entries.length,
    };
  };

  test('GROUP BY status / issue type / priority across every project: /issues/count, the same answer as reading every issue', async () => {
    // Pagesize=10: reading the 1,000 issues takes 101 pages, counting about twenty requests.
    const counting = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Pagesize=10`);
    const reading = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Other="Pushdown=false"`);
    try {
      for (const column of ['StatusName', 'StatusId', 'IssueTypeName', 'IssueTypeId', 'PriorityName']) {
        const sql = `SELECT ${column}, count(*) AS n FROM Issues GROUP BY 1 ORDER BY 1`;
        await clearJournal(emu);
        const counted = await counting.query(sql);
        const r = await routes();
        assert.equal(r.searches, 0, `${column}: no issue is read`);
        assert.ok(r.counts >= 2, `${column}: counted (${JSON.stringify(r)})`);
        assert.ok(r.total < 30, `${column}: ${r.total} requests, far fewer than 101 pages`);
        const read = await reading.query(sql);
        assert.ok(read.rowCount >= 3, column);
        assert.deepEqual(counted.rows, read.rows, column);
      }
    } finally {
      await counting.close();
      await reading.close();
    }
  });

  test('a narrow filter makes reading cheaper: one count for the total, then the pages', async () => {
    const reading = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Other="Pushdown=false"`);
    try {
      const sql = 'SELECT StatusName, count(*) AS n FROM Issues WHERE AssigneeId = 1 GROUP BY StatusName ORDER BY 1';
      await clearJournal(emu);
      const r = await db.query(sql);
      const used = await routes();
      assert.equal(used.counts, 1, JSON.stringify(used));
      assert.equal(used.lists, 0);
      assert.ok(used.searches >= 1);
      assert.deepEqual(r.rows, (await reading.query(sql)).rows);
    } finally {
      await reading.close();
    }
  });
});
