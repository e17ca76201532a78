/**
 * What the emulator tells its user once listening (`--json` line, startEmulator's result,
 * GET /_emulator/info): where it is, the space, an administrator's API key, every seeded user's
 * credentials and the seeded OAuth app.
 */
import type { EmulatorState } from './state.js';
import { SEEDED_OAUTH_CLIENT_ID } from './seed/index.js';

export interface EmulatorUserFacts {
  id: number;
  userId: string;
  name: string;
  roleType: number;
  apiKey: string;
  password: string;
}

export interface EmulatorFacts {
  url: string;
  spaceKey: string;
  apiKey: string;
  users: EmulatorUserFacts[];
  oauthApp: { clientId: string; clientSecret: string; redirectUris: string[] };
}

export function startFacts(state: EmulatorState, url: string | null): EmulatorFacts {
  const store = state.store;
  const users = store.users.all();
  const admin = users.find((u) => u.id === store.space.ownerId) ?? users.find((u) => u.roleType === 1);
  const app = store.oauthApps.get(SEEDED_OAUTH_CLIENT_ID);
  if (!admin || !app) throw new Error('seed data has no administrator or no OAuth app');
  return {
    url: url ?? state.url,
    spaceKey: store.space.spaceKey,
    apiKey: admin.apiKey,
    users: users.map((u) => ({ id: u.id, userId: u.userId, name: u.name, roleType: u.roleType, apiKey: u.apiKey, password: u.password })),
    oauthApp: { clientId: app.clientId, clientSecret: app.clientSecret, redirectUris: [...app.redirectUris] },
  };
}
