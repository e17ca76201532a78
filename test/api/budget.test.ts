/**
 * The in-process rate-limit budget (api/budget.ts, NET-6) on a fake clock with injected answers:
 * where a window ends, and which answers replace what it knew.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BACKLOG_WINDOW_MS, OPENER_SLACK_MS, RateBudget } from '../../src/api/budget.js';

const KEY = 'https://space.example\nkey:u1\nsearch';
/** A quarter past a whole second: Date (whole seconds) reads 250 ms behind. */
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0, 250);

function answer(at: number, limit: number, remaining: number, reset: number): Headers {
  return new Headers({
    date: new Date(at).toUTCString(),
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': String(reset),
  });
}

describe("where a window ends (the budget's wait at 0 remaining)", () => {
  test("Backlog's minute: a minute and 100 ms after the answer to the window's first request, though the reset is rounded up", () => {
    const b = new RateBudget(1000);
    assert.equal(b.reserve(KEY, T0), 0);
    // The window opened at T0 (the server's clock is ours); its end, T0 + 60 s, is reported rounded up.
    b.settle(KEY, answer(T0 + 30, 2, 1, Math.ceil((T0 + 60_000) / 1000)), T0 + 50);
    assert.equal(b.reserve(KEY, T0 + 60), 0);
    b.settle(KEY, answer(T0 + 90, 2, 0, Math.ceil((T0 + 60_000) / 1000)), T0 + 100);
    assert.equal(b.reserve(KEY, T0 + 100), T0 + 50 + BACKLOG_WINDOW_MS + OPENER_SLACK_MS - (T0 + 100));
  });

  test('another window length (a shortened emulator window): the reset measured against Date, plus the 1 s margin', () => {
    const b = new RateBudget(1000);
    const reset = Math.ceil((T0 + 10_000) / 1000);
    assert.equal(b.reserve(KEY, T0), 0);
    b.settle(KEY, answer(T0 + 30, 1, 0, reset), T0 + 50);
    // Date reads T0 − 250 ms at T0 + 50 ms: 300 ms are added to the wait, then the margin.
    assert.equal(b.reserve(KEY, T0 + 50), reset * 1000 - (T0 - 250) + 1000);
  });

  test('a first answer that was not the first request of the window (remaining below limit − 1) proves nothing', () => {
    const b = new RateBudget(1000);
    const reset = Math.ceil((T0 + 60_000) / 1000);
    assert.equal(b.reserve(KEY, T0), 0);
    b.settle(KEY, answer(T0 + 30, 3, 0, reset), T0 + 50);
    assert.equal(b.reserve(KEY, T0 + 50), reset * 1000 - (T0 - 250) + 1000);
  });
});

describe('answers that replace what the budget knew', () => {
  test('another X-RateLimit-Limit (lowered under load, or another server at the address) is the truth at once', () => {
    const b = new RateBudget(1000);
    assert.equal(b.reserve(KEY, T0), 0);
    b.settle(KEY, answer(T0, 1_000_000, 999_999, Math.ceil(T0 / 1000) + 60), T0 + 10);
    assert.equal(b.reserve(KEY, T0 + 20), 0);
    // The same window's reset, but a limit of 5 with nothing left: wait.
    b.settle(KEY, answer(T0 + 20, 5, 0, Math.ceil(T0 / 1000) + 60), T0 + 30);
    assert.ok(b.reserve(KEY, T0 + 40) > 0);
    assert.equal(b.peek(KEY).limit, 5);
  });

  test('an earlier reset is an older window while the known one lasts, and the server now once it is over', () => {
    const b = new RateBudget(1000);
    const later = Math.ceil(T0 / 1000) + 10;
    assert.equal(b.reserve(KEY, T0), 0);
    b.settle(KEY, answer(T0, 5, 3, later), T0 + 10);
    // A straggler from an older window, with nothing left in it: ignored.
    assert.equal(b.reserve(KEY, T0 + 20), 0);
    b.settle(KEY, answer(T0 + 20, 5, 0, later - 10), T0 + 30);
    assert.equal(b.peek(KEY).remaining, 3);
    // Once the known window is over, an answer with an earlier reset (the server's clock went back)
    // describes the server: nothing left, so wait.
    const over = b.peek(KEY).resetAt + 1;
    assert.equal(b.reserve(KEY, over), 0);
    b.settle(KEY, answer(over - 20_000, 5, 0, Math.ceil((over - 20_000) / 1000) + 10), over + 10);
    assert.ok(b.reserve(KEY, over + 20) > 0);
  });
});
