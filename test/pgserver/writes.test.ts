/**
 * Writes and procedure calls over the wire (issue 6, Deliver 5): INSERT/UPDATE/DELETE answer with
 * PostgreSQL's command tags through the simple and the extended protocol, RETURNING rows come
 * back as a result set, EXEC/CALL return the procedure's rows, a ROLLBACK after a write warns that
 * nothing is undone, a partly applied write is an ErrorResponse with SQLSTATE 40003 and a DETAIL
 * listing the rows, and each client has its own sys_identity.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { connect, type Connection } from '../../src/core/connection.js';
import { serve, type PgServer } from '../../src/pgserver/index.js';
import { clearJournal, control, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { runPsql } from '../helpers/psql.js';

describe('writes and procedure calls over the wire', { timeout: 120_000 }, () => {
  let emu: RunningEmulator;
  let connection: Connection;
  let server: PgServer;
  let typeId: number;
  const clients: pg.Client[] = [];

  before(async () => {
    emu = await startTestEmulator();
    connection = await connect({ URL: emu.url, ApiKey: emu.apiKey }, { noExternalAccess: true });
    server = await serve({ connection, port: 0, log: () => {} });
    typeId = Number(((await connection.query("SELECT min(Id) AS id FROM ProjectIssueTypes WHERE ProjectKey = 'WEB'")).rows[0] as { id: number }).id);
  });

  after(async () => {
    for (const c of clients) await c.end().catch(() => {});
    await server?.close();
    await connection?.close();
    await emu?.close();
  });

  const client = async () => {
    const c = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'me', database: 'backlog' });
    await c.connect();
    clients.push(c);
    return c;
  };

  test('simple protocol: INSERT, UPDATE and DELETE answer with their command tags and row counts', async () => {
    const c = await client();
    const ins = await c.query(
      `INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', 'wire 1', ${typeId}, 3), ('WEB', 'wire 2', ${typeId}, 3)`,
    );
    assert.equal(ins.command, 'INSERT');
    assert.equal(ins.rowCount, 2);
    const upd = await c.query("UPDATE Issues SET Description = 'über die Leitung' WHERE ProjectKey = 'WEB' AND Summary LIKE 'wire %'");
    assert.equal(upd.command, 'UPDATE');
    assert.equal(upd.rowCount, 2);
    const del = await c.query("DELETE FROM Issues WHERE ProjectKey = 'WEB' AND Summary LIKE 'wire %'");
    assert.equal(del.command, 'DELETE');
    assert.equal(del.rowCount, 2);
  });

  test('extended protocol: parameters bind, and RETURNING comes back as rows with the right types', async () => {
    const c = await client();
    const r = await c.query({
      text: 'INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId, DueDate) VALUES ($1, $2, $3, $4, $5) RETURNING Id, IssueKey, DueDate',
      values: ['WEB', '拡張プロトコル', typeId, 2, '2026-12-24'],
    });
    assert.equal(r.command, 'INSERT');
    assert.equal(r.rowCount, 1);
    const row = r.rows[0] as { id: string; issuekey: string; duedate: Date } & Record<string, unknown>;
    const keys = Object.keys(row);
    assert.deepEqual(keys, ['Id', 'IssueKey', 'DueDate']);
    assert.match(String(row.IssueKey), /^WEB-\d+$/);
    const upd = await c.query({ text: 'UPDATE Issues SET PriorityId = $1 WHERE Id = $2', values: [4, row.Id] });
    assert.equal(upd.rowCount, 1);
    const back = await connection.query(`SELECT PriorityId FROM Issues WHERE Id = ${Number(row.Id)}`);
    assert.deepEqual(back.rows, [{ PriorityId: 4 }]);
  });

  test('EXEC and CALL of a procedure return its result set (simple and extended protocol)', async () => {
    const c = await client();
    const me = await c.query('EXEC GetOwnUser');
    assert.equal(me.command, 'CALL');
    assert.equal((me.rows[0] as { UserId: string }).UserId, emu.users.find((u) => u.roleType === 1)?.userId);
    const extended = await c.query({ text: 'CALL GetOwnUser()', values: [] });
    assert.deepEqual(extended.rows, me.rows);
    const [issue] = (await c.query("SELECT Id FROM Issues WHERE ProjectKey = 'WEB' ORDER BY Id LIMIT 1")).rows as { Id: string }[];
    await clearJournal(emu);
    const star = await c.query({ text: 'CALL AddStar(IssueId => $1)', values: [Number(issue?.Id)] });
    assert.deepEqual(star.rows, [{ Success: true }]);
    assert.deepEqual(
      (await journal(emu)).filter((j) => j.method !== 'GET').map((j) => `${j.method} ${j.path} ${JSON.stringify(j.form)}`),
      [`POST /api/v2/stars {"issueId":"${Number(issue?.Id)}"}`],
    );
  });

  test('a ROLLBACK after a write warns that Backlog has no transactions; the write stays', async () => {
    const c = await client();
    const notices: string[] = [];
    c.on('notice', (n) => notices.push(n.message ?? ''));
    await c.query('BEGIN');
    await c.query(`INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', 'kept after rollback', ${typeId}, 3)`);
    await c.query('ROLLBACK');
    assert.ok(
      notices.some((n) => /Backlog has no transactions: 1 write/.test(n)),
      notices.join('; '),
    );
    const back = await connection.query("SELECT count(*) AS n FROM Issues WHERE ProjectKey = 'WEB' AND Summary = 'kept after rollback'");
    assert.deepEqual(back.rows, [{ n: 1 }]);
  });

  test('a write stopped halfway is an error with SQLSTATE 40003 and a DETAIL of the rows; each client sees its own sys_identity', async () => {
    const c = await client();
    const other = await client();
    const ids = (
      await c.query(
        `INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', 'half 1', ${typeId}, 3), ('WEB', 'half 2', ${typeId}, 3), ('WEB', 'half 3', ${typeId}, 3) RETURNING Id`,
      )
    ).rows.map((r: { Id: number }) => Number(r.Id));
    await clearJournal(emu);
    await control(emu, 'POST', 'faults', { method: 'PATCH', pathPattern: '^/api/v2/issues/\\d+$', skip: 1, times: 1, action: 'drop-after' });
    const err = await c.query(`UPDATE Issues SET Summary = 'half done' WHERE Id IN (${ids.join(', ')})`).then(
      () => assert.fail('must fail'),
      (e: unknown) => e as { code: string; detail: string; hint: string; message: string },
    );
    assert.equal(err.code, '40003');
    assert.match(err.detail, /Written: 1 row/);
    assert.match(err.detail, /Outcome unknown: row 2/);
    assert.match(err.detail, /Not attempted: 1 row/);
    assert.equal((await journal(emu)).filter((j) => j.method === 'PATCH').length, 2, 'row 2 sent once, never again');
    // The connection stays usable, and sys_identity is this client's.
    const mine = await c.query('SELECT Outcome FROM sys_identity ORDER BY RowNumber');
    assert.deepEqual(
      mine.rows.map((r: { Outcome: string }) => r.Outcome),
      ['written', 'unknown', 'not attempted'],
    );
    const theirs = await other.query('SELECT count(*)::INTEGER AS n FROM sys_identity');
    assert.deepEqual(theirs.rows, [{ n: 0 }]);
  });

  test("LastResultInfo#TEMP over the wire: the client's own last write, never another client's", async () => {
    const [c, other] = [await client(), await client()];
    const ins = await c.query(`INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', 'wire info', ${typeId}, 3) RETURNING Id`);
    const id = String((ins.rows[0] as { Id: number }).Id);
    const info = await c.query('SELECT Id, Operation, TableName, Outcome FROM "LastResultInfo#TEMP"');
    assert.deepEqual(info.rows, [{ Id: id, Operation: 'INSERT', TableName: 'Issues', Outcome: 'written' }]);
    assert.deepEqual((await other.query('SELECT * FROM LastResultInfo#TEMP')).rows, []);
    await c.query(`DELETE FROM Issues WHERE Id = ${id}`);
    assert.deepEqual((await c.query('SELECT Id, Operation FROM LastResultInfo#TEMP')).rows, [{ Id: id, Operation: 'DELETE' }]);
  });

  test('psql prints the command tag of a write', async () => {
    const r = await runPsql(server.port, [
      '-c',
      `INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', 'from psql', ${typeId}, 3)`,
      '-c',
      "UPDATE Issues SET Description = 'psql' WHERE ProjectKey = 'WEB' AND Summary = 'from psql'",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^INSERT 0 1$/m);
    assert.match(r.stdout, /^UPDATE 1$/m);
  });
});
