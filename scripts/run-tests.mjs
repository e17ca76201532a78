#!/usr/bin/env node
// Runs every test file under test/ (and src/ for unit tests kept beside their code) with
// node:test through tsx. Node 20's `--test` takes no globs, so this script lists the files.
// It fails when any test is skipped, except those of the live suite (titles starting with
// "[live]"), which skip unless BACKLOG_LIVE_URL and BACKLOG_LIVE_APIKEY are set: CI must never
// lose browser, Java or emulator coverage silently.
//
// Usage: node scripts/run-tests.mjs [substring ...]   (only files whose path contains one)
import { spawn } from 'node:child_process';
import { readdirSync, statSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function listTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listTests(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const files = ['test', 'src']
  .flatMap((d) => listTests(join(root, d)))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

if (files.length === 0) {
  console.error('run-tests: no test files matched', filters.join(' '));
  process.exit(2);
}

/** One test (hooks included) that runs longer than this fails by name instead of holding CI. */
const TEST_TIMEOUT_MS = 4 * 60_000;
/** The whole run stops here, naming the files still running: CI must end well inside 20 minutes. */
const RUN_TIMEOUT_MS = Number(process.env.BACKLOG_SQL_TEST_RUN_TIMEOUT_MS ?? 16 * 60_000);

const tapFile = join(mkdtempSync(join(tmpdir(), 'backlog-sql-tests-')), 'results.tap');
const args = [
  '--import',
  'tsx',
  '--test',
  '--test-concurrency=2',
  `--test-timeout=${TEST_TIMEOUT_MS}`,
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${tapFile}`,
  ...files,
];
// The tests' settings, tokens, rate-limit state and cache go to a folder of this run, never to the
// user's ~/.config/backlog-sql: state left there by an earlier run (an emulator on a reused port
// with other limits) must not change what a test sees. A test that needs its own sets its own.
const ownConfigDir = process.env.BACKLOG_SQL_CONFIG_DIR === undefined;
const configDir = process.env.BACKLOG_SQL_CONFIG_DIR ?? mkdtempSync(join(tmpdir(), 'backlog-sql-test-config-'));
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, BACKLOG_SQL_CONFIG_DIR: configDir } });
const started = Date.now();

/** The test files whose processes (children of the runner) are still alive, with their pids. */
function filesStillRunning() {
  const running = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== child.pid) continue;
      const file = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        .split('\0')
        .find((a) => a.endsWith('.test.ts'));
      if (file) running.push({ pid: Number(pid), file: relative(root, file) });
    } catch {
      // The process ended while we looked.
    }
  }
  return running;
}

const watchdog = setTimeout(() => {
  const running = filesStillRunning();
  console.error(`\nrun-tests: the tests still run after ${Math.round((Date.now() - started) / 60_000)} minutes; stopped.`);
  console.error(`  still running: ${running.length > 0 ? running.map((r) => r.file).join(', ') : '(could not tell)'}`);
  for (const r of running) process.kill(r.pid, 'SIGKILL');
  child.kill('SIGKILL');
  process.exit(1);
}, RUN_TIMEOUT_MS);
watchdog.unref();

child.on('exit', (code, signal) => {
  clearTimeout(watchdog);
  if (ownConfigDir) rmSync(configDir, { recursive: true, force: true });
  console.error(`run-tests: ${files.length} files in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const tap = readFileSync(tapFile, 'utf8');
  const skipped = tap
    .split('\n')
    .filter((line) => /^\s*ok \d+ - .*# SKIP/.test(line))
    .filter((line) => !/ - \[live\]/.test(line));
  if (skipped.length > 0) {
    console.error(`\nrun-tests: ${skipped.length} unexpected skipped test(s):`);
    for (const line of skipped) console.error('  ' + line.trim());
    process.exit(1);
  }
  if (signal) process.exit(1);
  process.exit(code ?? 1);
});
