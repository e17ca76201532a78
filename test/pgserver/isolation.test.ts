/**
 * Isolation on the wire: one client's statements cannot change what another client sees. Every
 * attack found against the first wire server (EXPLAIN ANALYZE CREATE MACRO upper…, redefining
 * json_serialize_sql, replacing sys_connection_props, dropping sys_tables), then a generated set
 * of DDL / PRAGMA / SET / ATTACH / INSTALL / LOAD / COPY / CREATE SECRET / engine-switch forms,
 * each bare, under EXPLAIN, EXPLAIN ANALYZE, a CTE, comments, in multi-statement strings and
 * through the extended protocol — all from client A while client B's answers, and the shared
 * DuckDB instance's tables, functions and settings seen through the library, stay unchanged.
 * Then read-only users (users file flag) and SET of the engine's locked settings.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { connect, type Connection } from '../../src/core/connection.js';
import { formatVerifier, makeVerifier, parseUsers, serve, type PgServer } from '../../src/pgserver/index.js';
import { clearJournal, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

const USERS = parseUsers(`writer:${formatVerifier(makeVerifier('w-pass'))}\nreader:${formatVerifier(makeVerifier('r-pass'))} readonly\n`);

/** What client B asks between attacks: a built-in function, sys_* tables, a Backlog table, a catalog macro. */
const OBSERVED = [
  "SELECT upper('a') AS u",
  'SELECT * FROM sys_connection_props ORDER BY 1',
  'SELECT count(*) AS n FROM sys_tables',
  'SELECT Id, Name FROM Priorities ORDER BY Id',
  'SELECT pg_catalog.pg_get_userbyid(10) AS owner',
  "SELECT DATEADD('d', 1, '2018-02-01') AS d, CHARINDEX('b', 'abc') AS c, ISNULL(NULL, 'x') AS i",
];

/** The shared instance's state as the library (not a wire client) sees it. */
const INSTANCE_STATE = [
  'SELECT database_name, schema_name, table_name FROM duckdb_tables() ORDER BY ALL',
  'SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal ORDER BY ALL',
  'SELECT schema_name, function_name, function_type FROM duckdb_functions() WHERE NOT internal ORDER BY ALL',
  'SELECT database_name, schema_name FROM duckdb_schemas() ORDER BY ALL',
  'SELECT database_name FROM duckdb_databases() ORDER BY ALL',
  "SELECT name, value FROM duckdb_settings() WHERE name NOT IN ('memory_limit') ORDER BY name",
];

/** Statements that would change the shared instance, read files or reach the network if they ran. */
const ATTACKS = [
  "CREATE MACRO upper(x) AS 'pwned'",
  "CREATE OR REPLACE MACRO upper(x) AS 'pwned'",
  "CREATE TEMP MACRO upper(x) AS 'pwned'",
  "CREATE OR REPLACE MACRO json_serialize_sql(x) AS 'broken'",
  "CREATE OR REPLACE MACRO pg_get_userbyid(id) AS 'pwned'",
  "CREATE OR REPLACE MACRO dateadd(a, b, c) AS 'pwned'",
  'CREATE OR REPLACE MACRO "isnull"(a, b) AS \'pwned\'',
  'DROP MACRO charindex',
  'DROP MACRO IF EXISTS cdata_timestamp',
  "CREATE OR REPLACE TABLE sys_connection_props AS SELECT 'URL' AS Name, 'https://evil.example' AS Value",
  "CREATE OR REPLACE VIEW sys_tables AS SELECT 'x' AS TableName",
  'CREATE TABLE sys_extra AS SELECT 1 AS a',
  'CREATE VIEW Priorities AS SELECT 1 AS Id',
  'CREATE SCHEMA evil',
  'CREATE SEQUENCE s',
  "CREATE TYPE mood AS ENUM ('a')",
  'CREATE INDEX i ON Issues (Id)',
  "COMMENT ON TABLE Issues IS 'pwned'",
  'DROP TABLE sys_tables',
  'DROP TABLE Issues',
  'DROP VIEW IF EXISTS Priorities',
  'DROP MACRO IF EXISTS pg_get_userbyid',
  'ALTER TABLE sys_tables RENAME TO gone',
  'ALTER TABLE Issues ADD COLUMN pwned INTEGER',
  'TRUNCATE sys_tables',
  "INSERT INTO sys_tables (TableName) VALUES ('x')",
  "UPDATE sys_connection_props SET Value = 'x' WHERE TRUE",
  'DELETE FROM sys_tables WHERE TRUE',
  'PRAGMA enable_profiling',
  'PRAGMA threads = 1',
  'SET threads = 1',
  'SET GLOBAL threads = 1',
  'SET enable_external_access = true',
  'SET lock_configuration = false',
  'RESET threads',
  'SET VARIABLE x = 1',
  "ATTACH ':memory:' AS evil",
  'DETACH memory',
  'USE system',
  'INSTALL httpfs',
  'FORCE INSTALL httpfs',
  'LOAD httpfs',
  "COPY sys_tables TO '/tmp/backlog-sql-pwned.csv'",
  "COPY (SELECT 1) TO '.tmp/pwned.csv'",
  "COPY sys_tables FROM '/etc/passwd'",
  "EXPORT DATABASE '/tmp/backlog-sql-pwned'",
  "IMPORT DATABASE '/tmp/backlog-sql-pwned'",
  "CREATE SECRET evil (TYPE S3, KEY_ID 'a', SECRET 'b')",
  "CREATE PERSISTENT SECRET evil (TYPE S3, KEY_ID 'a', SECRET 'b')",
  'DROP SECRET IF EXISTS evil',
  'CHECKPOINT',
  'VACUUM',
  'ANALYZE',
  'SELECT * FROM enable_logging()',
  'SELECT * FROM truncate_duckdb_logs()',
  "SELECT * FROM query('SELECT 1')",
  "SELECT * FROM read_text('.tmp/*')",
  "SELECT * FROM glob('*')",
  "FROM '.tmp/pwned.csv'",
  "SELECT * FROM read_csv('/etc/passwd')",
  'SELECT sleep_ms(1)',
  'CALL enable_logging()',
  "EXEC GetOAuthAccessToken @Verifier = 'x'",
  'EXEC RefreshOAuthAccessToken',
  "UPDATE Issues SET Summary = (SELECT 'x' FROM enable_logging()) WHERE Id = 1",
  "DELETE FROM Issues USING query('SELECT 1') q WHERE Id = -1",
  "INSERT INTO Issues (ProjectId, Summary, IssueTypeId, PriorityId) SELECT 1, 'x', 1, 2 FROM glob('*') RETURNING Id",
  'PIVOT Issues ON StatusId USING count(*)',
];

