/**
 * One user of a cache file at a time. DuckDB lets one process open a file read-write, so every
 * statement that reads or refreshes the cache takes this lock, attaches the file, works and
 * detaches: a second process (or connection) sharing the location waits for it, then reads the
 * last complete state (each table is refreshed in one transaction: ../sync/run.ts). Inside a process
 * a promise chain per path; between processes a lock file (proper-lockfile, as the token store),
 * taken over as stale when its holder died (kill -9) without releasing it.
 */
import lockfile from 'proper-lockfile';
import { ConfigError } from '../errors.js';

const chains = new Map<string, Promise<unknown>>();

const STALE_MS = 10_000;
const WAIT_MS = 120_000;

export async function withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const previous = chains.get(path) ?? Promise.resolve();
  const run = previous.then(
    () => locked(path, fn),
    () => locked(path, fn),
  );
  const tail = run.catch(() => undefined);
  chains.set(path, tail);
  try {
    return await run;
  } finally {
    if (chains.get(path) === tail) chains.delete(path);
  }
}

async function locked<T>(path: string, fn: () => Promise<T>): Promise<T> {
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(path, {
      realpath: false,
      lockfilePath: `${path}.lock`,
      stale: STALE_MS,
      update: STALE_MS / 2,
      retries: { retries: Math.ceil(WAIT_MS / 150), factor: 1.1, minTimeout: 20, maxTimeout: 200, randomize: true },
      // A lock taken over as stale while held costs at worst an interleaved refresh, which DuckDB refuses.
      onCompromised: () => undefined,
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new ConfigError(`the cache ${path} stayed locked by another process for ${WAIT_MS / 1000} s`, 'CacheLocation', {
        hint: `If no other backlog-sql process is running, remove ${path}.lock.`,
      });
    }
    throw e;
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
