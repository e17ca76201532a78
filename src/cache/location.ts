/**
 * Where the query cache lives and whose it is (README "Cache"). The default is `cache.duckdb` in
 * the config folder the token store uses (0700; the file and its write-ahead log 0600: the cache
 * holds Backlog data). `memory://…` keeps it in the connection's own DuckDB, gone at close.
 *
 * Inside the file each space and user has a schema of its own, named by a digest of the space URL
 * and the credential's identity (a digest of the API key, or the OAuth settings location and client
 * id), so a cache filled with one user's key is never served to another's connection, and no
 * request is needed to find it (Offline=true sends none).
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defaultSettingsPath } from '../auth/token-store.js';
import type { ResolvedConfig } from '../config/resolve.js';

export type CacheLocation = { kind: 'memory'; label: string } | { kind: 'file'; path: string; label: string };

export function cacheLocation(config: Pick<ResolvedConfig, 'cacheLocation'>, env: NodeJS.ProcessEnv): CacheLocation {
  const given = config.cacheLocation;
  if (given?.toLowerCase().startsWith('memory://')) return { kind: 'memory', label: given };
  const path = given ? resolve(given.replace(/^duckdb:/i, '')) : join(dirname(defaultSettingsPath(env)), 'cache.duckdb');
  return { kind: 'file', path, label: path };
}

/** The cache's folder, private to its owner (created 0700; our default folder tightened to 0700). */
export function preparePrivateFolder(location: CacheLocation, own: boolean): void {
  if (location.kind !== 'file' || process.platform === 'win32') return;
  const folder = dirname(location.path);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  if (own) chmodSync(folder, 0o700);
}

/** The file and its write-ahead log: readable by the owner only. */
export function keepFilePrivate(location: CacheLocation): void {
  if (location.kind !== 'file' || process.platform === 'win32') return;
  for (const f of [location.path, `${location.path}.wal`]) {
    try {
      chmodSync(f, 0o600);
    } catch {
      // the WAL comes and goes with checkpoints
    }
  }
}

/** The schema holding one space and user's tables. No secret reaches the name: only a digest. */
export function cacheSchema(config: Pick<ResolvedConfig, 'url' | 'apiKey' | 'oauth'>): string {
  const identity = config.apiKey
    ? `key:${createHash('sha256').update(config.apiKey).digest('hex')}`
    : // OAuth tokens rotate: the settings they live in name the user (checked against /users/myself on refresh).
      `oauth:${config.oauth.settingsLocation ?? ''}|${config.oauth.clientId ?? ''}`;
  return `u_${createHash('sha256').update(`${config.url}\n${identity}`).digest('hex').slice(0, 24)}`;
}
