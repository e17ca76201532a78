/**
 * The soak (issue 11, Deliver 8): `npm run bench -- soak [--minutes N]` (10 minutes by default;
 * not in CI, not in a plain `npm run bench`). Library, CLI and wire clients read and write
 * together against the emulator while 5% of Backlog requests get an injected fault (500, 502,
 * 503, 429, a 2 s delay, a connection dropped before or after processing, in equal shares) and
 * hostile wire clients misbehave alongside (random bytes, sockets idle before the startup message,
 * a 1 GB length header, 20,000 pipelined Syncs, cancel requests with random keys, clients gone
 * mid-query, a 5,000-column SELECT, a 1 MB statement). Every write inserts a comment with a unique marker and
 * goes into a ledger with what its client was told (written, failed, outcome unknown); at the
 * end the emulator's export is counted against the ledger:
 *
 *   lost        told "written", not in the export          target 0
 *   duplicated  in the export more than once                target 0
 *   misreported told "failed" (nothing written), yet there  target 0
 *   unreported  a failure without a code, or no answer      target 0
 *
 * and the wire server's RSS (a child process, `backlog-sql serve`) must grow less than 10% from
 * the end of the first minute to the end. Run `npm run build` first: the CLI and the server are
 * the built binary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmulator } from '../src/emulator/index.js';
import { connect, isBacklogSqlError, type Connection } from '../src/index.js';
import type { BenchRow } from './emulator.js';

const BIN = new URL('../bin/backlog-sql.js', import.meta.url).pathname;
const FAULT_SHARE = 0.05;
const FAULTS = [
  { action: 'status', status: 500 },
  { action: 'status', status: 502 },
  { action: 'status', status: 503 },
  { action: 'status', status: 429 },
  { action: 'delay', ms: 2000 },
  { action: 'drop-before' },
  { action: 'drop-after' },
] as const;
/** An operation with no answer by then is a hang. */
const WATCHDOG_MS = 180_000;

type Outcome = 'written' | 'failed' | 'unknown';
type Client = 'library' | 'wire' | 'cli';

interface Ledger {
  writes: Map<string, { client: Client; outcome: Outcome }>;
  /** How failures were reported: error code, SQLSTATE or exit code, with counts. */
  codes: Record<string, number>;
  reads: Record<Client, { ok: number; failed: number }>;
  unreported: string[];
  hangs: number;
  hostile: Record<string, number>;
}

const READS = [
  'SELECT IssueKey, Summary, StatusId FROM Issues WHERE ProjectId = 1 ORDER BY Updated DESC LIMIT 20',
  "SELECT count(*) AS n FROM Issues WHERE ProjectKey = 'WEB' AND StatusId IN (1, 2)",
  'SELECT p.ProjectKey, count(*) AS n FROM Issues i JOIN Projects p ON p.Id = i.ProjectId GROUP BY p.ProjectKey',
  "SELECT Id, Content FROM IssueComments WHERE IssueKey = 'WEB-2'",
  'SELECT Id, Name FROM Priorities ORDER BY Id',
  'SELECT Name, UserId FROM Users ORDER BY Id LIMIT 10',
  "SELECT Name FROM WikiPages WHERE ProjectKey = 'APP' LIMIT 5",
];
const TARGETS = ['WEB-1', 'WEB-2', 'WEB-3', 'APP-1', 'APP-2'];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

async function withWatchdog<T>(ledger: Ledger, work: Promise<T>): Promise<T | 'hang'> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), WATCHDOG_MS)));
  const out = await Promise.race([work, hang]).finally(() => clearTimeout(timer));
  if (out === 'hang') ledger.hangs++;
  return out;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The library's outcome for an error: unknown when a write may have been applied. */
function count(ledger: Ledger, code: string): void {
  ledger.codes[code] = (ledger.codes[code] ?? 0) + 1;
}

function libraryOutcome(e: unknown, ledger: Ledger, where: string): Outcome {
  if (!isBacklogSqlError(e) || !e.code || e.code === 'INTERNAL') ledger.unreported.push(`${where}: ${String(e)}`);
  else count(ledger, `library ${e.code}`);
  return isBacklogSqlError(e) && (e.code === 'WRITE_OUTCOME_UNKNOWN' || e.code === 'WRITE_PARTIAL') ? 'unknown' : 'failed';
}

