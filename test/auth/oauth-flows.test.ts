/**
 * The OAuth flows end to end against the emulator (ARCHITECTURE.md §7, docs/cdata-driver.md §8):
 * desktop (GETANDREFRESH) driven by a $BROWSER stand-in that logs in and consents with plain
 * HTTP, web (the procedures), headless (OAuthVerifier; a copied settings file), signed-out
 * connections, refresh (TOK-6/9/10/11) and the secret canary (TOK-12).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, statSync, copyFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { connect, type Connection } from '../../src/core/connection.js';
import { AuthError, ConfigError, OAuthError } from '../../src/errors.js';
import { clearJournal, control, journal, startTestEmulator, type RunningEmulator, freePort } from '../helpers/emulator.js';

const FAKE_BROWSER = new URL('./fake-browser.mjs', import.meta.url).pathname;

async function refused(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`);
    return false;
  } catch {
    return true;
  }
}

let emu: RunningEmulator;
let app: { clientId: string; clientSecret: string };
let port: number;
let callbackUrl: string;
let dir: string;
const secrets: string[] = [];
const captured: string[] = [];
const user = () => emu.users.find((u) => u.roleType === 2) as { userId: string; password: string; apiKey: string };

function browserEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return { ...process.env, BROWSER: `${process.execPath} ${FAKE_BROWSER}`, FAKE_BROWSER_USER: user().userId, FAKE_BROWSER_PASSWORD: user().password, ...extra };
}

function props(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { URL: emu.url, AuthScheme: 'OAuth', OAuthClientId: app.clientId, OAuthClientSecret: app.clientSecret, CallbackURL: callbackUrl, ...extra };
}

function logLines(file: string): Record<string, unknown>[] {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];
}

const tokenCalls = async (grant: string) =>
  (await journal(emu)).filter((r) => r.path === '/api/v2/oauth2/token' && (r.form as Record<string, string>).grant_type === grant);

function remember(e: unknown): unknown {
  if (e instanceof Error) captured.push(`${e.message} ${(e as { hint?: string }).hint ?? ''}`);
  return e;
}

before(async () => {
  emu = await startTestEmulator({ refreshRotation: 'reuse-detection' });
  port = await freePort();
  callbackUrl = `http://localhost:${port}/callback`;
  app = (await control(emu, 'POST', 'oauth-apps', {
    name: 'tests',
    redirectUris: [callbackUrl],
    clientSecret: 'canary-client-secret-0123456789abcdef',
  })) as typeof app;
  secrets.push(app.clientSecret, user().password);
  dir = mkdtempSync(join(tmpdir(), 'bsql-oauth-'));
});

after(async () => {
  // TOK-12: no secret or token in any error we saw, nor in the journal dump.
  const dump = JSON.stringify(await journal(emu));
  for (const s of secrets) {
    for (const text of [...captured, dump]) assert.ok(!text.includes(s), 'a secret leaked into an error or the journal');
  }
  await emu.close();
});

describe('desktop flow (InitiateOAuth=GETANDREFRESH)', () => {
  let file: string;
  let conn: Connection;

  it('signs in through $BROWSER, stores the tokens 0600 and answers queries', async () => {
    file = join(dir, 'desktop', 'OAuthSettings.json');
    const log = join(dir, 'desktop-browser.log');
    const urls: string[] = [];
    await clearJournal(emu);
    conn = await connect(props({ InitiateOAuth: 'GETANDREFRESH', OAuthSettingsLocation: file }), {
      env: browserEnv({ FAKE_BROWSER_LOG: log, FAKE_BROWSER_PROBES: '1' }),
      onAuthorizationUrl: (u) => urls.push(u),
      oauthTimeoutMs: 20_000,
    });
    assert.equal(urls.length, 1, 'the URL was handed to onAuthorizationUrl (OAUTH-1)');
    const url = new URL(urls[0] as string);
    assert.equal(url.searchParams.get('redirect_uri'), callbackUrl);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256', 'PKCE is on by default');
    assert.ok((url.searchParams.get('state') ?? '').length >= 43, 'state carries at least 128 bits (OAUTH-4)');
    const { rows } = await conn.query('SELECT Name FROM Priorities ORDER BY Id');
    assert.ok(rows.length > 0);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'settings file 0600 (TOK-2)');
    assert.equal(statSync(join(dir, 'desktop')).mode & 0o777, 0o700, 'folder 0700 (TOK-2)');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, { expiresAt: string; accessToken: string; refreshToken: string }> };
    const entry = Object.values(stored.entries)[0];
    assert.ok(entry && !Number.isNaN(Date.parse(entry.expiresAt)), 'absolute expiry (TOK-5)');
    secrets.push(entry?.accessToken ?? '', entry?.refreshToken ?? '');
    // TOK-12: what console.log would show of the connection holds no token or secret.
    captured.push(inspect(conn, { depth: 10 }));

    // OAUTH-5/6/10: wrong state → 400, other path → 404, POST → 405; the flow went on; one exchange.
    const lines = logLines(log);
    const by = (label: string) => lines.find((l) => l.label === label);
    assert.equal(by('wrong-state')?.status, 400);
    assert.equal(by('other-path')?.status, 404);
    assert.equal(by('post')?.status, 405);
    assert.equal(by('callback')?.status, 200);
    assert.equal(by('callback')?.title, 'Signed in');
    assert.equal(by('callback')?.cacheControl, 'no-store');
    assert.equal(by('callback')?.referrerPolicy, 'no-referrer');
    assert.equal(by('callback')?.echoesCode, false);
    const exchanges = await tokenCalls('authorization_code');
    assert.equal(exchanges.length, 1, 'exactly one code exchange');
    assert.equal((exchanges[0]?.form as Record<string, string>).redirect_uri, callbackUrl, 'same redirect URI in both requests (OAUTH-3)');
    assert.ok(await refused(port), 'the listener is closed after success (OAUTH-9)');
  });

  it('a later connection reuses the stored tokens without a browser', async () => {
    await clearJournal(emu);
    const again = await connect(props({ InitiateOAuth: 'GETANDREFRESH', OAuthSettingsLocation: file }), {
      openBrowser: async () => assert.fail('no browser expected'),
    });
    await again.query('SELECT Name FROM Priorities');
    assert.equal((await tokenCalls('authorization_code')).length + (await tokenCalls('refresh_token')).length, 0);
    await again.close();
  });

  it('20 parallel queries with an expired token send exactly one refresh (TOK-6)', async () => {
    await control(emu, 'POST', 'clock', { advanceSeconds: 7200 });
    await clearJournal(emu);
    const results = await Promise.all(Array.from({ length: 20 }, () => conn.query('SELECT Name FROM Priorities')));
    assert.equal(results.length, 20);
    assert.equal((await tokenCalls('refresh_token')).length, 1);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, { accessToken: string; refreshToken: string }> };
    const entry = Object.values(stored.entries)[0];
    secrets.push(entry?.accessToken ?? '', entry?.refreshToken ?? '');
    await conn.close();
  });

  it('refreshes shortly before expiry, before any 401 (TOK-9)', async () => {
    await clearJournal(emu);
    // A margin longer than the token's life: every request counts as "about to expire".
    const c = await connect(props({ InitiateOAuth: 'GETANDREFRESH', OAuthSettingsLocation: file }), { refreshMarginMs: 2 * 3600_000 });
    const j = await journal(emu);
    assert.equal(j[0]?.path, '/api/v2/oauth2/token', 'the refresh came first');
    assert.ok(j.every((r) => r.status !== 401));
    await c.close();
  });

  it('a denied consent ends with a clear error and closes the listener (OAUTH-8)', async () => {
    const e = await connect(props({ InitiateOAuth: 'GETANDREFRESH', OAuthSettingsLocation: join(dir, 'denied.json') }), {
      env: browserEnv({ FAKE_BROWSER_ACTION: 'deny' }),
      oauthTimeoutMs: 20_000,
    }).then(() => assert.fail('expected an error'), remember);
    assert.ok(e instanceof OAuthError);
    assert.equal(e.error, 'access_denied');
    assert.match(e.message, /denied/);
    assert.ok(await refused(port));
    assert.ok(!existsSync(join(dir, 'denied.json')));
  });

  it('a port already in use is a clear error naming the port (OAUTH-12)', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const e = await connect(props({ InitiateOAuth: 'GETANDREFRESH', OAuthSettingsLocation: join(dir, 'busy.json') }), {
        openBrowser: async () => undefined,
      }).then(() => assert.fail('expected an error'), remember);
      assert.ok(e instanceof OAuthError);
      assert.match(e.message, new RegExp(`port ${port}`));
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  it('times out with a clear error and closes the listener (OAUTH-9)', async () => {
    const e = await connect(props({ InitiateOAuth: 'GETANDREFRESH', OAuthSettingsLocation: join(dir, 'timeout.json') }), {
      openBrowser: async () => undefined,
      oauthTimeoutMs: 300,
    }).then(() => assert.fail('expected an error'), remember);
    assert.ok(e instanceof OAuthError);
    assert.equal(e.error, 'timeout');
    assert.ok(await refused(port));
  });
});

describe('web flow (procedures) and signed-out connections', () => {
  it('a signed-out connection runs the OAuth procedures and sys_* tables; other tables name the flows', async () => {
    const file = join(dir, 'web.json');
    const conn = await connect(props({ OAuthSettingsLocation: file }));
    assert.equal(conn.signedIn, false);
    const procs = await conn.query('SELECT ProcedureName FROM sys_procedures ORDER BY 1');
    const names = procs.rows.map((r) => (r as { ProcedureName: string }).ProcedureName);
    // Every procedure is listed (like every table); the OAuth ones are those that run signed out.
    for (const name of ['GetOAuthAccessToken', 'GetOAuthAuthorizationURL', 'RefreshOAuthAccessToken']) assert.ok(names.includes(name), name);
    const e = await conn.query('SELECT * FROM Priorities').then(() => assert.fail('expected an error'), remember);
    assert.ok(e instanceof AuthError);
    assert.match(`${e.message} ${e.hint}`, /GETANDREFRESH.*GetOAuthAuthorizationURL/);

    const { rows } = await conn.query("EXEC GetOAuthAuthorizationURL @CallbackURL = ?, @State = 'web-state-1'", [callbackUrl]);
    const url = (rows[0] as { URL: string }).URL;
    // The person's browser: log in, allow, and the redirect's code comes back to the web app.
    const code = await browserCode(url);
    const tokens = await conn.query('CALL GetOAuthAccessToken(Verifier => $code, CallbackURL => $cb, State => $state)', {
      code,
      cb: callbackUrl,
      state: 'web-state-1',
    });
    const t = tokens.rows[0] as { OAuthAccessToken: string; OAuthRefreshToken: string; ExpiresIn: number };
    secrets.push(t.OAuthAccessToken, t.OAuthRefreshToken);
    assert.ok(t.ExpiresIn > 3000);
    assert.ok(existsSync(file), 'with OAuthSettingsLocation the tokens are stored');
    assert.equal(conn.signedIn, false, 'the signed-out connection stays signed out: reconnect with the tokens');
    await conn.close();

    // Only OAuthAccessToken: works until it expires, then a clear "token expired" error.
    const holder = await connect({ URL: emu.url, AuthScheme: 'OAuth', OAuthAccessToken: t.OAuthAccessToken });
    await holder.query('SELECT Name FROM Priorities');
    await control(emu, 'POST', 'clock', { advanceSeconds: 7200 });
    const expired = await holder.query('SELECT Id FROM Resolutions').then(() => assert.fail('expected an error'), remember);
    assert.ok(expired instanceof AuthError, String(expired));
    assert.match(expired.message, /expired/);
    assert.match(expired.hint ?? '', /RefreshOAuthAccessToken/);
    await holder.close();

    // RefreshOAuthAccessToken → a new pair; InitiateOAuth=REFRESH with a refresh token renews itself.
    const r = await connect(props());
    const refreshed = (await r.query('EXEC RefreshOAuthAccessToken @OAuthRefreshToken = ?', [t.OAuthRefreshToken])).rows[0] as typeof t;
    secrets.push(refreshed.OAuthAccessToken, refreshed.OAuthRefreshToken);
    assert.notEqual(refreshed.OAuthAccessToken, t.OAuthAccessToken);
    await r.close();
    const auto = await connect(props({ InitiateOAuth: 'REFRESH', OAuthRefreshToken: refreshed.OAuthRefreshToken, OAuthSettingsLocation: 'memory://web-auto' }));
    await auto.query('SELECT Name FROM Priorities');
    await auto.close();
  });

  it('asking for the implicit grant says Backlog has only the code grant', async () => {
    const conn = await connect(props({ OAuthSettingsLocation: 'memory://implicit' }));
    const e = await conn.query("EXEC GetOAuthAccessToken @AuthMode = 'IMPLICIT', @Verifier = 'x'").then(() => assert.fail('expected an error'), remember);
    assert.ok(e instanceof OAuthError);
    assert.match(e.message, /only the authorization code grant/);
    await conn.close();
  });

  it('contradictory or missing settings say which flow needs which property', async () => {
    const noSecret = await connect({ URL: emu.url, AuthScheme: 'OAuth', InitiateOAuth: 'REFRESH', OAuthClientId: app.clientId }, { env: {} }).then(
      () => assert.fail('expected an error'),
      remember,
    );
    assert.ok(noSecret instanceof ConfigError);
    assert.match(noSecret.message, /OAuthClientSecret is required for InitiateOAuth=REFRESH/);
    const verifierOff = await connect(props({ OAuthVerifier: 'abc' })).then(() => assert.fail('expected an error'), remember);
    assert.ok(verifierOff instanceof ConfigError);
    assert.match(verifierOff.message, /InitiateOAuth=REFRESH/);
    const nothing = await connect(props({ InitiateOAuth: 'REFRESH', OAuthSettingsLocation: 'memory://empty' })).then(
      () => assert.fail('expected an error'),
      remember,
    );
    assert.ok(nothing instanceof AuthError);
    assert.match(nothing.message, /nothing to refresh/);
  });
});

/** Log in and allow with plain HTTP, returning the code of the redirect (a person's browser). */
async function browserCode(url: string): Promise<string> {
  let cookie = '';
  const go = async (target: string, init: RequestInit = {}) => {
    const res = await fetch(target, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0] as string;
    return res;
  };
  const field = (html: string, name: string) =>
    (new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '').replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  let html = await (await go(url)).text();
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  let res = await go(`${emu.url}/Login.action`, {
    method: 'POST',
    headers: form,
    body: new URLSearchParams({ url: field(html, 'url'), userId: user().userId, password: user().password }).toString(),
  });
  html = await (await go(new URL(res.headers.get('location') ?? '/', emu.url).href)).text();
  res = await go(`${emu.url}/OAuth2AccessRequest.action`, {
    method: 'POST',
    headers: form,
    body: new URLSearchParams({ request_id: field(html, 'request_id'), csrf_token: field(html, 'csrf_token'), allow: '1' }).toString(),
  });
  const code = new URL(res.headers.get('location') ?? '').searchParams.get('code');
  assert.ok(code);
  secrets.push(code);
  return code;
}

