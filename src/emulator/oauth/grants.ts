/**
 * Authorization codes and tokens (RFC 6749 §4.1, §6; RFC 7636 for PKCE).
 *
 * Every authorization code starts a token family: the access and refresh tokens issued for the
 * code and all their refreshes share its `familyId`, so a replayed code or a reused refresh token
 * can revoke everything that descends from the same sign-in.
 */
import { createHash } from 'node:crypto';
import type { EmulatorState } from '../state.js';
import type { AccessTokenRec, AuthCodeRec, RefreshTokenRec, Store } from '../store.js';
import { randomToken, type PendingAuthorization } from './sessions.js';

/** Authorization codes live 10 minutes (RFC 6749 §4.1.2 recommends at most that). */
export const CODE_TTL_MS = 10 * 60 * 1000;

/** A consent page stays answerable this long; an older one must be reloaded. */
export const PENDING_TTL_MS = 30 * 60 * 1000;

/** RFC 7636 §4.1: 43-128 unreserved characters (an S256 challenge is always 43). */
const VERIFIER_RE = /^[A-Za-z0-9\-._~]{43,128}$/;
const S256_CHALLENGE_RE = /^[A-Za-z0-9_-]{43}$/;

export function isValidChallenge(challenge: string): boolean {
  return S256_CHALLENGE_RE.test(challenge);
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function verifierMatches(verifier: string, challenge: string): boolean {
  return VERIFIER_RE.test(verifier) && s256(verifier) === challenge;
}

export function issueCode(state: EmulatorState, userId: number, p: PendingAuthorization): string {
  const code = randomToken(32);
  const rec: AuthCodeRec = {
    code,
    clientId: p.clientId,
    userId,
    redirectUri: p.redirectUri,
    state: p.state,
    codeChallenge: p.codeChallenge,
    codeChallengeMethod: p.codeChallengeMethod,
    expiresAt: state.now() + CODE_TTL_MS,
    used: false,
    familyId: null,
  };
  state.store.authCodes.set(code, rec);
  return code;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
}

function newAccessToken(state: EmulatorState, userId: number, clientId: string, familyId: string): AccessTokenRec {
  const rec: AccessTokenRec = {
    token: randomToken(48),
    userId,
    clientId,
    familyId,
    expiresAt: state.now() + state.options.tokenTtl * 1000,
    revoked: false,
  };
  state.store.accessTokens.set(rec.token, rec);
  return rec;
}

function newRefreshToken(state: EmulatorState, userId: number, clientId: string, familyId: string): RefreshTokenRec {
  const rec: RefreshTokenRec = { token: randomToken(48), userId, clientId, familyId, used: false, revoked: false, created: state.now() };
  state.store.refreshTokens.set(rec.token, rec);
  return rec;
}

function response(state: EmulatorState, access: AccessTokenRec, refresh: RefreshTokenRec): TokenResponse {
  return { access_token: access.token, token_type: 'Bearer', expires_in: state.options.tokenTtl, refresh_token: refresh.token };
}

/** The first tokens of a family, for an authorization code that has just been redeemed. */
export function issueForCode(state: EmulatorState, code: AuthCodeRec): TokenResponse {
  const familyId = randomToken(16);
  code.used = true;
  code.familyId = familyId;
  const access = newAccessToken(state, code.userId, code.clientId, familyId);
  const refresh = newRefreshToken(state, code.userId, code.clientId, familyId);
  return response(state, access, refresh);
}

/** Revoke every live access token of a family (a refresh replaces them). */
function revokeAccessTokens(store: Store, familyId: string): void {
  for (const t of store.accessTokens.values()) if (t.familyId === familyId) t.revoked = true;
}

/** Revoke a whole family: all its access and refresh tokens. */
export function revokeFamily(store: Store, familyId: string): void {
  revokeAccessTokens(store, familyId);
  for (const t of store.refreshTokens.values()) if (t.familyId === familyId) t.revoked = true;
}

/**
 * A refresh under `--refresh-rotation`:
 * - `none`: the same refresh token comes back and stays valid;
 * - `rotate` / `reuse-detection`: a new refresh token each time and the presented one is spent
 *   (reuse handling is the caller's, before this is called).
 * In every mode the family's earlier access tokens are revoked. Backlog does not document
 * whether they stay valid until they expire; revoking is the stricter reading, since it makes a
 * client that keeps using a stale access token after refreshing fail in tests.
 */
export function issueForRefresh(state: EmulatorState, presented: RefreshTokenRec): TokenResponse {
  revokeAccessTokens(state.store, presented.familyId);
  const access = newAccessToken(state, presented.userId, presented.clientId, presented.familyId);
  if (state.options.refreshRotation === 'none') return response(state, access, presented);
  presented.used = true;
  const refresh = newRefreshToken(state, presented.userId, presented.clientId, presented.familyId);
  return response(state, access, refresh);
}
