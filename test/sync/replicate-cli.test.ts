/**
 * `backlog-sql replicate` as a user runs it: one line per table on stderr, the PostgreSQL password
 * from a .pgpass file (PGPASSFILE) into a real PostgreSQL, a password in the URL refused without
 * being echoed, and `--every` running until SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { control, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { startReplicaPg, type ReplicaPg } from '../helpers/replica-pg.js';

const BIN = new URL('../../bin/backlog-sql.js', import.meta.url).pathname;

let emu: RunningEmulator;
let pgServer: ReplicaPg;
let folder: string;
let connection: string;

before(async () => {
  emu = await startTestEmulator();
  pgServer = await startReplicaPg();
  folder = mkdtempSync(join(tmpdir(), 'backlog-sql-replicate-cli-'));
  connection = `URL=${emu.url};ApiKey=${emu.apiKey}`;
});
after(async () => {
  await pgServer?.close();
  await emu?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Run the CLI as a child (asynchronously: the emulator answers from this process's event loop). */
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The environment without any PostgreSQL password of the machine's own. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: folder };
  delete env.PGPASSWORD;
  delete env.PGPASSFILE;
  return { ...env, ...extra };
}

describe('backlog-sql replicate', () => {
  test('into PostgreSQL with the password from a .pgpass file: one line per table, then a summary', async () => {
    const pgpass = join(folder, 'pgpass');
    writeFileSync(pgpass, `127.0.0.1:${pgServer.port}:*:${pgServer.user}:${pgServer.password}\n`, { mode: 0o600 });
    const r = await runCli(
      ['replicate', '--to', pgServer.url, '--table', 'ProjectStatuses', '--table', 'Issues', '--connection', connection],
      cleanEnv({ PGPASSFILE: pgpass }),
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^ {2}ProjectStatuses: full, \d+ rows, \d+ requests$/m);
    assert.match(r.stderr, /^ {2}Issues: full, 50 rows, \d+ requests$/m);
    assert.match(r.stderr, /^done: 2 tables, \d+ requests/m);
    assert.ok(!r.stderr.includes(pgServer.password));

    const again = await runCli(['replicate', '--to', pgServer.url, '--table', 'Issues', '--connection', connection], cleanEnv({ PGPASSFILE: pgpass }));
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /^ {2}Issues: incremental, 50 rows, \d+ written, 0 deleted, \d+ requests$/m);
  });

  test('without a password for the server: exit 3 naming PGPASSWORD and ~/.pgpass', async () => {
    const r = await runCli(['replicate', '--to', pgServer.url, '--table', 'Issues', '--connection', connection], cleanEnv());
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /asks for a password, and none was found/);
    assert.match(r.stderr, /PGPASSWORD/);
  });

  test('a password in the URL: exit 2 before anything connects, the password not echoed', async () => {
    const r = await runCli(['replicate', '--to', `postgres://etl:Sup3rSecret@127.0.0.1:${pgServer.port}/postgres`, '--connection', connection], cleanEnv());
    assert.equal(r.status, 2);
    assert.match(r.stderr, /contains a password/);
    assert.match(r.stderr, /PGPASSWORD|\.pgpass/);
    assert.ok(!r.stderr.includes('Sup3rSecret'));
  });

  test('usage errors: no --to, a bad --every', async () => {
    const none = await runCli(['replicate', '--connection', connection], cleanEnv());
    assert.equal(none.status, 2);
    assert.match(none.stderr, /replicate needs --to/);
    const every = await runCli(['replicate', '--to', 'duckdb:x.duckdb', '--every', 'often', '--connection', connection], cleanEnv());
    assert.equal(every.status, 2);
    assert.match(every.stderr, /--every must be an interval/);
  });

  test('--every: a run Backlog fails is reported and tried again at the next interval', async () => {
    await control(emu, 'POST', 'faults', { method: 'GET', pathPattern: '^/api/v2/priorities$', times: 1, action: 'status', status: 404 });
    const target = `duckdb:${join(folder, 'retry.duckdb')}`;
    const child = spawn(process.execPath, [BIN, 'replicate', '--to', target, '--table', 'Priorities', '--every', '1s', '--connection', connection], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: cleanEnv(),
    });
    let stderr = '';
    const done = new Promise<void>((resolve) =>
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (/^done:/m.test(stderr)) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await done;
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /this run failed; every table is as its last completed run left it\. Next run in 1s\./);
    assert.match(stderr, /Priorities: full, 3 rows/);
    assert.ok(stderr.indexOf('this run failed') < stderr.indexOf('done:'));
  });

  test('--every runs again until SIGTERM, which ends it with exit 0 between runs', async () => {
    const target = `duckdb:${join(folder, 'every.duckdb')}`;
    const child = spawn(process.execPath, [BIN, 'replicate', '--to', target, '--table', 'Priorities', '--every', '1h', '--connection', connection], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: cleanEnv(),
    });
    let stderr = '';
    const done = new Promise<void>((resolve) =>
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (/^done:/m.test(stderr)) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await done;
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /Priorities: full, 3 rows/);
  });
});
