import { requireOAuth, str } from './oauth-common.js';
import type { ProcedureDef } from './types.js';

/** Web and headless flows, step 1 (docs/cdata-driver.md §8.2, §8.3). */
const procedure: ProcedureDef = {
  name: 'GetOAuthAuthorizationURL',
  description: 'The URL to send the person to for signing in to Backlog and allowing the app (web and headless flows).',
  signedOut: true,
  parameters: [
    { name: 'CallbackURL', type: 'VARCHAR', required: false, description: 'The redirect URI registered for the app; default: the CallbackURL property.' },
    { name: 'State', type: 'VARCHAR', required: false, description: 'An unguessable value bound to the person\'s session, echoed back on the redirect (CSRF protection). Pass the same value to GetOAuthAccessToken.' },
  ],
  results: [{ name: 'URL', type: 'VARCHAR', description: 'The authorization URL.' }],
  async handler(args, ctx) {
    const oauth = requireOAuth(ctx.oauth, 'GetOAuthAuthorizationURL');
    const callbackUrl = str(args.CallbackURL);
    const state = str(args.State);
    return [{ URL: oauth.authorizationUrl({ ...(callbackUrl ? { callbackUrl } : {}), ...(state ? { state } : {}) }) }];
  },
};
export default procedure;
