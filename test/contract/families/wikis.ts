/**
 * Wiki pages (docs/backlog-api.md §11.1, §7.16), driven with backlog-js, with raw calls for
 * what it cannot send (bad input, backlog4j's sort/order, other users).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Backlog } from 'backlog-js';
import { api, backlogClient, clientAs } from '../../helpers/emulator.js';
import { ATTACHMENT, SHARED_FILE, STAR, USER, arrayOf, assertBacklogError, assertShape, type Spec } from '../../helpers/shape.js';
import { emu, freshEmulator } from '../harness.js';

export const TAG: Spec = { id: 'number', name: 'string' };
export const WIKI_LIST_ITEM: Spec = {
  id: 'number',
  projectId: 'number',
  name: 'string',
  tags: arrayOf(TAG),
  createdUser: USER,
  created: 'timestamp',
  updatedUser: USER,
  updated: 'timestamp',
};
export const WIKI: Spec = {
  ...WIKI_LIST_ITEM,
  content: 'string',
  attachments: arrayOf(ATTACHMENT),
  sharedFiles: arrayOf(SHARED_FILE),
  stars: arrayOf(STAR),
};
export const WIKI_HISTORY: Spec = {
  pageId: 'number',
  version: 'number',
  name: 'string',
  content: 'string',
  createdUser: USER,
  created: 'timestamp',
};

/** The error a backlog-js call failed with: HTTP status and Backlog's error body. */
export async function apiError(call: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    await call;
  } catch (e) {
    const err = e as { status?: number; body?: unknown };
    if (typeof err.status === 'number') return { status: err.status, body: err.body };
    throw e;
  }
  throw new Error('expected the call to fail');
}

/** Upload a file through `POST /space/attachment` with backlog-js. */
export async function upload(client: Backlog, name: string, text: string): Promise<{ id: number; name: string; size: number }> {
  const form = new FormData();
  form.append('file', new Blob([Buffer.from(text, 'utf8')]), name);
  return (await client.postSpaceAttachment(form)) as { id: number; name: string; size: number };
}

export async function readBody(body: ReadableStream | unknown): Promise<Buffer> {
  return Buffer.from(await new Response(body as ReadableStream).arrayBuffer());
}

function keyOf(role: 1 | 2 | 3 | 4 | 5 | 6): string {
  const user = emu().users.find((u) => u.roleType === role);
  if (!user) throw new Error(`no user with role ${role}`);
  return user.apiKey;
}

