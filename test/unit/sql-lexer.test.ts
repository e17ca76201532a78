import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapCode, segments } from '../../src/sql/lexer.js';
import { classify, rewriteAtParameters } from '../../src/sql/front.js';

test('literals, identifiers, comments and dollar quotes are not code; parameters are', () => {
  const sql = `SELECT 'a;b', E'it\\'s', "we;ird", $$x;y$$, $t$z;$t$, $1, $name -- c;\n/* a /* nested; */ b; */ ;`;
  const code = segments(sql).filter((s) => s.kind === 'code').map((s) => sql.slice(s.start, s.end)).join('');
  assert.equal((code.match(/;/g) ?? []).length, 1, code);
  assert.match(code, /\$1/);
  assert.match(code, /\$name/);
});

test('@name becomes $name only in code', () => {
  assert.equal(rewriteAtParameters("SELECT @id, 'me@example.com', \"@col\" -- @x\n"), "SELECT $id, 'me@example.com', \"@col\" -- @x\n");
  assert.equal(mapCode("a 'b' c", (s) => s.toUpperCase()), "A 'b' C");
});

test('statement kinds ignore leading comments', () => {
  assert.equal(classify('/* hi */ -- there\n  explain analyze select 1'), 'explain-analyze');
  assert.equal(classify("EXEC GetOAuthAuthorizationURL @CallbackURL = 'x'"), 'call');
  assert.equal(classify('with x as (select 1) select * from x'), 'select');
});
