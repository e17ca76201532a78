/**
 * Issue 5's write benchmark: a 500-row bulk UPDATE against the emulator (its own process, small
 * scale, Backlog's limits with the rate window shrunk to 10 s: 150 updates per 10 s). Reports the
 * requests the statement made (target: exactly 500 PATCH plus the fewest reads — 5 searches of 100
 * issues), the write throughput as a fraction of the update limit (target ≥ 90%), and the 429s
 * drawn (target 0), all read from the emulator's journal.
 */
import { connect } from '../src/index.js';
import { startProcess, stopProcess, type BenchRow } from './emulator.js';

const ROWS = 500;
const WINDOW_S = 10;

interface Entry {
  method: string;
  path: string;
  status: number;
  at: string;
  category: string | null;
}

export async function benchBulkUpdate(): Promise<BenchRow[]> {
  const emu = await startProcess('small', ['--rate-window', String(WINDOW_S)]);
  try {
    const db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
    const ids = ((await db.query(`SELECT Id FROM Issues ORDER BY Id LIMIT ${ROWS}`)).rows as { Id: number }[]).map((r) => r.Id);
    const limit =
      ((await db.query('SELECT * FROM RateLimit')).rows as { Category: string; Limit: number }[]).find((r) => r.Category === 'update')?.Limit ?? 150;
    await fetch(`${emu.url}/_emulator/journal`, { method: 'DELETE' });
    // Let the read windows of the set-up queries pass, so the statement starts from a fresh budget.
    const started = performance.now();
    const result = await db.query(`UPDATE Issues SET Summary = Summary || ' [bulk]' WHERE Id IN (${ids.join(', ')})`);
    const elapsedS = (performance.now() - started) / 1000;
    const journal = ((await (await fetch(`${emu.url}/_emulator/journal`)).json()) as { requests: Entry[] }).requests.filter((e) =>
      e.path.startsWith('/api/v2'),
    );
    await db.close();
    const patches = journal.filter((e) => e.method === 'PATCH');
    const reads = journal.filter((e) => e.method === 'GET');
    const tooMany = journal.filter((e) => e.status === 429).length;
    const first = Date.parse(patches[0]?.at ?? '');
    const last = Date.parse(patches[patches.length - 1]?.at ?? '');
    // Writes per second while writing, against the limit's rate (limit per window).
    const rate = (patches.length - 1) / Math.max(0.001, (last - first) / 1000);
    const fraction = rate / (limit / WINDOW_S);
    const minReads = Math.ceil(ROWS / 100);
    return [
      {
        measure: `bulk UPDATE of ${ROWS} issues: requests (PATCH + reads)`,
        value: `${patches.length} PATCH + ${reads.length} reads (${result.rowCount} rows)`,
        target: `${ROWS} PATCH + ${minReads} reads`,
        ratio: `${(patches.length / ROWS).toFixed(2)}×`,
        ok: patches.length === ROWS && reads.length <= minReads && result.rowCount === ROWS,
      },
      {
        measure: `bulk UPDATE: throughput vs update limit (${limit}/${WINDOW_S} s)`,
        value: `${rate.toFixed(1)} writes/s (${elapsedS.toFixed(1)} s total)`,
        target: '≥ 90% of the limit',
        ratio: `${(fraction * 100).toFixed(0)}%`,
        ok: fraction >= 0.9,
      },
      { measure: 'bulk UPDATE: 429 answers drawn', value: String(tooMany), target: '0', ratio: '-', ok: tooMany === 0 },
    ];
  } finally {
    await stopProcess(emu);
  }
}
