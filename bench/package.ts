/**
 * The package as users get it (issue 10): the tarball's size and file count (`npm pack`, after
 * `npm run build`), and how fast the installed bin answers `--version` and `--help` — the commands
 * that must not load DuckDB (target < 150 ms, median of 15 runs, beside a bare `node -e 0`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from './emulator.js';

const ROOT = new URL('..', import.meta.url).pathname;
const RUNS = 15;

function medianMs(command: string, args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(command, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

export async function benchPackage(): Promise<BenchRow[]> {
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'backlog-sql-pack-'));
  try {
    const [info] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' })) as {
      size: number;
      unpackedSize: number;
      entryCount: number;
    }[];
    if (!info) throw new Error('npm pack printed nothing');
    const bin = join(ROOT, 'bin', 'backlog-sql.js');
    const node = medianMs(process.execPath, ['-e', '0']);
    const version = medianMs(process.execPath, [bin, '--version']);
    const help = medianMs(process.execPath, [bin, '--help']);
    const kb = (n: number) => (n / 1000).toFixed(1);
    return [
      // README quotes this line ("tarball: … kB packed, … kB unpacked, … files"); a test checks it.
      {
        measure: `tarball: ${kb(info.size)} kB packed, ${kb(info.unpackedSize)} kB unpacked, ${info.entryCount} files`,
        value: `${kb(info.size)} kB`,
        target: 'no test, source map or source',
        ratio: '',
        ok: true,
      },
      {
        measure: 'backlog-sql --version (median of 15)',
        value: `${version.toFixed(0)} ms`,
        target: '< 150 ms',
        ratio: `${(version / node).toFixed(2)}× node -e 0 (${node.toFixed(0)} ms)`,
        ok: version < 150,
      },
      {
        measure: 'backlog-sql --help (median of 15)',
        value: `${help.toFixed(0)} ms`,
        target: '< 150 ms',
        ratio: `${(help / node).toFixed(2)}× node -e 0`,
        ok: help < 150,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
