/**
 * The SQL surfaces of the built `backlog-sql` binary as a user runs them (run `npm run build`
 * first: the bin imports dist/): `-c` in every format, `-f`, piped statements, `demo` with piped
 * input, and each kind of failure with its message and exit code. Every child has a timeout, so a
 * hang fails the test instead of stalling the suite.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { api, control, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

const BIN = new URL('../../bin/backlog-sql.js', import.meta.url).pathname;
const STACK_FRAME = /\bat .+:\d+:\d+/;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the binary; `input` is piped to stdin (closed right away when absent). */
function runBin(
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; onStart?: (child: ReturnType<typeof spawn>) => void } = {},
): Promise<Run> {
  // The caller's own connection settings never leak in: each test says what it connects to.
  const { BACKLOG_SQL_CONNECTION: _connection, BACKLOG_API_KEY: _key, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = { ...inherited, BACKLOG_SQL_HISTORY: '', ...options.env };
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(options.input ?? '');
  options.onStart?.(child);
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`backlog-sql ${args.join(' ')} did not finish in ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // 'exit' can come before the pipes are drained.
      setImmediate(() => resolve({ code, signal, stdout, stderr }));
    });
  });
}

describe('backlog-sql SQL surfaces', () => {
  let emu: RunningEmulator;
  let connection: string;
  let dir: string;

  before(async () => {
    emu = await startTestEmulator();
    connection = `URL=${emu.url};ApiKey=${emu.apiKey}`;
    dir = mkdtempSync(join(tmpdir(), 'backlog-sql-cli-'));
  });
  after(async () => {
    await emu.close();
  });

  const sql = (args: string[], options: { input?: string } = {}) => runBin(['--connection', connection, ...args], options);

  test('a write prints its command tag; RETURNING prints rows; a write stopped halfway exits 6 with the rows in DETAIL', async () => {
    const type = await sql(['--format', 'csv', '-c', "SELECT min(Id) AS id FROM ProjectIssueTypes WHERE ProjectKey = 'WEB'"]);
    const typeId = /^id\r?\n(\d+)/.exec(type.stdout)?.[1];
    assert.ok(typeId, type.stdout + type.stderr);
    const ins = await sql([
      '-c',
      `INSERT INTO Issues (ProjectKey, Summary, IssueTypeId, PriorityId) VALUES ('WEB', 'cli one', ${typeId}, 3), ('WEB', 'cli two', ${typeId}, 3)`,
    ]);
    assert.equal(ins.code, 0, ins.stderr);
    assert.equal(ins.stdout, 'INSERT 0 2\n');
    const json = await sql([
      '--format',
      'json',
      '-c',
      "UPDATE Issues SET Description = 'cli' WHERE ProjectKey = 'WEB' AND Summary IN ('cli one', 'cli two') RETURNING Summary",
    ]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual((JSON.parse(json.stdout) as { Summary: string }[]).map((r) => r.Summary).sort(), ['cli one', 'cli two']);
    await control(emu, 'POST', 'faults', { method: 'DELETE', pathPattern: '^/api/v2/issues/\\d+$', skip: 1, times: 1, action: 'status', status: 500 });
    const del = await sql(['-c', "DELETE FROM Issues WHERE ProjectKey = 'WEB' AND Summary IN ('cli one', 'cli two')"]);
    assert.equal(del.code, 6, del.stderr);
    assert.match(del.stderr, /^ERROR: {2}DELETE on Issues stopped at row 2 of 2/m);
    assert.match(del.stderr, /^DETAIL: {2}Written: 1 row \(ids \d+\)\. Outcome unknown: row 2/m);
    assert.match(del.stderr, /^HINT: {2}Backlog may or may not have applied row 2/m);
    assert.doesNotMatch(del.stderr, STACK_FRAME);
    const ro = await runBin(['--connection', `${connection};Readonly=true`, '-c', 'DELETE FROM Issues WHERE Id = 1']);
    assert.equal(ro.code, 1);
    assert.match(ro.stderr, /read-only/);
  });

  // Project keys are seed data in any language (built-in names such as priorities follow the
  // connecting user's language, so they make poor fixed expectations).
  test('-c prints an aligned table by default', async () => {
    const r = await sql(['-c', 'SELECT Id, ProjectKey FROM Projects ORDER BY Id']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, [' Id | ProjectKey', '----+------------', '  1 | WEB', '  2 | APP', '  3 | OPS', '(3 rows)', '', ''].join('\n'));
    assert.equal(r.stderr, '');
  });

  test('--format csv, json and ndjson print the same rows as data', async () => {
    const query = ['-c', 'SELECT Id, ProjectKey FROM Projects ORDER BY Id'];
    const csv = await sql(['--format', 'csv', ...query]);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout, 'Id,ProjectKey\r\n1,WEB\r\n2,APP\r\n3,OPS\r\n');
    const json = await sql(['--format', 'json', ...query]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), [
      { Id: 1, ProjectKey: 'WEB' },
      { Id: 2, ProjectKey: 'APP' },
      { Id: 3, ProjectKey: 'OPS' },
    ]);
    const ndjson = await sql(['--format', 'ndjson', ...query]);
    assert.equal(ndjson.code, 0, ndjson.stderr);
    assert.deepEqual(
      ndjson.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
      JSON.parse(json.stdout),
    );
  });

  test('json timestamps are ISO 8601', async () => {
    const r = await sql(['--format', 'json', '-c', "SELECT IssueKey, Created FROM Issues WHERE IssueKey = 'WEB-1'"]);
    assert.equal(r.code, 0, r.stderr);
    const [row] = JSON.parse(r.stdout) as { IssueKey: string; Created: string }[];
    assert.equal(row?.IssueKey, 'WEB-1');
    assert.match(row?.Created ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  test('-f runs every statement of the file in order', async () => {
    const file = join(dir, 'two.sql');
    writeFileSync(file, "-- two statements\nSELECT Name FROM Priorities WHERE Id = 2;\n\nSELECT 'a;b' AS x;\n");
    const r = await sql(['--format', 'csv', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    // Priority 2's name in the connecting user's language, as the API gives it.
    const high = ((await api(emu, 'GET', '/priorities')).body as { id: number; name: string }[]).find((p) => p.id === 2)?.name;
    assert.equal(r.stdout, `Name\r\n${high}\r\nx\r\na;b\r\n`);
  });

  test('statements piped on stdin run until EOF, meta-commands included', async () => {
    const r = await sql(['--format', 'csv'], { input: 'SELECT COUNT(*) AS n FROM Priorities;\n\\d Priorities\nSELECT 1 AS last' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^n\r\n3\r\n/);
    assert.match(r.stdout, /View "Priorities"/);
    assert.match(r.stdout, /last\r\n1\r\n$/);
  });

  test('\\q in piped input stops there', async () => {
    const r = await sql(['--format', 'csv'], { input: 'SELECT 1 AS a;\n\\q\nSELECT 2 AS b;\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'a\r\n1\r\n');
  });

  test('a syntax error exits 1 with a caret under the offending token', async () => {
    const r = await sql(['-c', 'SELECT * FORM Priorities']);
    assert.equal(r.code, 1);
    const lines = r.stderr.split('\n');
    assert.match(lines[0] as string, /^ERROR: {2}syntax error at or near "Priorities"$/);
    assert.equal(lines[1], 'LINE 1: SELECT * FORM Priorities');
    assert.equal(lines[2]?.indexOf('^'), 'LINE 1: SELECT * FORM '.length);
    assert.doesNotMatch(r.stderr, STACK_FRAME);
    assert.equal(r.stdout, '');
  });

  test('in a file, the error names the file line and the run stops at the first error', async () => {
    const file = join(dir, 'broken.sql');
    writeFileSync(file, 'SELECT 1 AS ok;\n\nSELECT Id,\n  Name\n  FORM Priorities;\nSELECT 2 AS never;\n');
    const r = await sql(['--format', 'csv', '-f', file]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'ok\r\n1\r\n');
    const lines = r.stderr.split('\n');
    assert.equal(lines[1], 'LINE 5:   FORM Priorities');
    assert.equal(lines[2]?.indexOf('^'), 'LINE 5:   FORM '.length);
  });

  test('an unknown table exits 1, names it and suggests the closest table', async () => {
    const r = await sql(['-c', 'SELECT * FROM Prioritys']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ERROR: {2}table "Prioritys" does not exist\n/);
    assert.match(r.stderr, /HINT: {2}Did you mean "Priorities"\?/);
    assert.doesNotMatch(r.stderr, STACK_FRAME);
  });

  test('an API failure exits 4', async () => {
    await control(emu, 'POST', 'faults', { method: 'GET', pathPattern: '^/api/v2/priorities', skip: 0, times: 1, action: 'status', status: 400 });
    const r = await sql(['-c', 'SELECT * FROM Priorities']);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /^ERROR: {2}/);
    assert.doesNotMatch(r.stderr, STACK_FRAME);
  });

  test('a misspelled connection property exits 2 and names the real one', async () => {
    const r = await runBin(['--connection', `URL=${emu.url};ApiKy=${emu.apiKey}`, '-c', 'SELECT 1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^ERROR: {2}.*"ApiKy".*ApiKey/);
    assert.ok(!r.stderr.includes(emu.apiKey), 'the key is not echoed');
    assert.doesNotMatch(r.stderr, STACK_FRAME);
  });

  test('no connection at all exits 2 naming --connection and BACKLOG_SQL_CONNECTION', async () => {
    const r = await runBin(['-c', 'SELECT 1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--connection/);
    assert.match(r.stderr, /BACKLOG_SQL_CONNECTION/);
  });

  test('the connection can come from BACKLOG_SQL_CONNECTION', async () => {
    const r = await runBin(['--format', 'csv', '-c', 'SELECT COUNT(*) AS n FROM Priorities'], { env: { BACKLOG_SQL_CONNECTION: connection } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'n\r\n3\r\n');
  });

  test('a wrong API key exits 3 without showing the key', async () => {
    const r = await runBin(['--connection', `URL=${emu.url};ApiKey=wrong-key-canary-7781`, '-c', 'SELECT 1']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^ERROR: {2}.*refused the API key/);
    assert.ok(!r.stderr.includes('wrong-key-canary-7781'));
  });

  test('a bad --format is a usage error', async () => {
    const r = await sql(['--format', 'xml', '-c', 'SELECT 1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--format must be one of table, csv, json, ndjson/);
  });

  test('Ctrl-C cancels a running statement and exits 130', async () => {
    const slow = await startTestEmulator({ latency: 200 });
    try {
      const r = await runBin(['--connection', `URL=${slow.url};ApiKey=${slow.apiKey}`, '-c', 'SELECT COUNT(*) FROM IssueComments'], {
        onStart: (child) => setTimeout(() => child.kill('SIGINT'), 2500),
      });
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stderr, /ERROR: {2}.*cancel/);
      assert.equal(r.stdout, '');
    } finally {
      await slow.close();
    }
  });

  test('demo with piped input runs the statements over the embedded emulator and exits 0', async () => {
    const r = await runBin(['demo', '--port', '0'], { input: "SELECT IssueKey FROM Issues WHERE IssueKey = 'WEB-1';\n\\dt Priorities\n", timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ IssueKey\n-+\n WEB-1\n\(1 row\)\n/);
    assert.match(r.stdout, /Priorities/);
    assert.match(r.stderr, /small scale/);
  });
});
