/**
 * The seed page's three flows (docs/cdata-driver.md §8), each typed with the seed page's property
 * names and nothing else — no AuthScheme (it is inferred), no property of ours — against the
 * emulator: desktop (OAuthClientId, OAuthClientSecret, CallbackURL, InitiateOAuth=GETANDREFRESH;
 * the tokens saved where OAuthSettingsLocation defaults to, and reused), web (the same three
 * without InitiateOAuth, GetOAuthAuthorizationURL, GetOAuthAccessToken, then OAuthAccessToken
 * alone), refresh (InitiateOAuth=REFRESH with OAuthRefreshToken, and RefreshOAuthAccessToken).
 * Then the procedures' CData forms around them: GrantType, Scope, and the hint when State or
 * CallbackURL differ between the two web-flow calls.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from '../../src/core/connection.js';
import { OAuthError } from '../../src/errors.js';
import { control, freePort, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { browserCode } from './person-browser.js';

const FAKE_BROWSER = new URL('./fake-browser.mjs', import.meta.url).pathname;

let emu: RunningEmulator;
let app: { clientId: string; clientSecret: string };
let callbackUrl: string;
let configDir: string;
const person = () => emu.users.find((u) => u.roleType === 2) as { userId: string; password: string };

/** The seed page's properties for the web flow (and the first three of the desktop flow's). */
const seed = () => ({ URL: emu.url, OAuthClientId: app.clientId, OAuthClientSecret: app.clientSecret, CallbackURL: callbackUrl });

/** No secret from the environment: where the settings file goes, and the fake browser. */
const env = (extra: Record<string, string> = {}) => ({
  BACKLOG_SQL_CONFIG_DIR: configDir,
  ...(extra.dir ? { BACKLOG_SQL_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'bsql-seed-web-')) } : {}),
  BROWSER: `${process.execPath} ${FAKE_BROWSER}`,
  FAKE_BROWSER_USER: person().userId,
  FAKE_BROWSER_PASSWORD: person().password,
  ...extra,
});

before(async () => {
  emu = await startTestEmulator();
  callbackUrl = `http://localhost:${await freePort()}`;
  app = (await control(emu, 'POST', 'oauth-apps', {
    name: 'seed flows',
    redirectUris: [callbackUrl],
    clientSecret: 'seed-client-secret-0123456789abcdef',
  })) as typeof app;
  configDir = mkdtempSync(join(tmpdir(), 'bsql-seed-'));
});

after(async () => {
  await emu?.close();
});

describe("the seed page's flows, with its property names only", () => {
  it('desktop: OAuthClientId, OAuthClientSecret, CallbackURL and InitiateOAuth=GETANDREFRESH sign in through the browser; the tokens persist between connections', async () => {
    const warnings: string[] = [];
    // A BACKLOG_API_KEY left in the environment does not win over the seed's OAuth properties.
    const conn = await connect(
      { ...seed(), InitiateOAuth: 'GETANDREFRESH' },
      { env: env({ BACKLOG_API_KEY: 'stale-env-key-123' }), onWarning: (w) => warnings.push(w), oauthTimeoutMs: 20_000 },
    );
    assert.equal(conn.config.authScheme, 'OAuth');
    assert.ok((await conn.query('SELECT Name FROM Priorities')).rowCount > 0);
    assert.match(warnings.join('\n'), /ignoring BACKLOG_API_KEY from the environment/);
    assert.ok(existsSync(join(configDir, 'OAuthSettings.json')), 'saved where OAuthSettingsLocation defaults to');
    await conn.close();
    const again = await connect(
      { ...seed(), InitiateOAuth: 'GETANDREFRESH' },
      { env: env(), openBrowser: async () => assert.fail('no browser the second time') },
    );
    assert.ok((await again.query('SELECT Name FROM Priorities')).rowCount > 0);
    await again.close();
    assert.equal((await journal(emu)).filter((r) => r.path === '/api/v2/oauth2/token').length, 1, 'one code exchange for both connections');
  });

  it('web: GetOAuthAuthorizationURL, the person signs in, GetOAuthAccessToken with the code; then OAuthAccessToken alone connects', async () => {
    // A machine where nobody signed in before (the desktop test stored tokens in configDir).
    const fresh = env({ dir: 'fresh' });
    const conn = await connect(seed(), { env: fresh });
    assert.equal(conn.signedIn, false, 'no InitiateOAuth: the connection opens signed out, for the procedures');
    const url = ((await conn.query('EXEC GetOAuthAuthorizationURL')).rows[0] as { URL: string }).URL;
    assert.equal(new URL(url).searchParams.get('redirect_uri'), callbackUrl);
    const code = await browserCode(emu.url, person(), url);
    // CData's own examples name the inputs without @.
    const tokens = (await conn.query('EXEC GetOAuthAccessToken Verifier = ?', [code])).rows[0] as { OAuthAccessToken: string; OAuthRefreshToken: string };
    assert.ok(tokens.OAuthAccessToken);
    await conn.close();
    const holder = await connect({ URL: emu.url, OAuthAccessToken: tokens.OAuthAccessToken }, { env: fresh });
    assert.equal(holder.config.authScheme, 'OAuth');
    assert.ok((await holder.query('SELECT Name FROM Priorities')).rowCount > 0);
    await holder.close();
  });

  it('refresh: InitiateOAuth=REFRESH with OAuthRefreshToken renews an expired token; RefreshOAuthAccessToken returns a new one', async () => {
    const fresh = env({ dir: 'fresh' });
    const signedOut = await connect(seed(), { env: fresh });
    const code = await browserCode(emu.url, person(), ((await signedOut.query('EXEC GetOAuthAuthorizationURL')).rows[0] as { URL: string }).URL);
    const first = (await signedOut.query('EXECUTE GetOAuthAccessToken Verifier = ?', [code])).rows[0] as {
      OAuthAccessToken: string;
      OAuthRefreshToken: string;
    };
    const refreshed = (await signedOut.query('EXEC RefreshOAuthAccessToken OAuthRefreshToken = ?', [first.OAuthRefreshToken])).rows[0] as {
      OAuthAccessToken: string;
      OAuthRefreshToken: string;
    };
    assert.notEqual(refreshed.OAuthAccessToken, first.OAuthAccessToken);
    await signedOut.close();
    await control(emu, 'POST', 'clock', { advanceSeconds: 7200 });
    const auto = await connect({ ...seed(), InitiateOAuth: 'REFRESH', OAuthRefreshToken: refreshed.OAuthRefreshToken }, { env: fresh });
    assert.ok((await auto.query('SELECT Name FROM Priorities')).rowCount > 0);
    await auto.close();
  });
});

