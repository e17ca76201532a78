/**
 * Why a code exchange of the web flow failed with invalid_grant while PKCE is on. The code's PKCE
 * verifier is derived from the State and CallbackURL given to GetOAuthAuthorizationURL
 * (./session.ts), so GetOAuthAccessToken must get the same two: when it does not, the server
 * refuses the code, and "used, expired or revoked" would send the user the wrong way. The
 * session remembers the (callback, state) pairs it issued authorization URLs for, so the hint can
 * say exactly what differs between the two calls.
 */

export interface AuthorizationRequest {
  callbackUrl: string;
  state: string | undefined;
}

/** How many issued requests a session remembers (the newest ones). */
const REMEMBERED = 20;

export class IssuedRequests {
  private readonly requests: AuthorizationRequest[] = [];

  add(request: AuthorizationRequest): void {
    this.requests.push(request);
    if (this.requests.length > REMEMBERED) this.requests.shift();
  }

  /** True when an authorization URL was issued for exactly this pair. */
  has(request: AuthorizationRequest): boolean {
    return this.requests.some((r) => r.callbackUrl === request.callbackUrl && r.state === request.state);
  }

  newest(): AuthorizationRequest | undefined {
    return this.requests.at(-1);
  }
}

const describeState = (state: string | undefined) => (state === undefined ? 'no State' : 'a State');

/**
 * The hint for an invalid_grant of the web flow's exchange with PKCE on: what differs from the
 * newest GetOAuthAuthorizationURL of this connection, or — when this connection issued none, or
 * one with the same pair — what must match, then the other causes.
 */
export function pkceMismatchHint(exchange: AuthorizationRequest, issued: IssuedRequests): string {
  const newest = issued.newest();
  if (newest && !issued.has(exchange)) {
    const differences: string[] = [];
    if (newest.state !== exchange.state) {
      differences.push(
        newest.state !== undefined && exchange.state !== undefined
          ? 'GetOAuthAuthorizationURL was given another State than GetOAuthAccessToken'
          : `GetOAuthAuthorizationURL was given ${describeState(newest.state)} and GetOAuthAccessToken ${describeState(exchange.state)}`,
      );
    }
    if (newest.callbackUrl !== exchange.callbackUrl)
      differences.push(`GetOAuthAuthorizationURL used CallbackURL ${newest.callbackUrl} and GetOAuthAccessToken ${exchange.callbackUrl}`);
    return `${differences.join('; ')}. With PKCE (UsePKCE=true, the default) the code is bound to the State and CallbackURL of GetOAuthAuthorizationURL: pass the same ones to GetOAuthAccessToken, then sign in again for a new code.`;
  }
  if (newest)
    return "The State and CallbackURL match GetOAuthAuthorizationURL's, so the code was already used, has expired or was revoked: sign in again for a new code.";
  return `With PKCE (UsePKCE=true, the default) GetOAuthAccessToken must get the same State and CallbackURL as GetOAuthAuthorizationURL (this call had ${describeState(exchange.state)} and CallbackURL ${exchange.callbackUrl}). If they were the same, the code was already used, has expired or was revoked: sign in again.`;
}
