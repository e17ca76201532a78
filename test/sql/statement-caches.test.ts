/**
 * What a statement run again keeps (issue 13, costs) — its reading (src/sql/statement.ts), its
 * plan (src/sql/plan.ts `PlanCache`), its DuckDB prepared statement (src/sql/conn-pool.ts `runPrepared`) — must never
 * give an answer the first run would not: a macro redefined, parameters of another value
 * or type, a user-defined view altered, a session's #TEMP rows changed are all seen at once. And a
 * query over a few rows of one table, which gets them as parameters instead of a temporary table
 * (src/sql/inline-rows.ts), answers and fails exactly as the temporary table did.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import type * as DuckApi from '@duckdb/node-api';
import { connect, SqlError, type Connection } from '../../src/index.js';
import { clearJournal, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

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

const rows = async (sql: string, params?: unknown[] | Record<string, unknown>): Promise<Record<string, unknown>[]> =>
  (await db.query(sql, params as never)).rows as Record<string, unknown>[];

describe('a statement run again sees every change since its first run', () => {
  // DuckDB keeps a prepared statement's view and macro definitions as they were when it was
  // prepared; views of DuckDB's own are not names a query may read here, macros are.
  test('a macro redefined (by another statement) is called with its new body', async () => {
    await db.query('CREATE MACRO cache_bump(x) AS x + 1');
    assert.equal(Number((await rows('SELECT cache_bump(1) AS v'))[0]?.v), 2);
    assert.equal(Number((await rows('SELECT cache_bump(1) AS v'))[0]?.v), 2);
    await db.query('CREATE OR REPLACE MACRO cache_bump(x) AS x + 10');
    assert.equal(Number((await rows('SELECT cache_bump(1) AS v'))[0]?.v), 11);
  });

  test('a setting changed (by another statement) is the one a query run again uses', async () => {
    const sql = "SELECT CAST('2024-01-01 00:00:00' AS TIMESTAMPTZ) AS t";
    const before = (await rows(sql))[0]?.t as Date;
    assert.deepEqual((await rows(sql))[0]?.t, before);
    const zone = String((await rows("SELECT current_setting('TimeZone') AS z"))[0]?.z);
    await db.query(`SET GLOBAL TimeZone = '${zone === 'UTC' ? 'Asia/Tokyo' : 'UTC'}'`);
    try {
      const moved = (await rows(sql))[0]?.t as Date;
      assert.notEqual(moved.getTime(), before.getTime());
    } finally {
      await db.query(`SET GLOBAL TimeZone = '${zone}'`);
    }
    assert.deepEqual((await rows(sql))[0]?.t, before);
  });

  test('a parameter of another type gives that type, and another value its own rows', async () => {
    const sql = 'SELECT typeof($1) AS t, $1 AS v';
    assert.deepEqual(await rows(sql, [1]), [{ t: 'INTEGER', v: 1 }]);
    assert.deepEqual(await rows(sql, ['x']), [{ t: 'VARCHAR', v: 'x' }]);
    assert.deepEqual(await rows(sql, [1.5]), [{ t: 'DOUBLE', v: 1.5 }]);
    assert.deepEqual(await rows(sql, [1]), [{ t: 'INTEGER', v: 1 }]);
  });

  test('a pushed filter on a parameter asks Backlog for the value given each time', async () => {
    const sql = 'SELECT DISTINCT ProjectId FROM Issues WHERE ProjectId = ?';
    for (const id of [1, 2, 1]) {
      await clearJournal(emu);
      assert.deepEqual(await rows(sql, [id]), [{ ProjectId: id }]);
      const asked = (await journal(emu)).filter((r) => r.path === '/api/v2/issues');
      assert.ok(asked.length > 0 && asked.every((r) => String(r.query['projectId[]']) === String(id)), `projectId[]=${id} each time`);
    }
    // The same value as text is a parameter of another type: planned for it, with the same answer.
    assert.deepEqual(await rows(sql, ['2']), [{ ProjectId: 2 }]);
  });

  test('a user-defined view altered is expanded with its new query', async () => {
    await db.query('CREATE LOCAL VIEW CacheProbe AS SELECT Id FROM Priorities WHERE Id = 2');
    assert.deepEqual(await rows('SELECT * FROM CacheProbe'), [{ Id: 2 }]);
    await db.query('ALTER LOCAL VIEW CacheProbe AS SELECT Name FROM Priorities WHERE Id = 3');
    const [row] = await rows('SELECT * FROM CacheProbe');
    assert.deepEqual(Object.keys(row ?? {}), ['Name']);
    await db.query('DROP LOCAL VIEW CacheProbe');
  });

  test("a session's #TEMP rows are read as they are now", async () => {
    const sql = 'SELECT count(*) AS n FROM Issues#TEMP';
    await db.query("INSERT INTO Issues#TEMP (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', 'Cache one', 1, 2)");
    assert.equal(Number((await rows(sql))[0]?.n), 1);
    await db.query("INSERT INTO Issues#TEMP (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', 'Cache two', 1, 2)");
    assert.equal(Number((await rows(sql))[0]?.n), 2);
  });
});

describe('a few rows of one table, passed with the statement', () => {
  test('answer as the table: every column, its types, its order, once per run', async () => {
    const first = await db.query('SELECT * FROM Priorities');
    const again = await db.query('SELECT * FROM Priorities');
    assert.deepEqual(again.rows, first.rows);
    assert.deepEqual(
      first.columns.map((c) => `${c.name} ${c.type}`),
      ['Id BIGINT', 'Name VARCHAR'],
    );
    assert.ok(first.rows.length >= 3);
    const typed = await db.query('SELECT Id, Summary, Created, DueDate, EstimatedHours FROM Issues WHERE ProjectId = 1 ORDER BY Id LIMIT 3');
    assert.deepEqual(
      typed.columns.map((c) => c.type),
      ['BIGINT', 'VARCHAR', 'TIMESTAMPTZ', 'DATE', 'DECIMAL(18,2)'],
    );
    const row = typed.rows[0] as Record<string, unknown>;
    assert.ok(row.Created instanceof Date);
  });

  test('forms a common table expression cannot take run as before: rowid, a leading comment, a qualified name', async () => {
    const names = (await rows('SELECT Name FROM Priorities ORDER BY Id')).map((r) => r.Name);
    assert.deepEqual(
      (await rows('SELECT rowid AS r, Name FROM Priorities ORDER BY Id')).map((r) => r.Name),
      names,
    );
    assert.deepEqual(
      (await rows('-- the names\nSELECT Name FROM Priorities ORDER BY Id')).map((r) => r.Name),
      names,
    );
    assert.deepEqual(
      (await rows('/* the names */ FROM Priorities SELECT Name ORDER BY Id')).map((r) => r.Name),
      names,
    );
    assert.deepEqual(
      (await rows('SELECT Name FROM main.Priorities ORDER BY Id')).map((r) => r.Name),
      names,
    );
  });

  test("errors point into the user's text, as without it", async () => {
    for (let i = 0; i < 2; i++) {
      await assert.rejects(db.query('SELECT Nme FROM Priorities'), (e: unknown) => {
        assert.ok(e instanceof SqlError);
        assert.equal(e.position, 8);
        assert.match(e.message, /Nme/);
        return true;
      });
    }
  });

  test('a second run of a query makes one DuckDB call (a plain pick of columns none): no prepare, no temporary table', async () => {
    const duck = createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckApi;
    const calls: string[] = [];
    const proto = duck.DuckDBConnection.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    const prepared = duck.DuckDBPreparedStatement.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    const originals = { run: proto.run, prepare: proto.prepare, createAppender: proto.createAppender, prun: prepared.run };
    const spy = (target: Record<string, (...a: unknown[]) => unknown>, name: string, label: string, original: (...a: unknown[]) => unknown) => {
      target[name] = function (this: unknown, ...args: unknown[]) {
        calls.push(label);
        return original.apply(this, args);
      };
    };
    try {
      // A plain pick of one table's columns makes none at all (src/sql/analyze.ts projectionOf; test/sql/js-projection.test.ts).
      for (const [sql, expected] of [
        ['SELECT 1', ['prepared run']],
        ['SELECT * FROM Priorities WHERE true', ['prepared run']],
        ['SELECT * FROM Priorities', []],
      ] as const) {
        await db.query(sql);
        await db.query(sql);
        spy(proto, 'run', 'run', originals.run as never);
        spy(proto, 'prepare', 'prepare', originals.prepare as never);
        spy(proto, 'createAppender', 'appender', originals.createAppender as never);
        spy(prepared, 'run', 'prepared run', originals.prun as never);
        calls.length = 0;
        await db.query(sql);
        assert.deepEqual(calls, expected, sql);
        Object.assign(proto, { run: originals.run, prepare: originals.prepare, createAppender: originals.createAppender });
        prepared.run = originals.prun as never;
      }
    } finally {
      Object.assign(proto, { run: originals.run, prepare: originals.prepare, createAppender: originals.createAppender });
      prepared.run = originals.prun as never;
    }
  });
});
