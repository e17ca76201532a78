/**
 * Backlog's web addresses in API answers (docs/backlog-api.md §1, §3.4) point at the emulator's
 * own address, and the emulator serves a plain page there, so a client that follows them stays in
 * the emulator. What Backlog documents:
 *
 * - add issue answers `201` with `Location: https://xx.backlogtool.com/view/BLG-5742`
 *   (https://developer.nulab.com/docs/backlog/api/2/add-issue);
 * - add comment `Location: …/view/BLG-5742#comment-6586`
 *   (https://developer.nulab.com/docs/backlog/api/2/add-comment);
 * - add project `Location: https://xx.backlog.jp/projects/BLG`
 *   (https://developer.nulab.com/docs/backlog/api/2/add-project);
 * - a received star's `url` is the issue's page, `https://xx.backlog.jp/view/BLG-1`
 *   (https://developer.nulab.com/ja/docs/backlog/api/2/get-received-star-list).
 *
 * The Location headers are read with raw HTTP (backlog-js does not expose headers); stars come
 * through backlog-js.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { api, backlogClient, control } from '../../helpers/emulator.js';
import { emu, freshEmulator } from '../harness.js';

/** GET a web address as a browser would (no API key), answering status, type and text. */
async function follow(url: string): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

async function assertServedPage(url: string, shows: string): Promise<void> {
  assert.ok(url.startsWith(`${emu().url}/`), `${url} is on the emulator's address ${emu().url}`);
  const page = await follow(url);
  assert.equal(page.status, 200, `${url}: ${page.text}`);
  assert.match(page.type, /^text\/html/);
  assert.ok(page.text.includes(shows), `${url} names ${shows}`);
}

export function webAddressesContract(): void {
  before(freshEmulator);

  test('add issue: Location is /view/KEY on the emulator, and following it is a page for that issue', async () => {
    const r = await api(emu(), 'POST', '/issues', { form: { projectId: '1', summary: 'followed', issueTypeId: '1', priorityId: '3' } });
    assert.equal(r.status, 201, r.text);
    const issue = r.body as { issueKey: string };
    assert.equal(r.headers.get('location'), `${emu().url}/view/${issue.issueKey}`);
    await assertServedPage(r.headers.get('location') as string, issue.issueKey);
  });

  test('add comment: Location is /view/KEY#comment-ID, served by the emulator', async () => {
    const r = await api(emu(), 'POST', '/issues/WEB-1/comments', { form: { content: 'followed comment' } });
    assert.equal(r.status, 201, r.text);
    const comment = r.body as { id: number };
    assert.equal(r.headers.get('location'), `${emu().url}/view/WEB-1#comment-${comment.id}`);
    await assertServedPage(r.headers.get('location') as string, 'WEB-1');
  });

  test('add project: Location is /projects/KEY, served by the emulator', async () => {
    const r = await api(emu(), 'POST', '/projects', {
      form: { name: 'Followed', key: 'FOLLOWED', chartEnabled: 'false', subtaskingEnabled: 'false', textFormattingRule: 'markdown' },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers.get('location'), `${emu().url}/projects/FOLLOWED`);
    await assertServedPage(r.headers.get('location') as string, 'FOLLOWED');
  });

  test('add wiki page and add pull request: their Locations are served by the emulator', async () => {
    const wiki = await api(emu(), 'POST', '/wikis', { form: { projectId: '1', name: 'Followed page', content: 'x' } });
    assert.equal(wiki.status, 201, wiki.text);
    await assertServedPage(wiki.headers.get('location') as string, 'Followed page');
    const repo = (await backlogClient(emu()).getGitRepositories('WEB'))[0]?.name as string;
    const pr = await api(emu(), 'POST', `/projects/WEB/git/repositories/${repo}/pullRequests`, {
      form: { summary: 'Followed PR', description: 'd', base: 'main', branch: 'feature/followed' },
    });
    assert.equal(pr.status, 201, pr.text);
    await assertServedPage(pr.headers.get('location') as string, repo);
  });

  test('star urls (getUserStars through backlog-js) are on the emulator and every kind is served', async () => {
    const client = backlogClient(emu());
    const data = (await control(emu(), 'GET', 'export')) as { stars: { id: number; receiverId: number; target: string }[] };
    // One star of each target kind (issue, comment, wiki page, pull request, pull request comment).
    const byKind = new Map<string, { id: number; receiverId: number }>();
    for (const s of data.stars) if (!byKind.has(s.target)) byKind.set(s.target, s);
    assert.deepEqual([...byKind.keys()].sort(), ['comment', 'issue', 'pullRequest', 'pullRequestComment', 'wiki']);
    for (const [kind, s] of byKind) {
      const star = (await client.getUserStars(s.receiverId, { count: 100 })).find((x) => x.id === s.id);
      assert.ok(star, `star ${s.id} (${kind}) in getUserStars`);
      const shows = kind === 'issue' || kind === 'comment' ? (/\[([A-Z_]+-\d+)\]/.exec(star.title)?.[1] as string) : '';
      await assertServedPage(star.url, shows);
    }
  });

  test('a web address of something that does not exist is a 404 page, not an API error', async () => {
    for (const path of ['/view/WEB-999999', '/projects/NOPE', '/alias/wiki/999999', '/wiki/WEB/No%20such%20page', '/git/WEB/nope/pullRequests/1']) {
      const page = await follow(`${emu().url}${path}`);
      assert.equal(page.status, 404, path);
      assert.match(page.type, /^text\/html/, path);
    }
  });
}
