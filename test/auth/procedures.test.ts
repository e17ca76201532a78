/** EXEC / CALL parsing and the procedure registry behind sys_procedures (ARCHITECTURE.md §3, §5 step 0). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCall, procedureMetadata, PROCEDURES, runProcedure } from '../../src/procedures/index.js';
import { SqlError } from '../../src/errors.js';

describe('EXEC and CALL', () => {
  it("parses CData's EXEC form with literals and @, ?, $ parameters", () => {
    assert.deepEqual(parseCall("EXEC GetOAuthAuthorizationURL @CallbackURL = 'http://x/cb', @State = 'it''s'", undefined), {
      name: 'GetOAuthAuthorizationURL',
      args: [
        { name: 'CallbackURL', value: 'http://x/cb', pos: 31 },
        { name: 'State', value: "it's", pos: 61 },
      ],
      pos: 6,
    });
    assert.deepEqual(
      parseCall('execute P @A = ?, @B = ?;', ['x', 2]).args.map(({ name, value }) => ({ name, value })),
      [
        { name: 'A', value: 'x' },
        { name: 'B', value: 2 },
      ],
    );
    assert.deepEqual(
      parseCall('EXEC P @A = @code, @B = $n, @C = NULL, @D = TRUE, @E = -1.5', { code: 'c', n: 3 }).args.map((a) => a.value),
      ['c', 3, null, true, -1.5],
    );
  });

  it('parses the CALL form with named arguments, and no arguments at all', () => {
    assert.deepEqual(parseCall("CALL RefreshOAuthAccessToken(OAuthRefreshToken => 'r')", undefined).args, [{ name: 'OAuthRefreshToken', value: 'r', pos: 30 }]);
    assert.deepEqual(parseCall('CALL GetOAuthAuthorizationURL()', undefined).args, []);
    assert.deepEqual(parseCall('EXEC GetOAuthAuthorizationURL', undefined).args, []);
    assert.deepEqual(
      parseCall('CALL P(A => $1, B => $2)', ['a', 'b']).args.map((a) => a.value),
      ['a', 'b'],
    );
  });

  it('reports syntax errors with a position, and missing parameter values', () => {
    assert.throws(
      () => parseCall('EXEC P @A =', undefined),
      (e: unknown) => e instanceof SqlError && e.code === 'SQL_SYNTAX' && /expected a value/.test(e.message),
    );
    // A lone @A is a parameter given by position (CData's `EXEC P @p`): it needs a value.
    assert.throws(() => parseCall('EXEC P @A', undefined), /no value for parameter @A/);
    assert.throws(() => parseCall("CALL P(A => 'x'", undefined), SqlError);
    assert.throws(() => parseCall('EXEC P @A = ?', []), /no value for parameter 1/);
  });

  it('unknown procedures, unknown parameters and missing required ones are clear errors', async () => {
    const ctx = {
      oauth: undefined,
      signal: new AbortController().signal,
      api: {} as never,
      env: { timezone: 'UTC' },
      myself: () => Promise.reject(new Error('not used')),
      noLocalFiles: false,
    };
    await assert.rejects(
      runProcedure({ name: 'Nope', args: [] }, ctx),
      (e: unknown) => e instanceof SqlError && /no procedure named Nope/.test(e.message) && /GetOAuthAccessToken/.test(e.hint ?? ''),
    );
    await assert.rejects(
      runProcedure({ name: 'getoauthauthorizationurl', args: [{ name: 'Bogus', value: 1 }] }, ctx),
      (e: unknown) => e instanceof SqlError && e.sqlstate === '42883' && /no parameter Bogus/.test(e.message),
    );
    await assert.rejects(runProcedure({ name: 'RefreshOAuthAccessToken', args: [] }, ctx), /needs OAuthRefreshToken/);
    await assert.rejects(runProcedure({ name: 'GetOAuthAuthorizationURL', args: [] }, ctx), /needs AuthScheme=OAuth/);
  });

  it('sys_procedures and sys_procedureparameters come from the registry', () => {
    const meta = procedureMetadata();
    assert.deepEqual(
      meta.procedures.map((r) => r[2]),
      PROCEDURES.map((p) => p.name),
    );
    const refresh = meta.parameters.filter((r) => r[2] === 'RefreshOAuthAccessToken').map((r) => [r[3], r[4]]);
    assert.deepEqual(refresh, [
      ['OAuthRefreshToken', 1],
      ['OAuthAccessToken', 3],
      ['OAuthRefreshToken', 3],
      ['ExpiresIn', 3],
    ]);
  });
});
