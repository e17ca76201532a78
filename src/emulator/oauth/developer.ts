/**
 * `/developer/applications`, the emulator's copy of backlog.com/developer/applications: the
 * reference manual's first step (register an app: name, description, site URL, callback URL →
 * client id and client secret) works offline. Signed-in users only, as on backlog.com.
 */
import type { Ctx, Reply } from '../route.js';
import { OAuthAppError, registerOAuthApp } from './apps.js';
import { DEVELOPER_PATH } from './authorize.js';
import { developerPage, errorPage, loginPage, registeredPage } from './pages.js';
import { csrfToken, currentSession, validCsrf } from './sessions.js';

const PURPOSE = 'developer';

function field(ctx: Ctx, name: string): string {
  return (ctx.raw.get(name) ?? '').trim();
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** `GET /developer/applications`. */
export function developerApplications(ctx: Ctx): Reply {
  const session = currentSession(ctx.store, ctx.req);
  if (!session) return loginPage(ctx.store.space, DEVELOPER_PATH);
  return developerPage({ apps: [...ctx.store.oauthApps.values()], user: session.user, csrf: csrfToken(ctx.store, session.id, PURPOSE) });
}

/** `POST /developer/applications`: register, then show the secret once. */
export function registerApplication(ctx: Ctx): Reply {
  const session = currentSession(ctx.store, ctx.req);
  if (!session) return errorPage(403, 'access_denied', 'Log in first: open /developer/applications.');
  if (!validCsrf(ctx.store, session.id, PURPOSE, ctx.raw.get('csrf_token'))) {
    return errorPage(403, 'invalid_request', 'The form token is invalid. Reload the page and try again.');
  }
  const input = { name: field(ctx, 'name'), description: field(ctx, 'description'), siteUrl: field(ctx, 'siteUrl'), redirectUri: field(ctx, 'redirectUri') };
  const again = (error: string): Reply =>
    developerPage({ apps: [...ctx.store.oauthApps.values()], user: session.user, csrf: csrfToken(ctx.store, session.id, PURPOSE), error, input });
  if (input.name === '') return again('アプリケーション名を入力してください。 / Enter the application name.');
  if (input.name.length > 255) return again('アプリケーション名は255文字以内で入力してください。 / The application name is at most 255 characters.');
  if (input.siteUrl !== '' && !isHttpUrl(input.siteUrl)) return again('サイトURLが正しくありません。 / The site URL must be an http(s) URL.');
  if (input.redirectUri === '') return again('コールバックURLを入力してください。 / Enter the callback URL.');
  try {
    // Only the page's fields: the client id and secret are always generated here.
    const app = registerOAuthApp(ctx.state, {
      name: input.name,
      description: input.description,
      siteUrl: input.siteUrl,
      redirectUris: [input.redirectUri],
    });
    return registeredPage(app);
  } catch (e) {
    if (e instanceof OAuthAppError)
      return again('コールバックURLが正しくありません(http(s)、フラグメントなし)。 / The callback URL must be an http(s) URL without a fragment.');
    throw e;
  }
}
