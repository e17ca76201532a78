/**
 * The package as a user gets it: `npm pack` of this checkout (after `npm run build`, which npm test
 * runs first), installed by name into an empty project in a temp folder. Tests that go "through the
 * user's door" (the packaging test, the README examples) import `backlog-sql` from there and run its
 * bin, never src/.
 *
 * The install is shared by the test files of one run: it is keyed by the tarball's digest and made
 * under a lock, so concurrent files wait for one install instead of making two.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';

const ROOT = new URL('../..', import.meta.url).pathname;
const CACHE = join(tmpdir(), 'backlog-sql-installed');

export interface PackedFile {
  path: string;
  size: number;
}

export interface InstalledPackage {
  /** The scratch project (package.json with "type": "module"; backlog-sql and @types/node installed). */
  dir: string;
  /** The installed `backlog-sql` command (node_modules/.bin). */
  bin: string;
  tarball: string;
  /** Size of the .tgz and of its unpacked files, in bytes, and what it holds. */
  size: number;
  unpackedSize: number;
  files: PackedFile[];
}

interface PackInfo {
  filename: string;
  size: number;
  unpackedSize: number;
  files: PackedFile[];
}

/** The @types/node this project pins, so the scratch project compiles as our own code does. */
function typesNodeVersion(): string {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
  return lock.packages['node_modules/@types/node']?.version ?? '20';
}

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
}

let memo: Promise<InstalledPackage> | undefined;

export function installedPackage(): Promise<InstalledPackage> {
  memo ??= install();
  return memo;
}

async function install(): Promise<InstalledPackage> {
  mkdirSync(CACHE, { recursive: true });
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run npm run build (npm test does) before this test');
  const release = await lockfile.lock(CACHE, { retries: { retries: 600, minTimeout: 200, maxTimeout: 1000 }, stale: 300_000 });
  try {
    const packDir = join(CACHE, `pack-${process.pid}`);
    rmSync(packDir, { recursive: true, force: true });
    mkdirSync(packDir);
    // --ignore-scripts: dist/ is already built; `prepare` would build it again.
    const [info] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], ROOT)) as PackInfo[];
    if (!info) throw new Error('npm pack printed no result');
    const packed = join(packDir, info.filename);
    const digest = createHash('sha256').update(readFileSync(packed)).digest('hex').slice(0, 16);
    const dir = join(CACHE, digest);
    const tarball = join(dir, info.filename);
    if (!existsSync(join(dir, '.ready'))) {
      removeStale(dir);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      renameSync(packed, tarball);
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch-project', private: true, type: 'module' }, null, 2));
      // --prefer-offline: dependencies come from npm's cache (filled by our own npm ci).
      npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, `@types/node@${typesNodeVersion()}`], dir);
      writeFileSync(join(dir, '.ready'), digest);
    } else {
      utimesSync(join(dir, '.ready'), new Date(), new Date()); // in use: not stale
    }
    rmSync(packDir, { recursive: true, force: true });
    return { dir, bin: join(dir, 'node_modules', '.bin', 'backlog-sql'), tarball, size: info.size, unpackedSize: info.unpackedSize, files: info.files };
  } finally {
    await release();
  }
}

/** Installs of other builds not used for an hour (other checkouts may be using theirs right now). */
function removeStale(keep: string): void {
  for (const name of readdirSync(CACHE)) {
    const dir = join(CACHE, name);
    if (dir === keep || !/^[0-9a-f]{16}$/.test(name)) continue;
    const ready = join(dir, '.ready');
    if (!existsSync(ready) || Date.now() - statSync(ready).mtimeMs > 3_600_000) rmSync(dir, { recursive: true, force: true });
  }
}

/** The repository's TypeScript compiler (the scratch project has none: users bring their own). */
export const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
