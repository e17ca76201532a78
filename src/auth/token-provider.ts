/**
 * The current OAuth access token for the HTTP client (TOK-6, TOK-7, TOK-9, TOK-10, TOK-11).
 *
 * - A refresh starts when the token has less than `refreshMarginMs` left (5 min), and once on a
 *   401 (the client calls `onUnauthorized`, then retries once; a second 401 is an AuthError).
 * - Inside a process, callers share one refresh: every provider over the same store entry shares
 *   the same in-flight promise, so 20 parallel queries send one refresh request.
 * - Across processes, the refresh runs under the store's lock and re-reads the entry first: when
 *   another process has already replaced the token, that token is used and nothing is sent.
 * - A refresh answer without a refresh token keeps the old one (TOK-10).
 * - On `invalid_grant` the entry (re-read under the lock) is removed only if it still holds the
 *   refresh token that failed; a newer one written by another process is adopted instead (TOK-11).
 */
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { AuthError, OAuthError } from '../errors.js';
import { refreshAccessToken, type OAuthApp, type TokenResponse } from './oauth-client.js';
import type { StoredTokens, TokenStore } from './token-store.js';

export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

export interface TokenProviderOptions {
  /** Needed to refresh; absent → the provider never refreshes. */
  app?: OAuthApp;
  /** Where tokens persist; absent → kept in this provider only. */
  store?: TokenStore;
  key: string;
  /** False with InitiateOAuth=OFF: use the token as it is until it expires. */
  canRefresh: boolean;
  /** Tokens given as properties (OAuthAccessToken…), used when the store has nothing newer. */
  given?: StoredTokens;
  refreshMarginMs?: number;
  now?: () => number;
  /** What to tell a signed-out caller (which flow to use). */
  signedOutHint: string;
  /** Reports each refresh request sent (for logs and tests); never gets a token. */
  onRefresh?: (event: { reason: 'expiring' | 'unauthorized' }) => void;
  /** Reports how each refresh ended (the logfile's `auth.refresh`); never gets a token. */
  onRefreshEvent?: (event: AuthRefreshEvent) => void;
}

/**
 * One refresh as the log shows it. `outcome`: `sent` — this process held the lock and sent the
 * refresh request (it won); `adopted` — under the lock it found a token another process or
 * connection had just written and sent nothing (it lost the race); `failed` — the refresh request
 * was refused or could not be sent (`error` is the OAuth error code or the error's class, never
 * a message that could quote a token). `rotated`: whether Backlog returned a new refresh token.
 */
export interface AuthRefreshEvent {
  type: 'auth.refresh';
  reason: 'expiring' | 'unauthorized';
  outcome: 'sent' | 'adopted' | 'failed';
  rotated?: boolean;
  error?: string;
  /** `file`, `memory` or `none`: where the tokens are kept (never the path's secrets; a path has none). */
  store: string;
}

/** Providers of one process over the same store entry share one refresh. */
const IN_FLIGHT = new Map<string, Promise<StoredTokens>>();

/** When each store entry was last refreshed in this process (epoch ms). */
const LAST_REFRESH = new Map<string, number>();

/**
 * A 401 this soon after a refresh most likely answers a request sent with the old token (the
 * client cannot say which token a failed request carried): retry with the new one instead of
 * refreshing again. A second 401 on the retry is an AuthError as usual.
 */
const RECENT_REFRESH_MS = 30_000;

/** A digest of a given token, to recognise an entry continued from it (never the token itself). */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(`backlog-sql:${token}`).digest('base64url').slice(0, 22);
}

/** StoredTokens from a token response; TOK-10 keeps the previous refresh token when none came. */
export function tokensFrom(resp: TokenResponse, now: number, previous?: StoredTokens): StoredTokens {
  const refreshToken = resp.refreshToken ?? previous?.refreshToken;
  return {
    accessToken: resp.accessToken,
    ...(refreshToken !== undefined ? { refreshToken } : {}),
    ...(resp.expiresIn !== undefined ? { expiresAt: now + resp.expiresIn * 1000 } : {}),
    obtainedAt: now,
    ...(previous?.user ? { user: previous.user } : {}),
    ...(previous?.seededFrom ? { seededFrom: previous.seededFrom } : {}),
  };
}

