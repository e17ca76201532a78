/**
 * The PostgreSQL wire server with real clients no one here wrote: node-postgres (simple and
 * extended protocol, parameters, cancel, SCRAM, TLS), psql 15 (catalog meta-commands, a join,
 * an error followed by a good query) and pgjdbc (metadata, binary results), against the emulator.
 * The CLI tests run the built binary (npm test builds first).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as netConnect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { connect, type Connection } from '../../src/core/connection.js';
import { formatVerifier, makeVerifier, parseUsers, serve, type PgServer } from '../../src/pgserver/index.js';
import { startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { runPsql } from '../helpers/psql.js';

const JDBC_JAR = '/usr/share/java/postgresql.jar';
const USERS = parseUsers(`# test users\nalice:${formatVerifier(makeVerifier('s3cret pässword'))}\n`);

/** psql as the SCRAM user of these tests. */
function psql(port: number, args: string[], env: NodeJS.ProcessEnv = {}): ReturnType<typeof runPsql> {
  return runPsql(port, args, { user: 'alice', env: { PGPASSWORD: 's3cret pässword', PGSSLMODE: 'prefer', ...env } });
}

/** Run the binary to its end without blocking this process (the emulator lives here). */
function runBin(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    }),
  );
}

describe('backlog-sql serve with node-postgres and psql', { timeout: 180_000 }, () => {
  let emu: RunningEmulator;
  let connection: Connection;
  let trust: PgServer;
  let scram: PgServer;
  const logged: string[] = [];

  before(async () => {
    emu = await startTestEmulator();
    connection = await connect({ URL: emu.url, ApiKey: emu.apiKey }, { noExternalAccess: true });
    const log = (level: string, message: string) => logged.push(`${level} ${message}`);
    trust = await serve({ connection, port: 0, log });
    scram = await serve({ connection, port: 0, users: USERS, log });
  });

  after(async () => {
    await trust?.close();
    await scram?.close();
    await connection?.close();
    await emu?.close();
  });

  const client = async (config: pg.ClientConfig = {}) => {
    const c = new pg.Client({ host: '127.0.0.1', port: trust.port, user: 'me', database: 'backlog', ...config });
    await c.connect();
    return c;
  };

  test('a simple query returns the rows the library returns, with int8/varchar/timestamptz/date OIDs', async () => {
    const c = await client();
    try {
      const sql = 'SELECT Id, Summary, Created, DueDate FROM Issues ORDER BY Id LIMIT 5';
      const wire = await c.query(sql);
      const lib = await connection.query(sql);
      assert.deepEqual(
        wire.fields.map((f) => [f.name, f.dataTypeID]),
        [
          ['Id', 20],
          ['Summary', 1043],
          ['Created', 1184],
          ['DueDate', 1082],
        ],
      );
      assert.equal(wire.rowCount, 5);
      const libRows = lib.rows as Record<string, unknown>[];
      wire.rows.forEach((r: Record<string, unknown>, i) => {
        const l = libRows[i] as Record<string, unknown>;
        assert.equal(Number(r.Id), l.Id);
        assert.equal(r.Summary, l.Summary);
        assert.equal((r.Created as Date).getTime(), (l.Created as Date).getTime());
        // node-postgres reads a date as local midnight; its calendar day is the library's.
        if (l.DueDate === null) assert.equal(r.DueDate, null);
        else {
          const d = r.DueDate as Date;
          assert.equal(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`, l.DueDate);
        }
      });
    } finally {
      await c.end();
    }
  });

  test('several statements in one simple query each answer, and numeric keeps its scale', async () => {
    const c = await client();
    try {
      const results = (await c.query("SELECT 1 AS a; SELECT CAST(2.5 AS DECIMAL(18,2)) AS n, true AS b, 'x' AS t")) as unknown as pg.QueryResult[];
      assert.equal(results.length, 2);
      assert.deepEqual(results[0]?.rows, [{ a: 1 }]);
      assert.deepEqual(results[1]?.rows, [{ n: '2.50', b: true, t: 'x' }]);
      assert.equal(results[1]?.fields[0]?.dataTypeID, 1700);
    } finally {
      await c.end();
    }
  });

  test('extended protocol: parameters, a named prepared statement run twice, typed results', async () => {
    const c = await client();
    try {
      const named = { name: 'by-id', text: 'SELECT Id, IssueKey, EstimatedHours, Created, StartDate FROM Issues WHERE Id = $1' };
      const one = await c.query({ ...named, values: [1] });
      const two = await c.query({ ...named, values: [2] });
      assert.equal(Number(one.rows[0].Id), 1);
      assert.equal(Number(two.rows[0].Id), 2);
      const lib = (await connection.query('SELECT IssueKey FROM Issues WHERE Id = 2')).rows as Record<string, unknown>[];
      assert.equal(two.rows[0].IssueKey, lib[0]?.IssueKey);
      // node-postgres decodes every DataRow field as UTF-8 text (its binary mode is unfinished),
      // so binary results are checked byte for byte in pgtypes.test.ts and with pgjdbc.
      const typed = await c.query({
        text: 'SELECT EstimatedHours, Created FROM Issues WHERE EstimatedHours IS NOT NULL AND Id > $1 ORDER BY Id LIMIT 1',
        values: [0],
      });
      assert.deepEqual(
        typed.fields.map((f) => f.dataTypeID),
        [1700, 1184],
      );
      assert.match(String(typed.rows[0].EstimatedHours), /^\d+\.\d\d$/);
      // A JS array goes out untyped as text {…}; used in ANY($1) it is read as a list.
      const any = await c.query({ text: 'SELECT Id FROM Issues WHERE Id = ANY($1) ORDER BY Id', values: [[1, 2, 3]] });
      assert.deepEqual(
        any.rows.map((r: { Id: string }) => Number(r.Id)),
        [1, 2, 3],
      );
      const keys = await c.query({ text: 'SELECT IssueKey FROM Issues WHERE IssueKey IN (SELECT unnest($1)) ORDER BY IssueKey', values: [['WEB-1', 'WEB-2']] });
      assert.deepEqual(
        keys.rows.map((r: { IssueKey: string }) => r.IssueKey),
        ['WEB-1', 'WEB-2'],
      );
    } finally {
      await c.end();
    }
  });

  test('an error carries SQLSTATE, position and hint, and the connection stays usable', async () => {
    const c = await client();
    try {
      await assert.rejects(c.query('SELECT Nope FROM Issues'), (e: pg.DatabaseError) => {
        assert.equal(e.code, '42703');
        assert.equal(e.position, '8');
        assert.match(e.hint ?? '', /Did you mean/);
        return true;
      });
      await assert.rejects(c.query('SELECT * FROM Issuez WHERE Id = $1', [1]), (e: pg.DatabaseError) => e.code === '42P01' && /Issues/.test(e.hint ?? ''));
      assert.deepEqual((await c.query('SELECT 1 AS ok')).rows, [{ ok: 1 }]);
      await assert.rejects(c.query('CREATE TABLE x (a INT)'), (e: pg.DatabaseError) => e.code === '0A000');
      // ARCHITECTURE.md §5: SQL from the wire cannot read local files.
      // PostgreSQL has no read_csv; the data engine's policy refuses file readers over the wire.
      await assert.rejects(
        c.query("SELECT * FROM read_csv('/etc/passwd')"),
        (e: pg.DatabaseError) => e.code === '42501' && /read_csv\(\) is not available over the wire/.test(e.message),
      );
      await assert.rejects(c.query("SELECT * FROM '/etc/passwd'"), (e: pg.DatabaseError) => e.code === '42501' && /names a file/.test(e.message));
      assert.deepEqual((await c.query('SELECT 2 AS ok')).rows, [{ ok: 2 }]);
    } finally {
      await c.end();
    }
  });

  test('SET, SHOW, BEGIN, COMMIT and ROLLBACK are accepted as PostgreSQL answers them', async () => {
    const c = await client();
    try {
      assert.equal((await c.query("SET application_name = 'report'")).command, 'SET');
      assert.deepEqual((await c.query('SHOW application_name')).rows, [{ application_name: 'report' }]);
      // The catalog engine's real version (ARCHITECTURE.md §12), and a version() that says what we are.
      assert.match((await c.query('SHOW server_version')).rows[0].server_version, /^15\.\d+$/);
      assert.match((await c.query('SELECT version()')).rows[0].version, /^PostgreSQL 15\.\d+ \(backlog-sql: /);
      assert.deepEqual((await c.query('select current_schema()')).rows, [{ current_schema: 'public' }]);
      assert.equal((await c.query('BEGIN')).command, 'BEGIN');
      assert.equal((await c.query('SELECT Id FROM Issues WHERE Id = 1')).rowCount, 1);
      assert.equal((await c.query('COMMIT')).command, 'COMMIT');
      assert.equal((await c.query('ROLLBACK')).command, 'ROLLBACK');
      await assert.rejects(c.query('SHOW no_such_setting'), (e: pg.DatabaseError) => e.code === '42704');
    } finally {
      await c.end();
    }
  });

  test('tables appear in schema public, and public."Issues" can be queried', async () => {
    const c = await client();
    try {
      const tables = await c.query(
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_name IN ('Issues', 'Priorities', 'sys_tables') ORDER BY table_name",
      );
      assert.deepEqual(
        tables.rows.map((r: Record<string, string>) => `${r.table_schema}.${r.table_name}`),
        ['public.Issues', 'public.Priorities', 'public.sys_tables'],
      );
      assert.equal((await c.query('SELECT Id FROM public."Issues" WHERE Id = $1', [3])).rowCount, 1);
    } finally {
      await c.end();
    }
  });

  test('fifty clients at once each get their own correct result', async () => {
    const expected = (await connection.query('SELECT Id, IssueKey FROM Issues ORDER BY Id LIMIT 50', undefined, { rowMode: 'array' })).rows as unknown[][];
    await Promise.all(
      expected.map(async ([id, key]) => {
        const c = await client();
        try {
          const r = await c.query('SELECT IssueKey FROM Issues WHERE Id = $1', [id]);
          assert.deepEqual(r.rows, [{ IssueKey: key }]);
        } finally {
          await c.end();
        }
      }),
    );
  });

  test('a CancelRequest aborts the running statement with 57014 and the session goes on', async () => {
    const slow = await startTestEmulator({ latency: 1500 });
    const slowConnection = await connect({ URL: slow.url, ApiKey: slow.apiKey }, { noExternalAccess: true });
    const server = await serve({ connection: slowConnection, port: 0 });
    const c = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'me', database: 'backlog' });
    await c.connect();
    try {
      const started = Date.now();
      const running = c.query('SELECT COUNT(*) FROM IssueComments');
      await new Promise((r) => setTimeout(r, 300));
      const canceller = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'me', database: 'backlog' }) as unknown as {
        cancel(client: pg.Client, query: unknown): void;
      };
      canceller.cancel(c, (c as unknown as { activeQuery: unknown }).activeQuery);
      await assert.rejects(running, (e: pg.DatabaseError) => e.code === '57014');
      assert.ok(Date.now() - started < 3000, 'cancelled before the slow fetch finished');
      assert.deepEqual((await c.query('SELECT 1 AS ok')).rows, [{ ok: 1 }]);
    } finally {
      await c.end();
      await server.close();
      await slowConnection.close();
      await slow.close();
    }
  });

  test('SCRAM-SHA-256: the right password logs in; a wrong password and an unknown user fail alike with 28P01', async () => {
    const ok = new pg.Client({ host: '127.0.0.1', port: scram.port, user: 'alice', password: 's3cret pässword', database: 'backlog' });
    await ok.connect();
    assert.deepEqual((await ok.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
    await ok.end();
    const failure = async (user: string, password: string) => {
      const c = new pg.Client({ host: '127.0.0.1', port: scram.port, user, password, database: 'backlog' });
      try {
        await c.connect();
        assert.fail('connected');
      } catch (e) {
        return e as pg.DatabaseError;
      }
    };
    const wrong = await failure('alice', 'nope');
    const unknown = await failure('mallory', 'nope');
    assert.equal(wrong?.code, '28P01');
    assert.equal(unknown?.code, '28P01');
    assert.equal(wrong?.message.replace('alice', 'X'), unknown?.message.replace('mallory', 'X'));
  });

  test('a connection that does not authenticate in time is closed', async () => {
    const server = await serve({ connection, port: 0, users: USERS, authTimeoutMs: 200 });
    try {
      const closed = await new Promise<number>((resolve) => {
        const started = Date.now();
        const s = netConnect(server.port, '127.0.0.1');
        s.on('error', () => {});
        // Flowing mode, so the server's FIN is seen even with its FATAL message unread.
        s.resume();
        s.on('end', () => resolve(Date.now() - started));
        s.on('close', () => resolve(Date.now() - started));
      });
      assert.ok(closed >= 150 && closed < 5000, `closed after ${closed} ms`);
    } finally {
      await server.close();
    }
  });

  test('refuses a non-loopback bind without TLS and users, and a connection that may read files', async () => {
    await assert.rejects(serve({ connection, host: '0.0.0.0', port: 0 }), /without TLS and a users file/);
    await assert.rejects(serve({ connection, host: '0.0.0.0', port: 0, users: USERS }), /without TLS/);
    const open = await connect({ URL: emu.url, ApiKey: emu.apiKey });
    try {
      await assert.rejects(serve({ connection: open, port: 0 }), /read local files/);
    } finally {
      await open.close();
    }
  });

  test('psql: \\dt lists tables and sys_* in public, \\d "Issues" shows the columns, \\df the procedures', async () => {
    // psql folds an unquoted pattern to lower case, as with PostgreSQL: the table is "Issues".
    const r = await psql(scram.port, ['-c', '\\dt', '-c', '\\d "Issues"', '-c', '\\dv', '-c', '\\df']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /public \| Issues\s+\| table \| backlog/);
    assert.match(r.stdout, /public \| sys_tables\s+\| table/);
    assert.match(r.stdout, /Table "public\.Issues"/);
    assert.match(r.stdout, /Id\s+\| bigint\s+\|\s+\| not null/);
    assert.match(r.stdout, /Summary\s+\| character varying/);
    assert.match(r.stdout, /EstimatedHours\s+\| numeric\(18,2\)/);
    assert.match(r.stdout, /Created\s+\| timestamp with time zone/);
    assert.match(r.stdout, /public \| Priorities\s+\| view/);
    // \df: the stored procedures, with their parameters and result columns.
    // Procedures, their result columns as OUT parameters (ARCHITECTURE.md §12).
    assert.match(r.stdout, /public \| AddStar\s+\|\s+\| OUT "Success" boolean, IN "IssueId" bigint DEFAULT NULL::bigint, IN "CommentId" bigint .*\| proc/);
    assert.match(r.stdout, /public \| GetOwnUser\s+\|\s+\| OUT "Id" bigint, OUT "UserId" character varying/);
    assert.match(r.stdout, new RegExp(`\\(${connection.procedures().length} rows\\)`));
  });

  test('psql: a join, then an error followed by a good query in the same session', async () => {
    const r = await psql(scram.port, ['-A', '-t', '-c', 'SELECT i.IssueKey, p.ProjectKey FROM Issues i JOIN Projects p ON p.Id = i.ProjectId WHERE i.Id = 1']);
    assert.equal(r.code, 0, r.stderr);
    const lib = (
      await connection.query('SELECT i.IssueKey, p.ProjectKey FROM Issues i JOIN Projects p ON p.Id = i.ProjectId WHERE i.Id = 1', undefined, {
        rowMode: 'array',
      })
    ).rows as unknown[][];
    assert.equal(r.stdout.trim(), (lib[0] as unknown[]).join('|'));
    const both = await psql(scram.port, ['-A', '-t', '-c', 'SELECT Nope FROM Issues', '-c', "SELECT 'still here' AS s"]);
    assert.match(both.stderr, /ERROR: {2}Referenced column "Nope" not found/);
    assert.match(both.stdout, /still here/);
  });

  test('pgjdbc (Debian libpostgresql-jdbc-java, Java 17): SCRAM login, DatabaseMetaData, a PreparedStatement read with typed getters, an executeUpdate and an EXEC', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backlog-sql-jdbc-'));
    writeFileSync(join(dir, 'Probe.java'), readFileSync(new URL('./Probe.java', import.meta.url), 'utf8'));
    execFileSync('javac', ['-d', dir, join(dir, 'Probe.java')], { stdio: 'pipe', timeout: 60_000 });
    // prepareThreshold=1: server-side prepared statements from the first run, so pgjdbc asks for binary results.
    const url = `jdbc:postgresql://127.0.0.1:${scram.port}/backlog?prepareThreshold=1&binaryTransfer=true`;
    const child = spawn('java', ['-cp', `${JDBC_JAR}:${dir}`, 'Probe', url, 'alice', 's3cret pässword'], { env: { ...process.env, TZ: 'UTC' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, stderr);
    const out = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    assert.match(out.product ?? '', /^PostgreSQL 15\.\d+$/);
    assert.equal(
      out.tables,
      `${connection.registry.tables.filter((t) => t.kind === 'table').length + connection.registry.names().filter((n) => n.startsWith('sys_')).length} issues=true`,
    );
    assert.equal(out.views, String(connection.registry.tables.filter((t) => t.kind === 'view').length));
    assert.match(out.columns ?? '', /^Id:int8:-5 ProjectId:int8:-5 ProjectKey:varchar:12 /);
    assert.match(out.columns ?? '', / EstimatedHours:numeric:2 /);
    assert.match(out.columns ?? '', / StartDate:date:91 /);
    assert.match(out.columns ?? '', / Created:timestamptz:93 /);
    assert.equal(out.pk, 'Id');
    const addStar = connection.procedures().find((p) => p.name === 'AddStar');
    assert.equal(out.procedures, `${connection.procedures().length}|${addStar?.description}`);
    const lib = (
      await connection.query(
        'SELECT Id, EstimatedHours, Id % 2 = 0 AS even, StartDate, Created, IssueKey FROM Issues WHERE Id >= 1 AND EstimatedHours IS NOT NULL AND StartDate IS NOT NULL ORDER BY Id LIMIT 2',
        undefined,
        { rowMode: 'array' },
      )
    ).rows as unknown[][];
    const expected = lib.map(
      ([id, hours, even, start, created, key]) =>
        `${id}|${(hours as number).toFixed(2)}|${even}|${start}|${(created as Date).toISOString().replace('.000Z', 'Z')}|${key}`,
    );
    assert.deepEqual(
      stdout
        .split('\n')
        .filter((l) => l.startsWith('row='))
        .map((l) => l.slice(4)),
      expected,
    );
    assert.equal(out.error, '42703');
    assert.equal(out.after, '1');
    assert.equal(out.any, '1 2 3');
    assert.equal(out.updated, '1');
    const me = (await connection.query('EXEC GetOwnUser')).rows[0] as { UserId: string; Id: number };
    assert.equal(out.me, `${me.UserId}|${me.Id}`);
    assert.deepEqual((await connection.query('SELECT Description FROM Issues WHERE Id = 1')).rows, [{ Description: 'jdbc 更新' }]);
  });

  test('with --tls-cert/--tls-key an SSLRequest gets TLS; without, sslmode=require fails cleanly', async () => {
    const cert = readFileSync(new URL('../fixtures/localhost-cert.pem', import.meta.url));
    const key = readFileSync(new URL('../fixtures/localhost-key.pem', import.meta.url));
    const server = await serve({ connection, port: 0, users: USERS, tls: { cert, key } });
    try {
      const c = new pg.Client({
        host: '127.0.0.1',
        port: server.port,
        user: 'alice',
        password: 's3cret pässword',
        database: 'backlog',
        ssl: { ca: cert, servername: 'localhost' },
      });
      await c.connect();
      try {
        assert.deepEqual(
          (await c.query('SELECT Id FROM Issues WHERE Id = $1', [1])).rows.map((r: Record<string, unknown>) => Number(r.Id)),
          [1],
        );
      } finally {
        await c.end();
      }
      const viaPsql = await psql(server.port, ['-A', '-t', '-c', 'SELECT 42'], { PGSSLMODE: 'require' });
      assert.equal(viaPsql.stdout.trim(), '42', viaPsql.stderr);
    } finally {
      await server.close();
    }
    const refused = await psql(scram.port, ['-c', 'SELECT 1'], { PGSSLMODE: 'require' });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /does not support SSL/);
  });

  test('the CLI: serve hash-password makes a users line, serve logs in with it, and a public bind without TLS is refused', async () => {
    const bin = new URL('../../bin/backlog-sql.js', import.meta.url).pathname;
    const line = execFileSync(process.execPath, [bin, 'serve', 'hash-password', '--user', 'bob'], { input: 'hunter2 hunter2\n', encoding: 'utf8' });
    assert.match(line, /^bob:SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+\n$/);
    assert.doesNotMatch(line, /hunter2/);
    const dir = mkdtempSync(join(tmpdir(), 'backlog-sql-serve-'));
    writeFileSync(join(dir, 'users'), line);
    const { BACKLOG_SQL_CONNECTION: _c, BACKLOG_API_KEY: _k, ...env } = process.env;
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--users', join(dir, 'users')], {
      env: { ...env, BACKLOG_SQL_CONNECTION: `URL=${emu.url};ApiKey=${emu.apiKey}` },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 30_000);
      child.stderr.on('data', (d: string) => {
        stderr += d;
        const m = /postgresql:\/\/127\.0\.0\.1:(\d+)\/backlog \(scram-sha-256\)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const c = new pg.Client({ host: '127.0.0.1', port, user: 'bob', password: 'hunter2 hunter2', database: 'backlog' });
      await c.connect();
      assert.deepEqual(
        (await c.query('SELECT COUNT(*) AS n FROM Priorities')).rows.map((r: Record<string, unknown>) => Number(r.n) > 0),
        [true],
      );
      await c.end();
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, stderr);
    const publicBind = await runBin(bin, ['serve', '--host', '0.0.0.0', '--port', '0'], {
      ...env,
      BACKLOG_SQL_CONNECTION: `URL=${emu.url};ApiKey=${emu.apiKey}`,
    });
    assert.equal(publicBind.status, 2);
    assert.match(publicBind.stderr, /refusing to listen on 0\.0\.0\.0 without TLS and a users file/);
  });
});
