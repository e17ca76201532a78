/**
 * At `tiny` scale every table and view listed in sys_tables returns rows, and every column of each
 * is non-NULL somewhere (asked as `count(*) … WHERE col IS NOT NULL`, which also exercises the
 * IS NOT NULL pushdowns): a column that is always NULL would be untested everywhere else.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, type Connection } from '../../src/index.js';
import { TABLES } from '../../src/schema/tables/index.js';
import { startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

async function tableNames(db: Connection): Promise<string[]> {
  const r = await db.query("SELECT TableName FROM sys_tables WHERE TableName NOT LIKE 'sys\\_%' ESCAPE '\\' ORDER BY TableName");
  return (r.rows as { TableName: string }[]).map((row) => row.TableName);
}

describe('every table and view at tiny scale (Asia/Tokyo)', () => {
  let emu: RunningEmulator;
  let db: Connection;

  before(async () => {
    emu = await startTestEmulator();
    db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
  });
  after(async () => {
    await db?.close();
    await emu?.close();
  });

  test(`sys_tables lists the registry's ${TABLES.length} tables and views`, async () => {
    assert.equal((await tableNames(db)).length, TABLES.length);
  });

  test('every table returns rows and every column is non-NULL in some row', async () => {
    const gaps: string[] = [];
    const empty: string[] = [];
    for (const table of await tableNames(db)) {
      const all = await db.query(`SELECT * FROM ${quote(table)}`);
      if (all.rowCount === 0) {
        empty.push(table);
        continue;
      }
      for (const { name } of all.columns) {
        const r = await db.query(`SELECT count(*) AS n FROM ${quote(table)} WHERE ${quote(name)} IS NOT NULL`);
        const n = (r.rows[0] as { n: number }).n;
        const seen = (all.rows as Record<string, unknown>[]).filter((row) => row[name] !== null).length;
        if (n === 0) gaps.push(`${table}.${name}`);
        // The filtered count and SELECT * must agree, whatever IS NOT NULL pushes down.
        else assert.equal(n, seen, `${table}.${name}: count(*) WHERE IS NOT NULL is ${n}, SELECT * has ${seen} non-NULL values`);
      }
    }
    assert.deepEqual(empty, [], `tables without rows: ${empty.join(', ')}`);
    assert.deepEqual(gaps, [], `columns NULL in every row: ${gaps.join(', ')}`);
  });
});

describe('every table and view at tiny scale (America/Los_Angeles)', () => {
  let emu: RunningEmulator;
  let db: Connection;

  before(async () => {
    emu = await startTestEmulator({ timezone: 'America/Los_Angeles' });
    db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
  });
  after(async () => {
    await db?.close();
    await emu?.close();
  });

  test('every table returns rows in a space west of UTC', async () => {
    const empty: string[] = [];
    for (const table of await tableNames(db)) {
      if ((await db.query(`SELECT * FROM ${quote(table)}`)).rowCount === 0) empty.push(table);
    }
    assert.deepEqual(empty, []);
  });
});
