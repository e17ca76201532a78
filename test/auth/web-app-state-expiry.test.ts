/**
 * OAUTH-13, expiry: the example web app's sign-in state expires. Started with a 300 ms state
 * lifetime, a callback arriving later is refused (400) and nothing is exchanged.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, test } from 'node:test';
import { clearJournal, control, journal, startTestEmulator, type RunningEmulator, freePort } from '../helpers/emulator.js';

const ROOT = new URL('../../', import.meta.url).pathname;
let emu: RunningEmulator;
let app: ChildProcess;
let appUrl: string;

before(async () => {
  emu = await startTestEmulator();
  const port = await freePort();
  const redirectUri = `http://localhost:${port}/callback`;
  const client = (await control(emu, 'POST', 'oauth-apps', { name: 'state expiry', redirectUris: [redirectUri] })) as {
    clientId: string;
    clientSecret: string;
  };
  app = spawn(process.execPath, ['examples/web-app/server.mjs'], {
    cwd: ROOT,
    env: {
      ...process.env,
      BACKLOG_URL: emu.url,
      OAUTH_CLIENT_ID: client.clientId,
      OAUTH_CLIENT_SECRET: client.clientSecret,
      REDIRECT_URI: redirectUri,
      PORT: String(port),
      STATE_TTL_MS: '300',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  appUrl = await new Promise<string>((resolve, reject) => {
    app.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
      const m = /"event":"listening","url":"([^"]+)"/.exec(output);
      if (m?.[1]) resolve(m[1]);
    });
    app.on('exit', (code) => reject(new Error(`the web app exited with ${code}`)));
    setTimeout(() => reject(new Error('the web app did not start')), 30_000);
  });
});
after(async () => {
  app?.kill('SIGTERM');
  await emu?.close();
});

test('a sign-in state older than its lifetime is refused and not exchanged', async () => {
  const start = await fetch(new URL('/login', appUrl), { redirect: 'manual' });
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const location = start.headers.get('location');
  assert.ok(cookie.startsWith('sid=') && location, 'the sign-in started with a session and a redirect');
  const state = new URL(location).searchParams.get('state');
  assert.ok(state);
  await clearJournal(emu);
  await new Promise((r) => setTimeout(r, 500));
  const late = await fetch(new URL(`/callback?code=anything&state=${encodeURIComponent(state)}`, appUrl), { headers: { cookie } });
  assert.equal(late.status, 400);
  assert.deepEqual(
    (await journal(emu)).filter((e) => e.path === '/api/v2/oauth2/token'),
    [],
    'nothing was exchanged',
  );
});
