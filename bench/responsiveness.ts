/**
 * No statement freezes the process (issue 11): a SELECT of thousands of constant columns, a
 * long DuckDB evaluation and a large result conversion, each measured for its own time, the
 * longest event-loop stall it causes, how soon a cancel or Timeout ends it, and how long a small
 * statement of another connection waits meanwhile.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { connect } from '../src/index.js';
import { startEmulator } from '../src/emulator/index.js';
import type { BenchRow } from './emulator.js';

function wide(n: number): string {
  return 'SELECT ' + Array.from({ length: n }, (_, i) => `${i} AS c${i}`).join(', ');
}

/** Runs `work`, measuring its time and the longest event-loop stall while it ran (a 1 ms ticker keeps the loop sampled). */
async function measured(work: () => Promise<unknown>): Promise<{ ms: number; stallMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const ticker = setInterval(() => undefined, 1);
  const t0 = performance.now();
  await work().catch(() => undefined);
  const ms = performance.now() - t0;
  // Let the histogram see the last stretch before reading it.
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(ticker);
  h.disable();
  return { ms, stallMs: h.max / 1e6 };
}

export async function benchResponsiveness(): Promise<BenchRow[]> {
  const emu = await startEmulator({ port: 0, scale: 'tiny', rateLimit: 'off' });
  const db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
  const other = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
  const rows: BenchRow[] = [];
  try {
    for (const n of [2000, 5000]) {
      const rssBefore = process.memoryUsage().rss;
      const { ms, stallMs } = await measured(() => db.query(wide(n)));
      const rssMb = Math.max(0, process.memoryUsage().rss - rssBefore) / 1e6;
      rows.push({
        measure: `SELECT of ${n} constants (RSS +${rssMb.toFixed(0)} MB)`,
        value: `${ms.toFixed(0)} ms`,
        target: '≤ 1000 ms',
        ratio: (ms / 1000).toFixed(2),
        ok: ms <= 1000,
      });
      rows.push({
        measure: `  longest event-loop stall meanwhile`,
        value: `${stallMs.toFixed(0)} ms`,
        target: '≤ 200 ms',
        ratio: (stallMs / 200).toFixed(2),
        ok: stallMs <= 200,
      });
    }
    // A long DuckDB evaluation, cancelled after 300 ms: how long after the abort it ends.
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const cancel = await measured(() => db.query('SELECT sum(hash(i)) FROM range(20000000000) t(i)', undefined, { signal: ac.signal }));
    rows.push({
      measure: 'cancel of a long DuckDB evaluation, after the abort',
      value: `${(cancel.ms - 300).toFixed(0)} ms`,
      target: '≤ 1000 ms',
      ratio: ((cancel.ms - 300) / 1000).toFixed(2),
      ok: cancel.ms - 300 <= 1000,
    });
    // Timeout=1 on a large conversion (3 million rows).
    const short = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Timeout=1`);
    const timeout = await measured(() => short.query('SELECT i, i::VARCHAR AS s FROM range(3000000) t(i)'));
    await short.close();
    rows.push({
      measure: 'Timeout=1 on a 3,000,000-row conversion, ends after',
      value: `${timeout.ms.toFixed(0)} ms`,
      target: '≤ 2000 ms',
      ratio: (timeout.ms / 2000).toFixed(2),
      ok: timeout.ms <= 2000,
    });
    // A small statement on another connection while a large conversion runs.
    const idle: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await other.query('SELECT 1 AS x');
      idle.push(performance.now() - t);
    }
    const idleMs = Math.max(...idle);
    const busy: number[] = [];
    const big = db.query('SELECT i, i::VARCHAR AS s FROM range(3000000) t(i)', undefined, { rowMode: 'array' });
    let bigDone = false;
    void big.finally(() => (bigDone = true));
    await new Promise((r) => setTimeout(r, 100));
    while (!bigDone) {
      const t = performance.now();
      await other.query('SELECT 1 AS x');
      busy.push(performance.now() - t);
    }
    await big;
    busy.sort((a, b) => a - b);
    const median = busy[Math.floor(busy.length / 2)] ?? 0;
    const busyMs = busy.at(-1) ?? 0;
    // The longest wait is mostly one full garbage collection of the large result (V8's mark-compact).
    rows.push({
      measure: `small statements during a 3,000,000-row conversion: ${busy.length}, median ${median.toFixed(0)} ms (idle max ${idleMs.toFixed(0)} ms); longest`,
      value: `${busyMs.toFixed(0)} ms`,
      target: '≤ 500 ms',
      ratio: (busyMs / 500).toFixed(2),
      ok: busyMs <= 500,
    });
  } finally {
    await db.close();
    await other.close();
    await emu.close();
  }
  return rows;
}
