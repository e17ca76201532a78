import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { parseMainArgs } from '../../../src/cli/main.js';
import { progressText, startProgress } from '../../../src/cli/progress.js';
import { historyPath, loadHistory, runShell, saveHistory } from '../../../src/cli/shell.js';
import type { Connection } from '../../../src/core/connection.js';
import { SqlError } from '../../../src/errors.js';

const ZERO = { requests: 0, byCategory: { read: 0, update: 0, search: 0, icon: 0 }, byEndpoint: {}, retries: 0, rateLimitWaits: 0, rateLimitWaitMs: 0 };

/** Enough of a Connection for the shell: queries echo their SQL, one table in the registry. */
function fakeConnection(seen: string[]): Connection {
  return {
    space: { timezone: 'UTC', name: 'Test', spaceKey: 'test' },
    api: { stats: () => ZERO },
    registry: {
      tables: [
        {
          name: 'Priorities',
          kind: 'view',
          description: 'Issue priorities.',
          columns: [
            { name: 'Id', type: 'BIGINT', key: true, pushdown: { ops: ['=', 'IN'], exact: true, api: 'local' } },
            { name: 'Name', type: 'VARCHAR' },
          ],
        },
      ],
    },
    query: async (sql: string) => {
      seen.push(sql);
      if (sql.includes('boom')) throw new SqlError('syntax error at or near "boom"', sql.indexOf('boom') + 1, { syntax: true });
      return { columns: [{ name: 'sql', type: 'VARCHAR' }], rows: [{ sql }], rowCount: 1, stats: { ...ZERO, fetches: [], warnings: [], elapsedMs: 1 } };
    },
  } as unknown as Connection;
}

async function shell(lines: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  const err = new PassThrough();
  let out = '';
  let errText = '';
  output.setEncoding('utf8').on('data', (d: string) => (out += d));
  err.setEncoding('utf8').on('data', (d: string) => (errText += d));
  const seen: string[] = [];
  const done = runShell({ connection: fakeConnection(seen), format: 'table', input, output: output as never, err: err as never, terminal: false });
  input.end(lines);
  const code = await done;
  return { code, out, err: errText, seen };
}

describe('the interactive shell', () => {
  test('a statement runs when its semicolon arrives, over several lines', async () => {
    const r = await shell('SELECT 1\n  AS x;\nSELECT 2; SELECT 3;\n');
    assert.equal(r.code, 0);
    assert.deepEqual(r.seen, ['SELECT 1\n  AS x', 'SELECT 2', 'SELECT 3']);
    assert.match(r.out, /^backlog=> /);
    assert.match(r.out, /backlog-> /, 'the continuation prompt shows while the statement is open');
  });

  test('errors are shown and the shell goes on', async () => {
    const r = await shell('SELECT 1;\n\nSELECT boom;\nSELECT 2;\n');
    assert.deepEqual(r.seen, ['SELECT 1', 'SELECT boom', 'SELECT 2']);
    assert.match(r.err, /ERROR: {2}syntax error at or near "boom"\nLINE 1: SELECT boom\n {15}\^/, 'LINE counts from the statement, not the session');
  });

  test('\\dt lists tables with kind and description, \\d shows columns with key and pushdown, \\q leaves', async () => {
    const r = await shell('\\dt\n\\d priorities\n\\d Prioritys\n\\q\nSELECT never;\n');
    assert.match(r.out, / Priorities \| view \| Issue priorities\./);
    assert.match(r.out, /Id {5}\| BIGINT {2}\| PK {2}\| = IN → local/);
    assert.match(r.err, /ERROR: {2}did not find a table or view named "Prioritys"\nHINT: {2}Did you mean "Priorities"\?/);
    assert.deepEqual(r.seen, []);
  });

  test('\\timing reports time and requests after each statement', async () => {
    const r = await shell('\\timing\nSELECT 1;\n');
    assert.match(r.err, /Timing is on\.\nTime: 1 ms, 0 requests/);
  });

  test('a meta-command inside an unfinished statement runs and keeps the statement', async () => {
    const r = await shell('SELECT\n\\timing\n1;\n');
    assert.deepEqual(r.seen, ['SELECT\n1']);
    assert.match(r.err, /Timing is on/);
  });

  test('history is kept oldest first in a file readable by the owner only, and read back newest first', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'backlog-sql-hist-')), 'history');
    writeFileSync(file, 'old\n', { mode: 0o644 });
    saveHistory(file, ['SELECT 2;', 'SELECT 1;']);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(readFileSync(file, 'utf8'), 'SELECT 1;\nSELECT 2;\n');
    assert.deepEqual(loadHistory(file), ['SELECT 2;', 'SELECT 1;']);
    assert.deepEqual(loadHistory(join(file, 'missing')), []);
    assert.equal(historyPath({ BACKLOG_SQL_HISTORY: '/x/h' }), '/x/h');
    assert.equal(historyPath({ BACKLOG_SQL_HISTORY: '' }), undefined);
    assert.match(historyPath({}) ?? '', /\.backlog_sql_history$/);
  });
});

