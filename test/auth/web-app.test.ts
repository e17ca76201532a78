/**
 * The example web application (examples/web-app/server.mjs) in headless Chromium: started as its
 * own process with one command on a free port, against the emulator through a recording proxy
 * (so the test learns the tokens Backlog issued and can check none of them leaks). The browser is
 * driven only through page clicks from the app's start page. OAUTH-13: a callback carrying a
 * state issued to another browser session is refused and never exchanged; a state is single-use.
 * Screenshots go to test-artifacts/oauth/. A secret canary covers the app's output, the pages and
 * the emulator's journal.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { connect } from '../../src/core/connection.js';
import { clearJournal, control, journal, startTestEmulator, type RunningEmulator, freePort } from '../helpers/emulator.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const ARTIFACTS = new URL('../../test-artifacts/oauth/', import.meta.url).pathname;
const TOKEN_PATH = '/api/v2/oauth2/token';

/** Forwards everything to the emulator and remembers the tokens its token endpoint hands out. */
async function recordingProxy(target: string, issued: string[]): Promise<{ url: string; server: Server }> {
  const to = new URL(target);
  const server = createHttpServer((req, res) => {
    const up = httpRequest({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } }, (upRes) => {
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => chunks.push(c));
      upRes.on('end', () => {
        const body = Buffer.concat(chunks);
        if ((req.url ?? '').startsWith(TOKEN_PATH)) {
          try {
            const j = JSON.parse(body.toString('utf8')) as { access_token?: string; refresh_token?: string };
            for (const t of [j.access_token, j.refresh_token]) if (t) issued.push(t);
          } catch {
            // An error answer: nothing issued.
          }
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        res.end(body);
      });
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

describe('example web application in headless Chromium (web flow, OAUTH-13)', () => {
  let emu: RunningEmulator;
  let proxy: { url: string; server: Server };
  let app: ChildProcess;
  let appUrl: string;
  let output = '';
  let browser: Browser;
  let client: { clientId: string; clientSecret: string };
  let user: { id: number; userId: string; password: string; apiKey: string };
  const issued: string[] = [];
  const pages: string[] = [];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    emu = await startTestEmulator();
    proxy = await recordingProxy(emu.url, issued);
    const port = await freePort();
    const redirectUri = `http://localhost:${port}/callback`;
    client = (await control(emu, 'POST', 'oauth-apps', { name: 'example web app e2e', redirectUris: [redirectUri] })) as typeof client;
    user = emu.users.find((u) => u.roleType === 2) as typeof user;
    app = spawn(process.execPath, ['examples/web-app/server.mjs'], {
      cwd: ROOT,
      env: {
        ...process.env,
        BACKLOG_URL: proxy.url,
        OAUTH_CLIENT_ID: client.clientId,
        OAUTH_CLIENT_SECRET: client.clientSecret,
        REDIRECT_URI: redirectUri,
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    appUrl = await new Promise<string>((resolve, reject) => {
      const onData = (c: Buffer) => {
        output += c.toString();
        const m = /"event":"listening","url":"([^"]+)"/.exec(output);
        if (m?.[1]) resolve(m[1]);
      };
      app.stdout?.on('data', onData);
      app.stderr?.on('data', (c: Buffer) => (output += c.toString()));
      app.on('exit', (code) => reject(new Error(`the web app exited with ${code}: ${output}`)));
      setTimeout(() => reject(new Error(`the web app did not start: ${output}`)), 30_000);
    });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });

  after(async () => {
    await browser?.close();
    app?.kill('SIGTERM');
    await new Promise<void>((r) => proxy?.server.close(() => r()));
    await emu?.close();
  });

  async function keep(page: Page, shot: string): Promise<void> {
    pages.push(await page.content());
    await page.screenshot({ path: join(ARTIFACTS, `web-app-${shot}.png`) });
  }

  async function logInAndAllow(page: Page, shot: string): Promise<void> {
    await page.waitForSelector('#userId');
    await keep(page, `${shot}-login`);
    await page.fill('#userId', user.userId);
    await page.fill('#password', user.password);
    await page.click('#login');
    await page.waitForSelector('button[name=allow]');
    await keep(page, `${shot}-consent`);
  }

  const tokenRequests = async () => (await journal(emu)).filter((r) => r.path === TOKEN_PATH).length;

  it('from the start page, sign in on Backlog and Allow: the page lists the open issues assigned to the person', async () => {
    await clearJournal(emu);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(appUrl);
      await keep(page, 'start');
      await page.click('#signin');
      const cookie = (await context.cookies()).find((c) => c.name === 'sid');
      assert.ok(cookie, 'a session cookie');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Lax');
      await logInAndAllow(page, 'allow');
      await page.click('button[name=allow]');
      await page.waitForSelector('#issues');
      await keep(page, 'issues');
      assert.equal(new URL(page.url()).pathname, '/issues');
      const shown = await page.$$eval('#issues tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
      const db = await connect({ URL: emu.url, ApiKey: user.apiKey });
      const expected = await db.query('SELECT IssueKey FROM Issues WHERE AssigneeId = ? AND StatusId <> 4 ORDER BY IssueKey', [user.id]);
      await db.close();
      assert.ok(expected.rows.length > 0, 'the seed gives this person open issues');
      assert.deepEqual(
        shown,
        expected.rows.map((r) => (r as { IssueKey: string }).IssueKey),
      );
      assert.equal(await tokenRequests(), 1, 'one code exchange');
      assert.ok(issued.length >= 1);
    } finally {
      await context.close();
    }
  });

  it("a callback with another browser session's state is refused (400) and not exchanged; a state works once", async () => {
    await clearJournal(emu);
    const victim = await browser.newContext();
    const attacker = await browser.newContext();
    try {
      // The attacker signs in up to Backlog's redirect and keeps the callback URL (code + state).
      const a = await attacker.newPage();
      let captured: string | undefined;
      // Backlog's answer to Allow is a redirect to the callback: read it without following it.
      await a.route('**/OAuth2AccessRequest.action', async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        const response = await route.fetch({ maxRedirects: 0 });
        const location = response.headers()['location'];
        if (location?.includes('/callback?')) {
          captured = location;
          return route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Held</h1>' });
        }
        return route.fulfill({ response });
      });
      await a.goto(appUrl);
      await a.click('#signin');
      await logInAndAllow(a, 'attacker');
      await a.click('button[name=allow]');
      await a.waitForSelector('h1');
      assert.ok(captured, 'the redirect to the callback was seen');
      await a.unroute('**/OAuth2AccessRequest.action');

      // The victim's browser has its own session (it started a sign-in) and is made to load it.
      const v = await victim.newPage();
      await v.goto(appUrl);
      await v.click('#signin');
      await v.waitForSelector('#userId');
      const refused = await v.goto(captured);
      assert.equal(refused?.status(), 400);
      await keep(v, 'foreign-state-refused');
      assert.equal(await v.textContent('h1'), 'Sign-in refused');
      assert.equal(await tokenRequests(), 0, 'the foreign state was not exchanged');

      // No session at all: refused too.
      const bare = await fetch(captured.replace(/^http:\/\/localhost/, 'http://127.0.0.1'));
      assert.equal(bare.status, 400);
      assert.equal(await tokenRequests(), 0);

      // In its own session the state works, once.
      const ok = await a.goto(captured);
      assert.equal(ok?.status(), 200);
      assert.equal(new URL(a.url()).pathname, '/issues');
      await keep(a, 'own-state-issues');
      assert.equal(await tokenRequests(), 1);
      const again = await a.goto(captured);
      assert.equal(again?.status(), 400, 'a state is single-use');
      assert.equal(await tokenRequests(), 1);
    } finally {
      await victim.close();
      await attacker.close();
    }
  });

  it('secret canary: no client secret, access or refresh token in the app output, pages or journal', async () => {
    const dump = [output, ...pages, JSON.stringify(await journal(emu))].join('\n');
    assert.ok(issued.length >= 2, 'the proxy saw the issued tokens');
    for (const secret of [client.clientSecret, ...issued]) {
      assert.ok(!dump.includes(secret), 'a secret appeared in the output');
    }
    assert.match(output, /"event":"signin.done"/);
    assert.match(output, /"event":"signin.refused"/);
  });
});