function wireOutcome(e: unknown, ledger: Ledger, where: string): Outcome {
  const code = (e as { code?: string }).code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) {
    // A connection lost mid-statement: the write's outcome is unknown to this client.
    if (/Connection terminated|ECONNRESET|EPIPE|closed/i.test(String(e))) {
      count(ledger, 'wire connection lost');
      return 'unknown';
    }
    ledger.unreported.push(`${where}: ${String(e)}`);
    return 'failed';
  }
  count(ledger, `wire ${code}`);
  return code === '40003' ? 'unknown' : 'failed';
}

// ---- the three kinds of clients ------------------------------------------------------------------

async function libraryLoop(db: Connection, run: string, until: number, ledger: Ledger, n: { i: number }): Promise<void> {
  while (Date.now() < until) {
    if (Math.random() < 0.3) {
      const marker = `${run}-lib-${n.i++}`;
      ledger.writes.set(marker, { client: 'library', outcome: 'unknown' });
      const r = await withWatchdog(
        ledger,
        db.query('INSERT INTO IssueComments (IssueKey, Content) VALUES (?, ?)', [TARGETS[n.i % TARGETS.length], marker]).then(
          () => 'written' as const,
          (e: unknown) => libraryOutcome(e, ledger, `library insert ${marker}`),
        ),
      );
      ledger.writes.set(marker, { client: 'library', outcome: r === 'hang' ? 'unknown' : r });
    } else {
      const sql = READS[n.i++ % READS.length] as string;
      const r = await withWatchdog(
        ledger,
        db.query(sql).then(
          () => true,
          (e: unknown) => (libraryOutcome(e, ledger, `library read ${sql}`), false),
        ),
      );
      if (r === true) ledger.reads.library.ok++;
      else ledger.reads.library.failed++;
    }
    await pause(50);
  }
}

async function wireLoop(port: number, run: string, until: number, ledger: Ledger, n: { i: number }): Promise<void> {
  let client: pg.Client | undefined;
  while (Date.now() < until) {
    if (!client) {
      client = new pg.Client({ host: '127.0.0.1', port, user: 'soak', database: 'backlog' });
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch {
        client = undefined;
        await pause(500);
        continue;
      }
    }
    const c = client;
    let broken = false;
    if (Math.random() < 0.3) {
      const marker = `${run}-wire-${n.i++}`;
      ledger.writes.set(marker, { client: 'wire', outcome: 'unknown' });
      const r = await withWatchdog(
        ledger,
        c.query('INSERT INTO IssueComments (IssueKey, Content) VALUES ($1, $2)', [TARGETS[n.i % TARGETS.length], marker]).then(
          () => 'written' as const,
          (e: unknown) => {
            broken = !(e as { code?: string }).code;
            return wireOutcome(e, ledger, `wire insert ${marker}`);
          },
        ),
      );
      ledger.writes.set(marker, { client: 'wire', outcome: r === 'hang' ? 'unknown' : r });
    } else {
      const sql = READS[n.i++ % READS.length] as string;
      const r = await withWatchdog(
        ledger,
        c.query(sql).then(
          () => true,
          (e: unknown) => {
            broken = !(e as { code?: string }).code;
            wireOutcome(e, ledger, `wire read ${sql}`);
            return false;
          },
        ),
      );
      if (r === true) ledger.reads.wire.ok++;
      else ledger.reads.wire.failed++;
    }
    // Now and then a fresh connection, as pools do.
    if (broken || Math.random() < 0.02) {
      await c.end().catch(() => undefined);
      client = undefined;
    }
    await pause(50);
  }
  await client?.end().catch(() => undefined);
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  return new Promise((resolve) => child.on('exit', (code) => setImmediate(() => resolve({ code, stdout }))));
}

