/**
 * The HTML screens of the emulator's OAuth server: login, consent, error and developer
 * applications; `page` also lays out the stand-ins for Backlog's web pages (routes/web-pages.ts).
 * Plain server-rendered pages with stable ids and names (browser tests drive
 * them), Japanese and English labels, nothing loaded from elsewhere, no scripts.
 *
 * Secrets: no page ever contains a password, code, token or client secret, except the one-time
 * client-secret display right after an app is registered (`registeredPage`).
 */
import { html, type HtmlReply } from '../route.js';
import type { OAuthAppRec, SpaceRec, UserRec } from '../store.js';

/** No scripts, no external resources, no framing; the browser sends no Referer onwards. */
const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP",sans-serif;margin:0;background:#f4f5f7;color:#222}
header{background:#42ce9f;color:#fff;padding:.6rem 1.2rem;font-weight:bold}
main{max-width:40rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.15)}
label{display:block;margin-top:1rem;font-weight:bold}
input,textarea{width:100%;box-sizing:border-box;padding:.45rem;margin-top:.25rem;font:inherit}
button{margin-top:1.2rem;margin-right:.6rem;padding:.5rem 1.4rem;font:inherit;cursor:pointer}
button.primary{background:#42ce9f;color:#fff;border:0;border-radius:4px}
.error{color:#b00020;font-weight:bold}
.notice{background:#fff8e1;border:1px solid #f0c36d;padding:.8rem}
code{background:#f0f0f0;padding:.1rem .3rem;word-break:break-all}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
`;

export function page(title: string, body: string, status = 200, headers: Record<string, string> = {}): HtmlReply {
  const doc = `<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)} | Backlog (emulator)</title>
<style>${STYLE}</style>
</head>
<body>
<header>Backlog <small>(emulator)</small></header>
<main>
${body}
</main>
</body>
</html>
`;
  return html(doc, status, { ...PAGE_HEADERS, ...headers });
}

function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`;
}

/** An error shown in the browser instead of redirecting (bad client or redirect URI, bad form). */
export function errorPage(status: number, error: string, message: string): HtmlReply {
  return page(
    'エラー / Error',
    `<h1 id="error-title">エラー / Error</h1>
<p class="error" id="error" data-error="${esc(error)}">${esc(message)}</p>
<p>アプリケーションの開発者にお問い合わせください。 / Please contact the developer of the application.</p>`,
    status,
  );
}

/** The sign-in form; `returnTo` is a local path the login route sends the browser back to. */
export function loginPage(space: SpaceRec, returnTo: string, failed = false, login = ''): HtmlReply {
  return page(
    'ログイン / Log in',
    `<h1>ログイン / Log in</h1>
<p>スペース / Space: <strong id="space">${esc(space.name)}</strong> (<code>${esc(space.spaceKey)}</code>)</p>
${failed ? '<p class="error" id="login-error" role="alert">ログインに失敗しました。ユーザーID(メールアドレス)またはパスワードが正しくありません。 / Login failed: wrong user ID (mail address) or password.</p>' : ''}
<form method="post" action="/Login.action" id="login-form">
${hidden('url', returnTo)}
<label for="userId">ユーザーID またはメールアドレス / User ID or mail address</label>
<input type="text" id="userId" name="userId" autocomplete="username" required value="${esc(login)}">
<label for="password">パスワード / Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit" class="primary" id="login" name="login">ログイン / Log in</button>
</form>`,
  );
}

export interface ConsentView {
  app: OAuthAppRec;
  space: SpaceRec;
  user: UserRec;
  requestId: string;
  csrf: string;
  logoutCsrf: string;
  returnTo: string;
}

/** Allow / Deny for one pending authorization request. */
export function consentPage(v: ConsentView): HtmlReply {
  const site = v.app.siteUrl ? `<p>サイト / Site: <code id="app-site">${esc(v.app.siteUrl)}</code></p>` : '';
  const desc = v.app.description ? `<p id="app-description">${esc(v.app.description)}</p>` : '';
  return page(
    'アクセスの許可 / Authorize access',
    `<h1>アクセスの許可 / Authorize access</h1>
<p><strong id="app-name">${esc(v.app.name)}</strong> が、あなたのアカウントで
スペース <strong id="space">${esc(v.space.name)}</strong> (<code id="space-key">${esc(v.space.spaceKey)}</code>) へのアクセスを求めています。</p>
<p><strong>${esc(v.app.name)}</strong> wants to access the space <strong>${esc(v.space.name)}</strong> as you.</p>
${desc}${site}
<p>ログイン中のユーザー / Signed in as: <strong id="signed-in-user">${esc(v.user.name)}</strong> (<code>${esc(v.user.userId)}</code>)</p>
<form method="post" action="/OAuth2AccessRequest.action" id="consent-form">
${hidden('request_id', v.requestId)}
${hidden('csrf_token', v.csrf)}
<button type="submit" class="primary" id="allow" name="allow" value="1">許可する / Allow</button>
<button type="submit" id="deny" name="deny" value="1">拒否する / Deny</button>
</form>
<form method="post" action="/Logout.action" id="logout-form">
${hidden('url', v.returnTo)}
${hidden('csrf_token', v.logoutCsrf)}
<button type="submit" id="logout" name="logout">別のユーザーでログイン / Sign in as another user</button>
</form>`,
  );
}

export interface DeveloperView {
  apps: readonly OAuthAppRec[];
  user: UserRec;
  csrf: string;
  error?: string;
  input?: { name: string; description: string; siteUrl: string; redirectUri: string };
}

function appRows(apps: readonly OAuthAppRec[]): string {
  if (apps.length === 0) return '<p id="no-apps">登録済みのアプリケーションはありません。 / No applications registered.</p>';
  const rows = apps
    .map(
      (a) => `<tr class="app" data-client-id="${esc(a.clientId)}">
<td class="app-name">${esc(a.name)}${a.description ? `<br><small>${esc(a.description)}</small>` : ''}</td>
<td><code class="client-id">${esc(a.clientId)}</code></td>
<td class="redirect-uris">${a.redirectUris.map((u) => `<code>${esc(u)}</code>`).join('<br>')}</td>
</tr>`,
    )
    .join('\n');
  return `<table id="apps">
<thead><tr><th>アプリケーション名 / Name</th><th>クライアントID / Client ID</th><th>コールバックURL / Callback URL</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

/** backlog.com/developer/applications: the registered apps and the registration form. */
export function developerPage(v: DeveloperView): HtmlReply {
  const i = v.input ?? { name: '', description: '', siteUrl: '', redirectUri: '' };
  return page(
    'アプリケーション管理 / Developer applications',
    `<h1>アプリケーション管理 / Applications</h1>
<p>ログイン中のユーザー / Signed in as: <strong id="signed-in-user">${esc(v.user.name)}</strong></p>
${appRows(v.apps)}
<h2 id="register">新規登録 / Register a new application</h2>
${v.error ? `<p class="error" id="register-error" role="alert">${esc(v.error)}</p>` : ''}
<form method="post" action="/developer/applications" id="register-form">
${hidden('csrf_token', v.csrf)}
<label for="applicationName">アプリケーション名 / Application name</label>
<input type="text" id="applicationName" name="name" required maxlength="255" value="${esc(i.name)}">
<label for="description">説明 / Description</label>
<textarea id="description" name="description" rows="3" maxlength="1000">${esc(i.description)}</textarea>
<label for="siteUrl">サイトURL / Site URL</label>
<input type="url" id="siteUrl" name="siteUrl" value="${esc(i.siteUrl)}">
<label for="redirectUri">コールバックURL / Callback URL</label>
<input type="url" id="redirectUri" name="redirectUri" required placeholder="http://localhost:33333" value="${esc(i.redirectUri)}">
<button type="submit" class="primary" id="create" name="create">作成 / Create</button>
</form>`,
    v.error ? 400 : 200,
  );
}

/** Shown once after registration: the only page that ever contains a client secret. */
export function registeredPage(app: OAuthAppRec): HtmlReply {
  return page(
    'アプリケーションを登録しました / Application registered',
    `<h1>アプリケーションを登録しました / Application registered</h1>
<p>アプリケーション名 / Name: <strong id="app-name">${esc(app.name)}</strong></p>
<p>クライアントID / Client ID: <code id="clientId">${esc(app.clientId)}</code></p>
<p>クライアントシークレット / Client secret: <code id="clientSecret">${esc(app.clientSecret)}</code></p>
<p>コールバックURL / Callback URL: ${app.redirectUris.map((u) => `<code class="redirect-uri">${esc(u)}</code>`).join(' ')}</p>
<p class="notice" id="secret-notice" role="alert">クライアントシークレットはこの画面でのみ表示されます。安全な場所に保管してください。<br>
The client secret is shown only on this page. Store it somewhere safe; it cannot be displayed again.</p>
<p><a href="/developer/applications" id="back">アプリケーション一覧へ戻る / Back to applications</a></p>`,
  );
}
