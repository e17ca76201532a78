/**
 * Which sign-in a connection uses when its string does not say (docs/cdata-driver.md §8.1): the
 * seed page's flows set OAuthClientId, OAuthClientSecret, CallbackURL and InitiateOAuth, or just
 * OAuthAccessToken, and no AuthScheme — so OAuth properties without an ApiKey property mean
 * AuthScheme=OAuth. An ApiKey property beside OAuth properties is ambiguous and refused; an API key
 * from the environment (BACKLOG_API_KEY) yields to OAuth properties, with a warning.
 */
import { ConfigError } from '../errors.js';
import type { AuthScheme } from './properties.js';

export interface AuthSchemeInput {
  /** AuthScheme as given, if it was. */
  given: AuthScheme | undefined;
  /** OAuth properties given, by name (InitiateOAuth=OFF and UsePKCE left out: they ask for nothing). */
  oauthProperties: readonly string[];
  /** Whether the ApiKey property was given. */
  apiKeyProperty: boolean;
  /** Whether BACKLOG_API_KEY is set. */
  envApiKey: boolean;
}

export function inferAuthScheme(input: AuthSchemeInput): { scheme: AuthScheme; warnings: string[] } {
  if (input.given) return { scheme: input.given, warnings: [] };
  if (input.oauthProperties.length === 0) return { scheme: 'APIToken', warnings: [] };
  const names = input.oauthProperties.join(', ');
  if (input.apiKeyProperty) {
    throw new ConfigError(`both ApiKey and OAuth properties (${names}) are given, and no AuthScheme says which sign-in to use`, 'AuthScheme', {
      hint: 'Remove ApiKey to sign in with OAuth, or the OAuth properties to use the API key — or set AuthScheme=OAuth or AuthScheme=APIToken.',
    });
  }
  return {
    scheme: 'OAuth',
    warnings: input.envApiKey
      ? [`ignoring BACKLOG_API_KEY from the environment: the OAuth properties (${names}) sign in with OAuth (set AuthScheme=APIToken to use the key)`]
      : [],
  };
}
