/**
 * The package as a user installs it (issue 10): `npm pack`, installed by name into an empty
 * project, then imported from plain ESM, compiled against from strict TypeScript with
 * `module`/`moduleResolution: nodenext` (skipLibCheck off: every shipped declaration must resolve),
 * and its bin run against its own emulator. Also: what the tarball holds, and that the library's
 * public surface exports every class and type a user can receive.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { installedPackage, TSC, type InstalledPackage } from '../helpers/installed-package.js';

const run = promisify(execFile);
let pkg: InstalledPackage;

before(async () => {
  pkg = await installedPackage();
});

/** Every class and function a library user can receive or call, exported from 'backlog-sql'. */
const RUNTIME_EXPORTS = [
  'connect',
  'Connection',
  'serve',
  'BacklogSqlError',
  'ConfigError',
  'AuthError',
  'OAuthError',
  'ApiError',
  'RateLimitError',
  'NetworkError',
  'TimeoutError',
  'CancelledError',
  'ConnectionClosedError',
  'InternalError',
  'SqlError',
  'UnsupportedError',
  'WriteOutcomeUnknownError',
  'WritePartlyDoneError',
  'isBacklogSqlError',
].sort();

describe('the packed tarball', { timeout: 240_000 }, () => {
  test('holds the bin, the built library with its declarations, README, LICENSE, CHANGELOG and the notices of bundled code — nothing else', () => {
    const paths = pkg.files.map((f) => f.path);
    for (const needed of [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'bin/backlog-sql.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/emulator/index.js',
      'dist/emulator/index.d.ts',
      'dist/THIRD-PARTY-NOTICES.md',
    ]) {
      assert.ok(paths.includes(needed), `${needed} is in the tarball`);
    }
    const stray = paths.filter(
      (p) => !/^(package\.json|README\.md|LICENSE|CHANGELOG\.md|bin\/backlog-sql\.js|dist\/THIRD-PARTY-NOTICES\.md|dist\/.+\.(js|d\.ts))$/.test(p),
    );
    assert.deepEqual(stray, [], 'no test, fixture, source map or source file');
    const notices = readFileSync(join(pkg.dir, 'node_modules', 'backlog-sql', 'dist/THIRD-PARTY-NOTICES.md'), 'utf8');
    assert.match(notices, /@duckdb\/node-api [\w.-]+/, 'the bundled DuckDB API is named with its version');
    assert.match(notices, /Permission is hereby granted/, 'with its license text');
    for (const file of paths.filter((p) => p.endsWith('.js'))) {
      const text = readFileSync(join(pkg.dir, 'node_modules', 'backlog-sql', file), 'utf8');
      assert.ok(!/sourceMappingURL=/.test(text), `${file} points at no source map outside the package`);
    }
  });

  test('the README states its size and file count as the bench measures them', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const m = /tarball: ([\d.]+) kB packed, ([\d.]+) kB unpacked, (\d+) files/.exec(readme);
    assert.ok(m, 'README has "tarball: N kB packed, N kB unpacked, N files" (npm run bench -- package)');
    const [packed, unpacked, files] = [Number(m[1]), Number(m[2]), Number(m[3])];
    // Within 15%: the figures come from the bench; every source change moves them a little.
    assert.ok(
      Math.abs(packed * 1000 - pkg.size) / pkg.size < 0.15,
      `README ${packed} kB vs packed ${(pkg.size / 1000).toFixed(1)} kB: run npm run bench -- package`,
    );
    assert.ok(
      Math.abs(unpacked * 1000 - pkg.unpackedSize) / pkg.unpackedSize < 0.15,
      `README ${unpacked} kB vs unpacked ${(pkg.unpackedSize / 1000).toFixed(1)} kB`,
    );
    assert.ok(Math.abs(files - pkg.files.length) / pkg.files.length < 0.15, `README ${files} files vs ${pkg.files.length}`);
  });
});

