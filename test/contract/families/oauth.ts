/**
 * The emulator's OAuth 2.0 authorization server (backlog-api.md §2.2, ARCHITECTURE.md §7/§9): the
 * authorization endpoint with its login and consent screens, the token endpoint (code and refresh
 * grants, every --refresh-rotation mode, --pkce modes) and the developer-applications page.
 *
 * The HTML flow is walked with plain fetch and a cookie jar (no browser): GET the authorization
 * URL, POST the login form, keep the session cookie, POST Allow or Deny, read the Location header.
 * backlog-js' OAuth2 helper builds the authorization URL and exchanges and refreshes tokens.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { FAKE_HOST, api, backlogClient, control, journal, oauthClient, startTestEmulator, type RunningEmulator } from '../../helpers/emulator.js';
import { assertShape, type Spec } from '../../helpers/shape.js';
import { emu, freshEmulator } from '../harness.js';

const TOKEN_RESPONSE: Spec = { access_token: 'string', token_type: 'string', expires_in: 'number', refresh_token: 'string' };
const TOKEN_ERROR: Spec = { error: 'string', error_description: 'string' };

interface App {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

/** Every secret the family saw; none may ever appear in the journal. */
const secretsSeen = new Set<string>();
function remember<T extends string | undefined | null>(secret: T): T {
  if (secret) secretsSeen.add(secret);
  return secret;
}

function unescapeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
}

function hiddenValue(page: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  assert.ok(m, `page has no hidden input ${name}:\n${page}`);
  return unescapeHtml(m[1] as string);
}

/** The CSRF token of the consent page's second form (log out). */
function logoutCsrf(consent: string): string {
  return hiddenValue(consent.slice(consent.indexOf('id="logout-form"')), 'csrf_token');
}

/** A cookie-keeping fetch that never follows redirects. */
class Browser {
  private cookies = new Map<string, string>();
  constructor(readonly base: { url: string }) {}

  private absolute(pathOrUrl: string): string {
    return pathOrUrl.startsWith('http') ? pathOrUrl : `${this.base.url}${pathOrUrl}`;
  }

  private keep(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = (pair as string).indexOf('=');
      const name = (pair as string).slice(0, eq);
      const value = (pair as string).slice(eq + 1);
      if (/max-age=0/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get sessionId(): string | undefined {
    return [...this.cookies.values()][0];
  }

  async get(pathOrUrl: string): Promise<{ res: Response; text: string }> {
    const res = await fetch(this.absolute(pathOrUrl), { redirect: 'manual', headers: this.cookies.size ? { cookie: this.cookieHeader } : {} });
    this.keep(res);
    return { res, text: await res.text() };
  }

  async post(path: string, form: Record<string, string>): Promise<{ res: Response; text: string }> {
    const res = await fetch(this.absolute(path), {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(this.cookies.size ? { cookie: this.cookieHeader } : {}) },
    });
    this.keep(res);
    return { res, text: await res.text() };
  }
}

/** The authorization URL backlog-js builds, pointed at the emulator, plus extra parameters. */
function authorizationUrl(e: RunningEmulator, app: App, opts: { redirectUri?: string; state?: string; extra?: Record<string, string> } = {}): string {
  const url = oauthClient(e, app).getAuthorizationURL({
    host: FAKE_HOST,
    redirectUri: opts.redirectUri ?? (app.redirectUris[0] as string),
    ...(opts.state !== undefined ? { state: opts.state } : {}),
  });
  const extra = new URLSearchParams(opts.extra ?? {}).toString();
  return url.replace(`https://${FAKE_HOST}`, e.url) + (extra ? `&${extra}` : '');
}

function userOf(e: RunningEmulator, roleType: number): { id: number; userId: string; password: string } {
  const u = e.users.find((x) => x.roleType === roleType);
  assert.ok(u);
  return u;
}

/** GET the authorization URL, log in on the page it shows, and return the consent page. */
async function loginToConsent(e: RunningEmulator, browser: Browser, url: string, roleType = 2): Promise<string> {
  const first = await browser.get(url);
  assert.equal(first.res.status, 200);
  assert.match(first.text, /id="userId"/);
  assert.match(first.text, /id="password"/);
  const user = userOf(e, roleType);
  const login = await browser.post('/Login.action', { url: hiddenValue(first.text, 'url'), userId: user.userId, password: user.password });
  assert.equal(login.res.status, 302);
  const back = login.res.headers.get('location') as string;
  assert.equal(`${e.url}${back}`, url, 'the login comes back to the authorization request');
  const consent = await browser.get(back);
  assert.equal(consent.res.status, 200);
  assert.match(consent.text, /name="allow"/);
  assert.match(consent.text, /name="deny"/);
  return consent.text;
}

/** Press Allow (or Deny) on a consent page; returns the redirect target. */
async function decide(browser: Browser, consent: string, decision: 'allow' | 'deny'): Promise<URL> {
  const r = await browser.post('/OAuth2AccessRequest.action', {
    request_id: hiddenValue(consent, 'request_id'),
    csrf_token: remember(hiddenValue(consent, 'csrf_token')),
    [decision]: '1',
  });
  assert.equal(r.res.status, 302, r.text);
  return new URL(r.res.headers.get('location') as string);
}

/** A full login + Allow; returns the code. */
async function authorize(
  e: RunningEmulator,
  app: App,
  opts: { redirectUri?: string; state?: string; extra?: Record<string, string>; roleType?: number } = {},
): Promise<string> {
  const browser = new Browser(e);
  const consent = await loginToConsent(e, browser, authorizationUrl(e, app, opts), opts.roleType ?? 2);
  const target = await decide(browser, consent, 'allow');
  const code = target.searchParams.get('code');
  assert.ok(code, `no code in ${target.href}`);
  return remember(code);
}

async function token(e: RunningEmulator, form: Record<string, string>): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const r = await api(e, 'POST', '/oauth2/token', { form, apiKey: null });
  const body = r.body as Record<string, unknown>;
  if (r.status === 200) {
    remember(body.access_token as string);
    remember(body.refresh_token as string);
  }
  return { status: r.status, headers: r.headers, body };
}

