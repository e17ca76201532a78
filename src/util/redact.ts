/**
 * The one place secrets are taken out of text before it reaches an error message or a log
 * (docs/reliability.md A4 "Redaction lives in one function", TOK-12): API keys and OAuth values in query strings,
 * Authorization headers, and any known secret value wherever it appears.
 */

export const REDACTED = '***';

/** Query parameters whose values are secrets (Backlog's apiKey and the OAuth flow's values). */
const SECRET_PARAMS = ['apiKey', 'access_token', 'refresh_token', 'client_secret', 'code', 'code_verifier', 'password'];
const SECRET_PARAM = new RegExp(`([?&](?:${SECRET_PARAMS.join('|')})=)[^&#\\s]*`, 'gi');

/** Headers whose values are secrets. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/**
 * Text with secret query values, bearer/basic credentials and each of `secrets` replaced by `***`.
 * Pass the client's own credentials as `secrets`: a key echoed back anywhere (a server message,
 * an undici error) is caught even outside a query string.
 */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(SECRET_PARAM, `$1${REDACTED}`).replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`);
  // Short values could match ordinary words; real keys and tokens are long.
  for (const secret of secrets) if (secret && secret.length >= 8) out = out.split(secret).join(REDACTED);
  return out;
}

/** Headers safe to log: secret ones keep their name with the value replaced. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value]));
}
