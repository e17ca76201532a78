/**
 * A plain pick of one table's columns is answered in JS from the fetched rows, without DuckDB
 * (issue 13, per-statement cost: src/sql/analyze.ts projectionOf, src/sql/result.ts projectRows), and the answer is DuckDB's to the letter.
 *
 * The DuckDB path to compare with is the same statement with `WHERE true` added: its plan has the
 * same steps (nothing is pushed, the same columns are used, so the same requests are made — the
 * journal is compared), it is not a plain projection (so DuckDB runs it, over the same inlined
 * rows), and DuckDB's filter of a constant true keeps every row in order. A forced path through
 * an engine option would test code users never run; this compares two statements users can write.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import type * as DuckApi from '@duckdb/node-api';
import pg from 'pg';
import { connect, type Connection } from '../../src/index.js';
import { serve, type PgServer } from '../../src/pgserver/index.js';
import { closeDuck, createDuck, type DuckDBInstance } from '../../src/sql/duckdb.js';
import { inlineRows } from '../../src/sql/inline-rows.js';
import type { ReadPlan } from '../../src/sql/plan.js';
import type { Projection } from '../../src/sql/analyze.js';
import { projectRows } from '../../src/sql/result.js';
import { readRows, resultColumns } from '../../src/sql/result.js';
import { TABLES } from '../../src/schema/tables/index.js';
import type { SqlType } from '../../src/schema/types.js';
import { clearJournal, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { openPlanner, type Planner } from '../unit/planner/harness.js';

const EXACT = new Set<SqlType>(['BIGINT', 'INTEGER', 'DOUBLE', 'BOOLEAN', 'VARCHAR']);
/** Every registry table all of whose columns JS holds exactly: its `SELECT *` is a projection. */
const ELIGIBLE = TABLES.filter((t) => t.columns.every((c) => EXACT.has(c.type))).map((t) => t.name);

let emu: RunningEmulator;
let db: Connection;
let planner: Planner;

before(async () => {
  emu = await startTestEmulator();
  db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
  planner = await openPlanner();
});
after(async () => {
  planner.close();
  await db.close();
  await emu.close();
});

const requests = async () => (await journal(emu)).map((e) => `${e.method} ${e.path} ${JSON.stringify(e.query)}`);

/** A statement's answer (or its error) and the requests it made. */
async function answer(conn: Connection, sql: string, rowMode: 'object' | 'array') {
  await clearJournal(emu);
  try {
    const r = await conn.query(sql, undefined, { rowMode });
    return { columns: r.columns, rows: r.rows, rowCount: r.rowCount, warnings: r.stats.warnings, requests: await requests() };
  } catch (e) {
    return { error: e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e), requests: await requests() };
  }
}

/** The statement runs in JS: its plan says so (EXPLAIN prints it). */
async function projected(sql: string): Promise<boolean> {
  const plan = (await planner.plan(sql)) as ReadPlan;
  const explained = (await db.query(`EXPLAIN ${sql}`)).rows as { table: string }[];
  assert.equal(explained.at(-1)?.table === '(result)', plan.projection !== undefined, sql);
  return plan.projection !== undefined;
}

/** The statement answers as DuckDB answers it with `WHERE true` added, with the same requests. */
async function sameAsDuckDB(conn: Connection, sql: string, rowMode: 'object' | 'array'): Promise<void> {
  const viaDuck = sql.replace(/(FROM \S+(?: AS \w+)?)/i, '$1 WHERE true');
  assert.equal(await projected(viaDuck), false, viaDuck);
  const js = await answer(conn, sql, rowMode);
  const duck = await answer(conn, viaDuck, rowMode);
  assert.deepEqual(js, duck, `${sql} (${rowMode})`);
}

describe('SELECT * of every table JS holds exactly', () => {
  test('there are such tables, Priorities among them', () => {
    assert.ok(ELIGIBLE.includes('Priorities') && ELIGIBLE.length >= 5, ELIGIBLE.join(', '));
  });
  for (const table of ELIGIBLE) {
    test(`SELECT * FROM ${table}: the same columns, types, rows, errors and requests as through DuckDB`, async () => {
      assert.equal(await projected(`SELECT * FROM ${table}`), true);
      for (const mode of ['object', 'array'] as const) await sameAsDuckDB(db, `SELECT * FROM ${table}`, mode);
    });
  }
});

