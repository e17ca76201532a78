// One cold start, run as its own process by bench/driver.ts (`driver-cold-start`): from a fresh
// Node process to the first row of `SELECT * FROM Priorities` (one request), either through the
// built library (`dist/`) or through a backlog-js script — the program a user would otherwise
// write. Prints the milliseconds from the process's start to the first row.
// Usage: node bench/cold-start-child.mjs sql|backlog-js URL APIKEY
import { performance } from 'node:perf_hooks';

const [variant, url, apiKey] = process.argv.slice(2);
if (variant === 'sql') {
  const { connect } = await import('../dist/index.js');
  const db = await connect(`URL=${url};ApiKey=${apiKey}`);
  for await (const row of db.stream('SELECT * FROM Priorities')) {
    if (!row) throw new Error('no row');
    break;
  }
  process.stdout.write(`${performance.now()}\n`);
  await db.close();
} else {
  const { Backlog } = await import('backlog-js');
  const host = 'emulated.backlog.com';
  const bl = new Backlog({ host, apiKey, fetch: (u, init) => fetch(String(u).replace(`https://${host}`, url), init) });
  // A script reads the space first too (its time zone), as connect() does.
  await bl.getSpace();
  const rows = await bl.getPriorities();
  if (!rows[0]) throw new Error('no row');
  process.stdout.write(`${performance.now()}\n`);
}