export class TokenProvider {
  private current: StoredTokens | undefined;
  private loaded = false;
  private readonly now: () => number;
  private readonly margin: number;
  private readonly flightKey: string;

  constructor(private readonly options: TokenProviderOptions) {
    this.now = options.now ?? Date.now;
    this.margin = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.flightKey = options.store ? `${options.store.location}\n${options.key}` : `provider:${Math.random()}`;
  }

  /** The tokens as known now (after `load`), for procedures and `auth status`. */
  get tokens(): StoredTokens | undefined {
    return this.current && { ...this.current };
  }

  get signedIn(): boolean {
    return this.current !== undefined;
  }

  /** TOK-12: console.log / util.inspect show no token or secret. */
  [inspect.custom](): string {
    const t = this.current;
    return `TokenProvider { store: ${this.options.store?.location ?? 'none'}, signedIn: ${t !== undefined}, expiresAt: ${t?.expiresAt === undefined ? 'unknown' : new Date(t.expiresAt).toISOString()} }`;
  }

  /**
   * Read the store and merge the given tokens: an entry continued from the same given tokens wins
   * (it holds the rotated pair); different given tokens replace it.
   */
  async load(): Promise<StoredTokens | undefined> {
    const { store, given, key } = this.options;
    if (!store) {
      this.current = given;
    } else if (given?.seededFrom) {
      this.current = await store.update(key, async (cur) => {
        if (cur && cur.seededFrom === given.seededFrom) return { result: cur };
        return { result: given, next: given };
      });
    } else {
      this.current = await store.read(key);
    }
    this.loaded = true;
    return this.tokens;
  }

  /** Adopt tokens obtained by a flow (already persisted by the caller). */
  adopt(tokens: StoredTokens): void {
    this.current = { ...tokens };
    this.loaded = true;
  }

  /** For the HTTP client: the token to send, refreshed first when it is about to expire. */
  accessToken = async (): Promise<string> => {
    if (!this.loaded) await this.load();
    let t = this.current;
    if (!t) throw new AuthError('not signed in: this connection has no OAuth access token', { hint: this.options.signedOutHint });
    if (t.expiresAt !== undefined && t.expiresAt - this.now() < this.margin) {
      if (this.refreshable(t)) t = await this.refresh(t.accessToken, 'expiring');
      else if (t.expiresAt <= this.now()) throw this.expired(t);
    }
    return t.accessToken;
  };

  /** For the HTTP client's single retry on 401 (TOK-9). */
  onUnauthorized = async (): Promise<boolean> => {
    const t = this.current;
    if (!t || !this.refreshable(t)) {
      throw new AuthError('Backlog refused the OAuth access token: it has expired or was revoked', {
        hint: this.options.canRefresh
          ? 'There is no refresh token to renew it: sign in again (backlog-sql auth login, or GetOAuthAccessToken).'
          : 'Get a new one with RefreshOAuthAccessToken and reconnect, or connect with InitiateOAuth=REFRESH and OAuthRefreshToken so the driver renews it itself.',
      });
    }
    const last = LAST_REFRESH.get(this.flightKey);
    if (IN_FLIGHT.has(this.flightKey) || (last !== undefined && Date.now() - last < RECENT_REFRESH_MS)) {
      const flight = IN_FLIGHT.get(this.flightKey);
      if (flight) this.current = await flight;
      return true;
    }
    await this.refresh(t.accessToken, 'unauthorized');
    return true;
  };

  private refreshable(t: StoredTokens): boolean {
    return this.options.canRefresh && this.options.app !== undefined && (t.refreshToken !== undefined || this.options.store !== undefined);
  }

