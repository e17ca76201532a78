/**
 * The dialect's gate (src/sql/dialect/rewrite.ts `dialectUse`): one scan decides which of CData's
 * rewrites run for a statement. Skipping one must never change a statement, so every statement the
 * dialect's tests and the corpus write (and a few made to sit on the edges) is rewritten with the
 * gate and with every rewrite run, and the two must agree — text, or error. SELECT … INTO and
 * SCOPE_IDENTITY() are only looked for where the gate says they may be, so the gate must say so
 * wherever they are. A plain statement uses nothing.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { rewriteCdataFunctionCalls } from '../../src/sql/dialect/function-rewrites.js';
import { rewriteCdataQueryForms } from '../../src/sql/dialect/query-forms.js';
import { dialectUse, rewriteCdataDialect } from '../../src/sql/dialect/rewrite.js';
import { selectIntoOf } from '../../src/sql/dialect/select-into.js';
import { quoteTempNames, replaceIdentityCalls } from '../../src/sql/dialect/temp-tables.js';
import { parseStatement } from '../../src/sql/statement.js';

/** Statements written in the dialect's tests (string literals that start like one) and the corpus. */
function statements(): string[] {
  const files = [
    ...readdirSync(new URL('.', import.meta.url))
      .filter((f) => f.endsWith('.test.ts') && f !== 'gate.test.ts')
      .map((f) => new URL(f, import.meta.url)),
    new URL('../sql/dialect-functions.test.ts', import.meta.url),
    new URL('../unit/planner/statements.ts', import.meta.url),
  ];
  const out = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(['"`])((?:SELECT|WITH|INSERT|UPDATE|DELETE|FROM|EXPLAIN|COPY)\b(?:(?!\1)[^\\]|\\.)*)\1/g)) out.add(m[2] as string);
  }
  const corpus = JSON.parse(readFileSync(new URL('./corpus.json', import.meta.url), 'utf8')) as { sql: string }[];
  for (const entry of corpus) out.add(entry.sql);
  return [...out];
}

/** Edges: a word of one rewrite inside another's, in literals and comments, split by spaces. */
const EDGES = [
  'SELECT LAST_INSERT_ID()',
  'SELECT last_insert_id ( )',
  'SELECT SCOPE_IDENTITY(), LAST_DAY(CURRENT_DATE)',
  "SELECT 'Issues#TEMP', '[x]', 'TOP 1' FROM Issues",
  'SELECT * FROM [Issues#TEMP]',
  'SELECT * FROM Issues#TEMP',
  'SELECT TOP 3 * FROM Issues',
  'SELECT * FROM Backlog.Issues',
  'SELECT * FROM UserViews.Mine',
  'SELECT [Summary] FROM Issues -- TOP 1',
  'SELECT NCHAR(65), CHAR (66), VARCHAR_THING(1)',
  "SELECT CONVERT(VARCHAR, 1), STRTODATE('2026-01-02', 'yyyy-MM-dd')",
  'SELECT * FROM Issues WHERE Created > LAST_WEEK()',
  'SELECT Id INTO [csv://out.csv] FROM Issues',
  'SELECT Id INTO Mine FROM Issues',
  'SELECT Id FROM Issues /* INTO x */',
  'SELECT x[1] FROM (SELECT [1, 2] AS x)',
];

function outcome(fn: () => string): string {
  try {
    return `ok ${fn()}`;
  } catch (e) {
    return `error ${(e as Error).message}`;
  }
}

test('the gated rewrite gives what running every rewrite gives, for every statement the dialect tests write', () => {
  const all = [...statements(), ...EDGES];
  assert.ok(all.length > 200, `statements found: ${all.length}`);
  for (const sql of all) {
    const everything = outcome(() => rewriteCdataFunctionCalls(rewriteCdataQueryForms(quoteTempNames(sql))));
    assert.equal(
      outcome(() => rewriteCdataDialect(sql)),
      everything,
      sql,
    );
    const use = dialectUse(sql);
    if (replaceIdentityCalls(sql, 7) !== sql) assert.ok(use.identityCalls, `identity call not seen: ${sql}`);
    const rewritten = outcome(() => rewriteCdataDialect(sql));
    if (rewritten.startsWith('ok ')) {
      const into = outcome(() => (selectIntoOf(rewritten.slice(3)) === undefined ? 'none' : 'into'));
      if (into !== 'ok none') assert.ok(use.selectInto, `SELECT … INTO not seen: ${sql}`);
    }
  }
});

test('a plain statement uses none of the dialect, and reads as it did', () => {
  for (const sql of [
    'SELECT * FROM Issues WHERE ProjectId = 1',
    'SELECT count(*) FROM Users',
    'SELECT 1',
    "SELECT Summary FROM Issues WHERE Summary LIKE 'a%'",
  ]) {
    assert.deepEqual(dialectUse(sql), { tempNames: false, queryForms: false, functionCalls: false, selectInto: false, identityCalls: false }, sql);
    const statement = parseStatement(sql);
    assert.equal(statement.kind === 'select' && statement.sql, sql);
  }
});

test('each word sets its own part', () => {
  assert.ok(dialectUse('SELECT * FROM T#TEMP').tempNames);
  assert.ok(dialectUse('SELECT [Summary] FROM Issues').queryForms);
  assert.ok(dialectUse('SELECT TOP 1 * FROM Issues').queryForms);
  assert.ok(dialectUse("SELECT CONVERT(VARCHAR, 'x')").functionCalls);
  assert.ok(dialectUse('SELECT Id INTO Mine FROM Issues').selectInto);
  assert.ok(dialectUse('SELECT SCOPE_IDENTITY()').identityCalls);
  const last = dialectUse('SELECT LAST_INSERT_ID()');
  assert.ok(last.identityCalls && last.functionCalls);
});
