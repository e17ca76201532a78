/**
 * The desktop flow in a real browser: Debian's headless Chromium, started by the $BROWSER
 * hand-off (./chromium-browser.mjs) on the authorization URL; the test then acts as the person
 * through the DevTools protocol (playwright-core): logs in on the emulator's page and presses
 * Allow or Deny. The emulator requires PKCE (--pkce required). Screenshots go to
 * test-artifacts/oauth/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { openInBrowser, runDesktopFlow } from '../../src/auth/desktop-flow.js';
import { connect } from '../../src/core/connection.js';
import { OAuthError } from '../../src/errors.js';
import { control, journal, startTestEmulator, type RunningEmulator, freePort } from '../helpers/emulator.js';

const BROWSER_SCRIPT = new URL('./chromium-browser.mjs', import.meta.url).pathname;
const ARTIFACTS = new URL('../../test-artifacts/oauth/', import.meta.url).pathname;

interface Opened {
  browser: Browser;
  page: Page;
  pid: number;
}

/** Wait for the $BROWSER script's Chromium, attach to it and find the page it opened. */
async function attach(infoFile: string): Promise<Opened> {
  const deadline = Date.now() + 30_000;
  while (!existsSync(infoFile) || readFileSync(infoFile, 'utf8') === '') {
    if (Date.now() > deadline) throw new Error('Chromium did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  const info = JSON.parse(readFileSync(infoFile, 'utf8')) as { ws?: string; pid?: number; error?: string };
  if (!info.ws || !info.pid) throw new Error(info.error ?? 'no DevTools address');
  const browser = await chromium.connectOverCDP(info.ws);
  const context = browser.contexts()[0];
  assert.ok(context);
  let page: Page | undefined;
  while (!page) {
    page = context.pages().find((p) => p.url().includes('/OAuth2AccessRequest.action'));
    if (!page) {
      if (Date.now() > deadline) throw new Error('the authorization page did not open');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { browser, page, pid: info.pid };
}

function end(opened: Opened | undefined): void {
  if (!opened) return;
  void opened.browser.close().catch(() => undefined);
  try {
    // Chromium was started in its own process group by the $BROWSER script: end that group.
    process.kill(-opened.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

describe('desktop flow in headless Chromium (emulator with --pkce required)', () => {
  let emu: RunningEmulator;
  let app: { clientId: string; clientSecret: string };
  let callbackUrl: string;
  let user: { userId: string; password: string };
  let dir: string;

  before(async () => {
    emu = await startTestEmulator({ pkce: 'required' });
    callbackUrl = `http://localhost:${await freePort()}`;
    app = (await control(emu, 'POST', 'oauth-apps', { name: 'backlog-sql e2e', redirectUris: [callbackUrl] })) as typeof app;
    user = emu.users.find((u) => u.roleType === 2) as typeof user;
    dir = mkdtempSync(join(tmpdir(), 'bsql-chromium-test-'));
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(() => emu.close());

  const start = (name: string, extra: Record<string, unknown> = {}) => {
    const infoFile = join(dir, `${name}.json`);
    const urls: string[] = [];
    const connecting = connect(
      {
        URL: emu.url,
        AuthScheme: 'OAuth',
        InitiateOAuth: 'GETANDREFRESH',
        OAuthClientId: app.clientId,
        OAuthClientSecret: app.clientSecret,
        CallbackURL: callbackUrl,
        OAuthSettingsLocation: join(dir, `${name}-settings.json`),
        ...extra,
      },
      {
        env: { ...process.env, BROWSER: `${process.execPath} ${BROWSER_SCRIPT}`, CHROMIUM_INFO_FILE: infoFile },
        onAuthorizationUrl: (u) => urls.push(u),
        oauthTimeoutMs: 60_000,
      },
    );
    // Keep a rejection from being unhandled while the browser is driven.
    connecting.catch(() => undefined);
    return { connecting, infoFile, urls };
  };

  async function logIn(page: Page, shot: string): Promise<void> {
    await page.waitForSelector('#userId');
    await page.screenshot({ path: join(ARTIFACTS, `${shot}-login.png`) });
    await page.fill('#userId', user.userId);
    await page.fill('#password', user.password);
    await page.click('#login');
    await page.waitForSelector('button[name=allow]');
    await page.screenshot({ path: join(ARTIFACTS, `${shot}-consent.png`) });
  }

  it('log in and Allow: the callback page says signed in, and the connection answers queries', async () => {
    const { connecting, infoFile, urls } = start('allow');
    let opened: Opened | undefined;
    try {
      opened = await attach(infoFile);
      assert.equal(opened.page.url(), urls[0], 'Chromium opened exactly the URL handed over');
      await logIn(opened.page, 'allow');
      // A forged callback with a wrong state in another tab: 400, and the flow goes on (OAUTH-5).
      const forged = await opened.page.context().newPage();
      const res = await forged.goto(`${callbackUrl}/?code=forged&state=wrong`);
      assert.equal(res?.status(), 400);
      await forged.screenshot({ path: join(ARTIFACTS, 'wrong-state.png') });
      await forged.close();
      await opened.page.click('button[name=allow]');
      await opened.page.waitForSelector('h1');
      await opened.page.screenshot({ path: join(ARTIFACTS, 'allow-signed-in.png') });
      assert.equal(await opened.page.textContent('h1'), 'Signed in');
      const conn = await connecting;
      const { rows } = await conn.query('SELECT Name FROM Priorities');
      assert.ok(rows.length > 0);
      const exchanges = (await journal(emu)).filter((r) => r.path === '/api/v2/oauth2/token');
      assert.equal(exchanges.length, 1, 'one exchange: the forged callback was not exchanged');
      // Secret canary (ARCHITECTURE.md §10): the client secret and the tokens now in the settings file
      // appear nowhere a person or a log could see them.
      const settings = readFileSync(join(dir, 'allow-settings.json'), 'utf8');
      const secrets = [app.clientSecret, ...[...settings.matchAll(/"(?:accessToken|refreshToken)"\s*:\s*"([^"]+)"/g)].map((m) => m[1] as string)];
      assert.ok(secrets.length >= 3, 'the settings file holds both tokens');
      const visible = [await opened.page.content(), JSON.stringify(await journal(emu)), urls.join(' '), inspect(conn), JSON.stringify(conn.warnings)].join(
        '\n',
      );
      for (const secret of secrets) assert.ok(!visible.includes(secret), 'a secret leaked into a page, the journal, the URL or the connection');
      await conn.close();
    } finally {
      end(opened);
    }
  });

  it('log in and Deny: the page says cancelled and connecting fails with access_denied', async () => {
    const { connecting, infoFile } = start('deny');
    let opened: Opened | undefined;
    try {
      opened = await attach(infoFile);
      await logIn(opened.page, 'deny');
      await opened.page.click('button[name=deny]');
      await opened.page.waitForSelector('h1');
      await opened.page.screenshot({ path: join(ARTIFACTS, 'deny-cancelled.png') });
      assert.equal(await opened.page.textContent('h1'), 'Sign-in cancelled');
      const e = await connecting.then(
        () => assert.fail('expected an error'),
        (x: unknown) => x,
      );
      assert.ok(e instanceof OAuthError);
      assert.equal(e.error, 'access_denied');
    } finally {
      end(opened);
    }
  });

  it('a browser that resolves localhost to ::1 reaches the listener there and signs in', async () => {
    const infoFile = join(dir, 'ipv6.json');
    const requests: { path: string; status: number; localAddress: string }[] = [];
    let opened: Opened | undefined;
    const flow = runDesktopFlow({
      app: { baseUrl: emu.url, ...app },
      callbackUrl,
      usePkce: true,
      timeoutMs: 60_000,
      onCallbackRequest: (r) => requests.push(r),
      openBrowser: (url) =>
        openInBrowser(url, {
          ...process.env,
          BROWSER: `${process.execPath} ${BROWSER_SCRIPT}`,
          CHROMIUM_INFO_FILE: infoFile,
          CHROMIUM_EXTRA_ARGS: JSON.stringify(['--host-resolver-rules=MAP localhost [::1]']),
        }),
    });
    flow.catch(() => undefined);
    try {
      opened = await attach(infoFile);
      await logIn(opened.page, 'ipv6');
      await opened.page.click('button[name=allow]');
      await opened.page.waitForSelector('h1');
      await opened.page.screenshot({ path: join(ARTIFACTS, 'ipv6-signed-in.png') });
      assert.ok((await flow).accessToken);
      const callback = requests.find((r) => r.status === 200);
      assert.equal(callback?.localAddress, '::1');
    } finally {
      end(opened);
    }
  });
});