describe('command-line options', () => {
  test('-c and -f keep their order, --format and --connection are read', () => {
    const o = parseMainArgs(['-f', 'a.sql', '-c', 'SELECT 1', '--format', 'csv', '--connection', 'URL=x']);
    assert.deepEqual(o.scripts, [
      { kind: 'file', path: 'a.sql' },
      { kind: 'command', sql: 'SELECT 1' },
    ]);
    assert.equal(o.format, 'csv');
    assert.equal(o.connection, 'URL=x');
  });

  test('unknown options and formats are usage errors', () => {
    assert.throws(() => parseMainArgs(['--bogus']), { name: 'UsageError' });
    assert.throws(() => parseMainArgs(['--format', 'xml']), /--format must be one of table, csv, json, ndjson/);
  });
});

describe('the progress line', () => {
  test('shows elapsed time, requests by category, rate-limit waits and retries since the start', () => {
    const now = { ...ZERO, requests: 12, byCategory: { read: 2, update: 0, search: 10, icon: 0 }, rateLimitWaits: 1, rateLimitWaitMs: 2500, retries: 1 };
    assert.equal(
      progressText(3200, now, ZERO, 250),
      '3.2 s · 250 rows · 12 requests (2 read, 10 search) · 1 rate-limit wait (2.5 s) · 1 retry · Ctrl-C cancels',
    );
  });

  test('shows how far a write has got', () => {
    const now = { ...ZERO, requests: 171, byCategory: { read: 0, update: 170, search: 1, icon: 0 }, rateLimitWaits: 1, rateLimitWaitMs: 11000 };
    assert.equal(
      progressText(12_400, now, ZERO, undefined, 'UPDATE Issues: 170 of 500 rows sent'),
      '12.4 s · UPDATE Issues: 170 of 500 rows sent · 171 requests (170 update, 1 search) · 1 rate-limit wait (11.0 s) · Ctrl-C cancels',
    );
  });

  test('is silent when stderr is not a terminal, and clears its line when done', async () => {
    const writes: string[] = [];
    startProgress({ stats: () => ZERO }, { isTTY: false, write: (t) => (writes.push(t), true) }, { delayMs: 0 }).stop();
    const p = startProgress({ stats: () => ZERO }, { isTTY: true, columns: 80, write: (t) => (writes.push(t), true) }, { delayMs: 10, intervalMs: 10 });
    await new Promise((r) => setTimeout(r, 40));
    p.stop();
    assert.ok(writes.length >= 2);
    assert.ok((writes[0] as string).startsWith('\r\x1b[2K0.'));
    assert.match(writes[0] as string, /s · 0 requests · Ctrl-C cancels$/);
    assert.equal(writes.at(-1), '\r\x1b[2K');
  });
});
