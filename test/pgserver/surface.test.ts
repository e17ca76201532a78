/**
 * PostgreSQL's behaviour at the surface of `backlog-sql serve` (issue 12): result column names,
 * SQLSTATEs of arithmetic errors, command tags, session functions and pg_backend_pid(), which
 * engine answers what (a statement mixing catalog relations and Backlog tables is refused, DuckDB's
 * own catalog is never visible), the catalog's read-only transactions and per-client isolation, an
 * unknown database, and the CLI's busy-port error and COPY / RETURNING tags.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { connect, type Connection } from '../../src/core/connection.js';
import { serve, type PgServer } from '../../src/pgserver/index.js';
import { startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

const BIN = new URL('../../bin/backlog-sql.js', import.meta.url).pathname;

function runBin(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('backlog-sql serve behaves as PostgreSQL at the surface', { timeout: 300_000 }, () => {
  let emu: RunningEmulator;
  let connection: Connection;
  let server: PgServer;
  let c: pg.Client;

  before(async () => {
    emu = await startTestEmulator();
    connection = await connect({ URL: emu.url, ApiKey: emu.apiKey }, { noExternalAccess: true });
    server = await serve({ connection, port: 0 });
    c = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'analyst', database: 'backlog' });
    await c.connect();
  });

  after(async () => {
    await c?.end();
    await server?.close();
    await connection?.close();
    await emu?.close();
  });

  const fails = (sql: string, code: string, message?: RegExp) =>
    assert.rejects(c.query(sql), (e: pg.DatabaseError) => {
      assert.equal(e.code, code, `${sql}: ${e.message}`);
      if (message) assert.match(e.message, message);
      return true;
    });

  test('result columns are named as PostgreSQL names them, on Backlog tables too', async () => {
    const r = await c.query('SELECT count(*), sum(Id), max(Id), min(Id) + 1, CAST(Id AS VARCHAR), Id FROM Issues GROUP BY Id ORDER BY Id LIMIT 1');
    assert.deepEqual(
      r.fields.map((f) => f.name),
      ['count', 'sum', 'max', '?column?', 'Id', 'Id'],
    );
    assert.deepEqual(
      (await c.query('SELECT 1 + 1, 7 / 2')).fields.map((f) => [f.name, f.dataTypeID]),
      [
        ['?column?', 23],
        ['?column?', 23],
      ],
    );
    assert.deepEqual((await c.query('SELECT 7 / 2 AS q')).rows, [{ q: 3 }]);
    // An alias with spaces keeps its name (CData's [Follow Up], or "Follow Up"); NOT x stays an expression.
    assert.deepEqual(
      (await c.query('SELECT 1 AS [Follow Up], 2 AS "Two Words", NOT true')).fields.map((f) => f.name),
      ['Follow Up', 'Two Words', '?column?'],
    );
    // An integer parameter is typed as PostgreSQL types it.
    const p = await c.query('SELECT $1::int + 1 AS x', [41]);
    assert.deepEqual([p.fields[0]?.dataTypeID, p.rows[0].x], [23, 42]);
  });

  test('division by zero is 22012 and overflow 22003, in constant and Backlog statements alike', async () => {
    await fails('SELECT 1/0', '22012', /division by zero/);
    await fails('SELECT Id / 0 FROM Issues LIMIT 1', '22012', /division by zero/);
    await fails('SELECT 2147483647::int4 + 1', '22003');
    await fails('SELECT Id::INTEGER * 2147483647 FROM Issues WHERE Id > 2 LIMIT 1', '22003');
    assert.deepEqual((await c.query('SELECT 1 AS ok')).rows, [{ ok: 1 }]);
  });

  test('command tags: INSERT 0 n and DELETE n with RETURNING, SET, BEGIN, COMMIT, SHOW', async () => {
    const inserted = await c.query("INSERT INTO ProjectCategories (ProjectKey, Name) VALUES ('WEB', 'wire tag') RETURNING Id");
    assert.deepEqual([inserted.command, inserted.rowCount], ['INSERT', 1]);
    const deleted = await c.query("DELETE FROM ProjectCategories WHERE ProjectKey = 'WEB' AND Name = 'wire tag' RETURNING Id, Name");
    assert.deepEqual([deleted.command, deleted.rowCount, deleted.rows[0].Name], ['DELETE', 1, 'wire tag']);
    assert.equal((await c.query('SET search_path = public')).command, 'SET');
    assert.equal((await c.query('BEGIN')).command, 'BEGIN');
    assert.equal((await c.query('COMMIT')).command, 'COMMIT');
    assert.equal((await c.query('SHOW search_path')).command, 'SHOW');
    await fails('SET no_such_setting = 1', '42704');
  });

  test("session functions: the client's user and database, what we are, and the pid of BackendKeyData", async () => {
    const r = await c.query('SELECT current_user, session_user, current_database(), current_schema(), version(), pg_backend_pid()');
    const row = r.rows[0];
    assert.deepEqual([row.current_user, row.session_user, row.current_database, row.current_schema], ['analyst', 'analyst', 'backlog', 'public']);
    assert.match(row.version, /^PostgreSQL 15\.\d+ \(backlog-sql: /);
    assert.equal(row.pg_backend_pid, (c as unknown as { processID: number }).processID);
    // In a statement on Backlog tables too (DuckDB would answer with its own names).
    const mixed = await c.query('SELECT current_user AS u, current_database() AS d, count(*) AS n FROM Issues');
    assert.deepEqual([mixed.rows[0].u, mixed.rows[0].d], ['analyst', 'backlog']);
  });

  test('a client opens its catalog engine connection only when a statement needs it: Backlog queries and refused statements cost the engine no backend', async () => {
    const backends = async () => (await c.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'lazy'")).rows[0].n as number;
    const lazy = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'lazy', database: 'backlog' });
    await lazy.connect();
    try {
      const pid = (lazy as unknown as { processID: number }).processID;
      assert.ok(Number.isInteger(pid) && pid > 0);
      assert.equal((await lazy.query('SELECT count(*)::int AS n, pg_backend_pid() AS pid FROM Priorities')).rows[0].pid, pid);
      await assert.rejects(lazy.query(`SELECT count(*) FROM Issues WHERE Id IN (${Array.from({ length: 60_000 }, (_, i) => i).join(',')})`), {
        code: '54001',
      });
      await lazy.query('RESET ALL');
      assert.equal(await backends(), 0);
      // The first catalog statement opens it; the pid stays the one BackendKeyData gave.
      assert.deepEqual((await lazy.query('SELECT pg_backend_pid() AS a, pg_catalog.pg_backend_pid() AS b, 1 AS one')).rows, [{ a: pid, b: pid, one: 1 }]);
      assert.equal(await backends(), 1);
    } finally {
      await lazy.end();
    }
  });

  test("a cancel request with BackendKeyData's pid and key stops the client's catalog statement", async () => {
    const slow = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'analyst', database: 'backlog' });
    await slow.connect();
    try {
      const started = performance.now();
      const running = slow.query('SELECT count(*) FROM generate_series(1, 2000000000)').then(
        () => 'finished',
        (e: pg.DatabaseError) => e.code,
      );
      await new Promise((r) => setTimeout(r, 300));
      const canceller = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'analyst', database: 'backlog' }) as unknown as {
        cancel(client: pg.Client, query: unknown): void;
      };
      canceller.cancel(slow, (slow as unknown as { activeQuery: unknown }).activeQuery);
      assert.equal(await running, '57014');
      // Well before the catalog's own 10 s statement timeout, which would answer 57014 too.
      assert.ok(performance.now() - started < 8000, 'cancelled by the request, not by the timeout');
    } finally {
      await slow.end();
    }
  });

  test('a statement mixing catalog relations and Backlog tables is refused with 0A000 naming the relation', async () => {
    await fails('SELECT i.Id FROM Issues i JOIN pg_catalog.pg_class c ON c.relname = i.Summary', '0A000', /pg_catalog\.pg_class/);
    await fails('SELECT * FROM Issues WHERE Summary IN (SELECT table_name FROM information_schema.tables)', '0A000', /information_schema\.tables/);
  });

  test("DuckDB's own catalog stays invisible; a query neither engine answers is an error", async () => {
    await fails('SELECT * FROM duckdb_tables()', '42883');
    const others = await c.query(
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('public', 'pg_catalog', 'information_schema')",
    );
    assert.equal(others.rowCount, 0);
    const catalogs = await c.query('SELECT datname FROM pg_database ORDER BY 1');
    assert.deepEqual(
      catalogs.rows.map((r: { datname: string }) => r.datname),
      ['backlog', 'postgres', 'template0', 'template1'],
    );
    await fails('SELECT * FROM pg_catalog.no_such_table', '42P01');
    await fails('SELECT no_such_function()', '42883');
  });

  test("catalog statements run read-only, and one client's slow catalog statement does not hold up another's", async () => {
    // Each catalog statement runs in a READ ONLY transaction that is rolled back: nothing stays.
    await c.query('SELECT lo_create(0)');
    assert.deepEqual((await c.query('SELECT count(*)::int AS n FROM pg_largeobject_metadata')).rows, [{ n: 0 }]);
    assert.deepEqual((await c.query('SHOW transaction_read_only')).rows, [{ transaction_read_only: 'on' }]);
    const other = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'analyst', database: 'backlog' });
    await other.connect();
    try {
      const slow = c.query('SELECT count(*) FROM generate_series(1, 2000000000)').then(
        () => 'finished',
        (e: pg.DatabaseError) => e.code,
      );
      await new Promise((r) => setTimeout(r, 200));
      const started = performance.now();
      const fast = await other.query("SELECT count(*)::int AS n FROM pg_class WHERE relname = 'Issues'");
      assert.equal(fast.rows[0].n, 1);
      assert.ok(performance.now() - started < 2000, 'the other client waited');
      // The catalog's statement timeout (10 s) cancels the slow one.
      assert.equal(await slow, '57014');
    } finally {
      await other.end();
    }
  });

  test('one schema-naming rule: schema public of database backlog, in the library, the sys_* tables and the wire', async () => {
    const count = async (sql: string) => Number(((await connection.query(sql)).rows[0] as { n: number }).n);
    const bare = await count('SELECT count(*) AS n FROM Issues');
    assert.equal(await count('SELECT count(*) AS n FROM public.Issues'), bare);
    assert.equal(await count('SELECT count(*) AS n FROM "public"."Issues"'), bare);
    assert.equal(await count('SELECT count(*) AS n FROM main.Issues'), bare);
    // A qualified name keeps error positions on the user's text.
    await assert.rejects(connection.query('SELECT Nope FROM public.Issues'), (e: { position?: number }) => e.position === 8);
    assert.deepEqual((await connection.query('SELECT DISTINCT CatalogName, SchemaName FROM sys_tables')).rows, [
      { CatalogName: 'backlog', SchemaName: 'public' },
    ]);
    assert.deepEqual((await connection.query('SELECT DISTINCT CatalogName, SchemaName FROM sys_procedures')).rows, [
      { CatalogName: 'backlog', SchemaName: 'public' },
    ]);
    const wire = await c.query('SELECT count(*)::int AS n FROM public."Issues"');
    assert.equal(wire.rows[0].n, bare);
    const listed = await c.query("SELECT DISTINCT table_catalog, table_schema FROM information_schema.tables WHERE table_name IN ('Issues', 'sys_tables')");
    assert.deepEqual(listed.rows, [{ table_catalog: 'backlog', table_schema: 'public' }]);
  });

  test('an unknown database is refused as PostgreSQL refuses it (3D000)', async () => {
    const bad = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'analyst', database: 'nosuch' });
    await assert.rejects(bad.connect(), (e: pg.DatabaseError) => e.code === '3D000' && /database "nosuch" does not exist/.test(e.message));
  });

  test("the CLI: serve on a busy port exits 2 with a message; COPY and RETURNING print psql's tags", async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    const env = { BACKLOG_SQL_CONNECTION: `URL=${emu.url};ApiKey=${emu.apiKey}` };
    try {
      const r = await runBin(['serve', '--port', String(port)], env);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use`));
      assert.doesNotMatch(r.stderr, /internal error|bug/);
    } finally {
      busy.close();
    }
    const copy = await runBin(['-c', "COPY (SELECT Id FROM Priorities) TO '/dev/null' (FORMAT CSV)"], env);
    assert.equal(copy.code, 0, copy.stderr);
    assert.equal(copy.stdout.trim(), `COPY ${((await connection.query('SELECT count(*) AS n FROM Priorities')).rows[0] as { n: number }).n}`);
    const returning = await runBin(['-c', "INSERT INTO ProjectCategories (ProjectKey, Name) VALUES ('WEB', 'cli tag') RETURNING Name"], env);
    assert.match(returning.stdout, /cli tag\n\(1 row\)\n\nINSERT 0 1\n$/);
  });
});
