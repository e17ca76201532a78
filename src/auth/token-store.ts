/**
 * Where OAuth tokens live between connections (ARCHITECTURE.md §7, TOK-1..TOK-5, TOK-10, TOK-11): a JSON
 * settings file keyed by space host and client id, or `memory://name`, shared by the connections
 * of one process.
 *
 * The file is not encrypted (the README says so): its protection is mode 0600 in a 0700 folder.
 * Writes go to an exclusively created 0600 temp file in the same folder, are fsynced and renamed
 * over the target, so a reader sees the old or the new file, never a partial one. Every change
 * happens under a lock file shared between processes (proper-lockfile: a `.lock` folder next to
 * the file, taken over when stale) and re-reads the file first, so an entry another process has
 * just written is never lost.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';
import { AuthError, ConfigError } from '../errors.js';
import { ensurePrivateFolder } from '../util/private-files.js';

/** One signed-in user of one app on one space. Times are absolute (TOK-5). */
export interface StoredTokens {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms when the access token expires; absent when the server gave no lifetime. */
  expiresAt?: number;
  /** Epoch ms when the access token was obtained. */
  obtainedAt: number;
  /** Who signed in, for `auth status` (filled in after the first request). */
  user?: { id: number; userId: string; name: string };
  /**
   * A digest of the OAuthRefreshToken/OAuthAccessToken property this entry continues from, so a
   * connection that passes the same (now rotated) pair again keeps using the stored, newer one.
   */
  seededFrom?: string;
}

export interface TokenStoreOptions {
  /** Called with warnings such as a settings file readable by others (TOK-3). */
  onWarning?: (message: string) => void;
  /** Make loose permissions an error instead of a warning (as ssh does for private keys). */
  strictPermissions?: boolean;
  /** Lock timings, ms (tests shrink them). */
  staleMs?: number;
  lockWaitMs?: number;
  /**
   * The file's folder is backlog-sql's own (the default settings folder): kept at mode 0700,
   * an existing looser folder included. A folder the user chose is left as it is.
   */
  ownFolder?: boolean;
}

export interface TokenStore {
  /** The file path or `memory://name`, for messages (never a secret). */
  readonly location: string;
  /** The entry as it is now (no lock: files are replaced atomically). */
  read(key: string): Promise<StoredTokens | undefined>;
  /** All entries, for `auth status`. */
  entries(): Promise<Record<string, StoredTokens>>;
  /**
   * Run `fn` under the store's lock with the entry as re-read under that lock; `next` replaces the
   * entry (null removes it, undefined leaves it).
   */
  update<T>(key: string, fn: (current: StoredTokens | undefined) => Promise<{ result: T; next?: StoredTokens | null }>): Promise<T>;
}

export const SETTINGS_FILE = 'OAuthSettings.json';
const APP_DIR = 'backlog-sql';
const FORMAT_VERSION = 1;

/** `host|clientId`: the file holds one entry per space and app. */
export function storeKey(host: string, clientId: string): string {
  return `${host.toLowerCase()}|${clientId}`;
}

/** TOK-1: $BACKLOG_SQL_CONFIG_DIR, else $XDG_CONFIG_HOME/backlog-sql, else ~/.config/backlog-sql (%APPDATA% on Windows). */
export function defaultSettingsPath(env: Record<string, string | undefined> = process.env): string {
  if (env.BACKLOG_SQL_CONFIG_DIR) return join(env.BACKLOG_SQL_CONFIG_DIR, SETTINGS_FILE);
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, APP_DIR, SETTINGS_FILE);
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, APP_DIR, SETTINGS_FILE);
}

/** The store for an OAuthSettingsLocation value (absent → the default file). */
export function openTokenStore(location: string | undefined, env: Record<string, string | undefined>, options: TokenStoreOptions = {}): TokenStore {
  if (location?.toLowerCase().startsWith('memory://')) return memoryStore(location);
  return new FileTokenStore(location ?? defaultSettingsPath(env), location === undefined ? { ...options, ownFolder: true } : options);
}

// ---------------------------------------------------------------------------------------------
// memory://name

