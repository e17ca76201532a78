/**
 * `auth.refresh` events: each refresh reports whether this process sent it (won the lock) or
 * adopted a token another one had just written (lost it), and whether the refresh token rotated;
 * the Logfile records them, with no token or secret in them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TokenProvider, type AuthRefreshEvent } from '../../src/auth/token-provider.js';
import { openTokenStore } from '../../src/auth/token-store.js';
import { connect } from '../../src/core/connection.js';
import { control, startTestEmulator, type RunningEmulator, freePort } from '../helpers/emulator.js';

const FAKE_BROWSER = new URL('./fake-browser.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'bsql-refresh-events-'));

interface Entry {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
}
const entriesOf = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, Entry> }).entries;

/** Sign in through the desktop flow (fake browser) into `file`, then mark the token expired. */
async function signedInExpired(refreshRotation: 'rotate' | 'none', name: string) {
  const emu = await startTestEmulator({ refreshRotation });
  const callbackUrl = `http://localhost:${await freePort()}/cb`;
  const app = (await control(emu, 'POST', 'oauth-apps', { redirectUris: [callbackUrl] })) as { clientId: string; clientSecret: string };
  const user = emu.users.find((u) => u.roleType === 2) as { userId: string; password: string };
  const file = join(dir, `${name}.json`);
  const props = {
    URL: emu.url,
    AuthScheme: 'OAuth',
    OAuthClientId: app.clientId,
    OAuthClientSecret: app.clientSecret,
    CallbackURL: callbackUrl,
    OAuthSettingsLocation: file,
  };
  const env = { ...process.env, BROWSER: `${process.execPath} ${FAKE_BROWSER}`, FAKE_BROWSER_USER: user.userId, FAKE_BROWSER_PASSWORD: user.password };
  const conn = await connect({ ...props, InitiateOAuth: 'GETANDREFRESH' }, { env, oauthTimeoutMs: 20_000 });
  await conn.close();
  const json = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, Entry> };
  for (const e of Object.values(json.entries)) e.expiresAt = new Date(Date.now() - 60_000).toISOString();
  writeFileSync(file, JSON.stringify(json), { mode: 0o600 });
  return { emu, app, file, props };
}

describe('auth.refresh events', () => {
  const emus: RunningEmulator[] = [];
  after(async () => Promise.all(emus.map((e) => e.close())));

  it('a refresh this process sent is reported as sent and rotated, in the Logfile too, with no token in it', async () => {
    const s = await signedInExpired('rotate', 'rotate');
    emus.push(s.emu);
    const before = Object.values(entriesOf(s.file))[0] as Entry;
    const events: AuthRefreshEvent[] = [];
    const logfile = join(dir, 'rotate.log');
    const conn = await connect({ ...s.props, InitiateOAuth: 'REFRESH', Logfile: logfile, Verbosity: 1 }, { onRefreshEvent: (e) => events.push(e) });
    await conn.query('SELECT Name FROM Priorities');
    await conn.close();
    assert.deepEqual(events, [{ type: 'auth.refresh', reason: 'expiring', store: 'file', outcome: 'sent', rotated: true }]);
    const log = readFileSync(logfile, 'utf8');
    const logged = log
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.type === 'auth.refresh');
    assert.equal(logged.length, 1);
    assert.equal(logged[0]?.outcome, 'sent');
    const afterwards = Object.values(entriesOf(s.file))[0] as Entry;
    for (const secret of [s.app.clientSecret, before.accessToken, before.refreshToken, afterwards.accessToken, afterwards.refreshToken]) {
      assert.ok(!log.includes(secret), 'no token or secret in the log');
      assert.ok(!JSON.stringify(events).includes(secret), 'no token or secret in the events');
    }
  });

  it('without rotation the event says rotated: false; a provider that finds a newer token under the lock reports adopted', async () => {
    const s = await signedInExpired('none', 'none');
    emus.push(s.emu);
    const key = Object.keys(entriesOf(s.file))[0] as string;
    const app = { baseUrl: s.emu.url, ...s.app };
    const store = openTokenStore(s.file, process.env);
    const eventsA: AuthRefreshEvent[] = [];
    const eventsB: AuthRefreshEvent[] = [];
    // B loads the expired token first; A (another connection or process) then refreshes it.
    const b = new TokenProvider({ app, store, key, canRefresh: true, signedOutHint: '', onRefreshEvent: (e) => eventsB.push(e) });
    await b.load();
    const a = new TokenProvider({
      app,
      store: openTokenStore(s.file, process.env),
      key,
      canRefresh: true,
      signedOutHint: '',
      onRefreshEvent: (e) => eventsA.push(e),
    });
    const tokenA = await a.accessToken();
    assert.deepEqual(eventsA, [{ type: 'auth.refresh', reason: 'expiring', store: 'file', outcome: 'sent', rotated: false }]);
    assert.equal(await b.accessToken(), tokenA, 'B uses the token A wrote');
    assert.deepEqual(eventsB, [{ type: 'auth.refresh', reason: 'expiring', store: 'file', outcome: 'adopted' }]);
  });
});