async function cliLoop(connectionFile: string, env: NodeJS.ProcessEnv, run: string, until: number, ledger: Ledger, n: { i: number }): Promise<void> {
  while (Date.now() < until) {
    if (Math.random() < 0.5) {
      const marker = `${run}-cli-${n.i++}`;
      ledger.writes.set(marker, { client: 'cli', outcome: 'unknown' });
      const r = await withWatchdog(
        ledger,
        runCli(
          ['--connection-file', connectionFile, '-c', `INSERT INTO IssueComments (IssueKey, Content) VALUES ('${TARGETS[n.i % TARGETS.length]}', '${marker}')`],
          env,
        ),
      );
      // Exit codes (README): 0 done, 6 write partly done or outcome unknown, anything else failed.
      const outcome: Outcome = r === 'hang' ? 'unknown' : r.code === 0 ? 'written' : r.code === 6 ? 'unknown' : 'failed';
      if (r !== 'hang' && (r.code === null || r.code === 1)) ledger.unreported.push(`cli insert ${marker}: exit ${r.code}`);
      else if (r !== 'hang' && r.code !== 0) count(ledger, `CLI exit ${r.code}`);
      ledger.writes.set(marker, { client: 'cli', outcome });
    } else {
      const r = await withWatchdog(ledger, runCli(['--connection-file', connectionFile, '--format', 'csv', '-c', READS[n.i++ % READS.length] as string], env));
      if (r !== 'hang' && r.code === 0) ledger.reads.cli.ok++;
      else {
        ledger.reads.cli.failed++;
        if (r !== 'hang') count(ledger, `CLI exit ${r.code}`);
      }
    }
    await pause(1000);
  }
}

// ---- hostile wire clients ------------------------------------------------------------------------

function startupMessage(): Buffer {
  const body = Buffer.from('user\0hostile\0database\0backlog\0\0', 'latin1');
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(196608, 4);
  return Buffer.concat([head, body]);
}

function rawSocket(port: number, lifetimeMs: number, onConnect: (s: Socket) => void): Promise<void> {
  return new Promise((resolve) => {
    const s = netConnect(port, '127.0.0.1');
    s.on('error', () => undefined);
    s.on('data', () => undefined);
    s.on('connect', () => onConnect(s));
    const timer = setTimeout(() => s.destroy(), lifetimeMs);
    s.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const HOSTILE: Record<string, (port: number) => Promise<void>> = {
  garbage: (port) => rawSocket(port, 2000, (s) => s.write(randomBytes(4096))),
  'idle before startup': (port) => rawSocket(port, 15_000, () => undefined),
  'length of 1 GB': (port) =>
    rawSocket(port, 3000, (s) => {
      const head = Buffer.alloc(8);
      head.writeInt32BE(0x3fffffff, 0);
      head.writeInt32BE(196608, 4);
      s.write(head);
      s.write(randomBytes(1024));
    }),
  '20,000 pipelined Syncs': (port) =>
    rawSocket(port, 4000, (s) => {
      s.write(startupMessage());
      const sync = Buffer.from([0x53, 0, 0, 0, 4]);
      s.write(Buffer.concat(Array.from({ length: 20_000 }, () => sync)));
    }),
  'cancel with a random key': (port) =>
    rawSocket(port, 1000, (s) => {
      const m = Buffer.alloc(16);
      m.writeInt32BE(16, 0);
      m.writeInt32BE(80877102, 4);
      m.writeInt32BE(randomBytes(4).readInt32BE(0), 8);
      m.writeInt32BE(randomBytes(4).readInt32BE(0), 12);
      s.end(m);
    }),
  'gone mid-query': async (port) => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'hostile', database: 'backlog' });
    c.on('error', () => undefined);
    await c.connect().catch(() => undefined);
    void c.query('SELECT count(*) FROM Issues i JOIN IssueComments c ON c.IssueId = i.Id').catch(() => undefined);
    await pause(200);
    (c as unknown as { connection: { stream: Socket } }).connection.stream.destroy();
  },
  '5,000 columns': async (port) => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'hostile', database: 'backlog' });
    c.on('error', () => undefined);
    await c.connect().catch(() => undefined);
    await c.query('SELECT ' + Array.from({ length: 5000 }, (_, i) => `${i} AS c${i}`).join(', ')).catch(() => undefined);
    await c.end().catch(() => undefined);
  },
  'a 1 MB statement': async (port) => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'hostile', database: 'backlog' });
    c.on('error', () => undefined);
    await c.connect().catch(() => undefined);
    await c.query(`SELECT length('${'x'.repeat(1_000_000)}') AS n`).catch(() => undefined);
    await c.end().catch(() => undefined);
  },
};

