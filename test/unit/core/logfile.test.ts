import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLogfile } from '../../../src/core/logfile.js';
import { ConfigError } from '../../../src/errors.js';

test('writes JSON lines by verbosity, in a file only its owner can read', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'bsql-log-')), 'sub', 'driver.log');
  const log = openLogfile(path, 2);
  log.api({ type: 'api.request', method: 'GET', path: '/issues', category: 'search', status: 200, ms: 12, attempt: 1, remaining: 149 });
  log.api({ type: 'api.retry', method: 'GET', path: '/issues', attempt: 1, reason: '503', delayMs: 500 });
  log.warning('project OPS skipped');
  const lines = readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string });
  assert.deepEqual(
    lines.map((l) => l.type),
    ['api.request', 'warning'],
  );
  assert.equal(statSync(path).mode & 0o077, 0);
});

test('an unwritable path is a ConfigError naming Logfile', () => {
  // A directory that is a regular file: ENOTDIR.
  const file = join(mkdtempSync(join(tmpdir(), 'bsql-log-')), 'plain-file');
  openLogfile(file, 1);
  assert.throws(
    () => openLogfile(join(file, 'sub', 'driver.log'), 2),
    (e: unknown) => e instanceof ConfigError && e.property === 'Logfile',
  );
});
