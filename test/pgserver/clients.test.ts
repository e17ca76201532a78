/**
 * Real clients against `backlog-sql serve` (ARCHITECTURE.md §12), each compared with the same
 * client against a real PostgreSQL 15 holding the same schema (test/helpers/reference-pg.ts):
 * psql 15 (\d, \d+, \dt+, \l, \du… print the same), pgjdbc 42.5 (Debian) and 42.7.13 (the local
 * Maven repository, else the jar vendored in test/vendor with its sha256) through
 * test/pgserver/CatalogProbe.java (every DatabaseMetaData method gives the same rows),
 * node-postgres 8 and psqlODBC (Debian odbc-postgresql through unixODBC's isql, the driver Excel,
 * Power BI and Tableau use). Each also runs a prepared statement, a write and a procedure on the
 * emulator's data.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { connect, type Connection } from '../../src/core/connection.js';
import { serve, type PgServer } from '../../src/pgserver/index.js';
import { startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { runPsql } from '../helpers/psql.js';
import { startReferencePg, type ReferencePg } from '../helpers/reference-pg.js';

const JDBC_42_5 = '/usr/share/java/postgresql.jar';
const VENDORED_42_7 = new URL('../vendor/postgresql-42.7.13.jar', import.meta.url).pathname;

/** pgjdbc 42.7.13: the local Maven repository's, else the vendored copy (checked against its sha256). */
function jdbc427(): string {
  const m2 = join(homedir(), '.m2/repository/org/postgresql/postgresql/42.7.13/postgresql-42.7.13.jar');
  if (existsSync(m2)) return m2;
  const expected = readFileSync(`${VENDORED_42_7}.sha256`, 'utf8').split(/\s/)[0];
  assert.equal(createHash('sha256').update(readFileSync(VENDORED_42_7)).digest('hex'), expected, 'the vendored pgjdbc jar does not match its checksum');
  return VENDORED_42_7;
}

