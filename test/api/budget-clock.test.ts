/**
 * The pacer's reading of a window's reset (NET-4, ARCHITECTURE.md §8): `Date` has whole seconds,
 * so one answer places the server's clock up to a second too early; the best of recent answers
 * places it within the round trip. With a fake clock: the reset is never placed before the real
 * one, and after a few answers it is placed within milliseconds of it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RateBudget } from '../../src/api/budget.js';

/** A whole second of local time; the server's clock runs `skew` ms ahead. */
const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);

/** Headers of an answer the server sent at its time `serverMs` (Date truncated to the second). */
function answer(serverMs: number, remaining: number, resetSeconds: number): Headers {
  return new Headers({ date: new Date(serverMs).toUTCString(), 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(resetSeconds) });
}

describe('the reset measured against Date', () => {
  test('one answer: up to a second late; more answers: within the round trip, never early', () => {
    for (const skew of [0, 3_600_000 + 437, -90_123]) {
      const budget = new RateBudget(0);
      const key = `k${skew}`;
      const reset = Math.floor((T0 + skew) / 1000) + 60;
      // The real reset in local time: the server reaches reset*1000 when our clock reads this.
      const realResetLocal = reset * 1000 - skew;
      const latency = 20;
      let remaining = 100;
      // The first answer, sent by the server 0.9 s past a second (for skew 0).
      let local = T0 + 920;
      budget.reserve(key, local);
      budget.settle(key, answer(local - latency + skew, --remaining, reset), local);
      const first = budget.peek(key).resetAt;
      // Late by what Date dropped (the server's milliseconds into its second) plus the trip back.
      const dropped = (((local - latency + skew) % 1000) + 1000) % 1000;
      assert.equal(first - realResetLocal, dropped + latency, `one answer (skew ${skew})`);
      // Answers every 137 ms for a few seconds: some are sent just after a second's turn.
      for (let i = 0; i < 40; i++) {
        local += 137;
        budget.reserve(key, local);
        budget.settle(key, answer(local - latency + skew, --remaining, reset), local);
        assert.ok(budget.peek(key).resetAt >= realResetLocal, `never early (skew ${skew}, answer ${i})`);
      }
      const best = budget.peek(key).resetAt;
      assert.ok(best <= realResetLocal + latency + 137, `within a round trip and a step: ${best - realResetLocal} ms late (skew ${skew})`);
    }
  });
});
