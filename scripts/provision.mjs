#!/usr/bin/env node
// The first step of `npm test`: make this machine able to run every test, or stop at once with one
// line naming the command to run. `npm test` on a fresh clone is then the whole set-up (README:
// Quick start), and CI (.ci/run) runs nothing else.
//
// 1. npm dependencies: `npm ci` when node_modules is missing or does not match package-lock.json.
// 2. System programs the browser, psql, Java and PostgreSQL tests drive, from Debian's packages:
//    installed with apt-get when running as root, otherwise named in the error.
// Uses only Node's built-ins: it runs before node_modules exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
/**
 * Where the system's files are looked for: `/`, or another root (a chroot, or the provisioning
 * test, which points it at an empty folder to play a fresh machine).
 */
const systemRoot = process.env.BACKLOG_SQL_SYSTEM_ROOT ?? '/';

/**
 * What the tests need from the system: the Debian package, and the file whose presence shows it is
 * installed. Keep in step with the tests that use them (named beside each).
 */
const SYSTEM_NEEDS = [
  // test/auth/chromium.test.ts, test/auth/web-app.test.ts: OAuth screens in headless Chromium.
  { pkg: 'chromium', file: '/usr/bin/chromium' },
  // test/pgserver/*, test/helpers/psql.ts: psql 15 against the wire server.
  { pkg: 'postgresql-client-15', file: '/usr/lib/postgresql/15/bin/psql' },
  // test/pgserver/pgserver.test.ts: javac and java run the pgjdbc probe.
  { pkg: 'openjdk-17-jdk-headless', file: '/usr/lib/jvm/java-17-openjdk-amd64/bin/javac', alt: ['javac'] },
  // test/pgserver/pgserver.test.ts, clients.test.ts: Debian's pgjdbc (42.5).
  { pkg: 'libpostgresql-jdbc-java', file: '/usr/share/java/postgresql.jar' },
  // test/pgserver/catalog.test.ts, clients.test.ts: real PostgreSQL 15, the reference the wire
  // server's catalog answers are compared with.
  { pkg: 'postgresql-15', file: '/usr/lib/postgresql/15/bin/postgres' },
  // test/pgserver/clients.test.ts: psqlODBC through unixODBC's isql (the path of Excel, Power BI…).
  { pkg: 'odbc-postgresql', file: '/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so' },
  { pkg: 'unixodbc', file: '/usr/bin/isql' },
];

function log(message) {
  process.stderr.write(`provision: ${message}\n`);
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** node_modules matches package-lock.json for every direct dependency (a cheap check, no npm ls). */
function dependenciesCurrent() {
  if (!existsSync(join(root, 'node_modules'))) return false;
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  // Optional dependencies count where they are made for this platform (the catalog engine's binary).
  const forHere = (entry) => (!entry?.os || entry.os.includes(process.platform)) && (!entry?.cpu || entry.cpu.includes(process.arch));
  const optional = Object.keys(pkg.optionalDependencies ?? {}).filter((name) => forHere(lock.packages?.[`node_modules/${name}`]));
  for (const name of [...Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }), ...optional]) {
    const locked = lock.packages?.[`node_modules/${name}`]?.version;
    const file = join(root, 'node_modules', name, 'package.json');
    if (!existsSync(file) || JSON.parse(readFileSync(file, 'utf8')).version !== locked) return false;
  }
  return true;
}

function ensureDependencies() {
  if (dependenciesCurrent()) return;
  log('node_modules is missing or out of date: npm ci');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    log('npm ci failed (see above); fix it, then run npm test again');
    process.exit(1);
  }
}

function ensureSystem() {
  const missing = SYSTEM_NEEDS.filter((n) => !existsSync(join(systemRoot, n.file)) && !(n.alt ?? []).some(onPath)).map((n) => n.pkg);
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get')) {
    const how = onPath('apt-get') ? `sudo ${command}` : `install the Debian/Ubuntu packages ${missing.join(', ')} (or their equivalents)`;
    log(`the tests need ${missing.join(', ')}, which this machine lacks. Run: ${how} — then npm test again.`);
    process.exit(1);
  }
  log(`installing ${missing.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  } catch {
    log(`apt-get could not install ${missing.join(' ')}: run ${command} yourself, then npm test again.`);
    process.exit(1);
  }
}

ensureDependencies();
ensureSystem();
