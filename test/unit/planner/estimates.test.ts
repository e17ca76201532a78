/**
 * Estimated requests (issue 13), from the snapshot space (no emulator, no request): a number where
 * the plan knows it — a space-wide list, a per-project table (its projects, from the metadata), named
 * ids, a LIMIT's pages, one count per IN value — and an honest lower bound with its rule where it
 * depends on data (an Issues scan, a parent's keys, the groups of a count). EXPLAIN prints `3`,
 * `1–3 (rule)` or `≥ 1 (rule)`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { planRows, type Plan, type ReadPlan, type RequestEstimate } from '../../../src/sql/plan.js';
import { openPlanner, SPACE, type Planner } from './harness.js';

let planner: Planner;
let unknownProjects: Planner;
before(async () => {
  planner = await openPlanner();
  unknownProjects = await openPlanner(SPACE, false);
});
after(() => {
  planner.close();
  unknownProjects.close();
});

const PROJECTS = SPACE.projects.length;

async function read(sql: string, p: Planner = planner): Promise<ReadPlan> {
  const plan = await p.plan(sql);
  assert.equal(plan.kind, 'read');
  return plan as ReadPlan;
}

/** Each step's estimate, as data. */
async function steps(sql: string, p: Planner = planner): Promise<RequestEstimate[]> {
  return (await read(sql, p)).steps.map((s) => ({ ...s.estimatedRequests }));
}

/** What EXPLAIN prints in its estimatedRequests column, for the fetch steps (not a `(result)` made in JS: 0). */
async function printed(sql: string): Promise<string[]> {
  return planRows(await planner.plan(sql))
    .filter((r) => r.table !== '(result)')
    .map((r) => r.estimatedRequests);
}

describe('estimated requests: exact where the plan knows', () => {
  it('a space-wide list is 1 request', async () => {
    for (const sql of ['SELECT * FROM Priorities', 'SELECT * FROM Resolutions', 'SELECT * FROM Space', 'SELECT * FROM Users', 'SELECT * FROM Projects']) {
      const [e] = await steps(sql);
      assert.equal(e?.requests, 1, sql);
      assert.equal(e?.atLeast, 1, sql);
    }
    assert.deepEqual(await printed('SELECT * FROM Priorities'), ['1']);
    // Its rows are the answer, made in JS: that row of the plan costs no request.
    assert.deepEqual(
      planRows(await planner.plan('SELECT * FROM Priorities')).map((r) => [r.table, r.estimatedRequests]),
      [
        ['Priorities', '1'],
        ['(result)', '0'],
      ],
    );
  });

  it('a per-project table costs one request per project the metadata knows, plus the project list', async () => {
    const [all] = await steps('SELECT Name FROM ProjectStatuses');
    assert.equal(all?.requests, PROJECTS + 1);
    assert.deepEqual(await printed('SELECT Name FROM ProjectCategories'), [String(PROJECTS + 1)]);
  });

  it('named projects: their number, the project list only when the statement needs it', async () => {
    assert.equal((await steps('SELECT Name FROM ProjectStatuses WHERE ProjectId IN (1, 2)'))[0]?.requests, 2);
    // ProjectKey read: the list gives it.
    assert.equal((await steps('SELECT Name, ProjectKey FROM ProjectStatuses WHERE ProjectId IN (1, 2)'))[0]?.requests, 3);
    // Keys in the path (statuses carry their projectId): no list.
    assert.equal((await steps("SELECT * FROM ProjectStatuses WHERE ProjectKey = 'WEB'"))[0]?.requests, 1);
    // Users of a project do not carry it: the list resolves the key.
    assert.equal((await steps("SELECT * FROM ProjectUsers WHERE ProjectKey = 'APP'"))[0]?.requests, 2);
    // A key no project has: only the list.
    assert.equal((await steps("SELECT * FROM ProjectUsers WHERE ProjectKey = 'NOPE'"))[0]?.requests, 1);
  });

  it('without the projects in the metadata, a per-project table is at least the project list', async () => {
    const [e] = await steps('SELECT Name FROM ProjectStatuses', unknownProjects);
    assert.deepEqual({ requests: e?.requests, atLeast: e?.atLeast }, { requests: undefined, atLeast: 1 });
    assert.match(e?.rule ?? '', /1 request per project/);
    // Named ids need no list, metadata or not.
    assert.equal((await steps('SELECT Name FROM ProjectStatuses WHERE ProjectId = 3', unknownProjects))[0]?.requests, 1);
  });

  it('the project list is read once per statement: a later step does not count it again', async () => {
    const plan = await read('SELECT Name FROM ProjectStatuses UNION ALL SELECT Name FROM ProjectCategories');
    assert.deepEqual(
      plan.steps.map((s) => s.estimatedRequests.requests),
      [PROJECTS + 1, PROJECTS],
    );
    assert.match(plan.steps[1]?.estimatedRequests.rule ?? '', /the project list: step 1's/);
    assert.equal(plan.estimatedRequests.requests, 2 * PROJECTS + 1);
  });

  it('named issue ids: one search per 100 of them', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => i + 1).join(', ');
    assert.equal((await steps(`SELECT * FROM Issues WHERE Id IN (${ids})`))[0]?.requests, 2);
    assert.equal((await steps('SELECT * FROM Issues WHERE Id = 3'))[0]?.requests, 1);
  });

  it('a LIMIT caps an Issues search at ⌈limit / 100⌉ pages', async () => {
    assert.equal((await steps('SELECT * FROM Issues LIMIT 5'))[0]?.requests, 1);
    const [e] = await steps('SELECT * FROM Issues WHERE ProjectId = 1 LIMIT 250');
    assert.deepEqual({ requests: e?.requests, atLeast: e?.atLeast, atMost: e?.atMost }, { requests: undefined, atLeast: 1, atMost: 3 });
    assert.deepEqual(await printed('SELECT * FROM Issues WHERE ProjectId = 1 LIMIT 250'), ['1–3 (1 search per 100 matching issues)']);
    // An ORDER BY may need more pages (empty values, ties): no cap.
    assert.equal((await steps('SELECT * FROM Issues WHERE ProjectId = 1 ORDER BY Created DESC LIMIT 3'))[0]?.atMost, undefined);
  });

  it('COUNT(*) without groups: one count per value of an IN list', async () => {
    assert.equal((await steps('SELECT count(*) FROM Issues WHERE ProjectId = 1'))[0]?.requests, 1);
    assert.equal((await steps('SELECT count(*) FROM Issues WHERE ProjectId IN (1, 2)'))[0]?.requests, 2);
  });
});

