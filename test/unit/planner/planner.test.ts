/**
 * Planner unit tests from fixtures (issue 13): the plan of every statement in ./statements.ts,
 * planned against a snapshot of the space's metadata (no emulator, no request), must equal the
 * plan test/fixtures/planner/plans.json holds for it — tables, pushed filters, join keys and
 * from which step, limits, count strategy, columns, estimated requests; writes with their read
 * plan. A change to the planner shows up here as a diff of data.
 *
 * After a deliberate change: PLANNER_FIXTURES=write node scripts/run-tests.mjs test/unit/planner
 * rewrites the file; review the diff before committing it.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { asData, openPlanner, type Planner } from './harness.js';
import { STATEMENTS, type PlannedStatement } from './statements.js';

const FILE = new URL('../../fixtures/planner/plans.json', import.meta.url);

interface Fixture extends PlannedStatement {
  plan?: unknown;
  error?: string;
}

let planner: Planner;
before(async () => {
  planner = await openPlanner();
});
after(() => planner.close());

async function planned(s: PlannedStatement): Promise<Fixture> {
  try {
    return { ...s, plan: asData(await planner.plan(s.sql, s.params, s.options)) };
  } catch (e) {
    return { ...s, error: e instanceof Error ? e.message : String(e) };
  }
}

if (process.env.PLANNER_FIXTURES === 'write') {
  it('writes the fixture file', async () => {
    const out: Fixture[] = [];
    for (const s of STATEMENTS) out.push(await planned(s));
    writeFileSync(FILE, `${JSON.stringify(out, null, 1)}\n`);
  });
} else {
  const fixtures: Fixture[] = JSON.parse(readFileSync(FILE, 'utf8'));

  describe('plans from fixtures', () => {
    it('every statement has a fixture, and at least 150 of them', () => {
      assert.deepEqual(
        fixtures.map((f) => f.sql),
        STATEMENTS.map((s) => s.sql),
      );
      assert.ok(fixtures.length >= 150, `${fixtures.length} fixtures`);
    });
    for (const f of fixtures) {
      const label = `${f.sql.replace(/\s+/g, ' ').slice(0, 100)}${f.options ? ` ${JSON.stringify(f.options)}` : ''}`;
      it(label, async () => {
        const actual = await planned({ sql: f.sql, ...(f.params !== undefined ? { params: f.params } : {}), ...(f.options ? { options: f.options } : {}) });
        assert.deepEqual(actual, f);
      });
    }
  });
}
