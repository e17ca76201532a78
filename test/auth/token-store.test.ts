/** The settings file and memory stores (TOK-1..TOK-5): modes, atomic writes, lock, warnings. */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultSettingsPath, openTokenStore, storeKey, type StoredTokens } from '../../src/auth/token-store.js';

const tokens = (n: number): StoredTokens => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  expiresAt: Date.UTC(2030, 0, 1),
  obtainedAt: Date.UTC(2029, 11, 31),
});

describe('token store', () => {
  it('defaults to $BACKLOG_SQL_CONFIG_DIR, else $XDG_CONFIG_HOME/backlog-sql, else ~/.config/backlog-sql (TOK-1)', () => {
    assert.equal(defaultSettingsPath({ BACKLOG_SQL_CONFIG_DIR: '/c', XDG_CONFIG_HOME: '/x', HOME: '/h' }), '/c/OAuthSettings.json');
    assert.equal(defaultSettingsPath({ XDG_CONFIG_HOME: '/x', HOME: '/h' }), '/x/backlog-sql/OAuthSettings.json');
    assert.equal(defaultSettingsPath({ HOME: '/h' }), '/h/.config/backlog-sql/OAuthSettings.json');
  });

  it('writes the file 0600 in a 0700 folder, also over a file that was 0644, with an absolute expiry (TOK-2, TOK-5)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'bsql-store-')), 'cfg');
    const file = join(dir, 'OAuthSettings.json');
    const store = openTokenStore(file, {});
    await store.update(storeKey('Space.backlog.com', 'cid'), async () => ({ result: undefined, next: tokens(1) }));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    chmodSync(file, 0o644);
    await store.update(storeKey('space.backlog.com', 'cid'), async () => ({ result: undefined, next: tokens(2) }));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, { expiresAt: string }> };
    assert.deepEqual(Object.keys(json.entries), ['space.backlog.com|cid'], 'keyed by space host and client id');
    assert.equal(json.entries['space.backlog.com|cid']?.expiresAt, '2030-01-01T00:00:00.000Z');
  });

  it('warns, naming the path, when the file can be read by others; strict mode refuses it (TOK-3)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bsql-store-')), 'loose.json');
    writeFileSync(file, JSON.stringify({ version: 1, entries: {} }), { mode: 0o644 });
    chmodSync(file, 0o644);
    const warnings: string[] = [];
    await openTokenStore(file, {}, { onWarning: (w) => warnings.push(w) }).read('k');
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]?.includes(file));
    await assert.rejects(openTokenStore(file, {}, { strictPermissions: true }).read('k'), /can be read by other users/);
  });

  it('50 writers and 50 readers in parallel: every read parses and no write is lost (TOK-4)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bsql-store-')), 'OAuthSettings.json');
    const store = openTokenStore(file, {}, { lockWaitMs: 60_000 });
    await store.update('seed', async () => ({ result: undefined, next: tokens(0) }));
    const writers = Array.from({ length: 50 }, (_, i) => store.update(`k${i}`, async () => ({ result: undefined, next: tokens(i) })));
    const readers = Array.from({ length: 50 }, async () => JSON.parse(await readFile(file, 'utf8')) as unknown);
    await Promise.all([...writers, ...readers]);
    assert.equal(Object.keys(await store.entries()).length, 51);
  });

  it('memory://name is shared by every store of that name in the process', async () => {
    const a = openTokenStore('memory://shared-test', {});
    const b = openTokenStore('memory://shared-test', {});
    await a.update('k', async () => ({ result: undefined, next: tokens(7) }));
    assert.equal((await b.read('k'))?.accessToken, 'access-7');
    assert.equal(await openTokenStore('memory://other-test', {}).read('k'), undefined);
  });
});
