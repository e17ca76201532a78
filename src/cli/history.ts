/**
 * Which statements the shell keeps out of its history file (issue 11), as a psql user would
 * expect of passwords: calls of the OAuth procedures (they take and return tokens), and any
 * statement with a literal given to a secret-named parameter or column
 * (`@OAuthRefreshToken = '…'`, `ClientSecret => '…'`, `Password = '…'`).
 */
import { segments } from '../sql/lexer.js';

const OAUTH_PROCEDURE = /\b(EXEC|EXECUTE|CALL)\s+("?)\w*OAuth\w*\2/i;
const SECRET_NAME = /(secret|token|password|passwd|apikey|api_key|verifier|credential)\w*"?\s*(=>|=)\s*$/i;

/** True when `text` (a statement, or one line of one) holds something that must not be saved. */
export function carriesSecret(text: string): boolean {
  let code = '';
  for (const s of segments(text)) {
    const piece = text.slice(s.start, s.end);
    if (s.kind === 'string' && SECRET_NAME.test(code)) return true;
    if (s.kind === 'code') code += piece;
    else if (s.kind === 'identifier') code += piece;
    else if (s.kind === 'string') code += "''";
  }
  // A number or a bare word as the value counts too (`@OAuthVerifier = abc123` is still a secret).
  return OAUTH_PROCEDURE.test(code) || /(secret|token|password|passwd|apikey|api_key|verifier|credential)\w*"?\s*(=>|=)\s*[\w-]{4,}/i.test(code);
}
