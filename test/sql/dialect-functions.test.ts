/**
 * CData's SQL functions (src/sql/dialect/functions.ts) on a bare DuckDB instance: every example
 * CData documents for a function we provide (macro or rewrite) gives CData's documented result;
 * no macro takes the name of a DuckDB function except ROUND and SPLIT (which keep DuckDB's
 * arities); the call rewrites keep literals, CAST types and lengths as they should.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { CDATA_FUNCTIONS, HELPER_MACROS, macroDefinitions } from '../../src/sql/dialect/functions.js';
import { dotnetToStrftime, rewriteCdataFunctionCalls } from '../../src/sql/dialect/function-rewrites.js';
import { installCdataFunctions } from '../../src/sql/dialect/install-functions.js';
import { toJs } from '../../src/sql/duckdb.js';
import type { SqlError } from '../../src/errors.js';
import { printCdata, printOurs } from '../cdata-dialect/normalize.js';

let duck: DuckDBInstance;
let conn: DuckDBConnection;

before(async () => {
  duck = await DuckDBInstance.create(':memory:');
  conn = await duck.connect();
  await conn.run("SET TimeZone = 'UTC'");
  await installCdataFunctions(conn);
});
after(() => {
  conn?.closeSync();
  duck?.closeSync();
});

async function value(sql: string): Promise<unknown> {
  const r = await conn.runAndReadAll(rewriteCdataFunctionCalls(sql));
  return toJs(r.getRows()[0]?.[0] ?? null);
}

describe('CData functions: documented examples', () => {
  const ours = CDATA_FUNCTIONS.filter((f) => f.kind === 'macro' || f.kind === 'rewrite');
  for (const f of ours) {
    const examples = f.examples.filter((e) => e.result !== null && !/MyTable|C:\//.test(e.sql));
    if (examples.length === 0) continue;
    test(`${f.name}: ${examples.map((e) => e.sql.replace(/^SELECT /, '')).join('; ')}`, async () => {
      for (const e of examples) {
        const expected = e.here !== undefined ? printCdata(e.here) : printCdata(e.result);
        assert.equal(printOurs(await value(e.sql)), expected, e.sql);
      }
    });
  }

  test('functions whose result depends on the clock or chance: types and ranges', async () => {
    const today = new Date().toISOString().slice(0, 10);
    assert.equal(await value('SELECT CURRENT_DATE()'), today);
    for (const fn of ['CURRENT_TIMESTAMP()', 'GETDATE()', 'SYSDATETIME()', 'GETUTCDATE()', 'SYSUTCDATETIME()']) {
      const v = (await value(`SELECT ${fn}`)) as Date;
      assert.ok(v instanceof Date && Math.abs(v.getTime() - Date.now()) < 60_000, fn);
    }
    const r = (await value('SELECT RAND()')) as number;
    assert.ok(r >= 0 && r < 1);
    assert.equal(await value('SELECT RAND(1) = RAND(1)'), true);
    assert.equal(printOurs(await value('SELECT L_YESTERDAY()')), new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
    assert.equal(await value('SELECT YESTERDAY() = current_date - 1 AND TOMORROW() = current_date + 1 AND L_TODAY() = current_date'), true);
    assert.equal(await value('SELECT LAST_WEEK() < localtimestamp - INTERVAL 6 DAY AND LAST_MONTH() < LAST_WEEK() AND LAST_YEAR() < LAST_MONTH()'), true);
  });

  test('date literal functions compare a date with a range of days, as CData means =, < and >', async () => {
    const rows = await conn.runAndReadAll(
      rewriteCdataFunctionCalls(
        `SELECT d, d = L_THIS_WEEK(), d < L_THIS_WEEK(), d > L_THIS_WEEK(), d = L_LAST_N_DAYS(3), L_NEXT_N_DAYS(2) = d, t.d = YESTERDAY()
         FROM (SELECT current_date - CAST(dayofweek(current_date) AS INTEGER) + CAST(x AS INTEGER) AS d FROM range(-2, 10) r(x)) t ORDER BY d`,
      ),
    );
    const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
    const sunday = new Date(today.getTime() - today.getUTCDay() * 86_400_000);
    for (const row of rows.getRows()) {
      const d = new Date(`${String(toJs(row[0] ?? null))}T00:00:00Z`);
      const days = Math.round((d.getTime() - today.getTime()) / 86_400_000);
      const weekDay = Math.round((d.getTime() - sunday.getTime()) / 86_400_000);
      assert.deepEqual(
        row.slice(1),
        [weekDay >= 0 && weekDay <= 6, weekDay < 0, weekDay > 6, days >= -3 && days <= -1, days >= 0 && days <= 1, days === -1],
        String(toJs(row[0] ?? null)),
      );
    }
  });

  test('a timestamp compared with L_TODAY() / YESTERDAY() matches the whole day (not midnight only)', async () => {
    assert.equal(await value('SELECT t = YESTERDAY() FROM (SELECT current_date - 1 + INTERVAL 13 HOUR AS t)'), true);
    assert.equal(await value('SELECT L_TODAY() = t FROM (SELECT current_date + INTERVAL 13 HOUR AS t)'), true);
    assert.equal(await value('SELECT t = YESTERDAY() FROM (SELECT current_date + INTERVAL 13 HOUR AS t)'), false);
    // Not a column on the other side: the one-day function is a DATE (midnight), as DuckDB compares it.
    assert.equal(await value('SELECT current_date - 1 + INTERVAL 13 HOUR = YESTERDAY()'), false);
  });
});

describe('CData functions: no collision with DuckDB', () => {
  test("no macro takes a DuckDB function's name, except ROUND and SPLIT (whose DuckDB arities call DuckDB's own)", async () => {
    const fresh = await DuckDBInstance.create(':memory:');
    const c = await fresh.connect();
    const builtins = new Set((await c.runAndReadAll('SELECT DISTINCT lower(function_name) FROM duckdb_functions()')).getRows().map((r) => String(r[0])));
    c.closeSync();
    fresh.closeSync();
    const clashes = macroDefinitions()
      .map((m) => m.name)
      .filter((n) => builtins.has(n));
    assert.deepEqual(clashes.sort(), ['round', 'split']);
    assert.equal(await value('SELECT ROUND(2.5) = 3 AND ROUND(1.234, 2) = 1.23'), true);
    assert.deepEqual(await value("SELECT SPLIT('a,b', ',')"), ['a', 'b']);
  });

  test("DuckDB keeps its meaning where CData's differs: LOG is base 10, CONTAINS is boolean, DAYOFWEEK counts Sunday as 0", async () => {
    assert.equal(await value('SELECT LOG(100)'), 2);
    assert.equal(await value("SELECT CONTAINS('abc', 'b')"), true);
    assert.equal(await value("SELECT DAYOFWEEK(DATE '2000-04-15')"), 6);
    assert.equal(await value("SELECT DATEDIFF('day', DATE '2018-02-01', DATE '2018-02-10')"), 9);
  });

  test('every CData function is accounted for, and each that is not the same says how it differs', () => {
    for (const f of CDATA_FUNCTIONS) {
      if (f.kind === 'duckdb-differs' || f.kind === 'unavailable' || f.kind === 'rewrite') assert.ok(f.difference, `${f.name} needs a difference`);
      if (f.kind === 'macro') assert.ok(f.macro && f.macro.length > 0, f.name);
    }
    assert.ok(CDATA_FUNCTIONS.length >= 130, `${CDATA_FUNCTIONS.length} functions`);
    for (const m of [...HELPER_MACROS.map((h) => h.name), ...macroDefinitions().map((d) => d.name)]) assert.doesNotMatch(m, /^sys_/);
  });
});

describe('CData function rewrites', () => {
  test('CONVERT(type, value) → CAST(value AS type), padded to the same length; a style is refused', () => {
    const sql = 'SELECT CONVERT(VARCHAR(10), 12 + 1) AS x, 1';
    const out = rewriteCdataFunctionCalls(sql);
    assert.equal(out.length, sql.length);
    assert.match(out, /^SELECT CAST\(12 \+ 1 AS VARCHAR\(10\)\)\s+AS x, 1$/);
    assert.throws(
      () => rewriteCdataFunctionCalls('SELECT CONVERT(VARCHAR, Created, 101) FROM Issues'),
      (e: SqlError) => e.position === 32 && /style/.test(e.message),
    );
  });

  test('CHAR(n) and NCHAR(n) calls become chr(n); CHAR(n) as a type, literals and quoted names stay', () => {
    assert.equal(
      rewriteCdataFunctionCalls('SELECT CHAR(48), CAST(x AS CHAR(3)), x::CHAR(2), \'CHAR(1)\', "CHAR"(1)'),
      'SELECT chr (48), CAST(x AS CHAR(3)), x::CHAR(2), \'CHAR(1)\', "CHAR"(1)',
    );
    assert.equal(rewriteCdataFunctionCalls('SELECT NCHAR(65)'), 'SELECT chr  (65)');
  });

  test('date literal comparisons in both directions, with qualified and quoted columns', () => {
    assert.equal(
      rewriteCdataFunctionCalls('SELECT 1 FROM Issues i WHERE i."Created" = L_LAST_N_DAYS(3)'),
      "SELECT 1 FROM Issues i WHERE cdata_date_literal_compare(i.\"Created\", '=', 'L_LAST_N_DAYS', 3)",
    );
    assert.equal(rewriteCdataFunctionCalls('SELECT 1 WHERE THIS_WEEK() < Updated'), "SELECT 1 WHERE cdata_date_literal_compare(Updated, '>', 'THIS_WEEK', 0)");
    assert.throws(
      () => rewriteCdataFunctionCalls('SELECT L_THIS_WEEK()'),
      (e: SqlError) => e.position === 8 && /range of days: compare a date column with it/.test(e.message),
    );
    assert.throws(() => rewriteCdataFunctionCalls('SELECT 1 WHERE Created >= L_THIS_MONTH()'), /compare with =, < or >, not >=/);
    // One-day functions stand alone as dates; LAST_WEEK() (a timestamp in CData) is not a range.
    assert.equal(rewriteCdataFunctionCalls('SELECT YESTERDAY(), LAST_WEEK()'), 'SELECT YESTERDAY(), LAST_WEEK()');
  });

  test("STRTODATE / ISDATE: the .NET format literal becomes strftime's, once", () => {
    const once = rewriteCdataFunctionCalls("SELECT STRTODATE('03*04*2020','dd*MM*yyyy'), ISDATE(x, 'yyyy-MM-dd HH:mm:ss'), STRTODATE(x, 'UNIX')");
    assert.equal(once, "SELECT STRTODATE('03*04*2020','%d*%m*%Y'  ), ISDATE(x, '%Y-%m-%d %H:%M:%S'  ), STRTODATE(x, 'UNIX')");
    assert.equal(rewriteCdataFunctionCalls(once), once);
    assert.equal(dotnetToStrftime('M/d/yyyy h:mm tt'), '%m/%d/%Y %I:%M %p');
  });

  test('text with none of these names is returned as it is', () => {
    const sql = "SELECT 'CONVERT(a, b)' -- CHAR(1)\n";
    assert.equal(rewriteCdataFunctionCalls(sql), sql);
  });
});

describe('README: Coming from the CData driver', () => {
  test('lists every CData function that differs here, with its signature', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Coming from the CData driver'), readme.indexOf('## Use from Java'));
    for (const f of CDATA_FUNCTIONS.filter((x) => x.difference)) assert.ok(section.includes(`\`${f.name}(`) || section.includes(`\`${f.signature}\``), f.name);
  });
});
