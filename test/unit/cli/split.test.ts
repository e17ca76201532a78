import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { splitStatements, StatementReader, type ScriptItem } from '../../../src/cli/run-sql.js';

const sqlOf = (items: ScriptItem[]) => items.map((i) => (i.kind === 'sql' ? i.text : `META ${i.command} ${i.args.join(' ')}`.trim()));

describe('splitting SQL text into statements', () => {
  test('splits at semicolons and drops empty statements', () => {
    assert.deepEqual(sqlOf(splitStatements('SELECT 1; SELECT 2;;\n;SELECT 3', { final: true }).items), ['SELECT 1', 'SELECT 2', 'SELECT 3']);
  });

  test('keeps semicolons inside string literals, quoted identifiers and dollar-quoted strings', () => {
    const text = `SELECT 'a;b', 'it''s;' FROM "x;y" WHERE "q""t;" = $$;$$ AND z = $tag$ ; $ $tag$; SELECT 2;`;
    assert.deepEqual(sqlOf(splitStatements(text).items), [text.slice(0, text.indexOf('; SELECT 2')), 'SELECT 2']);
  });

  test('understands backslash escapes only in E strings', () => {
    assert.deepEqual(sqlOf(splitStatements(String.raw`SELECT E'a\';b'; SELECT 'c\'; SELECT 3;`).items), [
      String.raw`SELECT E'a\';b'`,
      String.raw`SELECT 'c\'`,
      'SELECT 3',
    ]);
  });

  test('ignores semicolons in line comments and nested block comments, and drops leading comments', () => {
    const text = '-- first; comment\nSELECT 1 /* a; /* nested; */ still; */ + 1; /* only a comment; */ ;\nSELECT 2 -- trailing;\n;';
    const { items } = splitStatements(text);
    assert.deepEqual(sqlOf(items), ['SELECT 1 /* a; /* nested; */ still; */ + 1', 'SELECT 2']);
    assert.deepEqual(
      items.map((i) => i.line),
      [2, 3],
    );
  });

  test("keeps the ; of CData's file target options, SELECT … INTO [csv://x.txt;delimiter=tab]", () => {
    assert.deepEqual(sqlOf(splitStatements('SELECT * INTO [csv://x.txt;delimiter=tab;header=false] FROM T; SELECT [a;b];').items), [
      'SELECT * INTO [csv://x.txt;delimiter=tab;header=false] FROM T',
      'SELECT [a',
      'b]',
    ]);
  });

  test('parameters like $1 and $name are not taken for dollar quotes', () => {
    assert.deepEqual(sqlOf(splitStatements('SELECT $1, $name; SELECT a$b$c;').items), ['SELECT $1, $name', 'SELECT a$b$c']);
  });

  test('reports the line each statement starts on', () => {
    const { items } = splitStatements('\n\nSELECT 1;\nSELECT\n  2;\n\n  SELECT 3;');
    assert.deepEqual(
      items.map((i) => i.line),
      [3, 4, 7],
    );
  });

  test('without final, the unfinished tail is kept as rest; with final it is the last statement', () => {
    const open = splitStatements('SELECT 1; SELECT 2\n  FROM x');
    assert.deepEqual(sqlOf(open.items), ['SELECT 1']);
    assert.equal(open.rest, 'SELECT 2\n  FROM x');
    assert.deepEqual(sqlOf(splitStatements('SELECT 1; SELECT 2\n  FROM x', { final: true }).items), ['SELECT 1', 'SELECT 2\n  FROM x']);
    assert.equal(splitStatements("SELECT 'open;\n").rest, "SELECT 'open;\n", 'an open quote keeps the statement going');
    assert.equal(splitStatements('/* open; comment\n').rest, '/* open; comment\n');
  });

  test('a backslash line where no statement is pending is a meta-command', () => {
    const { items } = splitStatements('\\dt\nSELECT 1;\n\\d "Issue Comments";\n\\timing on\n', { final: true });
    assert.deepEqual(sqlOf(items), ['META dt', 'SELECT 1', 'META d Issue Comments', 'META timing on']);
  });

  test('the reader hands out statements as their semicolons arrive and counts lines across chunks', () => {
    const reader = new StatementReader();
    assert.deepEqual(reader.push('SELECT 1;\nSELECT\n'), [{ kind: 'sql', text: 'SELECT 1', line: 1 }]);
    assert.equal(reader.pending, true);
    assert.deepEqual(reader.push('  2; SEL'), [{ kind: 'sql', text: 'SELECT\n  2', line: 2 }]);
    assert.deepEqual(reader.push('ECT 3\n\n'), []);
    assert.deepEqual(reader.end(), [{ kind: 'sql', text: 'SELECT 3', line: 3 }]);
    assert.equal(reader.pending, false);
  });
});
