/**
 * The wire server's overhead (issue 6): the same 100-row query through the library and through
 * `serve` with node-postgres (simple and extended protocol), medians of repeated runs on
 * loopback (target ≤ 5 ms per query over the library); and 50 concurrent clients, each running
 * queries that reach the emulator, every result checked against the library's.
 */
import pg from 'pg';
import { connect } from '../src/index.js';
import { startEmulator } from '../src/emulator/index.js';
import { serve } from '../src/pgserver/index.js';
import type { BenchRow } from './emulator.js';

const RUNS = 40;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  return median(times);
}

export async function benchPgServer(): Promise<BenchRow[]> {
  const emu = await startEmulator({ port: 0, scale: 'small', rateLimit: 'off' });
  const db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`, { noExternalAccess: true });
  const server = await serve({ connection: db, port: 0 });
  const config = { host: '127.0.0.1', port: server.port, user: 'bench', database: 'backlog' };
  const client = new pg.Client(config);
  await client.connect();
  const rows: BenchRow[] = [];
  try {
    const sql = 'SELECT Id, IssueKey, Summary, StatusId, Updated FROM Issues WHERE ProjectId = 1 ORDER BY Updated DESC LIMIT 100';
    const expected = (await db.query(sql)).rowCount;
    const lib = await timed(() => db.query(sql));
    const simple = await timed(() => client.query(sql));
    const extended = await timed(() => client.query({ text: sql.replace('ProjectId = 1', 'ProjectId = $1'), values: [1] }));
    const check = await client.query(sql);
    for (const [name, ms] of [
      ['simple protocol', simple],
      ['extended protocol', extended],
    ] as const) {
      rows.push({
        measure: `wire overhead, 100-row query, ${name} (library ${lib.toFixed(1)} ms)`,
        value: `+${(ms - lib).toFixed(1)} ms`,
        target: '≤ 5 ms',
        ratio: `${((ms - lib) / 5).toFixed(2)}× of budget`,
        ok: ms - lib <= 5 && check.rowCount === expected,
      });
    }
    // 50 clients at once, each running queries that reach the emulator.
    const queries = [
      'SELECT count(*) AS n FROM Issues WHERE ProjectId = 1',
      'SELECT Id, Name FROM Priorities ORDER BY Id',
      "SELECT count(*) AS n FROM IssueComments WHERE IssueKey = 'WEB-1'",
    ];
    const truth = await Promise.all(queries.map(async (q) => JSON.stringify((await db.query(q, undefined, { rowMode: 'array' })).rows)));
    const t0 = performance.now();
    let errors = 0;
    let mismatches = 0;
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const c = new pg.Client(config);
        try {
          await c.connect();
          for (let k = 0; k < queries.length; k++) {
            const q = queries[(i + k) % queries.length] as string;
            const r = await c.query({ text: q, rowMode: 'array' });
            const got = JSON.stringify(r.rows.map((row: unknown[]) => row.map((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v))));
            if (got !== truth[(i + k) % queries.length]) mismatches++;
          }
        } catch {
          errors++;
        } finally {
          await c.end().catch(() => undefined);
        }
      }),
    );
    rows.push({
      measure: '50 concurrent wire clients × 3 queries reaching the emulator',
      value: `${(performance.now() - t0).toFixed(0)} ms, ${errors} errors, ${mismatches} wrong results`,
      target: 'no error, every result right',
      ratio: '—',
      ok: errors === 0 && mismatches === 0,
    });
  } finally {
    await client.end();
    await server.close();
    await db.close();
    await emu.close();
  }
  return rows;
}