describe('column lists', () => {
  const lists = [
    'SELECT Name FROM Priorities',
    'SELECT name, ID FROM priorities',
    'SELECT "name", "Id" AS "ID" FROM "Priorities"',
    'SELECT Name AS n, Id AS n, Name, name FROM Priorities',
    'SELECT Id AS Name, Name FROM Priorities',
    'SELECT p.Name, p.* FROM Priorities AS p',
    'SELECT Priorities.Id, *, Id FROM Priorities',
    'FROM Priorities',
    'SELECT ProjectKey, Name, Archived, Id, UseWiki FROM Projects',
    'SELECT Id, Name AS Category, DisplayOrder FROM ProjectCategories',
    'SELECT Id, UserId, Name, RoleType, MailAddress FROM Users',
  ];
  for (const sql of lists) {
    test(`${sql}: runs in JS and answers as DuckDB does (objects and arrays)`, async () => {
      assert.equal(await projected(sql), true);
      for (const mode of ['object', 'array'] as const) await sameAsDuckDB(db, sql, mode);
    });
  }

  test('duplicate names are deduplicated as DuckDB results are (_1, _2)', async () => {
    const r = await db.query('SELECT Name AS n, Id AS n, Name, name FROM Priorities');
    assert.deepEqual(
      r.columns.map((c) => c.name),
      ['n', 'n_1', 'Name', 'Name_1'],
    );
  });

  test('MaxRows keeps the first rows, as DuckDB does', async () => {
    const capped = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};MaxRows=2`);
    try {
      for (const mode of ['object', 'array'] as const) await sameAsDuckDB(capped, 'SELECT Id, Name FROM Priorities', mode);
      assert.equal((await capped.query('SELECT * FROM Priorities')).rowCount, 2);
    } finally {
      await capped.close();
    }
  });
});

describe('anything else runs through DuckDB', () => {
  const others = [
    'SELECT upper(Name) FROM Priorities',
    'SELECT Id + 0 AS Id FROM Priorities',
    "SELECT 'x' AS x, Id FROM Priorities",
    'SELECT * FROM Priorities WHERE Id > 0',
    'SELECT * FROM Priorities ORDER BY Id',
    'SELECT * FROM Priorities LIMIT 2',
    'SELECT DISTINCT Name FROM Priorities',
    'SELECT Name FROM Priorities GROUP BY ALL',
    'SELECT * EXCLUDE (Id) FROM Priorities',
    'SELECT COLUMNS(*) FROM Priorities',
    'SELECT Priorities FROM Priorities',
    // U+212A KELVIN SIGN: JS folds it to k, DuckDB's case-insensitive names fold ASCII only.
    'SELECT Id, ProjectKe\u212Ay FROM Projects',
    'SELECT * FROM main.Priorities',
    'SELECT x.Id FROM Priorities p(x)',
    'WITH p AS (SELECT * FROM Priorities) SELECT * FROM p',
    'SELECT * FROM (SELECT * FROM Priorities)',
    'SELECT * FROM Priorities UNION ALL SELECT * FROM Priorities',
    'SELECT * FROM Priorities p, Resolutions r',
    'SELECT Id, LastLoginTime FROM Users',
    'SELECT * FROM Issues',
    'SELECT Name, row_number() OVER () AS n FROM Priorities',
  ];
  for (const sql of others) test(`not a projection: ${sql}`, async () => assert.equal(await projected(sql), false));

  test('a TIMESTAMPTZ column comes back as a Date, as ever', async () => {
    const r = await db.query('SELECT Id, LastLoginTime FROM Users');
    assert.equal(r.columns[1]?.type, 'TIMESTAMPTZ');
    const times = (r.rows as { LastLoginTime: unknown }[]).map((u) => u.LastLoginTime).filter((t) => t !== null);
    assert.ok(times.length > 0 && times.every((t) => t instanceof Date));
  });

  test("EXPLAIN of a write prints its read's steps and the write, no (result) row", async () => {
    const rows = (await db.query('EXPLAIN INSERT INTO ProjectCategories (ProjectId, Name) SELECT Id, Name FROM Projects')).rows as {
      step: number;
      table: string;
    }[];
    assert.deepEqual(
      rows.map((r) => [r.step, r.table]),
      [
        [1, 'Projects'],
        [2, 'ProjectCategories'],
      ],
    );
  });

  test('a misspelt column fails as DuckDB fails it, with its hint', async () => {
    assert.equal(await projected('SELECT Nmae FROM Priorities'), false);
    await assert.rejects(db.query('SELECT Nmae FROM Priorities'), /Nmae/);
  });
});

describe('DuckDB calls', () => {
  /** The DuckDB calls a statement's third run makes (its parse tree, plan and prepared statement kept). */
  async function duckCalls(sql: string): Promise<string[]> {
    const duck = createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckApi;
    const proto = duck.DuckDBConnection.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    const prepared = duck.DuckDBPreparedStatement.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    const targets = [
      [proto, 'run'],
      [proto, 'runAndReadAll'],
      [proto, 'prepare'],
      [proto, 'createAppender'],
      [prepared, 'run'],
    ] as const;
    const originals = targets.map(([t, name]) => t[name] as (...a: unknown[]) => unknown);
    await db.query(sql);
    await db.query(sql);
    const calls: string[] = [];
    targets.forEach(([t, name], i) => {
      const original = originals[i] as (...a: unknown[]) => unknown;
      t[name] = function (this: unknown, ...args: unknown[]) {
        calls.push(name);
        return original.apply(this, args);
      };
    });
    try {
      await db.query(sql);
    } finally {
      targets.forEach(([t, name], i) => (t[name] = originals[i] as (...a: unknown[]) => unknown));
    }
    return calls;
  }

  test('a plain pick of columns makes none; anything else at least one', async () => {
    for (const sql of ['SELECT * FROM Priorities', 'SELECT name AS n, Id FROM priorities', 'FROM Projects']) assert.deepEqual(await duckCalls(sql), [], sql);
    for (const sql of ['SELECT upper(Name) FROM Priorities', 'SELECT * FROM Priorities WHERE true', 'SELECT Id, LastLoginTime FROM Users'])
      assert.notDeepEqual(await duckCalls(sql), [], sql);
  });
});

describe('values: exactly what the inlined rows give back from DuckDB', () => {
  let duck: DuckDBInstance;
  before(async () => {
    duck = await createDuck({ timezone: 'UTC', noExternalAccess: true });
  });
  after(() => closeDuck(duck));

  const columns = [
    { name: 'b', type: 'BIGINT' as const },
    { name: 'i', type: 'INTEGER' as const },
    { name: 'd', type: 'DOUBLE' as const },
    { name: 't', type: 'BOOLEAN' as const },
    { name: 'v', type: 'VARCHAR' as const },
  ];
  const projection: Projection = { table: 'T', columns: columns.map((c) => ({ column: c.name, name: c.name, type: c.type })) };
  const cases: unknown[][] = [
    [1, 2, 1.5, true, 'a'],
    [null, undefined, null, null, null],
    [Number.NaN, Infinity, -Infinity, 0, ''],
    ['12', '7', '2.5', 1, 12],
    [2.7, -2.7, 1e300, '', { a: [1, 'x'] }],
    [-0, -0.4, 5, 'false', ['x', null]],
    [9007199254740991, 2147483647, Number.MIN_VALUE, [], true],
    [-9007199254740991, -2147483648, 0.1 + 0.2, {}, 'é日本😀'],
  ];

  test('every value the mirror keeps equals DuckDB’s, in both row modes', async () => {
    const conn = await duck.connect();
    try {
      for (const row of cases) {
        const inline = inlineRows('SELECT * FROM T', 'T', columns, [row], new Set(columns.map((c) => c.name)));
        assert.ok(inline);
        const result = await conn.run(inline.sql, inline.bound.values, inline.bound.types);
        const cols = resultColumns(result);
        for (const mode of ['object', 'array'] as const) {
          const js = projectRows(projection, columns, [row], { rowMode: mode, maxRows: undefined });
          assert.ok(js, `projected: ${JSON.stringify(row)}`);
          assert.deepEqual(js, { columns: cols, rows: await readRows(result, cols, { rowMode: mode }) }, JSON.stringify(row));
        }
      }
    } finally {
      conn.closeSync();
    }
  });

  test('a value whose round trip is not plain sends the statement to DuckDB (no answer from JS)', () => {
    for (const row of [
      [2 ** 60, 1, 1, true, 'a'],
      [1, 2 ** 31, 1, true, 'a'],
      [1, 1, 'abc', true, 'a'],
      [1, 1, -0, true, 'a'],
      [1, 1, 1, true, 'nul\0'],
      [1, 1, 1, true, 'lone \uD800 surrogate'],
    ])
      assert.equal(projectRows(projection, columns, [row], { rowMode: 'object', maxRows: undefined }), undefined, String(row));
  });
});

describe('through the wire server', () => {
  let server: PgServer;
  let served: Connection;
  before(async () => {
    served = await connect({ URL: emu.url, ApiKey: emu.apiKey }, { noExternalAccess: true });
    server = await serve({ connection: served, port: 0, log: () => {} });
  });
  after(async () => {
    await server.close();
    await served.close();
  });

  test('node-postgres sees the same RowDescription (names, type OIDs) and rows, simple and extended', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'me', database: 'backlog' });
    await client.connect();
    try {
      for (const sql of ['SELECT * FROM Priorities', 'SELECT Id AS n, Name, name, Archived, DisplayOrder FROM Projects']) {
        const viaDuck = sql.replace(/(FROM \S+)/, '$1 WHERE true');
        const shape = (r: pg.QueryResult) => ({ fields: r.fields.map((f) => [f.name, f.dataTypeID, f.dataTypeSize]), rows: r.rows });
        assert.deepEqual(shape(await client.query(sql)), shape(await client.query(viaDuck)), sql);
        const extended = await client.query({ text: sql, name: `p${sql.length}` });
        assert.deepEqual(shape(extended), shape(await client.query({ text: viaDuck, name: `q${sql.length}` })), sql);
      }
    } finally {
      await client.end();
    }
  });
});
