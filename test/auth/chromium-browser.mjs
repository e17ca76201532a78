#!/usr/bin/env node
/**
 * $BROWSER for the headless Chromium tests: starts Debian's Chromium on the URL it is given,
 * exactly as a person's $BROWSER would, with remote debugging on so the test can act as the
 * person (log in, press Allow). The URL reaches Chromium only through this command line. Writes
 * `{"ws": "ws://…", "pid": N}` to $CHROMIUM_INFO_FILE and leaves Chromium running; the test ends it.
 * $CHROMIUM_EXTRA_ARGS: a JSON array of further flags.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const url = process.argv[2];
const profile = mkdtempSync(join(tmpdir(), 'bsql-chromium-'));
const extra = process.env.CHROMIUM_EXTRA_ARGS ? JSON.parse(process.env.CHROMIUM_EXTRA_ARGS) : [];
const child = spawn(
  process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-dev-shm-usage',
    `--user-data-dir=${profile}`,
    '--remote-debugging-port=0',
    ...extra,
    url,
  ],
  { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
);
let seen = '';
child.stderr.on('data', (chunk) => {
  seen += chunk.toString();
  const m = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
  if (m) {
    writeFileSync(process.env.CHROMIUM_INFO_FILE, JSON.stringify({ ws: m[1], pid: child.pid }));
    child.stderr.destroy();
    child.unref();
    process.exit(0);
  }
});
child.on('exit', (code) => {
  writeFileSync(process.env.CHROMIUM_INFO_FILE, JSON.stringify({ error: `chromium exited with ${code}: ${seen.slice(-500)}` }));
  process.exit(1);
});
