/**
 * OAuth client registrations, as on backlog.com/developer/applications: a name, a description,
 * a site URL and callback URLs give a client id and a client secret.
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorState } from '../state.js';
import type { OAuthAppRec, Store } from '../store.js';
import { isoSeconds } from '../time.js';

export class OAuthAppError extends Error {}

function validRedirectUri(uri: string): boolean {
  try {
    const u = new URL(uri);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hash === '';
  } catch {
    return false;
  }
}

/** Register an app from a control call or the developer page; ids are random (not seeded). */
export function registerOAuthApp(state: EmulatorState, input: unknown): OAuthAppRec {
  if (typeof input !== 'object' || input === null) throw new OAuthAppError('body must be a JSON object');
  const o = input as Record<string, unknown>;
  const name = typeof o.name === 'string' && o.name.trim() !== '' ? o.name.trim() : 'Test application';
  const uris = o.redirectUris ?? (typeof o.redirectUri === 'string' ? [o.redirectUri] : undefined);
  if (!Array.isArray(uris) || uris.length === 0 || !uris.every((u) => typeof u === 'string' && validRedirectUri(u))) {
    throw new OAuthAppError('redirectUris must be a non-empty array of http(s) URLs without a fragment');
  }
  if (o.clientId !== undefined && (typeof o.clientId !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(o.clientId))) {
    throw new OAuthAppError('clientId, when given, must be 8-64 letters, digits, _ or -');
  }
  const clientId = (o.clientId as string | undefined) ?? randomBytes(16).toString('hex');
  if (state.store.oauthApps.has(clientId)) throw new OAuthAppError(`clientId ${clientId} is already registered`);
  const app: OAuthAppRec = {
    clientId,
    clientSecret: typeof o.clientSecret === 'string' && o.clientSecret.length >= 16 ? o.clientSecret : randomBytes(24).toString('base64url'),
    name,
    description: typeof o.description === 'string' ? o.description : '',
    siteUrl: typeof o.siteUrl === 'string' ? o.siteUrl : '',
    redirectUris: uris as string[],
    created: state.now(),
  };
  state.store.oauthApps.set(clientId, app);
  return app;
}

/**
 * The registered apps for `GET /_emulator/export`, without their secrets: the export is data for
 * computing expected query results, and a secret has no business in a fixture file.
 */
export function exportOAuthApps(store: Store): Record<string, unknown> {
  return {
    oauthApps: [...store.oauthApps.values()].map((a) => ({
      clientId: a.clientId,
      name: a.name,
      description: a.description,
      siteUrl: a.siteUrl,
      redirectUris: [...a.redirectUris],
      created: isoSeconds(a.created),
    })),
  };
}