/** Ways of wrapping a statement: each must be refused as the bare statement is. */
const WRAPPERS: [string, (s: string) => string][] = [
  ['bare', (s) => s],
  ['EXPLAIN', (s) => `EXPLAIN ${s}`],
  ['EXPLAIN ANALYZE', (s) => `EXPLAIN ANALYZE ${s}`],
  ['commented EXPLAIN ANALYZE', (s) => `/* a */ EXPLAIN -- b\n ANALYZE /* c */ ${s}`],
  ['after a CTE', (s) => `WITH x AS (SELECT 1) ${s}`],
  ['second of two', (s) => `SELECT 1 AS first; ${s}`],
  ['first of two', (s) => `${s}; SELECT 1 AS second`],
  ['between comments and semicolons', (s) => `-- lead\n;; ${s} /* tail */;`],
];

/**
 * SQLSTATEs a refusal may carry: feature not supported, privilege, syntax, read-only, no such
 * procedure/table/column, a system table. (The catalog engine, a read-only PostgreSQL, may name an
 * unknown column before it would refuse the write: 42703.)
 */
const REFUSALS = new Set(['0A000', '42501', '42601', '25006', '42883', '42P01', '42703', '42809', '42000']);

describe('isolation: no wire client changes what another sees', { timeout: 600_000 }, () => {
  let emu: RunningEmulator;
  let connection: Connection;
  let server: PgServer;
  let a: pg.Client;
  let b: pg.Client;
  let baseline: string;
  let state: string;

  const observe = async () => JSON.stringify(((await b.query(OBSERVED.join('; '))) as unknown as pg.QueryResult[]).map((r) => r.rows));
  const instance = async () =>
    JSON.stringify(await Promise.all(INSTANCE_STATE.map(async (q) => (await connection.query(q, undefined, { rowMode: 'array' })).rows)));

  before(async () => {
    emu = await startTestEmulator();
    connection = await connect({ URL: emu.url, ApiKey: emu.apiKey }, { noExternalAccess: true });
    server = await serve({ connection, port: 0, users: USERS });
    a = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'writer', password: 'w-pass', database: 'backlog' });
    b = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'writer', password: 'w-pass', database: 'backlog' });
    await a.connect();
    await b.connect();
    baseline = await observe();
    state = await instance();
    assert.match(baseline, /"u":"A"/);
  });

  after(async () => {
    await a?.end();
    await b?.end();
    await server?.close();
    await connection?.close();
    await emu?.close();
  });

  /** Run `sql` from A: it must fail with a refusal, and B's answers and the instance must be as before. */
  const refused = async (sql: string, via: 'simple' | 'extended' = 'simple') => {
    const run = via === 'simple' ? a.query(sql) : a.query({ name: `s${Math.random()}`, text: sql });
    const error = await run.then(
      () => undefined,
      (e: pg.DatabaseError) => e,
    );
    assert.ok(error, `${via}: not refused: ${sql}`);
    assert.ok(REFUSALS.has(error.code ?? ''), `${via}: ${sql} → ${error.code} ${error.message}`);
    assert.equal(await observe(), baseline, `client B's answers changed after: ${sql}`);
  };

  test('the reported attacks: EXPLAIN ANALYZE CREATE MACRO upper, redefining json_serialize_sql, a fake sys_connection_props, DROP TABLE sys_tables', async () => {
    for (const sql of [
      "EXPLAIN ANALYZE CREATE MACRO upper(x) AS 'pwned'",
      "EXPLAIN ANALYZE CREATE OR REPLACE MACRO json_serialize_sql(x) AS 'broken'",
      "EXPLAIN ANALYZE CREATE OR REPLACE TABLE sys_connection_props AS SELECT 'URL' AS Name, 'https://evil.example' AS Value",
      'EXPLAIN ANALYZE DROP TABLE sys_tables',
    ]) {
      await refused(sql);
    }
    assert.equal(await instance(), state);
    // What the refusal says: the statement kind, and why.
    await assert.rejects(a.query("EXPLAIN ANALYZE CREATE MACRO upper(x) AS 'pwned'"), (e: pg.DatabaseError) => {
      assert.equal(e.code, '0A000');
      assert.match(e.message, /CREATE cannot run over the wire/);
      assert.equal(e.position, '17');
      assert.match(e.hint ?? '', /shares the server's tables, settings and functions/);
      return true;
    });
  });

  test(`a generated set: ${ATTACKS.length} statements × ${WRAPPERS.length} wrappers (simple protocol) and bare through the extended protocol`, async () => {
    for (const attack of ATTACKS) {
      for (const [, wrap] of WRAPPERS) await refused(wrap(attack));
      await refused(attack, 'extended');
      assert.equal(await instance(), state, `the shared instance changed after: ${attack}`);
    }
    // A is still served normally.
    assert.deepEqual((await a.query('SELECT 1 AS ok')).rows, [{ ok: 1 }]);
  });

  test('what stays allowed: queries (DESCRIBE, SHOW TABLES, generate_series, CTEs), EXPLAIN [ANALYZE] of a query, session SETs', async () => {
    assert.equal(
      (await a.query('DESCRIBE Issues')).rows.some((r: Record<string, unknown>) => r.column_name === 'Summary'),
      true,
    );
    assert.equal((await a.query('SHOW TABLES')).rows.length > 0, true);
    assert.deepEqual((await a.query('WITH t AS (SELECT * FROM generate_series(1, 3) g(n)) SELECT sum(n) AS s FROM t')).rows, [{ s: '6' }]);
    assert.equal((await a.query('EXPLAIN ANALYZE SELECT count(*) FROM Priorities')).rows.length > 0, true);
    for (const set of [
      "SET application_name = 'isolation'",
      "SET TimeZone = 'UTC'",
      'SET search_path = public',
      'SET extra_float_digits = 3',
      'RESET application_name',
    ]) {
      assert.equal(((await a.query(set)) as pg.QueryResult).command, set.startsWith('RESET') ? 'RESET' : 'SET');
    }
  });

  test("CData's functions are there for wire clients, CHAR(48) and CONVERT included (rewritten as the library runs them)", async () => {
    const r = await a.query(
      "SELECT DATEADD('d', 5, '2018-02-01') AS d, CHAR(48) AS c, CONVERT(VARCHAR, 12) AS v, CAST(EOMONTH('2018-02-01') AS VARCHAR) AS e, RAND(1) AS r",
    );
    const row = r.rows[0] as Record<string, unknown>;
    assert.equal(row.c, '0');
    assert.equal(row.v, '12');
    assert.equal(row.e, '2018-02-28');
    assert.equal(Number(row.r).toPrecision(15), '0.248668584157093');
  });

  test("CData's names and TOP work for wire clients as in the library: [brackets], TOP n, Backlog.T, CData.Backlog.T", async () => {
    const duck = (await a.query('SELECT Id, Name FROM Priorities ORDER BY Id LIMIT 2')).rows;
    for (const sql of [
      'SELECT TOP 2 [Id], [Name] FROM [Priorities] ORDER BY [Id]',
      'SELECT TOP 2 Id, Name FROM Backlog.Priorities ORDER BY Id',
      'SELECT TOP (2) Id, Name FROM CData.Backlog.Priorities ORDER BY Id',
      'SELECT Id, Name FROM "Backlog"."Priorities" ORDER BY Id LIMIT 2',
    ]) {
      assert.deepEqual((await a.query(sql)).rows, duck, sql);
    }
    await assert.rejects(a.query('SELECT TOP 2 * FROM Priorities LIMIT 1'), (e: pg.DatabaseError) => {
      assert.deepEqual([e.code, e.message, e.position], ['42601', 'TOP and LIMIT cannot be used together', '32']);
      return true;
    });
  });

  test("a wire client's #TEMP tables are its own: another client never sees them", async () => {
    await clearJournal(emu);
    const ins = await a.query("INSERT INTO Staged#TEMP (Name, N) VALUES ('one', 1), ('two', 2)");
    assert.equal(ins.rowCount, 2);
    assert.deepEqual((await a.query('SELECT Name FROM Staged#TEMP ORDER BY N')).rows, [{ Name: 'one' }, { Name: 'two' }]);
    await assert.rejects(b.query('SELECT * FROM Staged#TEMP'), (e: pg.DatabaseError) => /Staged#TEMP/.test(e.message));
    assert.deepEqual(await journal(emu), []);
  });

  test('SET of an engine setting is an error, not a silent SET', async () => {
    for (const set of [
      'SET enable_external_access = true',
      'SET enable_external_access TO on',
      'SET lock_configuration = false',
      'SET threads = 1',
      "SET memory_limit = '1GB'",
      'RESET temp_directory',
    ]) {
      await assert.rejects(a.query(set), (e: pg.DatabaseError) => {
        assert.equal(e.code, '42501', set);
        assert.match(e.message, /permission denied to set parameter "\w+"/);
        assert.match(e.hint ?? '', /engine settings are fixed/);
        return true;
      });
    }
    assert.deepEqual((await connection.query("SELECT current_setting('enable_external_access') AS e", undefined, { rowMode: 'array' })).rows, [[false]]);
  });

  test('a read-only user (users file flag) reads, and its writes and writing procedures are refused before any request', async () => {
    const reader = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'reader', password: 'r-pass', database: 'backlog' });
    await reader.connect();
    try {
      assert.equal((await reader.query('SELECT count(*) AS n FROM Priorities')).rows.length, 1);
      assert.deepEqual((await reader.query('SHOW transaction_read_only')).rows, [{ transaction_read_only: 'on' }]);
      assert.equal((await reader.query('EXEC GetOwnUser')).rows.length, 1);
      await clearJournal(emu);
      for (const sql of [
        "INSERT INTO Issues (ProjectId, Summary, IssueTypeId, PriorityId) VALUES (1, 'from a reader', 1, 2)",
        "UPDATE Issues SET Summary = 'changed by a reader' WHERE Id = 1",
        'DELETE FROM IssueComments WHERE IssueKey = $1 AND Id = $2',
        'EXEC AddStar @IssueId = 1',
        'CALL MarkAllNotificationsAsRead()',
      ]) {
        const params = sql.includes('$1') ? ['WEB-1', 1] : undefined;
        await assert.rejects(reader.query(sql, params), (e: pg.DatabaseError) => {
          assert.equal(e.code, '25006', sql);
          assert.match(e.message, /read-only session/);
          assert.match(e.hint ?? '', /readonly in the server's users file/);
          return true;
        });
      }
      const writes = (await journal(emu)).filter((e) => e.method !== 'GET');
      assert.deepEqual(writes, [], 'no write reached Backlog');
      await assert.rejects(reader.query('SET transaction_read_only = off'), (e: pg.DatabaseError) => e.code === '25006');
      await assert.rejects(reader.query('SET default_transaction_read_only TO false'), (e: pg.DatabaseError) => e.code === '25006');
      await reader.query('RESET ALL');
      assert.deepEqual((await reader.query('SHOW transaction_read_only')).rows, [{ transaction_read_only: 'on' }]);
    } finally {
      await reader.end();
    }
    // The same statement from a read-write user goes through.
    const w = await a.query("UPDATE Issues SET Summary = 'changed by a writer' WHERE Id = 1");
    assert.equal(w.rowCount, 1);
  });

  test('the users file: `readonly` after the verifier; any other word is refused without being quoted', () => {
    const line = `carol:${formatVerifier(makeVerifier('x'))}`;
    assert.deepEqual([...(parseUsers(`${line} readonly\n`).readOnly ?? [])], ['carol']);
    assert.deepEqual([...(parseUsers(`${line}\n`).readOnly ?? [])], []);
    assert.throws(
      () => parseUsers(`${line} hunter2-password\n`),
      (e: Error) => /line 1: unknown flag/.test(e.message) && !e.message.includes('hunter2'),
    );
  });
});
