/**
 * Rules that need more than one connection or a special emulator: TOK-7 (8 processes, one
 * refresh), TOK-8 (a stale lock is taken over), TOK-10, OAUTH-2 (loopback only), a browser that
 * resolves localhost to ::1, and OAUTH-7 (the emulator with --pkce required).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { openInBrowser, runDesktopFlow } from '../../src/auth/desktop-flow.js';
import { tokensFrom } from '../../src/auth/token-provider.js';
import { connect } from '../../src/core/connection.js';
import { OAuthError } from '../../src/errors.js';
import { clearJournal, control, journal, startTestEmulator, type RunningEmulator, freePort } from '../helpers/emulator.js';

const run = promisify(execFile);
const FAKE_BROWSER = new URL('./fake-browser.mjs', import.meta.url).pathname;
const CHILD = new URL('./refresh-child.ts', import.meta.url).pathname;

interface Setup {
  emu: RunningEmulator;
  app: { clientId: string; clientSecret: string };
  callbackUrl: string;
  user: { userId: string; password: string };
}

async function setup(options: Parameters<typeof startTestEmulator>[0] = {}): Promise<Setup> {
  const emu = await startTestEmulator(options);
  const callbackUrl = `http://localhost:${await freePort()}/cb`;
  const app = (await control(emu, 'POST', 'oauth-apps', { redirectUris: [callbackUrl] })) as Setup['app'];
  const user = emu.users.find((u) => u.roleType === 2) as Setup['user'];
  return { emu, app, callbackUrl, user };
}

const browserEnv = (s: Setup, extra: Record<string, string> = {}) => ({
  ...process.env,
  BROWSER: `${process.execPath} ${FAKE_BROWSER}`,
  FAKE_BROWSER_USER: s.user.userId,
  FAKE_BROWSER_PASSWORD: s.user.password,
  ...extra,
});

const props = (s: Setup, extra: Record<string, unknown> = {}) => ({
  URL: s.emu.url,
  AuthScheme: 'OAuth',
  OAuthClientId: s.app.clientId,
  OAuthClientSecret: s.app.clientSecret,
  CallbackURL: s.callbackUrl,
  ...extra,
});

/** Sign in through the desktop flow into `file`, then mark the stored token as expired. */
async function signInExpired(s: Setup, file: string): Promise<void> {
  const conn = await connect(props(s, { InitiateOAuth: 'GETANDREFRESH', OAuthSettingsLocation: file }), { env: browserEnv(s), oauthTimeoutMs: 20_000 });
  await conn.close();
  const json = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, { expiresAt: string }> };
  for (const e of Object.values(json.entries)) e.expiresAt = new Date(Date.now() - 60_000).toISOString();
  writeFileSync(file, JSON.stringify(json), { mode: 0o600 });
}

const refreshes = async (emu: RunningEmulator) =>
  (await journal(emu)).filter((r) => r.path === '/api/v2/oauth2/token' && (r.form as Record<string, string>).grant_type === 'refresh_token').length;

describe('refresh across processes and locks', () => {
  let s: Setup;
  before(async () => {
    s = await setup({ refreshRotation: 'reuse-detection' });
  });
  after(() => s.emu.close());

  it('8 processes sharing one settings file with an expired token: one refresh, all 8 succeed (TOK-7)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bsql-tok7-'));
    const file = join(dir, 'OAuthSettings.json');
    await signInExpired(s, file);
    await clearJournal(s.emu);
    const env = { ...process.env, CHILD_URL: s.emu.url, CHILD_CLIENT_ID: s.app.clientId, CHILD_CLIENT_SECRET: s.app.clientSecret, CHILD_FILE: file };
    const outputs = await Promise.all(
      Array.from({ length: 8 }, () =>
        run(process.execPath, ['--import', 'tsx', CHILD], { env, timeout: 60_000 }).then(
          (r) => r.stdout.trim(),
          (e: { stdout?: string }) => e.stdout ?? 'crashed',
        ),
      ),
    );
    assert.deepEqual(outputs, Array(8).fill('ok'));
    assert.equal(await refreshes(s.emu), 1);
    for (const o of outputs) assert.ok(!o.includes(s.app.clientSecret));
  });

  it('a lock left by a killed process is taken over after the stale timeout (TOK-8)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bsql-tok8-'));
    const file = join(dir, 'OAuthSettings.json');
    await signInExpired(s, file);
    // proper-lockfile's lock is a folder; one whose mtime is older than the stale timeout is dead.
    mkdirSync(`${file}.lock`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    await clearJournal(s.emu);
    const started = Date.now();
    const conn = await connect(props(s, { InitiateOAuth: 'REFRESH', OAuthSettingsLocation: file }));
    await conn.query('SELECT Name FROM Priorities');
    await conn.close();
    assert.ok(Date.now() - started < 10_000);
    assert.equal(await refreshes(s.emu), 1);
  });
});

