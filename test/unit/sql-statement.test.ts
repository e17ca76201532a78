/**
 * parseStatement (issue 13): one reading of a statement's leading keywords, on the one lexer, into
 * the kind every dispatcher switches on — with the text and offset errors point into.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStatement } from '../../src/sql/statement.js';

test('each kind, whatever comments come first', () => {
  const kinds: [string, string][] = [
    ['SELECT 1', 'select'],
    ['  with x as (select 1) select * from x', 'select'],
    ['FROM Issues', 'select'],
    ['VALUES (1)', 'select'],
    ['(SELECT 1)', 'select'],
    ['/* a */ -- b\n INSERT INTO Issues (Summary) VALUES (1)', 'dml'],
    ['update Issues set Summary = 1 where Id = 1', 'dml'],
    ['DELETE FROM Issues WHERE Id = 1', 'dml'],
    ["EXEC GetOAuthAuthorizationURL @CallbackURL = 'x'", 'call'],
    ['EXECUTE AddStar IssueId = 1', 'call'],
    ['CALL GetOwnUser()', 'call'],
    ["COPY Issues TO 'x.csv'", 'copy'],
    ["COPY t FROM 'x.csv'", 'copy'],
    ['REPLICATE Issues', 'replicate'],
    ['CACHE Issues', 'replicate'],
    ['CREATE LOCAL VIEW v AS SELECT 1', 'localView'],
    ['drop local view v', 'localView'],
    ['DESCRIBE Issues', 'other'],
    ['SET threads = 1', 'other'],
    ['SELECTION', 'other'],
    ['SELECT Id INTO [csv://out.csv] FROM Issues', 'selectInto'],
    ['EXPLAIN SELECT 1', 'explain'],
  ];
  for (const [sql, kind] of kinds) assert.equal(parseStatement(sql).kind, kind, sql);
});

test("EXPLAIN [ANALYZE]'s inner statement keeps its offset in the user's text", () => {
  const s = parseStatement('/* x */ EXPLAIN -- y\n ANALYZE UPDATE Issues SET Summary = 1 WHERE Id = 1');
  assert.equal(s.kind, 'explain');
  if (s.kind !== 'explain') return;
  assert.equal(s.analyze, true);
  assert.equal(s.inner.kind, 'dml');
  assert.equal(s.inner.offset, s.text.indexOf('UPDATE'));
  assert.equal(s.inner.text, 'UPDATE Issues SET Summary = 1 WHERE Id = 1');
  // A form DuckDB would run (EXPLAIN(ANALYZE) …) is an EXPLAIN of the whole text, which no query parse accepts.
  const odd = parseStatement('EXPLAIN(ANALYZE) CREATE TABLE t (a INT)');
  assert.equal(odd.kind === 'explain' && odd.inner.kind, 'other');
});

test('the text DuckDB reads has @name as $name and CData forms rewritten, computed once', () => {
  const s = parseStatement('SELECT * FROM [Issues] WHERE ProjectId = @p');
  assert.equal(s.kind, 'select');
  if (s.kind !== 'select') return;
  assert.equal(s.sql, 'SELECT * FROM "Issues" WHERE ProjectId = $p');
  assert.ok(Object.isFrozen(s));
});

test("COPY's source query and its offset; SELECT … INTO's target", () => {
  const copy = parseStatement("COPY (SELECT * FROM Issues) TO 'x.csv'");
  assert.equal(copy.kind === 'copy' && copy.source?.sql, 'SELECT * FROM Issues');
  assert.equal(copy.kind === 'copy' && copy.source?.offset, 6);
  const into = parseStatement('SELECT Id INTO Mine FROM Issues');
  assert.deepEqual(into.kind === 'selectInto' && into.into.target, { kind: 'table', name: 'Mine' });
});

test('keywords inside literals and comments are not statements', () => {
  assert.equal(parseStatement("SELECT 'DELETE FROM Issues'").kind, 'select');
  assert.equal(parseStatement('-- REPLICATE\nSELECT 1').kind, 'select');
  assert.equal(parseStatement(`/* ${'x'.repeat(10_000)} */ DELETE FROM Issues WHERE Id = 1`).kind, 'dml');
});
