/**
 * One rate-limit budget per key across processes (issue 11, NET-6): a CLI, a library process and
 * a wire server on one key draw on Backlog's one budget, so each must count the others' requests.
 *
 * Every request a process sends is covered by a lease taken from a small state file in the config
 * folder, `ratelimit-<hash>.json` (the hash of space, user and category: no key in the name), read
 * and written under a lock (proper-lockfile, as the token file). The file keeps what the server
 * said of the window — the smallest X-RateLimit-Remaining seen in it and its reset — and, per
 * process, how many requests it holds: leased and not sent yet, or sent and not yet reported back.
 * A lease is granted only out of `remaining − everything held`, so all processes together never
 * send more than the server said was left, whatever the timing (ARCHITECTURE.md §8):
 *  - the smallest remaining reported in a window already counts every request reported in it (the
 *    server counts in order), and every other request is still held by its process;
 *  - once the window is over (its reset, measured against the answer's `Date`, plus a margin),
 *    the next one opens with the whole limit, less what is held;
 *  - with nothing known yet (a first request on this key), one request goes alone to learn the limit.
 *
 * A lease is a quarter of what is free, at most 64 requests, so with plenty left a process takes
 * the lock once per many requests, not per request; near the end of a window leases are of one
 * request. A process reports its answers when it takes its next lease; it keeps an unused lease
 * while idle (requests spaced out in time pay no lock) until another process asks for it in the
 * file or the lease expires after a minute, and a process that died holds nothing.
 *
 * A file that cannot be used (a read-only folder, a lock not had in time) leaves this process with
 * its own budget for a while: that is reported once as a warning (statement stats, log), and the
 * file is tried again after 1 s, then after longer pauses up to 30 s.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { ensurePrivateFolder } from '../util/private-files.js';
import { observe, windowEnd, type Budget, type BudgetWarning, type BudgetWindow } from './budget.js';
import { processAlive } from '../util/process-alive.js';

/** A lease is this fraction of what is free (1/4)… */
const LEASE_SHARE = 4;
/** …and at most this many requests. */
const LEASE_MAX = 64;
/** A holding not refreshed for this long is dropped (a process frozen or gone). */
const HOLD_MS = 150_000;
/** A lease may be used for this long after it was granted (well inside HOLD_MS). */
const LEASE_MS = 60_000;
/** How long to wait when the budget is held by requests in flight or leases that may come back. */
const POLL_MS = 50;
/** A process waiting for leases others hold unused says so for this long (it asks again while it waits). */
const WANTED_MS = 1000;
/** A request that ended without an answer may have counted: held this long when no window is known. */
const UNKNOWN_MS = 61_000;
/** Pauses before trying an unusable file again. */
const RETRY_FILE_MS = [1000, 2000, 5000, 10_000, 30_000];

/** One process's holding in the file. */
interface Holding {
  pid: number;
  /** Requests leased and not sent, or sent and not reported back. */
  held: number;
  /** Of which leased and not sent: they may come back. */
  spare: number;
  /** Local time after which the holding no longer counts. */
  until: number;
}

interface SharedWindow extends BudgetWindow {
  /** The server sent no X-RateLimit-* headers at all: nothing to count. */
  unmetered?: boolean;
}

interface FileState extends SharedWindow {
  holders: Record<string, Holding>;
  /** Until when a process waits for leases others hold unused (they give them back when idle). */
  wanted?: number;
}

/** This process's state for one key. */
interface KeyState {
  /** Everything this process knows of the window: its own answers and what the file said. */
  view: SharedWindow;
  /** Requests leased from the file and not sent yet. */
  lease: number;
  /** The lease may be used until then. */
  leaseUntil: number;
  /** Requests sent and not answered. */
  sent: number;
  /** Requests that ended without an answer (they may have counted): the time each stops counting. */
  unknown: number[];
  /** This process sent the request that learns the limit. */
  probing: boolean;
  /** Date.now() of the last reserve or settle, for giving back an unused lease. */
  lastUse: number;
  idleTimer: NodeJS.Timeout | undefined;
}

export interface SharedBudgetOptions {
  /** How often an idle process with an unused lease looks whether another wants it, ms (0: only on `flush`). */
  idleMs?: number;
  /** How long to keep trying for the lock before using this process's own budget, ms. */
  lockWaitMs?: number;
}

export interface SharedBudgetStats {
  /** Successful read-change-write cycles of the state file. */
  fileUpdates: number;
  /** Times the file could not be used. */
  fileFailures: number;
}

function current(w: BudgetWindow, now: number): boolean {
  return w.remaining !== undefined && now < windowEnd(w);
}

