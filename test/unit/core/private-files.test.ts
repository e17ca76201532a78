/**
 * Private files stay private when they already exist (issue 11): an existing 0644 Logfile
 * becomes 0600, an existing 0755 settings folder becomes 0700.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openTokenStore } from '../../../src/auth/token-store.js';
import { openLogfile } from '../../../src/core/logfile.js';

const mode = (path: string) => statSync(path).mode & 0o777;

test('an existing Logfile readable by others is made 0600', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'bsql-perm-')), 'driver.log');
  writeFileSync(path, '');
  chmodSync(path, 0o644);
  openLogfile(path, 1);
  assert.equal(mode(path), 0o600);
});

test('an existing settings folder readable by others is made 0700 when the default store reads or writes it', async () => {
  const folder = join(mkdtempSync(join(tmpdir(), 'bsql-perm-')), 'config');
  mkdirSync(folder, { mode: 0o755 });
  chmodSync(folder, 0o755);
  const store = openTokenStore(undefined, { BACKLOG_SQL_CONFIG_DIR: folder });
  assert.equal(await store.read('space|client'), undefined);
  assert.equal(mode(folder), 0o700);
  chmodSync(folder, 0o755);
  await openTokenStore(undefined, { BACKLOG_SQL_CONFIG_DIR: folder }).update('space|client', async () => ({
    result: undefined,
    next: { accessToken: 't', obtainedAt: 1 },
  }));
  assert.equal(mode(folder), 0o700);
  assert.equal(mode(join(folder, 'OAuthSettings.json')), 0o600);
});

test('a folder the user chose for OAuthSettingsLocation is left as it is', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'bsql-perm-'));
  chmodSync(folder, 0o755);
  await openTokenStore(join(folder, 'tokens.json'), {}).update('space|client', async () => ({ result: undefined, next: { accessToken: 't', obtainedAt: 1 } }));
  assert.equal(mode(folder), 0o755);
});
