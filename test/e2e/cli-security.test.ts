/**
 * The built `backlog-sql` binary and secrets (issue 11): `--connection-file` keeps the API key out
 * of `ps` and refuses a file others can read; SQL mistakes that used to end in foreign errors are
 * reported as SQL errors, never as "a bug in backlog-sql". Run `npm run build` first.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

const BIN = new URL('../../bin/backlog-sql.js', import.meta.url).pathname;

function runBin(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { BACKLOG_SQL_CONNECTION: _c, BACKLOG_API_KEY: _k, ...inherited } = process.env;
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...inherited, BACKLOG_SQL_HISTORY: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`backlog-sql ${args.join(' ')} did not finish\n${stderr}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      setImmediate(() => resolve({ code, stdout, stderr }));
    });
  });
}

let emu: RunningEmulator;
let dir: string;

before(async () => {
  emu = await startTestEmulator();
  dir = mkdtempSync(join(tmpdir(), 'backlog-sql-cli-sec-'));
});
after(async () => {
  await emu.close();
});

function connectionFile(name: string, mode: number, text = `# the demo space\nURL=${emu.url};\nApiKey=${emu.apiKey}\n`): string {
  const file = join(dir, name);
  writeFileSync(file, text, { mode });
  chmodSync(file, mode);
  return file;
}

describe('--connection-file', () => {
  test('reads the connection from a 0600 file (comments and line breaks allowed)', async () => {
    const r = await runBin(['--connection-file', connectionFile('ok.conn', 0o600), '--format', 'csv', '-c', 'SELECT 1 AS x']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split(/\r?\n/).join(','), 'x,1');
  });

  test('refuses a file other users can read, saying how to fix it, without showing the key', async () => {
    const file = connectionFile('open.conn', 0o644);
    const r = await runBin(['--connection-file', file, '-c', 'SELECT 1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`can be read by other users \\(mode 0644\\).*chmod 600 ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.ok(!r.stderr.includes(emu.apiKey));
  });

  test('a missing file and --connection together with it are usage errors', async () => {
    const missing = await runBin(['--connection-file', join(dir, 'nope.conn'), '-c', 'SELECT 1']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read the connection file .*no such file/);
    const both = await runBin([
      '--connection',
      `URL=${emu.url};ApiKey=${emu.apiKey}`,
      '--connection-file',
      connectionFile('both.conn', 0o600),
      '-c',
      'SELECT 1',
    ]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--connection or --connection-file, not both/);
  });
});

describe('foreign errors of old are SQL errors now', () => {
  for (const sql of [
    'SELECT 1e309 AS x WHERE nosuch = 1',
    'EXEC GetOwnUser .',
    'CALL GetOwnUser(a.b)',
    'EXEC AddStar @IssueId = .5',
    "SELECT 'a\u0000b' AS s",
  ]) {
    test(`${JSON.stringify(sql)} is an SQL error with its position, not "a bug"`, async () => {
      // A NUL cannot travel in an argument: that statement comes from a file.
      const file = join(dir, 'statement.sql');
      writeFileSync(file, `${sql};\n`);
      const r = await runBin(['--connection-file', connectionFile('sql.conn', 0o600), ...(sql.includes('\u0000') ? ['-f', file] : ['-c', sql])]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^ERROR: {2}/);
      assert.match(r.stderr, /^LINE 1: /m);
      assert.doesNotMatch(r.stderr, /bug|internal error|TypeError|RangeError|SyntaxError|json_serialize_sql/i);
    });
  }
});
