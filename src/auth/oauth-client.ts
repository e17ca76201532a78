/**
 * Backlog's OAuth 2.0 endpoints (docs/cdata-driver.md §8, backlog-api.md §2.2): the
 * authorization URL (with `state` and, unless UsePKCE=false, a PKCE S256 challenge), the code
 * exchange and the refresh, both as form POSTs to `/api/v2/oauth2/token`.
 *
 * RFC 6749 errors become OAuthError with the server's `error` code and a message that says what to
 * do; no message contains a code, token, verifier or client secret (TOK-12).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { NetworkError, OAuthError } from '../errors.js';
import { redact } from '../util/redact.js';

export const AUTHORIZE_PATH = '/OAuth2AccessRequest.action';
export const TOKEN_PATH = '/api/v2/oauth2/token';

export interface OAuthApp {
  /** Space base URL, no trailing slash. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface TokenResponse {
  accessToken: string;
  /** Absent when the server sent none (TOK-10: keep the old one then). */
  refreshToken?: string;
  /** Seconds, as sent. */
  expiresIn?: number;
  tokenType: string;
}

/** OAUTH-4: 256 bits from the CSPRNG, base64url. */
export function newState(): string {
  return randomBytes(32).toString('base64url');
}

/** OAUTH-7: a 32-byte random verifier (43 base64url characters) and its S256 challenge. */
export function newPkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Constant-time comparison of two states (OAUTH-4). */
export function sameState(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/**
 * The authorization URL. `redirectUri` is sent exactly as configured: Backlog compares it byte
 * for byte with the registration and with the token request (OAUTH-3).
 */
export function authorizationUrl(input: { baseUrl: string; clientId: string; redirectUri: string; state?: string; codeChallenge?: string }): string {
  const q = new URLSearchParams({ response_type: 'code', client_id: input.clientId, redirect_uri: input.redirectUri });
  if (input.state) q.set('state', input.state);
  if (input.codeChallenge) {
    q.set('code_challenge', input.codeChallenge);
    q.set('code_challenge_method', 'S256');
  }
  return `${input.baseUrl}${AUTHORIZE_PATH}?${q.toString()}`;
}

/** `grant_type=authorization_code`. */
export function exchangeCode(app: OAuthApp, input: { code: string; redirectUri: string; codeVerifier?: string }): Promise<TokenResponse> {
  const form: Record<string, string> = { grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri };
  if (input.codeVerifier) form.code_verifier = input.codeVerifier;
  return tokenRequest(app, form, 'exchange the authorization code', [input.code, input.codeVerifier]);
}

/** `grant_type=refresh_token`. */
export function refreshAccessToken(app: OAuthApp, refreshToken: string): Promise<TokenResponse> {
  return tokenRequest(app, { grant_type: 'refresh_token', refresh_token: refreshToken }, 'refresh the access token', [refreshToken]);
}

const ADVICE: Record<string, string> = {
  invalid_client: 'Check OAuthClientId and OAuthClientSecret against the app registered at /developer/applications on your space.',
  invalid_grant: 'The code or refresh token is no longer valid (used, expired or revoked): sign in again.',
  redirect_uri_mismatch: 'CallbackURL must be exactly the callback URL registered for the app, and the same as in the authorization request.',
  invalid_request: 'This is likely a bug in backlog-sql; please report it.',
  unsupported_grant_type: 'This server does not support this grant.',
};

async function tokenRequest(app: OAuthApp, grant: Record<string, string>, what: string, extraSecrets: (string | undefined)[]): Promise<TokenResponse> {
  const secrets = [app.clientSecret, ...extraSecrets];
  const body = new URLSearchParams({ ...grant, client_id: app.clientId, client_secret: app.clientSecret });
  const doFetch = app.fetch ?? fetch;
  let res: Response;
  let text: string;
  try {
    res = await doFetch(`${app.baseUrl}${TOKEN_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: body.toString(),
      ...(app.timeoutMs ? { signal: AbortSignal.timeout(app.timeoutMs) } : {}),
    });
    text = await res.text();
  } catch (e) {
    const reason = e instanceof Error ? redact(e.message, secrets) : 'error';
    throw new NetworkError(`could not reach ${app.baseUrl}${TOKEN_PATH} to ${what} (${reason})`, { hint: 'Check URL and your network.' });
  }
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Handled below: a non-JSON answer is an error whatever the status.
  }
  if (!res.ok || typeof parsed.access_token !== 'string') {
    const error = typeof parsed.error === 'string' ? parsed.error : `http_${res.status}`;
    const description = typeof parsed.error_description === 'string' ? `: ${redact(parsed.error_description, secrets)}` : '';
    throw new OAuthError(`Backlog refused to ${what}: ${error}${description}`, error, {
      hint: ADVICE[error] ?? `The token endpoint answered HTTP ${res.status}.`,
    });
  }
  const expiresIn = Number(parsed.expires_in);
  return {
    accessToken: parsed.access_token,
    ...(typeof parsed.refresh_token === 'string' && parsed.refresh_token !== '' ? { refreshToken: parsed.refresh_token } : {}),
    ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresIn } : {}),
    tokenType: typeof parsed.token_type === 'string' ? parsed.token_type : 'Bearer',
  };
}
