/**
 * `POST /api/v2/oauth2/token` (backlog-api.md §2.2): the authorization-code and refresh-token
 * grants. Errors follow RFC 6749 §5.2 (`{"error","error_description"}`); the statuses are the
 * inferred mapping of Nulab's scala-oauth2-provider (§2.2, unverified against a live space):
 * invalid_request / unsupported_grant_type → 400; invalid_client / invalid_grant /
 * redirect_uri_mismatch → 401.
 */
import { json, type Ctx, type JsonReply } from '../route.js';
import type { EmulatorState } from '../state.js';
import { issueForCode, issueForRefresh, revokeFamily, verifierMatches } from './grants.js';
import { sameSecret } from './sessions.js';

type TokenError = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'redirect_uri_mismatch';

const STATUS: Record<TokenError, number> = {
  invalid_request: 400,
  unsupported_grant_type: 400,
  invalid_client: 401,
  invalid_grant: 401,
  redirect_uri_mismatch: 401,
};

/** Token responses must never be cached (RFC 6749 §5.1). */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

class TokenFailure extends Error {
  constructor(
    readonly error: TokenError,
    description: string,
  ) {
    super(description);
  }
}

function fail(error: TokenError, description: string): never {
  throw new TokenFailure(error, description);
}

/** The parameters every grant reads; each may appear at most once (RFC 6749 §3.2). */
const TOKEN_PARAMS = ['grant_type', 'code', 'redirect_uri', 'client_id', 'client_secret', 'refresh_token', 'code_verifier'];

function one(form: URLSearchParams, name: string): string | null {
  const values = form.getAll(name);
  if (values.length > 1) fail('invalid_request', `Parameter '${name}' is included more than once.`);
  const v = values[0];
  return v === undefined || v === '' ? null : v;
}

function required(form: URLSearchParams, name: string): string {
  return one(form, name) ?? fail('invalid_request', `Missing required parameter '${name}'.`);
}

function authenticateClient(state: EmulatorState, form: URLSearchParams): string {
  const clientId = one(form, 'client_id');
  const secret = one(form, 'client_secret');
  if (clientId === null || secret === null) fail('invalid_client', 'Client authentication failed: client_id and client_secret are required.');
  const app = state.store.oauthApps.get(clientId);
  // Compare against a dummy secret for unknown clients too, so timing tells nothing.
  const ok = sameSecret(app?.clientSecret ?? '\0unknown-client', secret);
  if (!app || !ok) fail('invalid_client', 'Client authentication failed.');
  return clientId;
}

function authorizationCodeGrant(state: EmulatorState, form: URLSearchParams, clientId: string): unknown {
  const codeValue = required(form, 'code');
  const redirectUri = required(form, 'redirect_uri');
  const verifier = one(form, 'code_verifier');
  const store = state.store;
  const code = store.authCodes.get(codeValue);
  if (!code || code.clientId !== clientId) fail('invalid_grant', 'Grant is invalid.');
  if (code.used) {
    // RFC 6749 §4.1.2: a code used twice revokes the tokens issued from it.
    if (code.familyId !== null) revokeFamily(store, code.familyId);
    fail('invalid_grant', 'Grant is invalid: the authorization code has already been used.');
  }
  if (state.now() >= code.expiresAt) fail('invalid_grant', 'Grant is invalid: the authorization code has expired.');
  // Byte-for-byte: Backlog requires the same redirect_uri as in the authorization request.
  if (redirectUri !== code.redirectUri) fail('redirect_uri_mismatch', 'Redirect URI mismatch.');
  if (state.options.pkce !== 'off') {
    if (code.codeChallenge !== null) {
      if (verifier === null) fail('invalid_grant', 'Grant is invalid: code_verifier is required.');
      if (!verifierMatches(verifier, code.codeChallenge)) fail('invalid_grant', 'Grant is invalid: code_verifier does not match the code challenge.');
    } else if (verifier !== null) {
      // A verifier without a challenge means the challenge was stripped (PKCE downgrade).
      fail('invalid_grant', 'Grant is invalid: code_verifier sent but the authorization request had no code_challenge.');
    }
  }
  if (!store.users.get(code.userId)) fail('invalid_grant', 'Grant is invalid.');
  return issueForCode(state, code);
}

/**
 * Refresh tokens do not expire here: Backlog documents no lifetime (§15.1), and inventing one
 * would make the emulator fail clients for a rule Backlog may not have.
 */
function refreshTokenGrant(state: EmulatorState, form: URLSearchParams, clientId: string): unknown {
  const value = required(form, 'refresh_token');
  const store = state.store;
  const presented = store.refreshTokens.get(value);
  if (!presented || presented.clientId !== clientId || presented.revoked) fail('invalid_grant', 'Grant is invalid.');
  if (presented.used) {
    if (state.options.refreshRotation === 'reuse-detection') revokeFamily(store, presented.familyId);
    fail('invalid_grant', 'Grant is invalid: the refresh token has already been used.');
  }
  if (!store.users.get(presented.userId)) fail('invalid_grant', 'Grant is invalid.');
  return issueForRefresh(state, presented);
}

export function tokenEndpoint(ctx: Ctx): JsonReply {
  try {
    // RFC 6749 §2.3.1, §3.2: credentials and grant parameters belong in the form body, never in
    // the URL (where logs and proxies keep them). Backlog is silent; refusing is the safer reading.
    const query = new URL(ctx.req.url ?? '/', 'http://emulator.invalid').searchParams;
    const inQuery = TOKEN_PARAMS.find((p) => query.has(p));
    if (inQuery) fail('invalid_request', `Parameter '${inQuery}' must be sent in the application/x-www-form-urlencoded body, not in the URL.`);
    const form = ctx.raw;
    const grantType = one(form, 'grant_type') ?? fail('invalid_request', "Missing required parameter 'grant_type'.");
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      fail('unsupported_grant_type', `Unsupported grant_type '${grantType}': use authorization_code or refresh_token.`);
    }
    const clientId = authenticateClient(ctx.state, form);
    const body = grantType === 'authorization_code' ? authorizationCodeGrant(ctx.state, form, clientId) : refreshTokenGrant(ctx.state, form, clientId);
    return json(body, 200, NO_STORE);
  } catch (e) {
    if (e instanceof TokenFailure) return json({ error: e.error, error_description: e.message }, STATUS[e.error], NO_STORE);
    throw e;
  }
}
