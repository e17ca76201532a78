/**
 * OAuth for one connection (ARCHITECTURE.md §7, docs/cdata-driver.md §8): checks that the properties
 * fit a flow, picks the token store, runs the headless exchange (OAuthVerifier) or the desktop
 * flow (GETANDREFRESH) when there is no token, and serves the OAuth procedures.
 *
 * Flows and what they need:
 * - OFF: OAuthAccessToken, or a sign-in in the settings file; neither → signed out (only the
 *   OAuth procedures and sys_* tables work). The token is never refreshed.
 * - REFRESH: OAuthClientId + OAuthClientSecret and something to refresh: OAuthRefreshToken, a
 *   settings file holding a sign-in, or OAuthVerifier (+ OAuthSettingsLocation) to exchange.
 * - GETANDREFRESH: OAuthClientId + OAuthClientSecret and a loopback CallbackURL; signs in through
 *   the browser when there is no token.
 *
 * PKCE for the procedures and OAuthVerifier, whose two halves may run in different processes: the
 * verifier is derived from the client secret, the callback URL and the state (HMAC-SHA-256), so
 * nothing has to be kept between the two calls and nobody without the client secret can compute
 * it. The desktop flow uses a fresh random verifier instead.
 */
import { createHash, createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import type { OAuthConfig, ResolvedConfig } from '../config/resolve.js';
import { AuthError, ConfigError, OAuthError } from '../errors.js';
import { DEFAULT_FLOW_TIMEOUT_MS, callbackTarget, runDesktopFlow } from './desktop-flow.js';
import { authorizationUrl, exchangeCode, refreshAccessToken, type OAuthApp, type TokenResponse } from './oauth-client.js';
import { TokenProvider, tokenDigest, tokensFrom, type AuthRefreshEvent } from './token-provider.js';
import { openTokenStore, storeKey, type StoredTokens, type TokenStore } from './token-store.js';
import { IssuedRequests, pkceMismatchHint } from './pkce-mismatch.js';

export interface OAuthSessionOptions {
  env?: Record<string, string | undefined>;
  onWarning?: (message: string) => void;
  /** The desktop flow's authorization URL (the CLI prints it on stderr). */
  onAuthorizationUrl?: (url: string) => void;
  /** Replaces $BROWSER / the `open` package (tests). */
  openBrowser?: (url: string) => Promise<void>;
  /** Desktop flow timeout (default 5 min). */
  oauthTimeoutMs?: number;
  /** Refresh when less than this is left (default 5 min). */
  refreshMarginMs?: number;
  /** How each token refresh ended (`auth.refresh`; no token in it). */
  onRefreshEvent?: (event: AuthRefreshEvent) => void;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export const SIGNED_OUT_HINT =
  'Sign in with one of the OAuth flows (after GetOAuthAccessToken, reconnect with the tokens it returned): InitiateOAuth=GETANDREFRESH (desktop: opens a browser), the procedures GetOAuthAuthorizationURL and GetOAuthAccessToken (web application), or OAuthVerifier with InitiateOAuth=REFRESH and OAuthSettingsLocation (headless); or pass OAuthAccessToken.';

function need(oauth: OAuthConfig, flow: string, what: 'clientId' | 'clientSecret'): void {
  if (oauth[what] !== undefined) return;
  const property = what === 'clientId' ? 'OAuthClientId' : 'OAuthClientSecret';
  throw new ConfigError(`${property} is required for ${flow}`, property, {
    hint:
      what === 'clientId'
        ? 'Use the client ID of the app registered at https://YOUR-SPACE/developer/applications (Backlog: Personal Settings → Applications).'
        : 'Use the client secret of that app, as OAuthClientSecret or the environment variable BACKLOG_OAUTH_CLIENT_SECRET.',
  });
}

/** The PKCE verifier for a (callback, state) pair of the procedures / headless flow. */
export function derivedPkceVerifier(clientSecret: string, clientId: string, callbackUrl: string, state: string | undefined): string {
  return createHmac('sha256', clientSecret)
    .update(`backlog-sql-pkce\n${clientId}\n${callbackUrl}\n${state ?? ''}`)
    .digest('base64url');
}

/** RFC 7636 S256: BASE64URL(SHA256(verifier)). */
function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export class OAuthSession {
  readonly provider: TokenProvider;
  readonly store: TokenStore | undefined;
  readonly key: string;
  readonly app: OAuthApp | undefined;

  private constructor(
    private readonly config: ResolvedConfig,
    private readonly options: OAuthSessionOptions,
  ) {
    const oauth = config.oauth;
    const env = options.env ?? process.env;
    const mode = oauth.initiateOAuth;
    const flowName =
      mode === 'GETANDREFRESH' ? 'the desktop flow (InitiateOAuth=GETANDREFRESH)' : mode === 'REFRESH' ? 'InitiateOAuth=REFRESH' : 'OAuthVerifier';
    if (oauth.verifier !== undefined) {
      if (mode === 'OFF') {
        throw new ConfigError('OAuthVerifier is exchanged only with InitiateOAuth=REFRESH (the headless flow)', 'InitiateOAuth', {
          hint: 'Set InitiateOAuth=REFRESH, OAuthSettingsLocation, OAuthClientId and OAuthClientSecret with OAuthVerifier; or call GetOAuthAccessToken with Verifier.',
        });
      }
      if (oauth.settingsLocation === undefined) {
        throw new ConfigError(
          'OAuthVerifier needs OAuthSettingsLocation: the tokens it brings must be stored for the next connections',
          'OAuthSettingsLocation',
          {
            hint: 'Set OAuthSettingsLocation to a file path (or memory://NAME).',
          },
        );
      }
    }
    if (mode !== 'OFF' || oauth.verifier !== undefined) {
      need(oauth, flowName, 'clientId');
      need(oauth, flowName, 'clientSecret');
    }
    if (mode === 'GETANDREFRESH') callbackTarget(oauth.callbackUrl);
    if (mode === 'OFF' && oauth.refreshToken !== undefined && oauth.accessToken === undefined) {
      throw new ConfigError('OAuthRefreshToken alone does nothing with InitiateOAuth=OFF', 'InitiateOAuth', {
        hint: 'Set InitiateOAuth=REFRESH (with OAuthClientId and OAuthClientSecret) so the driver gets an access token from it, or pass OAuthAccessToken.',
      });
    }

    this.app =
      oauth.clientId !== undefined && oauth.clientSecret !== undefined
        ? {
            baseUrl: config.url,
            clientId: oauth.clientId,
            clientSecret: oauth.clientSecret,
            ...(options.fetch ? { fetch: options.fetch } : {}),
            ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
          }
        : undefined;
    this.key = storeKey(config.host, oauth.clientId ?? '');
    // OFF with a given token touches no file; every other case reads (and may write) the store.
    const useStore = !(mode === 'OFF' && oauth.accessToken !== undefined) && (oauth.clientId !== undefined || oauth.settingsLocation !== undefined);
    this.store = useStore ? openTokenStore(oauth.settingsLocation, env, { ...(options.onWarning ? { onWarning: options.onWarning } : {}) }) : undefined;
    this.provider = new TokenProvider({
      ...(this.app ? { app: this.app } : {}),
      ...(this.store ? { store: this.store } : {}),
      key: this.key,
      canRefresh: mode !== 'OFF',
      ...(this.givenTokens() ? { given: this.givenTokens() as StoredTokens } : {}),
      ...(options.refreshMarginMs !== undefined ? { refreshMarginMs: options.refreshMarginMs } : {}),
      ...(options.onRefreshEvent ? { onRefreshEvent: options.onRefreshEvent } : {}),
      signedOutHint: SIGNED_OUT_HINT,
    });
  }

  /** Set up OAuth for a connection: load, exchange a verifier or run the desktop flow as the flow says. */
  static async open(config: ResolvedConfig, options: OAuthSessionOptions = {}): Promise<OAuthSession> {
    const session = new OAuthSession(config, options);
    await session.start();
    return session;
  }

  get signedIn(): boolean {
    return this.provider.signedIn;
  }

  /** TOK-12: console.log / util.inspect show no token or secret. */
  [inspect.custom](): string {
    return `OAuthSession { space: ${this.config.host}, clientId: ${this.config.oauth.clientId ?? 'none'}, store: ${this.store?.location ?? 'none'}, signedIn: ${this.signedIn} }`;
  }

  /** Tokens given as properties, with an absolute expiry (TOK-5). */
  private givenTokens(): StoredTokens | undefined {
    const o = this.config.oauth;
    const now = Date.now();
    const ts = o.tokenTimestamp !== undefined ? Number(o.tokenTimestamp) : undefined;
    const known = o.expiresIn !== undefined && ts !== undefined && Number.isFinite(ts) ? ts + o.expiresIn * 1000 : undefined;
    if (o.accessToken === undefined && o.refreshToken === undefined) return undefined;
    // REFRESH without a known expiry refreshes at once, as the reference driver does.
    const expiresAt = known ?? (o.initiateOAuth === 'REFRESH' && o.refreshToken !== undefined ? 0 : undefined);
    return {
      accessToken: o.accessToken ?? '',
      ...(o.refreshToken !== undefined ? { refreshToken: o.refreshToken } : {}),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      obtainedAt: ts ?? now,
      seededFrom: tokenDigest(o.refreshToken ?? o.accessToken ?? ''),
    };
  }

  private async start(): Promise<void> {
    const oauth = this.config.oauth;
    let tokens = await this.provider.load();
    if (oauth.verifier !== undefined && this.app && this.store) {
      const seed = tokenDigest(`verifier:${oauth.verifier}`);
      // The same OAuthVerifier left in the connection string must not be exchanged twice: a code
      // used twice revokes what it gave.
      if (tokens?.seededFrom !== seed) {
        const verifier = oauth.usePkce ? derivedPkceVerifier(this.app.clientSecret, this.app.clientId, oauth.callbackUrl, undefined) : undefined;
        const resp = await exchangeCode(this.app, { code: oauth.verifier, redirectUri: oauth.callbackUrl, ...(verifier ? { codeVerifier: verifier } : {}) });
        tokens = await this.persist(resp, seed);
      }
    }
    if (tokens) return;
    if (oauth.initiateOAuth === 'REFRESH') {
      throw new AuthError(
        `InitiateOAuth=REFRESH found nothing to refresh: no OAuthRefreshToken and no sign-in for this space and app in ${this.store?.location ?? 'the settings'}`,
        {
          hint: 'Pass OAuthRefreshToken, copy a settings file from a machine where the desktop flow ran, or exchange a code with OAuthVerifier.',
        },
      );
    }
    if (oauth.initiateOAuth === 'GETANDREFRESH' && this.app) {
      const resp = await runDesktopFlow({
        app: this.app,
        callbackUrl: oauth.callbackUrl,
        usePkce: oauth.usePkce,
        timeoutMs: this.options.oauthTimeoutMs ?? DEFAULT_FLOW_TIMEOUT_MS,
        ...(this.options.onAuthorizationUrl ? { onAuthorizationUrl: this.options.onAuthorizationUrl } : {}),
        ...(this.options.openBrowser ? { openBrowser: this.options.openBrowser } : {}),
        ...(this.options.env ? { env: this.options.env } : {}),
        ...(this.options.onWarning ? { onWarning: this.options.onWarning } : {}),
        ...(this.options.signal ? { signal: this.options.signal } : {}),
      });
      await this.persist(resp);
    }
    this.openedSignedOut = !this.provider.signedIn;
  }

  /**
   * True once a connection has opened without a token. The procedures then return (and store)
   * tokens but do not sign this connection in: it was set up without the space's time zone, so
   * the caller reconnects with the tokens, as in the reference driver's web flow.
   */
  private openedSignedOut = false;

  /** Store fresh tokens (when there is a store) and use them from now on. */
  async persist(resp: TokenResponse, seededFrom?: string): Promise<StoredTokens> {
    const tokens = { ...tokensFrom(resp, Date.now()), ...(seededFrom ? { seededFrom } : {}) };
    // With InitiateOAuth=OFF the file is written only when OAuthSettingsLocation was given.
    const write = this.config.oauth.initiateOAuth !== 'OFF' || this.config.oauth.settingsLocation !== undefined;
    if (this.store && write) await this.store.update(this.key, async () => ({ result: undefined, next: tokens }));
    if (!this.openedSignedOut) this.provider.adopt(tokens);
    return tokens;
  }

  // --- the OAuth procedures (docs/cdata-driver.md §4.2) ----------------------------------

  private requireApp(procedure: string): OAuthApp {
    need(this.config.oauth, procedure, 'clientId');
    need(this.config.oauth, procedure, 'clientSecret');
    return this.app as OAuthApp;
  }

  /** The (callback, state) pairs GetOAuthAuthorizationURL issued URLs for (for ./pkce-mismatch.ts). */
  private readonly issued = new IssuedRequests();

  authorizationUrl(input: { callbackUrl?: string; state?: string }): string {
    const app = this.requireApp('GetOAuthAuthorizationURL');
    const callbackUrl = input.callbackUrl ?? this.config.oauth.callbackUrl;
    this.issued.add({ callbackUrl, state: input.state });
    const verifier = this.config.oauth.usePkce ? derivedPkceVerifier(app.clientSecret, app.clientId, callbackUrl, input.state) : undefined;
    return authorizationUrl({
      baseUrl: app.baseUrl,
      clientId: app.clientId,
      redirectUri: callbackUrl,
      ...(input.state ? { state: input.state } : {}),
      ...(verifier ? { codeChallenge: pkceChallenge(verifier) } : {}),
    });
  }

  async accessTokenFromCode(input: { verifier: string; callbackUrl?: string; state?: string; authMode?: string }): Promise<StoredTokens> {
    const app = this.requireApp('GetOAuthAccessToken');
    const mode = (input.authMode ?? 'WEB').toUpperCase();
    if (mode === 'IMPLICIT' || mode === 'TOKEN') {
      throw new OAuthError('Backlog offers only the authorization code grant, not the implicit grant', 'unsupported_response_type', {
        hint: 'Use AuthMode=WEB: GetOAuthAuthorizationURL, then GetOAuthAccessToken with the code as Verifier.',
      });
    }
    if (mode !== 'WEB' && mode !== 'APP') {
      throw new ConfigError(`AuthMode must be WEB or APP, not "${input.authMode ?? ''}"`, 'AuthMode', {
        hint: 'WEB exchanges the Verifier you pass; APP runs the desktop flow.',
      });
    }
    const callbackUrl = input.callbackUrl ?? this.config.oauth.callbackUrl;
    if (mode === 'APP') {
      const resp = await runDesktopFlow({
        app,
        callbackUrl,
        usePkce: this.config.oauth.usePkce,
        timeoutMs: this.options.oauthTimeoutMs ?? DEFAULT_FLOW_TIMEOUT_MS,
        ...(this.options.onAuthorizationUrl ? { onAuthorizationUrl: this.options.onAuthorizationUrl } : {}),
        ...(this.options.openBrowser ? { openBrowser: this.options.openBrowser } : {}),
        ...(this.options.env ? { env: this.options.env } : {}),
      });
      return this.persist(resp);
    }
    const verifier = this.config.oauth.usePkce ? derivedPkceVerifier(app.clientSecret, app.clientId, callbackUrl, input.state) : undefined;
    let resp: TokenResponse;
    try {
      resp = await exchangeCode(app, { code: input.verifier, redirectUri: callbackUrl, ...(verifier ? { codeVerifier: verifier } : {}) });
    } catch (e) {
      // The code may be bound (PKCE) to another State or CallbackURL: say which, not "used, expired or revoked".
      if (!(e instanceof OAuthError) || e.error !== 'invalid_grant' || !verifier) throw e;
      throw new OAuthError(e.message, e.error, { hint: pkceMismatchHint({ callbackUrl, state: input.state }, this.issued), cause: e });
    }
    return this.persist(resp);
  }

  async refreshFrom(refreshToken: string): Promise<StoredTokens> {
    const app = this.requireApp('RefreshOAuthAccessToken');
    const resp = await refreshAccessToken(app, refreshToken);
    return this.persist(resp, undefined);
  }
}
