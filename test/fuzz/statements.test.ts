/**
 * Fuzz: 5,000 generated and mutated statements (issue 11, Deliver 5) against the emulator at tiny
 * scale with rate limits off, through `query`, `stream`, `explain` and `describe`, on a library
 * connection and on one without external access (as the wire server opens). Every failure must
 * be one of our errors (./check.ts) and every statement must answer (no hang). Writes reach the
 * emulator but every write request is answered 400, so the data stays as seeded.
 *
 * FUZZ_SEED and FUZZ_STATEMENTS change the run; a failure prints the seed and index to replay.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect, type Connection } from '../../src/index.js';
import { control, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { foreign, watched } from './check.js';
import { Generator, type FuzzCase } from './generate.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261106);
const COUNT = Number(process.env.FUZZ_STATEMENTS ?? 5000);

let emu: RunningEmulator;
let library: Connection;
let remote: Connection;

before(async () => {
  emu = await startTestEmulator();
  for (const method of ['POST', 'PATCH', 'PUT', 'DELETE']) {
    await control(emu, 'POST', 'faults', { method, pathPattern: '^/api/v2/', times: 1_000_000_000, action: 'status', status: 400 });
  }
  // Timeout bounds every request and every local evaluation, far below the watchdog.
  library = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Timeout=5`);
  remote = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Timeout=5`, { noExternalAccess: true });
});
after(async () => {
  await library.close();
  await remote.close();
  await emu.close();
});

async function runCase(c: FuzzCase, conn: Connection, i: number, signal: AbortSignal): Promise<unknown> {
  const params = c.params as never;
  switch (i % 10) {
    case 7: {
      const rows: unknown[] = [];
      for await (const row of conn.stream(c.sql, params, { signal })) rows.push(row);
      return rows;
    }
    case 8:
      return conn.explain(c.sql, params);
    case 9:
      return conn.describe(c.sql, params);
    default:
      return conn.query(c.sql, params, { signal, rowMode: i % 2 ? 'array' : 'object' });
  }
}

test(`${COUNT} generated and mutated statements fail only with our errors, and none hangs (seed ${SEED})`, { timeout: 600_000 }, async () => {
  const gen = new Generator(SEED);
  const problems: string[] = [];
  let failures = 0;
  let hangs = 0;
  const started = performance.now();
  for (let i = 0; i < COUNT; i++) {
    const c = gen.next();
    const outcome = await watched((signal) => runCase(c, c.remote ? remote : library, i, signal));
    if (outcome.hang) {
      hangs++;
      problems.push(`#${i} hang after ${Math.round(outcome.ms)} ms: ${JSON.stringify(c.sql)}`);
    } else if ('error' in outcome) {
      failures++;
      const why = foreign(outcome.error, c.sql);
      if (why)
        problems.push(
          `#${i} ${why}\n    sql: ${JSON.stringify(c.sql)}${c.params !== undefined ? `\n    params: ${String(c.params)}` : ''}${c.remote ? ' (remote)' : ''}`,
        );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  // One line for the report: how much ran, how long it took, how much failed (as it should).
  console.log(
    `fuzz: ${COUNT} statements in ${seconds.toFixed(1)} s, ${failures} failed with our errors, ${hangs} hangs, ${problems.length} problems (seed ${SEED})`,
  );
  assert.equal(hangs, 0, problems.join('\n'));
  assert.deepEqual(problems.slice(0, 30), [], `${problems.length} inputs ended in foreign errors`);
});
