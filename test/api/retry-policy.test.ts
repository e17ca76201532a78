/**
 * The retry policy and its waits with a fake clock, fake sleep and fake fetch (NET-1..NET-6 in
 * docs/reliability.md B5): exact delays, so every rule is checked to the millisecond.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BacklogClient, type ApiEvent, type ClientOptions } from '../../src/api/client.js';
import { RateBudget } from '../../src/api/budget.js';
import { backoffMs, decide, type Failure } from '../../src/api/retry.js';
import { ApiError, AuthError, RateLimitError } from '../../src/errors.js';
import { redact, redactHeaders } from '../../src/util/redact.js';

/** Local clock start: a whole second, so Date headers (second resolution) are exact. */
const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
/** The server's clock runs an hour ahead of ours: waits must not care (ARCHITECTURE.md §8). */
const SKEW = 3600_000;

type Answer = { status: number; headers?: Record<string, string>; body?: unknown } | Error;

function harness(answers: Answer[], options: Partial<ClientOptions> = {}) {
  let t = T0;
  const sleeps: number[] = [];
  const calls: { url: string; method: string }[] = [];
  const events: ApiEvent[] = [];
  const fakeFetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, method: init.method ?? 'GET' });
    const a = answers.shift();
    if (!a) throw new Error('no more answers');
    if (a instanceof Error) throw a;
    const body =
      a.body === undefined ? (a.status < 300 ? '{}' : JSON.stringify({ errors: [{ message: `status ${a.status}`, code: 1 }] })) : JSON.stringify(a.body);
    return new Response(body, { status: a.status, headers: { date: new Date(t + SKEW).toUTCString(), ...a.headers } });
  }) as unknown as typeof fetch;
  const client = new BacklogClient({
    baseUrl: 'https://example.backlog.com',
    apiKey: 'unit-test-api-key-0123456789',
    fetch: fakeFetch,
    budget: new RateBudget(),
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    random: () => 0.5,
    logger: (e) => events.push(e),
    ...options,
  });
  return { client, sleeps, calls, events, now: () => t };
}

/** Epoch seconds on the server's clock, `s` seconds from now. */
const serverSeconds = (s: number): string => String((T0 + SKEW) / 1000 + s);

describe('retry policy table', () => {
  const status = (s: number): Failure => ({ kind: 'status', status: s });

  test('retries a GET on 408, 429, 500, 502, 503, 504 and on a dropped or refused connection', () => {
    for (const s of [408, 429, 500, 502, 503, 504]) assert.equal(decide('GET', status(s)), 'retry', `GET ${s}`);
    for (const kind of ['dropped', 'refused', 'timeout'] as const) assert.equal(decide('GET', { kind }), 'retry', kind);
  });

  test('never retries 400, 401, 403, 404, 409, 410 or 422, whatever the method', () => {
    for (const m of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']) {
      for (const s of [400, 401, 403, 404, 409, 410, 422]) assert.equal(decide(m, status(s)), 'fail', `${m} ${s}`);
    }
  });

  test('re-sends a write only on 429 or a refused connection; a 5xx, timeout or drop is an unknown outcome', () => {
    for (const m of ['POST', 'PATCH', 'PUT', 'DELETE']) {
      assert.equal(decide(m, status(429)), 'retry');
      assert.equal(decide(m, { kind: 'refused' }), 'retry');
      for (const s of [500, 502, 503, 504, 501]) assert.equal(decide(m, status(s)), 'unknown', `${m} ${s}`);
      assert.equal(decide(m, { kind: 'timeout' }), 'unknown');
      assert.equal(decide(m, { kind: 'dropped' }), 'unknown');
    }
  });

  test('never retries what a retry cannot fix: unknown host, untrusted certificate, proxy credentials', () => {
    for (const m of ['GET', 'POST'])
      for (const kind of ['unresolved', 'untrusted', 'proxyAuth'] as const) assert.equal(decide(m, { kind }), 'fail', `${m} ${kind}`);
  });

  test('backoff is full jitter from 500 ms, doubling, capped at 30 s', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((a) => backoffMs(a, () => 0.5)),
      [250, 500, 1000, 2000],
    );
    assert.equal(
      backoffMs(12, () => 0.5),
      15_000,
    );
    assert.equal(
      backoffMs(12, () => 0.999999),
      29_999,
    );
    assert.equal(
      backoffMs(1, () => 0),
      0,
    );
  });
});

