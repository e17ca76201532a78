/**
 * CData's identifier and query forms (src/sql/dialect/query-forms.ts) through the library against
 * the emulator: [bracketed names] beside DuckDB's lists and indexing (each side of README's rule),
 * TOP n (with ORDER BY, in a subquery), schema-qualified names, TOP with LIMIT refused; each form
 * makes exactly the Backlog requests of its DuckDB-dialect twin (the journal), and errors point
 * at the user's text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, SqlError, type Connection } from '../../src/index.js';
import { rewriteCdataQueryForms } from '../../src/sql/dialect/query-forms.js';
import { clearJournal, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

let emu: RunningEmulator;
let db: Connection;

before(async () => {
  emu = await startTestEmulator();
  db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
});
after(async () => {
  await db.close();
  await emu.close();
});

/** Rows and the requests (method, path, query) one statement made. */
async function run(sql: string): Promise<{ rows: unknown[][]; requests: string[] }> {
  await clearJournal(emu);
  const r = await db.query(sql, undefined, { rowMode: 'array' });
  const requests = (await journal(emu)).map((e) => `${e.method} ${e.path} ${JSON.stringify(e.query)}`);
  return { rows: r.rows as unknown[][], requests };
}

/** The CData form gives the rows of its DuckDB twin with the same requests. */
async function same(cdata: string, duck: string): Promise<unknown[][]> {
  const a = await run(cdata);
  const b = await run(duck);
  assert.deepEqual(a.rows, b.rows, cdata);
  assert.deepEqual(a.requests, b.requests, `${cdata}: requests`);
  return a.rows;
}

describe('[bracketed names]', () => {
  test('columns and tables in brackets, names with spaces as identifiers', async () => {
    const rows = await same(
      'SELECT [IssueKey], [Summary] FROM [Issues] WHERE [ProjectId] = 1 ORDER BY [Id]',
      'SELECT IssueKey, Summary FROM Issues WHERE ProjectId = 1 ORDER BY Id',
    );
    assert.ok(rows.length > 0);
    // The pushdown sees the bracketed column: one search with projectId[].
    const { requests } = await run('SELECT [Id] FROM [Issues] WHERE [ProjectId] = 1');
    assert.ok(
      requests.some((r) => r.includes('/api/v2/issues ') && r.includes('"projectId[]":"1"')),
      requests.join('\n'),
    );
    // A name with spaces is a name: as an alias, and as a missing column it is named in the error.
    const alias = await run('SELECT [Id] AS [Issue Id] FROM [Issues] ORDER BY [Issue Id] LIMIT 1');
    assert.equal(alias.rows.length, 1);
    const r = await db.query('SELECT [Id] AS [Issue Id] FROM [Issues] LIMIT 1');
    assert.deepEqual(Object.keys((r.rows as Record<string, unknown>[])[0] as object), ['Issue Id']);
    await assert.rejects(
      db.query('SELECT [Issue Type] FROM [Issues]'),
      (e: unknown) => e instanceof SqlError && /Issue Type/.test(e.message) && e.position === 8,
    );
  });

  test('aliases, joins and qualified columns in brackets', async () => {
    await same(
      'SELECT [i].[IssueKey], [c].[Id] FROM [Issues] AS [i] JOIN [IssueComments] [c] ON [c].[IssueId] = [i].[Id] WHERE [i].[ProjectId] = 1 ORDER BY [c].[Id] LIMIT 3',
      'SELECT i.IssueKey, c.Id FROM Issues AS i JOIN IssueComments c ON c.IssueId = i.Id WHERE i.ProjectId = 1 ORDER BY c.Id LIMIT 3',
    );
  });

  test("DuckDB's lists and indexing stay lists and indexing", async () => {
    // A comma, a literal, a parameter or an operator inside: a list. After a name, ), ] or a literal: indexing.
    const r = await db.query(
      "SELECT [2, 3] AS a, [1] AS b, [NULL] AS c, list_value(1)[1] AS d, 'abc'[2] AS e, [Id + 1] AS f, ARRAY[Id] AS g, [x FOR x IN [5]] AS h FROM Priorities ORDER BY Id LIMIT 1",
      undefined,
      { rowMode: 'array' },
    );
    assert.deepEqual(r.rows[0], [[2, 3], [1], [null], 1, 'b', [3], [2], [5]]);
    const idx = await db.query('SELECT l[1] AS first FROM (SELECT [7, 8] AS l) t', undefined, { rowMode: 'array' });
    assert.deepEqual(idx.rows[0], [7]);
    // A bracket holding one bare name is a column, not a one-item list.
    const name = await db.query('SELECT [Id] FROM Priorities ORDER BY Id LIMIT 1', undefined, { rowMode: 'array' });
    assert.deepEqual(name.rows[0], [2]);
  });

  test('the rewrite keeps lengths and literals, and is idempotent', () => {
    const sql = 'SELECT [Summary], \'[Summary]\', "[x]" FROM [Issues] -- [Issues]';
    const out = rewriteCdataQueryForms(sql);
    assert.equal(out, 'SELECT "Summary", \'[Summary]\', "[x]" FROM "Issues" -- [Issues]');
    assert.equal(out.length, sql.length);
    assert.equal(rewriteCdataQueryForms(out), out);
    // TOP's LIMIT goes where its SELECT ends: before `;` and a trailing comment, after bracketed names.
    assert.equal(
      rewriteCdataQueryForms('SELECT TOP 3 [Id], [2, 3] FROM [Issues] ORDER BY [Id] DESC; -- top'),
      'SELECT       "Id", [2, 3] FROM "Issues" ORDER BY "Id" DESC LIMIT 3; -- top',
    );
    assert.equal(rewriteCdataQueryForms('SELECT * FROM (SELECT TOP 1 [Id] FROM [Issues]) t'), 'SELECT * FROM (SELECT       "Id" FROM "Issues" LIMIT 1) t');
  });
});

