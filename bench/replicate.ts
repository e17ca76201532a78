/**
 * Issue 15's replication benchmark (`npm run bench -- replicate`; `replicate-medium`, opt-in, runs
 * the same on the medium space, 10,000 issues: about 20 minutes, most of it the per-issue comment
 * reads at Backlog's read limit): the small space (1,000 issues, 5 projects) in an emulator
 * process with 50 ms latency and Backlog's rate limits (60 s windows),
 * replicated into a real PostgreSQL 15 (Issues, IssueComments and the tables whose renames they
 * show: ProjectStatuses, ProjectCategories, Users).
 * - a first run: requests, time, and the request rate against the read limit's rate (target ≥ 90%:
 *   the run keeps up with what Backlog allows);
 * - 1% of the issues changed (10 summaries), then a second run: its requests against a floor of
 *   one newest-first page, one comment read per changed issue, the deletion check (activities,
 *   project list, one count per project) and the whole-table reads (target ≤ 2× the floor).
 * Figures come from the emulator's request journal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../src/index.js';
import { openDestination, parseTarget, replicate } from '../src/sync/index.js';
import { startReplicaPg } from '../test/helpers/replica-pg.js';
import { startProcess, stopProcess, type BenchRow } from './emulator.js';

const TABLES = ['ProjectStatuses', 'ProjectCategories', 'Users', 'Issues', 'IssueComments'];
const WINDOW_S = 60;

interface Entry {
  method: string;
  path: string;
  status: number;
  category: string | null;
}

export async function benchReplicate(scale: 'small' | 'medium' = 'small'): Promise<BenchRow[]> {
  // 1% of the issues change between the runs.
  const CHANGES = scale === 'small' ? 10 : 100;
  const emu = await startProcess(scale, ['--latency', '50', '--rate-limit', 'backlog', '--rate-window', String(WINDOW_S)]);
  const pgServer = await startReplicaPg();
  const folder = mkdtempSync(join(tmpdir(), 'backlog-sql-bench-replicate-'));
  const env = { ...process.env, PGPASSWORD: pgServer.password };
  const journal = async () =>
    ((await (await fetch(`${emu.url}/_emulator/journal`)).json()) as { requests: Entry[] }).requests.filter((e) => e.path.startsWith('/api/v2'));
  const clear = () => fetch(`${emu.url}/_emulator/journal`, { method: 'DELETE' });
  try {
    const db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
    const run = async () => {
      const dest = await openDestination(parseTarget(pgServer.url), env);
      try {
        return await replicate(db, dest, { tables: TABLES });
      } finally {
        await dest.close();
      }
    };
    await clear();
    const t0 = performance.now();
    const first = await run();
    const firstS = (performance.now() - t0) / 1000;
    const firstJournal = await journal();
    const reads = firstJournal.filter((e) => e.category === 'read').length;
    const searches = firstJournal.filter((e) => e.category === 'search').length;
    const tooMany = firstJournal.filter((e) => e.status === 429).length;
    // Backlog's default limits per 60 s window: read 600, search 150 (docs/backlog-api.md §3).
    const readRate = reads / firstS;
    const readFloorRate = 600 / WINDOW_S;

    // 1% of the issues change.
    const ids = ((await db.query(`SELECT Id FROM Issues ORDER BY Id LIMIT ${CHANGES}`)).rows as { Id: number }[]).map((r) => r.Id);
    await fetch(`${emu.url}/_emulator/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceSeconds: 3600 }),
    });
    await db.query(`UPDATE Issues SET Summary = Summary || ' [changed]' WHERE Id IN (${ids.join(', ')})`);
    await clear();
    const t1 = performance.now();
    const second = await run();
    const secondS = (performance.now() - t1) / 1000;
    const secondJournal = await journal();
    const projects = (await db.query('SELECT count(*) AS n FROM Projects')).rows as { n: number }[];
    const wholeRequests = first.tables.filter((t) => t.rule === 'whole').reduce((s, t) => s + t.requests, 0);
    const floor = Math.ceil(CHANGES / 100) + CHANGES + 1 + 1 + (projects[0]?.n ?? 0) + wholeRequests;
    await db.close();
    const total = first.tables.reduce((s, t) => s + t.rows, 0);
    return [
      {
        measure: `replicate ${scale} space → PostgreSQL (${TABLES.length} tables, ${total} rows, latency 50 ms): first run`,
        value: `${firstJournal.length} requests (${reads} read, ${searches} search) in ${firstS.toFixed(1)} s, ${tooMany} × 429`,
        target: `read rate ≥ 90% of the limit's ${readFloorRate}/s`,
        ratio: `${((readRate / readFloorRate) * 100).toFixed(0)}% (${readRate.toFixed(1)}/s)`,
        ok: readRate >= 0.9 * readFloorRate && tooMany === 0,
      },
      {
        measure: `replicate after ${CHANGES} of ${(CHANGES * 100).toLocaleString('en-US')} issues changed: requests`,
        value: `${secondJournal.length} requests in ${secondS.toFixed(1)} s (Issues ${second.tables.find((t) => t.table === 'Issues')?.written} written, IssueComments ${second.tables.find((t) => t.table === 'IssueComments')?.requests} requests)`,
        target: `≤ 2× the floor (${floor}: ${Math.ceil(CHANGES / 100)} page${CHANGES > 100 ? 's' : ''} + ${CHANGES} comment reads + deletion check + whole tables)`,
        ratio: `${(secondJournal.length / floor).toFixed(2)}×`,
        ok: secondJournal.length <= 2 * floor,
      },
    ];
  } finally {
    await pgServer.close();
    await stopProcess(emu);
    rmSync(folder, { recursive: true, force: true });
  }
}
