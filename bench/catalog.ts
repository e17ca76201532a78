/**
 * The wire catalog (issue 12, ARCHITECTURE.md §12), measured against a real PostgreSQL 15 (Debian's
 * postgresql-15, loaded with the same schema) in the same run:
 * - catalog query latency over the conformance corpus (test/pgserver/catalog-corpus.json): median
 *   and p99 through `serve` and straight to PostgreSQL (target p99 ≤ 3×);
 * - pgjdbc getConnection + getMetaData().getTables (target ≤ 2×);
 * - the catalog engine's start time, and the server's memory idle and with 50 clients (PSS of the
 *   Node process plus the engine's processes, so shared pages count once), beside PostgreSQL's.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { connect } from '../src/index.js';
import { startEmulator } from '../src/emulator/index.js';
import { serve } from '../src/pgserver/index.js';
import { startReferencePg } from '../test/helpers/reference-pg.js';
import type { BenchRow } from './emulator.js';

interface CorpusEntry {
  sql: string;
  params: (string | null)[];
}

const ROUNDS = 5;
const JDBC = '/usr/share/java/postgresql.jar';

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/** PSS in MB of a process and all its descendants (but the `exclude` subtrees). */
function pssMb(root: number, exclude: (number | undefined)[] = []): number {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // gone
    }
  }
  let kb = 0;
  const visit = (pid: number) => {
    try {
      kb += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
    for (const c of children.get(pid) ?? []) if (!exclude.includes(c)) visit(c);
  };
  visit(root);
  return kb / 1024;
}

async function latencies(port: number, corpus: CorpusEntry[]): Promise<number[]> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'bench', database: 'backlog' });
  await c.connect();
  const times: number[] = [];
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      for (const e of corpus) {
        const t = performance.now();
        await c.query({ text: e.sql, values: e.params.length ? e.params : undefined, rowMode: 'array' }).catch(() => undefined);
        // Round 0 warms caches up on both sides.
        if (round > 0) times.push(performance.now() - t);
      }
    }
  } finally {
    await c.end();
  }
  return times;
}

function jdbcConnect(classes: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', ['-cp', `${JDBC}:${classes}`, 'ConnectBench', `jdbc:postgresql://127.0.0.1:${port}/backlog`, 'bench', '30']);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`ConnectBench exited with ${code}`));
      // The first 10 rounds warm the JVM up.
      resolve(
        quantile(
          out
            .trim()
            .split('\n')
            .slice(10)
            .map((l) => Number(l.split(' ')[0])),
          0.5,
        ),
      );
    });
  });
}

async function fiftyClients(port: number): Promise<pg.Client[]> {
  return Promise.all(
    Array.from({ length: 50 }, async () => {
      const c = new pg.Client({ host: '127.0.0.1', port, user: 'bench', database: 'backlog' });
      await c.connect();
      await c.query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'Issues'");
      return c;
    }),
  );
}

export async function benchCatalog(): Promise<BenchRow[]> {
  const corpus = JSON.parse(readFileSync(new URL('../test/pgserver/catalog-corpus.json', import.meta.url), 'utf8')) as CorpusEntry[];
  const emu = await startEmulator({ port: 0, scale: 'tiny', rateLimit: 'off' });
  const db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`, { noExternalAccess: true });
  const before = pssMb(process.pid);
  const started = performance.now();
  const server = await serve({ connection: db, port: 0 });
  const startMs = performance.now() - started;
  await new Promise((r) => setTimeout(r, 500));
  const idle = pssMb(process.pid);
  const reference = await startReferencePg(db);
  await reference.addRole('bench');
  const referenceIdle = pssMb(reference.pid as number);
  const rows: BenchRow[] = [];
  try {
    rows.push({
      measure: 'serve start with the catalog engine (initdb, start, schema)',
      value: `${startMs.toFixed(0)} ms`,
      target: '≤ 3000 ms',
      ratio: `${(startMs / 3000).toFixed(2)}× of budget`,
      ok: startMs <= 3000,
    });
    rows.push({
      measure: `server memory idle: PSS of Node + engine over the library alone (${before.toFixed(0)} MB); PostgreSQL idle ${referenceIdle.toFixed(0)} MB`,
      value: `+${(idle - before).toFixed(0)} MB`,
      target: '≤ 3× PostgreSQL idle',
      ratio: `${((idle - before) / referenceIdle).toFixed(2)}×`,
      ok: idle - before <= 3 * referenceIdle,
    });

    const ours = await latencies(server.port, corpus);
    const theirs = await latencies(reference.port, corpus);
    for (const [name, q] of [
      ['median', 0.5],
      ['p99', 0.99],
    ] as const) {
      const a = quantile(ours, q);
      const b = quantile(theirs, q);
      rows.push({
        measure: `catalog query latency ${name}, ${corpus.length} corpus queries × ${ROUNDS} (PostgreSQL ${b.toFixed(2)} ms)`,
        value: `${a.toFixed(2)} ms`,
        target: name === 'p99' ? '≤ 3× PostgreSQL' : '—',
        ratio: `${(a / b).toFixed(2)}×`,
        ok: name !== 'p99' || a <= 3 * b,
      });
    }

    const classes = mkdtempSync(join(tmpdir(), 'backlog-sql-bench-'));
    execFileSync('javac', ['-d', classes, new URL('./ConnectBench.java', import.meta.url).pathname]);
    const ourConnect = await jdbcConnect(classes, server.port);
    const theirConnect = await jdbcConnect(classes, reference.port);
    rows.push({
      measure: `pgjdbc getConnection + getTables, median (PostgreSQL ${theirConnect.toFixed(1)} ms)`,
      value: `${ourConnect.toFixed(1)} ms`,
      target: '≤ 2× PostgreSQL',
      ratio: `${(ourConnect / theirConnect).toFixed(2)}×`,
      ok: ourConnect <= 2 * theirConnect,
    });

    const ourClients = await fiftyClients(server.port);
    const busy = pssMb(process.pid, [reference.pid]);
    const theirClients = await fiftyClients(reference.port);
    const referenceGrowth = pssMb(reference.pid as number) - referenceIdle;
    const growth = busy - idle;
    rows.push({
      measure: `server memory with 50 clients (each ran a catalog query), PSS of Node + engine; PostgreSQL grew ${referenceGrowth.toFixed(0)} MB`,
      value: `${busy.toFixed(0)} MB (+${growth.toFixed(0)} MB)`,
      target: "growth ≤ 2× PostgreSQL's",
      ratio: `${(growth / referenceGrowth).toFixed(2)}×`,
      ok: growth <= 2 * referenceGrowth,
    });
    await Promise.all([...ourClients, ...theirClients].map((c) => c.end()));
  } finally {
    await server.close();
    await reference.close();
    await db.close();
    await emu.close();
  }
  return rows;
}
