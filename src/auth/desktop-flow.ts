/**
 * The desktop flow (InitiateOAuth=GETANDREFRESH, docs/cdata-driver.md §8.1, ARCHITECTURE.md §7):
 * hand the authorization URL to the caller and open the system browser, wait on the CallbackURL's
 * port for Backlog's redirect, check `state`, exchange the code, show a plain page.
 *
 * - Loopback only (OAUTH-2 as amended by ARCHITECTURE.md §7): `localhost` listens on 127.0.0.1 and ::1,
 *   an IP literal on that address; never 0.0.0.0. The fixed port is never swapped for another
 *   (OAUTH-12): Backlog matches the redirect URI exactly.
 * - Only GET on the callback path with the right state completes the flow; other paths get 404,
 *   other methods 405, a missing or wrong state 400, and none of them ends the flow (OAUTH-5/6).
 * - `error=…` with the right state ends it with an OAuthError, not retried (OAUTH-8).
 * - The listener closes on success, error and timeout (OAUTH-9); pages load nothing and do not
 *   echo the code (OAUTH-10).
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ConfigError, OAuthError } from '../errors.js';
import { authorizationUrl, exchangeCode, newPkce, newState, sameState, type OAuthApp, type TokenResponse } from './oauth-client.js';

export const DEFAULT_FLOW_TIMEOUT_MS = 5 * 60_000;

export interface DesktopFlowOptions {
  app: OAuthApp;
  /** Exactly as registered (sent byte for byte). */
  callbackUrl: string;
  usePkce: boolean;
  timeoutMs?: number;
  /** Gets the authorization URL first (the CLI prints it on stderr for copy and paste). */
  onAuthorizationUrl?: (url: string) => void;
  /** Opens the URL; default: $BROWSER, else the `open` package. Failure is not fatal. */
  openBrowser?: (url: string) => Promise<void>;
  env?: Record<string, string | undefined>;
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
  /** Told the addresses the callback listener is bound to (tests check they are loopback only). */
  onListening?: (addresses: { address: string; port: number }[]) => void;
  /** Told of each request to the listener: method, path (no query: it holds the code), status, local address. */
  onCallbackRequest?: (event: { method: string; path: string; status: number; localAddress: string }) => void;
}

export interface CallbackTarget {
  hosts: string[];
  port: number;
  path: string;
}

/** Where to listen for a CallbackURL; only loopback http URLs with a port qualify. */
export function callbackTarget(callbackUrl: string): CallbackTarget {
  let u: URL;
  try {
    u = new URL(callbackUrl);
  } catch {
    throw new ConfigError(`CallbackURL "${callbackUrl}" is not a URL`, 'CallbackURL', {
      hint: 'Use the callback URL registered for the app, e.g. http://localhost:33333.',
    });
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const hosts = host === 'localhost' ? ['127.0.0.1', '::1'] : host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) ? [host] : [];
  if (u.protocol !== 'http:' || hosts.length === 0) {
    throw new ConfigError(
      `CallbackURL "${callbackUrl}" is not a loopback http address, so the desktop flow (InitiateOAuth=GETANDREFRESH) cannot receive the redirect`,
      'CallbackURL',
      {
        hint: 'Register and use http://localhost:PORT (or http://127.0.0.1:PORT) for the desktop flow; for a web application use InitiateOAuth=OFF and the GetOAuthAuthorizationURL / GetOAuthAccessToken procedures.',
      },
    );
  }
  const port = Number(u.port || 80);
  return { hosts, port, path: u.pathname || '/' };
}

/** $BROWSER (a command, as in Python's webbrowser: `%s` stands for the URL), else the `open` package. */
export async function openInBrowser(url: string, env: Record<string, string | undefined> = process.env): Promise<void> {
  const browser = env.BROWSER?.split(':')[0]?.trim();
  if (browser) {
    const words = browser.split(/\s+/);
    const args = words.slice(1).some((w) => w.includes('%s')) ? words.slice(1).map((w) => w.replace('%s', url)) : [...words.slice(1), url];
    await new Promise<void>((resolve, reject) => {
      const child = spawn(words[0] as string, args, { stdio: 'ignore', detached: true, env: { ...process.env, ...env } as NodeJS.ProcessEnv });
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        resolve();
      });
    });
    return;
  }
  const { default: open } = await import('open');
  const child = await open(url);
  child.once('error', () => undefined);
}

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  'X-Content-Type-Options': 'nosniff',
};

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;margin:3em"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
  res.writeHead(status, { ...PAGE_HEADERS, Connection: 'close' });
  res.end(html);
}

/** Run `fn` once the page has been handed to the socket, so closing the listener cannot cut it. */
function afterSent(res: ServerResponse, fn: () => void): void {
  if (res.writableFinished) fn();
  else res.once('finish', fn).once('close', fn);
}