describe('TOP n', () => {
  test('TOP n is LIMIT n, and goes to Backlog as count=n', async () => {
    const rows = await same('SELECT TOP 3 IssueKey FROM Issues WHERE ProjectId = 1', 'SELECT IssueKey FROM Issues WHERE ProjectId = 1 LIMIT 3');
    assert.equal(rows.length, 3);
    const { requests } = await run('SELECT TOP 3 IssueKey FROM Issues WHERE ProjectId = 1');
    assert.ok(
      requests.some((r) => r.includes('"count":"3"')),
      requests.join('\n'),
    );
  });

  test('TOP with ORDER BY, TOP (n), DISTINCT TOP and TOP in a subquery', async () => {
    await same('SELECT TOP 2 [IssueKey] FROM [Issues] ORDER BY [Created] DESC', 'SELECT IssueKey FROM Issues ORDER BY Created DESC LIMIT 2');
    await same('SELECT TOP (2) Name FROM Priorities ORDER BY Id', 'SELECT Name FROM Priorities ORDER BY Id LIMIT 2');
    await same('SELECT DISTINCT TOP 2 StatusName FROM Issues ORDER BY StatusName', 'SELECT DISTINCT StatusName FROM Issues ORDER BY StatusName LIMIT 2');
    await same('SELECT count(*) FROM (SELECT TOP 4 Id FROM Issues ORDER BY Id) t', 'SELECT count(*) FROM (SELECT Id FROM Issues ORDER BY Id LIMIT 4) t');
    const p = await db.query('SELECT TOP @n Name FROM Priorities ORDER BY Id', { n: 1 }, { rowMode: 'array' });
    assert.equal(p.rowCount, 1);
  });

  test('TOP with LIMIT or OFFSET is refused, pointing at the LIMIT', async () => {
    await assert.rejects(
      db.query('SELECT TOP 5 * FROM Issues LIMIT 3'),
      (e: unknown) => e instanceof SqlError && e.message === 'TOP and LIMIT cannot be used together' && e.position === 28 && /LIMIT 5/.test(e.hint ?? ''),
    );
    await assert.rejects(
      db.query('SELECT TOP 5 * FROM Issues ORDER BY Id OFFSET 2'),
      (e: unknown) => e instanceof SqlError && /TOP and OFFSET/.test(e.message) && e.position === 40,
    );
    await assert.rejects(db.query('SELECT TOP 50 PERCENT * FROM Issues'), (e: unknown) => e instanceof SqlError && /PERCENT is not supported/.test(e.message));
    await assert.rejects(
      db.query('SELECT TOP 1 Id FROM Issues UNION SELECT Id FROM Issues'),
      (e: unknown) => e instanceof SqlError && /TOP in a UNION/.test(e.message) && /parentheses/.test(e.hint ?? ''),
    );
    // The TOP of a subquery and the LIMIT of the outer query are two SELECTs: allowed.
    const r = await db.query('SELECT * FROM (SELECT TOP 3 Id FROM Priorities ORDER BY Id) t LIMIT 1');
    assert.equal(r.rowCount, 1);
  });

  test("errors after TOP still point at the user's text", async () => {
    await assert.rejects(db.query('SELECT TOP 5 Nope FROM Issues'), (e: unknown) => e instanceof SqlError && e.position === 14);
  });
});

