/**
 * Issue 15's cache benchmark (`npm run bench -- cache [--small]`; `npm run build` first: the
 * emulator runs as its own process from dist/).
 * (a) A dashboard: the eight questions of bench/driver.ts, asked once every simulated minute for 30
 *     minutes while 1% of the issues change each minute (the emulator's clock and the cache's clock
 *     both move a minute), emulator at medium scale with 50 ms latency and Backlog's rate limits
 *     over a shortened window. Requests per refresh with AutoCache=true (CacheTolerance=60) against
 *     the cache off, and against a floor computed per table: for Issues, the pages of changed
 *     issues (100 a page) plus the deletion check (activities, project list, one count per
 *     project); for every read the cache does not hold (narrowed reads of tables never read
 *     whole), what that read costs anyway. Target: within 2× of the floor.
 * (b) `SELECT StatusName, count(*) FROM Issues GROUP BY 1` over 100,000 issues from a warm cache
 *     (large scale): the median of 7 runs. Target < 50 ms.
 * --minutes N: N simulated minutes instead of 30. --small: small scale, 3 minutes, 5 ms latency, (b) over the small space's 1,000 issues — to check
 * that the bench runs, not for figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Connection } from '../src/index.js';
import { startProcess, stopProcess, type BenchRow } from './emulator.js';

const small = process.argv.includes('--small');
const SCALE = small ? 'small' : 'medium';
const minutesAt = process.argv.indexOf('--minutes');
/** `--minutes N` shortens (a) for a check; the README's figure is 30. */
const MINUTES = minutesAt >= 0 ? Number(process.argv[minutesAt + 1]) : small ? 3 : 30;
const LATENCY = small ? 5 : 50;
const WINDOW_S = 5;
const PROJECT_ID = 1;
const MILESTONE_ID = 8;
const REPOSITORY_ID = 1;

