/**
 * OAUTH-11 (mix-up defence): a pending sign-in is bound to one space. A code issued by another
 * space's authorization server and delivered to our callback is exchanged only with the
 * configured space — which refuses it — and never sent to the other space's token endpoint.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connect } from '../../src/core/connection.js';
import { OAuthError } from '../../src/errors.js';
import { control, journal, startTestEmulator, type RunningEmulator, freePort } from '../helpers/emulator.js';

const MIXUP_BROWSER = new URL('./mixup-browser.mjs', import.meta.url).pathname;

let spaceA: RunningEmulator;
let spaceB: RunningEmulator;

before(async () => {
  // The same seed: the same users and passwords on both spaces, as an attacker would mimic.
  spaceA = await startTestEmulator();
  spaceB = await startTestEmulator();
});
after(async () => {
  await spaceA.close();
  await spaceB.close();
});

test('a code from another space is never sent to that space, and the sign-in fails (OAUTH-11)', async () => {
  const callbackUrl = `http://localhost:${await freePort()}`;
  const app = { clientId: 'mixuptestclient0001', clientSecret: 'mixup-test-client-secret-0001', redirectUris: [callbackUrl] };
  await control(spaceA, 'POST', 'oauth-apps', { name: 'app on A', ...app });
  await control(spaceB, 'POST', 'oauth-apps', { name: 'look-alike on B', ...app });
  const user = spaceA.users.find((u) => u.roleType === 2) as { userId: string; password: string };
  const err = await connect(
    {
      URL: spaceA.url,
      AuthScheme: 'OAuth',
      InitiateOAuth: 'GETANDREFRESH',
      OAuthClientId: app.clientId,
      OAuthClientSecret: app.clientSecret,
      CallbackURL: callbackUrl,
      OAuthSettingsLocation: join(mkdtempSync(join(tmpdir(), 'bsql-mixup-')), 'settings.json'),
    },
    {
      env: {
        ...process.env,
        BROWSER: `${process.execPath} ${MIXUP_BROWSER}`,
        MIXUP_ORIGIN: spaceB.url,
        FAKE_BROWSER_USER: user.userId,
        FAKE_BROWSER_PASSWORD: user.password,
      },
      oauthTimeoutMs: 20_000,
    },
  ).catch((e: unknown) => e);
  assert.ok(err instanceof OAuthError, `expected an OAuthError, got ${String(err)}`);
  const tokenRequests = (emu: RunningEmulator) => journal(emu).then((j) => j.filter((r) => r.path === '/api/v2/oauth2/token'));
  assert.equal((await journal(spaceB)).filter((r) => r.path === '/OAuth2AccessRequest.action').length > 0, true, 'the person was sent to space B');
  assert.deepEqual(await tokenRequests(spaceB), [], 'space B never saw a token request');
  const atA = await tokenRequests(spaceA);
  assert.equal(atA.length, 1, 'the code went to the configured space only');
  assert.equal(atA[0]?.status, 401, 'and was refused there (invalid_grant)');
});
