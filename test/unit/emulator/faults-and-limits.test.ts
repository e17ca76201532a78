import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Faults, FaultValidationError } from '../../../src/emulator/faults.js';
import { RateLimiter } from '../../../src/emulator/rate-limit.js';

describe('fault injection rules', () => {
  test('skip lets the first matches through, times limits how many are hit', () => {
    const faults = new Faults();
    faults.add({ method: 'PATCH', pathPattern: '^/api/v2/issues/\\d+$', skip: 16, times: 1, action: 'status', status: 503 });
    const hits = Array.from({ length: 30 }, () => faults.take('PATCH', '/api/v2/issues/7')?.action ?? null);
    assert.equal(hits.filter(Boolean).length, 1);
    assert.equal(hits.indexOf('status'), 16);
    assert.equal(faults.take('GET', '/api/v2/issues/7'), null);
  });

  test('probability hits about that share of the matches, the same ones on every run', () => {
    const run = () => {
      const faults = new Faults();
      faults.add({ pathPattern: '^/api/v2/', times: 1_000_000, action: 'drop-before', probability: 0.05 });
      return Array.from({ length: 4000 }, () => (faults.take('GET', '/api/v2/issues') ? 1 : 0));
    };
    const hits = run();
    const share = hits.reduce<number>((a, b) => a + b, 0) / hits.length;
    assert.ok(share > 0.035 && share < 0.065, `share ${share}`);
    assert.deepEqual(run(), hits);
    assert.throws(() => new Faults().add({ pathPattern: 'x', action: 'drop-before', probability: 0 }), /probability/);
  });

  test('rejects malformed fault specs with a reason', () => {
    const faults = new Faults();
    assert.throws(() => faults.add({ pathPattern: 'x', action: 'explode' }), FaultValidationError);
    assert.throws(() => faults.add({ pathPattern: '(', action: 'delay', ms: 1 }), /regular expression/);
    assert.throws(() => faults.add({ pathPattern: 'x', action: 'status', status: 200 }), /status/);
    assert.throws(() => faults.add({ pathPattern: 'x', action: 'delay' }), /ms/);
  });
});

describe('rate limiter', () => {
  test('counts per user and category, refuses past the limit, resets with the window', () => {
    const limiter = new RateLimiter({ read: 2, update: 1, search: 1, icon: 1 }, 60);
    const t0 = 1_700_000_000_000;
    assert.equal(limiter.consume(1, 'read', t0).status.remaining, 1);
    assert.equal(limiter.consume(1, 'read', t0 + 1).status.remaining, 0);
    const refused = limiter.consume(1, 'read', t0 + 2);
    assert.equal(refused.allowed, false);
    assert.equal(refused.status.reset, Math.ceil((t0 + 60_000) / 1000));
    assert.equal(limiter.consume(2, 'read', t0 + 2).allowed, true, 'another user has its own budget');
    assert.equal(limiter.consume(1, 'update', t0 + 2).allowed, true, 'another category has its own budget');
    assert.equal(limiter.consume(1, 'read', t0 + 60_000).allowed, true, 'a new window opens');
  });

  test('with limits off nothing is refused and the headers show a large budget', () => {
    const limiter = new RateLimiter(null, 60);
    for (let i = 0; i < 1000; i++) assert.equal(limiter.consume(1, 'search', i).allowed, true);
    assert.ok(limiter.peek(1, 'search', 0).remaining > 100_000);
  });
});
