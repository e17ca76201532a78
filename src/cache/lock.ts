/**
 * One user of a cache file at a time. DuckDB lets one process open a file read-write, so a
 * statement that reads or refreshes the cache takes this lock, attaches the file, works and
 * detaches it at its end: a second process (or connection) sharing the location waits for it,
 * then reads the last complete state (each table is refreshed in one transaction: ../sync/run.ts).
 * Inside a process a queue per path; between processes a lock file (proper-lockfile, as the token
 * store), taken over as stale when its holder died (kill -9) without releasing it.
 */
import lockfile from 'proper-lockfile';
import { ConfigError } from '../errors.js';

const queues = new Map<string, Promise<void>>();

const STALE_MS = 10_000;
const WAIT_MS = 120_000;

/** Wait for this process's turn at `key`; the function returned ends it. */
export async function acquireQueue(key: string): Promise<() => void> {
  const previous = queues.get(key) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => (done = resolve));
  const tail = previous.then(() => mine);
  queues.set(key, tail);
  await previous;
  return () => {
    done();
    if (queues.get(key) === tail) queues.delete(key);
  };
}

/** Wait for the lock of `path`, in this process and between processes; the function returned releases it (once). */
export async function acquireFileLock(path: string): Promise<() => Promise<void>> {
  const finish = await acquireQueue(`file:${path}`);
  let releaseFile: () => Promise<void>;
  try {
    releaseFile = await lockfile.lock(path, {
      realpath: false,
      lockfilePath: `${path}.lock`,
      stale: STALE_MS,
      update: STALE_MS / 2,
      retries: { retries: Math.ceil(WAIT_MS / 150), factor: 1.1, minTimeout: 20, maxTimeout: 200, randomize: true },
      // A lock taken over as stale while held costs at worst a failed attach (DuckDB's own lock refuses it).
      onCompromised: () => undefined,
    });
  } catch (e) {
    finish();
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new ConfigError(`the cache ${path} stayed locked by another process for ${WAIT_MS / 1000} s`, 'CacheLocation', {
        hint: `If no other backlog-sql process is running, remove ${path}.lock.`,
      });
    }
    throw e;
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await releaseFile().catch(() => undefined);
    finish();
  };
}
