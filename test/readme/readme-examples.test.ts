/**
 * Every code block of README.md, run as a user would run it (issue 10), against the demo space
 * `npm start` serves (seed 1, `small` scale; rate limits off so the write examples do not wait),
 * through the installed package: the `backlog-sql` bin of the packed tarball on PATH, and
 * TypeScript compiled against `backlog-sql` installed by name. What the text around an example
 * claims (rows, request counts, files written) is asserted.
 *
 * The one rule that makes the examples written for a real space runnable is README's "About the
 * examples": the space URL becomes the emulator's, a `…` after ApiKey= / OAuthClientId= /
 * OAuthClientSecret= (or in BACKLOG_OAUTH_CLIENT_SECRET) becomes the emulator's administrator key
 * and OAuth app, values named in words become those values, and servers listen on free ports.
 *
 * Blocks run generically by language — `sql`: the statements through the installed bin
 * (`-f`, `--format json`); `ts`: compiled with strict nodenext TypeScript and run; `sh`: line by
 * line in bash — so a new block is run without touching this file. Lines and blocks that need
 * more (servers, the OAuth web flow, claims) have handlers below; a line that is not run says why
 * beside its handler. A block can be left out only with `<!-- readme-examples: not run: reason -->`
 * right before it in the README.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { clearJournal, control, journal, type RunningEmulator } from '../helpers/emulator.js';
import { installedPackage, TSC, type InstalledPackage } from '../helpers/installed-package.js';
import { startEmulator } from '../../src/emulator/index.js';
import type * as LibraryModule from '../../src/index.js';

/** The library's module type (the installed build has the same surface). */
type Library = typeof LibraryModule;

const execFileP = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const FAKE_BROWSER = join(ROOT, 'test', 'auth', 'fake-browser.mjs');

interface Block {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  text: string;
  heading: string;
  notRun?: string;
}

