/**
 * `backlog-sql auth login|status|logout` as a user runs it (the built binary; `npm run build`
 * first): login runs the desktop flow through $BROWSER and prints the URL on stderr; status shows
 * the user, space, settings file and expiry; logout removes the tokens. No output holds a secret.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { control, startTestEmulator, type RunningEmulator, freePort } from '../helpers/emulator.js';

const run = promisify(execFile);
const BIN = new URL('../../bin/backlog-sql.js', import.meta.url).pathname;
const FAKE_BROWSER = new URL('./fake-browser.mjs', import.meta.url).pathname;

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

describe('backlog-sql auth', () => {
  let emu: RunningEmulator;
  let env: NodeJS.ProcessEnv;
  let file: string;
  let secret: string;

  before(async () => {
    emu = await startTestEmulator();
    const callbackUrl = `http://localhost:${await freePort()}`;
    const app = (await control(emu, 'POST', 'oauth-apps', { redirectUris: [callbackUrl] })) as { clientId: string; clientSecret: string };
    secret = app.clientSecret;
    const user = emu.users.find((u) => u.roleType === 2) as { userId: string; password: string };
    file = join(mkdtempSync(join(tmpdir(), 'bsql-cli-auth-')), 'OAuthSettings.json');
    env = {
      ...process.env,
      BACKLOG_SQL_CONNECTION: `URL=${emu.url};AuthScheme=OAuth;OAuthClientId=${app.clientId};CallbackURL=${callbackUrl};OAuthSettingsLocation=${file}`,
      BACKLOG_OAUTH_CLIENT_SECRET: app.clientSecret,
      BROWSER: `${process.execPath} ${FAKE_BROWSER}`,
      FAKE_BROWSER_USER: user.userId,
      FAKE_BROWSER_PASSWORD: user.password,
    };
  });
  after(() => emu.close());

  it('status before login says not signed in and exits 3', async () => {
    const r = await cli(['auth', 'status'], env);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /Not signed in/);
  });

  it('login signs in through the browser, prints the URL on stderr and who signed in on stdout', async () => {
    const r = await cli(['auth', 'login'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /OAuth2AccessRequest\.action\?response_type=code/);
    assert.match(r.stdout, /Signed in as .+\(/);
    assert.match(r.stdout, new RegExp(`Settings file: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const entry = Object.values(
      (JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, { accessToken: string; refreshToken: string }> }).entries,
    )[0];
    for (const s of [secret, entry?.accessToken ?? 'x', entry?.refreshToken ?? 'x'])
      assert.ok(!`${r.stdout}${r.stderr}`.includes(s), 'no secret in the output');
  });

  it('status shows the user, space, file and expiry; logout removes the tokens', async () => {
    const status = await cli(['auth', 'status'], env);
    assert.equal(status.code, 0);
    assert.match(status.stdout, /Signed in as/);
    assert.match(status.stdout, /Access token expires: \d{4}-/);
    assert.ok(!status.stdout.includes(secret));
    const out = await cli(['auth', 'logout'], env);
    assert.equal(out.code, 0);
    assert.match(out.stdout, /Signed out/);
    assert.equal((await cli(['auth', 'status'], env)).code, 3);
  });
});
