/**
 * The differential correctness suite (ARCHITECTURE.md §10): every query of ./queries.ts runs with pushdown
 * on and off, against a space in Asia/Tokyo and one in America/Los_Angeles (west of UTC, so
 * date-only values and day boundaries fall differently), and must give equal rows; a pushed filter
 * must make strictly fewer requests; pushdown cases make exactly the requests they name; and a
 * subset is checked against rows recomputed from `GET /_emulator/export`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, type Connection } from '../../src/index.js';
import { control, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { QUERIES, type CorrectnessQuery, type ExportData, type Row } from './queries.js';

const ZONES = [
  { key: 'tokyo', timezone: 'Asia/Tokyo' },
  { key: 'la', timezone: 'America/Los_Angeles' },
] as const;

/** A value as compared: Dates as ISO text, everything else as it is. */
function normalise(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(normalise);
  return v;
}

/** A row as canonical JSON (keys sorted, so column order does not matter to `expected`). */
function canon(row: Row): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.keys(row)
        .sort()
        .map((k) => [k, normalise(row[k])]),
    ),
  );
}

/** The SQL without the text inside parentheses (subqueries, OVER (...), function arguments). */
function topLevel(sql: string): string {
  let depth = 0;
  let out = '';
  for (const ch of sql.replace(/'(?:[^']|'')*'/g, "''")) {
    if (ch === '(') depth++;
    if (depth === 0) out += ch;
    if (ch === ')') depth--;
  }
  return out;
}

/** Rows compare in order only when the statement itself orders them. */
function isOrdered(q: CorrectnessQuery): boolean {
  return /\bORDER\s+BY\b/i.test(topLevel(q.sql));
}

function rowsAsCompared(q: CorrectnessQuery, rows: Row[]): string[] {
  const canonical = rows.map(canon);
  return isOrdered(q) ? canonical : canonical.sort();
}

interface Tally {
  run: number;
  nonEmpty: number;
  expected: number;
}

const tallies: Tally[] = [];

for (const zone of ZONES) {
  describe(`correctness in ${zone.timezone}`, () => {
    let emu: RunningEmulator;
    let on: Connection;
    let off: Connection;
    let data: ExportData;
    const tally: Tally = { run: 0, nonEmpty: 0, expected: 0 };
    tallies.push(tally);

    before(async () => {
      emu = await startTestEmulator({ timezone: zone.timezone });
      on = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
      off = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Other="Pushdown=false"`);
      data = (await control(emu, 'GET', 'export')) as ExportData;
      assert.equal(data.space.timezone, zone.timezone);
    });
    after(async () => {
      await on?.close();
      await off?.close();
      await emu?.close();
    });

    for (const q of QUERIES.filter((x) => x.timezone === undefined || x.timezone === zone.key)) {
      test(q.name, async () => {
        const a = await on.query(q.sql, q.params as never);
        const b = await off.query(q.sql, q.params as never);
        const rowsOn = a.rows as Row[];
        const rowsOff = b.rows as Row[];
        const context = `${q.sql}\n  pushdown on: ${a.stats.requests} requests ${JSON.stringify(a.stats.byEndpoint)}\n  pushdown off: ${b.stats.requests} requests`;
        tally.run++;
        if (rowsOn.length > 0) tally.nonEmpty++;

        if (q.compare === 'count') assert.equal(rowsOn.length, rowsOff.length, `row counts differ with pushdown on and off\n${context}`);
        else assert.deepEqual(rowsAsCompared(q, rowsOn), rowsAsCompared(q, rowsOff), `rows differ with pushdown on and off\n${context}`);

        if (q.expectNonEmpty !== false) assert.ok(rowsOn.length > 0, `expected rows\n${context}`);
        else assert.equal(rowsOn.length, 0, `expected no rows\n${context}`);

        if (q.pushdownRequests !== undefined) assert.equal(a.stats.requests, q.pushdownRequests, `request count with pushdown on\n${context}`);
        if (q.pushed) assert.ok(a.stats.requests < b.stats.requests, `a pushed filter must save requests\n${context}`);

        if (q.expected) {
          tally.expected++;
          const want = q.expected(data);
          if (q.compare === 'count') assert.equal(rowsOn.length, want.length, `row count differs from the export\n${context}`);
          else assert.deepEqual(rowsAsCompared(q, rowsOn), rowsAsCompared(q, want), `rows differ from the export\n${context}`);
        }
      });
    }
  });
}

describe('the suite itself', () => {
  test('has at least 150 queries, 80% of runs non-empty and 30 checked against the export', () => {
    assert.ok(QUERIES.length >= 150, `${QUERIES.length} queries`);
    const run = tallies.reduce((s, t) => s + t.run, 0);
    const nonEmpty = tallies.reduce((s, t) => s + t.nonEmpty, 0);
    assert.ok(run >= QUERIES.length, `only ${run} query runs finished`);
    assert.ok(nonEmpty / run >= 0.8, `${nonEmpty} of ${run} runs returned rows`);
    assert.ok(QUERIES.filter((q) => q.expected).length >= 30);
    assert.ok(QUERIES.some((q) => q.timezone === 'tokyo') && QUERIES.some((q) => q.timezone === 'la'));
  });
});
