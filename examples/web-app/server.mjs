#!/usr/bin/env node
/**
 * Example web application: signs a person in to Backlog through the OAuth 2.0 web flow
 * (GetOAuthAuthorizationURL → Backlog's consent page → GetOAuthAccessToken) and lists their open
 * assigned issues with SQL on a connection opened with the obtained access token.
 *
 *   node examples/web-app/server.mjs            (or: npm run example:web)
 *
 * Configuration (environment): BACKLOG_URL, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET (or
 * BACKLOG_OAUTH_CLIENT_SECRET), REDIRECT_URI (default http://localhost:8770/callback), PORT
 * (default 8770; 0 picks a free port; a first argument overrides it). With no BACKLOG_URL the
 * embedded emulator is started and its seeded app used, so the example runs offline.
 *
 * Safety (OAUTH-13): the state is random, bound to the browser session (an HttpOnly, SameSite=Lax
 * cookie), kept server-side, single-use and expiring; the redirect URI comes from configuration
 * only, never from a request. Tokens stay on the server; logs never show query strings or tokens.
 * Imports the library by its package name, as an application that installed it does (inside this
 * repository the name resolves to the package itself, built into dist/ by `npm install`).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { connect } from 'backlog-sql';

// STATE_TTL_MS in the environment shortens it (tests of the expiry).
const STATE_TTL_MS = Number(process.env.STATE_TTL_MS) || 10 * 60 * 1000;
const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

function log(event, fields = {}) {
  console.log(JSON.stringify({ time: new Date().toISOString(), event, ...fields }));
}

async function configure() {
  const env = process.env;
  const portArg = process.argv[2] ?? env.PORT;
  const port = portArg === undefined || portArg === '' ? 8770 : Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got '${portArg}'`);
  const redirectUri = new URL(env.REDIRECT_URI || 'http://localhost:8770/callback');
  if (env.BACKLOG_URL) {
    const clientSecret = env.OAUTH_CLIENT_SECRET || env.BACKLOG_OAUTH_CLIENT_SECRET;
    if (!env.OAUTH_CLIENT_ID || !clientSecret)
      throw new Error('With BACKLOG_URL set, OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET (or BACKLOG_OAUTH_CLIENT_SECRET) are needed');
    return { backlogUrl: env.BACKLOG_URL.replace(/\/+$/, ''), clientId: env.OAUTH_CLIENT_ID, clientSecret, redirectUri, port, emulator: undefined };
  }
  // Offline: the embedded emulator, whose seeded app lists http://localhost:8770/callback.
  const { startEmulator } = await import('backlog-sql/emulator');
  const emulator = await startEmulator({ port: 0, scale: 'tiny' });
  const user = emulator.users.find((u) => u.roleType === 2) ?? emulator.users[0];
  log('emulator.started', { url: emulator.url, tryUser: user?.userId, tryPassword: user?.password });
  return { backlogUrl: emulator.url, clientId: emulator.oauthApp.clientId, clientSecret: emulator.oauthApp.clientSecret, redirectUri, port, emulator };
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function page(res, status, title, body, headers = {}) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    'x-frame-options': 'DENY',
    ...headers,
  });
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
      '<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}</style></head>' +
      `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  );
}

function redirect(res, location, headers = {}) {
  res.writeHead(303, { location, 'cache-control': 'no-store', ...headers });
  res.end();
}

function parseCookies(header) {
  const out = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

export async function main() {
  const config = await configure();
  const secureCookie = config.redirectUri.protocol === 'https:';
  /** sid → { created, states: Map<state, expiresAt>, user?, tokens? } — server-side only. */
  const sessions = new Map();
  const newSid = () => randomBytes(32).toString('base64url');
  const cookie = (sid) => `sid=${sid}; Path=/; HttpOnly; SameSite=Lax${secureCookie ? '; Secure' : ''}; Max-Age=${SESSION_TTL_MS / 1000}`;
  const sessionOf = (req) => {
    const sid = parseCookies(req.headers.cookie).sid;
    const s = sid ? sessions.get(sid) : undefined;
    if (!s) return undefined;
    if (Date.now() - s.created > SESSION_TTL_MS) {
      sessions.delete(sid);
      return undefined;
    }
    return { sid, s };
  };

  // One signed-out connection for the two web-flow procedures.
  const oauth = await connect({
    URL: config.backlogUrl,
    AuthScheme: 'OAuth',
    InitiateOAuth: 'OFF',
    OAuthClientId: config.clientId,
    OAuthClientSecret: config.clientSecret,
    CallbackURL: config.redirectUri.href,
  });

  async function startSignIn(req, res) {
    let found = sessionOf(req);
    const headers = {};
    if (!found) {
      const sid = newSid();
      found = { sid, s: { created: Date.now(), states: new Map() } };
      sessions.set(sid, found.s);
      headers['set-cookie'] = cookie(sid);
    }
    const now = Date.now();
    for (const [st, exp] of found.s.states) if (exp <= now) found.s.states.delete(st);
    const state = randomBytes(32).toString('base64url');
    found.s.states.set(state, now + STATE_TTL_MS);
    const { rows } = await oauth.query('EXEC GetOAuthAuthorizationURL @CallbackURL = ?, @State = ?', [config.redirectUri.href, state]);
    log('signin.start');
    redirect(res, rows[0].URL, headers);
  }

  async function callback(req, res, url) {
    const state = url.searchParams.get('state');
    const found = sessionOf(req);
    const expires = found && state ? found.s.states.get(state) : undefined;
    // Single-use: whatever happens next, this state is spent.
    if (found && state) found.s.states.delete(state);
    if (!found || !state || expires === undefined || expires <= Date.now()) {
      log('signin.refused', { reason: !found ? 'no session' : 'state not issued to this session, already used or expired' });
      return page(
        res,
        400,
        'Sign-in refused',
        '<p>This sign-in response does not belong to this browser session (or was already used, or has expired).</p><p><a href="/">Start again</a></p>',
      );
    }
    const error = url.searchParams.get('error');
    if (error) {
      log('signin.cancelled', { error });
      return page(res, 200, 'Sign-in cancelled', `<p>Backlog said: ${escapeHtml(error)}.</p><p><a href="/">Start again</a></p>`);
    }
    const code = url.searchParams.get('code');
    if (!code) return page(res, 400, 'Sign-in refused', '<p>No authorization code.</p>');
    const { rows } = await oauth.query('CALL GetOAuthAccessToken(Verifier => ?, CallbackURL => ?, State => ?)', [code, config.redirectUri.href, state]);
    const t = rows[0];
    const me = await fetch(`${config.backlogUrl}/api/v2/users/myself`, { headers: { authorization: `Bearer ${t.OAuthAccessToken}` } });
    if (!me.ok) throw new Error(`GET /users/myself answered ${me.status}`);
    const user = await me.json();
    // A fresh session id on sign-in (no session fixation); the old one is dropped.
    sessions.delete(found.sid);
    const sid = newSid();
    sessions.set(sid, {
      created: Date.now(),
      states: new Map(),
      user: { id: user.id, name: user.name },
      tokens: { accessToken: t.OAuthAccessToken, refreshToken: t.OAuthRefreshToken },
    });
    log('signin.done', { userId: user.id });
    redirect(res, '/issues', { 'set-cookie': cookie(sid) });
  }

  async function issues(req, res) {
    const found = sessionOf(req);
    if (!found?.s.tokens) return redirect(res, '/');
    const db = await connect({ URL: config.backlogUrl, AuthScheme: 'OAuth', OAuthAccessToken: found.s.tokens.accessToken });
    try {
      const { rows } = await db.query('SELECT IssueKey, Summary FROM Issues WHERE AssigneeId = ? AND StatusId <> 4 ORDER BY IssueKey', [found.s.user.id]);
      const body =
        `<p id="who">Signed in as ${escapeHtml(found.s.user.name)}.</p>` +
        `<p id="count">${rows.length} open issue(s) assigned to you.</p>` +
        '<table id="issues"><thead><tr><th>Key</th><th>Summary</th></tr></thead><tbody>' +
        rows.map((r) => `<tr><td>${escapeHtml(r.IssueKey)}</td><td>${escapeHtml(r.Summary)}</td></tr>`).join('') +
        '</tbody></table><form method="post" action="/logout"><button id="logout">Sign out</button></form>';
      page(res, 200, 'Your open issues', body);
    } finally {
      await db.close();
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://app.invalid');
    // The path only: query strings carry codes and states.
    log('request', { method: req.method, path: url.pathname });
    const run = async () => {
      if (req.method === 'GET' && url.pathname === '/') {
        if (sessionOf(req)?.s.tokens) return redirect(res, '/issues');
        return page(
          res,
          200,
          'Backlog open issues',
          '<p>See the issues assigned to you that are still open.</p><p><a id="signin" href="/login">Sign in with Backlog</a></p>',
        );
      }
      if (req.method === 'GET' && url.pathname === '/login') return startSignIn(req, res);
      if (req.method === 'GET' && url.pathname === config.redirectUri.pathname) return callback(req, res, url);
      if (req.method === 'GET' && url.pathname === '/issues') return issues(req, res);
      if (req.method === 'POST' && url.pathname === '/logout') {
        const found = sessionOf(req);
        if (found) sessions.delete(found.sid);
        return redirect(res, '/', { 'set-cookie': 'sid=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0' });
      }
      page(res, 404, 'Not found', '<p><a href="/">Home</a></p>');
    };
    run().catch((e) => {
      // Driver errors never carry secrets; the name and message are enough here.
      log('error', { name: e?.name, message: e?.message });
      if (!res.headersSent) page(res, 500, 'Something went wrong', '<p><a href="/">Start again</a></p>');
      else res.end();
    });
  });
  // Loopback by default: an example, not a deployment (HOST to change it).
  await new Promise((resolve) => server.listen(config.port, process.env.HOST || '127.0.0.1', resolve));
  const address = server.address();
  log('listening', { url: `http://localhost:${address.port}/`, redirectUri: config.redirectUri.href, backlogUrl: config.backlogUrl });
  const stop = async () => {
    server.close();
    await oauth.close();
    await config.emulator?.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  console.error(`web-app: ${e?.message ?? e}`);
  process.exit(1);
});
