/**
 * Issue 14's "done when": a report written in CData's dialect (brackets, TOP, CData.Backlog.T,
 * DATEADD, ISNULL, IIF, CONVERT, a #TEMP table, SELECT INTO csv) runs unchanged through the
 * library, the shell (the built bin, `-f`) and the wire server (node-postgres), file target
 * excepted there, and all three give the same rows.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { connect, type Connection } from '../../src/index.js';
import { serve, type PgServer } from '../../src/pgserver/index.js';
import { startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

const BIN = new URL('../../bin/backlog-sql.js', import.meta.url).pathname;

/** The report's queries (each gives rows), in CData's dialect. */
const QUERIES = [
  `SELECT TOP 5 [IssueKey], [Summary], ISNULL([AssigneeName], 'nobody') AS [Assignee],
     IIF([DueDate] IS NULL, 'open-ended', CONVERT(VARCHAR, [DueDate])) AS [Due],
     CONVERT(VARCHAR, DATEADD('d', 7, [Created])) AS [Follow Up]
   FROM [CData].[Backlog].[Issues] WHERE [ProjectKey] = 'WEB' ORDER BY [Id]`,
  "INSERT INTO Report#TEMP (IssueKey, Status) SELECT TOP 10 [IssueKey], [StatusName] FROM Backlog.Issues WHERE [ProjectKey] = 'WEB' ORDER BY [Id]",
  'SELECT [Status], COUNT(*) AS [Issues] FROM Report#TEMP GROUP BY [Status] ORDER BY [Status]',
];
const EXPORT = 'SELECT [IssueKey], [Status] INTO [csv://report.csv] FROM Report#TEMP ORDER BY [IssueKey]';

let emu: RunningEmulator;
let db: Connection;
let dir: string;

before(async () => {
  emu = await startTestEmulator();
  db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
  dir = mkdtempSync(join(tmpdir(), 'cdata-report-'));
});
after(async () => {
  await db?.close();
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Rows as JSON values (timestamps as ISO text), for comparing surfaces. */
const plain = (rows: unknown[]) => JSON.parse(JSON.stringify(rows)) as Record<string, unknown>[];

describe("a report in CData's dialect", () => {
  let library: Record<string, unknown>[][];

  test('runs through the library', async () => {
    library = [];
    for (const sql of QUERIES) library.push(plain((await db.query(sql)).rows));
    assert.equal(library[0]?.length, 5);
    assert.ok(library[0]?.every((r) => typeof r.Assignee === 'string' && typeof r['Follow Up'] === 'string'));
    assert.equal(
      library[2]?.reduce((n, r) => n + Number(r.Issues), 0),
      10,
    );
    const file = join(dir, 'library.csv');
    await db.query(EXPORT.replace('report.csv', file));
    assert.equal(readFileSync(file, 'utf8').split('\n')[0], 'IssueKey,Status');
  });

  test('runs unchanged through the shell (-f), with the same rows', async () => {
    writeFileSync(join(dir, 'report.sql'), `${[...QUERIES, EXPORT].join(';\n')};\n`);
    const r = await promisify(execFile)(process.execPath, [BIN, '--format', 'json', '-f', 'report.sql'], {
      cwd: dir,
      env: { ...process.env, BACKLOG_SQL_CONNECTION: `URL=${emu.url};ApiKey=${emu.apiKey}` },
      timeout: 120_000,
    });
    const results = r.stdout
      .split(/\n(?=\[)/)
      .map((x) => JSON.parse(x) as Record<string, unknown>[])
      .filter((x) => x.length > 0);
    assert.deepEqual(
      results,
      library.filter((x) => x.length > 0),
    );
    assert.equal(readFileSync(join(dir, 'report.csv'), 'utf8'), readFileSync(join(dir, 'library.csv'), 'utf8'));
  });

  test('runs unchanged over the wire, the file export refused', async () => {
    const served = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`, { noExternalAccess: true });
    const server: PgServer = await serve({ connection: served, port: 0 });
    const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'report', database: 'backlog' });
    try {
      await client.connect();
      const wire: Record<string, unknown>[][] = [];
      for (const sql of QUERIES) wire.push(plain((await client.query(sql)).rows));
      // pg returns counts (bigint) as text.
      assert.deepEqual(wire[0], library[0]);
      assert.deepEqual(wire[1], []);
      assert.deepEqual(
        wire[2]?.map((r) => ({ ...r, Issues: Number(r.Issues) })),
        library[2],
      );
      await assert.rejects(client.query(EXPORT), (e: pg.DatabaseError) => e.code === '42501');
    } finally {
      await client.end();
      await server.close();
      await served.close();
    }
  });
});
