/**
 * One rate-limit budget per key across processes (issue 11, NET-6): a CLI and a library process
 * on one key draw on Backlog's one budget, so each must count the other's requests. Processes
 * share a small state file in the config folder, `ratelimit-<hash>.json` (the hash of space, user
 * and category: no key in the name), read and written under a lock (proper-lockfile, as the token
 * file): what the server last said of the window, and each process's requests in flight.
 *
 * The file is used only while the budget is low (at most a quarter of the limit, or 30 requests,
 * left): with plenty left no process can overrun it, and requests pay no file lock. Every
 * process switches to the file as soon as an answer, or the file itself, says the budget is low,
 * which leaves each at most its few requests in flight unaccounted — far fewer than the margin.
 * A file that cannot be used (a read-only folder) leaves this process with its own budget.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { ensurePrivateFolder } from '../util/private-files.js';
import { observe, RateBudget, waitFor, type Budget, type BudgetWindow } from './budget.js';

/** Below this many requests left (or a quarter of the limit, if more), processes coordinate. */
const SHARE_BELOW = 30;
/** A request in flight counts this long at most (a crashed process's requests expire). */
const IN_FLIGHT_MS = 120_000;

interface FileWindow extends BudgetWindow {
  /** Requests in flight per process id: how many, and until when they count. */
  inFlight: Record<string, { n: number; until: number }>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function low(w: BudgetWindow, now: number): boolean {
  if (w.remaining === undefined || now >= w.resetAt) return false;
  return w.remaining <= Math.max(SHARE_BELOW, Math.floor((w.limit ?? 0) / 4));
}

/** In-flight requests of live processes that have not expired; the rest are dropped. */
function liveInFlight(w: FileWindow, now: number): number {
  let total = 0;
  for (const [pid, entry] of Object.entries(w.inFlight)) {
    if (entry.n <= 0 || entry.until <= now || !alive(Number(pid))) delete w.inFlight[pid];
    else total += entry.n;
  }
  return total;
}

export class SharedRateBudget implements Budget {
  /** This process's view: used alone while the budget is plentiful. */
  private readonly local: RateBudget;
  /** Keys whose budget is low: their requests go through the file. */
  private readonly shared = new Set<string>();
  private readonly checkedFile = new Set<string>();
  /** This process's requests reserved through the file and not yet settled, per key. */
  private readonly fileInFlight = new Map<string, number>();
  /** One file update at a time in this process (the file lock is between processes). */
  private chain: Promise<unknown> = Promise.resolve();
  private broken = false;

  constructor(
    readonly folder: string,
    readonly marginMs = 1000,
  ) {
    this.local = new RateBudget(marginMs);
  }

  private file(key: string): string {
    return join(this.folder, `ratelimit-${createHash('sha256').update(key).digest('hex').slice(0, 24)}.json`);
  }

  async reserve(key: string, now: number): Promise<number> {
    if (!this.shared.has(key) && !this.checkedFile.has(key)) {
      // First request of this key: another process may already have found the budget low.
      this.checkedFile.add(key);
      const w = this.peekFile(key);
      if (w && low(w, now)) this.shared.add(key);
    }
    if (!this.shared.has(key) || this.broken) return this.local.reserve(key, now);
    const wait = await this.update(key, now, (w) => {
      const delay = waitFor(w, liveInFlight(w, now), now);
      if (delay === 0) {
        const mine = (w.inFlight[process.pid] ??= { n: 0, until: 0 });
        mine.n++;
        mine.until = now + IN_FLIGHT_MS;
      }
      return delay;
    });
    if (wait === undefined) return this.local.reserve(key, now);
    if (wait === 0) this.fileInFlight.set(key, (this.fileInFlight.get(key) ?? 0) + 1);
    return wait;
  }

  async settle(key: string, headers: Headers | undefined, now: number): Promise<void> {
    this.local.settle(key, headers, now);
    const view = this.local.peek(key);
    const isLow = low({ remaining: view.remaining, limit: view.limit, reset: 0, resetAt: view.resetAt }, now);
    const reservedInFile = this.fileInFlight.get(key) ?? 0;
    if ((!this.shared.has(key) && !isLow && reservedInFile === 0) || this.broken) return;
    if (reservedInFile > 0) this.fileInFlight.set(key, reservedInFile - 1);
    await this.update(key, now, (w) => {
      const mine = w.inFlight[process.pid];
      if (mine && reservedInFile > 0) mine.n = Math.max(0, mine.n - 1);
      observe(w, headers, now, this.marginMs);
      return 0;
    });
    // A new window with plenty left: back to this process's own budget.
    if (isLow) this.shared.add(key);
    else this.shared.delete(key);
  }

  /** The window as the file has it, without the lock (a snapshot is enough to decide to join). */
  private peekFile(key: string): FileWindow | undefined {
    try {
      return JSON.parse(readFileSync(this.file(key), 'utf8')) as FileWindow;
    } catch {
      return undefined;
    }
  }

  /** Read, change and write the file's window under the lock; undefined when the file cannot be used. */
  private update<T>(key: string, now: number, change: (w: FileWindow) => T): Promise<T | undefined> {
    const run = async (): Promise<T | undefined> => {
      const path = this.file(key);
      let release: (() => Promise<void>) | undefined;
      try {
        ensurePrivateFolder(this.folder);
        release = await lockfile.lock(path, {
          realpath: false,
          lockfilePath: `${path}.lock`,
          stale: 5000,
          update: 2000,
          retries: { retries: 200, factor: 1.2, minTimeout: 1, maxTimeout: 20, randomize: true },
          onCompromised: () => undefined,
        });
        let w: FileWindow;
        try {
          w = JSON.parse(await readFile(path, 'utf8')) as FileWindow;
          if (typeof w !== 'object' || w === null || typeof w.inFlight !== 'object') throw new Error('not a window');
        } catch {
          w = { remaining: undefined, reset: 0, resetAt: 0, inFlight: {} };
        }
        const result = change(w);
        const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
        const handle = await open(tmp, 'wx', 0o600);
        try {
          await handle.writeFile(JSON.stringify(w));
        } finally {
          await handle.close();
        }
        await rename(tmp, path).catch(async (e: unknown) => {
          await unlink(tmp).catch(() => undefined);
          throw e;
        });
        return result;
      } catch {
        // No usable file (a read-only folder, a lock never freed): this process's own budget.
        this.broken = true;
        return undefined;
      } finally {
        await release?.().catch(() => undefined);
      }
    };
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }
}

const BY_FOLDER = new Map<string, SharedRateBudget>();

/** The process's shared budget for a config folder (one per folder). */
export function sharedBudget(folder: string): SharedRateBudget {
  let b = BY_FOLDER.get(folder);
  if (!b) {
    b = new SharedRateBudget(folder);
    BY_FOLDER.set(folder, b);
  }
  return b;
}
