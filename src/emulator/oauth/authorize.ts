/**
 * The authorization endpoint (`/OAuth2AccessRequest.action`, backlog-api.md §2.2) with its
 * login and consent screens.
 *
 * Order of checks, as RFC 6749 §4.1.2.1 requires: an unknown `client_id` or a `redirect_uri`
 * that is missing or not exactly one of the app's registered URIs is shown as an HTML error page
 * and never redirected (that would make the emulator an open redirector); every later error is
 * sent back to the (now trusted) redirect URI as `error=…&state=…`.
 */
import { redirect, type Ctx, type HtmlReply, type Reply } from '../route.js';
import type { OAuthAppRec } from '../store.js';
import { PENDING_TTL_MS, isValidChallenge, issueCode } from './grants.js';
import { consentPage, errorPage, loginPage } from './pages.js';
import { checkLogin, csrfToken, currentSession, endSession, randomToken, runtime, startSession, validCsrf, type PendingAuthorization } from './sessions.js';

export const AUTHORIZE_PATH = '/OAuth2AccessRequest.action';
export const DEVELOPER_PATH = '/developer/applications';

/** Append response parameters to a registered redirect URI without re-encoding its own query. */
function withParams(redirectUri: string, params: [string, string | null][]): string {
  const q = params
    .filter((p): p is [string, string] => p[1] !== null)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${q}`;
}

function errorRedirect(redirectUri: string, error: string, description: string, state: string | null): Reply {
  return redirect(
    withParams(redirectUri, [
      ['error', error],
      ['error_description', description],
      ['state', state],
    ]),
  );
}

type Checked = { ok: false; reply: Reply } | { ok: true; app: OAuthAppRec; request: Omit<PendingAuthorization, 'id' | 'sessionId' | 'expiresAt'> };

/** Validate an authorization request; unknown parameters (scope, nonce, …) are ignored. */
function checkRequest(ctx: Ctx): Checked {
  const q = ctx.raw;
  const clientIds = q.getAll('client_id');
  const clientId = clientIds[0];
  if (clientIds.length !== 1 || !clientId) {
    return { ok: false, reply: errorPage(400, 'invalid_request', clientIds.length > 1 ? 'client_id is included more than once.' : 'client_id is required.') };
  }
  const app = ctx.store.oauthApps.get(clientId);
  if (!app) return { ok: false, reply: errorPage(400, 'invalid_client', 'Unknown client_id: no application is registered with this client ID.') };
  const uris = q.getAll('redirect_uri');
  const redirectUri = uris[0];
  if (uris.length !== 1 || !redirectUri) {
    return { ok: false, reply: errorPage(400, 'invalid_request', uris.length > 1 ? 'redirect_uri is included more than once.' : 'redirect_uri is required.') };
  }
  // Exact string comparison: no normalisation, no prefix or port leniency.
  if (!app.redirectUris.includes(redirectUri)) {
    return { ok: false, reply: errorPage(400, 'redirect_uri_mismatch', 'redirect_uri does not match the callback URL registered for this application.') };
  }
  const state = q.get('state');
  const back = (error: string, description: string): Checked => ({ ok: false, reply: errorRedirect(redirectUri, error, description, state) });
  for (const name of ['response_type', 'state', 'code_challenge', 'code_challenge_method']) {
    if (q.getAll(name).length > 1) return back('invalid_request', `${name} is included more than once.`);
  }
  const responseType = q.get('response_type');
  if (!responseType) return back('invalid_request', 'response_type is required.');
  if (responseType !== 'code') return back('unsupported_response_type', 'Only response_type=code is supported.');

  // PKCE (RFC 7636) per --pkce. Backlog documents none (§15.3); `off` ignores the parameters as
  // an unknown-parameter-tolerant server would, `optional` enforces a challenge when one is sent.
  let codeChallenge: string | null = null;
  let codeChallengeMethod: 'S256' | null = null;
  const pkce = ctx.state.options.pkce;
  if (pkce !== 'off') {
    const challenge = q.get('code_challenge');
    if (challenge) {
      // An absent method means `plain` (RFC 7636 §4.3), which is refused: S256 only.
      if (q.get('code_challenge_method') !== 'S256') return back('invalid_request', 'code_challenge_method must be S256.');
      if (!isValidChallenge(challenge)) return back('invalid_request', 'code_challenge must be a base64url SHA-256 digest (43 characters).');
      codeChallenge = challenge;
      codeChallengeMethod = 'S256';
    } else if (pkce === 'required') {
      return back('invalid_request', 'code_challenge (PKCE, method S256) is required.');
    }
  }
  return { ok: true, app, request: { clientId, redirectUri, state, codeChallenge, codeChallengeMethod } };
}

/** The path + query of this request, to come back to after login. */
function selfPath(ctx: Ctx): string {
  return ctx.req.url ?? AUTHORIZE_PATH;
}

/** `GET /OAuth2AccessRequest.action`: login page, then consent page. */
export function authorizationPage(ctx: Ctx): Reply {
  const checked = checkRequest(ctx);
  if (!checked.ok) return checked.reply;
  const session = currentSession(ctx.store, ctx.req);
  if (!session) return loginPage(ctx.store.space, selfPath(ctx));
  const rt = runtime(ctx.store);
  const now = ctx.now();
  for (const [key, p] of rt.pending) if (p.expiresAt <= now) rt.pending.delete(key);
  const pending: PendingAuthorization = { ...checked.request, id: randomToken(18), sessionId: session.id, expiresAt: now + PENDING_TTL_MS };
  rt.pending.set(pending.id, pending);
  return consentPage({
    app: checked.app,
    space: ctx.store.space,
    user: session.user,
    requestId: pending.id,
    csrf: csrfToken(ctx.store, session.id, `consent:${pending.id}`),
    logoutCsrf: csrfToken(ctx.store, session.id, 'logout'),
    returnTo: selfPath(ctx),
  });
}

/** `POST /OAuth2AccessRequest.action`: the consent form's Allow or Deny. */
export function authorizationDecision(ctx: Ctx): Reply {
  const session = currentSession(ctx.store, ctx.req);
  if (!session) return errorPage(403, 'access_denied', 'Your session has ended. Start again from the application.');
  const rt = runtime(ctx.store);
  const requestId = ctx.raw.get('request_id') ?? '';
  const pending = rt.pending.get(requestId);
  if (!pending || pending.sessionId !== session.id || pending.expiresAt <= ctx.now()) {
    return errorPage(400, 'invalid_request', 'This authorization request is no longer valid. Start again from the application.');
  }
  if (!validCsrf(ctx.store, session.id, `consent:${pending.id}`, ctx.raw.get('csrf_token'))) {
    return errorPage(403, 'invalid_request', 'The form token is invalid. Reload the page and try again.');
  }
  const allow = ctx.raw.has('allow');
  const deny = ctx.raw.has('deny');
  if (allow === deny) return errorPage(400, 'invalid_request', 'Choose Allow or Deny.');
  // A consent form answers once.
  rt.pending.delete(pending.id);
  if (!ctx.store.oauthApps.get(pending.clientId)) return errorPage(400, 'invalid_client', 'The application is no longer registered.');
  if (deny)
    return redirect(
      withParams(pending.redirectUri, [
        ['error', 'access_denied'],
        ['state', pending.state],
      ]),
    );
  const code = issueCode(ctx.state, session.user.id, pending);
  return redirect(
    withParams(pending.redirectUri, [
      ['code', code],
      ['state', pending.state],
    ]),
  );
}

/** Only our own screens may be returned to after login or logout (no open redirect). */
function safeReturn(url: string | null): string {
  if (url && (url === AUTHORIZE_PATH || url.startsWith(`${AUTHORIZE_PATH}?`) || url === DEVELOPER_PATH)) return url;
  return DEVELOPER_PATH;
}

/** `POST /Login.action`: sign in with user id (or mail address) and password. */
export function login(ctx: Ctx): Reply | HtmlReply {
  const returnTo = safeReturn(ctx.raw.get('url'));
  const loginName = ctx.raw.get('userId') ?? '';
  const user = checkLogin(ctx.store, loginName, ctx.raw.get('password') ?? '');
  if (!user) return loginPage(ctx.store.space, returnTo, true, loginName);
  const { setCookie } = startSession(ctx.store, ctx.req, user);
  user.lastLoginTime = ctx.now();
  return redirect(returnTo, { 'Set-Cookie': setCookie });
}

/** `POST /Logout.action`: end the session (the consent page's "sign in as another user"). */
export function logout(ctx: Ctx): Reply {
  const returnTo = safeReturn(ctx.raw.get('url'));
  const session = currentSession(ctx.store, ctx.req);
  if (!session) return redirect(returnTo);
  if (!validCsrf(ctx.store, session.id, 'logout', ctx.raw.get('csrf_token'))) {
    return errorPage(403, 'invalid_request', 'The form token is invalid. Reload the page and try again.');
  }
  return redirect(returnTo, { 'Set-Cookie': endSession(ctx.store, session.id) });
}
