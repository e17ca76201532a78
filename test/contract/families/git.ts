/**
 * Git repositories and pull requests (docs/backlog-api.md §11.3, §7.17-§7.18), driven with
 * backlog-js, with raw calls for status codes, bad input, other users and the attachment DELETE
 * (backlog-js' `deletePullRequestAttachment` sends GET).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { api, backlogClient, clientAs, control } from '../../helpers/emulator.js';
import { ATTACHMENT, COMMENT_NOTIFICATION, ISSUE, STAR, USER, arrayOf, assertBacklogError, assertShape, nullable, type Spec } from '../../helpers/shape.js';
import { emu, freshEmulator } from '../harness.js';
import { apiError, readBody, upload } from './wikis.js';

export const REPOSITORY: Spec = {
  id: 'number',
  projectId: 'number',
  name: 'string',
  description: 'string',
  hookUrl: nullable('string'),
  httpUrl: 'string',
  sshUrl: 'string',
  displayOrder: 'number',
  pushedAt: nullable('timestamp'),
  createdUser: USER,
  created: 'timestamp',
  updatedUser: USER,
  updated: 'timestamp',
};
export const PULL_REQUEST: Spec = {
  id: 'number',
  projectId: 'number',
  repositoryId: 'number',
  number: 'number',
  summary: 'string',
  description: 'string',
  base: 'string',
  branch: 'string',
  status: { id: 'number', name: 'string' },
  assignee: nullable(USER),
  issue: nullable(ISSUE),
  baseCommit: nullable('string'),
  branchCommit: nullable('string'),
  mergeCommit: nullable('string'),
  closeAt: nullable('timestamp'),
  mergeAt: nullable('timestamp'),
  createdUser: USER,
  created: 'timestamp',
  updatedUser: USER,
  updated: 'timestamp',
  attachments: arrayOf(ATTACHMENT),
  stars: arrayOf(STAR),
};
export const PR_COMMENT: Spec = {
  id: 'number',
  content: 'string',
  changeLog: arrayOf({ field: 'string', newValue: nullable('string'), originalValue: nullable('string') }),
  createdUser: USER,
  created: 'timestamp',
  updated: 'timestamp',
  stars: arrayOf(STAR),
  notifications: arrayOf(COMMENT_NOTIFICATION),
};

function keyOf(role: 1 | 2 | 3 | 4 | 5 | 6): string {
  return emu().users.find((u) => u.roleType === role)!.apiKey;
}

export function gitContract(): void {
  let repo = '';
  const base = () => `/projects/WEB/git/repositories/${repo}`;

  before(async () => {
    await freshEmulator();
    repo = (await backlogClient(emu()).getGitRepositories('WEB'))[0]!.name;
  });

  test("lists a project's repositories with Backlog's clone URLs", async () => {
    const repos = await backlogClient(emu()).getGitRepositories('WEB');
    assert.ok(repos.length > 0);
    for (const r of repos) {
      assertShape(r, REPOSITORY);
      assert.equal(r.httpUrl, `https://demospace.backlog.com/git/WEB/${r.name}.git`);
      assert.equal(r.sshUrl, `demospace@demospace.git.backlog.com:/WEB/${r.name}.git`);
    }
    assert.ok(repos.some((r) => r.hookUrl !== null) && repos.some((r) => r.hookUrl === null), 'hookUrl is set on some repositories only');
  });

  test('gets a repository by name and by id; an unknown one is 404 "No repository."', async () => {
    const client = backlogClient(emu());
    const byName = await client.getGitRepository('WEB', repo);
    assertShape(byName, REPOSITORY);
    const byId = await client.getGitRepository(1, String(byName.id));
    assert.deepEqual(byId, byName);
    const e = await apiError(client.getGitRepository('WEB', 'no-such-repo'));
    assert.equal(e.status, 404);
    assertBacklogError(e.body, 6, 'No repository');
  });

  test('answers 403 code 5 msg.featureRestrictedError.title.git for a project with Git off', async () => {
    const e = await apiError(backlogClient(emu()).getGitRepositories('OPS'));
    assert.equal(e.status, 403);
    assertBacklogError(e.body, 5, 'msg.featureRestrictedError.title.git');
  });

  test('refuses Git to roles other than administrator and normal user with 403', async () => {
    for (const role of [3, 4, 5, 6] as const) {
      const e = await apiError(clientAs(emu(), role).getGitRepositories('WEB'));
      assert.equal(e.status, 403, `role ${role}`);
      assertBacklogError(e.body, 5);
    }
    const r = await api(emu(), 'GET', `${base()}/pullRequests`, { apiKey: keyOf(3) });
    assert.equal(r.status, 403);
    assert.ok((await clientAs(emu(), 2).getGitRepositories('WEB')).length > 0);
  });

  test('lists pull requests newest first in the documented shape, filtered by status', async () => {
    const client = backlogClient(emu());
    const prs = await client.getPullRequests('WEB', repo, {});
    assert.ok(prs.length > 0);
    for (const p of prs) assertShape(p, PULL_REQUEST);
    const numbers = prs.map((p) => p.number);
    assert.deepEqual(
      numbers,
      [...numbers].sort((a, b) => b - a),
    );
    assert.ok(
      prs.some((p) => p.issue !== null),
      'some pull request links an issue',
    );
    const merged = await client.getPullRequests('WEB', repo, { statusId: [3] });
    assert.ok(merged.length > 0 && merged.every((p) => p.status.id === 3 && p.status.name === 'Merged' && p.mergeAt !== null));
    assert.deepEqual(await client.getPullRequestsCount('WEB', repo, { statusId: [3] }), { count: merged.length });
    assert.deepEqual(await client.getPullRequestsCount('WEB', repo, {}), { count: prs.length });
    const author = prs[0]!.createdUser.id;
    const mine = await client.getPullRequests('WEB', repo, { createdUserId: [author] });
    assert.ok(mine.every((p) => p.createdUser.id === author));
  });

  test('refuses pull request count=0, count=101 and an unknown status with 400 naming the parameter', async () => {
    for (const count of ['0', '101']) {
      const r = await api(emu(), 'GET', `${base()}/pullRequests`, { query: { count } });
      assert.equal(r.status, 400);
      assertBacklogError(r.body, 7, 'count');
    }
    const ok = await api(emu(), 'GET', `${base()}/pullRequests`, { query: { count: '100' } });
    assert.equal(ok.status, 200);
    assert.deepEqual(await backlogClient(emu()).getPullRequests('WEB', repo, { offset: 1000 }), []);
    const bad = await api(emu(), 'GET', `${base()}/pullRequests/count`, { query: { 'statusId[]': '4' } });
    assert.equal(bad.status, 400);
    assertBacklogError(bad.body, 7, 'statusId');
  });

  test('adds a pull request with 201, a Location and the next number', async () => {
    const before = await backlogClient(emu()).getPullRequestsCount('WEB', repo, {});
    const r = await api(emu(), 'POST', `${base()}/pullRequests`, {
      form: { summary: 'Contract PR', description: 'Adds things', base: 'main', branch: 'feature/contract', assigneeId: '2', 'notifiedUserId[]': '2' },
    });
    assert.equal(r.status, 201);
    assertShape(r.body, PULL_REQUEST);
    const pr = r.body as { number: number; status: { id: number }; assignee: { id: number }; issue: unknown };
    assert.equal(pr.number, before.count + 1);
    assert.equal(pr.status.id, 1);
    assert.equal(pr.assignee.id, 2);
    assert.equal(pr.issue, null);
    assert.match(r.headers.get('location') ?? '', new RegExp(`/git/WEB/${repo}/pullRequests/${pr.number}$`));
  });

  test('refuses a pull request without base, with an issue of another project or a non-member assignee, with 400 naming it', async () => {
    const noBase = await api(emu(), 'POST', `${base()}/pullRequests`, { form: { summary: 's', description: 'd', branch: 'b' } });
    assert.equal(noBase.status, 400);
    assertBacklogError(noBase.body, 7, 'base');
    const { issues } = (await control(emu(), 'GET', 'export')) as { issues: { id: number; projectId: number }[] };
    const appIssue = issues.find((i) => i.projectId === 2)!;
    for (const issueId of [appIssue.id, 999_999]) {
      const e = await apiError(backlogClient(emu()).postPullRequest('WEB', repo, { summary: 's', description: 'd', base: 'main', branch: 'b', issueId }));
      assert.equal(e.status, 400, `issueId ${issueId}`);
      assertBacklogError(e.body, 7, 'issueId');
    }
    const outsider = await api(emu(), 'POST', `${base()}/pullRequests`, {
      form: { summary: 's', description: 'd', base: 'main', branch: 'b', assigneeId: '999999' },
    });
    assert.equal(outsider.status, 400);
    assertBacklogError(outsider.body, 7, 'assigneeId');
  });

  test('adds with backlog-js, attaching an upload, then gets and updates the pull request', async () => {
    const client = backlogClient(emu());
    const up = await upload(client, 'diff.txt', 'diff --git a b');
    const pr = await client.postPullRequest('WEB', repo, {
      summary: 'With file',
      description: 'x',
      base: 'main',
      branch: 'feature/file',
      attachmentId: [up.id],
    });
    assertShape(pr, PULL_REQUEST);
    assert.deepEqual(
      pr.attachments.map((a) => a.id),
      [up.id],
    );
    const got = await client.getPullRequest('WEB', repo, pr.number);
    assert.deepEqual(got, pr);
    const patched = await client.patchPullRequest('WEB', repo, pr.number, { summary: 'With file (renamed)', assigneeId: 1 });
    assertShape(patched, PULL_REQUEST);
    assert.equal(patched.summary, 'With file (renamed)');
    assert.equal(patched.assignee?.id, 1);
    const r = await api(emu(), 'PATCH', `${base()}/pullRequests/${pr.number}`, { form: { description: 'new text', comment: 'Updated the description' } });
    assert.equal(r.status, 200);
    const comments = await client.getPullRequestComments('WEB', repo, pr.number, {});
    assert.equal(comments[0]!.content, 'Updated the description');
    assert.deepEqual(
      comments[0]!.changeLog.map((c) => c.field),
      ['description'],
    );
    assert.ok(comments.some((c) => c.changeLog.some((l) => l.field === 'summary' && l.newValue === 'With file (renamed)')));
  });

  test("refuses backlog-js' comment[] on PATCH (the docs name a single comment) with 400 naming it", async () => {
    const e = await apiError(backlogClient(emu()).patchPullRequest('WEB', repo, 1, { comment: ['x'] }));
    assert.equal(e.status, 400);
    assertBacklogError(e.body, 7, 'comment[]');
  });

  test('lists, downloads and deletes pull request attachments', async () => {
    const client = backlogClient(emu());
    const [pr] = await client.getPullRequests('WEB', repo, { count: 1 });
    const list = await client.getPullRequestAttachments('WEB', repo, pr!.number);
    assert.equal(list.length, 1);
    for (const a of list) assertShape(a, ATTACHMENT);
    const file = (await client.getPullRequestAttachment('WEB', repo, pr!.number, list[0]!.id)) as { filename: string; body: unknown };
    assert.equal(file.filename, 'diff.txt');
    assert.equal((await readBody(file.body)).toString('utf8'), 'diff --git a b');
    const r = await api(emu(), 'DELETE', `${base()}/pullRequests/${pr!.number}/attachments/${list[0]!.id}`);
    assert.equal(r.status, 200);
    assertShape(r.body, ATTACHMENT);
    assert.deepEqual(await client.getPullRequestAttachments('WEB', repo, pr!.number), []);
    const gone = await api(emu(), 'GET', `${base()}/pullRequests/${pr!.number}/attachments/${list[0]!.id}`);
    assert.equal(gone.status, 404);
    assertBacklogError(gone.body, 6);
  });

  test('adds comments with 201, counts them and walks them with keyset paging', async () => {
    const client = backlogClient(emu());
    const [pr] = await client.getPullRequests('WEB', repo, { count: 1 });
    const r = await api(emu(), 'POST', `${base()}/pullRequests/${pr!.number}/comments`, { form: { content: 'first', 'notifiedUserId[]': '2' } });
    assert.equal(r.status, 201);
    assertShape(r.body, PR_COMMENT);
    const notified = (r.body as { notifications: { user: { id: number }; reason: number }[] }).notifications;
    assert.deepEqual(
      notified.map((n) => [n.user.id, n.reason]),
      [[2, 11]],
    );
    for (let i = 0; i < 4; i++) assertShape(await client.postPullRequestComments('WEB', repo, pr!.number, { content: `more ${i}` }), PR_COMMENT);
    const { count } = await client.getPullRequestCommentsCount('WEB', repo, pr!.number);
    const all = await client.getPullRequestComments('WEB', repo, pr!.number, { count: 100 });
    assert.equal(all.length, count);
    const seen: number[] = [];
    let maxId: number | undefined;
    for (;;) {
      const page = await client.getPullRequestComments('WEB', repo, pr!.number, { count: 2, ...(maxId !== undefined ? { maxId } : {}) });
      if (page.length === 0) break;
      for (const c of page) assertShape(c, PR_COMMENT);
      seen.push(...page.map((c) => c.id));
      maxId = Math.min(...page.map((c) => c.id)) - 1;
    }
    assert.deepEqual(
      seen,
      all.map((c) => c.id),
    );
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => b - a),
    );
    const asc = await client.getPullRequestComments('WEB', repo, pr!.number, { order: 'asc', minId: seen[seen.length - 2]! });
    assert.deepEqual(
      asc.map((c) => c.id),
      [...seen].reverse().slice(1),
    );
    const bad = await api(emu(), 'GET', `${base()}/pullRequests/${pr!.number}/comments`, { query: { count: '101' } });
    assert.equal(bad.status, 400);
    assertBacklogError(bad.body, 7, 'count');
    const empty = await api(emu(), 'POST', `${base()}/pullRequests/${pr!.number}/comments`, { form: { content: '' } });
    assert.equal(empty.status, 400);
    assertBacklogError(empty.body, 7, 'content');
  });

  test("lets only a comment's author edit it (others get 403)", async () => {
    const client = backlogClient(emu());
    const [pr] = await client.getPullRequests('WEB', repo, { count: 1 });
    const comment = await client.postPullRequestComments('WEB', repo, pr!.number, { content: 'mine' });
    const edited = await client.patchPullRequestComments('WEB', repo, pr!.number, comment.id, { content: 'mine, edited' });
    assertShape(edited, PR_COMMENT);
    assert.equal(edited.content, 'mine, edited');
    const other = await apiError(clientAs(emu(), 2).patchPullRequestComments('WEB', repo, pr!.number, comment.id, { content: 'theirs' }));
    assert.equal(other.status, 403);
    assertBacklogError(other.body, 5);
    const missing = await api(emu(), 'PATCH', `${base()}/pullRequests/${pr!.number}/comments/999999`, { form: { content: 'x' } });
    assert.equal(missing.status, 404);
  });

  test('shows seeded comment stars and notifications, and answers 404 "No pull request." for an unknown number', async () => {
    const client = backlogClient(emu());
    const prs = await client.getPullRequests('WEB', repo, { count: 100 });
    const comments = (await Promise.all(prs.map((p) => client.getPullRequestComments('WEB', repo, p.number, { count: 100 })))).flat();
    assert.ok(
      comments.some((c) => c.stars.length > 0),
      'some comment has a star',
    );
    assert.ok(
      comments.some((c) => c.notifications.length > 0),
      'some comment has notifications',
    );
    const e = await apiError(client.getPullRequest('WEB', repo, 99_999));
    assert.equal(e.status, 404);
    assertBacklogError(e.body, 6, 'No pull request');
  });
}
