/**
 * `npm run bench`: every benchmark, printed as one table with each figure's target and ratio.
 * Usage: npm run bench [-- emulator-throughput | driver | pgserver | writes | responsiveness | abuse | catalog | package | replicate | cache [--small]] [--readme]
 *        (names or name prefixes limit the run; --readme writes each group's table into its README section)
 *        npm run bench -- soak [--minutes N]   (the 10-minute soak, only when named; `npm run build` first)
 *        npm run bench -- replicate-medium     (replication of the medium space, ~20 minutes, only when named)
 * Figures on shared machines are noisy: compare ratios within one run.
 */
import { benchAbuse } from './abuse.js';
import { benchCatalog } from './catalog.js';
import { benchColdStart, benchQuestions, benchScan } from './driver.js';
import { benchDriverCosts } from './driver-costs.js';
import { benchLargeRss, benchStartup, benchThroughput, type BenchRow } from './emulator.js';
import { benchPgServer } from './pgserver.js';
import { writeReadme } from './readme.js';
import { benchPackage } from './package.js';
import { benchResponsiveness } from './responsiveness.js';
import { benchSoak } from './soak.js';
import { benchBulkUpdate } from './writes.js';
import { benchReplicate } from './replicate.js';
import { benchCache } from './cache.js';

const groups: Record<string, () => Promise<BenchRow[]>> = {
  'emulator-startup': () => benchStartup(['tiny', 'small', 'medium', 'large']),
  'emulator-throughput': () => benchThroughput(),
  'emulator-memory': () => benchLargeRss(),
  'driver-questions': () => benchQuestions(),
  'driver-scan': () => benchScan(),
  'driver-cold-start': () => benchColdStart(),
  'driver-costs': () => benchDriverCosts(),
  pgserver: () => benchPgServer(),
  catalog: () => benchCatalog(),
  writes: () => benchBulkUpdate(),
  package: () => benchPackage(),
  responsiveness: () => benchResponsiveness(),
  abuse: () => benchAbuse(),
  replicate: () => benchReplicate(),
  cache: () => benchCache(),
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

const args = process.argv.slice(2);
// --readme: write each group's table into its marked README section (bench/readme.ts).
const toReadme = args.includes('--readme');
if (toReadme) args.splice(args.indexOf('--readme'), 1);
const minutesAt = args.indexOf('--minutes');
const minutes = minutesAt >= 0 ? Number(args[minutesAt + 1]) : 10;
if (!(minutes > 0)) throw new Error('--minutes takes a positive number');
const wanted = args.filter((_, i) => minutesAt < 0 || (i !== minutesAt && i !== minutesAt + 1));
/** Run only when named: long, not for every bench run. */
const optIn: Record<string, () => Promise<BenchRow[]>> = { soak: () => benchSoak(minutes), 'replicate-medium': () => benchReplicate('medium') };
const rows: BenchRow[] = [];
const byGroup = new Map<string, BenchRow[]>();
for (const [name, run] of [...Object.entries(groups), ...Object.entries(optIn).filter(([n]) => wanted.includes(n))]) {
  if (wanted.length > 0 && !wanted.some((w) => name.startsWith(w))) continue;
  console.error(`running ${name} benchmarks…`);
  const groupRows = await run();
  byGroup.set(name, groupRows);
  rows.push(...groupRows);
}
printTable(rows);
if (toReadme) {
  const missing = writeReadme(byGroup);
  console.error(
    `README.md: ${[...byGroup.keys()].filter((g) => !missing.includes(g)).join(', ') || 'no section'} written${missing.length ? `; no <!-- bench:… --> section for ${missing.join(', ')}` : ''}`,
  );
}
if (rows.some((r) => !r.ok)) process.exitCode = 1;