function codeForm(app: App, code: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    grant_type: 'authorization_code',
    code,
    redirect_uri: app.redirectUris[0] as string,
    client_id: app.clientId,
    client_secret: app.clientSecret,
    ...extra,
  };
}

function refreshForm(app: App, refreshToken: string): Record<string, string> {
  return { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.clientId, client_secret: app.clientSecret };
}

async function myselfWith(e: RunningEmulator, accessToken: string): Promise<{ status: number; challenge: string | null; id: number | undefined }> {
  const r = await api(e, 'GET', '/users/myself', { apiKey: null, headers: { authorization: `Bearer ${accessToken}` } });
  return { status: r.status, challenge: r.headers.get('www-authenticate'), id: (r.body as { id?: number } | undefined)?.id };
}

function assertTokenError(r: { status: number; headers: Headers; body: Record<string, unknown> }, error: string, status: number): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assertShape(r.body, TOKEN_ERROR);
  assert.equal(r.body.error, error);
  assert.equal(r.headers.get('cache-control'), 'no-store');
}

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function registerApp(e: RunningEmulator, redirectUri: string): Promise<App> {
  const app = (await control(e, 'POST', 'oauth-apps', { name: 'Contract test app', redirectUris: [redirectUri] })) as App;
  remember(app.clientSecret);
  return app;
}

/** Journal JSON must not contain any secret the tests saw. */
async function assertJournalClean(e: RunningEmulator): Promise<void> {
  const text = JSON.stringify(await journal(e));
  for (const s of secretsSeen) assert.ok(!text.includes(s), `journal contains a secret (${s.slice(0, 4)}…)`);
}