describe('estimated requests: a lower bound and the rule where data decides', () => {
  it('an Issues scan: at least 1 search, 1 per 100 matching issues', async () => {
    const [e] = await steps('SELECT * FROM Issues WHERE ProjectId = 1');
    assert.deepEqual(e, { requests: undefined, atLeast: 1, atMost: undefined, rule: '1 search per 100 matching issues' });
    assert.deepEqual(await printed('SELECT * FROM Issues WHERE ProjectId = 1'), ['≥ 1 (1 search per 100 matching issues)']);
    // ProjectKey: the project list first.
    const [keyed] = await steps("SELECT * FROM Issues WHERE ProjectKey = 'WEB'");
    assert.equal(keyed?.atLeast, 2);
    assert.match(keyed?.rule ?? '', /\+1 for the project list/);
  });

  it('a counted GROUP BY: the value list and at least one count (how many groups, only the list tells)', async () => {
    for (const sql of [
      'SELECT StatusId, count(*) FROM Issues WHERE ProjectId = 1 GROUP BY StatusId',
      'SELECT PriorityName, count(*) FROM Issues WHERE ProjectId = 1 GROUP BY PriorityName',
      // Space-wide: the total first, then counts or pages.
      'SELECT StatusName, count(*) FROM Issues GROUP BY 1',
    ]) {
      const plan = await read(sql);
      assert.ok(plan.steps[0]?.count, `${sql} is counted`);
      assert.deepEqual(
        { requests: plan.steps[0]?.estimatedRequests.requests, atLeast: plan.steps[0]?.estimatedRequests.atLeast },
        { requests: undefined, atLeast: 2 },
        sql,
      );
      assert.match(plan.steps[0]?.estimatedRequests.rule ?? '', /1 count request per/);
    }
  });

  it('a step restricted by a parent\u2019s keys: unknown until it runs (no keys, no request)', async () => {
    const plan = await read('SELECT i.Summary, c.Content FROM Issues i JOIN IssueComments c ON c.IssueId = i.Id WHERE i.ProjectId = 1');
    const child = plan.steps[1]?.estimatedRequests;
    assert.deepEqual({ requests: child?.requests, atLeast: child?.atLeast }, { requests: undefined, atLeast: 0 });
    assert.match(child?.rule ?? '', /per batch of keys \(IssueId from step 1\)/);
    assert.deepEqual({ requests: plan.estimatedRequests.requests, atLeast: plan.estimatedRequests.atLeast }, { requests: undefined, atLeast: 1 });
  });

  it('a write: its reads, then one request per changed row', async () => {
    const update: Plan = await planner.plan("UPDATE Issues SET Summary = 'x' WHERE Id = 1");
    assert.equal(update.kind, 'write');
    if (update.kind !== 'write') return;
    assert.equal(update.read?.estimatedRequests.requests, 1);
    assert.deepEqual({ requests: update.estimatedRequests.requests, atLeast: update.estimatedRequests.atLeast }, { requests: undefined, atLeast: 1 });
    assert.equal(planRows(update).at(-1)?.estimatedRequests, '≥ 1 (the reads above, then 1 PATCH per matching row, none for a row already at its new values)');
    const insert = await planner.plan("INSERT INTO IssueComments (IssueKey, Content) VALUES ('WEB-1', 'hello')");
    assert.equal(planRows(insert).at(-1)?.estimatedRequests, '≥ 0 (1 POST per row inserted)');
  });

  it('a plan is frozen, its estimates too', async () => {
    const plan = await read('SELECT * FROM Issues WHERE ProjectId = 1');
    assert.ok(Object.isFrozen(plan.estimatedRequests));
    assert.ok(Object.isFrozen(plan.steps[0]?.estimatedRequests));
  });
});
