import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countInCode, countInCodeBytes, leadingCode, mapCode, segments } from '../../src/sql/lexer.js';
import { parseStatement, rewriteAtParameters, type Statement } from '../../src/sql/statement.js';

/** The statement's kind, EXPLAIN's as `explain-analyze` / `explain`. */
function classify(sql: string): string {
  const s: Statement = parseStatement(sql);
  return s.kind === 'explain' ? (s.analyze ? 'explain-analyze' : 'explain') : s.kind;
}

test('literals, identifiers, comments and dollar quotes are not code; parameters are', () => {
  const sql = `SELECT 'a;b', E'it\\'s', "we;ird", $$x;y$$, $t$z;$t$, $1, $name -- c;\n/* a /* nested; */ b; */ ;`;
  const code = segments(sql)
    .filter((s) => s.kind === 'code')
    .map((s) => sql.slice(s.start, s.end))
    .join('');
  assert.equal((code.match(/;/g) ?? []).length, 1, code);
  assert.match(code, /\$1/);
  assert.match(code, /\$name/);
});

test('@name becomes $name only in code', () => {
  assert.equal(rewriteAtParameters('SELECT @id, \'me@example.com\', "@col" -- @x\n'), 'SELECT $id, \'me@example.com\', "@col" -- @x\n');
  assert.equal(
    mapCode("a 'b' c", (s) => s.toUpperCase()),
    "A 'b' C",
  );
});

test('statement kinds ignore leading comments', () => {
  assert.equal(classify('/* hi */ -- there\n  explain analyze select 1'), 'explain-analyze');
  assert.equal(classify("EXEC GetOAuthAuthorizationURL @CallbackURL = 'x'"), 'call');
  assert.equal(classify('with x as (select 1) select * from x'), 'select');
});

test('the leading keywords are read from the start only, comments between them blanked', () => {
  assert.equal(leadingCode('/* x */ EXPLAIN -- y\n ANALYZE SELECT 1'), '        EXPLAIN     \n ANALYZE SELECT 1');
  const long = `SELECT ${'1 + '.repeat(100)}1`;
  assert.ok(leadingCode(long).length < 200);
  assert.equal(classify(`/* ${'c'.repeat(10_000)} */ EXPLAIN /* z */ ANALYZE CREATE TABLE t (a INT)`), 'explain-analyze');
  assert.equal(classify(`${' '.repeat(100)}DELETE FROM Issues WHERE Id = 1`), 'dml');
});

test('literals with doubled quotes and backslash escapes end where they should', () => {
  const cases: [string, number][] = [
    ["'a''b' ;", 1],
    ["E'a\\'b' ;", 1],
    ["E'a''b\\\\' ;", 1],
    ["E'\\\\' ; '\\' ;", 2],
    ["'unterminated ;", 0],
  ];
  for (const [sql, semicolons] of cases) {
    const code = segments(sql)
      .filter((s) => s.kind === 'code')
      .map((s) => sql.slice(s.start, s.end))
      .join('');
    assert.equal((code.match(/;/g) ?? []).length, semicolons, sql);
  }
});

test('countInCode counts a character in code only, and stops past its limit', () => {
  // 6 commas in code; 11 more inside a literal, an identifier, comments (one nested), a dollar-quoted and an E'' string.
  const sql = "SELECT 'a,b,c', \"x,y\", 1 -- ,,\n, $$,,$$, /* , /* , */ , */ E'\\',', 2, e'x'";
  assert.equal(countInCode(sql, ',', 6), 6);
  assert.equal(countInCode(sql, ',', 3), 4, 'stops once past the limit');
  assert.equal(countInCode(sql, ',', 100), 17, 'under the limit in all, the text is not lexed: every comma counts');
  assert.equal(countInCode("SELECT name'x,y', 1", ',', 0), 1, 'a word before a quote: the literal still hides its comma');
});

test("countInCodeBytes, on a message's UTF-8 bytes, refuses exactly what countInCode refuses", () => {
  const sql = "SELECT 'a,b,c', \"x,y\", 1 -- ,,\n, $$,,$$, /* , /* , */ , */ E'\\',', 2, e'x'";
  assert.equal(countInCodeBytes(Buffer.from(sql), ',', 100), 6, 'literals, identifiers, comments and $$ strings hide their commas');
  assert.equal(countInCodeBytes(Buffer.from(sql), ',', 3), 4, 'stops once past the limit');
  // Seeded pieces, some multi-byte (UTF-8 bytes are never ASCII, so they cannot look like quotes or commas).
  const pieces = [
    "'a,b'",
    "'é,''ü'",
    '"x,日"',
    '-- ,é\n',
    '/* , */',
    "E'\\',,'",
    '$$,$$',
    '$t$,$t$',
    ',',
    ', ',
    'ñ',
    'x',
    "name'a,b'",
    '$1',
    '\n',
    `'${'y'.repeat(80)}'',z,'`,
    `E'${'w'.repeat(70)}\\',x,'`,
  ];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let k = 0; k < 500; k++) {
    const text = Array.from({ length: 1 + Math.floor(next() * 40) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
    for (const limit of [0, 2, 5]) {
      assert.equal(countInCodeBytes(Buffer.from(text), ',', limit) > limit, countInCode(text, ',', limit) > limit, text);
    }
  }
  const long = `SELECT '${'x,'.repeat(100_000)}'`;
  assert.equal(countInCodeBytes(Buffer.from(long), ',', 10), 0, 'a long literal is skipped whole');
});