export function oauthContract(): void {
  let app: App;
  before(async () => {
    await freshEmulator();
    app = await registerApp(emu(), 'http://127.0.0.1:45123/callback');
    remember(emu().oauthApp.clientSecret);
    for (const u of emu().users) remember(u.password);
  });

  describe('authorization endpoint, login and consent', () => {
    test('walks the code flow (login, Allow, code, token) and getMyself answers as the user who logged in', async () => {
      const browser = new Browser(emu());
      const url = authorizationUrl(emu(), app, { state: 'xyz-123' });
      const first = await browser.get(url);
      assert.equal(first.res.status, 200);
      assert.match(first.res.headers.get('content-type') ?? '', /text\/html/);
      const user = userOf(emu(), 2);
      const login = await browser.post('/Login.action', { url: hiddenValue(first.text, 'url'), userId: user.userId, password: user.password });
      assert.equal(login.res.status, 302);
      const cookie = login.res.headers.getSetCookie()[0] ?? '';
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      const consent = await browser.get(login.res.headers.get('location') as string);
      assert.match(consent.text, /Contract test app/, 'the consent page names the app');
      assert.ok(consent.text.includes((await backlogClient(emu()).getSpace()).name), 'the consent page names the space');
      assert.ok(!consent.text.includes(app.clientSecret));
      const target = await decide(browser, consent.text, 'allow');
      assert.equal(`${target.origin}${target.pathname}`, 'http://127.0.0.1:45123/callback');
      assert.equal(target.searchParams.get('state'), 'xyz-123');
      const code = remember(target.searchParams.get('code') as string);
      const tokens = await oauthClient(emu(), app).getAccessToken({ host: FAKE_HOST, code, redirectUri: app.redirectUris[0] as string });
      remember(tokens.access_token);
      remember(tokens.refresh_token);
      assertShape(tokens, TOKEN_RESPONSE);
      assert.equal(tokens.token_type, 'Bearer');
      assert.equal(tokens.expires_in, 3600);
      const me = await backlogClient(emu(), { accessToken: tokens.access_token }).getMyself();
      assert.equal(me.id, user.id);
      assert.equal(me.userId, user.userId);
    });

    test('signs in with the mail address as well as the user id, and as a different role', async () => {
      const viewer = userOf(emu(), 4);
      const me = (await api(emu(), 'GET', '/users/myself', { apiKey: emu().users.find((u) => u.id === viewer.id)?.apiKey })).body as { mailAddress: string };
      const browser = new Browser(emu());
      const first = await browser.get(authorizationUrl(emu(), app));
      const login = await browser.post('/Login.action', { url: hiddenValue(first.text, 'url'), userId: me.mailAddress, password: viewer.password });
      assert.equal(login.res.status, 302);
      const consent = await browser.get(login.res.headers.get('location') as string);
      const code = remember((await decide(browser, consent.text, 'allow')).searchParams.get('code') as string);
      const r = await token(emu(), codeForm(app, code));
      assert.equal((await myselfWith(emu(), r.body.access_token as string)).id, viewer.id);
    });

    test('a wrong password shows the login page again with an error and sets no session cookie', async () => {
      const browser = new Browser(emu());
      const first = await browser.get(authorizationUrl(emu(), app));
      const user = userOf(emu(), 2);
      const r = await browser.post('/Login.action', { url: hiddenValue(first.text, 'url'), userId: user.userId, password: 'not-the-password' });
      assert.equal(r.res.status, 200);
      assert.match(r.text, /id="login-error"/);
      assert.equal(r.res.headers.getSetCookie().length, 0);
      assert.ok(!r.text.includes('not-the-password'), 'the password is not echoed');
      const unknown = await browser.post('/Login.action', { url: hiddenValue(first.text, 'url'), userId: 'nobody', password: 'x' });
      assert.match(unknown.text, /id="login-error"/);
    });

    test('login never redirects off the emulator: a foreign return URL goes to the developer page', async () => {
      const browser = new Browser(emu());
      const user = userOf(emu(), 2);
      const r = await browser.post('/Login.action', { url: 'https://evil.example/steal', userId: user.userId, password: user.password });
      assert.equal(r.res.status, 302);
      assert.equal(r.res.headers.get('location'), '/developer/applications');
    });

    test('Deny redirects with error=access_denied and the state echoed exactly', async () => {
      const browser = new Browser(emu());
      const state = 'a b+c/=&é';
      const consent = await loginToConsent(emu(), browser, authorizationUrl(emu(), app, { state }));
      const target = await decide(browser, consent, 'deny');
      assert.equal(target.searchParams.get('error'), 'access_denied');
      assert.equal(target.searchParams.get('state'), state);
      assert.equal(target.searchParams.get('code'), null);
    });

    test('omits state from the redirect when the request had none, and keeps the registered query of the redirect URI', async () => {
      const withQuery = await registerApp(emu(), 'http://127.0.0.1:45124/cb?tenant=a%20b');
      const browser = new Browser(emu());
      const consent = await loginToConsent(emu(), browser, authorizationUrl(emu(), withQuery));
      const r = await browser.post('/OAuth2AccessRequest.action', {
        request_id: hiddenValue(consent, 'request_id'),
        csrf_token: remember(hiddenValue(consent, 'csrf_token')),
        allow: '1',
      });
      const location = r.res.headers.get('location') as string;
      assert.ok(location.startsWith('http://127.0.0.1:45124/cb?tenant=a%20b&code='), location);
      const target = new URL(location);
      remember(target.searchParams.get('code'));
      assert.equal(target.searchParams.has('state'), false);
    });

    test('a redirect_uri that is not exactly a registered one is an HTML error page (400, no Location)', async () => {
      const variants = [
        'http://127.0.0.1:45123/callback/',
        'http://127.0.0.1:45124/callback',
        'http://localhost:45123/callback',
        'https://evil.example/callback',
      ];
      for (const redirectUri of variants) {
        const r = await new Browser(emu()).get(authorizationUrl(emu(), app, { redirectUri, state: 's' }));
        assert.equal(r.res.status, 400, redirectUri);
        assert.equal(r.res.headers.get('location'), null);
        assert.match(r.res.headers.get('content-type') ?? '', /text\/html/);
        assert.match(r.text, /redirect_uri_mismatch/);
      }
      const missing = await new Browser(emu()).get(`/OAuth2AccessRequest.action?response_type=code&client_id=${app.clientId}`);
      assert.equal(missing.res.status, 400);
      assert.equal(missing.res.headers.get('location'), null);
    });

    test('an unknown or missing client_id is an HTML error page, never a redirect', async () => {
      const unknown = await new Browser(emu()).get(authorizationUrl(emu(), { ...app, clientId: 'no-such-client-0000' }));
      assert.equal(unknown.res.status, 400);
      assert.equal(unknown.res.headers.get('location'), null);
      assert.match(unknown.text, /invalid_client/);
      const missing = await new Browser(emu()).get(
        `/OAuth2AccessRequest.action?response_type=code&redirect_uri=${encodeURIComponent(app.redirectUris[0] as string)}`,
      );
      assert.equal(missing.res.status, 400);
      assert.equal(missing.res.headers.get('location'), null);
    });

    test('response_type other than code redirects with error=unsupported_response_type and the state', async () => {
      const url = authorizationUrl(emu(), app, { state: 'st' }).replace('response_type=code', 'response_type=token');
      const r = await new Browser(emu()).get(url);
      assert.equal(r.res.status, 302);
      const target = new URL(r.res.headers.get('location') as string);
      assert.equal(target.searchParams.get('error'), 'unsupported_response_type');
      assert.equal(target.searchParams.get('state'), 'st');
    });

    test('unknown parameters on the authorization endpoint are ignored', async () => {
      const code = await authorize(emu(), app, { extra: { scope: 'read write', nonce: 'n', prompt: 'consent' } });
      const r = await token(emu(), codeForm(app, code));
      assert.equal(r.status, 200);
    });

    test('a consent POST with a wrong CSRF token, from another session or twice is refused without a redirect', async () => {
      const browser = new Browser(emu());
      const consent = await loginToConsent(emu(), browser, authorizationUrl(emu(), app, { state: 's' }));
      const requestId = hiddenValue(consent, 'request_id');
      const csrf = remember(hiddenValue(consent, 'csrf_token'));
      const wrong = await browser.post('/OAuth2AccessRequest.action', { request_id: requestId, csrf_token: 'forged', allow: '1' });
      assert.equal(wrong.res.status, 403);
      assert.equal(wrong.res.headers.get('location'), null);
      const other = new Browser(emu());
      await loginToConsent(emu(), other, authorizationUrl(emu(), app));
      const stolen = await other.post('/OAuth2AccessRequest.action', { request_id: requestId, csrf_token: csrf, allow: '1' });
      assert.equal(stolen.res.status, 400);
      assert.equal(stolen.res.headers.get('location'), null);
      const noSession = await new Browser(emu()).post('/OAuth2AccessRequest.action', { request_id: requestId, csrf_token: csrf, allow: '1' });
      assert.equal(noSession.res.status, 403);
      const ok = await decide(browser, consent, 'allow');
      remember(ok.searchParams.get('code'));
      const again = await browser.post('/OAuth2AccessRequest.action', { request_id: requestId, csrf_token: csrf, allow: '1' });
      assert.equal(again.res.status, 400, 'a consent form answers once');
      assert.equal(again.res.headers.get('location'), null);
    });

    test('"sign in as another user" logs out and the next authorization shows the login page again', async () => {
      const browser = new Browser(emu());
      const url = authorizationUrl(emu(), app);
      const consent = await loginToConsent(emu(), browser, url);
      const forged = await browser.post('/Logout.action', { url: hiddenValue(consent, 'url'), csrf_token: 'forged' });
      assert.equal(forged.res.status, 403);
      const before = browser.sessionId;
      const r = await browser.post('/Logout.action', { url: hiddenValue(consent, 'url'), csrf_token: remember(logoutCsrf(consent)) });
      assert.equal(r.res.status, 302);
      assert.equal(`${emu().url}${r.res.headers.get('location')}`, url);
      const page = await browser.get(url);
      assert.match(page.text, /id="userId"/, 'signed out: the login page again');
      const stale = await fetch(url, { headers: { cookie: `BACKLOG_EMULATOR_SESSION=${before}` } });
      assert.match(await stale.text(), /id="userId"/, 'the old session id is dead');
      const admin = await loginToConsent(emu(), browser, url, 1);
      assert.match(admin, /id="signed-in-user"/);
    });
  });

  describe('token endpoint', () => {
    test('answers with no-store and a 4-field token response; expires_in follows --token-ttl', async () => {
      const r = await token(emu(), codeForm(app, await authorize(emu(), app)));
      assert.equal(r.status, 200);
      assertShape(r.body, TOKEN_RESPONSE);
      assert.deepEqual(Object.keys(r.body).sort(), ['access_token', 'expires_in', 'refresh_token', 'token_type']);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.notEqual(r.body.access_token, r.body.refresh_token);
    });

    test('a code works once: a replay is invalid_grant and revokes the tokens issued from it', async () => {
      const code = await authorize(emu(), app);
      const first = await token(emu(), codeForm(app, code));
      assert.equal(first.status, 200);
      const access = first.body.access_token as string;
      assert.equal((await myselfWith(emu(), access)).status, 200);
      assertTokenError(await token(emu(), codeForm(app, code)), 'invalid_grant', 401);
      const after = await myselfWith(emu(), access);
      assert.equal(after.status, 401);
      assert.match(after.challenge ?? '', /invalid_token/);
      assertTokenError(await token(emu(), refreshForm(app, first.body.refresh_token as string)), 'invalid_grant', 401);
    });

    test('a code expires 10 minutes after it was issued (emulator clock)', async () => {
      const code = await authorize(emu(), app);
      await control(emu(), 'POST', 'clock', { advanceSeconds: 601 });
      assertTokenError(await token(emu(), codeForm(app, code)), 'invalid_grant', 401);
      const fresh = await authorize(emu(), app);
      await control(emu(), 'POST', 'clock', { advanceSeconds: 590 });
      assert.equal((await token(emu(), codeForm(app, fresh))).status, 200, 'still valid before 10 minutes');
    });

    test('wrong or missing client credentials are 401 invalid_client (also through backlog-js)', async () => {
      const code = await authorize(emu(), app);
      assertTokenError(await token(emu(), codeForm(app, code, { client_secret: 'wrong-secret' })), 'invalid_client', 401);
      assertTokenError(await token(emu(), codeForm(app, code, { client_id: 'unknown-client', client_secret: app.clientSecret })), 'invalid_client', 401);
      const { client_secret: _omit, ...noSecret } = codeForm(app, code);
      assertTokenError(await token(emu(), noSecret), 'invalid_client', 401);
      await assert.rejects(
        oauthClient(emu(), { clientId: app.clientId, clientSecret: 'wrong-secret' }).getAccessToken({
          host: FAKE_HOST,
          code,
          redirectUri: app.redirectUris[0] as string,
        }),
        (e: { name: string; status: number; body: { error: string } }) =>
          e.name === 'BacklogAuthError' && e.status === 401 && e.body.error === 'invalid_client',
      );
      assert.equal((await token(emu(), codeForm(app, code))).status, 200, 'failed attempts do not spend the code');
    });

    test('grant_type missing is 400 invalid_request; another grant type is 400 unsupported_grant_type', async () => {
      const { grant_type: _g, ...noGrant } = codeForm(app, 'x');
      assertTokenError(await token(emu(), noGrant), 'invalid_request', 400);
      assertTokenError(await token(emu(), { ...codeForm(app, 'x'), grant_type: 'password' }), 'unsupported_grant_type', 400);
      assertTokenError(await token(emu(), { ...codeForm(app, 'x'), grant_type: 'client_credentials' }), 'unsupported_grant_type', 400);
    });

    test('missing code or redirect_uri is 400 invalid_request; an unknown code is 401 invalid_grant', async () => {
      const { code: _c, ...noCode } = codeForm(app, 'x');
      assertTokenError(await token(emu(), noCode), 'invalid_request', 400);
      const { redirect_uri: _r, ...noRedirect } = codeForm(app, 'x');
      assertTokenError(await token(emu(), noRedirect), 'invalid_request', 400);
      assertTokenError(await token(emu(), codeForm(app, 'no-such-code')), 'invalid_grant', 401);
    });

    test('a redirect_uri different from the authorization request is 401 redirect_uri_mismatch', async () => {
      const code = await authorize(emu(), app);
      assertTokenError(await token(emu(), codeForm(app, code, { redirect_uri: 'http://127.0.0.1:45123/callback/' })), 'redirect_uri_mismatch', 401);
    });

    test('a code is bound to its client: another client redeeming it gets invalid_grant', async () => {
      const code = await authorize(emu(), app);
      const other = await registerApp(emu(), app.redirectUris[0] as string);
      assertTokenError(await token(emu(), codeForm(other, code)), 'invalid_grant', 401);
    });

    test('parameters in the URL instead of the form body or sent twice are 400 invalid_request', async () => {
      const code = await authorize(emu(), app);
      const r = await api(emu(), 'POST', '/oauth2/token', { apiKey: null, query: { client_secret: app.clientSecret }, form: codeForm(app, code) });
      assert.equal(r.status, 400);
      assert.equal((r.body as { error: string }).error, 'invalid_request');
      const twice = await api(emu(), 'POST', '/oauth2/token', {
        apiKey: null,
        form: { ...codeForm(app, code), grant_type: ['authorization_code', 'authorization_code'] },
      });
      assert.equal(twice.status, 400);
      assert.equal((twice.body as { error: string }).error, 'invalid_request');
    });

    test('an access token expires after --token-ttl: 401 with WWW-Authenticate "The access token expired"; refresh still works', async () => {
      const r = await token(emu(), codeForm(app, await authorize(emu(), app)));
      const access = r.body.access_token as string;
      await control(emu(), 'POST', 'clock', { advanceSeconds: 3601 });
      const expired = await myselfWith(emu(), access);
      assert.equal(expired.status, 401);
      assert.match(expired.challenge ?? '', /expired/);
      await assert.rejects(backlogClient(emu(), { accessToken: access }).getMyself(), (e: { status: number }) => e.status === 401);
      const refreshed = await oauthClient(emu(), app).refreshAccessToken({ host: FAKE_HOST, refreshToken: r.body.refresh_token as string });
      remember(refreshed.access_token);
      remember(refreshed.refresh_token);
      assert.equal((await backlogClient(emu(), { accessToken: refreshed.access_token }).getMyself()).id, userOf(emu(), 2).id);
    });

    test('refresh (default reuse-detection): a new refresh token, the old access token revoked, reuse revokes the family', async () => {
      const first = await token(emu(), codeForm(app, await authorize(emu(), app)));
      const second = await token(emu(), refreshForm(app, first.body.refresh_token as string));
      assert.equal(second.status, 200);
      assertShape(second.body, TOKEN_RESPONSE);
      assert.notEqual(second.body.refresh_token, first.body.refresh_token);
      assert.equal((await myselfWith(emu(), first.body.access_token as string)).status, 401, 'a refresh replaces the old access token');
      assert.equal((await myselfWith(emu(), second.body.access_token as string)).status, 200);
      assertTokenError(await token(emu(), refreshForm(app, first.body.refresh_token as string)), 'invalid_grant', 401);
      assert.equal((await myselfWith(emu(), second.body.access_token as string)).status, 401, 'reuse revoked the family');
      assertTokenError(await token(emu(), refreshForm(app, second.body.refresh_token as string)), 'invalid_grant', 401);
    });

    test('refresh: a refresh token of another client, unknown or missing, is refused', async () => {
      const first = await token(emu(), codeForm(app, await authorize(emu(), app)));
      const other = await registerApp(emu(), 'http://127.0.0.1:45125/cb');
      assertTokenError(await token(emu(), refreshForm(other, first.body.refresh_token as string)), 'invalid_grant', 401);
      assertTokenError(await token(emu(), refreshForm(app, 'no-such-token')), 'invalid_grant', 401);
      const { refresh_token: _r, ...missing } = refreshForm(app, 'x');
      assertTokenError(await token(emu(), missing), 'invalid_request', 400);
      assert.equal((await token(emu(), refreshForm(app, first.body.refresh_token as string))).status, 200);
    });

    describe('other --refresh-rotation modes', () => {
      let rotate: RunningEmulator;
      let none: RunningEmulator;
      before(async () => {
        rotate = await startTestEmulator({ refreshRotation: 'rotate' });
        none = await startTestEmulator({ refreshRotation: 'none' });
      });
      after(async () => {
        await rotate.close();
        await none.close();
      });

      test('rotate: a new refresh token each time; the spent one is invalid_grant but does not revoke the family', async () => {
        const a = await registerApp(rotate, 'http://127.0.0.1:45126/cb');
        const first = await token(rotate, codeForm(a, await authorize(rotate, a)));
        const second = await token(rotate, refreshForm(a, first.body.refresh_token as string));
        assert.equal(second.status, 200);
        assert.notEqual(second.body.refresh_token, first.body.refresh_token);
        assertTokenError(await token(rotate, refreshForm(a, first.body.refresh_token as string)), 'invalid_grant', 401);
        assert.equal((await myselfWith(rotate, second.body.access_token as string)).status, 200);
        assert.equal((await token(rotate, refreshForm(a, second.body.refresh_token as string))).status, 200);
        await assertJournalClean(rotate);
      });

      test('none: the same refresh token comes back and stays valid; each refresh replaces the access token', async () => {
        const a = await registerApp(none, 'http://127.0.0.1:45127/cb');
        const first = await token(none, codeForm(a, await authorize(none, a)));
        const second = await token(none, refreshForm(a, first.body.refresh_token as string));
        assert.equal(second.body.refresh_token, first.body.refresh_token);
        const third = await token(none, refreshForm(a, first.body.refresh_token as string));
        assert.equal(third.status, 200);
        assert.equal(third.body.refresh_token, first.body.refresh_token);
        assert.equal((await myselfWith(none, second.body.access_token as string)).status, 401);
        assert.equal((await myselfWith(none, third.body.access_token as string)).status, 200);
        await assertJournalClean(none);
      });
    });
  });

  describe('PKCE', () => {
    test('optional (default): a sent S256 challenge is enforced; a wrong or missing verifier is invalid_grant', async () => {
      const { verifier, challenge } = pkcePair();
      remember(verifier);
      const code = await authorize(emu(), app, { extra: { code_challenge: challenge, code_challenge_method: 'S256' } });
      assertTokenError(await token(emu(), codeForm(app, code)), 'invalid_grant', 401);
      assertTokenError(await token(emu(), codeForm(app, code, { code_verifier: pkcePair().verifier })), 'invalid_grant', 401);
      const ok = await token(emu(), codeForm(app, code, { code_verifier: verifier }));
      assert.equal(ok.status, 200);
    });

    test('optional: no challenge works without a verifier; a verifier without a challenge is refused (downgrade)', async () => {
      assert.equal((await token(emu(), codeForm(app, await authorize(emu(), app)))).status, 200);
      const code = await authorize(emu(), app);
      assertTokenError(await token(emu(), codeForm(app, code, { code_verifier: remember(pkcePair().verifier) })), 'invalid_grant', 401);
    });

    test('a plain (or unspecified) method or a malformed challenge redirects with error=invalid_request', async () => {
      const cases: Record<string, string>[] = [
        { code_challenge: pkcePair().challenge },
        { code_challenge: 'short', code_challenge_method: 'S256' },
        { code_challenge: pkcePair().challenge, code_challenge_method: 'plain' },
      ];
      for (const extra of cases) {
        const r = await new Browser(emu()).get(authorizationUrl(emu(), app, { state: 'p', extra }));
        assert.equal(r.res.status, 302);
        const target = new URL(r.res.headers.get('location') as string);
        assert.equal(target.searchParams.get('error'), 'invalid_request');
        assert.equal(target.searchParams.get('state'), 'p');
      }
    });

    describe('other --pkce modes', () => {
      let required: RunningEmulator;
      let off: RunningEmulator;
      before(async () => {
        required = await startTestEmulator({ pkce: 'required' });
        off = await startTestEmulator({ pkce: 'off' });
      });
      after(async () => {
        await required.close();
        await off.close();
      });

      test('required: a request without code_challenge redirects with error=invalid_request and a description', async () => {
        const a = await registerApp(required, 'http://127.0.0.1:45128/cb');
        const r = await new Browser(required).get(authorizationUrl(required, a, { state: 'q' }));
        assert.equal(r.res.status, 302);
        const target = new URL(r.res.headers.get('location') as string);
        assert.equal(target.searchParams.get('error'), 'invalid_request');
        assert.match(target.searchParams.get('error_description') ?? '', /code_challenge/);
        assert.equal(target.searchParams.get('state'), 'q');
        const { verifier, challenge } = pkcePair();
        remember(verifier);
        const code = await authorize(required, a, { extra: { code_challenge: challenge, code_challenge_method: 'S256' } });
        assertTokenError(await token(required, codeForm(a, code, { code_verifier: pkcePair().verifier })), 'invalid_grant', 401);
        assert.equal((await token(required, codeForm(a, code, { code_verifier: verifier }))).status, 200);
        await assertJournalClean(required);
      });

      test('off: code_challenge and code_verifier are ignored', async () => {
        const a = await registerApp(off, 'http://127.0.0.1:45129/cb');
        const code = await authorize(off, a, { extra: { code_challenge: pkcePair().challenge, code_challenge_method: 'S256' } });
        assert.equal((await token(off, codeForm(a, code))).status, 200);
      });
    });
  });

  describe('developer applications page', () => {
    test('asks for login first, lists apps without secrets, registers an app and shows its secret once', async () => {
      const browser = new Browser(emu());
      const first = await browser.get('/developer/applications');
      assert.equal(first.res.status, 200);
      assert.match(first.text, /id="userId"/, 'the login page first');
      assert.equal(hiddenValue(first.text, 'url'), '/developer/applications');
      const user = userOf(emu(), 2);
      const login = await browser.post('/Login.action', { url: '/developer/applications', userId: user.userId, password: user.password });
      assert.equal(login.res.headers.get('location'), '/developer/applications');
      const list = await browser.get('/developer/applications');
      assert.ok(list.text.includes(emu().oauthApp.clientId), 'the seeded app is listed');
      assert.ok(list.text.includes(app.clientId));
      assert.ok(!list.text.includes(emu().oauthApp.clientSecret) && !list.text.includes(app.clientSecret), 'no secret on the list');
      for (const id of ['applicationName', 'description', 'siteUrl', 'redirectUri']) assert.match(list.text, new RegExp(`id="${id}"`));

      const csrf = remember(hiddenValue(list.text, 'csrf_token'));
      const created = await browser.post('/developer/applications', {
        csrf_token: csrf,
        name: 'My <SQL> app',
        description: 'デスクトップ用',
        siteUrl: 'http://localhost:33333',
        redirectUri: 'http://127.0.0.1:45130/callback',
      });
      assert.equal(created.res.status, 200);
      const clientId = /id="clientId">([^<]+)</.exec(created.text)?.[1] as string;
      const clientSecret = remember(/id="clientSecret">([^<]+)</.exec(created.text)?.[1] as string);
      assert.ok(clientId && clientSecret);
      assert.match(created.text, /id="secret-notice"/);
      assert.match(created.text, /My &#60;SQL&#62; app/, 'HTML is escaped');

      const again = await browser.get('/developer/applications');
      assert.ok(again.text.includes(clientId), 'the new app is listed');
      assert.ok(!again.text.includes(clientSecret), 'its secret is never shown again');

      const fresh: App = { clientId, clientSecret, redirectUris: ['http://127.0.0.1:45130/callback'] };
      const r = await token(emu(), codeForm(fresh, await authorize(emu(), fresh)));
      assert.equal(r.status, 200);
      assert.equal((await myselfWith(emu(), r.body.access_token as string)).id, user.id);
    });

    test('refuses registration without a session, with a bad CSRF token or a bad callback URL', async () => {
      const anon = await new Browser(emu()).post('/developer/applications', { name: 'x', redirectUri: 'http://127.0.0.1:1/cb' });
      assert.equal(anon.res.status, 403);
      const browser = new Browser(emu());
      const user = userOf(emu(), 1);
      await browser.post('/Login.action', { url: '/developer/applications', userId: user.userId, password: user.password });
      const list = await browser.get('/developer/applications');
      const csrf = remember(hiddenValue(list.text, 'csrf_token'));
      const forged = await browser.post('/developer/applications', { csrf_token: 'forged', name: 'x', redirectUri: 'http://127.0.0.1:1/cb' });
      assert.equal(forged.res.status, 403);
      const forms: Record<string, string>[] = [
        { name: 'x', redirectUri: 'ftp://example.com/cb' },
        { name: 'x', redirectUri: 'http://127.0.0.1:1/cb#frag' },
        { name: 'x', redirectUri: '' },
        { name: '', redirectUri: 'http://127.0.0.1:1/cb' },
        { name: 'x', siteUrl: 'javascript:alert(1)', redirectUri: 'http://127.0.0.1:1/cb' },
      ];
      for (const form of forms) {
        const r = await browser.post('/developer/applications', { csrf_token: csrf, ...form });
        assert.equal(r.res.status, 400, JSON.stringify(form));
        assert.match(r.text, /id="register-error"/);
        assert.ok(!r.text.includes('id="clientSecret"'));
      }
    });
  });

  test('the journal records OAuth requests but never a code, secret, password, CSRF token or token', async () => {
    const entries = await journal(emu());
    const tokenCalls = entries.filter((e) => e.path === '/api/v2/oauth2/token');
    assert.ok(tokenCalls.length > 0);
    assert.ok(tokenCalls.some((e) => e.form.code === '***'));
    assert.ok(tokenCalls.some((e) => e.form.refresh_token === '***'));
    assert.ok(
      tokenCalls.every((e) => e.category === null && e.user === null),
      'public and not rate limited',
    );
    assert.ok(secretsSeen.size > 20);
    await assertJournalClean(emu());
  });
}
