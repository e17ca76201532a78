/**
 * Bad input of every kind gets Backlog's error answer — never a crash or a stack trace — and the
 * emulator's controls (journal, faults, clock, reset, export) behave as ARCHITECTURE.md §9 specifies.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, backlogClient, control, journal, startTestEmulator, type RunningEmulator } from '../../helpers/emulator.js';

/** What backlog-js rejects with on an API error (BacklogApiError: status and Backlog's body). */
interface BacklogApiErrorLike {
  status?: number;
  body?: { errors: { message: string; code: number }[] };
}
import { assertBacklogError, assertShape } from '../../helpers/shape.js';
import { emu, freshEmulator } from '../harness.js';

export function errorsContract(): void {
  before(freshEmulator);

  test("an unknown path under /api/v2 is 404 with code 6 in Backlog's error body", async () => {
    const r = await api(emu(), 'GET', '/no/such/thing');
    assert.equal(r.status, 404);
    assertBacklogError(r.body, 6);
  });

  test('a known path with the wrong method is 405 naming the allowed methods', async () => {
    const r = await api(emu(), 'DELETE', '/space');
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'GET');
    assertBacklogError(r.body, 7, 'GET');
  });

  test('an unknown parameter is 400 / code 7 naming it', async () => {
    const r = await api(emu(), 'GET', '/issues', { query: { projectIds: '1' } });
    assert.equal(r.status, 400);
    assertBacklogError(r.body, 7, 'projectIds');
  });

  test('an array parameter without brackets is refused with the form that works', async () => {
    const r = await api(emu(), 'GET', '/issues', { query: { projectId: '1' } });
    assert.equal(r.status, 400);
    assertBacklogError(r.body, 7, 'projectId[]');
  });

  test('wrong types are 400 naming the parameter', async () => {
    for (const [name, value] of [
      ['count', 'ten'],
      ['offset', '-1'],
      ['createdSince', '2026/01/01'],
      ['attachment', 'yes'],
      ['statusId[]', 'open'],
    ] as const) {
      const r = await api(emu(), 'GET', '/issues', { query: { [name]: value } });
      assert.equal(r.status, 400, `${name}=${value}`);
      assertBacklogError(r.body, 7, name.replace('[]', ''));
    }
  });

  test('count=0 and count=101 are refused as Backlog does; count=100 and count=1 work', async () => {
    for (const count of ['0', '101']) {
      const r = await api(emu(), 'GET', '/issues', { query: { count } });
      assert.equal(r.status, 400);
      assertBacklogError(r.body, 7, 'count');
    }
    for (const count of ['1', '100']) {
      const r = await api(emu(), 'GET', '/issues', { query: { count } });
      assert.equal(r.status, 200);
      assert.equal((r.body as unknown[]).length, Math.min(Number(count), 50));
    }
  });

  test('a missing required field is 400 naming it, and nothing is created', async () => {
    const before = ((await api(emu(), 'GET', '/issues/count')).body as { count: number }).count;
    const r = await api(emu(), 'POST', '/issues', { form: { projectId: '1', issueTypeId: '1', priorityId: '3' } });
    assert.equal(r.status, 400);
    assertBacklogError(r.body, 7, 'summary');
    const after = ((await api(emu(), 'GET', '/issues/count')).body as { count: number }).count;
    assert.equal(after, before);
  });

  // Backlog's error body is an array with one entry per problem
  // (https://developer.nulab.com/docs/backlog/error-response/); add-issue names four required
  // parameters (https://developer.nulab.com/docs/backlog/api/2/add-issue).
  test('an empty POST /issues through backlog-js names every missing parameter, one errors entry each', async () => {
    const e = await backlogClient(emu())
      .postIssue({} as never)
      .then(
        () => assert.fail('expected 400'),
        (x: unknown) => x as BacklogApiErrorLike,
      );
    assert.equal(e.status, 400);
    const errors = e.body?.errors ?? [];
    assert.deepEqual(
      errors.map((x) => x.code),
      [7, 7, 7, 7],
    );
    for (const [i, name] of ['projectId', 'summary', 'issueTypeId', 'priorityId'].entries()) {
      assert.match(errors[i]?.message ?? '', new RegExp(`'${name}'`), JSON.stringify(errors));
    }
  });

  test('every kind of bad parameter in one request gets its own entry: unknown, malformed, out of range', async () => {
    const r = await api(emu(), 'GET', '/issues', { query: { bogus: '1', count: '101', createdSince: '2026/01/01', 'statusId[]': 'open' } });
    assert.equal(r.status, 400);
    const errors = (r.body as { errors: { message: string; code: number }[] }).errors;
    assert.equal(errors.length, 4, JSON.stringify(errors));
    for (const name of ['bogus', 'count', 'createdSince', 'statusId[]'])
      assert.ok(
        errors.some((x) => x.message.includes(`'${name}'`) && x.code === 7),
        name,
      );
  });

  test('well-formed parameters that refer to nothing are all named too (issue type and priority)', async () => {
    const r = await api(emu(), 'POST', '/issues', { form: { projectId: '1', summary: 's', issueTypeId: '99999', priorityId: '9', 'categoryId[]': '99999' } });
    assert.equal(r.status, 400);
    const messages = (r.body as { errors: { message: string }[] }).errors.map((x) => x.message);
    for (const name of ['issueTypeId', 'priorityId', 'categoryId[]'])
      assert.ok(
        messages.some((m) => m.includes(`'${name}'`)),
        `${name} in ${JSON.stringify(messages)}`,
      );
  });

  test('a JSON body where Backlog expects a form is 400 saying which encoding to use', async () => {
    const r = await api(emu(), 'POST', '/issues', { body: JSON.stringify({ summary: 'x' }), headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 400);
    assertBacklogError(r.body, 7, 'application/x-www-form-urlencoded');
  });

  test('a malformed multipart body is 400, and an upload without a file part is 400 naming file', async () => {
    const bad = await api(emu(), 'POST', '/space/attachment', {
      body: '--x\r\nnot really multipart',
      headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
    });
    assert.equal(bad.status, 400);
    assertBacklogError(bad.body, 7);
    const form = new FormData();
    form.append('name', 'no file here');
    const missing = await api(emu(), 'POST', '/space/attachment', { body: form });
    assert.equal(missing.status, 400);
    assertBacklogError(missing.body, 7, 'file');
  });

  test('a wrong API key, a malformed or unknown Bearer token and no credentials are 401 / code 11 with WWW-Authenticate', async () => {
    const wrongKey = await api(emu(), 'GET', '/space', { apiKey: 'not-a-key' });
    const noCredentials = await api(emu(), 'GET', '/space', { apiKey: null });
    const badBearer = await api(emu(), 'GET', '/space', { apiKey: null, headers: { authorization: 'Bearer nope' } });
    const malformed = await api(emu(), 'GET', '/space', { apiKey: null, headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    for (const r of [wrongKey, noCredentials, badBearer, malformed]) {
      assert.equal(r.status, 401);
      assertBacklogError(r.body, 11);
      assert.ok(r.headers.get('www-authenticate'), 'WWW-Authenticate header');
    }
    assert.match(badBearer.headers.get('www-authenticate') ?? '', /invalid_token/);
    assert.ok(!wrongKey.text.includes('not-a-key'), 'the rejected key is not echoed');
  });

  test('the Backlog-API-Key header authenticates like the apiKey parameter', async () => {
    const r = await api(emu(), 'GET', '/users/myself', { apiKey: null, headers: { 'backlog-api-key': emu().apiKey } });
    assert.equal(r.status, 200);
  });

  test('no request in this suite was answered with a 500', async () => {
    const entries = await journal(emu());
    assert.deepEqual(
      entries.filter((e) => e.status >= 500),
      [],
    );
  });

  test('the journal records method, path, query without apiKey, form with secrets masked, status, category, user, time and fault', async () => {
    await control(emu(), 'DELETE', 'journal');
    await api(emu(), 'GET', '/issues', { query: { 'statusId[]': ['1', '2'], count: '5' } });
    await api(emu(), 'POST', '/users', {
      form: { userId: 'journal.check', password: 'sup3r-secret-pw', name: 'J', mailAddress: 'j@example.com', roleType: '2' },
    });
    const [list, create] = await journal(emu());
    assertShape(list, {
      method: 'string',
      path: 'string',
      query: 'object',
      form: 'object',
      status: 'number',
      category: 'string',
      user: 'number',
      at: 'string',
      fault: { nullable: 'string' },
    });
    assert.deepEqual(list?.query, { 'statusId[]': ['1', '2'], count: '5' });
    assert.equal(list?.category, 'search');
    assert.equal(list?.user, 1);
    assert.ok(!JSON.stringify(list).includes(emu().apiKey));
    assert.equal(create?.method, 'POST');
    assert.ok((create?.status ?? 0) >= 200 && (create?.status ?? 0) < 300, 'user created');
    assert.equal(create?.category, 'update');
    assert.equal(create?.form.password, '***');
    assert.ok(!JSON.stringify(await journal(emu())).includes('sup3r-secret-pw'));
  });

  test("a status fault answers with Backlog's error body; skip and times pick exactly which request fails", async () => {
    await control(emu(), 'POST', 'faults', { method: 'GET', pathPattern: '^/api/v2/priorities$', skip: 1, times: 1, action: 'status', status: 503 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api(emu(), 'GET', '/priorities')).status);
    assert.deepEqual(statuses, [200, 503, 200]);
    const entries = (await journal(emu())).filter((e) => e.path === '/api/v2/priorities');
    assert.deepEqual(
      entries.slice(-3).map((e) => e.fault),
      [null, 'status', null],
    );
  });

  test('an injected 429 carries code 13 and rate-limit headers', async () => {
    await control(emu(), 'POST', 'faults', { pathPattern: '^/api/v2/resolutions$', action: 'status', status: 429 });
    const r = await api(emu(), 'GET', '/resolutions');
    assert.equal(r.status, 429);
    assertBacklogError(r.body, 13);
    assert.equal(r.headers.get('x-ratelimit-remaining'), '0');
    assert.ok(Number(r.headers.get('x-ratelimit-reset')) > Date.now() / 1000);
    // The category's real limit, as on every other answer (a limit of 0 would say no window ever opens).
    const normal = await api(emu(), 'GET', '/resolutions');
    assert.equal(r.headers.get('x-ratelimit-limit'), normal.headers.get('x-ratelimit-limit'));
    assert.ok(Number(r.headers.get('x-ratelimit-limit')) > 0);
  });

  test('a delay fault holds the response for the given time', async () => {
    await control(emu(), 'POST', 'faults', { pathPattern: '^/api/v2/space$', action: 'delay', ms: 300 });
    const t = Date.now();
    const r = await api(emu(), 'GET', '/space');
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t >= 280, `took ${Date.now() - t} ms`);
  });

  test('drop-before closes the connection without processing; drop-after processes, then closes', async () => {
    const count = async () => ((await api(emu(), 'GET', '/issues/1/comments/count')).body as { count: number }).count;
    const start = await count();
    await control(emu(), 'POST', 'faults', { method: 'POST', pathPattern: '^/api/v2/issues/1/comments$', action: 'drop-before' });
    await assert.rejects(api(emu(), 'POST', '/issues/1/comments', { form: { content: 'dropped before' } }));
    assert.equal(await count(), start, 'drop-before: not written');
    await control(emu(), 'POST', 'faults', { method: 'POST', pathPattern: '^/api/v2/issues/1/comments$', action: 'drop-after' });
    await assert.rejects(api(emu(), 'POST', '/issues/1/comments', { form: { content: 'dropped after' } }));
    assert.equal(await count(), start + 1, 'drop-after: written although the client saw no answer');
    const faults = (await journal(emu())).filter((e) => e.method === 'POST' && e.path === '/api/v2/issues/1/comments').map((e) => e.fault);
    assert.deepEqual(faults, ['drop-before', 'drop-after']);
  });

  test('malformed fault specs are refused with a reason; faults can be listed and cleared', async () => {
    await assert.rejects(control(emu(), 'POST', 'faults', { action: 'explode', pathPattern: 'x' }), /action must be one of/);
    await assert.rejects(control(emu(), 'POST', 'faults', { action: 'status', pathPattern: '(' }), /regular expression/);
    await control(emu(), 'POST', 'faults', { action: 'delay', pathPattern: '^/never$', ms: 1 });
    const listed = (await control(emu(), 'GET', 'faults')) as { faults: unknown[] };
    assert.ok(listed.faults.length >= 1);
    await control(emu(), 'DELETE', 'faults');
    assert.deepEqual(((await control(emu(), 'GET', 'faults')) as { faults: unknown[] }).faults, []);
  });

  test('reset restores the seeded data', async () => {
    const created = await api(emu(), 'POST', '/issues/1/comments', { form: { content: 'to be forgotten' } });
    assert.equal(created.status, 201);
    await freshEmulator();
    const comments = (await api(emu(), 'GET', '/issues/1/comments', { query: { count: '100' } })).body as { content: string }[];
    assert.ok(!comments.some((c) => c.content === 'to be forgotten'));
  });

  test("the clock control moves the emulator's time (Date header and timestamps of new data)", async () => {
    const before = Date.parse((await api(emu(), 'GET', '/space')).headers.get('date') ?? '');
    const { now } = (await control(emu(), 'POST', 'clock', { advanceSeconds: 86_400 })) as { now: string };
    assert.ok(Date.parse(now) - Date.now() > 86_000_000);
    const after = Date.parse((await api(emu(), 'GET', '/space')).headers.get('date') ?? '');
    assert.ok(after - before >= 86_000_000);
    await assert.rejects(control(emu(), 'POST', 'clock', { advanceSeconds: -5 }), /advanceSeconds/);
    await freshEmulator();
  });

  test("export returns the whole data set in Backlog's shapes", async () => {
    const data = (await control(emu(), 'GET', 'export')) as Record<string, unknown[]>;
    for (const key of ['users', 'projects', 'issues', 'comments', 'statuses', 'customFields']) {
      assert.ok(Array.isArray(data[key]) && data[key].length > 0, `export.${key}`);
    }
    assert.equal(data.issues?.length, 50);
  });
}

/** Rate limits against an emulator with Backlog's limits shrunk (a second instance). */
export function rateLimitContract(): void {
  let limited: RunningEmulator;
  before(async () => {
    limited = await startTestEmulator({ rateLimit: 'read=3,update=2,search=2', rateWindow: 2 });
  });
  after(() => limited.close());

  test('every response carries X-RateLimit-Limit, -Remaining and -Reset; past the limit it is 429 / code 13', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await api(limited, 'GET', '/priorities');
      assert.equal(r.headers.get('x-ratelimit-limit'), '3');
      remaining.push(r.headers.get('x-ratelimit-remaining') ?? '');
    }
    assert.deepEqual(remaining, ['2', '1', '0']);
    const over = await api(limited, 'GET', '/priorities');
    assert.equal(over.status, 429);
    assertBacklogError(over.body, 13);
    const reset = Number(over.headers.get('x-ratelimit-reset'));
    assert.ok(reset * 1000 > Date.now() - 1000 && reset * 1000 <= Date.now() + 3000);
  });

  test('search and update requests have budgets of their own', async () => {
    assert.equal((await api(limited, 'GET', '/issues')).headers.get('x-ratelimit-limit'), '2');
    assert.equal((await api(limited, 'GET', '/issues')).status, 200);
    assert.equal((await api(limited, 'GET', '/issues')).status, 429);
  });

  test('the window resets once its time has passed', async () => {
    await control(limited, 'POST', 'clock', { advanceSeconds: 3 });
    const r = await api(limited, 'GET', '/priorities');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-ratelimit-remaining'), '2');
  });
}
