/**
 * Everything one running emulator holds: options, data, clock, journal, faults and rate limits.
 */
import { Clock } from './clock.js';
import { Faults } from './faults.js';
import { Journal } from './journal.js';
import type { ResolvedOptions } from './options.js';
import { RateLimiter } from './rate-limit.js';
import { seedStore } from './seed/index.js';
import type { Store } from './store.js';

export class EmulatorState {
  readonly clock = new Clock();
  readonly journal = new Journal();
  readonly faults = new Faults();
  readonly limiter: RateLimiter;
  store: Store;
  #url = '';

  constructor(readonly options: ResolvedOptions) {
    this.limiter = new RateLimiter(options.rateLimits, options.rateWindow);
    this.store = seedStore(options);
  }

  now(): number {
    return this.clock.now();
  }

  /** Base URL once listening, e.g. http://127.0.0.1:8765. */
  get url(): string {
    return this.#url;
  }

  /** Where the emulator listens: web URLs in payloads and Location headers point there. */
  listeningAt(url: string): void {
    this.#url = url;
    this.store.webUrl = url;
  }

  /** `POST /_emulator/reset`: the seeded data again, a fresh clock, journal, faults and limits. */
  reset(): void {
    this.store = seedStore(this.options);
    if (this.#url) this.store.webUrl = this.#url;
    this.clock.reset();
    this.journal.clear();
    this.faults.clear();
    this.limiter.reset();
  }
}
