/**
 * One of the processes of the cross-process refresh test (TOK-7): connects with
 * InitiateOAuth=REFRESH to the shared settings file given in the environment, runs one query and
 * prints "ok" (or the error's code, never its text, which the parent greps for secrets anyway).
 */
import { connect } from '../../src/core/connection.js';

const env = process.env;
try {
  const conn = await connect({
    URL: env.CHILD_URL,
    AuthScheme: 'OAuth',
    InitiateOAuth: 'REFRESH',
    OAuthClientId: env.CHILD_CLIENT_ID,
    OAuthClientSecret: env.CHILD_CLIENT_SECRET,
    OAuthSettingsLocation: env.CHILD_FILE,
  });
  await conn.query('SELECT Name FROM Priorities');
  await conn.close();
  process.stdout.write('ok\n');
} catch (e) {
  process.stdout.write(`failed ${(e as { code?: string }).code ?? 'error'}: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
