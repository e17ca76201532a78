/**
 * CData's batch idiom (src/sql/dialect/temp-tables.ts): `INSERT INTO Issues#TEMP …` statements
 * build a session table without any Backlog request, then `INSERT INTO Issues … SELECT … FROM
 * Issues#TEMP` sends exactly one POST per row (the journal); UPDATE and DELETE read it too;
 * SCOPE_IDENTITY() / LAST_INSERT_ID() give the last generated id; each connection (and each wire
 * client) has its own #TEMP tables.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, SqlError, type Connection } from '../../src/index.js';
import { WriteSession } from '../../src/sql/write.js';
import { quoteTempNames } from '../../src/sql/dialect/temp-tables.js';
import { clearJournal, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

let emu: RunningEmulator;
let db: Connection;

before(async () => {
  emu = await startTestEmulator();
  db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
});
after(async () => {
  await db?.close();
  await emu?.close();
});

const writes = async () => (await journal(emu)).filter((e) => e.method !== 'GET').map((e) => `${e.method} ${e.path}`);

describe('#TEMP tables', () => {
  test('inserts into T#TEMP make no request; INSERT INTO T SELECT … FROM T#TEMP posts each row', async () => {
    await clearJournal(emu);
    const a = await db.query("INSERT INTO Issues#TEMP (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', 'Batch one', 1, 2)");
    const b = await db.query(
      "INSERT INTO Issues#TEMP (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', 'Batch two', 1, 3), ('WEB', 'Batch three', 1, 2)",
    );
    assert.deepEqual([a.rowCount, b.rowCount], [1, 2]);
    assert.deepEqual(await journal(emu), []);
    const staged = await db.query('SELECT Summary, PriorityId FROM Issues#TEMP ORDER BY Summary', undefined, { rowMode: 'array' });
    assert.deepEqual(staged.rows, [
      ['Batch one', 2],
      ['Batch three', 2],
      ['Batch two', 3],
    ]);

    await clearJournal(emu);
    const r = await db.query(
      'INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId) SELECT ProjectKey, Summary, IssueTypeId, PriorityId FROM Issues#TEMP RETURNING Id, Summary',
    );
    assert.equal(r.rowCount, 3);
    assert.deepEqual(await writes(), ['POST /api/v2/issues', 'POST /api/v2/issues', 'POST /api/v2/issues']);
    const ids = (r.rows as { Id: number }[]).map((x) => x.Id);

    // SCOPE_IDENTITY() and LAST_INSERT_ID(): the last id generated, as sys_identity shows it.
    const last = await db.query('SELECT SCOPE_IDENTITY() AS s, LAST_INSERT_ID() AS l', undefined, { rowMode: 'array' });
    assert.deepEqual(last.rows, [[ids[2], ids[2]]]);
    const identity = await db.query("SELECT Id FROM sys_identity WHERE Operation = 'INSERT' ORDER BY RowNumber", undefined, { rowMode: 'array' });
    assert.deepEqual(
      identity.rows.map((x) => Number((x as unknown[])[0])),
      ids,
    );

    // UPDATE … FROM T#TEMP and DELETE … IN (SELECT … FROM T#TEMP), as CData documents them.
    await db.query(`INSERT INTO Issues#TEMP (Id, Summary) VALUES (${ids[0]}, 'Batch one, renamed')`);
    await clearJournal(emu);
    await db.query('UPDATE Issues SET Summary = t.Summary FROM Issues#TEMP t WHERE Issues.Id = t.Id');
    assert.deepEqual(await writes(), [`PATCH /api/v2/issues/${ids[0]}`]);
    await clearJournal(emu);
    await db.query(`DELETE FROM Issues WHERE Id IN (SELECT Id FROM Issues#TEMP WHERE Id IS NOT NULL)`);
    assert.deepEqual(await writes(), [`DELETE /api/v2/issues/${ids[0]}`]);
  });

  test('a #TEMP table belongs to its session: another session does not see it', async () => {
    await db.query("INSERT INTO Mine#TEMP (A) VALUES ('x')");
    const other = new WriteSession();
    await assert.rejects(
      db.query('SELECT * FROM Mine#TEMP', undefined, { session: other }),
      (e: unknown) => e instanceof SqlError && /Mine#TEMP/.test(e.message),
    );
    const other2 = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
    try {
      await assert.rejects(other2.query('SELECT * FROM Mine#TEMP'), SqlError);
      assert.deepEqual((await other2.query('SELECT SCOPE_IDENTITY() AS s', undefined, { rowMode: 'array' })).rows, [[null]]);
    } finally {
      await other2.close();
    }
  });

  test('LastResultInfo#TEMP holds the rows of the last write, per connection, and is read-only', async () => {
    const fresh = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
    try {
      const empty = await fresh.query('SELECT * FROM LastResultInfo#TEMP');
      assert.deepEqual(
        empty.columns.map((c) => c.name),
        ['Id', 'Operation', 'TableName', 'RowNumber', 'Outcome', 'Message'],
      );
      assert.equal(empty.rowCount, 0, 'empty before the first write');
      const typeId = (await fresh.query("SELECT min(Id) AS id FROM ProjectIssueTypes WHERE ProjectKey = 'WEB'", undefined, { rowMode: 'array' })).rows[0] as [
        number,
      ];
      const ins = await fresh.query(
        `INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', 'info one', ${typeId[0]}, 2), ('WEB', 'info two', ${typeId[0]}, 2) RETURNING Id`,
      );
      const ids = (ins.rows as { Id: number }[]).map((r) => String(r.Id));
      // Read as CData writes it, bracketed too.
      const info = await fresh.query('SELECT Id, Operation, TableName, RowNumber, Outcome FROM [LastResultInfo#TEMP] ORDER BY RowNumber', undefined, {
        rowMode: 'array',
      });
      assert.deepEqual(info.rows, [
        [ids[0], 'INSERT', 'Issues', 1, 'written'],
        [ids[1], 'INSERT', 'Issues', 2, 'written'],
      ]);
      await fresh.query(`DELETE FROM Issues WHERE Id IN (${ids.join(', ')})`);
      const after = await fresh.query('SELECT Operation, count(*) AS n FROM LastResultInfo#TEMP GROUP BY Operation', undefined, { rowMode: 'array' });
      assert.deepEqual(after.rows, [['DELETE', 2]], 'the next write replaces it');
      // Another connection's stays empty.
      assert.equal((await db.query('SELECT * FROM LastResultInfo#TEMP', undefined, { session: new WriteSession() })).rowCount, 0);
      await assert.rejects(fresh.query("INSERT INTO LastResultInfo#TEMP (Id) VALUES ('1')"), (e: unknown) => {
        assert.ok(e instanceof SqlError);
        assert.match(e.message, /LastResultInfo#TEMP is filled by the driver/);
        return true;
      });
    } finally {
      await fresh.close();
    }
  });

  test('mistakes are named; names are only quoted where # touches both words', async () => {
    await assert.rejects(
      db.query("INSERT INTO X#TEMP (A, B) VALUES ('only one')"),
      (e: unknown) => e instanceof SqlError && /names 2 columns but gives 1/.test(e.message),
    );
    await assert.rejects(db.query('INSERT INTO X#TEMP DEFAULT VALUES'), (e: unknown) => e instanceof SqlError && /takes VALUES/.test(e.message));
    assert.equal(quoteTempNames("SELECT * FROM T#TEMP WHERE a = 'T#TEMP' -- T#TEMP"), 'SELECT * FROM "T#TEMP" WHERE a = \'T#TEMP\' -- T#TEMP');
    assert.equal(quoteTempNames('SELECT * FROM [T#TEMP], [x] WHERE y[1] = 2'), 'SELECT * FROM "T#TEMP", [x] WHERE y[1] = 2', 'CData brackets it');
  });
});
