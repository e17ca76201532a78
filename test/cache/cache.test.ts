/**
 * The query cache (README "Cache") against the emulator, with the request journal saying exactly
 * what each statement sent: AutoCache fills on a whole read and then answers without a request
 * while fresh; a narrowed read of a table not cached goes to Backlog and is not kept; a stale table
 * is refreshed incrementally; our own writes are never read back with old values; Offline=true
 * sends nothing at all; the cache is per user; CACHE, sys_cachestatus, EXPLAIN; private files.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, type Connection } from '../../src/index.js';
import { ConfigError, SqlError } from '../../src/errors.js';
import { backlogClient, clearJournal, control, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

let emu: RunningEmulator;
let folder: string;
let location: string;
let fresh: Connection;

before(async () => {
  emu = await startTestEmulator({ scale: 'tiny' });
  folder = mkdtempSync(join(tmpdir(), 'backlog-sql-cache-'));
  location = join(folder, 'shared', 'cache.duckdb');
  fresh = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
});
after(async () => {
  await fresh?.close();
  await emu?.close();
  rmSync(folder, { recursive: true, force: true });
});

const base = (extra: string, key = emu.apiKey) => `URL=${emu.url};ApiKey=${key};CacheLocation=${location};${extra}`;
const rowsOf = (r: { rows: unknown }) => JSON.stringify(r.rows, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : v));
const GROUPED = 'SELECT StatusName, count(*) AS n FROM Issues GROUP BY 1 ORDER BY 1';

describe('AutoCache', () => {
  test('a whole read fills the cache; later reads, narrowed or not, send no request while fresh', async () => {
    const db = await connect(base('AutoCache=true;CacheTolerance=3600'));
    try {
      // A narrowed read of a table never cached: Backlog, and not kept.
      const narrowed = await db.query('SELECT count(*) AS n FROM Issues WHERE ProjectId = 1');
      assert.ok(narrowed.stats.requests > 0);
      assert.deepEqual((await db.query("SELECT count(*) AS n FROM sys_cachestatus WHERE TableName = 'Issues'")).rows, [{ n: 0 }]);
      const first = await db.query(GROUPED);
      assert.equal(rowsOf(first), rowsOf(await fresh.query(GROUPED)));
      const status = (await db.query("SELECT * FROM sys_cachestatus WHERE TableName = 'Issues'")).rows[0] as Record<string, unknown>;
      assert.equal(status.Rows, 50);
      assert.equal(status.Rule, 'issues');
      assert.equal(status.Stale, false);
      assert.ok(status.LastRefresh instanceof Date && typeof status.Watermark === 'string' && Number(status.Requests) > 0);
      await clearJournal(emu);
      const again = await db.query(GROUPED);
      const one = await db.query('SELECT Summary FROM Issues WHERE Id = 3');
      const counted = await db.query('SELECT count(*) AS n FROM Issues WHERE ProjectId = 1');
      assert.deepEqual(await journal(emu), []);
      assert.equal(again.stats.requests + one.stats.requests + counted.stats.requests, 0);
      assert.equal(rowsOf(again), rowsOf(first));
      assert.equal(rowsOf(one), rowsOf(await fresh.query('SELECT Summary FROM Issues WHERE Id = 3')));
      assert.equal(rowsOf(counted), rowsOf(narrowed));
      // A cached parent still narrows a child read from Backlog: only issue 3's comments are read.
      const joined = 'SELECT i.Id, c.Id AS CommentId, c.Content FROM Issues i JOIN IssueComments c ON c.IssueId = i.Id WHERE i.Id = 3 ORDER BY 2';
      const viaCache = await db.query(joined);
      assert.deepEqual(
        (await journal(emu)).map((e) => e.path).filter((p) => p.endsWith('/comments')),
        ['/api/v2/issues/3/comments'],
      );
      assert.equal(rowsOf(viaCache), rowsOf(await fresh.query(joined)));
      const explained = await db.explain('SELECT * FROM Issues WHERE Id = 3');
      const plan = explained.rows[0] as Record<string, unknown>;
      assert.match(String(plan.source), /^cache \(refreshed \d+ s ago\)$/);
      // The column is declared too, so array rows and wire clients see it.
      assert.equal(explained.columns.at(-1)?.name, 'source');
      const other = (await db.explain('SELECT * FROM WikiPages WHERE ProjectId = 1')).rows[0] as Record<string, unknown>;
      assert.equal(other.source, 'Backlog (a narrowed read is not kept)');
    } finally {
      await db.close();
    }
  });

  test('once older than CacheTolerance a table is refreshed incrementally, and a change made elsewhere is seen', async () => {
    const db = await connect(base('AutoCache=true;CacheTolerance=0'));
    try {
      await db.query(GROUPED);
      const admin = backlogClient(emu);
      await admin.patchIssue(7, { summary: 'changed elsewhere' });
      const plan = (await db.explain('SELECT Summary FROM Issues')).rows[0] as Record<string, unknown>;
      assert.match(String(plan.source), /^cache after a refresh: 1 activities request/);
      await clearJournal(emu);
      const r = await db.query('SELECT Summary FROM Issues WHERE Id = 7');
      assert.deepEqual(r.rows, [{ Summary: 'changed elsewhere' }]);
      const issueReads = (await journal(emu)).filter((e) => e.path === '/api/v2/issues');
      // Newest first, one page: not the whole table again.
      assert.equal(issueReads.length, 1);
      assert.equal(issueReads[0]?.query.order, 'desc');
    } finally {
      await db.close();
    }
  });

  test('a refresh that Backlog fails midway fails the query; the next query completes it', async () => {
    const db = await connect(base('AutoCache=true;CacheTolerance=0'));
    try {
      const sql = 'SELECT c.IssueId, c.Content FROM IssueComments c ORDER BY c.Id';
      await db.query(sql);
      const admin = backlogClient(emu);
      await admin.postIssueComments(11, { content: 'seen after the fault' });
      // Every comment read fails (after the client's retries): Issues is refreshed and committed, IssueComments not.
      await control(emu, 'POST', 'faults', { method: 'GET', pathPattern: '^/api/v2/issues/[^/]+/comments$', times: 1000, action: 'status', status: 500 });
      await assert.rejects(db.query(sql));
      await control(emu, 'DELETE', 'faults');
      const after = await db.query(sql);
      assert.equal(rowsOf(after), rowsOf(await fresh.query(sql)));
      assert.match(rowsOf(after), /seen after the fault/);
    } finally {
      await control(emu, 'DELETE', 'faults').catch(() => undefined);
      await db.close();
    }
  });

  test('after our own UPDATE the row is never read back with its old value, whatever the tolerance', async () => {
    const db = await connect(base('AutoCache=true;CacheTolerance=3600'));
    try {
      await db.query(GROUPED);
      await db.query("UPDATE Issues SET Summary = 'written by us' WHERE Id = 9");
      assert.deepEqual((await db.query('SELECT Summary FROM Issues WHERE Id = 9')).rows, [{ Summary: 'written by us' }]);
    } finally {
      await db.close();
    }
  });

  test('an UPDATE run through stream() is not read back with its old value either', async () => {
    const db = await connect(base('AutoCache=true;CacheTolerance=3600'));
    try {
      await db.query(GROUPED);
      for await (const _ of db.stream("UPDATE Issues SET Summary = 'streamed by us' WHERE Id = 8")) void _;
      assert.deepEqual((await db.query('SELECT Summary FROM Issues WHERE Id = 8')).rows, [{ Summary: 'streamed by us' }]);
    } finally {
      await db.close();
    }
  });

  test('after SELECT … INTO a Backlog table (an INSERT … SELECT) the new rows are read, whatever the tolerance', async () => {
    const db = await connect(base('AutoCache=true;CacheTolerance=3600'));
    const names = async () =>
      (await db.query('SELECT Name FROM ProjectCategories WHERE ProjectId = 1 ORDER BY Name', undefined, { rowMode: 'array' })).rows.flat();
    try {
      await db.query('SELECT * FROM ProjectCategories'); // a whole read: the table is now cached
      const before = await names();
      await db.query("SELECT 1 AS ProjectId, 'Cached into ' || Name AS Name INTO ProjectCategories FROM Priorities WHERE Id = 2");
      const after = await names();
      assert.equal(after.length, before.length + 1);
      assert.ok(
        after.some((n) => String(n).startsWith('Cached into ')),
        after.join(', '),
      );
    } finally {
      await db.close();
    }
  });

  test('a stream reads from the cache too', async () => {
    const db = await connect(base('AutoCache=true;CacheTolerance=3600'));
    try {
      await db.query(GROUPED);
      await clearJournal(emu);
      const ids: unknown[] = [];
      for await (const row of db.stream('SELECT Id FROM Issues WHERE Id < 4 ORDER BY Id')) ids.push(row.Id);
      assert.deepEqual(ids, [1, 2, 3]);
      assert.deepEqual(await journal(emu), []);
    } finally {
      await db.close();
    }
  });
});

describe('CACHE', () => {
  test('CACHE T, CACHE T WHERE …, CACHE T SELECT … fill the cache on demand', async () => {
    const db = await connect(base(''));
    try {
      const filled = await db.query('CACHE ProjectStatuses');
      assert.deepEqual(
        (filled.rows as Record<string, unknown>[]).map((r) => [r.Table, r.Mode]),
        [['ProjectStatuses', 'full']],
      );
      const where = (await db.query('CACHE Issues WHERE StatusId = 1')).rows as Record<string, unknown>[];
      const want = (await fresh.query('SELECT count(*) AS n FROM Issues WHERE StatusId = 1')).rows[0] as { n: number };
      assert.equal(where.find((r) => r.Table === 'Issues')?.Matching, want.n);
      await clearJournal(emu);
      const selected = await db.query('CACHE Issues SELECT StatusName, count(*) AS n FROM Issues GROUP BY 1 ORDER BY 1');
      assert.equal(rowsOf(selected), rowsOf(await fresh.query(GROUPED)));
      await assert.rejects(db.query('CACHE'), (e) => e instanceof SqlError && e.sqlstate === '42601' && e.position !== undefined);
      await assert.rejects(
        db.query('CACHE Issues ORDER BY Id'),
        (e) => e instanceof SqlError && e.sqlstate === '42601' && /after CACHE Issues/.test(e.message),
      );
      await assert.rejects(db.query('CACHE NoSuchTable'), (e) => e instanceof SqlError && /does not exist/.test(e.message));
      await assert.rejects(db.query('CACHE RateLimit'), (e) => e instanceof SqlError && /cannot be cached/.test(e.message));
    } finally {
      await db.close();
    }
  });

  test('CACHE is refused where SQL comes from remote clients', async () => {
    const db = await connect(base(''), { noExternalAccess: true });
    try {
      await assert.rejects(db.query('CACHE Issues'), (e) => e instanceof SqlError && e.sqlstate === '42501');
    } finally {
      await db.close();
    }
  });
});

test('for remote clients (no file access) AutoCache keeps the cache in memory, and Offline is refused', async () => {
  const warnings: string[] = [];
  const db = await connect(base('AutoCache=true;CacheTolerance=3600'), { noExternalAccess: true, onWarning: (w) => warnings.push(w) });
  try {
    assert.ok(warnings.some((w) => /keeps the cache in memory/.test(w)));
    const first = await db.query(GROUPED);
    await clearJournal(emu);
    const again = await db.query(GROUPED);
    assert.equal(again.stats.requests, 0);
    assert.equal(rowsOf(again), rowsOf(first));
  } finally {
    await db.close();
  }
  await assert.rejects(connect(base('Offline=true'), { noExternalAccess: true }), (e) => e instanceof ConfigError && e.property === 'Offline');
});

describe('Offline', () => {
  test('answers from the cache and sends no request at all, not even at connect', async () => {
    const online = await connect(base('AutoCache=true;CacheTolerance=3600'));
    await online.query(GROUPED);
    await online.close();
    await clearJournal(emu);
    const db = await connect(base('Offline=true'));
    try {
      const r = await db.query(GROUPED);
      await clearJournal(emu);
      assert.equal(rowsOf(r), rowsOf(await fresh.query(GROUPED)));
      await clearJournal(emu);
      await assert.rejects(
        db.query('SELECT * FROM WikiPages'),
        (e) => e instanceof ConfigError && e.property === 'Offline' && /WikiPages is not in the cache/.test(e.message) && /CACHE WikiPages/.test(e.hint ?? ''),
      );
      await assert.rejects(db.query("UPDATE Issues SET Summary = 'x' WHERE Id = 1"), (e) => e instanceof ConfigError && e.property === 'Offline');
      await assert.rejects(db.query('CACHE Issues'), (e) => e instanceof ConfigError && e.property === 'Offline');
      assert.deepEqual(await journal(emu), []);
    } finally {
      await db.close();
    }
  });

  test('another user sharing the location gets none of this cache', async () => {
    const other = emu.users.find((u) => u.roleType === 2);
    assert.ok(other?.apiKey);
    await assert.rejects(
      connect(base('Offline=true', other.apiKey)),
      (e) => e instanceof ConfigError && /nothing is cached for this space and user/.test(e.message),
    );
    const db = await connect(base('AutoCache=true;CacheTolerance=3600', other.apiKey));
    const own = await connect(`URL=${emu.url};ApiKey=${other.apiKey}`);
    try {
      const r = await db.query(GROUPED);
      assert.ok(r.stats.requests > 0, 'filled for this user, not served from the administrator’s cache');
      assert.equal(rowsOf(r), rowsOf(await own.query(GROUPED)));
    } finally {
      await db.close();
      await own.close();
    }
  });
});

test('the default location: cache.duckdb in the config folder, 0600 in a 0700 folder', async () => {
  const config = join(folder, 'config');
  const db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};AutoCache=true`, { env: { ...process.env, BACKLOG_SQL_CONFIG_DIR: config } });
  try {
    await db.query('SELECT count(*) FROM Priorities');
  } finally {
    await db.close();
  }
  assert.equal(statSync(config).mode & 0o777, 0o700);
  assert.equal(statSync(join(config, 'cache.duckdb')).mode & 0o777, 0o600);
});