/** The fenced code blocks of a Markdown text, with their nearest heading and opt-out marker. */
export function parseBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
    const open = /^```(\w*)\s*$/.exec(line);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] as string); i++) body.push(lines[i] as string);
    let k = start - 1;
    while (k >= 0 && (lines[k] as string).trim() === '') k--;
    const marker = /^<!-- readme-examples: not run: (.+) -->$/.exec((lines[k] ?? '').trim());
    blocks.push({ line: start + 1, lang: open[1] ?? '', text: body.join('\n'), heading, ...(marker ? { notRun: marker[1] } : {}) });
  }
  return blocks;
}

const BLOCKS = parseBlocks(README);

let emu: RunningEmulator;
let pkg: InstalledPackage;
let work: string;
let env: NodeJS.ProcessEnv;
const compiled = new Map<number, string>();
const servers: ChildProcess[] = [];

/** README's substitution rule, for a real space's placeholders. */
function realize(text: string): string {
  return text
    .replaceAll('https://example.backlog.com', emu.url)
    .replaceAll('https://myspace.backlog.com', emu.url)
    .replaceAll('ApiKey=…', `ApiKey=${emu.apiKey}`)
    .replaceAll('OAuthClientId=…', `OAuthClientId=${emu.oauthApp.clientId}`)
    .replaceAll('OAuthClientSecret=…', `OAuthClientSecret=${emu.oauthApp.clientSecret}`)
    .replaceAll("BACKLOG_OAUTH_CLIENT_SECRET='…'", `BACKLOG_OAUTH_CLIENT_SECRET='${emu.oauthApp.clientSecret}'`);
}

function admin() {
  const user = emu.users.find((u) => u.roleType === 1);
  if (!user) throw new Error('no administrator in the seed');
  return user;
}

/** A fresh folder for one block (examples write files: report.csv, web.csv, downloads/…). */
function folder(block: Block): string {
  const dir = join(work, `block-${block.line}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function sh(command: string, cwd: string, extraEnv: NodeJS.ProcessEnv = {}, stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { cwd, env: { ...env, ...extraEnv }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

/** Start a server an example starts; resolve with what `ready` finds in its output. */
function startServer(command: string, args: string[], cwd: string, ready: RegExp, extraEnv: NodeJS.ProcessEnv = {}): Promise<RegExpExecArray> {
  // Its own process group, so that stopping it also stops what it started (npm → node).
  const child = spawn(command, args, { cwd, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  servers.push(child);
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: string) => {
      seen += d;
      const m = ready.exec(seen);
      if (m) resolve(m);
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onData);
    child.on('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited with ${code} before it was ready:\n${seen}`)));
    setTimeout(() => reject(new Error(`${command} ${args.join(' ')} not ready after 60 s:\n${seen}`)), 60_000).unref();
  });
}

function stopServers(): void {
  for (const s of servers.splice(0)) {
    try {
      if (s.pid) process.kill(-s.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

/** The JSON arrays `--format json` prints, one per statement. */
function jsonResults(stdout: string): Record<string, unknown>[][] {
  const out: Record<string, unknown>[][] = [];
  let buffer: string[] | undefined;
  for (const line of stdout.split('\n')) {
    if (line === '[]') out.push([]);
    else if (line === '[') buffer = [line];
    else if (buffer) {
      buffer.push(line);
      if (line === ']') {
        out.push(JSON.parse(buffer.join('\n')) as Record<string, unknown>[]);
        buffer = undefined;
      }
    }
  }
  return out;
}

/** The installed library, imported by name from the scratch project (for multi-step flows). */
async function library(): Promise<Library> {
  return (await import(join(pkg.dir, 'node_modules', 'backlog-sql', 'dist', 'index.js'))) as Library;
}

async function count(sql: string): Promise<number> {
  const { connect } = await library();
  const db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
  try {
    return Number(Object.values((await db.query(sql)).rows[0] as Record<string, unknown>)[0]);
  } finally {
    await db.close();
  }
}

/** Log in and consent as the administrator; the URL Backlog redirects to (code and state in it). */
async function consent(authorizationUrl: string): Promise<URL> {
  const file = join(work, `redirect-${Date.now()}.txt`);
  const log = join(work, `browser-${Date.now()}.log`);
  await execFileP(process.execPath, [FAKE_BROWSER, authorizationUrl], {
    env: { ...env, FAKE_BROWSER_USER: admin().userId, FAKE_BROWSER_PASSWORD: admin().password, FAKE_BROWSER_REDIRECT_TO: file, FAKE_BROWSER_LOG: log },
  });
  assert.ok(existsSync(file), `the consent page redirected nowhere: ${existsSync(log) ? readFileSync(log, 'utf8') : '(no log)'}`);
  return new URL(readFileSync(file, 'utf8'));
}

before(async () => {
  [pkg, emu] = await Promise.all([installedPackage(), startEmulator({ port: 0, seed: 1, scale: 'small', rateLimit: 'off' })]);
  work = mkdtempSync(join(tmpdir(), 'backlog-sql-readme-'));
  env = {
    PATH: `${dirname(pkg.bin)}:${process.env.PATH ?? ''}`,
    HOME: join(work, 'home'),
    BACKLOG_SQL_CONFIG_DIR: join(work, 'config'),
    LANG: 'C.UTF-8',
    // The desktop flow opens $BROWSER: a stand-in that logs in as the administrator and allows.
    BROWSER: `${process.execPath} ${FAKE_BROWSER}`,
    FAKE_BROWSER_USER: admin().userId,
    FAKE_BROWSER_PASSWORD: admin().password,
  };
  mkdirSync(env.HOME as string, { recursive: true });

  // Every TypeScript block compiles in one strict nodenext run against the installed package.
  const src = join(pkg.dir, 'readme');
  rmSync(src, { recursive: true, force: true });
  mkdirSync(src);
  for (const b of BLOCKS.filter((x) => x.lang === 'ts' && !x.notRun)) {
    writeFileSync(join(src, `block-${b.line}.ts`), realize(b.text));
    compiled.set(b.line, join(src, 'out', `block-${b.line}.js`));
  }
  writeFileSync(
    join(src, 'tsconfig.json'),
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
      include: ['*.ts'],
    }),
  );
  try {
    await execFileP(process.execPath, [TSC, '-p', join(src, 'tsconfig.json')], { cwd: src });
  } catch (e) {
    const err = e as { stdout?: string };
    throw new Error(`README's TypeScript examples do not compile against the installed package:\n${err.stdout ?? ''}`);
  }
});

after(async () => {
  stopServers();
  await emu?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Lines of `sh` blocks that need more than `bash -c`. `undefined` = run it as it is. */
type LineHandler = (line: string, cwd: string) => Promise<void>;

const LINE_HANDLERS: [RegExp, LineHandler][] = [
  [
    /^npm install && npm start\b/,
    // `npm install` is not run again: this checkout was installed by npm test's provisioning (npm ci),
    // which CI runs on a clean clone. `npm start` runs, with a statement piped in.
    async () => {
      const r = await sh('npm start --silent', ROOT, {}, 'SELECT count(*) AS projects FROM Projects;\n');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /projects/);
    },
  ],
  [
    /^npm test\b/,
    // Not run: this test is itself part of `npm test`.
    async () => {},
  ],
  [
    /^npm run example:web\b/,
    // The example web app on a free port (PORT=0): its start page offers the sign-in.
    async (line) => {
      const m = await startServer('bash', ['-c', line.replace(/\s+#.*$/, '')], ROOT, /"event":"listening","url":"(http:\/\/localhost:\d+\/)"/, { PORT: '0' });
      const page = await fetch(m[1] as string);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /Sign in with Backlog/);
      stopServers();
    },
  ],
  [
    /^backlog-sql serve(?! hash-password)(\s|$)/,
    // The wire server on a free port (--port 0), queried with node-postgres as the example's user.
    async (line, cwd) => {
      const args = line
        .replace(/\s+#.*$/, '')
        .replace(/--port \d+/, '')
        .split(/\s+/)
        .filter(Boolean)
        .slice(1);
      const m = await startServer('backlog-sql', [...args, '--port', '0'], cwd, /on postgresql:\/\/127\.0\.0\.1:(\d+)\/backlog/);
      const users = args.includes('--users');
      const client = new pg.Client({
        host: '127.0.0.1',
        port: Number(m[1]),
        database: 'backlog',
        user: users ? 'report' : 'me',
        ...(users ? { password: 'a long password' } : {}),
      });
      await client.connect();
      try {
        const r = await client.query('SELECT count(*) AS n FROM "Issues"');
        assert.equal(Number(r.rows[0].n), await count('SELECT count(*) FROM Issues'));
      } finally {
        await client.end();
        stopServers();
      }
    },
  ],
];

/** What a line of an `sh` block claims, checked on its output. */
const LINE_CLAIMS: [RegExp, (r: { stdout: string; stderr: string }, cwd: string) => Promise<void> | void][] = [
  [/-c "SELECT IssueKey, Summary FROM Issues WHERE ProjectKey = 'WEB' LIMIT 5"/, (r) => assert.match(r.stdout, /\(5 rows\)/)],
  [/-f report\.sql --format csv > report\.csv/, (_r, cwd) => assert.equal(readFileSync(join(cwd, 'report.csv'), 'utf8').trim().split('\n').length, 1 + 20)],
  [
    /echo "SELECT count\(\*\) FROM Issues;" \| backlog-sql --format json/,
    async (r) => assert.deepEqual(Object.values(jsonResults(r.stdout)[0]?.[0] ?? {}), [await count('SELECT count(*) FROM Issues')]),
  ],
  [/^backlog-sql auth login/, (r) => assert.match(r.stderr, /OAuth2AccessRequest\.action/, 'the URL is also on stderr')],
  [/^backlog-sql auth status/, (r) => assert.match(r.stdout, new RegExp(`Signed in as .*\\(${admin().userId}\\)`))],
  [
    /^backlog-sql -c "SELECT Summary FROM Issues LIMIT 5" --connection "\$BACKLOG_SQL_CONNECTION;InitiateOAuth=REFRESH"/,
    (r) => assert.match(r.stdout, /\(5 rows\)/),
  ],
  [/^backlog-sql auth logout/, (r) => assert.match(r.stdout, /^Signed out/)],
];

/** Files the examples read, made as the text describes them. */
const FIXTURES: Record<string, string> = {
  'report.sql': "SELECT IssueKey, Summary FROM Issues WHERE ProjectKey = 'WEB' ORDER BY Id LIMIT 20;\n",
  'issues.csv': 'title,due\nExport the invoices,2026-12-20\n請求書の確認,2026-12-24\n',
};

async function runSh(block: Block): Promise<void> {
  const cwd = folder(block);
  for (const [name, text] of Object.entries(FIXTURES)) writeFileSync(join(cwd, name), text);
  const blockEnv: NodeJS.ProcessEnv = {};
  for (const raw of realize(block.text).split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exported = /^export (\w+)='([^']*)'/.exec(line);
    if (exported) {
      blockEnv[exported[1] as string] = exported[2];
      continue;
    }
    const handler = LINE_HANDLERS.find(([re]) => re.test(line));
    if (handler) {
      Object.assign(env, blockEnv);
      try {
        await handler[1](line, cwd);
      } finally {
        for (const k of Object.keys(blockEnv)) delete env[k];
      }
      continue;
    }
    const r = await sh(line, cwd, blockEnv);
    assert.equal(r.code, 0, `README line "${line}" exited ${r.code}:\n${r.stderr}`);
    for (const [re, claim] of LINE_CLAIMS) if (re.test(line)) await claim(r, cwd);
  }
}

async function runSql(block: Block): Promise<{ results: Record<string, unknown>[][]; stderr: string; cwd: string }> {
  const cwd = folder(block);
  for (const [name, text] of Object.entries(FIXTURES)) writeFileSync(join(cwd, name), text);
  mkdirSync(join(cwd, 'downloads')); // the OutputFolder the download example names (it must exist)
  writeFileSync(join(cwd, 'example.sql'), realize(block.text));
  const r = await sh(`backlog-sql --format json -f example.sql`, cwd, { BACKLOG_SQL_CONNECTION: `URL=${emu.url};ApiKey=${emu.apiKey}` });
  assert.equal(r.code, 0, `README block at line ${block.line} failed:\n${r.stderr}`);
  return { results: jsonResults(r.stdout), stderr: r.stderr, cwd };
}

async function runTs(block: Block): Promise<string> {
  const file = compiled.get(block.line);
  assert.ok(file && existsSync(file), `block at line ${block.line} compiled`);
  const r = await execFileP(process.execPath, [file], { cwd: folder(block), env, timeout: 120_000 });
  return r.stdout;
}

/** Blocks whose claims need more than running them, keyed by a phrase of their text. */
const BLOCK_RUNNERS: [RegExp, (block: Block) => Promise<void>][] = [
  [
    // EXPLAIN's estimates: exact for named projects, a lower bound with its rule for an Issues search; no request.
    /EXPLAIN SELECT Name FROM ProjectStatuses WHERE ProjectId IN \(1, 2\)/,
    async (block) => {
      await clearJournal(emu);
      const { results } = await runSql(block);
      assert.deepEqual(
        results.map((r) => r[0]?.estimatedRequests),
        ['2', '≥ 1 (1 search per 100 matching issues)'],
      );
      assert.deepEqual(
        (await journal(emu)).filter((e) => e.path.endsWith('/statuses') || e.path === '/api/v2/issues'),
        [],
      );
    },
  ],
  [
    // The library example: 10 rows, and exactly the two requests its comment names.
    /SELECT IssueKey, Summary, Updated FROM Issues WHERE ProjectKey = \? AND StatusId = 1/,
    async (block) => {
      await clearJournal(emu);
      const out = await runTs(block);
      assert.match(out, /\[ 'IssueKey', 'Summary', 'Updated' \] 10 2 \{ 'GET \/projects': 1, 'GET \/issues': 1 \}/);
      const search = (await journal(emu)).find((e) => e.path === '/api/v2/issues');
      assert.deepEqual(
        { status: search?.query['statusId[]'], sort: search?.query.sort, order: search?.query.order, count: search?.query.count },
        { status: '1', sort: 'updated', order: 'desc', count: '10' },
      );
    },
  ],
  [
    // The desktop flow: $BROWSER signs in; the program prints the signed-in user.
    /InitiateOAuth=GETANDREFRESH;OAuthClientId=…/,
    async (block) => {
      const out = await runTs(block);
      assert.match(out, new RegExp(`UserId: '${admin().userId}'`));
    },
  ],
  [
    // The web flow: the authorization URL, a code from the consent page, tokens, a refresh.
    /EXEC GetOAuthAuthorizationURL @CallbackURL = 'https:\/\/app\.example\.com\/callback'/,
    async (block) => {
      // An app whose redirect URI is the example's callback, registered as a user registers theirs
      // (after the emulator's reset, which forgets registered apps).
      const webApp = (await control(emu, 'POST', 'oauth-apps', { name: 'README web flow', redirectUris: ['https://app.example.com/callback'] })) as {
        clientId: string;
        clientSecret: string;
      };
      const { connect } = await library();
      const db = await connect(`URL=${emu.url};AuthScheme=OAuth;InitiateOAuth=OFF;OAuthClientId=${webApp.clientId};OAuthClientSecret=${webApp.clientSecret}`);
      try {
        const statements = block.text.split('\n').filter((l) => /^(EXEC|CALL)\b/.test(l));
        assert.equal(statements.length, 3);
        const url = String(((await db.query(statements[0] as string)).rows[0] as { URL?: string } | undefined)?.URL ?? '');
        const back = await consent(url);
        assert.equal(back.searchParams.get('state'), 'random-per-session');
        const tokens = (await db.query((statements[1] as string).replace("'the code parameter'", `'${back.searchParams.get('code')}'`))).rows[0] as Record<
          string,
          unknown
        >;
        assert.ok(tokens.OAuthAccessToken && tokens.OAuthRefreshToken && Number(tokens.ExpiresIn) > 0);
        const refreshed = (await db.query((statements[2] as string).replace("'the refresh token'", `'${String(tokens.OAuthRefreshToken)}'`))).rows[0] as Record<
          string,
          unknown
        >;
        assert.ok(refreshed.OAuthAccessToken && refreshed.OAuthAccessToken !== tokens.OAuthAccessToken);
      } finally {
        await db.close();
      }
    },
  ],
  [
    // The writes: the new issue comes back; each statement's count is what the data holds.
    /INSERT INTO Issues \(ProjectKey, Summary, IssueTypeId, PriorityId, DueDate, CategoryIds\)/,
    async (block) => {
      const overdue = await count("SELECT count(*) FROM Issues WHERE ProjectKey = 'WEB' AND DueDate < CURRENT_DATE AND StatusId <> 4");
      const unestimated = await count("SELECT count(*) FROM Issues WHERE ProjectKey = 'WEB' AND EstimatedHours IS NULL");
      const web = await count("SELECT count(*) FROM Issues WHERE ProjectKey = 'WEB'");
      const { results, stderr, cwd } = await runSql(block);
      const created = results[0]?.[0] as { Id: number; IssueKey: string };
      assert.match(created.IssueKey, /^WEB-\d+$/);
      assert.equal(await count(`SELECT count(*) FROM IssueCategories WHERE IssueKey = '${created.IssueKey}' AND CategoryId IN (1, 2)`), 2);
      // The new issue is due 2026-12-01 and open, and has no estimate: it counts in both.
      const todayIsAfterDue = new Date().toISOString().slice(0, 10) > '2026-12-01';
      assert.match(stderr, new RegExp(`UPDATE ${overdue + (todayIsAfterDue ? 1 : 0)}\\b`));
      assert.match(stderr, new RegExp(`INSERT 0 ${unestimated + 1}\\b`));
      assert.match(stderr, /INSERT 0 2\b/, 'the two CSV rows');
      assert.equal(readFileSync(join(cwd, 'web.csv'), 'utf8').trim().split('\n').length, 1 + web + 1 + 2);
    },
  ],
  [
    // The procedures: an upload's Id, a download into downloads/, a star.
    /EXEC PostAttachment @Content = 'aGVsbG8=', @FileName = '議事録\.txt';/,
    async (block) => {
      const { results, cwd } = await runSql(block);
      const upload = results[0]?.[0] as { Id: number; Name: string; Size: number };
      assert.ok(upload.Id > 0);
      assert.deepEqual([upload.Name, upload.Size], ['議事録.txt', 5]);
      assert.deepEqual(readdirSync(join(cwd, 'downloads')), ['ログ.txt']);
    },
  ],
  [
    // The upload attached from a program.
    /const upload = await db\.query\("EXEC PostAttachment/,
    async (block) => {
      const out = await runTs(block);
      assert.match(out, /議事録\.txt/);
    },
  ],
  [
    // The emulator from a program: the seeded users and five issues.
    /import \{ startEmulator \} from 'backlog-sql\/emulator'/,
    async (block) => {
      const out = await runTs(block);
      assert.match(out, /'yamada'/);
    },
  ],
];

describe('README examples', { timeout: 600_000 }, () => {
  test('every code block of the README is known to this test', () => {
    assert.ok(BLOCKS.length >= 10, `found ${BLOCKS.length} blocks`);
    for (const b of BLOCKS)
      assert.ok(
        ['sh', 'ts', 'sql'].includes(b.lang) || b.notRun,
        `README line ${b.line}: a \`${b.lang}\` block has no runner (sh, ts and sql run); mark it <!-- readme-examples: not run: reason -->`,
      );
  });

  for (const block of BLOCKS) {
    const title = `README line ${block.line} (${block.lang}, "${block.heading}")`;
    if (block.notRun) {
      test(`${title}: not run — ${block.notRun}`, () => {});
      continue;
    }
    test(title, async () => {
      await control(emu, 'POST', 'reset');
      const special = BLOCK_RUNNERS.find(([re]) => re.test(block.text));
      if (special) return special[1](block);
      if (block.lang === 'sh') return runSh(block);
      if (block.lang === 'sql') return void (await runSql(block));
      if (block.lang === 'ts') return void (await runTs(block));
    });
  }
});
