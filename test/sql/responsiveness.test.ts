/**
 * No statement freezes the process (issue 11): wide results complete, a cancel or Timeout ends
 * long local work (DuckDB's evaluation, the JS conversion), and other statements of the same
 * process keep being answered meanwhile. Behaviour only; the timings are in
 * `npm run bench -- responsiveness`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { connect, CancelledError, TimeoutError, type Connection } from '../../src/index.js';
import { readRows, resultColumns } from '../../src/sql/result.js';
import { startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

/** Runs for minutes unless interrupted. */
const ENDLESS = 'SELECT sum(hash(i)) FROM range(50000000000) t(i)';
/** A result whose conversion to JS takes a good part of a second or more. */
const LARGE = 'SELECT i, i::VARCHAR AS s FROM range(1500000) t(i)';

let emu: RunningEmulator;
let db: Connection;
let other: Connection;

before(async () => {
  emu = await startTestEmulator();
  db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
  other = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
});
after(async () => {
  await db.close();
  await other.close();
  await emu.close();
});

/**
 * Runs `work` while a timer ticks every 10 ms; fails when the event loop was held so long that a
 * tick came more than 5 s late (a frozen process, not a slow one).
 */
async function whileWatching<T>(work: () => Promise<T>): Promise<T> {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  try {
    const result = await work();
    await new Promise((r) => setTimeout(r, 20));
    longest = Math.max(longest, performance.now() - last);
    assert.ok(longest < 5000, `the event loop was held for ${Math.round(longest)} ms`);
    return result;
  } finally {
    clearInterval(ticker);
  }
}

/** Resolves to the order in which the promises settled. */
async function settleOrder(named: Record<string, Promise<unknown>>): Promise<string[]> {
  const order: string[] = [];
  await Promise.all(
    Object.entries(named).map(([name, p]) =>
      p.then(
        () => order.push(name),
        () => order.push(name),
      ),
    ),
  );
  return order;
}

describe('wide results', () => {
  test('a SELECT of 5,000 constants completes with its 5,000 columns and never holds the process', { timeout: 60_000 }, async () => {
    const sql = 'SELECT ' + Array.from({ length: 5000 }, (_, i) => `${i} AS c${i}`).join(', ');
    const r = await whileWatching(() => db.query(sql, undefined, { rowMode: 'array' }));
    assert.equal(r.columns.length, 5000);
    assert.deepEqual(r.columns[4999], { name: 'c4999', type: 'INTEGER' });
    assert.equal((r.rows[0] as unknown[])[4999], 4999);
  });
});

describe('cancel and Timeout end local work', () => {
  test('an AbortSignal stops a long DuckDB evaluation with CancelledError', { timeout: 20_000 }, async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    await assert.rejects(db.query(ENDLESS, undefined, { signal: ac.signal }), CancelledError);
  });

  test('Timeout stops a long DuckDB evaluation with TimeoutError naming Timeout', { timeout: 20_000 }, async () => {
    const short = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Timeout=1`);
    try {
      await assert.rejects(
        short.query(ENDLESS),
        (e: unknown) => e instanceof TimeoutError && /Timeout \(1 s\)/.test(e.message) && /raise Timeout/.test(e.hint ?? ''),
      );
      // The connection still answers afterwards.
      assert.equal(((await short.query('SELECT 2 AS x')).rows[0] as { x: number }).x, 2);
    } finally {
      await short.close();
    }
  });

  test('an AbortSignal stops the conversion of a large result with CancelledError', { timeout: 20_000 }, async () => {
    const ac = new AbortController();
    // DuckDB computes the rows in a fraction of this; converting them to JS takes far longer.
    setTimeout(() => ac.abort(), 150);
    await assert.rejects(db.query(LARGE, undefined, { signal: ac.signal, rowMode: 'array' }), CancelledError);
  });

  test('the conversion stops at the first checkpoint that throws', { timeout: 20_000 }, async () => {
    const duck = await DuckDBInstance.create(':memory:');
    const conn = await duck.connect();
    try {
      const result = await conn.run(LARGE);
      let slices = 0;
      const stop = () => {
        if (++slices === 3) throw new CancelledError();
      };
      await assert.rejects(readRows(result, resultColumns(result), { rowMode: 'array', checkpoint: stop }), CancelledError);
      assert.equal(slices, 3, 'the conversion stopped at the checkpoint that threw');
    } finally {
      conn.closeSync();
      duck.closeSync();
    }
  });
});

describe('other statements keep being answered', () => {
  test('while a long DuckDB evaluation runs, another connection answers', { timeout: 20_000 }, async () => {
    const ac = new AbortController();
    const long = db.query(ENDLESS, undefined, { signal: ac.signal });
    const small = other.query('SELECT 1 AS x').finally(() => ac.abort());
    const order = await settleOrder({ long, small });
    assert.deepEqual(order, ['small', 'long']);
    assert.equal(((await small).rows[0] as { x: number }).x, 1);
    await assert.rejects(long, CancelledError);
  });

  test('while a large result is converted, a small statement started after it finishes first', { timeout: 30_000 }, async () => {
    const large = db.query(LARGE, undefined, { rowMode: 'array' });
    // Started once the large statement is under way (its DuckDB work is quick; the conversion is long).
    await new Promise((r) => setTimeout(r, 150));
    const small = other.query('SELECT 1 AS x');
    const order = await settleOrder({ large, small });
    assert.deepEqual(order, ['small', 'large']);
    assert.equal((await large).rowCount, 1_500_000);
  });
});
