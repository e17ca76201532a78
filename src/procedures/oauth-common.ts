import type { OAuthSession } from '../auth/session.js';
import { ConfigError } from '../errors.js';
import type { ProcedureColumn } from './types.js';

export const TOKEN_RESULTS: readonly ProcedureColumn[] = [
  { name: 'OAuthAccessToken', type: 'VARCHAR', description: 'The access token.' },
  { name: 'OAuthRefreshToken', type: 'VARCHAR', description: 'The refresh token (keep the newest one: Backlog may rotate it).' },
  { name: 'ExpiresIn', type: 'BIGINT', description: 'Seconds until the access token expires; -1 when unknown.' },
];

export function requireOAuth(oauth: OAuthSession | undefined, procedure: string): OAuthSession {
  if (!oauth) {
    throw new ConfigError(`${procedure} needs AuthScheme=OAuth`, 'AuthScheme', {
      hint: 'Connect with AuthScheme=OAuth, OAuthClientId and OAuthClientSecret (InitiateOAuth=OFF is fine: the connection opens signed out).',
    });
  }
  return oauth;
}

export function str(v: unknown): string | undefined {
  return v === undefined || v === null || v === '' ? undefined : String(v);
}
