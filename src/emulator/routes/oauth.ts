/**
 * The OAuth 2.0 authorization server (backlog-api.md §2.2, ARCHITECTURE.md §7 and §9): authorization
 * endpoint with login and consent screens, token endpoint and the developer-applications page.
 * All public (no API key) and not rate limited; the token endpoint is journaled like any request
 * (the journal redacts code, client_secret, refresh_token, code_verifier).
 */
import { authorizationDecision, authorizationPage, login, logout } from '../oauth/authorize.js';
import { developerApplications, registerApplication } from '../oauth/developer.js';
import { tokenEndpoint } from '../oauth/token-endpoint.js';
import type { Route } from '../route.js';

export const OAUTH_ROUTES: Route[] = [
  { method: 'GET', pattern: '/OAuth2AccessRequest.action', auth: 'none', category: 'none', handler: authorizationPage },
  { method: 'POST', pattern: '/OAuth2AccessRequest.action', auth: 'none', category: 'none', handler: authorizationDecision },
  { method: 'POST', pattern: '/Login.action', auth: 'none', category: 'none', handler: login },
  { method: 'POST', pattern: '/Logout.action', auth: 'none', category: 'none', handler: logout },
  { method: 'POST', pattern: '/api/v2/oauth2/token', auth: 'none', category: 'none', handler: tokenEndpoint },
  { method: 'GET', pattern: '/developer/applications', auth: 'none', category: 'none', handler: developerApplications },
  { method: 'POST', pattern: '/developer/applications', auth: 'none', category: 'none', handler: registerApplication },
];
