import { ConfigError, OAuthError } from '../errors.js';
import { requireOAuth, str } from './oauth-common.js';
import type { ProcedureDef } from './types.js';

/** Web and headless flows, step 1 (docs/cdata-driver.md §8.2, §8.3). */
const procedure: ProcedureDef = {
  name: 'GetOAuthAuthorizationURL',
  description: 'The URL to send the person to for signing in to Backlog and allowing the app (web and headless flows).',
  signedOut: true,
  parameters: [
    { name: 'CallbackURL', type: 'VARCHAR', required: false, description: 'The redirect URI registered for the app; default: the CallbackURL property.' },
    {
      name: 'State',
      type: 'VARCHAR',
      required: false,
      description:
        "An unguessable value bound to the person's session, echoed back on the redirect (CSRF protection). Pass the same value to GetOAuthAccessToken.",
    },
    {
      name: 'GrantType',
      type: 'VARCHAR',
      required: false,
      values: ['CODE', 'IMPLICIT'],
      default: 'CODE',
      description: 'CODE: the redirect carries a code for GetOAuthAccessToken. Backlog has no implicit grant, so IMPLICIT is refused.',
    },
    {
      name: 'Scope',
      type: 'VARCHAR',
      required: false,
      description: "Accepted for CData compatibility and ignored: Backlog's OAuth has no scopes (a token has its user's rights).",
    },
  ],
  results: [{ name: 'URL', type: 'VARCHAR', description: 'The authorization URL.' }],
  async handler(args, ctx) {
    const grant = (str(args.GrantType) ?? 'CODE').toUpperCase();
    if (grant === 'IMPLICIT' || grant === 'TOKEN') {
      throw new OAuthError('Backlog has only the authorization code grant: GrantType=IMPLICIT is not available', 'unsupported_response_type', {
        hint: 'Use GrantType=CODE (the default): the redirect to CallbackURL carries a code; pass it to GetOAuthAccessToken as Verifier.',
      });
    }
    if (grant !== 'CODE')
      throw new ConfigError(`GrantType must be CODE or IMPLICIT, not "${str(args.GrantType) ?? ''}"`, 'GrantType', { hint: 'Backlog supports CODE only.' });
    if (str(args.Scope) !== undefined) ctx.warn?.("ignoring Scope: Backlog's OAuth has no scopes (a token has its user's rights)");
    const oauth = requireOAuth(ctx.oauth, 'GetOAuthAuthorizationURL');
    const callbackUrl = str(args.CallbackURL);
    const state = str(args.State);
    return [{ URL: oauth.authorizationUrl({ ...(callbackUrl ? { callbackUrl } : {}), ...(state ? { state } : {}) }) }];
  },
};
export default procedure;