describe('waits before a retry (fake clock)', () => {
  test('waits Retry-After seconds on a 429', async () => {
    const h = harness([{ status: 429, headers: { 'retry-after': '7' } }, { status: 200 }]);
    await h.client.get('/space');
    assert.deepEqual(h.sleeps, [7000]);
    assert.equal(h.calls.length, 2);
    assert.equal(h.client.stats().rateLimitWaits, 1);
    assert.equal(h.client.stats().rateLimitWaitMs, 7000);
  });

  test('measures an HTTP-date Retry-After against the Date header, so clock skew does not matter', async () => {
    const at = new Date(T0 + SKEW + 5000).toUTCString();
    const h = harness([{ status: 503, headers: { 'retry-after': at } }, { status: 200 }]);
    await h.client.get('/space');
    assert.deepEqual(h.sleeps, [5000]);
  });

  test('waits until X-RateLimit-Reset plus 1 s, measured against the Date header', async () => {
    const h = harness([{ status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': serverSeconds(10) } }, { status: 200 }]);
    await h.client.get('/space');
    assert.deepEqual(h.sleeps, [11_000]);
  });

  test('backs off with jitter when the server gives no wait, and gives up after 3 attempts', async () => {
    const h = harness([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 200 }]);
    await assert.rejects(h.client.get('/space'), (e: unknown) => e instanceof ApiError && e.status === 503);
    assert.deepEqual(h.sleeps, [250, 500]);
    assert.equal(h.calls.length, 3);
    assert.equal(h.client.stats().retries, 2);
    assert.equal(h.client.stats().rateLimitWaits, 0);
  });

  test('makes as many attempts as maxAttempts says', async () => {
    const h = harness([{ status: 502 }, { status: 502 }, { status: 502 }, { status: 502 }, { status: 200 }], { maxAttempts: 5 });
    await h.client.get('/space');
    assert.equal(h.calls.length, 5);
    assert.deepEqual(h.sleeps, [250, 500, 1000, 2000]);
  });

  test('jitter never shortens a server-given wait', async () => {
    const h = harness([{ status: 503, headers: { 'retry-after': '3' } }, { status: 200 }], { random: () => 0 });
    await h.client.get('/space');
    assert.deepEqual(h.sleeps, [3000]);
  });

  test('ignores X-RateLimit-Reset on a 503 while budget remains, and backs off instead', async () => {
    const h = harness([{ status: 503, headers: { 'x-ratelimit-remaining': '40', 'x-ratelimit-reset': serverSeconds(50) } }, { status: 200 }]);
    await h.client.get('/space');
    assert.deepEqual(h.sleeps, [250]);
  });
});

describe('waits that are too long (NET-5)', () => {
  test('fails at once with RateLimitError carrying the reset time when the wait exceeds maxRetryAfter', async () => {
    const h = harness([{ status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': serverSeconds(120) } }, { status: 200 }]);
    const err = await h.client.get('/space').catch((e: unknown) => e);
    assert.ok(err instanceof RateLimitError);
    assert.equal(err.resetAt, T0 + 121_000);
    assert.deepEqual(h.sleeps, []);
    assert.equal(h.calls.length, 1);
  });

  test('accepts a wait of one full Backlog window (60 s) with the default maximum', async () => {
    const h = harness([{ status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': serverSeconds(60) } }, { status: 200 }]);
    await h.client.get('/space');
    assert.deepEqual(h.sleeps, [61_000]);
  });

  test('honours a smaller maxRetryAfter', async () => {
    const h = harness([{ status: 429, headers: { 'retry-after': '10' } }], { maxRetryAfterMs: 5000 });
    await assert.rejects(h.client.get('/space'), RateLimitError);
    assert.deepEqual(h.sleeps, []);
  });

  test('fails at once when the wait would pass the statement deadline', async () => {
    const h = harness([{ status: 429, headers: { 'retry-after': '5' } }]);
    const err = await h.client.get('/space', undefined, { deadline: T0 + 2000 }).catch((e: unknown) => e);
    assert.ok(err instanceof RateLimitError);
    assert.equal(err.resetAt, T0 + 5000);
    assert.deepEqual(h.sleeps, []);
  });

  test('a backoff past the deadline fails with the error that caused it', async () => {
    const h = harness([{ status: 503 }], { random: () => 0.9 });
    await assert.rejects(h.client.get('/space', undefined, { deadline: T0 + 100 }), (e: unknown) => e instanceof ApiError && e.status === 503);
    assert.deepEqual(h.sleeps, []);
  });
});

describe('rate-limit budget (NET-6, fake clock)', () => {
  test('waits for the reset when the last answer said nothing is left, instead of drawing a 429', async () => {
    const h = harness([
      { status: 200, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': serverSeconds(10) } },
      { status: 200, headers: { 'x-ratelimit-remaining': '149', 'x-ratelimit-reset': serverSeconds(71) } },
    ]);
    await h.client.get('/issues');
    await h.client.get('/issues');
    assert.deepEqual(h.sleeps, [11_000]);
    const wait = h.events.find((e) => e.type === 'api.wait');
    assert.deepEqual(wait && { category: wait.category, delayMs: wait.delayMs }, { category: 'search', delayMs: 11_000 });
    assert.equal(h.client.stats().rateLimitWaits, 1);
    assert.equal(h.client.stats().rateLimitWaitMs, 11_000);
  });

  test('keeps one budget per category: an exhausted search budget does not hold back reads', async () => {
    const h = harness([
      { status: 200, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': serverSeconds(10) } },
      { status: 200, headers: { 'x-ratelimit-remaining': '500', 'x-ratelimit-reset': serverSeconds(30) } },
    ]);
    await h.client.get('/issues');
    await h.client.get('/projects');
    assert.deepEqual(h.sleeps, []);
  });

  test('clients of the same space and user share one budget; another user has its own', async () => {
    const budget = new RateBudget();
    const a = harness([{ status: 200, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': serverSeconds(5) } }], { budget, user: 'u1' });
    await a.client.get('/issues');
    const b = harness([{ status: 200 }], { budget, user: 'u1' });
    await b.client.get('/issues');
    assert.deepEqual(b.sleeps, [6000]);
    const c = harness([{ status: 200 }], { budget, user: 'u2' });
    await c.client.get('/issues');
    assert.deepEqual(c.sleeps, []);
  });

  test('counts requests in flight against what is left, and ignores answers from an older window', () => {
    const budget = new RateBudget(0);
    const headers = (remaining: number, reset: number) =>
      new Headers({ date: new Date(T0).toUTCString(), 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(reset) });
    const key = 'k';
    assert.equal(budget.reserve(key, T0), 0);
    budget.settle(key, headers(2, T0 / 1000 + 10), T0);
    assert.equal(budget.reserve(key, T0), 0);
    assert.equal(budget.reserve(key, T0), 0);
    assert.equal(budget.reserve(key, T0), 10_000, 'two in flight use up the two left');
    budget.settle(key, headers(1, T0 / 1000 + 10), T0);
    budget.settle(key, headers(0, T0 / 1000 + 10), T0);
    budget.settle(key, headers(5, T0 / 1000 + 5), T0);
    assert.deepEqual(budget.peek(key), { remaining: 0, limit: undefined, resetAt: T0 + 10_000 });
    assert.equal(budget.reserve(key, T0 + 10_000), 0, 'the window is over at its reset');
  });
});

describe('401 and the refresh hook', () => {
  test('a 401 is an AuthError after one request when there is no refresh hook', async () => {
    const h = harness([{ status: 401 }, { status: 200 }]);
    await assert.rejects(h.client.get('/space'), AuthError);
    assert.equal(h.calls.length, 1);
  });

  test('re-sends once, write included, when onUnauthorized resolves true', async () => {
    let refreshes = 0;
    const h = harness([{ status: 401 }, { status: 201, body: { id: 9 } }], {
      onUnauthorized: async () => {
        refreshes++;
        return true;
      },
    });
    assert.deepEqual(await h.client.send('POST', '/issues', { summary: 'x' }), { id: 9 });
    assert.equal(h.calls.length, 2);
    assert.equal(refreshes, 1);
  });

  test('a second 401 after the refresh is an AuthError, and the hook runs only once', async () => {
    let refreshes = 0;
    const h = harness([{ status: 401 }, { status: 401 }, { status: 200 }], {
      onUnauthorized: async () => {
        refreshes++;
        return true;
      },
    });
    await assert.rejects(h.client.get('/space'), AuthError);
    assert.equal(h.calls.length, 2);
    assert.equal(refreshes, 1);
  });

  test('does not re-send when the hook resolves false', async () => {
    const h = harness([{ status: 401 }], { onUnauthorized: async () => false });
    await assert.rejects(h.client.get('/space'), AuthError);
    assert.equal(h.calls.length, 1);
  });
});

describe('redaction', () => {
  test('hides apiKey and OAuth values in URLs, bearer tokens, and known secrets anywhere', () => {
    assert.equal(redact('https://x.backlog.com/api/v2/space?apiKey=abc123&count=1'), 'https://x.backlog.com/api/v2/space?apiKey=***&count=1');
    assert.equal(redact('/token?code=zzz&client_secret=s3cr3t&grant_type=x'), '/token?code=***&client_secret=***&grant_type=x');
    assert.equal(redact('Authorization: Bearer eyJhbGciOi.xyz'), 'Authorization: Bearer ***');
    assert.equal(redact('bad key SECRETSECRET42 given', ['SECRETSECRET42']), 'bad key *** given');
    assert.deepEqual(redactHeaders({ Authorization: 'Bearer t', Accept: 'application/json' }), { Authorization: '***', Accept: 'application/json' });
  });
});
