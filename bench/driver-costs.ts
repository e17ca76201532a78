/**
 * The driver's own costs (issue 13, Deliver 4), `npm run bench -- driver-costs`: what backlog-sql
 * spends beyond the requests, against the same work done by hand, on emulators without injected
 * latency (the network's share is then as small as it gets, so the driver's share shows):
 *  - per statement: `SELECT * FROM Priorities` (one request) against a loopback `fetch` of the
 *    same endpoint (target ≤ +0.6 ms), and `SELECT 1` (no request; target ≤ 0.3 ms) run back to
 *    back, plus (information) `SELECT 1` right after that pair, against DuckDB's own prepared
 *    `SELECT 1` at the same point; the median of five rounds' medians (the issue's "medians of 5
 *    runs");
 *  - per page: CPU time of this process per 100 issues of a full scan, backlog-sql against a
 *    backlog-js loop that pages every issue and sums in JS (target ≤ 1.3×); medians of paired runs;
 *  - memory: peak RSS of a fresh process writing every issue as CSV through `stream()` against a
 *    backlog-js program that keeps every issue in memory (target ≤ 1.1×). `SELECT * FROM Issues`
 *    streams page by page (ARCHITECTURE.md §5: one table, no ORDER BY, no aggregate, no join).
 *  - the path: the source files a first-time `SELECT * FROM Issues WHERE ProjectId = 1` runs code
 *    in, on a warmed connection (a query run and the schema created before it), by V8's precise
 *    coverage taken through the inspector around that one statement (target < 21, the count before
 *    the statement pipeline, at 4fc8272); the files are printed to stderr (ARCHITECTURE.md §5
 *    lists them in the order the statement passes through them).
 * Knobs for a quick check (the README's figures use the defaults): BENCH_STATEMENTS (runs per
 * statement kind per round, default 300), BENCH_STATEMENT_ROUNDS (default 5), BENCH_PAGE_RUNS (paired scans, default 5), BENCH_MEMORY_SCALE
 * (default large: 100,000 issues), BENCH_MEMORY_RUNS (paired runs, default 5).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { Backlog } from 'backlog-js';
import { spawnSync, execFileSync } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { connect } from '../src/index.js';
import { FAKE_HOST, rewritingFetch } from '../test/helpers/emulator.js';
import { startProcess, stopProcess, type BenchRow } from './emulator.js';

const STATEMENTS = Math.max(20, Number(process.env.BENCH_STATEMENTS ?? 300));
const STATEMENT_ROUNDS = Math.max(1, Number(process.env.BENCH_STATEMENT_ROUNDS ?? 5));
const PAGE_RUNS = Math.max(1, Number(process.env.BENCH_PAGE_RUNS ?? 5));
const MEMORY_RUNS = Math.max(1, Number(process.env.BENCH_MEMORY_RUNS ?? 5));
const MEMORY_SCALE = process.env.BENCH_MEMORY_SCALE ?? 'large';

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const ms2 = (ms: number): string => `${ms.toFixed(2)} ms`;

export async function benchDriverCosts(): Promise<BenchRow[]> {
  return [...(await perStatement()), ...(await statementPath()), ...(await perPage()), ...(await memory())];
}

/** The source files one statement's path runs code in (see the file's comment). */
const PATH_SQL = 'SELECT * FROM Issues WHERE ProjectId = 1';
/** The count before the statement pipeline (4fc8272), measured the same way. */
const PATH_BEFORE = 21;

export async function statementPath(): Promise<BenchRow[]> {
  const emu = await startProcess('small');
  const db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
  const session = new Session();
  session.connect();
  try {
    // Warm: the first query's one-time work done, and the schema created (sys_tables waits for
    // it), so the background setup does not run inside the measured statement.
    await db.query('SELECT * FROM Priorities');
    await db.query('SELECT count(*) FROM sys_tables');
    await session.post('Profiler.enable');
    await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
    // Taking the coverage resets its counts: what the next take reports ran in between.
    await session.post('Profiler.takePreciseCoverage');
    await db.query(PATH_SQL);
    const { result } = await session.post('Profiler.takePreciseCoverage');
    await session.post('Profiler.stopPreciseCoverage');
    // The benchmark runs src through tsx: a script's URL is its source file. A file counts when
    // any function of it ran, anonymous ones included.
    const src = new URL('../src/', import.meta.url).href;
    const files = result
      .filter((script) => script.url.startsWith(src) && script.functions.some((f) => (f.ranges[0]?.count ?? 0) > 0))
      .map((script) => script.url.slice(src.length))
      .sort();
    console.error(`driver-costs: the ${files.length} source files of ${PATH_SQL}: ${files.join(', ')}`);
    return [
      {
        measure: `source files a first-time SELECT runs code in (${PATH_SQL})`,
        value: String(files.length),
        target: `< ${PATH_BEFORE} (before the pipeline, 4fc8272: ${PATH_BEFORE})`,
        ratio: '—',
        ok: files.length < PATH_BEFORE,
      },
    ];
  } finally {
    session.disconnect();
    await db.close();
    await stopProcess(emu);
  }
}