describe('schema-qualified names', () => {
  test('Backlog.T, CData.Backlog.T, "Backlog"."T" and [CData].[Backlog].[T] read T', async () => {
    const duck = 'SELECT Id, Name FROM Priorities ORDER BY Id';
    for (const name of ['Backlog.Priorities', 'CData.Backlog.Priorities', '"Backlog"."Priorities"', '[CData].[Backlog].[Priorities]', 'backlog.priorities']) {
      await same(`SELECT Id, Name FROM ${name} ORDER BY Id`, duck);
    }
    await same('SELECT Backlog.Issues.Id FROM Backlog.Issues WHERE ProjectId = 1 ORDER BY 1', 'SELECT Issues.Id FROM Issues WHERE ProjectId = 1 ORDER BY 1');
  });

  test('an alias named Backlog stays an alias; an unknown table names the closest one', async () => {
    const r = await db.query('SELECT Backlog.Id FROM Priorities Backlog ORDER BY 1', undefined, { rowMode: 'array' });
    assert.ok(r.rowCount > 0);
    await assert.rejects(
      db.query('SELECT * FROM CData.Backlog.Isues'),
      (e: unknown) => e instanceof SqlError && e.sqlstate === '42P01' && /Issues/.test(e.hint ?? '') && e.position === 29,
    );
  });
});

describe("writes in CData's forms", () => {
  test("INSERT INTO [T] and UPDATE Backlog.T … WHERE [Id] = n make the same requests as DuckDB's", async () => {
    await clearJournal(emu);
    const ins = await db.query("INSERT INTO [ProjectCategories] ([ProjectId], [Name]) VALUES (1, 'Bracketed') RETURNING [Id]", undefined, { rowMode: 'array' });
    const id = (ins.rows as unknown[][])[0]?.[0] as number;
    await db.query(`UPDATE Backlog.ProjectCategories SET [Name] = 'Renamed' WHERE [ProjectId] = 1 AND [Id] = ${id}`);
    await db.query(`DELETE FROM CData.Backlog.[ProjectCategories] WHERE [ProjectId] = 1 AND [Id] = ${id}`);
    const writes = (await journal(emu)).filter((e) => e.method !== 'GET').map((e) => `${e.method} ${e.path}`);
    assert.deepEqual(writes, ['POST /api/v2/projects/1/categories', `PATCH /api/v2/projects/1/categories/${id}`, `DELETE /api/v2/projects/1/categories/${id}`]);
  });
});
