/**
 * EXPLAIN's estimated requests against what EXPLAIN ANALYZE then makes (issue 13), checked in the
 * emulator's request journal: exact for a per-project table whose projects the connection's metadata
 * knows (IncludeCustomFields=true reads them at connect), a lower bound the actual requests respect
 * for an Issues scan; plain EXPLAIN sends nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, SqlError, type Connection } from '../../src/index.js';
import { api, clearJournal, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { STATEMENTS } from '../unit/planner/statements.js';

let emu: RunningEmulator;
let db: Connection;
let projects: number;

before(async () => {
  emu = await startTestEmulator();
  db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};IncludeCustomFields=true`);
  projects = ((await api(emu, 'GET', '/projects', { query: { all: 'true' } })).body as unknown[]).length;
});
after(async () => {
  await db.close();
  await emu.close();
});

interface Row {
  step: number;
  table: string;
  estimatedRequests: string;
  actualRequests?: number;
}

async function explained(sql: string): Promise<{ plain: Row[]; analyzed: Row[]; journal: string[] }> {
  await clearJournal(emu);
  const plain = (await db.query(`EXPLAIN ${sql}`)).rows as unknown as Row[];
  assert.deepEqual(await journal(emu), [], 'EXPLAIN sends nothing');
  const analyzed = (await db.query(`EXPLAIN ANALYZE ${sql}`)).rows as unknown as Row[];
  return { plain, analyzed, journal: (await journal(emu)).map((e) => `${e.method} ${e.path}`) };
}

describe('estimated vs actual requests', () => {
  test('a per-project table: the estimate is exact (the project list and one request per project)', async () => {
    assert.ok(projects > 1, 'the space has several projects');
    const r = await explained('SELECT Name FROM ProjectStatuses');
    assert.equal(r.plain[0]?.estimatedRequests, String(projects + 1));
    assert.equal(r.analyzed[0]?.estimatedRequests, String(projects + 1));
    assert.equal(r.analyzed[0]?.actualRequests, projects + 1);
    assert.equal(r.journal.length, projects + 1, r.journal.join('\n'));
    assert.equal(r.journal.filter((c) => /^GET \/api\/v2\/projects\/[^/]+\/statuses$/.test(c)).length, projects);
    // The total row: every request of the statement.
    assert.equal(r.analyzed.at(-1)?.table, '(total)');
    assert.equal(r.analyzed.at(-1)?.actualRequests, r.journal.length);
  });

  test('named projects, a space-wide list and a LIMIT under 100: exact too', async () => {
    for (const [sql, expected] of [
      ['SELECT Name FROM ProjectStatuses WHERE ProjectId IN (1, 2)', 2],
      ['SELECT * FROM Priorities', 1],
      ['SELECT IssueKey FROM Issues WHERE ProjectId = 1 LIMIT 5', 1],
      ['SELECT count(*) FROM Issues WHERE ProjectId IN (1, 2)', 2],
    ] as const) {
      const r = await explained(sql);
      assert.equal(r.plain[0]?.estimatedRequests, String(expected), sql);
      assert.equal(r.analyzed[0]?.actualRequests, expected, sql);
      assert.equal(r.journal.length, expected, `${sql}\n${r.journal.join('\n')}`);
    }
  });

  test('an Issues scan: a lower bound with its rule, which the actual searches respect', async () => {
    const r = await explained('SELECT * FROM Issues');
    const estimate = r.plain[0]?.estimatedRequests ?? '';
    const bound = /^≥ (\d+) \((.+)\)$/.exec(estimate);
    assert.ok(bound, estimate);
    assert.match(bound[2] ?? '', /1 search per 100 issues/);
    const searches = r.journal.filter((c) => c === 'GET /api/v2/issues').length;
    assert.ok(searches >= Number(bound[1]), `${searches} searches ≥ ${bound[1]}`);
    assert.equal(r.analyzed[0]?.actualRequests, r.journal.length);
  });

  test('a join: the child step is unknown until its parent\u2019s keys are known, and the plan\u2019s bound holds', async () => {
    const r = await explained('SELECT i.IssueKey, c.Id FROM Issues i JOIN IssueComments c ON c.IssueId = i.Id WHERE i.ProjectId = 1 AND i.StatusId = 1');
    assert.match(r.plain[1]?.estimatedRequests ?? '', /^≥ 0 \(.*per batch of keys \(IssueId from step 1\)/);
    const total = r.analyzed.at(-1);
    const bound = /^≥ (\d+)/.exec(total?.estimatedRequests ?? '');
    assert.ok(bound, total?.estimatedRequests);
    assert.ok((total?.actualRequests ?? 0) >= Number(bound[1]));
    assert.equal(
      r.analyzed.slice(0, -1).reduce((n, s) => n + (s.actualRequests ?? 0), 0),
      r.journal.length,
    );
  });
});

describe('every read statement of the planner fixtures', () => {
  test('EXPLAIN ANALYZE: each step and the total make exactly the exact estimates, and within the bounds of the others', async () => {
    // One connection per option set the fixtures use (pushdown off, MaxRows).
    const conns = new Map<string, Connection>();
    const conn = async (o: { pushdown?: boolean; maxRows?: number } = {}) => {
      const key = JSON.stringify(o);
      let c = conns.get(key);
      if (!c) {
        const extra = `${o.pushdown === false ? ';Other="Pushdown=false"' : ''}${o.maxRows ? `;MaxRows=${o.maxRows}` : ''}`;
        c = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};IncludeCustomFields=true${extra}`);
        conns.set(key, c);
      }
      return c;
    };
    const wrong: string[] = [];
    let statements = 0;
    let exact = 0;
    try {
      for (const s of STATEMENTS) {
        const sql = s.sql.replace(/^\s*(\/\*.*?\*\/\s*)?EXPLAIN\s+(ANALYZE\s+)?(--[^\n]*\n\s*)?/i, '');
        // Writes are never run here; COPY and SELECT … INTO write files or tables.
        if (/^\s*(INSERT|UPDATE|DELETE|DESCRIBE|COPY)\b|\bINTO\b/i.test(sql)) continue;
        let rows: Row[];
        try {
          rows = (await (await conn(s.options)).query(`EXPLAIN ANALYZE ${sql}`, s.params as never)).rows as unknown as Row[];
        } catch (e) {
          // A statement planned for its plan only, which DuckDB then refuses (a bad cast, a GROUP BY error).
          if (e instanceof SqlError) continue;
          throw e;
        }
        statements++;
        for (const r of rows) {
          const estimate = r.table === '(total)' ? (r.estimatedRequests.split(';')[0] ?? '') : r.estimatedRequests;
          const actual = r.actualRequests ?? -1;
          const exactly = /^(\d+)$/.exec(estimate);
          const range = /^(\d+)–(\d+) \(/.exec(estimate);
          const atLeast = /^≥ (\d+) \(/.exec(estimate);
          if (exactly) exact++;
          const ok = exactly
            ? actual === Number(exactly[1])
            : range
              ? actual >= Number(range[1]) && actual <= Number(range[2])
              : atLeast !== null && actual >= Number(atLeast[1]);
          if (!ok) wrong.push(`${sql} | step ${r.step} ${r.table}: estimated ${estimate}, made ${actual}`);
        }
      }
    } finally {
      for (const c of conns.values()) await c.close();
    }
    assert.deepEqual(wrong, []);
    assert.ok(statements >= 150, `${statements} statements run`);
    assert.ok(exact >= 50, `${exact} exact estimates`);
  });
});
