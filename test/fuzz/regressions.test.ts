/**
 * Every input that once ended in an error not ours (issue 11 and the fuzz suite's finds), by
 * name: each now answers, or fails with one of our errors with a code and, for SQL, a position
 * inside the statement. ./check.ts holds the rule; these tests hold the inputs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SqlError } from '../../src/index.js';
import { connect, type Connection } from '../../src/index.js';
import type { BacklogSqlError } from '../../src/errors.js';
import { startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { foreign } from './check.js';

let emu: RunningEmulator;
let db: Connection;
let remote: Connection;

before(async () => {
  emu = await startTestEmulator();
  db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
  remote = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`, { noExternalAccess: true });
});
after(async () => {
  await db.close();
  await remote.close();
  await emu.close();
});

/** Fails unless `run` rejects with one of our errors; returns it for further checks. */
async function ours(run: () => Promise<unknown>, sql?: string): Promise<SqlError & BacklogSqlError> {
  try {
    await run();
  } catch (e) {
    const why = foreign(e, sql);
    assert.equal(why, undefined, why);
    return e as SqlError;
  }
  assert.fail('expected an error');
}

describe('issue 11: inputs that ended in foreign errors', () => {
  test('SELECT 1e309 answers (a double out of range is Infinity), instead of a JSON SyntaxError', async () => {
    const r = await db.query('SELECT 1e309 AS x, -1e309 AS y');
    assert.deepEqual(r.rows, [{ x: Infinity, y: -Infinity }]);
    assert.equal((await db.query('SELECT IssueKey FROM Issues WHERE Id = 1e309')).rowCount, 0);
  });

  test('a NUL character in the SQL is our error at its position, not DuckDB quoting json_serialize_sql', async () => {
    const sql = "SELECT 'a\u0000b' AS s";
    const e = await ours(() => db.query(sql), sql);
    assert.equal(e.sqlstate, '22021');
    assert.equal(e.position, 10);
    // Bound as a parameter, the character is a value like any other.
    assert.deepEqual((await db.query('SELECT ? AS s', ['a\u0000b'])).rows, [{ s: 'a\u0000b' }]);
  });

  for (const [sql, position] of [
    ['EXEC GetOwnUser .', 17],
    ['CALL GetOwnUser(a.b)', 18],
  ] as const) {
    test(`${sql} is a syntax error at ${position}, not a TypeError in the procedure tokenizer`, async () => {
      const e = await ours(() => db.query(sql), sql);
      assert.equal(e.code, 'SQL_SYNTAX');
      assert.equal(e.position, position);
    });
  }

  test('EXEC AddStar @IssueId = .5 is a bad-argument error pointing at the argument', async () => {
    const sql = 'EXEC AddStar @IssueId = .5';
    const e = await ours(() => db.query(sql), sql);
    assert.match(e.message, /IssueId must be a positive whole number/);
    assert.equal(e.position, 14);
  });

  test('a Date(NaN) parameter is an error naming the parameter, in a query, a write and a procedure', async () => {
    for (const sql of ['SELECT ?::TIMESTAMP AS t', 'UPDATE Issues SET DueDate = ? WHERE Id = -1', 'EXEC AddStar @IssueId = ?']) {
      const e = await ours(() => db.query(sql, [new Date(Number.NaN)]), sql);
      assert.equal(e.sqlstate, '22007');
      assert.match(e.message, /parameter 1 is an invalid Date/);
    }
  });
});

describe('fuzz finds', () => {
  test('DESCRIBE of a statement points into the statement, not into our DESCRIBE prefix ("DETACH x")', async () => {
    for (const sql of ['DETACH x', "SELECT Id FROM PullRequestCommentStars WHERE ProjectId = '%_' AND RepositoryId = 1= 1"]) {
      const e = await ours(() => remote.describe(sql), sql);
      assert.ok(e.position !== undefined && e.position <= sql.length + 1, `${e.position} in ${sql.length}`);
    }
  });

  test('explain() points into the statement, not into the EXPLAIN it adds', async () => {
    const sql = 'SELECT Id FROM Issues WHERE = 1';
    const e = await ours(() => db.explain(sql), sql);
    assert.equal(e.position, sql.indexOf('= 1') + 1);
  });

  test("an E'…' string with a \\x escape is a syntax error at the string, not DuckDB's pg_verifymbstr", async () => {
    const sql = "SELECT IssueKey FROM Issues WHERE Summary = E'\\x0 = E'\\x00'";
    const e = await ours(() => db.query(sql), sql);
    assert.match(e.message, /invalid escape/);
    assert.equal(e.position, sql.indexOf("E'") + 1);
  });

  test('two statements point at the second; a bare SELECT points at its end', async () => {
    const two = 'SELECT 1 AS a; SELECT 2 AS b';
    assert.equal((await ours(() => db.query(two), two)).position, 14);
    assert.equal((await ours(() => db.query('SELECT'), 'SELECT')).position, 7);
  });

  test('a carriage return counts as a line break when DuckDB places its caret', async () => {
    const sql = 'SELECT IssueKey, AssigneeName FROM Issues WHERE Assignee\r HAVId = 2';
    const e = await ours(() => db.query(sql), sql);
    assert.equal(e.position, sql.indexOf('HAVId') + 1);
  });

  test('null as the parameters is no parameters, not a TypeError', async () => {
    const e = await ours(() => db.query('SELECT $x AS x', null as never));
    assert.match(e.message, /parameter/);
    assert.deepEqual((await db.query('SELECT 1 AS x', null as never)).rows, [{ x: 1 }]);
  });

  test('named values the statement does not use are ignored; positional ones given as an object are missing values', async () => {
    assert.deepEqual((await db.query('SELECT $name AS v', { name: 'x', unused: 2 })).rows, [{ v: 'x' }]);
    const e = await ours(() => db.query('SELECT ? AS a, ? AS b', { name: 1 }));
    assert.match(e.message, /Values were not provided/);
    assert.doesNotMatch(e.message, /Failed to/);
  });

  test("too many values, or a value without a SQL type, are our errors without the binding's wrapper text", async () => {
    assert.match((await ours(() => db.query('SELECT 1 AS x', [1]))).message, /^Can not bind to parameter number 1/);
    assert.match((await ours(() => db.query('SELECT ? AS x', [{ a: 1 }]))).message, /no SQL type/);
    await ours(() => db.query('SELECT ? AS x', [() => 1]));
    await ours(() => db.query('SELECT ? AS x', [Symbol('s')]));
    await ours(() => db.query('SELECT 1', 'not params' as never));
  });

  test('a closed connection says so with its own code', async () => {
    const c = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
    await c.close();
    const e = await ours(() => c.query('SELECT 1'));
    assert.equal(e.code, 'CONNECTION_CLOSED');
  });

  test('a statement that is not a string is our error', async () => {
    await ours(() => db.query(42 as never));
    await ours(() => db.describe(undefined as never));
  });
});