describe('headless flows', () => {
  it('writes work signed in with OAuth: an INSERT, an UPDATE and a write procedure go out as the consenting user', async () => {
    const file = join(dir, 'oauth-writes', 'OAuthSettings.json');
    const signedOut = await connect(props());
    const url = ((await signedOut.query('EXEC GetOAuthAuthorizationURL')).rows[0] as { URL: string }).URL;
    await signedOut.close();
    const conn = await connect(props({ InitiateOAuth: 'REFRESH', OAuthVerifier: await browserCode(url), OAuthSettingsLocation: file }));
    try {
      const me = (await conn.query('EXEC GetOwnUser')).rows[0] as { Id: number };
      await clearJournal(emu);
      const r = await conn.query("INSERT INTO ProjectCategories (ProjectKey, Name) VALUES ('WEB', 'OAuth で作成') RETURNING Id");
      const id = (r.rows[0] as { Id: number }).Id;
      const u = await conn.query(`UPDATE ProjectCategories SET Name = 'OAuth で更新' WHERE ProjectKey = 'WEB' AND Id = ${id}`);
      assert.equal(u.rowCount, 1);
      await conn.query('EXEC MarkAllNotificationsAsRead');
      const writes = (await journal(emu)).filter((j) => j.method !== 'GET');
      assert.deepEqual(
        writes.map((w) => `${w.method} ${w.path}`),
        ['POST /api/v2/projects/1/categories', `PATCH /api/v2/projects/1/categories/${id}`, 'POST /api/v2/notifications/markAsRead'],
      );
      assert.ok(writes.every((w) => w.status < 300));
      for (const w of writes) assert.equal(w.user, me.Id, 'sent with the OAuth access token of the user who consented');
    } finally {
      await conn.close();
    }
  });

  it('OAuthVerifier with REFRESH exchanges a code from elsewhere and stores the tokens; the copied file works on another machine', async () => {
    const file = join(dir, 'headless', 'OAuthSettings.json');
    const signedOut = await connect(props());
    const url = ((await signedOut.query('EXEC GetOAuthAuthorizationURL')).rows[0] as { URL: string }).URL;
    await signedOut.close();
    const code = await browserCode(url);
    await clearJournal(emu);
    const conn = await connect(props({ InitiateOAuth: 'REFRESH', OAuthVerifier: code, OAuthSettingsLocation: file }));
    await conn.query('SELECT Name FROM Priorities');
    await conn.close();
    // The same connection string again: the code is not exchanged a second time.
    const again = await connect(props({ InitiateOAuth: 'REFRESH', OAuthVerifier: code, OAuthSettingsLocation: file }));
    await again.query('SELECT Name FROM Priorities');
    await again.close();
    assert.equal((await tokenCalls('authorization_code')).length, 1);

    const other = join(dir, 'other-machine');
    mkdirSync(other, { mode: 0o700 });
    copyFileSync(file, join(other, 'OAuthSettings.json'));
    await control(emu, 'POST', 'clock', { advanceSeconds: 7200 });
    const copied = await connect(props({ InitiateOAuth: 'REFRESH', OAuthSettingsLocation: join(other, 'OAuthSettings.json') }));
    await copied.query('SELECT Name FROM Priorities');
    await copied.close();
    assert.equal((await tokenCalls('refresh_token')).length, 1);
  });
});

