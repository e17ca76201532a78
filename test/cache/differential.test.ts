/**
 * The cache under change (issue 15, item 3): a seeded run of rounds, each changing the space through
 * backlog-js as the administrator — issues changed, created and deleted, comments added, edited and
 * deleted, statuses and categories renamed, the querying user removed from a project and added
 * back — or writing through the cached connection itself, then asking one question of a connection
 * with AutoCache=true, CacheTolerance=0 (every query refreshes what it reads, incrementally) and of
 * one without a cache. Every cached answer must equal the fresh one.
 *
 * CACHE_DIFF_ROUNDS (default 300) and CACHE_DIFF_SEED (default 15) change the run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Backlog } from 'backlog-js';
import { connect, type Connection } from '../../src/index.js';
import { backlogClient, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

const ROUNDS = Number(process.env.CACHE_DIFF_ROUNDS ?? 300);
const SEED = Number(process.env.CACHE_DIFF_SEED ?? 15);

let emu: RunningEmulator;
let cached: Connection;
let fresh: Connection;
let admin: Backlog;
let folder: string;
let user: { id: number; apiKey: string };

before(async () => {
  emu = await startTestEmulator({ scale: 'tiny' });
  const u = emu.users.find((x) => x.roleType === 2);
  assert.ok(u?.apiKey);
  user = { id: u.id, apiKey: u.apiKey };
  folder = mkdtempSync(join(tmpdir(), 'backlog-sql-cache-diff-'));
  const base = `URL=${emu.url};ApiKey=${user.apiKey}`;
  cached = await connect(
    `${base};AutoCache=true;CacheTolerance=0;CacheLocation=${process.env.CACHE_DIFF_FILE ? join(folder, 'cache.duckdb') : 'memory://diff'}`,
  );
  fresh = await connect(base);
  admin = backlogClient(emu);
});
after(async () => {
  await cached?.close();
  await fresh?.close();
  await emu?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** mulberry32: a small seeded generator, so a failing run can be repeated exactly. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const QUERIES = [
  'SELECT Id, ProjectId, Summary, StatusId, StatusName, AssigneeName, Updated FROM Issues ORDER BY Id',
  'SELECT StatusName, count(*) AS n FROM Issues GROUP BY 1 ORDER BY 1',
  'SELECT Id, IssueId, Content, Updated FROM IssueComments ORDER BY Id',
  'SELECT IssueId, CategoryId, CategoryName FROM IssueCategories ORDER BY 1, 2',
  'SELECT Id, ProjectId, Name FROM ProjectStatuses ORDER BY 2, 1',
  'SELECT Id, ProjectId, Name FROM ProjectCategories ORDER BY 1',
  'SELECT i.Id, c.Id AS CommentId, c.Content FROM Issues i JOIN IssueComments c ON c.IssueId = i.Id WHERE i.StatusId IN (1, 2) ORDER BY 1, 2',
  'SELECT count(*) AS n FROM Issues WHERE StatusId = 1',
  'SELECT Id, Name FROM Projects ORDER BY 1',
];

function canonical(rows: unknown): string {
  return JSON.stringify(rows, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : v));
}

type Issue = { id: number; projectId: number };

test(`${ROUNDS} seeded rounds of changes: every cached answer equals a fresh one`, { timeout: 900_000 }, async () => {
  const random = rng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const projects = (await admin.getProjects({ all: true } as never)) as { id: number }[];
  const removed = new Set<number>();
  const myComments: { issueId: number; id: number }[] = [];
  const done = new Map<string, number>();
  const issues = async (): Promise<Issue[]> => (await admin.getIssues({ count: 100, sort: 'updated' } as never)) as Issue[];

  const mutations: Record<string, () => Promise<unknown>> = {
    'issue changed': async () => admin.patchIssue(pick(await issues()).id, { summary: `changed ${random().toString(36).slice(2, 8)}` }),
    'issue status': async () => admin.patchIssue(pick(await issues()).id, { statusId: 1 + Math.floor(random() * 4) } as never),
    'issue created': async () => {
      const projectId = pick(projects).id;
      const types = (await admin.getIssueTypes(projectId)) as { id: number }[];
      return admin.postIssue({ projectId, summary: `new ${random().toString(36).slice(2, 8)}`, issueTypeId: pick(types).id, priorityId: 3 });
    },
    'issue deleted': async () => {
      const all = await issues();
      if (all.length > 20) return admin.deleteIssue(pick(all).id);
      return undefined;
    },
    'comment added': async () => {
      const issue = pick(await issues());
      const c = (await admin.postIssueComments(issue.id, { content: `comment ${random().toString(36).slice(2, 8)}` })) as { id: number };
      myComments.push({ issueId: issue.id, id: c.id });
      return c;
    },
    'comment edited': async () => {
      const c = myComments.length ? pick(myComments) : undefined;
      return c ? admin.patchIssueComment(c.issueId, c.id, { content: `edited ${random().toString(36).slice(2, 8)}` }) : undefined;
    },
    'comment deleted': async () => {
      const c = myComments.length ? pick(myComments) : undefined;
      if (!c) return undefined;
      myComments.splice(myComments.indexOf(c), 1);
      return admin.deleteIssueComment(c.issueId, c.id);
    },
    'status renamed': async () => {
      const projectId = pick(projects).id;
      const statuses = (await admin.getProjectStatuses(projectId)) as { id: number }[];
      return admin.patchProjectStatus(projectId, pick(statuses).id, { name: `状態 ${random().toString(36).slice(2, 6)}` } as never);
    },
    'category renamed': async () => {
      const projectId = pick(projects).id;
      const categories = (await admin.getCategories(projectId)) as { id: number }[];
      return categories.length ? admin.patchCategories(projectId, pick(categories).id, { name: `cat ${random().toString(36).slice(2, 6)}` }) : undefined;
    },
    'user removed from a project': async () => {
      const p = pick(projects.filter((x) => !removed.has(x.id)));
      if (!p || removed.size >= projects.length - 1) return undefined;
      removed.add(p.id);
      return admin.deleteProjectUsers(p.id, { userId: user.id });
    },
    'user added back': async () => {
      const id = [...removed][0];
      if (id === undefined) return undefined;
      removed.delete(id);
      return admin.postProjectUser(id, String(user.id));
    },
    'own write through the cached connection': async () => {
      const visible = (await cached.query('SELECT Id FROM Issues ORDER BY Id')).rows as { Id: number }[];
      const id = pick(visible)?.Id;
      return id === undefined ? undefined : cached.query('UPDATE Issues SET Summary = $1 WHERE Id = $2', [`mine ${random().toString(36).slice(2, 8)}`, id]);
    },
  };
  const kinds = Object.keys(mutations);

  for (let round = 0; round < ROUNDS; round++) {
    const kind = pick(kinds);
    try {
      if ((await mutations[kind]?.()) !== undefined) done.set(kind, (done.get(kind) ?? 0) + 1);
    } catch {
      // A change the space refuses (a rename to a name in use, a status still in use…) changes nothing.
    }
    const sql = QUERIES[round % QUERIES.length] as string;
    let t = performance.now();
    const want = await fresh.query(sql);
    const tf = performance.now() - t;
    t = performance.now();
    const got = await cached.query(sql);
    if (process.env.CACHE_DIFF_DEBUG)
      console.log(round, kind, sql.slice(0, 40), want.rowCount, Math.round(tf), want.stats.requests, Math.round(performance.now() - t), got.stats.requests);
    assert.equal(canonical(got.rows), canonical(want.rows), `round ${round} (seed ${SEED}) after "${kind}": ${sql}`);
  }
  // Every kind of change happened (the seed is not lucky).
  if (ROUNDS >= 300) for (const k of kinds) assert.ok((done.get(k) ?? 0) > 0, `no "${k}" in ${ROUNDS} rounds: ${JSON.stringify([...done])}`);
});
