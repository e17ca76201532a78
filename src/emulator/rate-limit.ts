/**
 * Backlog's rate limits (backlog-api.md §5): per user and request type, a window that opens with
 * the first request and lasts `rateWindow` seconds (a minute on Backlog). Every API response
 * carries X-RateLimit-Limit / -Remaining / -Reset (epoch seconds); over the limit → 429 / code 13.
 */
import type { RateLimits } from './options.js';

export type LimitedCategory = keyof RateLimits;

interface Window {
  start: number;
  used: number;
}

export interface RateStatus {
  limit: number;
  remaining: number;
  /** Epoch seconds at which the window resets. */
  reset: number;
}

/** Reported when limits are off: large, so clients never throttle. */
const UNLIMITED = 1_000_000;

export class RateLimiter {
  private windows = new Map<string, Window>();

  constructor(
    private readonly limits: RateLimits | null,
    private readonly windowSeconds: number,
  ) {}

  limitOf(category: LimitedCategory): number {
    return this.limits ? this.limits[category] : UNLIMITED;
  }

  private window(userId: number, category: LimitedCategory, now: number): Window {
    const key = `${userId}:${category}`;
    let w = this.windows.get(key);
    if (!w || now >= w.start + this.windowSeconds * 1000) {
      w = { start: now, used: 0 };
      this.windows.set(key, w);
    }
    return w;
  }

  private status(w: Window, category: LimitedCategory): RateStatus {
    const limit = this.limitOf(category);
    return {
      limit,
      remaining: Math.max(0, limit - w.used),
      reset: Math.ceil((w.start + this.windowSeconds * 1000) / 1000),
    };
  }

  /** Count one request; `allowed` is false (and nothing counted) when over the limit. */
  consume(userId: number, category: LimitedCategory, now: number): { allowed: boolean; status: RateStatus } {
    const w = this.window(userId, category, now);
    if (this.limits && w.used >= this.limits[category]) return { allowed: false, status: this.status(w, category) };
    w.used++;
    return { allowed: true, status: this.status(w, category) };
  }

  /**
   * Current budget without counting (for GET /rateLimit). A category with no open window reports
   * its full limit and opens nothing: the window starts with the first counted request.
   */
  peek(userId: number, category: LimitedCategory, now: number): RateStatus {
    const w = this.windows.get(`${userId}:${category}`);
    if (!w || now >= w.start + this.windowSeconds * 1000) return this.status({ start: now, used: 0 }, category);
    return this.status(w, category);
  }

  reset(): void {
    this.windows.clear();
  }
}
