/**
 * `npm run bench`: every benchmark, printed as one table with each figure's target and ratio.
 * Usage: npm run bench [-- emulator-throughput | driver | pgserver | catalog | writes]   (names or name prefixes limit the run)
 * Figures on shared machines are noisy: compare ratios within one run.
 */
import { benchCatalog } from './catalog.js';
import { benchQuestions, benchScan } from './driver.js';
import { benchLargeRss, benchStartup, benchThroughput, type BenchRow } from './emulator.js';
import { benchPgServer } from './pgserver.js';
import { benchBulkUpdate } from './writes.js';

const groups: Record<string, () => Promise<BenchRow[]>> = {
  'emulator-startup': () => benchStartup(['tiny', 'small', 'medium', 'large']),
  'emulator-throughput': () => benchThroughput(),
  'emulator-memory': () => benchLargeRss(),
  'driver-questions': () => benchQuestions(),
  'driver-scan': () => benchScan(),
  'pgserver': () => benchPgServer(),
  'catalog': () => benchCatalog(),
  'writes': () => benchBulkUpdate(),
};

function printTable(rows: BenchRow[]): void {
  const head = ['measure', 'value', 'target', 'ratio', 'ok'];
  const cells = rows.map((r) => [r.measure, r.value, r.target, r.ratio, r.ok ? 'yes' : 'NO']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}

const wanted = process.argv.slice(2);
const rows: BenchRow[] = [];
for (const [name, run] of Object.entries(groups)) {
  if (wanted.length > 0 && !wanted.some((w) => name.startsWith(w))) continue;
  console.error(`running ${name} benchmarks…`);
  rows.push(...(await run()));
}
printTable(rows);
if (rows.some((r) => !r.ok)) process.exitCode = 1;