describe('token responses (TOK-10)', () => {
  it('a refresh answer without a refresh token keeps the old one; with one, replaces it', () => {
    const prev = { accessToken: 'a1', refreshToken: 'r1', obtainedAt: 0 };
    assert.equal(tokensFrom({ accessToken: 'a2', tokenType: 'Bearer', expiresIn: 3600 }, 1000, prev).refreshToken, 'r1');
    assert.equal(tokensFrom({ accessToken: 'a2', refreshToken: 'r2', tokenType: 'Bearer' }, 1000, prev).refreshToken, 'r2');
    assert.equal(tokensFrom({ accessToken: 'a2', tokenType: 'Bearer', expiresIn: 3600 }, 1000, prev).expiresAt, 1000 + 3600_000);
  });
});

describe('callback listener', () => {
  let s: Setup;
  before(async () => {
    s = await setup();
  });
  after(() => s.emu.close());

  it('listens on loopback only: 127.0.0.1 and ::1 for localhost, never 0.0.0.0 (OAUTH-2)', async () => {
    let addresses: { address: string; port: number }[] = [];
    await runDesktopFlow({
      app: { baseUrl: s.emu.url, ...s.app },
      callbackUrl: s.callbackUrl,
      usePkce: true,
      timeoutMs: 20_000,
      onListening: (a) => {
        addresses = a;
      },
      openBrowser: (url) => openInBrowser(url, browserEnv(s)),
    });
    assert.deepEqual(addresses.map((a) => a.address).sort(), ['127.0.0.1', '::1']);
  });

  it('completes when the browser resolves localhost to ::1', async () => {
    const tokens = await runDesktopFlow({
      app: { baseUrl: s.emu.url, ...s.app },
      callbackUrl: s.callbackUrl,
      usePkce: true,
      timeoutMs: 20_000,
      openBrowser: (url) => openInBrowser(url, browserEnv(s, { FAKE_BROWSER_CALLBACK_HOST: '[::1]' })),
    });
    assert.ok(tokens.accessToken);
  });
});

describe('PKCE against an emulator that requires it (OAUTH-7)', () => {
  let s: Setup;
  before(async () => {
    s = await setup({ pkce: 'required' });
  });
  after(() => s.emu.close());

  it('the desktop flow sends an S256 challenge and a 43-character verifier, and signs in', async () => {
    await clearJournal(s.emu);
    const conn = await connect(props(s, { InitiateOAuth: 'GETANDREFRESH', OAuthSettingsLocation: 'memory://pkce-required' }), {
      env: browserEnv(s),
      oauthTimeoutMs: 20_000,
    });
    await conn.query('SELECT Name FROM Priorities');
    await conn.close();
    const exchange = (await journal(s.emu)).find((r) => r.path === '/api/v2/oauth2/token');
    assert.ok(exchange && 'code_verifier' in (exchange.form as Record<string, string>));
  });

  it('with UsePKCE=false the server refuses, and the error says so', async () => {
    const e = await connect(props(s, { InitiateOAuth: 'GETANDREFRESH', UsePKCE: false, OAuthSettingsLocation: 'memory://pkce-off' }), {
      env: browserEnv(s),
      oauthTimeoutMs: 20_000,
    }).then(
      () => assert.fail('expected an error'),
      (x: unknown) => x,
    );
    assert.ok(e instanceof OAuthError);
    assert.equal(e.error, 'invalid_request');
  });

  it('the web flow procedures derive a PKCE pair that the exchange in another connection matches', async () => {
    const a = await connect(props(s));
    const url = ((await a.query("EXEC GetOAuthAuthorizationURL @State = 'st-1'")).rows[0] as { URL: string }).URL;
    await a.close();
    assert.equal(new URL(url).searchParams.get('code_challenge_method'), 'S256');
    // The person's browser, then the callback's code reaches the web app.
    const log = join(mkdtempSync(join(tmpdir(), 'bsql-pkce-')), 'cb.log');
    const cb = await freePortServer(s.callbackUrl);
    await openInBrowser(url, browserEnv(s, { FAKE_BROWSER_LOG: log }));
    const code = await cb.code;
    const b = await connect(props(s));
    const { rows } = await b.query('EXEC GetOAuthAccessToken @Verifier = ?, @State = ?', [code, 'st-1']);
    assert.ok((rows[0] as { OAuthAccessToken: string }).OAuthAccessToken);
    await b.close();
  });
});

/** A stand-in web app's callback page: resolves with the code it receives. */
async function freePortServer(callbackUrl: string): Promise<{ code: Promise<string> }> {
  const { createServer: createHttp } = await import('node:http');
  const u = new URL(callbackUrl);
  let resolve!: (c: string) => void;
  const code = new Promise<string>((r) => {
    resolve = r;
  });
  const server = createHttp((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    res.end('ok');
    const c = q.get('code');
    if (c) {
      server.close();
      server.closeAllConnections();
      resolve(c);
    }
  });
  await new Promise<void>((r) => server.listen(Number(u.port), '127.0.0.1', r));
  return { code };
}
