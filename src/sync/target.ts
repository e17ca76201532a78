/**
 * Where to replicate, as a user writes it: `postgres://user@host:port/db` (or `postgresql://`),
 * `duckdb:path/file.duckdb`, `parquet:folder`. The CLI's `--to` and the CacheProvider /
 * CacheConnection connection properties both end here. A password in the URL is refused: it would
 * land in shell history and process lists; PGPASSWORD or ~/.pgpass give it instead.
 */
import { ConfigError } from '../errors.js';

export type ReplicaTarget =
  | { kind: 'postgres'; host: string; port: number; database: string; user: string; params: Record<string, string>; label: string }
  | { kind: 'duckdb'; path: string; label: string }
  | { kind: 'parquet'; folder: string; label: string };

const FORMS = 'postgres://user@host:5432/database, duckdb:path/to/file.duckdb or parquet:path/to/folder';

export function parseTarget(text: string, property = '--to', env: NodeJS.ProcessEnv = process.env): ReplicaTarget {
  // CData's CacheConnection is a JDBC URL: jdbc:postgresql://…, jdbc:duckdb:path.
  const t = text.trim().replace(/^jdbc:/i, '');
  const m = /^([a-z]+):(.*)$/i.exec(t);
  const scheme = m?.[1]?.toLowerCase();
  if (scheme === 'duckdb' || scheme === 'parquet') {
    const path = (m?.[2] ?? '').replace(/^\/\/(?=\/)/, '');
    if (!path)
      throw new ConfigError(`${property}: ${scheme}: needs a path`, property, {
        hint: `Write ${scheme === 'duckdb' ? 'duckdb:replica.duckdb' : 'parquet:replica-folder'}.`,
      });
    return scheme === 'duckdb' ? { kind: 'duckdb', path, label: `duckdb:${path}` } : { kind: 'parquet', folder: path, label: `parquet:${path}` };
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    let url: URL;
    try {
      url = new URL(t);
    } catch {
      throw new ConfigError(`${property}: not a valid PostgreSQL URL`, property, { hint: `Write ${FORMS}.` });
    }
    if (url.password) {
      throw new ConfigError(`${property}: the PostgreSQL URL contains a password, which would end up in shell history, process lists and logs`, property, {
        hint: 'Remove it from the URL and set PGPASSWORD in the environment, or put it in ~/.pgpass (host:port:database:user:password, mode 0600).',
      });
    }
    const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || env.PGDATABASE || 'postgres';
    const user = decodeURIComponent(url.username) || url.searchParams.get('user') || env.PGUSER || env.USER || 'postgres';
    const host = url.hostname.replace(/^\[|\]$/g, '') || env.PGHOST || 'localhost';
    const port = url.port ? Number(url.port) : Number(env.PGPORT || 5432);
    const params = Object.fromEntries(url.searchParams.entries());
    for (const k of Object.keys(params)) {
      if (k === 'password')
        throw new ConfigError(`${property}: the PostgreSQL URL contains a password parameter`, property, { hint: 'Set PGPASSWORD or use ~/.pgpass instead.' });
      if (k === 'currentSchema') params.schema = params[k] as string;
      else if (k !== 'sslmode' && k !== 'schema' && k !== 'application_name' && k !== 'user') {
        throw new ConfigError(`${property}: unknown PostgreSQL URL parameter "${k}"`, property, {
          hint: 'Supported: user, sslmode (disable, require, verify-full), schema, application_name.',
        });
      }
    }
    return { kind: 'postgres', host, port, database, user, params, label: `postgres://${user}@${host.includes(':') ? `[${host}]` : host}:${port}/${database}` };
  }
  throw new ConfigError(`${property}: "${t.slice(0, 40)}" is not a replication destination`, property, { hint: `Write ${FORMS}.` });
}
