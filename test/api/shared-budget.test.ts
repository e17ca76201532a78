/**
 * One rate-limit budget per key across processes (issue 11, Deliver 7): a CLI and a library
 * process on one API key, together well over a small limit with a short window, draw no 429 —
 * the emulator's journal shows every answer. Run `npm run build` first (the CLI is the built bin).
 * The lease rules themselves, on a fake clock with injected answers: ./shared-budget-leases.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

const BIN = new URL('../../bin/backlog-sql.js', import.meta.url).pathname;
const CHILD = new URL('./budget-child.ts', import.meta.url).pathname;
/** Reads per process: together about three windows' worth. */
const QUERIES = 70;

let emu: RunningEmulator;
let dir: string;

before(async () => {
  emu = await startTestEmulator({ rateLimit: 'read=60,update=60,search=60,icon=60', rateWindow: 3 });
  dir = mkdtempSync(join(tmpdir(), 'backlog-sql-budget-'));
});
after(async () => {
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not finish\n${stderr}`));
    }, 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      setImmediate(() => resolve({ code, stdout, stderr }));
    });
  });
}

test('a CLI and a library process on one key share its rate-limit budget: no 429 between them', { timeout: 180_000 }, async () => {
  const connection = `URL=${emu.url};ApiKey=${emu.apiKey}`;
  const { BACKLOG_SQL_CONNECTION: _c, BACKLOG_API_KEY: _k, ...inherited } = process.env;
  const env = { ...inherited, BACKLOG_SQL_CONFIG_DIR: join(dir, 'config'), BACKLOG_SQL_HISTORY: '' };
  const script = join(dir, 'reads.sql');
  writeFileSync(script, 'SELECT Id, Name FROM Priorities;\n'.repeat(QUERIES));
  const [cli, lib] = await Promise.all([
    run([BIN, '--connection', connection, '--format', 'csv', '-f', script], env),
    run(['--import', 'tsx', CHILD], { ...env, CHILD_CONNECTION: connection, CHILD_QUERIES: String(QUERIES) }),
  ]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(lib.code, 0, lib.stderr);
  assert.equal(lib.stdout.trim(), `ok ${QUERIES}`);
  const answers = (await journal(emu)).filter((e) => e.path.startsWith('/api/v2/'));
  assert.ok(answers.length >= 2 * QUERIES, `${answers.length} requests`);
  const limited = answers.filter((e) => e.status === 429);
  // On failure the message carries the journal's times and statuses: the rate-limit windows can be read from it.
  assert.equal(
    limited.length,
    0,
    `${limited.length} of ${answers.length} requests drew a 429:\n${answers.map((e) => `${e.at} ${e.status} ${e.path}`).join('\n')}`,
  );
  // The state they shared: in the config folder, private, named without the key.
  const files = readdirSync(join(dir, 'config')).filter((f) => f.startsWith('ratelimit-') && f.endsWith('.json'));
  assert.ok(files.length > 0, 'no shared state file');
  for (const f of files) {
    assert.ok(!f.includes(emu.apiKey));
    assert.equal(statSync(join(dir, 'config', f)).mode & 0o777, 0o600);
  }
  assert.equal(statSync(join(dir, 'config')).mode & 0o777, 0o700);
});
