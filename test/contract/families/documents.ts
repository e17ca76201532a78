/**
 * Documents (docs/backlog-api.md §11.2, §7.26), driven with backlog-js, with raw calls for
 * the comments route (backlog-js has no method for it) and bad input.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { api, backlogClient, clientAs } from '../../helpers/emulator.js';
import { ATTACHMENT, USER, arrayOf, assertBacklogError, assertShape, nullable, type Spec } from '../../helpers/shape.js';
import { emu, freshEmulator } from '../harness.js';
import { TAG, apiError, readBody } from './wikis.js';

export const DOCUMENT: Spec = {
  id: 'string',
  projectId: 'number',
  title: 'string',
  plain: 'string',
  json: 'string',
  statusId: 'number',
  emoji: nullable('string'),
  attachments: arrayOf(ATTACHMENT),
  tags: arrayOf(TAG),
  createdUser: USER,
  created: 'timestamp',
  updatedUser: USER,
  updated: 'timestamp',
  childDocumentIds: arrayOf('string'),
};
/** `POST`/`DELETE /documents` answer with user ids (doc pages' examples). */
export const DOCUMENT_WRITE: Spec = {
  id: 'string',
  projectId: 'number',
  title: 'string',
  json: 'any',
  plain: 'any',
  statusId: 'number',
  emoji: nullable('string'),
  createdUserId: 'number',
  created: 'timestamp',
  updatedUserId: 'number',
  updated: 'timestamp',
};
const TREE_NODE: Spec = { id: 'string', name: 'string', children: 'array', statusId: 'number', emoji: 'string', updated: 'timestamp' };
export const DOCUMENT_TREE: Spec = {
  projectId: 'number',
  activeTree: { id: 'string', children: arrayOf(TREE_NODE) },
  trashTree: { id: 'string', children: arrayOf(TREE_NODE) },
};
const DOCUMENT_USER: Spec = {
  id: 'number',
  userId: 'string',
  uniqueId: 'string',
  name: 'string',
  mailAddress: 'string',
  roleType: 'number',
  lang: nullable('string'),
  icon: 'string',
};
const DOCUMENT_COMMENT_REPLY: Spec = {
  id: 'string',
  documentId: 'string',
  commentId: 'string',
  content: 'string',
  plain: 'string',
  createdUserId: 'number',
  created: 'timestamp',
  updatedUserId: 'number',
  updated: 'timestamp',
  createdUser: DOCUMENT_USER,
};
export const DOCUMENT_COMMENT: Spec = {
  id: 'string',
  documentId: 'string',
  statusId: 'number',
  content: 'string',
  plain: 'string',
  commentType: 'string',
  createdUserId: 'number',
  created: 'timestamp',
  updatedUserId: 'number',
  updated: 'timestamp',
  createdUser: DOCUMENT_USER,
  replies: arrayOf(DOCUMENT_COMMENT_REPLY),
};

interface TreeNode {
  id: string;
  name?: string;
  children: TreeNode[];
}
function flatten(nodes: TreeNode[]): TreeNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

function keyOf(role: 1 | 2 | 3 | 4 | 5 | 6): string {
  return emu().users.find((u) => u.roleType === role)!.apiKey;
}