/** Interleaved runs of each function, after a warm-up; the median wall time of each. */
async function interleaved(fns: readonly (() => Promise<unknown>)[], times: number): Promise<number[]> {
  for (let i = 0; i < 20; i++) for (const fn of fns) await fn();
  const walls = fns.map(() => [] as number[]);
  for (let i = 0; i < times; i++) {
    for (const [k, fn] of fns.entries()) {
      const t0 = performance.now();
      await fn();
      walls[k]?.push(performance.now() - t0);
    }
  }
  return walls.map(median);
}

async function perStatement(): Promise<BenchRow[]> {
  const emu = await startProcess('small');
  const db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
  // DuckDB on its own, for the floor of SELECT 1 where it runs in the interleaved loop.
  const raw = await (await DuckDBInstance.create(':memory:')).connect();
  const rawOne = await raw.prepare('SELECT 1');
  try {
    const url = `${emu.url}/api/v2/priorities?apiKey=${emu.apiKey}`;
    const fetched = async () => (await fetch(url)).json();
    const priorities = () => db.query('SELECT * FROM Priorities');
    const one = () => db.query('SELECT 1');
    const duckOne = async () => (await rawOne.run()).getChunk(0).getRows();
    // Rounds; each figure is the median of the rounds' medians, and the rounds' spread is shown
    // beside it (one round's median moves with the machine's load).
    //  - the one-request statement against the fetch, interleaved (fetch, statement, …), and
    //    after each pair a SELECT 1: ours and DuckDB's own by turns, so each follows the same work;
    //  - SELECT 1 back to back, as a loop of statements runs it: the driver's fixed cost per
    //    statement. After a network wait even DuckDB's own SELECT 1 costs several times its
    //    back-to-back time (its worker threads have gone to sleep), which the first measure shows.
    const overs: number[] = [];
    const pairs: [number, number][] = [];
    const afterOurs: number[] = [];
    const afterDuck: number[] = [];
    const loops: number[] = [];
    for (let round = 0; round < STATEMENT_ROUNDS; round++) {
      const [f1, p1, o, f2, p2, d] = await interleaved([fetched, priorities, one, fetched, priorities, duckOne], STATEMENTS);
      const f = ((f1 as number) + (f2 as number)) / 2;
      const p = ((p1 as number) + (p2 as number)) / 2;
      overs.push(p - f);
      pairs.push([p, f]);
      afterOurs.push(o as number);
      afterDuck.push(d as number);
      loops.push(((await interleaved([one], STATEMENTS)) as [number])[0]);
    }
    const mid = (xs: number[]) => xs.indexOf([...xs].sort((x, y) => x - y)[xs.length >> 1] as number);
    const over = median(overs);
    const [pri, fetch1] = pairs[mid(overs)] as [number, number];
    const loop = median(loops);
    const ours = median(afterOurs);
    const duck = median(afterDuck);
    const spread = (xs: number[]) => `rounds ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
    const of = `median of ${STATEMENT_ROUNDS} rounds' medians of ${STATEMENTS}`;
    return [
      {
        measure: `per statement: SELECT * FROM Priorities (1 request) / loopback fetch of GET /priorities (${of}; ${spread(overs)} ms over)`,
        value: `${ms2(pri)} / ${ms2(fetch1)}`,
        target: '≤ +0.60 ms over the fetch',
        ratio: `+${over.toFixed(2)} ms`,
        ok: over <= 0.6,
      },
      {
        measure: `per statement: SELECT 1, statements back to back (${of}; ${spread(loops)} ms)`,
        value: ms2(loop),
        target: '≤ 0.30 ms',
        ratio: '—',
        ok: loop <= 0.3,
      },
      {
        measure: `per statement: SELECT 1 right after a fetch and a one-request statement: (a) backlog-sql / (b) DuckDB's own prepared SELECT 1 at the same point (${of}; (a) ${spread(afterOurs)} ms)`,
        value: `${ms2(ours)} / ${ms2(duck)}`,
        target: 'information',
        ratio: `+${(ours - duck).toFixed(2)} ms`,
        ok: true,
      },
    ];
  } finally {
    rawOne.destroySync();
    raw.closeSync();
    await db.close();
    await stopProcess(emu);
  }
}

