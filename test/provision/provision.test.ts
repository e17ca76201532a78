/**
 * `npm test` on a fresh machine is the whole set-up (issue 10, Deliver 3): its first step,
 * scripts/provision.mjs, installs the Debian packages the tests drive when it runs as root with
 * apt-get, and otherwise stops at once with one line naming the command to run. A fresh machine is
 * played by BACKLOG_SQL_SYSTEM_ROOT (an empty folder: none of the packages' files exist) and a PATH
 * holding only node and, where a case needs it, a stand-in apt-get that records its arguments.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';

const SCRIPT = new URL('../../scripts/provision.mjs', import.meta.url).pathname;
const PACKAGES = ['chromium', 'postgresql-client-15', 'openjdk-17-jdk-headless', 'libpostgresql-jdbc-java', 'postgresql-15', 'odbc-postgresql', 'unixodbc'];
const dir = mkdtempSync(join(tmpdir(), 'backlog-sql-provision-'));
// Readable by the plain user one case runs as.
chmodSync(dir, 0o755);
after(() => rmSync(dir, { recursive: true, force: true }));

/** A bin folder with node, sh and (optionally) a stand-in apt-get that logs its arguments. */
function binFolder(name: string, aptGet: boolean): { bin: string; log: string } {
  const bin = join(dir, name);
  const log = join(dir, `${name}.log`);
  spawnSync('mkdir', ['-p', bin]);
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync('/bin/sh', join(bin, 'sh'));
  if (aptGet) {
    writeFileSync(join(bin, 'apt-get'), `#!/bin/sh\necho "$@" >> ${JSON.stringify(log)}\n`);
    chmodSync(join(bin, 'apt-get'), 0o755);
  }
  return { bin, log };
}

function provision(bin: string, asUser: boolean) {
  const started = performance.now();
  const env = { PATH: bin, HOME: dir, BACKLOG_SQL_SYSTEM_ROOT: join(dir, 'empty-root') };
  // As a plain user: the same script under a uid that is not root (when this runs as root), else as is.
  const result =
    asUser && process.getuid?.() === 0
      ? spawnSync(process.execPath, [SCRIPT], { env, encoding: 'utf8', uid: 65534, gid: 65534, cwd: dirname(SCRIPT) })
      : spawnSync(process.execPath, [SCRIPT], { env, encoding: 'utf8', cwd: dirname(SCRIPT) });
  return { ...result, ms: performance.now() - started };
}

test('without apt-get it stops within seconds, with one line naming every missing package', () => {
  const { bin } = binFolder('no-apt', false);
  const run = provision(bin, false);
  assert.equal(run.status, 1, run.stderr);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  for (const pkg of PACKAGES) assert.match(lines[0]!, new RegExp(`\\b${pkg}\\b`));
  assert.match(lines[0]!, /then npm test again/);
  assert.ok(run.ms < 5000, `took ${Math.round(run.ms)} ms`);
});

test('as root with apt-get it installs exactly the missing packages, non-interactively', (t) => {
  if (process.getuid?.() !== 0) {
    t.diagnostic('not root here: the apt-get branch is exercised by CI, which runs as root');
    return;
  }
  const { bin, log } = binFolder('root-apt', true);
  const run = provision(bin, false);
  assert.equal(run.status, 0, run.stderr);
  const calls = readFileSync(log, 'utf8').trim().split('\n');
  assert.deepEqual(calls[0], 'update -qq');
  assert.deepEqual(calls[1], `install -y -qq --no-install-recommends ${PACKAGES.join(' ')}`);
});

test('not root but apt-get on the PATH: the line says the sudo command to run, and nothing is installed', (t) => {
  if (process.getuid?.() !== 0) t.diagnostic('already a plain user here');
  const { bin, log } = binFolder('user-apt', true);
  const run = provision(bin, true);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, new RegExp(`Run: sudo apt-get install -y --no-install-recommends ${PACKAGES.join(' ')} — then npm test again`));
  assert.equal(existsSync(log), false, 'apt-get was not called');
});
