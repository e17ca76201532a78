/**
 * User-defined views (src/sql/dialect/user-views.ts): a UserDefinedViews file in CData's format,
 * views used bare, [bracketed], `UserViews.`-qualified and in joins, with the view's own filter
 * pushed to Backlog (the journal, EXPLAIN); CREATE / ALTER / DROP LOCAL VIEW saved to the file and
 * listed in sys_tables; mistakes named; wire clients refused the DDL.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, ConfigError, SqlError, type Connection } from '../../src/index.js';
import pg from 'pg';
import { serve } from '../../src/pgserver/index.js';
import { StatementPolicy } from '../../src/pgserver/policy.js';
import { clearJournal, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { runPsql } from '../helpers/psql.js';

let emu: RunningEmulator;
let dir: string;
let file: string;
let db: Connection;

before(async () => {
  emu = await startTestEmulator();
  dir = mkdtempSync(join(tmpdir(), 'user-views-'));
  file = join(dir, 'UserDefinedViews.json');
  writeFileSync(
    file,
    JSON.stringify({
      OpenWebIssues: { query: "SELECT * FROM Issues WHERE ProjectKey = 'WEB' AND StatusId = 1" },
      HighPriority: { query: 'SELECT Id, IssueKey, Summary FROM [Issues] WHERE PriorityId = 2;' },
    }),
  );
  db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};UserDefinedViews=${file}`);
});
after(async () => {
  await db?.close();
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function requests(sql: string): Promise<{ rows: unknown[][]; searches: Record<string, unknown>[] }> {
  await clearJournal(emu);
  const r = await db.query(sql, undefined, { rowMode: 'array' });
  const searches = (await journal(emu)).filter((e) => e.path === '/api/v2/issues').map((e) => e.query);
  return { rows: r.rows as unknown[][], searches };
}

describe('views from the UserDefinedViews file', () => {
  test("a view's rows are its query's, and its filter goes to Backlog", async () => {
    const direct = await requests("SELECT IssueKey FROM Issues WHERE ProjectKey = 'WEB' AND StatusId = 1 ORDER BY Id");
    assert.ok(direct.rows.length > 0);
    for (const name of ['OpenWebIssues', '[OpenWebIssues]', 'UserViews.OpenWebIssues', 'openwebissues', '"OpenWebIssues"']) {
      const viaView = await requests(`SELECT IssueKey FROM ${name} ORDER BY Id`);
      assert.deepEqual(viaView.rows, direct.rows, name);
      assert.deepEqual(viaView.searches, direct.searches, `${name}: the same requests`);
    }
    assert.ok(
      direct.searches.every((q) => q['statusId[]'] === '1'),
      JSON.stringify(direct.searches),
    );
  });

  test('further conditions are ANDed with the view; views work with aliases, joins and TOP', async () => {
    const a = await db.query('SELECT count(*) FROM OpenWebIssues WHERE AssigneeId IS NOT NULL', undefined, { rowMode: 'array' });
    const b = await db.query("SELECT count(*) FROM Issues WHERE ProjectKey = 'WEB' AND StatusId = 1 AND AssigneeId IS NOT NULL", undefined, {
      rowMode: 'array',
    });
    assert.deepEqual(a.rows, b.rows);
    const joined = await db.query('SELECT TOP 5 h.IssueKey, c.Id FROM HighPriority h JOIN IssueComments c ON c.IssueId = h.Id ORDER BY c.Id', undefined, {
      rowMode: 'array',
    });
    const plain = await db.query(
      'SELECT h.IssueKey, c.Id FROM Issues h JOIN IssueComments c ON c.IssueId = h.Id WHERE h.PriorityId = 2 ORDER BY c.Id LIMIT 5',
      undefined,
      { rowMode: 'array' },
    );
    assert.deepEqual(joined.rows, plain.rows);
    assert.ok(joined.rowCount > 0);
  });

  test("a query's own conditions on a view reach Backlog too (the view's columns are the table's)", async () => {
    const plain = await requests("SELECT IssueKey FROM Issues WHERE ProjectKey = 'WEB' AND StatusId = 1 AND PriorityId = 3 ORDER BY Id");
    const viaView = await requests('SELECT IssueKey FROM OpenWebIssues WHERE PriorityId = 3 ORDER BY Id');
    assert.deepEqual(viaView.rows, plain.rows);
    assert.ok(
      viaView.searches.length > 0 && viaView.searches.every((q) => q['priorityId[]'] === '3' && q['statusId[]'] === '1'),
      JSON.stringify(viaView.searches),
    );
    // A renamed column is not the table's: that condition stays local (and the answer is still right).
    const renamed = await requests(
      "SELECT k FROM (SELECT IssueKey AS k, PriorityId AS StatusId FROM Issues WHERE ProjectKey = 'WEB') v WHERE StatusId = 3 ORDER BY k",
    );
    assert.ok(
      renamed.searches.every((q) => q['statusId[]'] === undefined),
      JSON.stringify(renamed.searches),
    );
    assert.equal(renamed.rows.length, (await requests("SELECT IssueKey FROM Issues WHERE ProjectKey = 'WEB' AND PriorityId = 3")).rows.length);
    // A join through a view restricts the child to the view's issues.
    await clearJournal(emu);
    await db.query('SELECT c.Id FROM OpenWebIssues v JOIN IssueComments c ON c.IssueId = v.Id');
    const commentCalls = (await journal(emu)).filter((e) => /\/comments$/.test(e.path)).length;
    const open = (await db.query("SELECT count(*) AS n FROM Issues WHERE ProjectKey = 'WEB' AND StatusId = 1")).rows[0] as { n: number };
    assert.ok(commentCalls <= Number(open.n), `${commentCalls} comment requests for ${open.n} issues`);
  });

  test("EXPLAIN shows the view's filter pushed to the table under it", async () => {
    await clearJournal(emu);
    const plan = JSON.stringify((await db.explain('SELECT * FROM OpenWebIssues')).rows);
    assert.match(plan, /StatusId = 1/);
    assert.match(JSON.stringify((await db.explain('SELECT * FROM OpenWebIssues WHERE PriorityId = 3')).rows), /PriorityId = 3/);
    assert.deepEqual(await journal(emu), []);
  });

  test('sys_tables lists the views in schema UserViews', async () => {
    const r = await db.query("SELECT TableName, TableType FROM sys_tables WHERE SchemaName = 'UserViews' ORDER BY 1", undefined, { rowMode: 'array' });
    assert.deepEqual(r.rows, [
      ['HighPriority', 'VIEW'],
      ['OpenWebIssues', 'VIEW'],
    ]);
    const columns = await db.query(
      "SELECT ColumnName, DataTypeName, DataType, Ordinal FROM sys_tablecolumns WHERE SchemaName = 'UserViews' AND TableName = 'HighPriority' ORDER BY Ordinal",
      undefined,
      { rowMode: 'array' },
    );
    assert.deepEqual(columns.rows, [
      ['Id', 'BIGINT', -5, 1],
      ['IssueKey', 'VARCHAR', 12, 2],
      ['Summary', 'VARCHAR', 12, 3],
    ]);
  });
});

describe('CREATE / ALTER / DROP LOCAL VIEW', () => {
  test('are saved to the file, seen by the next connection, and listed in sys_tables', async () => {
    const created = await db.query('CREATE LOCAL VIEW [My Closed] AS SELECT Id, IssueKey FROM Issues WHERE StatusId = 4');
    assert.equal(created.stats.requests, 0);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8'))['My Closed'], { query: 'SELECT Id, IssueKey FROM Issues WHERE StatusId = 4' });
    const n = (await db.query('SELECT count(*) AS n FROM [My Closed]')).rows[0] as { n: number };
    const m = (await db.query('SELECT count(*) AS n FROM Issues WHERE StatusId = 4')).rows[0] as { n: number };
    assert.equal(n.n, m.n);
    await db.query('ALTER LOCAL VIEW [My Closed] AS SELECT Id FROM Issues WHERE StatusId = 3');
    const other = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};UserDefinedViews=${file}`);
    try {
      assert.deepEqual(
        (await other.query('SELECT * FROM [My Closed] LIMIT 1')).columns.map((c) => c.name),
        ['Id'],
      );
      const listed = await other.query("SELECT TableName FROM sys_tables WHERE SchemaName = 'UserViews' ORDER BY 1", undefined, { rowMode: 'array' });
      assert.deepEqual(listed.rows, [['HighPriority'], ['My Closed'], ['OpenWebIssues']]);
    } finally {
      await other.close();
    }
    await db.query('DROP LOCAL VIEW [My Closed]');
    assert.equal(JSON.parse(readFileSync(file, 'utf8'))['My Closed'], undefined);
    await assert.rejects(db.query('SELECT * FROM [My Closed]'), (e: unknown) => e instanceof SqlError && e.sqlstate === '42P01');
  });

  test('mistakes are named: an existing or missing view, a table name, a bad query', async () => {
    await assert.rejects(
      db.query('CREATE LOCAL VIEW OpenWebIssues AS SELECT 1'),
      (e: unknown) => e instanceof SqlError && /already exists/.test(e.message) && /ALTER LOCAL VIEW/.test(e.hint ?? ''),
    );
    await assert.rejects(db.query('DROP LOCAL VIEW Nope'), (e: unknown) => e instanceof SqlError && /"Nope" does not exist/.test(e.message));
    await db.query('DROP LOCAL VIEW IF EXISTS Nope');
    await assert.rejects(db.query('ALTER LOCAL VIEW Nope AS SELECT 1'), (e: unknown) => e instanceof SqlError && /CREATE LOCAL VIEW/.test(e.hint ?? ''));
    await assert.rejects(db.query('CREATE LOCAL VIEW Issues AS SELECT 1'), (e: unknown) => e instanceof SqlError && /name of a table/.test(e.message));
    await assert.rejects(db.query('CREATE LOCAL VIEW Bad AS SELECT * FROM Isues'), (e: unknown) => e instanceof SqlError && e.sqlstate === '42P01');
    await assert.rejects(
      db.query('CREATE LOCAL VIEW Bad AS DELETE FROM Issues'),
      (e: unknown) => e instanceof SqlError && /must be followed by SELECT/.test(e.message),
    );
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).Bad, undefined);
  });

  test('a view another connection saves to the file is seen at once, without reconnecting', async () => {
    const other = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};UserDefinedViews=${file}`);
    try {
      await other.query('CREATE LOCAL VIEW FromOther AS SELECT Id FROM Priorities');
      assert.equal((await db.query('SELECT * FROM FromOther')).rowCount, (await db.query('SELECT * FROM Priorities')).rowCount);
      const listed = await db.query("SELECT TableType FROM sys_tables WHERE SchemaName = 'UserViews' AND TableName = 'FromOther'", undefined, {
        rowMode: 'array',
      });
      assert.deepEqual(listed.rows, [['VIEW']]);
      await other.query('DROP LOCAL VIEW FromOther');
      await assert.rejects(db.query('SELECT * FROM FromOther'), (e: unknown) => e instanceof SqlError && e.sqlstate === '42P01');
      // A half-written file keeps the views as they were.
      const saved = readFileSync(file, 'utf8');
      writeFileSync(file, '{"broken":');
      assert.ok((await db.query('SELECT * FROM OpenWebIssues LIMIT 1')).columns.length > 0);
      writeFileSync(file, saved);
    } finally {
      await other.close();
    }
  });

  test("Location: the folder's UserDefinedViews.json holds the views, as CData reads it", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'location-'));
    try {
      writeFileSync(join(folder, 'UserDefinedViews.json'), JSON.stringify({ Urgent: { query: 'SELECT Id, IssueKey FROM Issues WHERE PriorityId = 2' } }));
      const warnings: string[] = [];
      const located = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Location=${folder}`, { onWarning: (w) => warnings.push(w) });
      try {
        assert.deepEqual(warnings, [], 'Location is not ignored');
        const viaView = await located.query('SELECT IssueKey FROM Urgent ORDER BY Id', undefined, { rowMode: 'array' });
        const plain = await located.query('SELECT IssueKey FROM Issues WHERE PriorityId = 2 ORDER BY Id', undefined, { rowMode: 'array' });
        assert.deepEqual(viaView.rows, plain.rows);
        await located.query('CREATE LOCAL VIEW Later AS SELECT Id FROM Priorities');
        assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(folder, 'UserDefinedViews.json'), 'utf8'))), ['Urgent', 'Later']);
        const prop = await located.query("SELECT Value FROM sys_connection_props WHERE Name = 'Location'", undefined, { rowMode: 'array' });
        assert.deepEqual(prop.rows, [[folder]]);
      } finally {
        await located.close();
      }
      // A server on such a connection shows the folder's views to wire clients.
      const served = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Location=${folder}`, { noExternalAccess: true });
      const server = await serve({ connection: served, port: 0, log: () => {} });
      const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'me', database: 'backlog' });
      try {
        await client.connect();
        const listed = await client.query("SELECT table_name FROM information_schema.views WHERE table_name IN ('Urgent', 'Later') ORDER BY 1");
        assert.deepEqual(listed.rows, [{ table_name: 'Later' }, { table_name: 'Urgent' }]);
        assert.ok((await client.query('SELECT * FROM Urgent')).rowCount !== null);
      } finally {
        await client.end().catch(() => undefined);
        await server.close();
        await served.close();
      }
      // UserDefinedViews, when set, is the file (only its views are shown).
      const named = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Location=${folder};UserDefinedViews=${file}`);
      try {
        await assert.rejects(named.query('SELECT * FROM Urgent'), (e: unknown) => e instanceof SqlError && e.sqlstate === '42P01');
        assert.ok((await named.query('SELECT * FROM OpenWebIssues LIMIT 1')).columns.length > 0);
      } finally {
        await named.close();
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('without UserDefinedViews a view lasts for the connection, with a warning', async () => {
    const plain = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
    try {
      const r = await plain.query('CREATE LOCAL VIEW Mine AS SELECT Id FROM Priorities');
      assert.match(r.stats.warnings.join('\n'), /this connection only: set UserDefinedViews/);
      assert.ok((await plain.query('SELECT * FROM Mine')).rowCount > 0);
    } finally {
      await plain.close();
    }
  });

  test("a views file that is not CData's format is a configuration error naming it", async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ V: { sql: 'SELECT 1' } }));
    await assert.rejects(
      connect(`URL=${emu.url};ApiKey=${emu.apiKey};UserDefinedViews=${bad}`),
      (e: unknown) => e instanceof ConfigError && /view "V" .* has no "query"/.test(e.message),
    );
    writeFileSync(bad, '{');
    await assert.rejects(
      connect(`URL=${emu.url};ApiKey=${emu.apiKey};UserDefinedViews=${bad}`),
      (e: unknown) => e instanceof ConfigError && /not valid JSON/.test(e.message),
    );
  });

  test("wire clients query the server's views (bare, UserViews., in joins) and cannot change them", async () => {
    const served = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};UserDefinedViews=${file}`, { noExternalAccess: true });
    const server = await serve({ connection: served, port: 0 });
    const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'me', database: 'backlog' });
    try {
      await client.connect();
      const direct = (await client.query("SELECT IssueKey FROM Issues WHERE ProjectKey = 'WEB' AND StatusId = 1 ORDER BY Id")).rows;
      assert.ok(direct.length > 0);
      assert.deepEqual((await client.query('SELECT IssueKey FROM OpenWebIssues ORDER BY Id')).rows, direct);
      assert.deepEqual((await client.query('SELECT TOP 100 IssueKey FROM UserViews.[OpenWebIssues] ORDER BY Id')).rows, direct);
      // The catalog lists them as views, with their columns (psql's \dv, JDBC's getTables).
      const listed = await client.query(
        "SELECT table_name FROM information_schema.views WHERE table_schema = 'public' AND table_name IN ('OpenWebIssues', 'HighPriority') ORDER BY 1",
      );
      assert.deepEqual(listed.rows, [{ table_name: 'HighPriority' }, { table_name: 'OpenWebIssues' }]);
      const columns = await client.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'HighPriority' ORDER BY ordinal_position");
      assert.deepEqual(
        columns.rows.map((r: { column_name: string }) => r.column_name),
        ['Id', 'IssueKey', 'Summary'],
      );
      await assert.rejects(
        client.query('CREATE LOCAL VIEW Mine AS SELECT 1'),
        (e: pg.DatabaseError) => e.code === '0A000' && /belong to the server/.test(e.message),
      );
      await assert.rejects(client.query('DROP LOCAL VIEW OpenWebIssues'), (e: pg.DatabaseError) => e.code === '0A000');
      assert.ok(JSON.parse(readFileSync(file, 'utf8')).OpenWebIssues);
    } finally {
      await client.end();
      await server.close();
      await served.close();
    }
  });

  test("views created, altered and dropped while the server runs reach wire clients' catalog (psql \\dv) at once", async () => {
    const viewsFile = join(dir, 'live.json');
    writeFileSync(viewsFile, '{}');
    const served = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};UserDefinedViews=${viewsFile}`, { noExternalAccess: true });
    const server = await serve({ connection: served, port: 0, log: () => {} });
    const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'me', database: 'backlog' });
    // Another process using the same file (here another connection: it shares nothing with the server but the file).
    const shell = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};UserDefinedViews=${viewsFile}`);
    const views = async () =>
      (
        await client.query(
          "SELECT c.relname, array_agg(a.attname::text ORDER BY a.attnum) AS columns FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 WHERE n.nspname = 'public' AND c.relkind = 'v' AND c.relname LIKE 'Live%' GROUP BY 1 ORDER BY 1",
        )
      ).rows as { relname: string; columns: string[] }[];
    try {
      await client.connect();
      assert.deepEqual(await views(), []);
      // On the served connection itself (the operator's program).
      await served.query('CREATE LOCAL VIEW LiveOpen AS SELECT Id, IssueKey FROM Issues WHERE StatusId = 1');
      assert.deepEqual(await views(), [{ relname: 'LiveOpen', columns: ['Id', 'IssueKey'] }]);
      assert.deepEqual(
        (await client.query('SELECT count(*)::int AS n FROM LiveOpen')).rows,
        (await client.query('SELECT count(*)::int AS n FROM Issues WHERE StatusId = 1')).rows,
      );
      // From the other process, through the file: created, then altered (its columns change), then dropped.
      await shell.query('CREATE LOCAL VIEW LiveMine AS SELECT Id FROM Priorities');
      assert.deepEqual(await views(), [
        { relname: 'LiveMine', columns: ['Id'] },
        { relname: 'LiveOpen', columns: ['Id', 'IssueKey'] },
      ]);
      const listed = await client.query("SELECT TableName, TableType FROM sys_tables WHERE SchemaName = 'UserViews' ORDER BY 1");
      assert.deepEqual(listed.rows, [
        { TableName: 'LiveMine', TableType: 'VIEW' },
        { TableName: 'LiveOpen', TableType: 'VIEW' },
      ]);
      await shell.query('ALTER LOCAL VIEW LiveMine AS SELECT Id, Name FROM Priorities');
      assert.deepEqual((await views())[0], { relname: 'LiveMine', columns: ['Id', 'Name'] });
      if ((await runPsql(server.port, ['-c', 'SELECT 1']).catch(() => undefined))?.code === 0) {
        const dv = await runPsql(server.port, ['-c', '\\dv "Live"*']);
        assert.match(dv.stdout, /LiveMine\s*\|\s*view/);
        assert.match(dv.stdout, /LiveOpen\s*\|\s*view/);
      }
      await shell.query('DROP LOCAL VIEW LiveMine');
      await served.query('DROP LOCAL VIEW LiveOpen');
      assert.deepEqual(await views(), []);
      await assert.rejects(client.query('SELECT * FROM LiveOpen'), (e: pg.DatabaseError) => e.code === '42P01');
    } finally {
      await client.end().catch(() => undefined);
      await shell.close();
      await server.close();
      await served.close();
    }
  });

  test('wire clients may not create, alter or drop views', async () => {
    const policy = new StatementPolicy();
    try {
      for (const sql of ['CREATE LOCAL VIEW V AS SELECT 1', 'ALTER LOCAL VIEW V AS SELECT 1', 'DROP LOCAL VIEW V']) {
        await assert.rejects(
          policy.admit(sql, 'read-write'),
          (e: unknown) => e instanceof SqlError && e.sqlstate === '0A000' && /cannot run over the wire/.test(e.message),
          sql,
        );
      }
      assert.deepEqual(await policy.admit('SELECT * FROM OpenWebIssues', 'read-only'), { kind: 'query' });
    } finally {
      policy.close();
    }
  });
});