async function hostileLoop(port: number, until: number, ledger: Ledger): Promise<void> {
  const names = Object.keys(HOSTILE);
  const running = new Set<Promise<void>>();
  let i = 0;
  while (Date.now() < until) {
    const name = names[i++ % names.length] as string;
    const p = (HOSTILE[name] as (port: number) => Promise<void>)(port).catch(() => undefined);
    ledger.hostile[name] = (ledger.hostile[name] ?? 0) + 1;
    running.add(p);
    void p.finally(() => running.delete(p));
    await pause(1000);
  }
  await Promise.all(running);
}

// ---- the run -------------------------------------------------------------------------------------

export async function benchSoak(minutes: number): Promise<BenchRow[]> {
  const run = `soak-${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'backlog-sql-soak-'));
  const emu = await startEmulator({ port: 0, scale: 'small', rateWindow: 5 });
  const connectionFile = join(dir, 'connection');
  writeFileSync(connectionFile, `URL=${emu.url};ApiKey=${emu.apiKey};Timeout=30`, { mode: 0o600 });
  const { BACKLOG_SQL_CONNECTION: _c, BACKLOG_API_KEY: _k, ...inherited } = process.env;
  const env = { ...inherited, BACKLOG_SQL_CONFIG_DIR: join(dir, 'config'), BACKLOG_SQL_HISTORY: '' };
  const port = await freePort();
  const server: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--connection-file', connectionFile], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let serverLog = '';
  server.stderr?.setEncoding('utf8').on('data', (d: string) => (serverLog += d));
  for (let t = 0; !serverLog.includes('backlog-sql serve:'); t++) {
    if (t > 300 || server.exitCode !== null) throw new Error(`the wire server did not start:\n${serverLog}`);
    await pause(100);
  }
  const db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Timeout=30`, { env: { BACKLOG_SQL_CONFIG_DIR: join(dir, 'config') } });
  for (const f of FAULTS) {
    await fetch(`${emu.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: '*', pathPattern: '^/api/v2/', times: 1_000_000_000, probability: FAULT_SHARE / FAULTS.length, ...f }),
    });
  }
  const ledger: Ledger = {
    writes: new Map(),
    codes: {},
    reads: { library: { ok: 0, failed: 0 }, wire: { ok: 0, failed: 0 }, cli: { ok: 0, failed: 0 } },
    unreported: [],
    hangs: 0,
    hostile: {},
  };
  const started = Date.now();
  const until = started + minutes * 60_000;
  const rss: { t: number; kb: number }[] = [];
  const sampler = setInterval(() => rss.push({ t: Date.now() - started, kb: rssKb(server.pid as number) }), 5000);
  const counter = { i: 0 };
  console.error(`soak ${run}: ${minutes} min; wire server pid ${server.pid} on port ${port}; emulator ${emu.url}`);
  const progress = setInterval(
    () =>
      console.error(
        `  ${Math.round((Date.now() - started) / 1000)} s: ${ledger.writes.size} writes, server RSS ${Math.round((rss.at(-1)?.kb ?? 0) / 1024)} MB`,
      ),
    60_000,
  );
  try {
    await Promise.all([
      libraryLoop(db, run, until, ledger, counter),
      libraryLoop(db, run, until, ledger, counter),
      wireLoop(port, run, until, ledger, counter),
      wireLoop(port, run, until, ledger, counter),
      wireLoop(port, run, until, ledger, counter),
      cliLoop(connectionFile, env, run, until, ledger, counter),
      hostileLoop(port, until, ledger),
    ]);
  } finally {
    clearInterval(sampler);
    clearInterval(progress);
  }
  const faultList = (await (await fetch(`${emu.url}/_emulator/faults`)).json()) as
    | { faults?: { fired: number; matched: number }[] }
    | { fired: number; matched: number }[];
  const faults = Array.isArray(faultList) ? faultList : (faultList.faults ?? []);
  await fetch(`${emu.url}/_emulator/faults`, { method: 'DELETE' });
  const exported = (await (await fetch(`${emu.url}/_emulator/export`)).json()) as {
    issues?: { comments?: { content: string }[] };
    comments?: { content: string }[];
  };
  const comments = exported.comments ?? exported.issues?.comments ?? [];
  const copies = new Map<string, number>();
  for (const c of comments) if (typeof c.content === 'string' && c.content.startsWith(run)) copies.set(c.content, (copies.get(c.content) ?? 0) + 1);
  let lost = 0;
  let duplicated = 0;
  let misreported = 0;
  const outcomes: Record<Outcome, number> = { written: 0, failed: 0, unknown: 0 };
  const unknownThere = { yes: 0, no: 0 };
  for (const [marker, w] of ledger.writes) {
    const n = copies.get(marker) ?? 0;
    outcomes[w.outcome]++;
    if (n > 1) duplicated++;
    if (w.outcome === 'written' && n === 0) lost++;
    if (w.outcome === 'failed' && n > 0) misreported++;
    if (w.outcome === 'unknown') unknownThere[n > 0 ? 'yes' : 'no']++;
  }
  const stray = [...copies.keys()].filter((m) => !ledger.writes.has(m)).length;
  // RSS every 5 s swings with garbage collection by ±15%, so single samples say little: the
  // median of the minute after the first (the first sixth, in a shorter run) against the median
  // of the last such stretch.
  const span = Math.min(60_000, (minutes * 60_000) / 6);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const valid = rss.filter((x) => Number.isFinite(x.kb));
  const base = median(valid.filter((x) => x.t >= span && x.t < 2 * span).map((x) => x.kb));
  const endAt = valid.at(-1)?.t ?? 0;
  const end = median(valid.filter((x) => x.t > endAt - span).map((x) => x.kb));
  const growth = ((end - base) / base) * 100;
  const from = span;
  const fired = faults.reduce((a, f) => a + f.fired, 0);
  const matched = faults.length ? Math.max(...faults.map((f) => f.matched)) : 0;

  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await db.close();
  await emu.close();
  if (ledger.unreported.length) console.error(`unreported failures:\n  ${ledger.unreported.slice(0, 20).join('\n  ')}`);

  const row = (measure: string, value: string, target: string, ok: boolean, ratio = ''): BenchRow => ({ measure, value, target, ratio, ok });
  const reads = ledger.reads;
  return [
    row(
      `soak: ${minutes} min; Backlog requests ${matched}, faults injected ${fired} (${((fired / Math.max(1, matched)) * 100).toFixed(1)}%)`,
      `${ledger.writes.size} writes`,
      '5% faults',
      true,
    ),
    row(
      `  reads ok/failed: library ${reads.library.ok}/${reads.library.failed}, wire ${reads.wire.ok}/${reads.wire.failed}, CLI ${reads.cli.ok}/${reads.cli.failed}`,
      `${reads.library.ok + reads.wire.ok + reads.cli.ok} reads`,
      '',
      true,
    ),
    row(
      `  writes told written ${outcomes.written}, failed ${outcomes.failed}, unknown ${outcomes.unknown} (${unknownThere.yes} of them applied)`,
      `${stray} stray`,
      '0 stray',
      stray === 0,
    ),
    row('  writes lost (told written, not in the export)', String(lost), '0', lost === 0),
    row('  writes duplicated', String(duplicated), '0', duplicated === 0),
    row('  writes misreported (told failed, yet applied)', String(misreported), '0', misreported === 0),
    row('  failures without a code, and hangs', `${ledger.unreported.length} + ${ledger.hangs}`, '0 + 0', ledger.unreported.length === 0 && ledger.hangs === 0),
    row(
      `  failures as reported: ${
        Object.entries(ledger.codes)
          .sort()
          .map(([k, v]) => `${k} ×${v}`)
          .join(', ') || 'none'
      }`,
      String(Object.values(ledger.codes).reduce((a, b) => a + b, 0)),
      '',
      true,
    ),
    row(
      `  hostile wire clients alongside (${Object.keys(ledger.hostile).length} kinds)`,
      String(Object.values(ledger.hostile).reduce((a, b) => a + b, 0)),
      '',
      true,
    ),
    row(
      `  wire server RSS, median of ${from / 1000}–${(2 * from) / 1000} s ${Math.round(base / 1024)} MB → of the last ${from / 1000} s ${Math.round(end / 1024)} MB (samples ${Math.round(Math.min(...valid.map((x) => x.kb)) / 1024)}–${Math.round(Math.max(...valid.map((x) => x.kb)) / 1024)} MB)`,
      `${growth.toFixed(1)}%`,
      '< 10%',
      growth < 10,
      (growth / 10).toFixed(2),
    ),
  ];
}