export function documentsContract(): void {
  before(freshEmulator);

  test("lists documents of the caller's projects in the documented shape, without trashed ones", async () => {
    const docs = await backlogClient(emu()).getDocuments({ offset: 0, count: 100 });
    assert.ok(docs.length > 0);
    for (const d of docs) {
      assertShape(d, DOCUMENT);
      assert.match(d.id, /^[0-9a-f]{32}$/);
    }
    const trashed = flatten(((await backlogClient(emu()).getDocumentTree('WEB')).trashTree?.children ?? []) as TreeNode[]).map((n) => n.id);
    assert.ok(trashed.length > 0);
    assert.ok(!docs.some((d) => trashed.includes(d.id)), 'trashed documents are not listed');
    const updated = docs.map((d) => d.updated);
    assert.deepEqual(updated, [...updated].sort().reverse(), 'default order is updated, newest first');
  });

  test('lists only projects the caller belongs to; naming another is 400 naming projectId', async () => {
    // The viewer (roleType 4) belongs to WEB and OPS (documents off) but not APP.
    const docs = await clientAs(emu(), 4).getDocuments({ offset: 0, count: 100 });
    assert.ok(docs.length > 0);
    assert.ok(docs.every((d) => d.projectId === 1));
    const e = await apiError(clientAs(emu(), 4).getDocuments({ offset: 0, projectId: [2] }));
    assert.equal(e.status, 400);
    assertBacklogError(e.body, 7, 'projectId');
    const app = await backlogClient(emu()).getDocuments({ offset: 0, projectId: [2] });
    assert.ok(app.length > 0 && app.every((d) => d.projectId === 2));
  });

  test('refuses GET /documents without offset with 400 naming offset', async () => {
    const r = await api(emu(), 'GET', '/documents');
    assert.equal(r.status, 400);
    assertBacklogError(r.body, 7, 'offset');
  });

  test('refuses count=0 and count=101 with 400 naming count; count=100 works; an offset past the end is []', async () => {
    for (const count of ['0', '101']) {
      const r = await api(emu(), 'GET', '/documents', { query: { offset: '0', count } });
      assert.equal(r.status, 400);
      assertBacklogError(r.body, 7, 'count');
    }
    const ok = await api(emu(), 'GET', '/documents', { query: { offset: '0', count: '100' } });
    assert.equal(ok.status, 200);
    const all = ok.body as unknown[];
    const page = await backlogClient(emu()).getDocuments({ offset: 1, count: 2 });
    assert.deepEqual(
      page.map((d) => d.id),
      (all as { id: string }[]).slice(1, 3).map((d) => d.id),
    );
    assert.deepEqual(await backlogClient(emu()).getDocuments({ offset: 10_000 }), []);
  });

  test('filters by keyword and sorts by created ascending', async () => {
    const client = backlogClient(emu());
    const all = await client.getDocuments({ offset: 0, count: 100 });
    const hits = await client.getDocuments({ offset: 0, count: 100, keyword: all[0]!.title.toUpperCase() });
    assert.ok(hits.some((d) => d.id === all[0]!.id));
    const asc = await client.getDocuments({ offset: 0, count: 100, sort: 'created', order: 'asc' });
    const created = asc.map((d) => d.created);
    assert.deepEqual(created, [...created].sort());
  });

  test('returns the document tree with Active and Trash roots', async () => {
    const tree = await backlogClient(emu()).getDocumentTree('WEB');
    assertShape(tree, DOCUMENT_TREE);
    assert.equal(tree.projectId, 1);
    assert.equal(tree.activeTree?.id, 'Active');
    assert.equal(tree.trashTree?.id, 'Trash');
    const active = flatten(tree.activeTree!.children as TreeNode[]);
    assert.ok(
      active.some((n) => n.children.length > 0),
      'some document has children',
    );
    for (const n of active) assertShape(n, TREE_NODE);
    const missing = await api(emu(), 'GET', '/documents/tree');
    assert.equal(missing.status, 400);
    assertBacklogError(missing.body, 7, 'projectIdOrKey');
  });

  test('answers 403 code 5 msg.featureRestrictedError.title.document for a project with documents off', async () => {
    const e = await apiError(backlogClient(emu()).getDocumentTree('OPS'));
    assert.equal(e.status, 403);
    assertBacklogError(e.body, 5, 'msg.featureRestrictedError.title.document');
    const add = await apiError(backlogClient(emu()).addDocument({ projectId: 3, title: 'x' }));
    assert.equal(add.status, 403);
    assertBacklogError(add.body, 5, 'msg.featureRestrictedError.title.document');
  });

  test('gets one document with its children ids; an unknown id is 404 "No document."', async () => {
    const client = backlogClient(emu());
    const tree = await client.getDocumentTree('WEB');
    const parent = flatten(tree.activeTree!.children as TreeNode[]).find((n) => n.children.length > 0)!;
    const doc = await client.getDocument(parent.id);
    assertShape(doc, DOCUMENT);
    assert.deepEqual(
      doc.childDocumentIds,
      parent.children.map((c) => c.id),
    );
    const e = await apiError(client.getDocument('0'.repeat(32)));
    assert.equal(e.status, 404);
    assertBacklogError(e.body, 6, 'No document');
  });

  test('downloads a document attachment with Content-Disposition filename', async () => {
    const client = backlogClient(emu());
    const doc = (await client.getDocuments({ offset: 0, count: 100 })).find((d) => d.attachments.length > 0)!;
    const a = doc.attachments[0]!;
    const file = (await client.downloadDocumentAttachment(doc.id, a.id)) as { filename: string; body: unknown };
    assert.equal(file.filename, a.name);
    assert.equal((await readBody(file.body)).length, a.size);
    const missing = await api(emu(), 'GET', `/documents/${doc.id}/attachments/999999`);
    assert.equal(missing.status, 404);
    assertBacklogError(missing.body, 6);
  });

  test('lists document comments with their replies; a non-member gets 404', async () => {
    const docs = await backlogClient(emu()).getDocuments({ offset: 0, count: 100, sort: 'created', order: 'asc' });
    let found = false;
    for (const d of docs) {
      const r = await api(emu(), 'GET', `/documents/${d.id}/comments`);
      assert.equal(r.status, 200);
      const comments = r.body as { replies: unknown[] }[];
      for (const c of comments) assertShape(c, DOCUMENT_COMMENT);
      if (comments.some((c) => c.replies.length > 0)) found = true;
    }
    assert.ok(found, 'some seeded comment has a reply');
    const appDoc = docs.find((d) => d.projectId === 2)!;
    const r = await api(emu(), 'GET', `/documents/${appDoc.id}/comments`, { apiKey: keyOf(4) });
    assert.equal(r.status, 404);
    assertBacklogError(r.body, 6);
  });

  test('adds documents first or last among siblings, answering 200 with the lean shape', async () => {
    const client = backlogClient(emu());
    const r = await api(emu(), 'POST', '/documents', { form: { projectId: '1', title: 'Contract first', content: '# Head\nhello', emoji: '📝' } });
    assert.equal(r.status, 200);
    assertShape(r.body, DOCUMENT_WRITE);
    const first = r.body as { id: string; json: { type: string }; plain: string; emoji: string };
    assert.match(first.id, /^[0-9a-f]{32}$/);
    assert.equal(first.json.type, 'doc');
    assert.equal(first.emoji, '📝');
    const last = await client.addDocument({ projectId: 1, title: 'Contract last', content: 'tail', addLast: true });
    assertShape(last, DOCUMENT_WRITE);
    const child = await client.addDocument({ projectId: 1, title: 'Contract child', parentId: first.id });
    const roots = (await client.getDocumentTree('WEB')).activeTree!.children as TreeNode[];
    assert.equal(roots[0]!.id, first.id);
    assert.equal(roots[roots.length - 1]!.id, last.id);
    assert.deepEqual(
      roots[0]!.children.map((c) => c.id),
      [child.id],
    );
    const full = await client.getDocument(first.id);
    assertShape(full, DOCUMENT);
    assert.equal(full.plain, '# Head\nhello');
  });

  test('refuses an unknown parentId or a missing projectId with 400 naming it, and reporters with 403', async () => {
    const badParent = await apiError(backlogClient(emu()).addDocument({ projectId: 1, parentId: 'f'.repeat(32) }));
    assert.equal(badParent.status, 400);
    assertBacklogError(badParent.body, 7, 'parentId');
    const noProject = await api(emu(), 'POST', '/documents', { form: { title: 'x' } });
    assert.equal(noProject.status, 400);
    assertBacklogError(noProject.body, 7, 'projectId');
    const reporter = await apiError(clientAs(emu(), 3).addDocument({ projectId: 1, title: 'x' }));
    assert.equal(reporter.status, 403);
    assertBacklogError(reporter.body, 5);
  });

  test('deletes a document (administrators and project administrators only), answering it with json and plain null', async () => {
    const client = backlogClient(emu());
    const doc = await client.addDocument({ projectId: 2, title: 'Contract to delete' });
    // The normal user belongs to APP but does not administer it.
    const normal = await apiError(clientAs(emu(), 2).deleteDocument(doc.id));
    assert.equal(normal.status, 403);
    assertBacklogError(normal.body, 5);
    const deleted = await client.deleteDocument(doc.id);
    assertShape(deleted, DOCUMENT_WRITE);
    assert.equal(deleted.id, doc.id);
    assert.equal((deleted as unknown as { json: unknown }).json, null);
    assert.equal((deleted as unknown as { plain: unknown }).plain, null);
    const e = await apiError(client.getDocument(doc.id));
    assert.equal(e.status, 404);
  });
}
