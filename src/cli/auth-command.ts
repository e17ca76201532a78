/**
 * `backlog-sql auth login|status|logout` (ARCHITECTURE.md §2, §7): run the desktop flow and store the
 * tokens; show who is signed in, to which space, where the tokens are and when the access token
 * expires; remove the stored tokens. The connection comes from --connection or
 * BACKLOG_SQL_CONNECTION and must say AuthScheme=OAuth, OAuthClientId (and for login
 * OAuthClientSecret). Nothing secret is printed.
 */
import { parseArgs } from 'node:util';
import type { OAuthSession } from '../auth/session.js';
import { openTokenStore, storeKey, type StoredTokens } from '../auth/token-store.js';
import { parseConnectionString } from '../config/connection-string.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve.js';
import { connect } from '../core/connection.js';
import { UsageError } from './usage-error.js';
import { connectionFrom } from './connection-file.js';
import { ExitCode } from './exit-codes.js';

export const AUTH_HELP = `Usage: backlog-sql auth login|status|logout [--connection STRING | --connection-file FILE]

Sign in to Backlog with OAuth 2.0 (the desktop flow) and manage the stored tokens. The connection
(--connection, --connection-file FILE (mode 0600) or $BACKLOG_SQL_CONNECTION) needs URL, AuthScheme=OAuth, OAuthClientId and, for
login, OAuthClientSecret (or $BACKLOG_OAUTH_CLIENT_SECRET); CallbackURL and OAuthSettingsLocation
are optional.

  login    open the browser (or print the URL on stderr), sign in, store the tokens
  status   who is signed in, to which space, which settings file, when the token expires
  logout   remove the stored tokens of this space and app
`;

/** The connection's properties with `overrides` replacing any given spelling of those names. */
function withOverrides(connection: string, overrides: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const lower = new Set(Object.keys(overrides).map((k) => k.toLowerCase()));
  for (const { name, value } of parseConnectionString(connection)) if (!lower.has(name.toLowerCase())) out[name] = value;
  return { ...out, ...overrides };
}

function describeTokens(config: ResolvedConfig, location: string, t: StoredTokens): string {
  const who = t.user ? `${t.user.name} (${t.user.userId})` : 'an unknown user (connect once to fill it in)';
  const expiry =
    t.expiresAt === undefined
      ? 'unknown'
      : `${new Date(t.expiresAt).toISOString()}${t.expiresAt <= Date.now() ? ' (expired; renewed at the next connection)' : ''}`;
  return `Signed in as ${who}\nSpace:         ${config.url}\nClient ID:     ${config.oauth.clientId ?? ''}\nSettings file: ${location}\nAccess token expires: ${expiry}\nRefresh token: ${t.refreshToken ? 'stored' : 'none'}\n`;
}

export async function authCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { connection: { type: 'string' }, 'connection-file': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const [action] = parsed.positionals;
  if (parsed.values.help || action === undefined) {
    process.stdout.write(AUTH_HELP);
    return parsed.values.help ? ExitCode.Ok : ExitCode.Usage;
  }
  if (!['login', 'status', 'logout'].includes(action) || parsed.positionals.length > 1)
    throw new UsageError(`unknown auth command '${parsed.positionals.join(' ')}': use login, status or logout`);
  const connection = connectionFrom({ connection: parsed.values.connection, connectionFile: parsed.values['connection-file'] }, env);
  if (!connection)
    throw new UsageError("no connection given: pass --connection 'URL=…;AuthScheme=OAuth;OAuthClientId=…;OAuthClientSecret=…' or set BACKLOG_SQL_CONNECTION");
  const warn = (w: string) => process.stderr.write(`warning: ${w}\n`);

  if (action === 'login') {
    const conn = await connect(withOverrides(connection, { AuthScheme: 'OAuth', InitiateOAuth: 'GETANDREFRESH' }), {
      env,
      onWarning: warn,
      onAuthorizationUrl: (url) => process.stderr.write(`Opening your browser to sign in. If it does not open, visit:\n\n  ${url}\n\n`),
    });
    try {
      const me = await conn.myself();
      const oauth = conn.oauth as OAuthSession;
      const user = { id: me.id, userId: me.userId, name: me.name };
      const stored = oauth.store
        ? await oauth.store.update(oauth.key, async (cur) => (cur ? { result: { ...cur, user }, next: { ...cur, user } } : { result: undefined }))
        : undefined;
      process.stdout.write(
        describeTokens(conn.config, oauth.store?.location ?? '(not stored)', stored ?? { ...(oauth.provider.tokens as StoredTokens), user }),
      );
    } finally {
      await conn.close();
    }
    return ExitCode.Ok;
  }

  const { config } = resolveConfig(withOverrides(connection, { AuthScheme: 'OAuth' }), env);
  if (!config.oauth.clientId) throw new UsageError('the connection needs OAuthClientId: tokens are stored per space and app');
  const store = openTokenStore(config.oauth.settingsLocation, env, { onWarning: warn });
  const key = storeKey(config.host, config.oauth.clientId);
  if (action === 'status') {
    const t = await store.read(key);
    if (!t) {
      process.stdout.write(
        `Not signed in to ${config.url} with client ID ${config.oauth.clientId} (settings file: ${store.location}).\nRun: backlog-sql auth login\n`,
      );
      return ExitCode.Authentication;
    }
    process.stdout.write(describeTokens(config, store.location, t));
    return ExitCode.Ok;
  }
  const removed = await store.update(key, async (cur) => ({ result: cur !== undefined, next: cur ? null : undefined }));
  process.stdout.write(
    removed
      ? `Signed out: the tokens for ${config.url} were removed from ${store.location}.\n`
      : `Nothing to remove: no tokens for ${config.url} in ${store.location}.\n`,
  );
  return ExitCode.Ok;
}
