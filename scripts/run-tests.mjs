#!/usr/bin/env node
// Runs every test file under test/ (and src/ for unit tests kept beside their code) with
// node:test through tsx. Node 20's `--test` takes no globs, so this script lists the files.
// It fails when any test is skipped, except those of the live suite (titles starting with
// "[live]"), which skip unless BACKLOG_LIVE_URL and BACKLOG_LIVE_APIKEY are set: CI must never
// lose browser, Java or emulator coverage silently.
//
// Usage: node scripts/run-tests.mjs [substring ...]   (only files whose path contains one)
import { spawn } from 'node:child_process';
import { readdirSync, statSync, readFileSync, mkdtempSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function listTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listTests(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const files = ['test', 'src']
  .flatMap((d) => listTests(join(root, d)))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

if (files.length === 0) {
  console.error('run-tests: no test files matched', filters.join(' '));
  process.exit(2);
}

const tapFile = join(mkdtempSync(join(tmpdir(), 'backlog-sql-tests-')), 'results.tap');
const args = [
  '--import', 'tsx',
  '--test',
  '--test-concurrency=2',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
  ...files,
];
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
child.on('exit', (code, signal) => {
  const tap = readFileSync(tapFile, 'utf8');
  const skipped = tap
    .split('\n')
    .filter((line) => /^\s*ok \d+ - .*# SKIP/.test(line))
    .filter((line) => !/ - \[live\]/.test(line));
  if (skipped.length > 0) {
    console.error(`\nrun-tests: ${skipped.length} unexpected skipped test(s):`);
    for (const line of skipped) console.error('  ' + line.trim());
    process.exit(1);
  }
  if (signal) process.exit(1);
  process.exit(code ?? 1);
});
