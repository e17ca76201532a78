// One memory measurement, run as its own process by bench/driver-costs.ts: every issue of the
// space written as CSV to /dev/null, either through the built library's `stream()` (page by page)
// or by a backlog-js program that first keeps every issue in memory, as a hand-written export
// would. Prints the process's peak RSS in MiB and the rows written.
// Usage: node bench/memory-child.mjs sql|backlog-js URL APIKEY
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const [variant, url, apiKey] = process.argv.slice(2);
const out = createWriteStream('/dev/null');
const csv = (v) => {
  if (v === null || v === undefined) return '';
  const s = v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};
const write = async (line) => {
  if (!out.write(`${line}\n`)) await once(out, 'drain');
};
let rows = 0;
if (variant === 'sql') {
  const { connect } = await import('../dist/index.js');
  const db = await connect(`URL=${url};ApiKey=${apiKey}`);
  let header = false;
  for await (const row of db.stream('SELECT * FROM Issues')) {
    if (!header) {
      await write(Object.keys(row).map(csv).join(','));
      header = true;
    }
    await write(Object.values(row).map(csv).join(','));
    rows++;
  }
  await db.close();
} else {
  const { Backlog } = await import('backlog-js');
  const host = 'emulated.backlog.com';
  const bl = new Backlog({ host, apiKey, fetch: (u, init) => fetch(String(u).replace(`https://${host}`, url), init) });
  const all = [];
  for (let offset = 0; ; offset += 100) {
    const page = await bl.getIssues({ count: 100, offset });
    all.push(...page);
    if (page.length < 100) break;
  }
  await write(
    Object.keys(all[0] ?? {})
      .map(csv)
      .join(','),
  );
  for (const issue of all) {
    await write(Object.values(issue).map(csv).join(','));
    rows++;
  }
}
out.end();
await once(out, 'finish');
process.stdout.write(`${process.resourceUsage().maxRSS / 1024} ${rows}\n`);