/** What the server will still accept: the window's remaining, or the whole limit once it is over; undefined when unknown. */
function acceptable(w: SharedWindow, now: number): number | undefined {
  if (w.unmetered) return Infinity;
  if (current(w, now)) return w.remaining;
  // A limit below 1 (a proxy's or a fault's answer) cannot describe a new window: learn it again
  // with one request rather than wait for a window that would never open.
  return w.limit !== undefined && w.limit >= 1 ? w.limit : undefined;
}

/**
 * Take `from`'s knowledge of the window into `into`: a newer window replaces an older one; within
 * one window the smaller remaining is the truth (answers arrive out of order), the later
 * reset-based end the safer one, and the earlier end proven from an answer to the window's first
 * request (budget.ts `openerBound`) holds for every process. Two different limits mean one side
 * describes a server that is no more (a limit lowered under load, another server at the address):
 * the side that heard from the server last wins whole.
 */
function merge(into: SharedWindow, from: SharedWindow): void {
  if (from.limit !== undefined && into.limit !== undefined && from.limit !== into.limit) {
    if ((from.seen ?? 0) <= (into.seen ?? 0)) return;
    Object.assign(into, {
      limit: from.limit,
      unmetered: false,
      remaining: from.remaining,
      reset: from.reset,
      resetAt: from.resetAt,
      byReset: from.byReset,
      byOpener: from.byOpener,
      seen: from.seen,
    });
    return;
  }
  if (from.limit !== undefined) {
    into.limit = from.limit;
    into.unmetered = false;
  } else if (from.unmetered && into.limit === undefined) {
    into.unmetered = true;
  }
  if (from.remaining === undefined) return;
  if (from.reset > into.reset || into.remaining === undefined) {
    if (from.reset < into.reset) return;
    into.remaining = from.remaining;
    into.reset = from.reset;
    into.resetAt = from.resetAt;
    into.byReset = from.byReset;
    into.byOpener = from.byOpener;
    into.seen = from.seen;
  } else if (from.reset === into.reset) {
    into.remaining = Math.min(into.remaining, from.remaining);
    into.byReset = Math.max(into.byReset ?? into.resetAt, from.byReset ?? from.resetAt);
    const opener = Math.min(into.byOpener ?? Infinity, from.byOpener ?? Infinity);
    into.byOpener = Number.isFinite(opener) ? opener : undefined;
    into.resetAt = windowEnd(into);
    into.seen = Math.max(into.seen ?? 0, from.seen ?? 0);
  }
}

