/**
 * The reference for the conformance suite and the catalog bench: Debian's PostgreSQL 15 server
 * (package postgresql-15, binaries in /usr/lib/postgresql/15/bin) — the same major version the
 * catalog engine advertises, built by other people from the same sources — in a temporary folder,
 * listening on 127.0.0.1, initialised with the engine's initdb options and settings, and loaded
 * with the same statements generated from the registry. initdb refuses root, so as root it runs
 * as user nobody.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asUser, freePort, run } from './pg-process.js';
import type { Connection } from '../../src/core/connection.js';
import {
  CATALOG_SUPERUSER,
  DATABASE_STATEMENTS,
  ENGINE_SETTINGS,
  INITDB_ARGS,
  roleStatement,
  schemaColumns,
  schemaStatements,
} from '../../src/pgserver/catalog/ddl.js';
import { PgClient } from '../../src/pgserver/catalog/pgclient.js';

export const REFERENCE_BIN = '/usr/lib/postgresql/15/bin';

export interface ReferencePg {
  port: number;
  version: string;
  /** Create a login role as the engine does for a wire client's user. */
  addRole(user: string): Promise<void>;
  /** The engine process and its children (for memory figures). */
  pid: number | undefined;
  close(): Promise<void>;
}

export async function startReferencePg(connection: Connection, options: { logStatements?: string } = {}): Promise<ReferencePg> {
  if (!existsSync(join(REFERENCE_BIN, 'postgres')))
    throw new Error(`Debian's postgresql-15 is not installed (${REFERENCE_BIN}): apt-get install postgresql-15`);
  const user = asUser();
  const folder = mkdtempSync(join(tmpdir(), 'backlog-sql-reference-'));
  const data = join(folder, 'data');
  const password = randomBytes(18).toString('base64url');
  writeFileSync(join(folder, 'pw'), password, { mode: 0o600 });
  if (user) {
    chownSync(folder, user.uid, user.gid);
    chownSync(join(folder, 'pw'), user.uid, user.gid);
  }
  await run(join(REFERENCE_BIN, 'initdb'), ['-D', data, ...INITDB_ARGS, `--pwfile=${join(folder, 'pw')}`], user);
  // Clients over TCP log in without a password, as the wire server's roles do on the engine's socket.
  writeFileSync(join(data, 'pg_hba.conf'), `local all ${CATALOG_SUPERUSER} password\nhost all all 127.0.0.1/32 trust\n`);
  if (user) chownSync(join(data, 'pg_hba.conf'), user.uid, user.gid);
  const port = await freePort();
  const settings = {
    ...ENGINE_SETTINGS,
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: folder,
    ...(options.logStatements ? { log_statement: 'all', log_min_messages: 'warning', log_destination: 'stderr', log_line_prefix: '%u|' } : {}),
  };
  const child: ChildProcess = spawn(join(REFERENCE_BIN, 'postgres'), ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])], {
    stdio: ['ignore', 'ignore', options.logStatements ? 'pipe' : 'ignore'],
    ...user,
    env: { ...process.env, LC_ALL: 'C' },
  });
  if (options.logStatements) {
    const { createWriteStream } = await import('node:fs');
    child.stderr?.pipe(createWriteStream(options.logStatements));
  }
  const socketPath = join(folder, `.s.PGSQL.${port}`);
  let admin: PgClient | undefined;
  for (let i = 0; i < 500 && !admin; i++) {
    try {
      if (existsSync(socketPath)) admin = await PgClient.connect({ socketPath, user: CATALOG_SUPERUSER, database: 'template1', password });
    } catch {
      // starting up
    }
    if (!admin) await new Promise((r) => setTimeout(r, 20));
  }
  if (!admin) throw new Error('the reference PostgreSQL did not start');
  const version = admin.status.get('server_version') ?? '';
  for (const sql of schemaStatements(connection, await schemaColumns(connection))) await admin.simple(sql);
  await admin.simple('ANALYZE');
  for (const sql of DATABASE_STATEMENTS) await admin.simple(sql);
  const roles = new Set<string>();
  return {
    port,
    version,
    pid: child.pid,
    async addRole(name: string) {
      if (roles.has(name)) return;
      roles.add(name);
      await (admin as PgClient).simple(roleStatement(name));
    },
    async close() {
      admin?.close();
      const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      child.kill('SIGINT');
      await exited;
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
