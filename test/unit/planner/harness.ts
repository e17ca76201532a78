/**
 * The planner without an emulator (issue 13): the registry built from a snapshot of the space's
 * metadata (test/fixtures/planner/space.json: time zone, projects and their custom fields), DuckDB
 * only for its parser, and `plan` for any statement — a query's read plan, a write's plan holding
 * its SELECT's read plan (the write path checks the statement as it would run, then stops: no
 * request can be made, the API below throws).
 */
import { readFileSync } from 'node:fs';
import type { ParamValues } from '../../../src/sql/analyze.js';
import { createDuck, type DuckDBInstance } from '../../../src/sql/duckdb.js';
import { parseQuery } from '../../../src/sql/parse-tree.js';
import { noReads, planRead, planWrite, type Plan, type PlanOptions, type ReadPlan } from '../../../src/sql/plan.js';
import { duckText, parseStatement } from '../../../src/sql/statement.js';
import { runWrite, WriteSession } from '../../../src/sql/write.js';
import { Registry } from '../../../src/schema/registry.js';
import { issuesWithFields } from '../../../src/schema/custom-fields.js';
import { systemTables } from '../../../src/schema/system.js';
import { TABLES } from '../../../src/schema/tables/index.js';
import { connectionPropsTable } from '../../../src/config/resolve.js';

export interface SpaceSnapshot {
  timezone: string;
  today: string;
  projects: { id: number; projectKey: string; name: string }[];
  customFields: { id: number; projectId: number; typeId: number; name: string; description: string | null }[];
}

export const SPACE: SpaceSnapshot = JSON.parse(readFileSync(new URL('../../fixtures/planner/space.json', import.meta.url), 'utf8'));

/**
 * The registry a connection with IncludeCustomFields=true builds for this space (`projectsKnown`
 * false: as without it, where the plan does not know the projects).
 */
export function registryFor(space: SpaceSnapshot, projectsKnown = true): Registry {
  const registry = new Registry(
    TABLES.map((t) => (t.name === 'Issues' ? issuesWithFields(t, space.projects, space.customFields) : t)),
    { projects: projectsKnown ? space.projects : undefined },
  );
  for (const sys of systemTables({
    tables: registry.tables,
    connectionProps: connectionPropsTable(),
    productVersion: '0',
    spaceUrl: 'https://example.backlog.com',
  }))
    registry.addLocal(sys.name);
  return registry;
}

export interface Planner {
  plan(sql: string, params?: ParamValues, options?: Partial<PlanOptions>): Promise<Plan>;
  close(): void;
}

function refused(): never {
  throw new Error('the planner made a request');
}

export async function openPlanner(space: SpaceSnapshot = SPACE, projectsKnown = true): Promise<Planner> {
  const registry = registryFor(space, projectsKnown);
  const duck: DuckDBInstance = await createDuck({ timezone: space.timezone, noExternalAccess: true });
  const conn = await duck.connect();
  const env = { timezone: space.timezone };
  const readPlan = async (sql: string, offset: number, params: ParamValues, options: PlanOptions): Promise<ReadPlan> =>
    planRead(await parseQuery(conn, sql, offset), registry, params, options);
  return {
    async plan(sql, params, given = {}) {
      const options: PlanOptions = { pushdown: given.pushdown ?? true, maxRows: given.maxRows, today: space.today };
      const statement = parseStatement(sql);
      const target = statement.kind === 'explain' ? statement.inner : statement;
      switch (target.kind) {
        case 'dml': {
          const reads: ReadPlan[] = [];
          const api = { get: refused, post: refused, patch: refused, delete: refused, stats: refused } as never;
          const result = await runWrite(
            target.sql,
            params,
            {
              registry,
              duck,
              env,
              readonly: false,
              ctx: { api, env, projects: refused, myself: refused },
              select: async (q, p) => {
                reads.push(await readPlan(duckText(parseStatement(q)), 0, p, options));
                return { columns: [], rows: [] };
              },
            },
            { signal: new AbortController().signal, session: new WriteSession(), planOnly: true },
          );
          return planWrite(result.command, result.table, reads[0]);
        }
        case 'selectInto':
          return readPlan(target.into.query, target.offset, params, options);
        case 'copy':
          return target.source ? readPlan(target.source.sql, target.source.offset, params, options) : noReads();
        case 'select':
          return readPlan(target.sql, target.offset, params, options);
        default:
          return noReads();
      }
    },
    close() {
      conn.closeSync();
    },
  };
}

/** A plan as plain data (what the fixtures hold): JSON's view of the frozen value. */
export function asData(plan: Plan): unknown {
  return JSON.parse(JSON.stringify(plan));
}