function finite(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

function liveUnknown(s: KeyState, now: number): number {
  s.unknown = s.unknown.filter((until) => until > now);
  return s.unknown.length;
}

function emptyWindow(): SharedWindow {
  return { remaining: undefined, reset: 0, resetAt: 0 };
}

export class SharedRateBudget implements Budget {
  /** This budget's name in the file: the pid (for liveness) and a nonce (two budgets in one process stay apart). */
  private readonly id = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly keys = new Map<string, KeyState>();
  /** One file update at a time in this process (the file lock is between processes). */
  private chain: Promise<unknown> = Promise.resolve();
  private readonly idleMs: number;
  private readonly lockWaitMs: number;
  private folderReady = false;
  /** While the file cannot be used: until when this process keeps its own budget, and why. */
  private aloneUntil = 0;
  private consecutiveFailures = 0;
  private warningNow: BudgetWarning | undefined;
  private episodes = 0;
  private readonly counters: SharedBudgetStats = { fileUpdates: 0, fileFailures: 0 };

  constructor(
    readonly folder: string,
    readonly marginMs = 1000,
    options: SharedBudgetOptions = {},
  ) {
    this.idleMs = options.idleMs ?? 250;
    this.lockWaitMs = options.lockWaitMs ?? 5000;
  }

  private file(key: string): string {
    return join(this.folder, `ratelimit-${createHash('sha256').update(key).digest('hex').slice(0, 24)}.json`);
  }

  private state(key: string): KeyState {
    let s = this.keys.get(key);
    if (!s) {
      s = { view: emptyWindow(), lease: 0, leaseUntil: 0, sent: 0, unknown: [], probing: false, lastUse: 0, idleTimer: undefined };
      this.keys.set(key, s);
    }
    return s;
  }

  stats(): SharedBudgetStats {
    return { ...this.counters };
  }

  /** Set while the file cannot be used and this process counts alone (a new episode each time it starts). */
  warning(): BudgetWarning | undefined {
    return this.warningNow;
  }

  async reserve(key: string, now: number): Promise<number> {
    const s = this.state(key);
    s.lastUse = Date.now();
    for (;;) {
      // A lease was granted out of what the file knew; this process's own answers since may say
      // less is left (a limit lowered, a file describing another server): they cap it.
      if (s.lease > 0 && current(s.view, now)) s.lease = Math.max(0, Math.min(s.lease, (s.view.remaining as number) - s.sent - liveUnknown(s, now)));
      if (s.lease > 0 && now < s.leaseUntil) {
        s.lease--;
        s.sent++;
        return 0;
      }
      if (now < this.aloneUntil) return this.reserveAlone(s, now);
      const grant = await this.serial(async (): Promise<number | 'again' | undefined> => {
        // An update queued before this one may have leased what this reservation needs.
        if (s.lease > 0 && now < s.leaseUntil) return 'again';
        return this.update(key, now, (f) => this.grant(f, s, now));
      });
      if (grant === 'again') continue;
      return grant ?? this.reserveAlone(s, now);
    }
  }

  async settle(key: string, headers: Headers | undefined, now: number): Promise<void> {
    const s = this.state(key);
    s.sent = Math.max(0, s.sent - 1);
    s.lastUse = Date.now();
    if (!headers) {
      // No answer: the request may have counted, in this window or (if none is known) the next.
      // Before anything is known of the key there is no budget to hold it against.
      if (s.view.limit !== undefined || s.view.remaining !== undefined) s.unknown.push(current(s.view, now) ? windowEnd(s.view) : now + UNKNOWN_MS);
    } else if (headers.has('x-ratelimit-remaining')) {
      observe(s.view, headers, now, this.marginMs);
      s.view.unmetered = false;
    } else if (s.view.limit === undefined) {
      // An answer without X-RateLimit-* headers from a server never seen to send them: nothing is counted.
      s.view.unmetered = true;
    } else {
      // Not from the metered API (a proxy's error page): it may have counted all the same.
      s.unknown.push(current(s.view, now) ? windowEnd(s.view) : now + UNKNOWN_MS);
    }
    if (s.probing) {
      // Other processes wait for the limit this answer tells.
      s.probing = false;
      await this.report(key, now, false);
    } else {
      this.scheduleIdleReturn(key, s);
    }
  }

  /** Report every key's answers and give back unused leases (on close, and in tests). */
  async flush(now = Date.now()): Promise<void> {
    for (const key of this.keys.keys()) await this.report(key, now, true);
  }

  /** Under the lock: record what this process learnt, then lease it requests out of what is free, or say how long to wait. */
  private grant(f: FileState, s: KeyState, now: number): number {
    if (now >= s.leaseUntil) s.lease = 0;
    this.share(f, s, now);
    let othersHeld = 0;
    let othersSpare = 0;
    for (const [id, h] of Object.entries(f.holders)) {
      if (id === this.id) continue;
      othersHeld += h.held;
      othersSpare += h.spare;
    }
    const mine = s.sent + liveUnknown(s, now);
    const accepts = acceptable(f, now);
    let result: number;
    if (accepts === undefined) {
      // Nothing known of this key: one request learns the limit while the others wait for it.
      if (othersHeld + mine === 0) {
        s.sent++;
        s.probing = true;
        result = 0;
      } else {
        result = POLL_MS;
      }
    } else {
      const free = accepts - othersHeld - mine;
      if (free >= 1) {
        const lease = Math.min(LEASE_MAX, Math.max(1, Math.floor(free / LEASE_SHARE)));
        s.lease = lease - 1;
        s.leaseUntil = now + LEASE_MS;
        s.sent++;
        result = 0;
      } else if (current(f, now) && accepts - (othersHeld - othersSpare) - mine <= 0) {
        // Used up, or on its way to the server: nothing more until the window is over.
        result = Math.max(1, windowEnd(f) - now);
      } else {
        // Held by requests in flight at a window's end, or by leases that may come back: ask for them.
        if (othersSpare > 0) f.wanted = now + WANTED_MS;
        result = POLL_MS;
      }
    }
    this.record(f, s, now);
    return result;
  }

  /** Both ways: the file learns this process's answers, this process learns the others'; dead or stale holdings go. */
  private share(f: FileState, s: KeyState, now: number): void {
    merge(f, s.view);
    merge(s.view, f);
    for (const [id, h] of Object.entries(f.holders)) {
      if (id !== this.id && (h.held <= 0 || h.until <= now || !processAlive(h.pid))) delete f.holders[id];
    }
  }

  private record(f: FileState, s: KeyState, now: number): void {
    const held = s.lease + s.sent + liveUnknown(s, now);
    if (held > 0) f.holders[this.id] = { pid: process.pid, held, spare: s.lease, until: now + HOLD_MS };
    else delete f.holders[this.id];
  }

  /** Tell the file what this process learnt and holds; `giveBack`: return the unused lease too. */
  private async report(key: string, now: number, giveBack: boolean): Promise<void> {
    if (now < this.aloneUntil) return;
    const s = this.state(key);
    await this.serial(() =>
      this.update(key, now, (f) => {
        if (giveBack) s.lease = 0;
        this.share(f, s, now);
        this.record(f, s, now);
      }),
    );
  }

  /**
   * While this process holds an unused lease, look at the file now and then without the lock: the
   * lease goes back once the process is idle and another process wants it (or it has expired).
   * Kept otherwise, so requests spaced out in time do not each pay for the lock.
   */
  private scheduleIdleReturn(key: string, s: KeyState): void {
    if (this.idleMs <= 0 || s.idleTimer || s.lease === 0) return;
    const check = async (): Promise<void> => {
      const now = Date.now();
      if (s.lease > 0 && s.sent === 0 && now - s.lastUse >= this.idleMs && (now >= s.leaseUntil || (await this.wanted(key, now)))) {
        s.idleTimer = undefined;
        await this.report(key, now, true);
        return;
      }
      s.idleTimer = s.lease > 0 ? setTimeout(() => void check(), this.idleMs).unref() : undefined;
    };
    s.idleTimer = setTimeout(() => void check(), this.idleMs).unref();
  }

  /** Whether another process waits for leases held unused (read without the lock: a hint is enough). */
  private async wanted(key: string, now: number): Promise<boolean> {
    try {
      const f = JSON.parse(await readFile(this.file(key), 'utf8')) as Partial<FileState>;
      return typeof f.wanted === 'number' && f.wanted > now;
    } catch {
      return false;
    }
  }

  /** This process's own budget while the file cannot be used: its answers and its own requests in flight. */
  private reserveAlone(s: KeyState, now: number): number {
    const accepts = acceptable(s.view, now) ?? Infinity;
    if (accepts - s.sent - liveUnknown(s, now) >= 1) {
      s.sent++;
      return 0;
    }
    return current(s.view, now) ? Math.max(1, windowEnd(s.view) - now) : POLL_MS;
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  /** Read, change and write the file under the lock; undefined when the file cannot be used. */
  private async update<T>(key: string, now: number, change: (f: FileState) => T): Promise<T | undefined> {
    const path = this.file(key);
    let release: (() => Promise<void>) | undefined;
    try {
      if (!this.folderReady) {
        ensurePrivateFolder(this.folder);
        this.folderReady = true;
      }
      release = await lockfile.lock(path, {
        realpath: false,
        lockfilePath: `${path}.lock`,
        stale: 10_000,
        update: 5000,
        retries: { retries: Math.ceil(this.lockWaitMs / 50), factor: 1.2, minTimeout: 2, maxTimeout: 50, randomize: true },
        onCompromised: () => undefined,
      });
      const f = await this.read(path);
      const result = change(f);
      const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      const handle = await open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(f));
      } finally {
        await handle.close();
      }
      await rename(tmp, path).catch(async (e: unknown) => {
        await unlink(tmp).catch(() => undefined);
        throw e;
      });
      this.counters.fileUpdates++;
      this.consecutiveFailures = 0;
      this.warningNow = undefined;
      return result;
    } catch (e) {
      this.unusable(path, e, now);
      return undefined;
    } finally {
      await release?.().catch(() => undefined);
    }
  }

  private async read(path: string): Promise<FileState> {
    try {
      const f = JSON.parse(await readFile(path, 'utf8')) as Partial<FileState>;
      if (typeof f === 'object' && f !== null && typeof f.reset === 'number' && typeof f.resetAt === 'number') {
        return {
          ...f,
          remaining: typeof f.remaining === 'number' ? f.remaining : undefined,
          reset: f.reset,
          resetAt: f.resetAt,
          // A bound that is not a number would make every comparison false (a window never current).
          byReset: finite(f.byReset),
          byOpener: finite(f.byOpener),
          seen: finite(f.seen),
          holders: typeof f.holders === 'object' && f.holders !== null ? f.holders : {},
        };
      }
    } catch {
      // Missing or unreadable: start over (the next answers say where the window is).
    }
    return { ...emptyWindow(), holders: {} };
  }

  /** The file cannot be used: count alone for a while, and say so once per episode. */
  private unusable(path: string, e: unknown, now: number): void {
    this.counters.fileFailures++;
    this.folderReady = false;
    const pause = RETRY_FILE_MS[Math.min(this.consecutiveFailures, RETRY_FILE_MS.length - 1)] ?? 30_000;
    this.consecutiveFailures++;
    this.aloneUntil = now + pause;
    if (!this.warningNow) {
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      this.warningNow = {
        episode: ++this.episodes,
        message: `the rate-limit state file ${path} cannot be used (${code}): this process paces itself on its own budget until it can, so other processes on the same Backlog user may draw 429 answers`,
      };
    }
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
