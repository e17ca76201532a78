/**
 * The DML splitter (src/sql/dml.ts): INSERT, UPDATE and DELETE cut into pieces that keep their
 * offsets, never fooled by keywords inside literals, quoted names, comments or parentheses.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SqlError } from '../../src/errors.js';
import { MappedSql, numberParameters, parameterNames, parseDml } from '../../src/sql/dml.js';

describe('parseDml', () => {
  test('UPDATE: alias, SET items split at top-level commas only, FROM, WHERE and RETURNING', () => {
    const sql =
      "UPDATE Issues AS i SET Summary = concat(i.Summary, ', done'), DueDate = DATE '2026-01-01' FROM Projects p WHERE p.Id = i.ProjectId AND i.Id IN (SELECT Id FROM Issues WHERE Summary = 'x') RETURNING i.Id";
    const s = parseDml(sql);
    assert.equal(s.kind, 'UPDATE');
    if (s.kind !== 'UPDATE') return;
    assert.deepEqual(s.table, { name: 'Issues', start: 7 });
    assert.equal(s.alias, 'i');
    assert.deepEqual(
      s.sets.map((x) => [x.column.name, x.expr.text]),
      [
        ['Summary', "concat(i.Summary, ', done')"],
        ['DueDate', "DATE '2026-01-01'"],
      ],
    );
    assert.equal(s.from?.text, 'Projects p');
    assert.equal(s.where?.text, "p.Id = i.ProjectId AND i.Id IN (SELECT Id FROM Issues WHERE Summary = 'x')");
    assert.equal(s.returning?.text, 'i.Id');
    // Every piece is the statement's own text at its offset.
    for (const p of [...s.sets.map((x) => x.expr), s.from, s.where, s.returning]) if (p) assert.equal(sql.slice(p.start, p.start + p.text.length), p.text);
  });

  test('keywords inside function calls, strings, quoted names and comments are not clauses', () => {
    const s = parseDml(`UPDATE "Issues" SET "Summary" = 'WHERE FROM RETURNING' || EXTRACT(YEAR FROM Created) /* WHERE */ WHERE Id = 1 -- RETURNING *`);
    assert.equal(s.kind, 'UPDATE');
    if (s.kind !== 'UPDATE') return;
    assert.equal(s.table.name, 'Issues');
    assert.equal(s.sets[0]?.column.name, 'Summary');
    assert.equal(s.sets[0]?.expr.text, "'WHERE FROM RETURNING' || EXTRACT(YEAR FROM Created)");
    assert.equal(s.where?.text, 'Id = 1');
    assert.equal(s.returning, undefined);
  });

  test('INSERT: column list, VALUES or a parenthesised SELECT, trailing semicolons, a schema qualifier', () => {
    const a = parseDml("INSERT INTO public.ProjectCategories (ProjectKey, \"Name\") VALUES ('WEB', 'a;b'), ('WEB', 'c');  ");
    assert.equal(a.kind, 'INSERT');
    if (a.kind !== 'INSERT') return;
    assert.equal(a.table.name, 'ProjectCategories');
    assert.deepEqual(
      a.columns?.map((c) => c.name),
      ['ProjectKey', 'Name'],
    );
    assert.equal(a.source.text, "VALUES ('WEB', 'a;b'), ('WEB', 'c')");
    const b = parseDml('INSERT INTO Issues (SELECT 1) RETURNING *');
    assert.equal(b.kind === 'INSERT' && b.columns, undefined);
    assert.equal(b.kind === 'INSERT' && b.source.text, '(SELECT 1)');
    assert.equal(b.returning?.text, '*');
  });

  test('DELETE: alias, USING and WHERE', () => {
    const s = parseDml('DELETE FROM IssueComments c USING Issues i WHERE c.IssueId = i.Id AND i.StatusId = 4');
    assert.equal(s.kind, 'DELETE');
    if (s.kind !== 'DELETE') return;
    assert.equal(s.alias, 'c');
    assert.equal(s.using?.text, 'Issues i');
    assert.equal(s.where?.text, 'c.IssueId = i.Id AND i.StatusId = 4');
  });

  const bad: [string, RegExp, number][] = [
    ["UPDATE Issues SET Summary = 'x', WHERE Id = 1", /a comma with no Column = value after it/, 32],
    ['UPDATE Issues SET WHERE Id = 1', /SET needs at least one/, 19],
    ['UPDATE Issues SET (Summary, Description) = (1, 2) WHERE Id = 1', /SET \(a, b\) = \(…\) is not supported/, 19],
    ['DELETE Issues WHERE Id = 1', /expected FROM/, 8],
    ['INSERT INTO Issues DEFAULT VALUES', /DEFAULT VALUES is not supported/, 20],
    ['UPDATE Issues SET Summary = 1 WHERE Id = 1 RETURNING', /RETURNING needs a list/, 44],
    ['UPDATE nope.Issues SET Summary = 1 WHERE Id = 1', /schema "nope" does not exist/, 8],
    ['UPDATE Issues SET Summary = (1 WHERE Id = 1', /a parenthesis is not closed/, 44],
  ];
  for (const [sql, message, position] of bad) {
    test(`refuses ${sql}`, () => {
      assert.throws(
        () => parseDml(sql),
        (e: unknown) => e instanceof SqlError && message.test(e.message) && (position === 0 || e.position === position),
      );
    });
  }
});

describe('MappedSql and parameters', () => {
  test('a position inside a slice maps back to the statement; one in our own text maps to nothing', () => {
    const statement = 'UPDATE Issues SET Summary = Nope WHERE Id = 1';
    const s = parseDml(statement);
    if (s.kind !== 'UPDATE') return assert.fail();
    const q = new MappedSql().add('SELECT t.*, (').addPiece(s.sets[0]!.expr).add(') AS __set0 FROM t WHERE ').addPiece(s.where!);
    const generated = q.sql.indexOf('Nope') + 1;
    assert.equal(q.toSource(generated), statement.indexOf('Nope') + 1);
    assert.equal(q.toSource(1), undefined);
  });

  test('? and $n become named $pN in order, outside literals; a piece binds only the names it uses', () => {
    assert.equal(
      numberParameters("UPDATE Issues SET Summary = ? || '?' WHERE Id = ? AND x = ?"),
      "UPDATE Issues SET Summary = $p1 || '?' WHERE Id = $p2 AND x = $p3",
    );
    assert.equal(
      numberParameters('UPDATE Issues SET Summary = $2 WHERE Id = $1 AND Name = $name'),
      'UPDATE Issues SET Summary = $p2 WHERE Id = $p1 AND Name = $name',
    );
    assert.deepEqual([...parameterNames("SELECT $p1, '$p9', $name")], ['p1', 'name']);
  });
});
