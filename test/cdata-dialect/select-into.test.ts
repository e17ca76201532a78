/**
 * CData's SELECT … INTO (src/sql/dialect/select-into.ts): into a CSV file with CData's options,
 * into a new temporary table of the session, into a Backlog table (one POST per row: the
 * journal); over the wire, file targets are refused and temporary tables stay the client's own.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { connect, SqlError, type Connection } from '../../src/index.js';
import { serve } from '../../src/pgserver/index.js';
import { clearJournal, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

let emu: RunningEmulator;
let db: Connection;
let dir: string;

before(async () => {
  emu = await startTestEmulator();
  db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
  dir = mkdtempSync(join(tmpdir(), 'select-into-'));
});
after(async () => {
  await db?.close();
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SELECT … INTO', () => {
  test('[csv://file] writes the rows, with a header; delimiter= and header= as CData documents them', async () => {
    const file = join(dir, 'priorities.csv');
    const r = await db.query(`SELECT Id, Name INTO [csv://${file}] FROM [Priorities] ORDER BY Id`);
    assert.equal(r.rowCount, 3);
    const rows = (await db.query('SELECT Id, Name FROM Priorities ORDER BY Id', undefined, { rowMode: 'array' })).rows as unknown[][];
    assert.equal(readFileSync(file, 'utf8'), `Id,Name\n${rows.map((x) => x.join(',')).join('\n')}\n`);
    const tsv = join(dir, 'priorities.txt');
    await db.query(`SELECT TOP 2 Id, Name INTO [csv://${tsv};delimiter=tab;header=false] FROM Priorities ORDER BY Id`);
    assert.equal(
      readFileSync(tsv, 'utf8'),
      `${rows
        .slice(0, 2)
        .map((x) => x.join('\t'))
        .join('\n')}\n`,
    );
    await assert.rejects(
      db.query(`SELECT * INTO [json://${dir}/x.json] FROM Priorities`),
      (e: unknown) => e instanceof SqlError && /CSV files only/.test(e.message) && /COPY/.test(e.hint ?? ''),
    );
    await assert.rejects(
      db.query(`SELECT * INTO [csv://${dir}/x.csv;quote=none] FROM Priorities`),
      (e: unknown) => e instanceof SqlError && /unknown option quote/.test(e.message),
    );
  });

  test('INTO a new name makes a temporary table of the connection, read with no request', async () => {
    await db.query("SELECT IssueKey, Summary INTO WebIssues FROM Issues WHERE ProjectKey = 'WEB'");
    await clearJournal(emu);
    const n = await db.query('SELECT count(*) FROM WebIssues', undefined, { rowMode: 'array' });
    assert.deepEqual(await journal(emu), []);
    const m = await db.query("SELECT count(*) FROM Issues WHERE ProjectKey = 'WEB'", undefined, { rowMode: 'array' });
    assert.deepEqual(n.rows, m.rows);
    // INTO the same name again replaces it.
    await db.query('SELECT 1 AS One INTO WebIssues');
    assert.deepEqual((await db.query('SELECT * FROM WebIssues', undefined, { rowMode: 'array' })).rows, [[1]]);
    await assert.rejects(db.query('SELECT 1 INTO sys_tables'), (e: unknown) => e instanceof SqlError && /read-only/.test(e.message));
  });

  test('INTO a Backlog table inserts the rows (one POST each), as INSERT … SELECT does', async () => {
    await clearJournal(emu);
    const r = await db.query("SELECT 1 AS ProjectId, 'Into ' || Name AS Name INTO ProjectCategories FROM Priorities WHERE Id IN (2, 3)");
    assert.equal(r.rowCount, 2);
    const posts = (await journal(emu)).filter((e) => e.method === 'POST').map((e) => `${e.path} ${String(e.form?.name)}`);
    assert.equal(posts.length, 2);
    assert.ok(
      posts.every((p) => p.startsWith('/api/v2/projects/1/categories Into ')),
      posts.join('\n'),
    );
  });

  test("over the wire: file targets are refused, temporary tables are the client's own", async () => {
    const served = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`, { noExternalAccess: true });
    const server = await serve({ connection: served, port: 0 });
    const a = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'a', database: 'backlog' });
    const b = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'b', database: 'backlog' });
    try {
      await a.connect();
      await b.connect();
      await assert.rejects(
        a.query(`SELECT * INTO [csv://${dir}/wire.csv] FROM Priorities`),
        (e: pg.DatabaseError) => e.code === '42501' && /files cannot be written over the wire/.test(e.message),
      );
      await a.query('SELECT Id, Name INTO MyPriorities FROM Priorities');
      assert.equal((await a.query('SELECT count(*) AS n FROM MyPriorities')).rows[0].n, '3');
      await assert.rejects(b.query('SELECT * FROM MyPriorities'));
    } finally {
      await a.end();
      await b.end();
      await server.close();
      await served.close();
    }
  });
});
