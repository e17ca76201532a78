/**
 * Emulator benchmarks (issue: foundation). Each runs the emulator as its own process, as a user
 * would (`backlog-sql emulator --json`), so the load generator does not share its event loop.
 *  1. start → first full `GET /issues?count=100` page, per scale (targets: medium < 3 s, large < 20 s)
 *  2. `GET /issues?count=100` throughput, medium scale, rate limits off, 8 concurrent clients (≥ 500 req/s)
 *  3. RSS of the emulator after paging through every issue at large scale (< 1 GB)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const BIN = new URL('../bin/backlog-sql.js', import.meta.url).pathname;

export interface Started {
  child: ChildProcess;
  url: string;
  apiKey: string;
}

/** The emulator as its own process (`backlog-sql emulator --json`), with extra flags. */
export async function startProcess(scale: string, flags: readonly string[] = ['--rate-limit', 'off']): Promise<Started> {
  const child = spawn(process.execPath, [BIN, 'emulator', '--port', '0', '--scale', scale, ...flags, '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  const facts = JSON.parse(line) as { url: string; apiKey: string };
  return { child, url: facts.url, apiKey: facts.apiKey };
}

export function stopProcess(s: Started): Promise<void> {
  return new Promise((resolve) => {
    s.child.once('exit', () => resolve());
    s.child.kill('SIGTERM');
  });
}

async function page(s: Started, offset: number): Promise<unknown[]> {
  const res = await fetch(`${s.url}/api/v2/issues?apiKey=${s.apiKey}&count=100&offset=${offset}&order=asc`);
  if (res.status !== 200) throw new Error(`GET /issues answered ${res.status}`);
  return (await res.json()) as unknown[];
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export interface BenchRow {
  measure: string;
  value: string;
  target: string;
  ratio: string;
  ok: boolean;
}

export async function benchStartup(scales: string[]): Promise<BenchRow[]> {
  const targets: Record<string, number | undefined> = { medium: 3000, large: 20_000 };
  const rows: BenchRow[] = [];
  for (const scale of scales) {
    const t0 = performance.now();
    const s = await startProcess(scale);
    const first = await page(s, 0);
    const ms = performance.now() - t0;
    await stopProcess(s);
    if (first.length !== 100 && scale !== 'tiny') throw new Error(`first page had ${first.length} issues`);
    const target = targets[scale];
    rows.push({
      measure: `start → first GET /issues page (${scale})`,
      value: `${(ms / 1000).toFixed(2)} s`,
      target: target ? `< ${target / 1000} s` : '—',
      ratio: target ? `${(ms / target).toFixed(2)}× of budget` : '—',
      ok: target ? ms < target : true,
    });
  }
  return rows;
}

export async function benchThroughput(seconds = 5, clients = 8): Promise<BenchRow[]> {
  const s = await startProcess('medium');
  try {
    await page(s, 0);
    let done = 0;
    const until = performance.now() + seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        let offset = c * 100;
        while (performance.now() < until) {
          // The client only drains the body: parsing 200 KB of JSON per response would make
          // the load generator, not the emulator, the bottleneck on a 2-core machine.
          const res = await fetch(`${s.url}/api/v2/issues?apiKey=${s.apiKey}&count=100&offset=${offset % 9_900}`);
          if (res.status !== 200) throw new Error(`GET /issues answered ${res.status}`);
          await res.arrayBuffer();
          offset += 100 * clients;
          done++;
        }
      }),
    );
    const rps = done / ((performance.now() - t0) / 1000);
    return [
      {
        measure: `GET /issues?count=100, medium, ${clients} clients, limits off`,
        value: `${rps.toFixed(0)} req/s`,
        target: '≥ 500 req/s',
        ratio: `${(rps / 500).toFixed(2)}× target`,
        ok: rps >= 500,
      },
    ];
  } finally {
    await stopProcess(s);
  }
}

export async function benchLargeRss(): Promise<BenchRow[]> {
  const s = await startProcess('large');
  try {
    let seen = 0;
    for (let offset = 0; ; offset += 100) {
      const issues = await page(s, offset);
      seen += issues.length;
      if (issues.length < 100) break;
    }
    const rss = rssMb(s.child.pid!);
    return [
      { measure: 'issues paged through (large)', value: String(seen), target: '100,000', ratio: '—', ok: seen === 100_000 },
      {
        measure: 'emulator RSS after paging every issue (large)',
        value: `${rss.toFixed(0)} MB`,
        target: '< 1024 MB',
        ratio: `${(rss / 1024).toFixed(2)}× of budget`,
        ok: rss < 1024,
      },
    ];
  } finally {
    await stopProcess(s);
  }
}
