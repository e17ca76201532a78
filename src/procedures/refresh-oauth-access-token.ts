import { ConfigError } from '../errors.js';
import { requireOAuth, str, TOKEN_RESULTS } from './oauth-common.js';
import type { ProcedureDef } from './types.js';

/** Manual refresh (docs/cdata-driver.md §8.2). */
const procedure: ProcedureDef = {
  name: 'RefreshOAuthAccessToken',
  description:
    'Gets a new access token from a refresh token; with OAuthSettingsLocation set, also stores them. Keep the returned refresh token: the old one may stop working.',
  signedOut: true,
  parameters: [
    { name: 'OAuthRefreshToken', type: 'VARCHAR', required: true, description: 'The refresh token from GetOAuthAccessToken or an earlier refresh.' },
  ],
  results: TOKEN_RESULTS,
  async handler(args, ctx) {
    const oauth = requireOAuth(ctx.oauth, 'RefreshOAuthAccessToken');
    const refreshToken = str(args.OAuthRefreshToken);
    if (!refreshToken) throw new ConfigError('RefreshOAuthAccessToken needs OAuthRefreshToken', 'OAuthRefreshToken');
    const t = await oauth.refreshFrom(refreshToken);
    return [
      {
        OAuthAccessToken: t.accessToken,
        OAuthRefreshToken: t.refreshToken ?? null,
        ExpiresIn: t.expiresAt === undefined ? -1 : Math.round((t.expiresAt - Date.now()) / 1000),
      },
    ];
  },
};
export default procedure;
