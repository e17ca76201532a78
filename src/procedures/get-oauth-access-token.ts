import { ConfigError } from '../errors.js';
import { requireOAuth, str, TOKEN_RESULTS } from './oauth-common.js';
import type { ProcedureDef } from './types.js';

/** Web flow, step 2: exchange the code from the redirect (docs/cdata-driver.md §8.2). */
const procedure: ProcedureDef = {
  name: 'GetOAuthAccessToken',
  description: 'Exchanges the authorization code from the redirect (Verifier) for tokens; with OAuthSettingsLocation set, also stores them.',
  signedOut: true,
  parameters: [
    {
      name: 'AuthMode',
      type: 'VARCHAR',
      required: false,
      values: ['WEB', 'APP'],
      default: 'WEB',
      description: 'WEB: exchange the Verifier given here. APP: run the desktop flow (browser and local callback).',
    },
    { name: 'Verifier', type: 'VARCHAR', required: false, description: 'The `code` parameter of the redirect to CallbackURL (required with AuthMode=WEB).' },
    {
      name: 'CallbackURL',
      type: 'VARCHAR',
      required: false,
      description: 'The same redirect URI as in GetOAuthAuthorizationURL; default: the CallbackURL property.',
    },
    {
      name: 'State',
      type: 'VARCHAR',
      required: false,
      description: "The State given to GetOAuthAuthorizationURL (check it against the redirect's state before calling).",
    },
  ],
  results: TOKEN_RESULTS,
  async handler(args, ctx) {
    const oauth = requireOAuth(ctx.oauth, 'GetOAuthAccessToken');
    const authMode = str(args.AuthMode) ?? 'WEB';
    const verifier = str(args.Verifier);
    if (verifier === undefined && authMode.toUpperCase() !== 'APP') {
      throw new ConfigError('GetOAuthAccessToken needs Verifier (the code from the redirect) with AuthMode=WEB', 'Verifier', {
        hint: 'Pass @Verifier = the `code` query parameter Backlog redirected to your CallbackURL with.',
      });
    }
    const callbackUrl = str(args.CallbackURL);
    const state = str(args.State);
    const t = await oauth.accessTokenFromCode({ verifier: verifier ?? '', authMode, ...(callbackUrl ? { callbackUrl } : {}), ...(state ? { state } : {}) });
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