async function listenAll(servers: Server[], target: CallbackTarget): Promise<void> {
  const bound: Server[] = [];
  for (const [i, host] of target.hosts.entries()) {
    const server = servers[i] as Server;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port: target.port, exclusive: true }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      bound.push(server);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A machine without IPv6 has no ::1: 127.0.0.1 alone is enough for `localhost` then.
      if (host === '::1' && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') && bound.length > 0) continue;
      for (const s of bound) s.close();
      if (code === 'EADDRINUSE' || code === 'EACCES') {
        throw new OAuthError(
          `cannot listen for the OAuth callback on port ${target.port} of ${host}: the port is ${code === 'EADDRINUSE' ? 'already in use' : 'not allowed'}`,
          'port_in_use',
          {
            hint: `Stop the program using port ${target.port}, or register another callback URL (http://localhost:PORT) for the app and set CallbackURL to it. backlog-sql never picks another port: Backlog only redirects to the registered one.`,
          },
        );
      }
      throw e;
    }
  }
}

/** Run the flow; resolves with the tokens once the code is exchanged. */
export async function runDesktopFlow(options: DesktopFlowOptions): Promise<TokenResponse> {
  const target = callbackTarget(options.callbackUrl);
  const state = newState();
  const pkce = options.usePkce ? newPkce() : undefined;
  // The flow is bound to this space (OAUTH-11): the code goes only to this app's token endpoint.
  const app = options.app;
  const url = authorizationUrl({
    baseUrl: app.baseUrl,
    clientId: app.clientId,
    redirectUri: options.callbackUrl,
    state,
    ...(pkce ? { codeChallenge: pkce.challenge } : {}),
  });

  let settle!: { resolve: (t: TokenResponse) => void; reject: (e: unknown) => void };
  const outcome = new Promise<TokenResponse>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let done = false;
  const finish = (fn: () => void): void => {
    if (done) return;
    done = true;
    fn();
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const u = new URL(req.url ?? '/', 'http://callback.invalid');
    const localAddress = req.socket.localAddress ?? '';
    res.once('finish', () => options.onCallbackRequest?.({ method: req.method ?? '', path: u.pathname, status: res.statusCode, localAddress }));
    if (u.pathname !== target.path) return page(res, 404, 'Not found', 'This address only receives the sign-in redirect.');
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      return page(res, 405, 'Method not allowed', 'Only GET is accepted here.');
    }
    if (done) return page(res, 410, 'Sign-in already finished', 'You can close this window.');
    if (!sameState(state, u.searchParams.get('state'))) {
      return page(
        res,
        400,
        'Sign-in request not recognised',
        'This answer does not belong to the sign-in that backlog-sql started (wrong or missing state). Nothing was done.',
      );
    }
    const error = u.searchParams.get('error');
    if (error !== null) {
      page(res, 200, 'Sign-in cancelled', 'backlog-sql was not given access. You can close this window.');
      const denied = error === 'access_denied';
      return finish(() =>
        afterSent(res, () =>
          settle.reject(
            new OAuthError(
              denied ? 'the sign-in was denied in the browser (access_denied)' : `Backlog ended the sign-in with an error: ${error.slice(0, 100)}`,
              error,
              {
                hint: denied ? 'Run it again and choose Allow on the consent page.' : 'Check the app registration (callback URL) and try again.',
              },
            ),
          ),
        ),
      );
    }
    const code = u.searchParams.get('code');
    if (!code) return page(res, 400, 'No authorization code', 'The redirect carried no code. Nothing was done.');
    done = true;
    exchangeCode(app, { code, redirectUri: options.callbackUrl, ...(pkce ? { codeVerifier: pkce.verifier } : {}) }).then(
      (tokens) => {
        page(res, 200, 'Signed in', 'backlog-sql is signed in to Backlog. You can close this window.');
        afterSent(res, () => settle.resolve(tokens));
      },
      (e: unknown) => {
        page(res, 200, 'Sign-in failed', 'backlog-sql could not complete the sign-in. See the program for details. You can close this window.');
        afterSent(res, () => settle.reject(e));
      },
    );
  };

  const servers = target.hosts.map(() => createServer(handle));
  await listenAll(servers, target);
  options.onListening?.(servers.filter((s) => s.listening).map((s) => s.address() as { address: string; port: number }));
  const timeoutMs = options.timeoutMs ?? DEFAULT_FLOW_TIMEOUT_MS;
  const timer = setTimeout(
    () =>
      finish(() =>
        settle.reject(
          new OAuthError(`no sign-in arrived on ${options.callbackUrl} within ${Math.round(timeoutMs / 1000)} s`, 'timeout', {
            hint: 'Open the authorization URL, sign in and choose Allow before the time runs out.',
          }),
        ),
      ),
    timeoutMs,
  );
  const onAbort = (): void => finish(() => settle.reject(new OAuthError('the sign-in was cancelled', 'cancelled')));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    options.onAuthorizationUrl?.(url);
    const opener = options.openBrowser ?? ((u: string) => openInBrowser(u, options.env));
    opener(url).catch((e: unknown) =>
      options.onWarning?.(`could not open a browser (${e instanceof Error ? e.message : 'error'}): open the authorization URL yourself`),
    );
    return await outcome;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    await Promise.all(
      servers
        .filter((s) => s.listening)
        .map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
    );
  }
}