export function wikisContract(): void {
  before(freshEmulator);

  test("lists a project's pages as list items (no content) ordered by name", async () => {
    const pages = await backlogClient(emu()).getWikis({ projectIdOrKey: 'WEB' });
    assert.ok(pages.length > 0);
    for (const p of pages) {
      assertShape(p, WIKI_LIST_ITEM);
      assert.ok(!('content' in p), 'list items carry no content');
      assert.equal(p.projectId, 1);
    }
    const names = pages.map((p) => p.name);
    assert.deepEqual(
      names,
      [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  });

  test('refuses GET /wikis without projectIdOrKey with 400 naming it', async () => {
    const r = await api(emu(), 'GET', '/wikis');
    assert.equal(r.status, 400);
    assertBacklogError(r.body, 7, 'projectIdOrKey');
  });

  test('filters by keyword in name or content, case-insensitively', async () => {
    const all = await backlogClient(emu()).getWikis({ projectIdOrKey: 'WEB' });
    const first = all[0]!;
    const hits = await backlogClient(emu()).getWikis({ projectIdOrKey: 'WEB', keyword: first.name.toUpperCase() });
    assert.ok(hits.some((p) => p.id === first.id));
    const none = await backlogClient(emu()).getWikis({ projectIdOrKey: 'WEB', keyword: 'no-such-text-anywhere-zz' });
    assert.deepEqual(none, []);
  });

  test("accepts backlog4j's sort and order, and refuses an unknown sort key naming sort", async () => {
    const r = await api(emu(), 'GET', '/wikis', { query: { projectIdOrKey: 'WEB', sort: 'created', order: 'asc' } });
    assert.equal(r.status, 200);
    const created = (r.body as { created: string }[]).map((p) => p.created);
    assert.deepEqual(created, [...created].sort());
    const bad = await api(emu(), 'GET', '/wikis', { query: { projectIdOrKey: 'WEB', sort: 'size' } });
    assert.equal(bad.status, 400);
    assertBacklogError(bad.body, 7, 'sort');
  });

  test('counts pages and lists tags of a project', async () => {
    const client = backlogClient(emu());
    const pages = await client.getWikis({ projectIdOrKey: 'WEB' });
    assert.deepEqual(await client.getWikisCount('WEB'), { count: pages.length });
    const tags = await client.getWikisTags(1);
    assert.ok(tags.length > 0);
    for (const t of tags) assertShape(t, TAG);
  });

  test('answers 403 code 5 msg.featureRestrictedError.title.wiki for a project with the wiki off', async () => {
    for (const path of ['/wikis', '/wikis/count', '/wikis/tags']) {
      const r = await api(emu(), 'GET', path, { query: { projectIdOrKey: 'APP' } });
      assert.equal(r.status, 403, path);
      assertBacklogError(r.body, 5, 'msg.featureRestrictedError.title.wiki');
    }
    const e = await apiError(backlogClient(emu()).postWiki({ projectId: 2, name: 'x', content: 'y' }));
    assert.equal(e.status, 403);
    assertBacklogError(e.body, 5, 'msg.featureRestrictedError.title.wiki');
  });

  test('answers 404 "No project." for a project the caller has not joined', async () => {
    // The viewer (roleType 4) is not a member of APP; the wiki check must not leak that APP exists.
    const r = await api(emu(), 'GET', '/wikis', { query: { projectIdOrKey: 'APP' }, apiKey: keyOf(4) });
    assert.equal(r.status, 404);
    assertBacklogError(r.body, 6);
  });

  test('adds a page with 201, a Location and a first history version', async () => {
    const r = await api(emu(), 'POST', '/wikis', { form: { projectId: '1', name: 'Contract/Added', content: 'line one\nline two', mailNotify: 'false' } });
    assert.equal(r.status, 201);
    assertShape(r.body, WIKI);
    const page = r.body as { id: number; name: string; content: string };
    assert.match(r.headers.get('location') ?? '', new RegExp(`/alias/wiki/${page.id}$`));
    assert.equal(page.name, 'Contract/Added');
    const history = await backlogClient(emu()).getWikisHistory(page.id, {});
    assert.equal(history.length, 1);
    assertShape(history[0], WIKI_HISTORY);
    assert.equal(history[0]!.version, 1);
    assert.equal(history[0]!.content, 'line one\nline two');
  });

  test('refuses a duplicate page name in the same project with 400 naming name', async () => {
    const e = await apiError(backlogClient(emu()).postWiki({ projectId: 1, name: 'Contract/Added', content: 'again' }));
    assert.equal(e.status, 400);
    assertBacklogError(e.body, 7, 'name');
  });

  test('refuses a page without content or with an unknown project with 400 naming the parameter', async () => {
    const noContent = await api(emu(), 'POST', '/wikis', { form: { projectId: '1', name: 'No content' } });
    assert.equal(noContent.status, 400);
    assertBacklogError(noContent.body, 7, 'content');
    const noProject = await api(emu(), 'POST', '/wikis', { form: { projectId: '999', name: 'x', content: 'y' } });
    assert.equal(noProject.status, 400);
    assertBacklogError(noProject.body, 7, 'projectId');
  });

  test('lets only administrators and normal users write pages (reporter and viewer get 403)', async () => {
    for (const role of [3, 4] as const) {
      const e = await apiError(clientAs(emu(), role).postWiki({ projectId: 1, name: `By role ${role}`, content: 'x' }));
      assert.equal(e.status, 403, `role ${role}`);
      assertBacklogError(e.body, 5);
    }
    const page = await clientAs(emu(), 2).postWiki({ projectId: 1, name: 'By a normal user', content: 'x' });
    assertShape(page, WIKI);
  });

  test('gets a full page and updates it, adding a history version each time', async () => {
    const client = backlogClient(emu());
    const [item] = await client.getWikis({ projectIdOrKey: 'WEB', keyword: 'Contract/Added' });
    const page = await client.getWiki(item!.id);
    assertShape(page, WIKI);
    for (let i = 2; i <= 6; i++) {
      const updated = await client.patchWiki(page.id, { content: `version ${i}`, mailNotify: false });
      assertShape(updated, WIKI);
      assert.equal(updated.content, `version ${i}`);
    }
    const renamed = await client.patchWiki(page.id, { name: 'Contract/Renamed' });
    assert.equal(renamed.name, 'Contract/Renamed');
    const e = await apiError(client.patchWiki(page.id, { name: 'By a normal user' }));
    assert.equal(e.status, 400);
    assertBacklogError(e.body, 7, 'name');
  });

  test('walks the page history with minId/maxId keyset paging, newest first', async () => {
    const client = backlogClient(emu());
    const [item] = await client.getWikis({ projectIdOrKey: 'WEB', keyword: 'Contract/Renamed' });
    const seen: number[] = [];
    let maxId: number | undefined;
    for (;;) {
      const page = await client.getWikisHistory(item!.id, { count: 2, ...(maxId !== undefined ? { maxId } : {}) });
      if (page.length === 0) break;
      for (const h of page) assertShape(h, WIKI_HISTORY);
      seen.push(...page.map((h) => h.version));
      maxId = Math.min(...page.map((h) => h.version)) - 1;
    }
    assert.deepEqual(seen, [7, 6, 5, 4, 3, 2, 1]);
    const asc = await client.getWikisHistory(item!.id, { minId: 3, maxId: 5, order: 'asc' });
    assert.deepEqual(
      asc.map((h) => h.version),
      [3, 4, 5],
    );
  });

  test('refuses history count=0 and count=101 with 400 naming count; count=100 works', async () => {
    for (const count of ['0', '101']) {
      const r = await api(emu(), 'GET', '/wikis/1/history', { query: { count } });
      assert.equal(r.status, 400);
      assertBacklogError(r.body, 7, 'count');
    }
    const ok = await api(emu(), 'GET', '/wikis/1/history', { query: { count: '100' } });
    assert.equal(ok.status, 200);
  });

  test('attaches uploaded files, lists and downloads them, and deletes one', async () => {
    const client = backlogClient(emu());
    const [item] = await client.getWikis({ projectIdOrKey: 'WEB', keyword: 'Contract/Renamed' });
    const up = await upload(client, 'notes 1.txt', 'hello wiki attachment');
    const added = await client.postWikisAttachments(item!.id, [up.id]);
    assert.equal(added.length, 1);
    for (const a of added) assertShape(a, ATTACHMENT);
    const list = await client.getWikisAttachments(item!.id);
    assert.ok(list.some((a) => a.id === up.id));
    for (const a of list) assertShape(a, ATTACHMENT);
    const file = await client.getWikiAttachment(item!.id, up.id);
    assert.equal((file as { filename: string }).filename, 'notes 1.txt');
    assert.equal((await readBody((file as { body: unknown }).body)).toString('utf8'), 'hello wiki attachment');
    // An upload attaches once only.
    const again = await apiError(client.postWikisAttachments(item!.id, [up.id]));
    assert.equal(again.status, 400);
    assertBacklogError(again.body, 7, 'attachmentId');
    const deleted = await client.deleteWikisAttachments(item!.id, up.id);
    assertShape(deleted, ATTACHMENT);
    assert.equal(deleted.id, up.id);
    assert.deepEqual(
      (await client.getWikisAttachments(item!.id)).filter((a) => a.id === up.id),
      [],
    );
    const gone = await api(emu(), 'GET', `/wikis/${item!.id}/attachments/${up.id}`);
    assert.equal(gone.status, 404);
    assertBacklogError(gone.body, 6);
  });

  test('downloads a seeded attachment with its name in Content-Disposition and its size in bytes', async () => {
    const client = backlogClient(emu());
    const pages = await Promise.all((await client.getWikis({ projectIdOrKey: 'WEB' })).map((p) => client.getWiki(p.id)));
    const withFile = pages.find((p) => p.attachments.length > 0)!;
    const a = withFile.attachments[0]!;
    const r = await api(emu(), 'GET', `/wikis/${withFile.id}/attachments/${a.id}`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-disposition') ?? '', new RegExp(`filename\\*=UTF-8''${encodeURIComponent(a.name)}`));
    assert.equal(Number(r.headers.get('content-length')), a.size);
  });

  test('links and unlinks shared files, refusing files that do not exist with 400 naming fileId', async () => {
    const client = backlogClient(emu());
    const pages = await Promise.all((await client.getWikis({ projectIdOrKey: 'WEB' })).map((p) => client.getWiki(p.id)));
    const fileId = pages.flatMap((p) => p.sharedFiles.map((f) => f.id))[0]!;
    const target = pages.find((p) => !p.sharedFiles.some((f) => f.id === fileId))!;
    const linked = await client.linkWikisSharedFiles(target.id, [fileId]);
    for (const f of linked) assertShape(f, SHARED_FILE);
    const list = await client.getWikisSharedFiles(target.id);
    assert.ok(list.some((f) => f.id === fileId));
    for (const f of list) assertShape(f, SHARED_FILE);
    const unlinked = await client.unlinkWikisSharedFiles(target.id, fileId);
    assertShape(unlinked, SHARED_FILE);
    assert.ok(!(await client.getWikisSharedFiles(target.id)).some((f) => f.id === fileId));
    const bad = await apiError(client.linkWikisSharedFiles(target.id, [999_999]));
    assert.equal(bad.status, 400);
    assertBacklogError(bad.body, 7, 'fileId');
    const notLinked = await api(emu(), 'DELETE', `/wikis/${target.id}/sharedFiles/${fileId}`);
    assert.equal(notLinked.status, 404);
  });

  test('lists the stars of a page', async () => {
    const client = backlogClient(emu());
    const pages = await client.getWikis({ projectIdOrKey: 'WEB' });
    const stars = (await Promise.all(pages.map((p) => client.getWikisStars(p.id)))).flat();
    assert.ok(stars.length > 0);
    for (const s of stars) assertShape(s, STAR);
  });

  test('deletes a page, answering the deleted page; it is then 404 "No wiki."', async () => {
    const client = backlogClient(emu());
    const [item] = await client.getWikis({ projectIdOrKey: 'WEB', keyword: 'Contract/Renamed' });
    const viewer = await apiError(clientAs(emu(), 4).deleteWiki(item!.id, false));
    assert.equal(viewer.status, 403);
    const deleted = await client.deleteWiki(item!.id, false);
    assertShape(deleted, WIKI);
    assert.equal(deleted.id, item!.id);
    const e = await apiError(client.getWiki(item!.id));
    assert.equal(e.status, 404);
    assertBacklogError(e.body, 6, 'No wiki');
    const history = await api(emu(), 'GET', `/wikis/${item!.id}/history`);
    assert.equal(history.status, 404);
  });

  test('refuses an unknown parameter on a wiki route with 400 naming it', async () => {
    const r = await api(emu(), 'PATCH', '/wikis/1', { form: { title: 'x' } });
    assert.equal(r.status, 400);
    assertBacklogError(r.body, 7, 'title');
  });
}