describe('the OAuth procedures as CData calls them', () => {
  it('GetOAuthAuthorizationURL: GrantType CODE works, IMPLICIT says Backlog has only the code grant, Scope is ignored with a warning', async () => {
    const conn = await connect(seed(), { env: env({ dir: 'fresh' }) });
    const code = await conn.query("EXEC GetOAuthAuthorizationURL @GrantType = 'CODE', @Scope = 'read write'");
    assert.equal(new URL((code.rows[0] as { URL: string }).URL).searchParams.get('response_type'), 'code');
    assert.match(code.stats.warnings.join('\n'), /ignoring Scope: Backlog's OAuth has no scopes/);
    const e = await conn.query("EXEC GetOAuthAuthorizationURL GrantType = 'IMPLICIT'").then(
      () => assert.fail('expected an error'),
      (x: unknown) => x,
    );
    assert.ok(e instanceof OAuthError);
    assert.match(e.message, /Backlog has only the authorization code grant: GrantType=IMPLICIT is not available/);
    assert.match(e.hint ?? '', /GrantType=CODE/);
    await conn.close();
  });

  it('State given to GetOAuthAuthorizationURL but not to GetOAuthAccessToken: the hint says so, not "used, expired or revoked"', async () => {
    const conn = await connect(seed(), { env: env({ dir: 'fresh' }) });
    const url = ((await conn.query("EXEC GetOAuthAuthorizationURL State = 'seed-state-1'")).rows[0] as { URL: string }).URL;
    const code = await browserCode(emu.url, person(), url);
    const e = await conn.query('EXEC GetOAuthAccessToken Verifier = ?', [code]).then(
      () => assert.fail('expected an error'),
      (x: unknown) => x,
    );
    assert.ok(e instanceof OAuthError);
    assert.equal(e.error, 'invalid_grant');
    assert.match(e.hint ?? '', /GetOAuthAuthorizationURL was given a State and GetOAuthAccessToken no State/);
    assert.match(e.hint ?? '', /pass the same ones to GetOAuthAccessToken/);
    assert.doesNotMatch(e.hint ?? '', /seed-state-1|used, expired or revoked/);
    // Another CallbackURL is named too.
    const url2 = ((await conn.query("EXEC GetOAuthAuthorizationURL State = 'seed-state-2'")).rows[0] as { URL: string }).URL;
    const code2 = await browserCode(emu.url, person(), url2);
    const e2 = await conn.query(`EXEC GetOAuthAccessToken Verifier = ?, State = 'seed-state-2', CallbackURL = '${callbackUrl}/other'`, [code2]).then(
      () => assert.fail('expected an error'),
      (x: unknown) => x,
    );
    assert.ok(e2 instanceof OAuthError);
    await conn.close();
  });
});
