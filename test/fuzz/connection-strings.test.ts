/**
 * Fuzz: 1,000 generated and mutated connection strings and option objects given to `connect`
 * (issue 11, Deliver 5 and 6). Each either connects (to the emulator at tiny scale) or fails with
 * one of our errors with a code (./check.ts), within the watchdog, and no message, hint, detail
 * or warning ever shows a secret the input held — even when a mutation dropped the ";" before it.
 *
 * The process works in a temporary folder (Logfile and settings paths are relative names there)
 * with BACKLOG_SQL_CONFIG_DIR inside it; OAuth's desktop flow cannot open a browser and gives up
 * after 2 s. FUZZ_SEED and FUZZ_CONNECTIONS change the run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PROPERTIES, type PropertyDef } from '../../src/config/properties.js';
import { Rng } from '../../src/emulator/rng.js';
import { connect, type Connection } from '../../src/index.js';
import { startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { foreign, watched } from './check.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261106);
const COUNT = Number(process.env.FUZZ_CONNECTIONS ?? 1000);

let emu: RunningEmulator;
let work: string;
const cwd = process.cwd();

before(async () => {
  emu = await startTestEmulator();
  work = mkdtempSync(join(tmpdir(), 'backlog-sql-fuzz-conn-'));
  process.chdir(work);
});
after(async () => {
  process.chdir(cwd);
  await emu.close();
});

const SHARDS = [';', '=', '"', "'", ' ', ',', '""', "''", ';;', '\t', '\n', 'jdbc:backlog:', '\u0000', 'あ', '\\', '==', '; ;', '=;'];

class Cases {
  readonly rng: Rng;
  private n = 0;
  /** Every secret put into an input so far; none may come back in a message. */
  readonly secrets: string[] = [];

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  private secret(): string {
    const s = `Sekrit${this.rng.int(100000, 999999)}x${++this.n}`;
    this.secrets.push(s);
    return s;
  }

  private value(p: PropertyDef): string {
    if (p.sensitive) return this.secret();
    const r = this.rng.next();
    if (p.name === 'URL')
      return this.rng.pick([
        emu.url,
        emu.url,
        emu.url,
        'http://127.0.0.1:1',
        'https://myspace.backlog.com/view/X-1',
        'myspace',
        'ftp://x',
        `${emu.url}/api/v2`,
        `${emu.url}?apiKey=k`,
        'http://[::1',
        '',
        'https://',
        'http://user:pw@127.0.0.1',
      ]);
    if (p.name === 'Logfile') return this.rng.pick(['fuzz.log', 'logs/fuzz.log', '.', 'fuzz.log/x', '']);
    if (p.name === 'OAuthSettingsLocation') return this.rng.pick(['memory://fuzz', 'settings.json', 'memory://', 'no/such/dir/s.json', '']);
    if (p.name === 'SSLServerCert')
      return this.rng.pick([
        '*',
        'missing.pem',
        'sha256:00112233445566778899aabbccddeeff00112233',
        '-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----',
        '',
      ]);
    if (p.name === 'CallbackURL') return this.rng.pick(['http://localhost:1', 'http://127.0.0.1:0/cb', 'nope', 'https://example.com/cb']);
    if (p.values && r < 0.6) return this.rng.pick(p.values);
    if (p.type === 'int' && r < 0.8) return this.rng.pick(['0', '1', '5', '-1', '100', '65536', '99999999999999999999', '1.5', 'abc', '+3', ' 7 ']);
    if (p.type === 'bool' && r < 0.8) return this.rng.pick(['true', 'false', 'yes', 'no', '1', '0', 'maybe', 'TRUE']);
    return this.rng.pick(['x', '', ' ', 'a=b', 'a;b', '"q"', "it's", '0', '-1', 'true', 'あいう', 'Pushdown=false', 'Pushdwon=false', 'X=1;Pushdown=maybe']);
  }

  private quoted(v: string): string {
    if (this.rng.bool(0.8) && !/[;"'=\s]/.test(v)) return v;
    return `"${v.replaceAll('"', '""')}"`;
  }

  /** A connection string: URL and ApiKey mostly, then random properties, then 0–3 mutations. */
  string(): string {
    const entries: string[] = [];
    if (this.rng.bool(0.9)) entries.push(`URL=${emu.url}`);
    if (this.rng.bool(0.8)) entries.push(`ApiKey=${this.rng.bool(0.7) ? emu.apiKey : this.secret()}`);
    for (let k = this.rng.int(0, 4); k > 0; k--) {
      const p = this.rng.pick(PROPERTIES);
      const name = this.rng.bool(0.1) ? p.name.toLowerCase() : this.rng.bool(0.03) ? `${p.name}x` : p.name;
      entries.push(`${name}=${this.quoted(this.value(p))}`);
    }
    if (this.rng.bool(0.15)) {
      // A checked property whose ";" was forgotten before a secret one (issue 11's leak).
      const checked = this.rng.pick(PROPERTIES.filter((p) => !p.sensitive && p.name !== 'URL'));
      const secret = this.rng.pick(PROPERTIES.filter((p) => p.sensitive));
      entries.push(`${checked.name}=${this.value(checked)}${this.rng.pick([', ', ' ', ''])}${secret.name}=${this.secret()}`);
    }
    // Slow paths are kept rare: every request and OAuth wait is bounded.
    entries.push('Timeout=2');
    let s = this.shuffled(entries).join(this.rng.bool(0.9) ? ';' : this.rng.pick([', ', ' ', ';\n']));
    for (let m = this.rng.int(0, 3); m > 0; m--) s = this.mutate(s);
    return s;
  }

  private shuffled<T>(items: T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.rng.int(0, i);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  mutate(s: string): string {
    const at = this.rng.int(0, s.length);
    switch (this.rng.int(0, 4)) {
      case 0:
        return s.slice(0, at) + s.slice(at + this.rng.int(1, 4));
      case 1:
        return s.slice(0, at) + this.rng.pick(SHARDS) + s.slice(at);
      case 2: {
        // The ";" forgotten: the next property runs into this value.
        const semi = s.indexOf(';', at);
        return semi < 0 ? s : s.slice(0, semi) + this.rng.pick([', ', ' ', '']) + s.slice(semi + 1);
      }
      case 3:
        return s.slice(0, at);
      default:
        return s + ';' + s.slice(0, at);
    }
  }

  /** An options object: property names in any case, values of any JS type. */
  object(): Record<string, unknown> {
    const o: Record<string, unknown> = { url: emu.url, apiKey: emu.apiKey, timeout: 2 };
    for (let k = this.rng.int(1, 4); k > 0; k--) {
      const p = this.rng.pick(PROPERTIES);
      o[this.rng.bool() ? p.name : p.name.toLowerCase()] = this.rng.pick<unknown>([
        this.value(p),
        1,
        -1,
        true,
        null,
        [],
        ['x'],
        { a: 1 },
        Number.NaN,
        2 ** 60,
        undefined,
      ]);
    }
    return o;
  }
}

test(`${COUNT} generated and mutated connection strings fail only with our errors, never show a secret, and none hangs (seed ${SEED})`, {
  timeout: 600_000,
}, async () => {
  const cases = new Cases(SEED);
  const problems: string[] = [];
  let connected = 0;
  let failed = 0;
  const started = performance.now();
  for (let i = 0; i < COUNT; i++) {
    const input = i % 5 === 4 ? cases.object() : cases.string();
    const warnings: string[] = [];
    const outcome = await watched(() =>
      connect(input, {
        env: { BACKLOG_SQL_CONFIG_DIR: join(work, 'config') },
        onWarning: (w) => warnings.push(w),
        openBrowser: () => Promise.reject(new Error('no browser in the fuzz suite')),
        oauthTimeoutMs: 2000,
      }),
    );
    const shown = JSON.stringify(input);
    if (outcome.hang) problems.push(`#${i} hang: ${shown}`);
    else if ('error' in outcome) {
      failed++;
      const why = foreign(outcome.error);
      if (why) problems.push(`#${i} ${why}\n    input: ${shown}`);
    } else {
      connected++;
      await (outcome.value as Connection).close();
    }
    const e = outcome.error as { message?: string; hint?: string; detail?: string } | undefined;
    const said = [e?.message, e?.hint, e?.detail, ...warnings].join('\n');
    const leaked = cases.secrets.filter((s) => said.includes(s));
    if (leaked.length > 0) problems.push(`#${i} shows a secret (${leaked.join(', ')}): ${said}\n    input: ${shown}`);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `fuzz: ${COUNT} connection inputs in ${seconds.toFixed(1)} s, ${connected} connected, ${failed} failed with our errors, ${problems.length} problems (seed ${SEED})`,
  );
  assert.deepEqual(problems.slice(0, 30), [], `${problems.length} problems`);
});