function run(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(file, args, { env: { ...process.env, ...options.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** What may differ between two builds of PostgreSQL 15: version strings, on-disk sizes, initdb's own ids. */
function normalise(text: string): string {
  return text
    .replace(/PostgreSQL 15\.\d+[^\n|]*/g, 'PostgreSQL <version>')
    .replace(/\b\d+ (bytes|kB|MB)\b/g, '<size>')
    .replace(/\b1[2-5]\d{3}\b/g, (n) => (Number(n) < 16384 ? '<initdb oid>' : n));
}

describe('clients see the catalog PostgreSQL shows them, and use the data', { timeout: 600_000 }, () => {
  let emu: RunningEmulator;
  let connection: Connection;
  let server: PgServer;
  let reference: ReferencePg;
  let classes: string;

  before(async () => {
    emu = await startTestEmulator();
    connection = await connect({ URL: emu.url, ApiKey: emu.apiKey }, { noExternalAccess: true });
    server = await serve({ connection, port: 0 });
    reference = await startReferencePg(connection);
    await reference.addRole('me');
    classes = mkdtempSync(join(tmpdir(), 'backlog-sql-jdbc-'));
    execFileSync('javac', ['-d', classes, new URL('./CatalogProbe.java', import.meta.url).pathname, new URL('./Probe.java', import.meta.url).pathname]);
  });

  after(async () => {
    await server?.close();
    await reference?.close();
    await connection?.close();
    await emu?.close();
  });

  test('psql 15: \\d, \\d+, \\dt+, \\dv, \\dn, \\df+, \\l, \\du and more print what PostgreSQL prints', async () => {
    const commands = [
      '\\d',
      '\\d+',
      '\\dt',
      '\\dt+',
      '\\dv',
      '\\dn',
      '\\df',
      '\\df+',
      '\\l',
      '\\du',
      '\\d+ "Issues"',
      '\\d+ Issues',
      '\\d "IssueComments"',
      '\\dv+ "Priorities"',
      '\\dp "Issues"',
      '\\di',
      '\\dn+',
      '\\dT',
      '\\dx',
      '\\sf "AddStar"',
    ];
    for (const c of commands) {
      const [ours, theirs] = [await runPsql(server.port, ['-c', c]), await runPsql(reference.port, ['-c', c])];
      assert.equal(normalise(ours.stdout), normalise(theirs.stdout), `psql ${c}`);
      assert.equal(ours.stderr, theirs.stderr, `psql ${c} (stderr)`);
      assert.equal(ours.code, theirs.code, `psql ${c} (exit code)`);
    }
    // What the issue found broken: \d+ of the table, \dt+ and \l have their content.
    const table = await runPsql(server.port, ['-c', '\\d+ "Issues"']);
    assert.match(table.stdout, /Table "public\.Issues"/);
    assert.match(table.stdout, /"Issues_pkey" PRIMARY KEY, btree \("Id"\)/);
    assert.match(table.stdout, /Referenced by:\n(\s+TABLE .*\n)*\s+TABLE ""IssueComments"" CONSTRAINT "IssueComments_IssueId_fkey"/);
    assert.match((await runPsql(server.port, ['-c', '\\l'])).stdout, /backlog\s+\| backlog_sql \| UTF8/);
  });

  test('psql 15: a query, a write and a procedure run on the Backlog data', async () => {
    const r = await runPsql(server.port, [
      '-A',
      '-t',
      '-c',
      "SELECT count(*) FROM Issues WHERE ProjectKey = 'WEB'",
      '-c',
      "UPDATE Issues SET Description = 'psql' WHERE Id = 1",
      '-c',
      'EXEC GetOwnUser',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    const count = (await connection.query("SELECT count(*) AS n FROM Issues WHERE ProjectKey = 'WEB'")).rows[0] as { n: number };
    assert.equal(lines[0], String(count.n));
    assert.equal(lines[1], 'UPDATE 1');
    assert.match(lines[2] ?? '', /^\d+\|/);
  });

  for (const [version, jar] of [
    ['42.5', () => JDBC_42_5],
    ['42.7', jdbc427],
  ] as const) {
    test(`pgjdbc ${version}: every DatabaseMetaData method gives PostgreSQL's rows; a prepared statement, an update and EXEC run`, async () => {
      const cp = `${jar()}:${classes}`;
      const probe = (port: number) => run('java', ['-cp', cp, 'CatalogProbe', `jdbc:postgresql://127.0.0.1:${port}/backlog`, 'me'], { env: { TZ: 'UTC' } });
      const [ours, theirs] = [await probe(server.port), await probe(reference.port)];
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(theirs.code, 0, theirs.stderr);
      const a = normalise(ours.stdout).split('\n');
      const b = normalise(theirs.stdout).split('\n');
      assert.deepEqual(
        a.filter((l) => !b.includes(l)),
        [],
        'lines only backlog-sql printed',
      );
      assert.deepEqual(
        b.filter((l) => !a.includes(l)),
        [],
        'lines only PostgreSQL printed',
      );
      // The calls the issue found broken in 42.7 have rows.
      assert.match(ours.stdout, /^getPrimaryKeys\(Issues\)\|[^|]*\|public\|Issues\|Id\|1\|Issues_pkey$/m);
      assert.match(ours.stdout, /^getImportedKeys\(IssueComments\)\|[^|]*\|public\|Issues\|Id\|[^|]*\|public\|IssueComments\|IssueId\|/m);
      assert.match(ours.stdout, /^getIndexInfo\(Issues\)\|[^|]*\|public\|Issues\|f\|[^|]*\|Issues_pkey\|/m);
      assert.match(ours.stdout, /^getProcedureColumns\(AddStar\)\|[^|]*\|public\|AddStar\|IssueId\|1\|/m);
      assert.doesNotMatch(ours.stdout, /backlog_procs|duckdb|memory\|/i);
      // Data through the same driver: PreparedStatement (binary), executeUpdate, EXEC.
      const data = await run(
        'java',
        ['-cp', cp, 'Probe', `jdbc:postgresql://127.0.0.1:${server.port}/backlog?prepareThreshold=1&binaryTransfer=true`, 'me', ''],
        { env: { TZ: 'UTC' } },
      );
      assert.equal(data.code, 0, data.stderr);
      assert.match(data.stdout, /^row=1\|/m);
      assert.match(data.stdout, /^updated=1$/m);
      assert.match(data.stdout, /^me=\S+\|\d+$/m);
    });
  }

  test('node-postgres 8: browses tables, columns, keys and procedures; a prepared statement, a write with RETURNING and a CALL', async () => {
    const c = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'me', database: 'backlog' });
    await c.connect();
    try {
      const tables = await c.query("SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
      assert.equal(tables.rowCount, connection.registry.names().length);
      const columns = await c.query(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'Issues' ORDER BY ordinal_position LIMIT 2",
      );
      assert.deepEqual(columns.rows, [
        { column_name: 'Id', data_type: 'bigint', is_nullable: 'NO' },
        { column_name: 'ProjectId', data_type: 'bigint', is_nullable: 'YES' },
      ]);
      const keys = await c.query('SELECT conname, contype FROM pg_constraint WHERE conrelid = \'"IssueComments"\'::regclass ORDER BY conname');
      assert.deepEqual([...new Set(keys.rows.map((r: { contype: string }) => r.contype))].sort(), ['f', 'p']);
      const procs = await c.query("SELECT proname, prokind FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY proname");
      assert.equal(procs.rowCount, connection.procedures().length);
      const prepared = { name: 'issue-by-key', text: 'SELECT Id, Summary FROM Issues WHERE IssueKey = $1' };
      const one = await c.query({ ...prepared, values: ['WEB-1'] });
      assert.equal(one.rowCount, 1);
      const written = await c.query("UPDATE Issues SET Description = 'node-postgres' WHERE IssueKey = $1 RETURNING IssueKey, Description", ['WEB-1']);
      assert.equal(written.command, 'UPDATE');
      assert.deepEqual(written.rows, [{ IssueKey: 'WEB-1', Description: 'node-postgres' }]);
      const me = await c.query('CALL GetOwnUser()');
      assert.equal(me.command, 'CALL');
      assert.equal(me.rows.length, 1);
    } finally {
      await c.end();
    }
  });

  test('psqlODBC (unixODBC isql): SQLTables and SQLColumns as PostgreSQL answers them; prepared statements, an update and EXEC', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backlog-sql-odbc-'));
    const dsn = (name: string, port: number) =>
      `[${name}]\nDriver=/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so\nServername=127.0.0.1\nPort=${port}\nDatabase=backlog\nUsername=me\nSSLmode=disable\nUseServerSidePrepare=1\n`;
    writeFileSync(join(dir, 'odbc.ini'), dsn('ours', server.port) + dsn('theirs', reference.port));
    const isql = (name: string, input: string) =>
      run('isql', ['-v', '-b', '-d|', name, 'me'], { env: { ODBCINI: join(dir, 'odbc.ini'), ODBCSYSINI: '/etc' }, input });
    // isql's `help` calls SQLTables, `help TABLE` SQLColumns: what a BI tool's navigator calls.
    const browse = 'help\nhelp Issues\nhelp Priorities\n';
    const [ours, theirs] = [await isql('ours', browse), await isql('theirs', browse)];
    assert.equal(ours.code, 0, ours.stderr + ours.stdout);
    assert.equal(normalise(ours.stdout), normalise(theirs.stdout));
    assert.match(ours.stdout, /\|public\|Issues\|TABLE\|/);
    assert.match(ours.stdout, /\|public\|Issues\|Summary\|12\|varchar\|/);
    const data = await isql('ours', "SELECT IssueKey FROM Issues WHERE Id = 1\nUPDATE Issues SET Description = 'odbc' WHERE Id = 1\nEXEC GetOwnUser\n");
    assert.equal(data.code, 0, data.stderr + data.stdout);
    const key = (await connection.query('SELECT IssueKey FROM Issues WHERE Id = 1')).rows[0] as { IssueKey: string };
    assert.match(data.stdout, new RegExp(`(^|\\n)${key.IssueKey}\\s*\\n`));
    assert.doesNotMatch(data.stdout + data.stderr, /ERROR|\[\d{5}\]/);
    const description = (await connection.query('SELECT Description FROM Issues WHERE Id = 1')).rows[0] as { Description: string };
    assert.equal(description.Description, 'odbc');
  });
});
