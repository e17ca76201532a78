/**
 * The shell's history leaves out statements that carry secrets (issue 11): OAuth procedure calls
 * and literals given to secret-named parameters, over one line or several.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { carriesSecret } from '../../../src/cli/history.js';
import { runShell } from '../../../src/cli/shell.js';
import type { Connection } from '../../../src/core/connection.js';

const ZERO = { requests: 0, byCategory: { read: 0, update: 0, search: 0, icon: 0 }, byEndpoint: {}, retries: 0, rateLimitWaits: 0, rateLimitWaitMs: 0 };

function echoConnection(): Connection {
  return {
    space: { timezone: 'UTC', name: 'Test', spaceKey: 'test' },
    api: { stats: () => ZERO },
    registry: { tables: [] },
    query: async (sql: string) => ({
      columns: [{ name: 'ok', type: 'INTEGER' }],
      rows: [{ ok: sql.length }],
      rowCount: 1,
      stats: { ...ZERO, fetches: [], warnings: [], elapsedMs: 1 },
    }),
  } as unknown as Connection;
}

/** Type `lines` into a terminal shell (line editing and history on) that saves to a new file. */
async function typed(lines: string[]): Promise<string> {
  const historyFile = join(mkdtempSync(join(tmpdir(), 'backlog-sql-hist-')), 'history');
  const input = new PassThrough();
  const output = new PassThrough();
  output.resume();
  const err = new PassThrough();
  err.resume();
  const done = runShell({ connection: echoConnection(), format: 'table', input, output: output as never, err: err as never, terminal: true, historyFile });
  for (const line of lines) {
    input.write(`${line}\r`);
    await new Promise((r) => setTimeout(r, 10));
  }
  input.write('\\q\r');
  await done;
  return readFileSync(historyFile, 'utf8');
}

describe('what carries a secret', () => {
  for (const text of [
    "EXEC RefreshOAuthAccessToken @OAuthRefreshToken = 'r-123'",
    "CALL GetOAuthAccessToken(AuthMode => 'APP', Verifier => 'v')",
    'exec getoauthaccesstoken',
    "EXEC Anything @ClientSecret = 'x'",
    "UPDATE Things SET Password = 'hunter2'",
    '@OAuthAccessToken = abcdef123',
    '"OAuthClientSecret" => \'s\'',
  ]) {
    test(`${JSON.stringify(text)} does`, () => assert.equal(carriesSecret(text), true));
  }
  for (const text of [
    "SELECT * FROM sys_connection_props WHERE Name = 'OAuthAccessToken'",
    "SELECT 'password = 1' AS s",
    'SELECT IssueKey FROM Issues',
    'EXEC AddStar @IssueId = 12',
  ]) {
    test(`${JSON.stringify(text)} does not`, () => assert.equal(carriesSecret(text), false));
  }
});

describe('the shell history', () => {
  test('keeps ordinary statements and leaves out those carrying secrets, whole, even over several lines', async () => {
    const saved = await typed([
      'SELECT 1;',
      "EXEC RefreshOAuthAccessToken @OAuthRefreshToken = 'CANARY-ONE';",
      'EXEC AddStar',
      '  @ClientSecret =',
      "  'CANARY-TWO';",
      "CALL GetOAuthAccessToken(Verifier => 'CANARY-THREE');",
      'SELECT 2;',
    ]);
    assert.doesNotMatch(saved, /CANARY|OAuth|ClientSecret|AddStar/);
    assert.match(saved, /SELECT 1;/);
    assert.match(saved, /SELECT 2;/);
  });
});