  private expired(t: StoredTokens): AuthError {
    return new AuthError(`the OAuth access token expired at ${new Date(t.expiresAt ?? 0).toISOString()}`, {
      hint: this.options.canRefresh
        ? 'There is no refresh token to renew it: sign in again (backlog-sql auth login, or GetOAuthAccessToken).'
        : 'Get a new one with RefreshOAuthAccessToken and reconnect, or connect with InitiateOAuth=REFRESH and OAuthRefreshToken so the driver renews it itself.',
    });
  }

  /** Single-flight: one refresh per store entry in this process, whoever asks. */
  private refresh(stale: string, reason: 'expiring' | 'unauthorized'): Promise<StoredTokens> {
    let flight = IN_FLIGHT.get(this.flightKey);
    if (!flight) {
      flight = this.refreshNow(stale, reason)
        .then((t) => {
          LAST_REFRESH.set(this.flightKey, Date.now());
          return t;
        })
        .finally(() => IN_FLIGHT.delete(this.flightKey));
      IN_FLIGHT.set(this.flightKey, flight);
    }
    return flight.then((t) => {
      this.current = t;
      return t;
    });
  }

  private async refreshNow(stale: string, reason: 'expiring' | 'unauthorized'): Promise<StoredTokens> {
    const store = this.options.store === undefined ? 'none' : this.options.store.location.startsWith('memory://') ? 'memory' : 'file';
    const report = (e: Omit<AuthRefreshEvent, 'type' | 'reason' | 'store'>) => this.options.onRefreshEvent?.({ type: 'auth.refresh', reason, store, ...e });
    let sent: { rotated: boolean } | undefined;
    try {
      const t = await this.refreshLocked(stale, reason, (rotated) => (sent = { rotated }));
      report(sent ? { outcome: 'sent', rotated: sent.rotated } : { outcome: 'adopted' });
      return t;
    } catch (e) {
      report({ outcome: 'failed', error: e instanceof OAuthError ? e.error : e instanceof Error ? e.name : 'unknown' });
      throw e;
    }
  }

  private async refreshLocked(stale: string, reason: 'expiring' | 'unauthorized', onSent: (rotated: boolean) => void): Promise<StoredTokens> {
    const { store, key } = this.options;
    if (!store) {
      const base = this.current;
      if (!base) throw new AuthError('not signed in', { hint: this.options.signedOutHint });
      const next = await this.send(base, reason);
      onSent(next.refreshToken !== base.refreshToken);
      return next;
    }
    let failure: unknown;
    const result = await store.update(key, async (cur) => {
      // Another process (or connection) already replaced the token: use it, send nothing (TOK-7).
      if (cur && cur.accessToken !== stale && !(cur.expiresAt !== undefined && cur.expiresAt - this.now() < this.margin)) return { result: cur };
      const base = cur ?? this.current;
      if (!base?.refreshToken) {
        failure = new AuthError('the OAuth access token cannot be renewed: no refresh token is stored', { hint: this.options.signedOutHint });
        return { result: undefined };
      }
      try {
        const next = await this.send(base, reason);
        onSent(next.refreshToken !== base.refreshToken);
        return { result: next, next };
      } catch (e) {
        failure = e;
        // TOK-11: remove the entry only if it still holds the refresh token that failed.
        const dead = e instanceof OAuthError && e.error === 'invalid_grant' && cur?.refreshToken === base.refreshToken;
        return { result: undefined, ...(dead ? { next: null } : {}) };
      }
    });
    if (result) return result;
    if (failure instanceof OAuthError && failure.error === 'invalid_grant') {
      throw new AuthError(`the stored OAuth sign-in is no longer valid (the refresh token was refused); it was removed from ${store.location}`, {
        hint: this.options.signedOutHint,
        cause: failure,
      });
    }
    throw failure;
  }

  private async send(base: StoredTokens, reason: 'expiring' | 'unauthorized'): Promise<StoredTokens> {
    const app = this.options.app;
    if (!app || !base.refreshToken) throw new AuthError('the OAuth access token cannot be renewed: no refresh token', { hint: this.options.signedOutHint });
    this.options.onRefresh?.({ reason });
    const resp = await refreshAccessToken(app, base.refreshToken);
    return tokensFrom(resp, this.now(), base);
  }
}