async function perPage(): Promise<BenchRow[]> {
  const emu = await startProcess('medium');
  const db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
  const bl = new Backlog({ host: FAKE_HOST, apiKey: emu.apiKey, fetch: rewritingFetch(emu) } as ConstructorParameters<typeof Backlog>[0]);
  const cpu = async (fn: () => Promise<unknown>): Promise<number> => {
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  // Q6 of driver-questions: every issue is read, and a few columns summed per assignee.
  const sums = async () => {
    const out = new Map<number | undefined, number>();
    for (let offset = 0; ; offset += 100) {
      const page = await bl.getIssues({ count: 100, offset });
      for (const i of page) out.set(i.assignee?.id, (out.get(i.assignee?.id) ?? 0) + (i.estimatedHours ?? 0));
      if (page.length < 100) return out;
    }
  };
  try {
    const issues = Number(((await db.query('SELECT count(*) AS n FROM Issues')).rows[0] as { n: number }).n);
    const pages = Math.floor(issues / 100) + 1;
    const queries = [
      { label: 'sum per assignee', sql: 'SELECT AssigneeId, AssigneeName, sum(EstimatedHours) AS Hours FROM Issues GROUP BY 1, 2', target: 1.3 },
      { label: 'SELECT * (every column)', sql: 'SELECT * FROM Issues', target: undefined },
    ];
    // Warm both (module code, JIT, sockets) outside the measurement: three runs of each, since
    // V8 still optimises both sides' code after one (steady state is what a scan costs).
    for (let i = 0; i < 3; i++) {
      for (const q of queries) await db.query(q.sql);
      await sums();
    }
    const rows: BenchRow[] = [];
    for (const q of queries) {
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < PAGE_RUNS; i++) {
        a.push(await cpu(() => db.query(q.sql)));
        b.push(await cpu(sums));
      }
      const ratio = median(a.map((x, i) => x / (b[i] as number)));
      rows.push({
        measure: `per page: CPU per 100 issues, full scan (${q.label}) (a) sql / (b) backlog-js loop [medians of ${PAGE_RUNS} paired scans of ${pages} pages]`,
        value: `${ms2(median(a) / pages)} / ${ms2(median(b) / pages)}`,
        target: q.target === undefined ? 'information' : `(a) ≤ ${q.target}× (b)`,
        ratio: `a/b ${ratio.toFixed(2)}×`,
        ok: q.target === undefined || ratio <= q.target,
      });
    }
    return rows;
  } finally {
    await db.close();
    await stopProcess(emu);
  }
}

async function memory(): Promise<BenchRow[]> {
  const root = new URL('..', import.meta.url).pathname;
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  const emu = await startProcess(MEMORY_SCALE);
  try {
    const child = new URL('./memory-child.mjs', import.meta.url).pathname;
    const run = (variant: string): { mib: number; rows: number } => {
      const r = spawnSync(process.execPath, [child, variant, emu.url, emu.apiKey], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(`memory (${variant}) exited ${r.status}: ${r.stderr}`);
      const [mib, rows] = r.stdout.trim().split(' ').map(Number);
      return { mib: mib as number, rows: rows as number };
    };
    // Paired runs (A B A B …); each side's figure is its median peak.
    const as: { mib: number; rows: number }[] = [];
    const bs: { mib: number; rows: number }[] = [];
    for (let i = 0; i < MEMORY_RUNS; i++) {
      as.push(run('sql'));
      bs.push(run('backlog-js'));
    }
    const a = { mib: median(as.map((x) => x.mib)), rows: as[0]?.rows as number };
    const b = { mib: median(bs.map((x) => x.mib)), rows: bs[0]?.rows as number };
    const sameRows = [...as, ...bs].every((x) => x.rows === a.rows);
    return [
      {
        measure: `peak RSS writing every issue as CSV (${MEMORY_SCALE}: ${a.rows} rows; medians of ${MEMORY_RUNS} paired runs): (a) stream('SELECT * FROM Issues') / (b) backlog-js keeping every issue`,
        value: `${Math.round(a.mib)} MiB / ${Math.round(b.mib)} MiB`,
        target: '(a) ≤ 1.1× (b), same row count',
        ratio: `a/b ${(a.mib / b.mib).toFixed(2)}×`,
        ok: a.mib <= 1.1 * b.mib && sameRows,
      },
    ];
  } finally {
    await stopProcess(emu);
  }
}
