/**
 * The CData dialect corpus (corpus.json): statements as CData's documentation writes them, each
 * with its source, run through the library against the emulator (a space in UTC, as CData's
 * examples print times). Each is checked against CData's documented result (`cdata`) or, where
 * the docs give none, what `expect` says: the same question in DuckDB's dialect (`same_as`), the
 * result columns, a URL's content, an error, or a documented difference (`differs` + `why`).
 * Later dialect work (brackets, TOP, #TEMP, SELECT INTO, views) adds its statements to the file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { connect, type Connection } from '../../src/core/connection.js';
import { control, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { printCdata, printOurs } from './normalize.js';

interface Expect {
  same_as?: string;
  tolerance_ms?: number;
  column?: string;
  columns?: string[];
  match?: string;
  warning?: string;
  error?: string;
  result?: string | number;
  range?: [number, number];
  differs?: boolean;
  why?: string;
}

interface Entry {
  sql: string;
  source: string;
  cdata: string | number | null;
  params?: unknown[] | Record<string, unknown>;
  connection?: 'oauth';
  expect?: Expect;
  note?: string;
}

const CORPUS = JSON.parse(readFileSync(new URL('./corpus.json', import.meta.url), 'utf8')) as Entry[];

let emu: RunningEmulator;
let conn: Connection;
let oauth: Connection;

before(async () => {
  emu = await startTestEmulator({ timezone: 'UTC' });
  conn = await connect({ URL: emu.url, ApiKey: emu.apiKey }, { env: {} });
  const app = (await control(emu, 'POST', 'oauth-apps', {
    name: 'corpus',
    redirectUris: ['http://localhost:33333'],
    clientSecret: 'corpus-client-secret-0123456789abcdef',
  })) as { clientId: string; clientSecret: string };
  oauth = await connect(
    { URL: emu.url, OAuthClientId: app.clientId, OAuthClientSecret: app.clientSecret, OAuthSettingsLocation: 'memory://corpus' },
    { env: {} },
  );
});

after(async () => {
  await conn?.close();
  await oauth?.close();
  await emu?.close();
});

const first = (rows: unknown[][]) => rows[0]?.[0];

async function check(e: Entry): Promise<void> {
  const on = e.connection === 'oauth' ? oauth : conn;
  const x = e.expect ?? {};
  const run = () => on.query(e.sql, e.params, { rowMode: 'array' });
  if (x.error !== undefined) {
    await assert.rejects(run(), (err: Error & { hint?: string }) => {
      assert.ok(`${err.message} ${err.hint ?? ''}`.includes(x.error as string), `${e.sql}: ${err.message}`);
      return true;
    });
    return;
  }
  if (x.differs) {
    // A documented difference: the function says why, and our answer is not CData's (else the entry is stale).
    assert.ok(x.why, `${e.sql}: a difference needs its reason`);
    const ours = await run().then(
      (r) => printOurs(first(r.rows as unknown[][])),
      (err: Error) => `error: ${err.message}`,
    );
    assert.notEqual(ours, printCdata(e.cdata), `${e.sql} now gives CData's result: drop "differs"`);
    return;
  }
  const result = await run();
  const rows = result.rows as unknown[][];
  if (x.columns)
    for (const c of x.columns)
      assert.ok(
        result.columns.some((col) => col.name === c),
        `${e.sql}: column ${c}`,
      );
  if (x.match !== undefined) assert.ok(String(first(rows)).includes(x.match), `${e.sql}: ${String(first(rows))}`);
  if (x.warning !== undefined) assert.match(result.stats.warnings.join('\n'), new RegExp(x.warning));
  if (x.range) {
    const v = Number(first(rows));
    assert.ok(v >= x.range[0] && v < x.range[1], `${e.sql}: ${v}`);
  }
  if (x.same_as !== undefined) {
    const same = (await on.query(x.same_as, e.params, { rowMode: 'array' })).rows as unknown[][];
    if (x.tolerance_ms !== undefined) {
      const a = first(rows) as Date;
      const b = first(same) as Date;
      assert.ok(a instanceof Date && b instanceof Date && Math.abs(a.getTime() - b.getTime()) <= x.tolerance_ms, `${e.sql}: ${String(a)} vs ${String(b)}`);
    } else {
      assert.deepEqual(
        rows.map((r) => r.map(printOurs)),
        same.map((r) => r.map(printOurs)),
        e.sql,
      );
      if (!/WHERE|EXEC/.test(e.sql)) assert.ok(rows.length > 0, `${e.sql}: no rows to compare`);
    }
  }
  if (x.result !== undefined) {
    assert.ok(x.why, `${e.sql}: a different result needs its reason`);
    assert.equal(printOurs(first(rows)), printCdata(x.result), e.sql);
  } else if (e.cdata !== null && x.same_as === undefined) {
    assert.equal(printOurs(first(rows)), printCdata(e.cdata), e.sql);
  }
}

describe('the CData dialect corpus', () => {
  test(`${CORPUS.length} statements, each with its source`, () => {
    for (const e of CORPUS) assert.ok(e.source && e.sql, JSON.stringify(e));
    assert.ok(CORPUS.length >= 60);
  });
  for (const e of CORPUS) test(e.sql, () => check(e));

  test("CData's documented result holds for most statements; the rest are listed as differences", () => {
    const documented = CORPUS.filter((e) => e.cdata !== null);
    const differing = documented.filter((e) => e.expect?.differs || e.expect?.result !== undefined);
    assert.ok(documented.length - differing.length >= 120, `${documented.length - differing.length} statements give CData's documented result`);
  });
});