describe('refresh failures (TOK-11)', () => {
  it('invalid_grant removes the stored sign-in only when it still holds the refresh token that failed', async () => {
    const file = join(dir, 'tok11.json');
    const signedOut = await connect(props());
    const url = ((await signedOut.query('EXEC GetOAuthAuthorizationURL')).rows[0] as { URL: string }).URL;
    await signedOut.close();
    const code = await browserCode(url);
    const conn = await connect(props({ InitiateOAuth: 'REFRESH', OAuthVerifier: code, OAuthSettingsLocation: file }));
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, { accessToken: string; refreshToken: string }> };
    const entry = Object.values(stored.entries)[0] as { accessToken: string; refreshToken: string };
    secrets.push(entry.accessToken, entry.refreshToken);
    // Someone else uses the refresh token: with reuse detection the whole sign-in is revoked.
    const other = await connect(props());
    await other.query('EXEC RefreshOAuthAccessToken @OAuthRefreshToken = ?', [entry.refreshToken]);
    await other.close();
    await control(emu, 'POST', 'clock', { advanceSeconds: 7200 });
    const e = await conn.query('SELECT Name FROM Priorities').then(() => assert.fail('expected an error'), remember);
    assert.ok(e instanceof AuthError);
    assert.match(e.message, /no longer valid/);
    const after = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, unknown> };
    assert.equal(Object.keys(after.entries).length, 0, 'the dead sign-in was removed');
    await conn.close();
  });
});