/** The eight questions of bench/driver.ts, as a dashboard asks them. */
const DASHBOARD = [
  `SELECT IssueKey, Summary, Updated FROM Issues WHERE ProjectId = ${PROJECT_ID} AND StatusId = 1 ORDER BY Updated DESC LIMIT 10`,
  `SELECT StatusId, count(*) AS Issues FROM Issues WHERE ProjectId = ${PROJECT_ID} GROUP BY StatusId`,
  "SELECT Id, Content, Created FROM IssueComments WHERE IssueKey = 'WEB-1' ORDER BY Id",
  "SELECT i.IssueKey, i.DueDate FROM Issues i JOIN Users u ON u.Id = i.AssigneeId WHERE u.UserId = 'yamada' AND i.DueDate < CURRENT_DATE AND i.StatusId <> 4",
  `SELECT m.IssueKey, count(c.Id) AS Comments FROM IssueMilestones m LEFT JOIN IssueComments c ON c.IssueId = m.IssueId WHERE m.MilestoneId = ${MILESTONE_ID} GROUP BY m.IssueKey`,
  'SELECT AssigneeId, AssigneeName, sum(EstimatedHours) AS Hours FROM Issues GROUP BY AssigneeId, AssigneeName',
  `SELECT Name, Tags FROM WikiPages WHERE ProjectId = ${PROJECT_ID}`,
  `SELECT Number, Summary FROM PullRequests WHERE ProjectId = ${PROJECT_ID} AND RepositoryId = ${REPOSITORY_ID} AND StatusId = 1`,
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function advanceEmulator(url: string, seconds: number): Promise<void> {
  await fetch(`${url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: seconds }) });
}

async function dashboard(folder: string): Promise<BenchRow[]> {
  const emu = await startProcess(SCALE, ['--latency', String(LATENCY), '--rate-limit', 'backlog', '--rate-window', String(WINDOW_S)]);
  let simulated = Date.now();
  const clock = () => simulated;
  const connection = `URL=${emu.url};ApiKey=${emu.apiKey}`;
  let cached: Connection | undefined;
  let off: Connection | undefined;
  let writer: Connection | undefined;
  try {
    cached = await connect(`${connection};AutoCache=true;CacheTolerance=60;CacheLocation=${join(folder, 'dashboard.duckdb')}`, { clock });
    off = await connect(connection);
    writer = await connect(connection);
    const issues = ((await writer.query('SELECT Id FROM Issues ORDER BY Id')).rows as { Id: number }[]).map((r) => r.Id);
    const projects = Number(((await writer.query('SELECT count(*) AS n FROM Projects')).rows[0] as { n: number }).n);
    const changes = Math.max(1, Math.round(issues.length / 100));
    const ask = async (db: Connection) => {
      let requests = 0;
      for (const sql of DASHBOARD) requests += (await db.query(sql)).stats.requests;
      return requests;
    };
    // Minute 0: the cache fills (Issues is read whole by question 6).
    const t0 = performance.now();
    const fill = await ask(cached);
    const fillS = (performance.now() - t0) / 1000;
    const withCache: number[] = [];
    const without: number[] = [];
    const floors: number[] = [];
    for (let minute = 1; minute <= MINUTES; minute++) {
      // 1% of the issues change (a different 1% each minute), then a minute passes.
      const ids = issues.slice(((minute - 1) * changes) % issues.length).slice(0, changes);
      await writer.query(`UPDATE Issues SET Summary = Summary || ' [${minute}]' WHERE Id IN (${ids.join(', ')})`);
      await advanceEmulator(emu.url, 60);
      simulated += 60_000;
      const refreshedBefore = simulated;
      const used = await ask(cached);
      // What the cache's refreshes of this minute cost, per table (sys_cachestatus); the rest were reads it does not hold.
      const status = (await cached.query('SELECT TableName, Requests, epoch_ms(LastRefresh) AS at FROM sys_cachestatus')).rows as {
        TableName: string;
        Requests: number;
        at: number;
      }[];
      const refreshCost = status.filter((s) => Number(s.at) >= refreshedBefore - 1000).reduce((n, s) => n + Number(s.Requests), 0);
      const issuesFloor = Math.ceil(changes / 100) + 2 + projects;
      floors.push(issuesFloor + Math.max(0, used - refreshCost));
      withCache.push(used);
      without.push(await ask(off));
    }
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const ratio = avg(withCache) / avg(floors);
    return [
      {
        measure: `cache: dashboard of the 8 driver questions, ${SCALE} space (${issues.length} issues), first run fills the cache`,
        value: `${fill} requests in ${fillS.toFixed(1)} s`,
        target: 'information',
        ratio: '-',
        ok: true,
      },
      {
        measure: `cache: dashboard refreshed every simulated minute for ${MINUTES} min, ${changes} issues (1%) changed per minute, latency ${LATENCY} ms`,
        value: `${avg(withCache).toFixed(1)} requests per refresh with AutoCache (cache off: ${avg(without).toFixed(1)}; floor ${avg(floors).toFixed(1)})`,
        target: '≤ 2× the per-table floor',
        ratio: `${ratio.toFixed(2)}× floor, ${(avg(without) / Math.max(1, avg(withCache))).toFixed(1)}× fewer than cache off`,
        ok: ratio <= 2,
      },
    ];
  } finally {
    await cached?.close();
    await off?.close();
    await writer?.close();
    await stopProcess(emu);
  }
}

async function warmGroupBy(folder: string): Promise<BenchRow[]> {
  const scale = small ? 'small' : 'large';
  const emu = await startProcess(scale, ['--rate-limit', 'off']);
  let db: Connection | undefined;
  try {
    db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};AutoCache=true;CacheTolerance=86400;CacheLocation=${join(folder, 'warm.duckdb')}`);
    const t0 = performance.now();
    await db.query('CACHE Issues');
    const fillS = (performance.now() - t0) / 1000;
    const sql = 'SELECT StatusName, count(*) FROM Issues GROUP BY 1';
    const n = Number(((await db.query('SELECT count(*) AS n FROM Issues')).rows[0] as { n: number }).n);
    const times: number[] = [];
    let requests = 0;
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      requests += (await db.query(sql)).stats.requests;
      times.push(performance.now() - t);
    }
    const ms = median(times);
    return [
      {
        measure: `cache: ${sql} over ${n.toLocaleString('en-US')} issues from a warm cache (filled in ${fillS.toFixed(1)} s)`,
        value: `${ms.toFixed(1)} ms median of 7, ${requests} requests`,
        target: '< 50 ms, no request',
        ratio: `${(ms / 50).toFixed(2)}×`,
        ok: ms < 50 && requests === 0,
      },
    ];
  } finally {
    await db?.close();
    await stopProcess(emu);
  }
}

export async function benchCache(): Promise<BenchRow[]> {
  const folder = mkdtempSync(join(tmpdir(), 'backlog-sql-bench-cache-'));
  try {
    return [...(await dashboard(folder)), ...(await warmGroupBy(folder))];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