/** A promise chain per name: one update at a time, like the file lock. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

interface MemorySpace {
  entries: Map<string, StoredTokens>;
  mutex: Mutex;
}

const MEMORY = new Map<string, MemorySpace>();

function memoryStore(location: string): TokenStore {
  const name = location.slice('memory://'.length);
  let space = MEMORY.get(name);
  if (!space) {
    space = { entries: new Map(), mutex: new Mutex() };
    MEMORY.set(name, space);
  }
  const { entries, mutex } = space;
  return {
    location: `memory://${name}`,
    read: async (key) => copy(entries.get(key)),
    entries: async () => Object.fromEntries([...entries].map(([k, v]) => [k, { ...v }])),
    update: (key, fn) =>
      mutex.run(async () => {
        const { result, next } = await fn(copy(entries.get(key)));
        if (next === null) entries.delete(key);
        else if (next !== undefined) entries.set(key, { ...next });
        return result;
      }),
  };
}

function copy(t: StoredTokens | undefined): StoredTokens | undefined {
  return t && { ...t };
}

// ---------------------------------------------------------------------------------------------
// The settings file

interface SettingsFile {
  version: number;
  /** Note for a person who opens the file. */
  note?: string;
  entries: Record<string, FileEntry>;
}

/** On disk: times as ISO 8601 so a person can read them. */
interface FileEntry {
  accessToken: string;
  refreshToken?: string;
  expiresAt?: string;
  obtainedAt: string;
  user?: StoredTokens['user'];
  seededFrom?: string;
}

function toFile(t: StoredTokens): FileEntry {
  return {
    accessToken: t.accessToken,
    ...(t.refreshToken !== undefined ? { refreshToken: t.refreshToken } : {}),
    ...(t.expiresAt !== undefined ? { expiresAt: new Date(t.expiresAt).toISOString() } : {}),
    obtainedAt: new Date(t.obtainedAt).toISOString(),
    ...(t.user ? { user: t.user } : {}),
    ...(t.seededFrom ? { seededFrom: t.seededFrom } : {}),
  };
}

function fromFile(e: FileEntry): StoredTokens | undefined {
  if (typeof e !== 'object' || e === null || typeof e.accessToken !== 'string') return undefined;
  const expiresAt = e.expiresAt === undefined ? undefined : Date.parse(e.expiresAt);
  return {
    accessToken: e.accessToken,
    ...(typeof e.refreshToken === 'string' ? { refreshToken: e.refreshToken } : {}),
    ...(expiresAt !== undefined && Number.isFinite(expiresAt) ? { expiresAt } : {}),
    obtainedAt: Date.parse(e.obtainedAt) || 0,
    ...(e.user ? { user: e.user } : {}),
    ...(e.seededFrom ? { seededFrom: e.seededFrom } : {}),
  };
}

export class FileTokenStore implements TokenStore {
  private warned = false;
  private folderChecked = false;

  constructor(
    readonly location: string,
    private readonly options: TokenStoreOptions = {},
  ) {}

  async read(key: string): Promise<StoredTokens | undefined> {
    const e = (await this.load()).entries[key];
    return e ? fromFile(e) : undefined;
  }

  async entries(): Promise<Record<string, StoredTokens>> {
    const out: Record<string, StoredTokens> = {};
    for (const [k, e] of Object.entries((await this.load()).entries)) {
      const t = fromFile(e);
      if (t) out[k] = t;
    }
    return out;
  }

  async update<T>(key: string, fn: (current: StoredTokens | undefined) => Promise<{ result: T; next?: StoredTokens | null }>): Promise<T> {
    await this.ensureDir();
    const release = await this.lock();
    try {
      // Re-read under the lock (TOK-7, TOK-11): another process may have written since.
      const file = await this.load();
      const current = file.entries[key];
      const { result, next } = await fn(current ? fromFile(current) : undefined);
      if (next !== undefined) {
        if (next === null) delete file.entries[key];
        else file.entries[key] = toFile(next);
        await this.writeAtomically(file);
      }
      return result;
    } finally {
      await release().catch(() => undefined);
    }
  }