describe('installed by name into an empty project', { timeout: 240_000 }, () => {
  test('plain ESM imports backlog-sql and backlog-sql/emulator and queries the emulator', async () => {
    const file = join(pkg.dir, 'esm-smoke.mjs');
    writeFileSync(
      file,
      `import * as lib from 'backlog-sql';
import { startEmulator } from 'backlog-sql/emulator';
import manifest from 'backlog-sql/package.json' with { type: 'json' };
const emu = await startEmulator({ port: 0, scale: 'tiny', rateLimit: 'off' });
const db = await lib.connect(\`URL=\${emu.url};ApiKey=\${emu.apiKey}\`);
const r = await db.query('SELECT Id, Name FROM Priorities ORDER BY Id');
let error;
try { await db.query('SELECT * FROM Issuez'); } catch (e) { error = { isSql: e instanceof lib.SqlError, isBase: e instanceof lib.BacklogSqlError, code: e.code }; }
await db.close();
await emu.close();
console.log(JSON.stringify({ exports: Object.keys(lib).sort(), version: manifest.version, rows: r.rows, error }));
`,
    );
    const { stdout } = await run(process.execPath, [file], { cwd: pkg.dir, timeout: 60_000 });
    const out = JSON.parse(stdout) as { exports: string[]; version: string; rows: { Id: number; Name: string }[]; error: Record<string, unknown> };
    assert.deepEqual(out.exports, RUNTIME_EXPORTS);
    assert.equal(out.version, (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version);
    assert.deepEqual(
      out.rows.map((r) => r.Id),
      [2, 3, 4],
    );
    assert.deepEqual(out.error, { isSql: true, isBase: true, code: 'SQL' });
  });

  test('strict TypeScript (nodenext, skipLibCheck off) compiles against the installed types, and the program runs', async () => {
    // The example of src/index.ts and every exported type a user can receive, used as users do.
    writeFileSync(
      join(pkg.dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          skipLibCheck: false,
          outDir: 'out',
          types: ['node'],
        },
        include: ['typed.ts'],
      }),
    );
    writeFileSync(
      join(pkg.dir, 'typed.ts'),
      `import {
  connect, OAuthError, BacklogSqlError, WritePartlyDoneError, WriteOutcomeUnknownError, ApiError, RateLimitError, ConfigError,
  type Connection, type ConnectionProperties, type ConnectOptions, type QueryResult, type QueryStats, type QueryColumn, type QueryOptions,
  type FetchReport, type WriteProgress, type WriteReport, type WriteReportRow, type ErrorCode, type BacklogErrorItem, type AuthRefreshEvent,
  type AuthScheme, type InitiateOAuth,
} from 'backlog-sql';
import { startEmulator, type RunningEmulator, type EmulatorOptions, type JournalEntry } from 'backlog-sql/emulator';

const options: EmulatorOptions = { port: 0, scale: 'tiny', rateLimit: 'off' };
const emu: RunningEmulator = await startEmulator(options);
const properties: ConnectionProperties = { URL: emu.url, ApiKey: emu.apiKey, Pagesize: 50, Readonly: false };
const connectOptions: ConnectOptions = { onWarning: (w: string) => console.error(w), onRefreshEvent: (e: AuthRefreshEvent) => console.error(e.outcome) };
const db: Connection = await connect(properties, connectOptions);
const queryOptions: QueryOptions = { rowMode: 'object', onProgress: (p: WriteProgress) => console.error(p) };
const { rows, stats }: QueryResult = await db.query('SELECT IssueKey, Summary FROM Issues WHERE ProjectKey = ? LIMIT 10', ['WEB'], queryOptions);
const s: QueryStats = stats;
const fetches: FetchReport[] = s.fetches;
const columns: QueryColumn[] = (await db.query('SELECT 1 AS one')).columns;
const scheme: AuthScheme = 'OAuth';
const mode: InitiateOAuth = 'GETANDREFRESH';
function describe(e: unknown): string {
  if (e instanceof WritePartlyDoneError || e instanceof WriteOutcomeUnknownError) {
    const report: WriteReport | undefined = e.report;
    const first: WriteReportRow | undefined = report?.rows[0];
    return \`write \${first?.outcome}\`;
  }
  if (e instanceof ApiError) { const items: BacklogErrorItem[] = e.errors; return \`api \${items.length}\`; }
  if (e instanceof OAuthError || e instanceof RateLimitError || e instanceof ConfigError) return e.code;
  if (e instanceof BacklogSqlError) { const code: ErrorCode = e.code; return code; }
  return 'other';
}
let failure = '';
try { await db.query('SELECT Nope FROM Issues'); } catch (e) { failure = describe(e); }
await db.close();
await emu.close();
const journal: JournalEntry[] = [];
console.log(JSON.stringify({ rows: rows.length, requests: s.requests, fetches: fetches.length, columns: columns.map((c) => c.name), scheme, mode, failure, journal: journal.length }));
`,
    );
    try {
      await run(process.execPath, [TSC, '-p', join(pkg.dir, 'tsconfig.json')], { cwd: pkg.dir, timeout: 120_000 });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      assert.fail(`tsc failed against the installed package:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    }
    const { stdout } = await run(process.execPath, [join(pkg.dir, 'out', 'typed.js')], { cwd: pkg.dir, timeout: 60_000 });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(out.rows, 10);
    assert.equal(out.requests, 2);
    assert.deepEqual(out.columns, ['one']);
    assert.equal(out.failure, 'SQL');
  });

  test('the installed bin answers --version and runs SQL against the emulator it starts', async () => {
    const version = await run(pkg.bin, ['--version'], { cwd: pkg.dir, timeout: 30_000 });
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    const emulator = spawn(pkg.bin, ['emulator', '--port', '0', '--scale', 'tiny', '--rate-limit', 'off', '--json'], {
      cwd: pkg.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const facts = await new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
        let buffered = '';
        emulator.stdout.setEncoding('utf8').on('data', (d: string) => {
          buffered += d;
          if (buffered.includes('\n')) resolve(JSON.parse(buffered.slice(0, buffered.indexOf('\n'))) as { url: string; apiKey: string });
        });
        emulator.on('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
      });
      const { stdout } = await run(
        pkg.bin,
        ['-c', 'SELECT count(*) AS n FROM Projects', '--format', 'json', '--connection', `URL=${facts.url};ApiKey=${facts.apiKey}`],
        { cwd: pkg.dir, timeout: 60_000 },
      );
      const [row] = JSON.parse(stdout) as { n: number }[];
      assert.ok((row?.n ?? 0) > 0, stdout);
    } finally {
      emulator.kill('SIGTERM');
    }
  });
});
