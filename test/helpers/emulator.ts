/**
 * Test helpers around a running emulator: start one on a free port, call its controls, and make
 * backlog-js clients that reach it (backlog-js only speaks https to a host name, so its `fetch`
 * is rewritten to the emulator's http URL).
 */
import { Backlog, OAuth2 } from 'backlog-js';
import { createServer } from 'node:net';
import { startEmulator, type EmulatorOptions, type JournalEntry, type RunningEmulator } from '../../src/emulator/index.js';

export type { RunningEmulator, JournalEntry };

/** The host name backlog-js is given; requests to it are sent to the emulator. */
export const FAKE_HOST = 'emulated.backlog.com';

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ port: 0, scale: 'tiny', rateLimit: 'off', ...options });
}

/** A fetch that sends backlog-js' https://FAKE_HOST/... requests to the emulator. */
export function rewritingFetch(emu: { url: string }): typeof fetch {
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return fetch(url.replace(`https://${FAKE_HOST}`, emu.url), init);
  };
}

export function backlogClient(emu: RunningEmulator, credentials: { apiKey?: string; accessToken?: string } = { apiKey: emu.apiKey }): Backlog {
  return new Backlog({ host: FAKE_HOST, ...credentials, fetch: rewritingFetch(emu) } as ConstructorParameters<typeof Backlog>[0]);
}

/** A backlog-js client signed in as the first seeded user with this role. */
export function clientAs(emu: RunningEmulator, roleType: 1 | 2 | 3 | 4 | 5 | 6): Backlog {
  const user = emu.users.find((u) => u.roleType === roleType);
  if (!user) throw new Error(`no seeded user with roleType ${roleType}`);
  return backlogClient(emu, { apiKey: user.apiKey });
}

export function oauthClient(emu: RunningEmulator, app: { clientId: string; clientSecret: string } = emu.oauthApp): OAuth2 {
  return new OAuth2({ clientId: app.clientId, clientSecret: app.clientSecret }, undefined, rewritingFetch(emu) as never);
}

export async function control(emu: { url: string }, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emu.url}/_emulator/${path}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control ${method} ${path} failed: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export async function journal(emu: { url: string }): Promise<JournalEntry[]> {
  return ((await control(emu, 'GET', 'journal')) as { requests: JournalEntry[] }).requests;
}

export async function clearJournal(emu: { url: string }): Promise<void> {
  await control(emu, 'DELETE', 'journal');
}

/** A raw API call (for what backlog-js cannot send: bad input, unknown parameters, other auth). */
export async function api(
  emu: { url: string; apiKey: string },
  method: string,
  path: string,
  opts: {
    query?: Record<string, string | string[]>;
    form?: Record<string, string | string[]>;
    apiKey?: string | null;
    headers?: Record<string, string>;
    body?: string | Buffer | FormData;
  } = {},
): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  const q = new URLSearchParams();
  if (opts.apiKey !== null) q.append('apiKey', opts.apiKey ?? emu.apiKey);
  for (const [k, v] of Object.entries(opts.query ?? {})) for (const x of Array.isArray(v) ? v : [v]) q.append(k, x);
  let body: string | Buffer | FormData | undefined = opts.body;
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.form) {
    const f = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.form)) for (const x of Array.isArray(v) ? v : [v]) f.append(k, x);
    body = f.toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const qs = q.toString();
  const res = await fetch(`${emu.url}/api/v2${path}${qs ? `?${qs}` : ''}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** A port on 127.0.0.1 that was free a moment ago (for callback listeners and child servers). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