  private async load(): Promise<SettingsFile> {
    this.checkFolder(false);
    let text: string;
    try {
      text = await readFile(this.location, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: FORMAT_VERSION, entries: {} };
      throw new ConfigError(`cannot read the OAuth settings file ${this.location}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, 'OAuthSettingsLocation', {
        hint: 'Check that the file is readable and writable by this user.',
      });
    }
    await this.checkPermissions();
    try {
      const parsed = JSON.parse(text) as SettingsFile;
      if (typeof parsed !== 'object' || parsed === null || typeof parsed.entries !== 'object' || parsed.entries === null) throw new Error('no entries');
      return parsed;
    } catch {
      // The message must not quote the content: it holds tokens.
      throw new ConfigError(`the OAuth settings file ${this.location} is not a backlog-sql settings file (not JSON with "entries")`, 'OAuthSettingsLocation', {
        hint: 'Point OAuthSettingsLocation at another file, or delete this one and sign in again.',
      });
    }
  }

  /** TOK-3: a file others can read gets a warning naming the path (an error when strict). */
  private async checkPermissions(): Promise<void> {
    if (process.platform === 'win32') return;
    const mode = (await stat(this.location)).mode & 0o777;
    if ((mode & 0o077) === 0) return;
    const message = `the OAuth settings file ${this.location} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}); run: chmod 600 ${this.location}`;
    if (this.options.strictPermissions) throw new AuthError(message, { hint: 'It holds your OAuth tokens: make it readable by you only.' });
    if (!this.warned) this.options.onWarning?.(message);
    this.warned = true;
  }

  private async ensureDir(): Promise<void> {
    // mode applies only to folders created here; our own folder is tightened if it exists.
    await mkdir(dirname(this.location), { recursive: true, mode: 0o700 });
    this.checkFolder(true);
  }

  /** Our own settings folder at 0700 (once per store); `create`: it may be made now. */
  private checkFolder(create: boolean): void {
    if (!this.options.ownFolder || this.folderChecked) return;
    const folder = dirname(this.location);
    if (!create && !existsSync(folder)) return;
    ensurePrivateFolder(folder, 'OAuthSettingsLocation');
    this.folderChecked = true;
  }

  private async lock(): Promise<() => Promise<void>> {
    const stale = this.options.staleMs ?? 10_000;
    const wait = this.options.lockWaitMs ?? 30_000;
    try {
      return await lockfile.lock(this.location, {
        realpath: false,
        lockfilePath: `${this.location}.lock`,
        stale,
        update: Math.max(1000, Math.floor(stale / 2)),
        // Bounded wait (TOK-7): about `wait` ms in steps of up to 200 ms.
        retries: { retries: Math.ceil(wait / 100), factor: 1.2, minTimeout: 20, maxTimeout: 200, randomize: true },
        // proper-lockfile's default throws from a timer, which would end the process. A lock lost
        // while held (taken over as stale) costs at worst one extra refresh: each write is still atomic.
        onCompromised: () => undefined,
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ELOCKED') {
        throw new AuthError(`the OAuth settings file ${this.location} stayed locked by another process for ${Math.round(wait / 1000)} s`, {
          hint: `If no other backlog-sql process is running, remove ${this.location}.lock.`,
        });
      }
      throw e;
    }
  }

  /** TOK-4: exclusive 0600 temp file in the same folder, write, fsync, rename, fsync the folder. */
  private async writeAtomically(file: SettingsFile): Promise<void> {
    const body = `${JSON.stringify({ ...file, version: FORMAT_VERSION, note: 'backlog-sql OAuth tokens. Not encrypted: keep this file private (mode 0600).' }, null, 2)}\n`;
    const tmp = `${this.location}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(body, 'utf8');
      await handle.sync();
    } catch (e) {
      await handle.close();
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await handle.close();
    await rename(tmp, this.location);
    this.warned = false;
    try {
      const dir = await open(dirname(this.location), 'r');
      await dir.sync().finally(() => dir.close());
    } catch {
      // Some platforms cannot fsync a folder; the rename is still atomic.
    }
  }
}
