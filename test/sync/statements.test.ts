/**
 * The REPLICATE statement's parser, the PostgreSQL password lookup (.pgpass), and the wire
 * server's refusal of REPLICATE and CACHE (node-postgres against `serve`).
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { connect, type Connection } from '../../src/core/connection.js';
import { SqlError } from '../../src/errors.js';
import { serve } from '../../src/pgserver/index.js';
import { findPgPassword, pgpassLookup } from '../../src/sync/pgpass.js';
import { parseReplicate, replicationKeyword } from '../../src/sync/statement.js';
import { parseTarget } from '../../src/sync/index.js';
import { parseInterval } from '../../src/cli/replicate-command.js';
import { startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

describe('REPLICATE statement', () => {
  test('the three forms, comments and quoting', () => {
    assert.deepEqual(parseReplicate('REPLICATE'), {});
    assert.deepEqual(parseReplicate('  replicate ;'), {});
    assert.deepEqual(parseReplicate('/* nightly */ REPLICATE Issues'), { tables: ['Issues'] });
    assert.deepEqual(parseReplicate('REPLICATE "Open Issues" SELECT * FROM Issues'), { select: { table: 'Open Issues', sql: 'SELECT * FROM Issues' } });
    assert.deepEqual(parseReplicate('REPLICATE [Mine] WITH x AS (SELECT 1) SELECT * FROM x;'), {
      select: { table: 'Mine', sql: 'WITH x AS (SELECT 1) SELECT * FROM x' },
    });
    assert.equal(parseReplicate("SELECT 'REPLICATE'"), undefined);
    assert.equal(parseReplicate('-- REPLICATE\nSELECT 1'), undefined);
    assert.throws(
      () => parseReplicate('REPLICATE Issues DROP'),
      (e: Error) => e instanceof SqlError && /unexpected text after REPLICATE Issues/.test(e.message) && e.position === 18,
    );
    assert.equal(replicationKeyword('CACHE Issues'), 'CACHE');
  });

  test('--every intervals', () => {
    assert.equal(parseInterval('5m'), 300_000);
    assert.equal(parseInterval('30s'), 30_000);
    assert.equal(parseInterval('1h'), 3_600_000);
    assert.throws(() => parseInterval('soon'), /--every must be an interval/);
  });

  test('destinations', () => {
    assert.equal(parseTarget('duckdb:/tmp/r.duckdb').kind, 'duckdb');
    assert.deepEqual(parseTarget('parquet:out'), { kind: 'parquet', folder: 'out', label: 'parquet:out' });
    assert.throws(() => parseTarget('mysql://x/y'), /is not a replication destination/);
    assert.throws(() => parseTarget('postgres://u@h/d?password=x'), /password parameter/);
  });
});

describe('PostgreSQL password', () => {
  const login = { host: 'db.example.com', port: 5432, database: 'backlog', user: 'etl' };

  test('.pgpass lines: wildcards, escapes, first match wins', () => {
    const text = '# comment\nother:5432:*:*:nope\ndb.example.com:*:backlog:etl:pa\\:ss\\\\1\n*:*:*:*:fallback\n';
    assert.equal(pgpassLookup(text, login), 'pa:ss\\1');
    assert.equal(pgpassLookup(text, { ...login, user: 'x' }), 'fallback');
    assert.equal(pgpassLookup('db.example.com:5433:backlog:etl:no', login), undefined);
  });

  test('PGPASSWORD first, then PGPASSFILE when only its owner can read it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'backlog-sql-pgpass-'));
    try {
      const file = join(dir, 'pgpass');
      writeFileSync(file, '*:*:*:etl:from-file\n', { mode: 0o600 });
      assert.deepEqual(findPgPassword(login, { PGPASSWORD: 'from-env', PGPASSFILE: file }), { password: 'from-env', from: 'PGPASSWORD' });
      assert.deepEqual(findPgPassword(login, { PGPASSFILE: file }), { password: 'from-file', from: 'pgpass' });
      chmodSync(file, 0o644);
      assert.equal(findPgPassword(login, { PGPASSFILE: file }), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('over the wire', () => {
  let emu: RunningEmulator;
  let connection: Connection;
  let server: Awaited<ReturnType<typeof serve>>;
  let client: pg.Client;
  before(async () => {
    emu = await startTestEmulator();
    connection = await connect({ URL: emu.url, ApiKey: emu.apiKey }, { noExternalAccess: true });
    server = await serve({ connection, port: 0 });
    client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'someone', database: 'backlog' });
    await client.connect();
  });
  after(async () => {
    await client?.end();
    await server?.close();
    await connection?.close();
    await emu?.close();
  });

  for (const sql of ['REPLICATE', 'REPLICATE Issues', 'REPLICATE Mine SELECT * FROM Issues', 'CACHE Issues', 'EXPLAIN REPLICATE Issues']) {
    test(`${sql}: refused with 0A000 naming where it runs`, async () => {
      await assert.rejects(client.query(sql), (e: Error & { code?: string; hint?: string }) => {
        assert.equal(e.code, '0A000', e.message);
        assert.match(e.message, /cannot run over the wire/);
        return true;
      });
      // The session goes on.
      assert.equal((await client.query('SELECT 1 AS one')).rows[0].one, 1);
    });
  }
});
