/**
 * The cache file shared between processes (issue 15, item 3): a refresh killed with SIGKILL in the
 * middle leaves a file the next query opens and completes (equal to a fresh answer), and two
 * processes querying through one CacheLocation at once both get correct answers (DuckDB admits one
 * read-write opener: they take turns under the cache's lock file).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connect } from '../../src/index.js';
import { backlogClient, control, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

const CHILD = new URL('./cache-child.ts', import.meta.url).pathname;
const SQL = 'SELECT i.Id, i.Summary, c.Id AS CommentId, c.Content FROM Issues i LEFT JOIN IssueComments c ON c.IssueId = i.Id ORDER BY 1, 3';

let emu: RunningEmulator;
let folder: string;

before(async () => {
  emu = await startTestEmulator({ scale: 'tiny' });
  folder = mkdtempSync(join(tmpdir(), 'backlog-sql-cache-proc-'));
});
after(async () => {
  await emu?.close();
  rmSync(folder, { recursive: true, force: true });
});

function spawnChild(location: string, times: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: {
      ...process.env,
      CHILD_CONNECTION: `URL=${emu.url};ApiKey=${emu.apiKey};AutoCache=true;CacheTolerance=0;CacheLocation=${location}`,
      CHILD_SQL: SQL,
      CHILD_TIMES: String(times),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function freshAnswer(): Promise<string> {
  const db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
  try {
    return JSON.stringify((await db.query(SQL)).rows, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : v));
  } finally {
    await db.close();
  }
}

test('a refresh killed with SIGKILL midway: the next query opens the file and completes the refresh, equal to a fresh answer', {
  timeout: 120_000,
}, async () => {
  const location = join(folder, 'killed.duckdb');
  const first = spawnChild(location, 1);
  assert.equal((await first.exited).code, 0, first.err());
  // Change the space, then hold the refresh's first comment read until the child is killed:
  // Issues is refreshed and committed by then, IssueComments not.
  const admin = backlogClient(emu);
  const issues = (await admin.getIssues({ count: 3 })) as unknown as { id: number }[];
  const [a, b] = issues;
  assert.ok(a && b);
  await admin.postIssueComments(a.id, { content: 'written before the crash' });
  await admin.patchIssue(b.id, { summary: 'changed before the crash' });
  await control(emu, 'DELETE', 'journal');
  await control(emu, 'POST', 'faults', { method: 'GET', pathPattern: '^/api/v2/issues/[^/]+/comments$', skip: 0, times: 1, action: 'delay', ms: 30_000 });
  const victim = spawnChild(location, 1);
  const commentReads = async () => (await journal(emu)).filter((r) => /\/comments$/.test(r.path)).length;
  for (let i = 0; i < 1500 && (await commentReads()) < 1; i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok((await commentReads()) >= 1, `the child reached the comment refresh: ${victim.err()}`);
  victim.child.kill('SIGKILL');
  assert.equal((await victim.exited).signal, 'SIGKILL');
  await control(emu, 'DELETE', 'faults');
  // The next process waits for the dead holder's lock to go stale, opens the file, completes the refresh.
  const next = spawnChild(location, 1);
  assert.equal((await next.exited).code, 0, next.err());
  assert.equal(next.out().trim(), await freshAnswer());
  assert.match(next.out(), /written before the crash/);
});

test('two processes sharing one CacheLocation at once both answer correctly', { timeout: 120_000 }, async () => {
  const location = join(folder, 'shared.duckdb');
  const want = await freshAnswer();
  const [p, q] = [spawnChild(location, 4), spawnChild(location, 4)];
  const [pe, qe] = await Promise.all([p.exited, q.exited]);
  assert.equal(pe.code, 0, p.err());
  assert.equal(qe.code, 0, q.err());
  for (const out of [p.out(), q.out()]) {
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 4);
    for (const line of lines) assert.equal(line, want);
  }
});
