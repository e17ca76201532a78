/**
 * Writes to the child tables of issues, pull requests, wikis and watchings (issue 5), and their
 * round trip: what SQL writes is read back through backlog-js and compared field by field; the
 * journal shows each statement made exactly the write requests expected; refused operations
 * send nothing.
 *
 * Tables: IssueComments, IssueAttachments, IssueLinkedSharedFiles, PullRequests,
 * PullRequestComments, PullRequestAttachments, Watchings, WikiPages, WikiPageAttachments.
 * The fixture signs in as the administrator (user 1, 山田 太郎); project WEB (id 1) has every
 * feature on, APP (id 2) has Wiki off.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SqlError } from '../../../src/index.js';
import type { JournalEntry } from '../../helpers/emulator.js';
import { openWriteFixture, statusOf, type WriteFixture } from '../../helpers/writes.js';

let fx: WriteFixture;

before(async () => {
  fx = await openWriteFixture();
});
after(async () => {
  await fx.close();
});

type Row = Record<string, unknown>;

/** Run one statement with a clean journal; its rows. */
async function run(sql: string, params?: unknown[]): Promise<Row[]> {
  await fx.clear();
  const r = await fx.db.query(sql, params as never);
  return r.rows as Row[];
}

/** Write requests since the last run(), as `METHOD /path` plus their form. */
async function writes(): Promise<{ call: string; form: JournalEntry['form'] }[]> {
  return (await fx.writes()).map((e) => ({ call: `${e.method} ${e.path}`, form: e.form }));
}

/** The statement must fail with a SqlError whose message matches, and send no write request. */
async function refused(sql: string, message: RegExp, hint?: RegExp): Promise<SqlError> {
  await fx.clear();
  const e = await fx.db.query(sql).then(
    () => assert.fail(`expected ${sql} to be refused`),
    (err: unknown) => err,
  );
  assert.ok(e instanceof SqlError, `expected a SqlError, got ${String(e)}`);
  assert.match(e.message, message);
  if (hint) assert.match(e.hint ?? '', hint);
  assert.deepEqual(await writes(), [], 'no write request may be sent');
  return e;
}

/** An upload like the PostAttachment procedure makes (POST /space/attachment), through backlog-js. */
async function upload(name: string, text: string): Promise<number> {
  const form = new FormData();
  form.append('file', new Blob([text], { type: 'text/plain' }), name);
  return (await fx.client.postSpaceAttachment(form)).id;
}

const iso = (v: unknown): string => new Date(v as string).toISOString();

// ---- IssueComments --------------------------------------------------------------------------

describe('IssueComments', () => {
  let byKey: number;
  let byId: number;

  it('INSERT posts one comment per row, to the issue named by key or id, with notified users and attachments', async () => {
    const fileId = await upload('ログ.txt', 'エラー内容');
    const rows = await run(
      `INSERT INTO IssueComments (IssueKey, IssueId, Content, NotifiedUserIds, AttachmentIds) VALUES
         ('WEB-1', NULL, '確認しました。よろしくお願いします。', [2], [${fileId}]),
         (NULL, 7, 'Second comment by id', NULL, NULL)
       RETURNING Id, IssueId, IssueKey, ProjectId, Content, CreatedUserId, Created`,
    );
    assert.equal(rows.length, 2);
    byKey = rows[0]?.Id as number;
    byId = rows[1]?.Id as number;
    assert.ok(byKey > 0 && byId > byKey, 'RETURNING gives the generated ids');
    // Both ids and keys come back, whichever one the row named.
    assert.deepEqual(
      rows.map((r) => [r.IssueId, r.IssueKey, r.ProjectId, r.CreatedUserId]),
      [
        [1, 'WEB-1', 1, 1],
        [7, 'WEB-2', 1, 1],
      ],
    );
    assert.deepEqual(await writes(), [
      {
        call: 'POST /api/v2/issues/WEB-1/comments',
        form: { content: '確認しました。よろしくお願いします。', 'notifiedUserId[]': '2', 'attachmentId[]': String(fileId) },
      },
      { call: 'POST /api/v2/issues/7/comments', form: { content: 'Second comment by id' } },
    ]);

    const c = await fx.client.getIssueComment('WEB-1', byKey);
    assert.equal(c.content, '確認しました。よろしくお願いします。');
    assert.equal(c.issueId, 1);
    assert.equal(c.createdUser.id, 1);
    assert.equal(iso(c.created), iso(rows[0]?.Created));
    assert.deepEqual(
      c.notifications.map((n) => n.user.id),
      [2],
    );
    const attachments = await fx.client.getIssueAttachments('WEB-1');
    assert.equal(attachments.find((a) => a.id === fileId)?.name, 'ログ.txt');
    assert.equal((await fx.client.getIssueComment(7, byId)).content, 'Second comment by id');
  });

  it('UPDATE edits the Content of your own comment with one PATCH', async () => {
    const rows = await run(
      `UPDATE IssueComments SET Content = Content || '（追記: 対応済み）' WHERE IssueKey = 'WEB-1' AND Id = ${byKey} RETURNING Id, Content`,
    );
    assert.deepEqual(rows, [{ Id: byKey, Content: '確認しました。よろしくお願いします。（追記: 対応済み）' }]);
    assert.deepEqual(await writes(), [
      { call: `PATCH /api/v2/issues/1/comments/${byKey}`, form: { content: '確認しました。よろしくお願いします。（追記: 対応済み）' } },
    ]);
    assert.equal((await fx.client.getIssueComment('WEB-1', byKey)).content, '確認しました。よろしくお願いします。（追記: 対応済み）');
  });

  it('UPDATE that sets the Content it already has sends nothing', async () => {
    const rows = await run(`UPDATE IssueComments SET Content = 'Second comment by id' WHERE IssueId = 7 AND Id = ${byId} RETURNING Id`);
    assert.deepEqual(rows, [{ Id: byId }]);
    assert.deepEqual(await writes(), []);
  });

  it('UPDATE of a comment another user posted is refused before any request', async () => {
    const others = (await fx.client.getIssueComments('WEB-1', { order: 'asc' })).filter((c) => c.createdUser.id !== 1);
    const other = others[0];
    assert.ok(other, 'the seed has comments by other users');
    const e = await refused(`UPDATE IssueComments SET Content = 'x' WHERE IssueKey = 'WEB-1' AND Id = ${other.id}`, /only its author/);
    assert.match(e.message, new RegExp(`comment ${other.id}`));
    assert.equal((await fx.client.getIssueComment('WEB-1', other.id)).content, other.content);
    // Mixed with your own comment: the whole statement is refused before the first request.
    const worded = others.find((c) => c.content) as { id: number };
    const e2 = await refused(
      `UPDATE IssueComments SET Content = Content || '!' WHERE IssueKey = 'WEB-1' AND Id IN (${byKey}, ${worded.id})`,
      /only its author/,
    );
    assert.match(e2.hint ?? '', /Nothing was written/);
    assert.equal((await fx.client.getIssueComment('WEB-1', byKey)).content.endsWith('!'), false);
  });

  it('DELETE removes the comment: backlog-js then gets 404', async () => {
    const rows = await run(`DELETE FROM IssueComments WHERE IssueId = 7 AND Id = ${byId} RETURNING Id, IssueKey`);
    assert.deepEqual(rows, [{ Id: byId, IssueKey: 'WEB-2' }]);
    assert.deepEqual(await writes(), [{ call: `DELETE /api/v2/issues/7/comments/${byId}`, form: {} }]);
    assert.equal(await statusOf(fx.client.getIssueComment(7, byId)), 404);
  });

  it('INSERT is refused without Content, without an issue, or with an IssueId and IssueKey that disagree', async () => {
    await refused("INSERT INTO IssueComments (IssueKey) VALUES ('WEB-1')", /IssueComments needs Content/);
    await refused("INSERT INTO IssueComments (Content) VALUES ('本文')", /needs IssueId or IssueKey/);
    await refused("INSERT INTO IssueComments (IssueKey, Content) VALUES ('WEB-1', NULL)", /Content of IssueComments cannot be NULL/);
    await refused("INSERT INTO IssueComments (IssueId, IssueKey, Content) VALUES (7, 'WEB-1', 'x')", /IssueId 7 and IssueKey WEB-1 name different issues/);
    // Both given: the issue is read (GET) to check them, and nothing is posted.
    await refused("INSERT INTO IssueComments (IssueId, IssueKey, Content) VALUES (1, 'WEB-999', 'x')", /no issue WEB-999 is visible/);
  });

  it("INSERT into an issue that does not exist fails with Backlog's 404 and writes nothing", async () => {
    await fx.clear();
    const e = await fx.db.query("INSERT INTO IssueComments (IssueKey, Content) VALUES ('WEB-999', 'x')").then(
      () => assert.fail('expected a failure'),
      (err: unknown) => err as Error & { status?: number },
    );
    assert.match(e.message, /INSERT on IssueComments wrote nothing: .*404.*\/issues\/WEB-999\/comments/);
    assert.deepEqual(
      (await fx.writes()).map((x) => [x.method, x.path, x.status]),
      [['POST', '/api/v2/issues/WEB-999/comments', 404]],
    );
  });

  it('read-only and insert-only columns are refused by name', async () => {
    await refused(
      "INSERT INTO IssueComments (IssueKey, Content, CreatedUserId) VALUES ('WEB-1', 'x', 2)",
      /column "CreatedUserId" of IssueComments is read-only/,
    );
    await refused(
      `UPDATE IssueComments SET IssueId = 7 WHERE IssueKey = 'WEB-1' AND Id = ${byKey}`,
      /column "IssueId" of IssueComments can only be set by INSERT/,
    );
    await refused(
      `UPDATE IssueComments SET NotifiedUserIds = [2] WHERE IssueKey = 'WEB-1' AND Id = ${byKey}`,
      /column "NotifiedUserIds" of IssueComments can only be set by INSERT/,
    );
    await refused(`UPDATE IssueComments SET Content = NULL WHERE IssueKey = 'WEB-1' AND Id = ${byKey}`, /Content of IssueComments cannot be NULL/);
  });
});

// ---- IssueAttachments -----------------------------------------------------------------------

describe('IssueAttachments', () => {
  it('DELETE removes one attachment of the issue: backlog-js then gets 404 for it', async () => {
    const fileId = await upload('古い.log', 'old');
    await fx.db.query("INSERT INTO IssueComments (IssueKey, Content, AttachmentIds) VALUES ('WEB-2', 'ファイル添付', ?)", [String(fileId)]);
    const before = await fx.client.getIssueAttachments('WEB-2');
    assert.ok(before.some((a) => a.id === fileId));
    const rows = await run(`DELETE FROM IssueAttachments WHERE IssueKey = 'WEB-2' AND Name = '古い.log' RETURNING Id, IssueId, Name`);
    assert.deepEqual(rows, [{ Id: fileId, IssueId: 7, Name: '古い.log' }]);
    assert.deepEqual(await writes(), [{ call: `DELETE /api/v2/issues/7/attachments/${fileId}`, form: {} }]);
    assert.equal(await statusOf(fx.client.getIssueAttachment('WEB-2', fileId)), 404);
    assert.deepEqual(
      (await fx.client.getIssueAttachments('WEB-2')).map((a) => a.id),
      before.filter((a) => a.id !== fileId).map((a) => a.id),
    );
  });

  it('INSERT and UPDATE are refused, pointing to PostAttachment and the issue or comment that takes the upload', async () => {
    await refused('INSERT INTO IssueAttachments (IssueId) VALUES (1)', /IssueAttachments does not support INSERT/, /PostAttachment.*AttachmentIds/);
    await refused("UPDATE IssueAttachments SET Name = 'x' WHERE IssueId = 1", /IssueAttachments does not support UPDATE/, /DELETE it/);
  });
});

// ---- IssueLinkedSharedFiles -----------------------------------------------------------------

describe('IssueLinkedSharedFiles', () => {
  it('INSERT links each shared file with one request per row', async () => {
    const rows = await run(
      "INSERT INTO IssueLinkedSharedFiles (IssueKey, Id) SELECT 'WEB-2', Id FROM ProjectSharedFiles WHERE ProjectId = 1 AND Name IN ('要件定義_1.pdf', 'メモ_5.txt') ORDER BY Id RETURNING Id, IssueId, IssueKey, Dir, Name",
    );
    assert.deepEqual(rows, [
      { Id: 5, IssueId: 7, IssueKey: 'WEB-2', Dir: '/', Name: '要件定義_1.pdf' },
      { Id: 9, IssueId: 7, IssueKey: 'WEB-2', Dir: '/', Name: 'メモ_5.txt' },
    ]);
    assert.deepEqual(await writes(), [
      { call: 'POST /api/v2/issues/7/sharedFiles', form: { 'fileId[]': '5' } },
      { call: 'POST /api/v2/issues/7/sharedFiles', form: { 'fileId[]': '9' } },
    ]);
    const linked = await fx.client.getIssueSharedFiles('WEB-2');
    for (const r of rows) {
      const f = linked.find((x) => x.id === r.Id);
      assert.ok(f, `file ${String(r.Id)} is linked`);
      assert.equal(f.name, r.Name);
      assert.equal(f.dir, r.Dir);
    }
    // The issue was read once for both rows (its id and key), not once per row.
    const reads = (await fx.requests()).filter((e) => e.method === 'GET' && e.path === '/api/v2/issues/WEB-2');
    assert.equal(reads.length, 1);
  });

  it('DELETE unlinks the file (the file stays): unlinking it again is 404', async () => {
    const rows = await run("DELETE FROM IssueLinkedSharedFiles WHERE IssueKey = 'WEB-2' AND Id = 5 RETURNING Id, IssueId");
    assert.deepEqual(rows, [{ Id: 5, IssueId: 7 }]);
    assert.deepEqual(await writes(), [{ call: 'DELETE /api/v2/issues/7/sharedFiles/5', form: {} }]);
    assert.deepEqual(
      (await fx.client.getIssueSharedFiles('WEB-2')).map((f) => f.id),
      [9],
    );
    assert.equal(await statusOf(fx.client.unlinkIssueSharedFile('WEB-2', 5)), 404);
    assert.equal((await fx.client.getSharedFile(1, 5)) !== undefined, true);
  });

  it('UPDATE and incomplete INSERTs are refused', async () => {
    await refused(
      "UPDATE IssueLinkedSharedFiles SET Id = 10 WHERE IssueKey = 'WEB-2'",
      /IssueLinkedSharedFiles does not support UPDATE/,
      /DELETE it and INSERT/,
    );
    await refused("INSERT INTO IssueLinkedSharedFiles (IssueKey) VALUES ('WEB-2')", /IssueLinkedSharedFiles needs Id/);
    await refused("INSERT INTO IssueLinkedSharedFiles (IssueKey, Id, Name) VALUES ('WEB-2', 10, 'x')", /column "Name" of IssueLinkedSharedFiles is read-only/);
  });
});

// ---- PullRequests ---------------------------------------------------------------------------

describe('PullRequests', () => {
  let number: number;

  it('INSERT opens a pull request with one POST and backlog-js reads every field back', async () => {
    const rows = await run(
      `INSERT INTO PullRequests (ProjectId, RepositoryId, Summary, Description, Base, Branch, AssigneeId, IssueId, NotifiedUserIds)
       VALUES (1, 1, 'ログイン画面の修正', 'WEB-1 の不具合を直します。', 'main', 'fix/ログイン', 2, 1, '2')
       RETURNING Id, Number, ProjectId, RepositoryId, StatusId, AssigneeId, IssueId, CreatedUserId, Created`,
    );
    assert.equal(rows.length, 1);
    const r = rows[0] as Row;
    number = r.Number as number;
    assert.ok((r.Id as number) > 0 && number > 0, 'RETURNING gives the generated id and number');
    assert.deepEqual([r.ProjectId, r.RepositoryId, r.StatusId, r.AssigneeId, r.IssueId, r.CreatedUserId], [1, 1, 1, 2, 1, 1]);
    assert.deepEqual(await writes(), [
      {
        call: 'POST /api/v2/projects/1/git/repositories/1/pullRequests',
        form: {
          summary: 'ログイン画面の修正',
          description: 'WEB-1 の不具合を直します。',
          base: 'main',
          branch: 'fix/ログイン',
          assigneeId: '2',
          issueId: '1',
          'notifiedUserId[]': '2',
        },
      },
    ]);
    const pr = await fx.client.getPullRequest(1, '1', number);
    assert.equal(pr.id, r.Id);
    assert.equal(pr.summary, 'ログイン画面の修正');
    assert.equal(pr.description, 'WEB-1 の不具合を直します。');
    assert.equal(pr.base, 'main');
    assert.equal(pr.branch, 'fix/ログイン');
    assert.equal(pr.assignee?.id, 2);
    assert.equal(pr.issue?.id, 1);
    assert.equal(iso(pr.created), iso(r.Created));
  });

  it('UPDATE changes the summary and clears the assignee and issue with NULL, with a comment', async () => {
    const rows = await run(
      `UPDATE PullRequests SET Summary = 'ログイン画面の修正（再）', AssigneeId = NULL, IssueId = NULL, Comment = '担当を外しました'
       WHERE ProjectId = 1 AND RepositoryId = 1 AND Number = ${number} RETURNING Summary, AssigneeId, AssigneeName, IssueId`,
    );
    assert.deepEqual(rows, [{ Summary: 'ログイン画面の修正（再）', AssigneeId: null, AssigneeName: null, IssueId: null }]);
    assert.deepEqual(await writes(), [
      {
        call: `PATCH /api/v2/projects/1/git/repositories/1/pullRequests/${number}`,
        form: { summary: 'ログイン画面の修正（再）', assigneeId: '', issueId: '', comment: '担当を外しました' },
      },
    ]);
    const pr = await fx.client.getPullRequest(1, '1', number);
    assert.equal(pr.summary, 'ログイン画面の修正（再）');
    assert.equal(pr.assignee, null);
    assert.equal(pr.issue ?? null, null);
    const comments = await fx.client.getPullRequestComments(1, '1', number, { order: 'asc' });
    assert.ok(
      comments.some((c) => c.content === '担当を外しました'),
      'the comment is recorded with the change',
    );
  });

  it('UPDATE sets an assignee again, and one that changes nothing sends nothing', async () => {
    await run(`UPDATE PullRequests SET AssigneeId = 1 WHERE ProjectId = 1 AND RepositoryId = 1 AND Number = ${number}`);
    assert.deepEqual(await writes(), [{ call: `PATCH /api/v2/projects/1/git/repositories/1/pullRequests/${number}`, form: { assigneeId: '1' } }]);
    assert.equal((await fx.client.getPullRequest(1, '1', number)).assignee?.id, 1);
    await run(`UPDATE PullRequests SET Summary = Summary WHERE ProjectId = 1 AND RepositoryId = 1 AND Number = ${number}`);
    assert.deepEqual(await writes(), []);
  });

  it('DELETE, changing the branches or status, and incomplete INSERTs are refused', async () => {
    await refused(
      `DELETE FROM PullRequests WHERE ProjectId = 1 AND RepositoryId = 1 AND Number = ${number}`,
      /PullRequests does not support DELETE/,
      /no endpoint to delete a pull request/,
    );
    await refused(
      `UPDATE PullRequests SET Base = 'develop' WHERE ProjectId = 1 AND RepositoryId = 1 AND Number = ${number}`,
      /column "Base" of PullRequests can only be set by INSERT/,
    );
    await refused(
      `UPDATE PullRequests SET StatusId = 2 WHERE ProjectId = 1 AND RepositoryId = 1 AND Number = ${number}`,
      /column "StatusId" of PullRequests is read-only/,
    );
    await refused(
      `UPDATE PullRequests SET Summary = NULL WHERE ProjectId = 1 AND RepositoryId = 1 AND Number = ${number}`,
      /Summary of PullRequests cannot be NULL/,
    );
    await refused(
      "INSERT INTO PullRequests (ProjectId, RepositoryId, Summary, Description, Base) VALUES (1, 1, 's', 'd', 'main')",
      /PullRequests needs Branch/,
    );
    await refused(
      "INSERT INTO PullRequests (ProjectId, RepositoryId, Summary, Description, Base, Branch) VALUES (3, 1, 's', 'd', 'main', 'b')",
      /project OPS has Git turned off/,
    );
  });
});

// ---- PullRequestComments and PullRequestAttachments ----------------------------------------

describe('PullRequestComments', () => {
  let commentId: number;

  it('INSERT posts a comment to the pull request named by project, repository and number', async () => {
    const rows = await run(
      "INSERT INTO PullRequestComments (ProjectId, RepositoryId, PullRequestNumber, Content, NotifiedUserIds) VALUES (1, 1, 1, 'レビューしました。LGTM です', [2]) RETURNING *",
    );
    assert.equal(rows.length, 1);
    const r = rows[0] as Row;
    commentId = r.Id as number;
    assert.ok(commentId > 0);
    assert.deepEqual([r.ProjectId, r.RepositoryId, r.PullRequestNumber, r.Content, r.CreatedUserId], [1, 1, 1, 'レビューしました。LGTM です', 1]);
    assert.deepEqual(await writes(), [
      { call: 'POST /api/v2/projects/1/git/repositories/1/pullRequests/1/comments', form: { content: 'レビューしました。LGTM です', 'notifiedUserId[]': '2' } },
    ]);
    const c = (await fx.client.getPullRequestComments(1, '1', 1, { order: 'asc', count: 100 })).find((x) => x.id === commentId);
    assert.ok(c);
    assert.equal(c.content, 'レビューしました。LGTM です');
    assert.equal(c.createdUser.id, 1);
    assert.equal(iso(c.created), iso(r.Created));
  });

  it('UPDATE edits your own comment with one PATCH', async () => {
    await run(
      `UPDATE PullRequestComments SET Content = '修正を確認しました' WHERE ProjectId = 1 AND RepositoryId = 1 AND PullRequestNumber = 1 AND Id = ${commentId}`,
    );
    assert.deepEqual(await writes(), [
      { call: `PATCH /api/v2/projects/1/git/repositories/1/pullRequests/1/comments/${commentId}`, form: { content: '修正を確認しました' } },
    ]);
    const c = (await fx.client.getPullRequestComments(1, '1', 1, { order: 'asc', count: 100 })).find((x) => x.id === commentId);
    assert.equal(c?.content, '修正を確認しました');
  });

  it("DELETE and edits of other users' comments are refused", async () => {
    await refused(
      `DELETE FROM PullRequestComments WHERE ProjectId = 1 AND RepositoryId = 1 AND PullRequestNumber = 1 AND Id = ${commentId}`,
      /PullRequestComments does not support DELETE/,
      /edit its Content/,
    );
    const other = (await fx.client.getPullRequestComments(1, '1', 1, { order: 'asc', count: 100 })).find((c) => c.createdUser.id !== 1 && c.content);
    assert.ok(other, 'the seed has comments by other users');
    await refused(
      `UPDATE PullRequestComments SET Content = 'x' WHERE ProjectId = 1 AND RepositoryId = 1 AND PullRequestNumber = 1 AND Id = ${other.id}`,
      /only its author/,
    );
    assert.equal((await fx.client.getPullRequestComments(1, '1', 1, { order: 'asc', count: 100 })).find((c) => c.id === other.id)?.content, other.content);
    await refused(
      `UPDATE PullRequestComments SET PullRequestNumber = 2 WHERE ProjectId = 1 AND RepositoryId = 1 AND PullRequestNumber = 1 AND Id = ${commentId}`,
      /can only be set by INSERT/,
    );
    await refused("INSERT INTO PullRequestComments (ProjectId, RepositoryId, Content) VALUES (1, 1, 'x')", /PullRequestComments needs PullRequestNumber/);
  });
});

describe('PullRequestAttachments', () => {
  it('DELETE removes a file attached with a comment: backlog-js then gets 404 for it', async () => {
    const fileId = await upload('diff_修正.patch', '--- a\n+++ b\n');
    await fx.db.query(
      "INSERT INTO PullRequestComments (ProjectId, RepositoryId, PullRequestNumber, Content, AttachmentIds) VALUES (1, 2, 1, 'パッチを添付', ?)",
      [String(fileId)],
    );
    assert.ok((await fx.client.getPullRequestAttachments(1, '2', 1)).some((a) => a.id === fileId));
    const rows = await run(
      `DELETE FROM PullRequestAttachments WHERE ProjectId = 1 AND RepositoryId = 2 AND PullRequestNumber = 1 AND Id = ${fileId} RETURNING Id, Name`,
    );
    assert.deepEqual(rows, [{ Id: fileId, Name: 'diff_修正.patch' }]);
    assert.deepEqual(await writes(), [{ call: `DELETE /api/v2/projects/1/git/repositories/2/pullRequests/1/attachments/${fileId}`, form: {} }]);
    assert.equal(await statusOf(fx.client.getPullRequestAttachment(1, '2', 1, fileId)), 404);
  });

  it('INSERT is refused, pointing to AttachmentIds of pull requests and their comments', async () => {
    await refused(
      'INSERT INTO PullRequestAttachments (ProjectId, RepositoryId, PullRequestNumber) VALUES (1, 1, 1)',
      /PullRequestAttachments does not support INSERT/,
      /PostAttachment.*AttachmentIds/,
    );
  });
});

// ---- Watchings ------------------------------------------------------------------------------

describe('Watchings', () => {
  let byKey: number;
  let byId: number;

  it('INSERT watches issues named by key or id, with a note', async () => {
    const rows = await run(
      "INSERT INTO Watchings (IssueKey, IssueId, Note) VALUES ('WEB-3', NULL, 'リリース前に確認する'), (NULL, 12, NULL) RETURNING Id, UserId, IssueId, IssueKey, Note, Created",
    );
    assert.equal(rows.length, 2);
    byKey = rows[0]?.Id as number;
    byId = rows[1]?.Id as number;
    assert.ok(byKey > 0 && byId > byKey);
    assert.deepEqual(
      rows.map((r) => [r.UserId, r.IssueId, r.IssueKey, r.Note]),
      [
        [1, 8, 'WEB-3', 'リリース前に確認する'],
        [1, 12, 'WEB-4', ''],
      ],
    );
    assert.deepEqual(await writes(), [
      { call: 'POST /api/v2/watchings', form: { issueIdOrKey: 'WEB-3', note: 'リリース前に確認する' } },
      { call: 'POST /api/v2/watchings', form: { issueIdOrKey: '12' } },
    ]);
    const w = await fx.client.getWatchingListItem(byKey);
    assert.equal(w.note, 'リリース前に確認する');
    assert.equal(w.issue.issueKey, 'WEB-3');
    assert.equal(iso(w.created), iso(rows[0]?.Created));
  });

  it('UPDATE changes the note, and SET Note = NULL empties it', async () => {
    await run(`UPDATE Watchings SET Note = '対応中' WHERE Id = ${byId}`);
    assert.deepEqual(await writes(), [{ call: `PATCH /api/v2/watchings/${byId}`, form: { note: '対応中' } }]);
    assert.equal((await fx.client.getWatchingListItem(byId)).note, '対応中');
    const rows = await run(`UPDATE Watchings SET Note = NULL WHERE IssueKey = 'WEB-3' RETURNING Id, Note`);
    assert.deepEqual(rows, [{ Id: byKey, Note: '' }]);
    assert.deepEqual(await writes(), [{ call: `PATCH /api/v2/watchings/${byKey}`, form: { note: '' } }]);
    assert.equal((await fx.client.getWatchingListItem(byKey)).note, '');
  });

  it('DELETE stops watching: backlog-js then gets 404', async () => {
    const rows = await run(`DELETE FROM Watchings WHERE Id IN (${byKey}, ${byId}) RETURNING Id`);
    assert.deepEqual(rows.map((r) => r.Id).sort(), [byKey, byId].sort());
    assert.deepEqual((await writes()).map((x) => x.call).sort(), [`DELETE /api/v2/watchings/${byKey}`, `DELETE /api/v2/watchings/${byId}`].sort());
    assert.equal(await statusOf(fx.client.getWatchingListItem(byKey)), 404);
    assert.equal(await statusOf(fx.client.getWatchingListItem(byId)), 404);
  });

  it('marking read, moving a watching and watching without an issue are refused', async () => {
    await refused('UPDATE Watchings SET ResourceAlreadyRead = true', /column "ResourceAlreadyRead" of Watchings is read-only/);
    await refused("UPDATE Watchings SET IssueKey = 'WEB-1'", /column "IssueKey" of Watchings can only be set by INSERT/);
    await refused("INSERT INTO Watchings (Note) VALUES ('x')", /Watchings needs IssueId or IssueKey/);
  });
});

// ---- WikiPages and WikiPageAttachments ------------------------------------------------------

describe('WikiPages', () => {
  let pageId: number;

  it('INSERT creates a page in the project named by key, with MailNotify', async () => {
    const rows = await run(
      "INSERT INTO WikiPages (ProjectKey, Name, Content, MailNotify) VALUES ('WEB', 'Docs/リリース手順', '# 手順\n1. ビルド\n2. デプロイ', false) RETURNING Id, ProjectId, ProjectKey, Name, Content, CreatedUserId, Created",
    );
    assert.equal(rows.length, 1);
    const r = rows[0] as Row;
    pageId = r.Id as number;
    assert.ok(pageId > 0);
    assert.deepEqual([r.ProjectId, r.ProjectKey, r.Name, r.Content, r.CreatedUserId], [1, 'WEB', 'Docs/リリース手順', '# 手順\n1. ビルド\n2. デプロイ', 1]);
    assert.deepEqual(await writes(), [
      { call: 'POST /api/v2/wikis', form: { name: 'Docs/リリース手順', content: '# 手順\n1. ビルド\n2. デプロイ', mailNotify: 'false', projectId: '1' } },
    ]);
    const page = await fx.client.getWiki(pageId);
    assert.equal(page.projectId, 1);
    assert.equal(page.name, 'Docs/リリース手順');
    assert.equal(page.content, '# 手順\n1. ビルド\n2. デプロイ');
    assert.equal(iso(page.created), iso(r.Created));
  });

  it('UPDATE renames the page and replaces its content with one PATCH', async () => {
    const rows = await run(
      `UPDATE WikiPages SET Name = 'Docs/リリース手順（改訂）', Content = Content || '\n3. 確認', MailNotify = true WHERE Id = ${pageId} RETURNING Name, Content, ProjectKey`,
    );
    assert.deepEqual(rows, [{ Name: 'Docs/リリース手順（改訂）', Content: '# 手順\n1. ビルド\n2. デプロイ\n3. 確認', ProjectKey: 'WEB' }]);
    assert.deepEqual(await writes(), [
      {
        call: `PATCH /api/v2/wikis/${pageId}`,
        form: { name: 'Docs/リリース手順（改訂）', content: '# 手順\n1. ビルド\n2. デプロイ\n3. 確認', mailNotify: 'true' },
      },
    ]);
    const page = await fx.client.getWiki(pageId);
    assert.equal(page.name, 'Docs/リリース手順（改訂）');
    assert.equal(page.content, '# 手順\n1. ビルド\n2. デプロイ\n3. 確認');
  });

  it('DELETE removes the page: backlog-js then gets 404', async () => {
    await run(`DELETE FROM WikiPages WHERE Id = ${pageId}`);
    assert.deepEqual(await writes(), [{ call: `DELETE /api/v2/wikis/${pageId}`, form: {} }]);
    assert.equal(await statusOf(fx.client.getWiki(pageId)), 404);
  });

  it('a project with Wiki off, NULL content, moving a page and tags are refused', async () => {
    await refused("INSERT INTO WikiPages (ProjectKey, Name, Content) VALUES ('APP', 'ページ', '本文')", /project APP has Wiki turned off/);
    await refused("INSERT INTO WikiPages (ProjectKey, Name) VALUES ('WEB', 'ページ')", /WikiPages needs Content/);
    await refused('UPDATE WikiPages SET Content = NULL WHERE Id = 1', /Content of WikiPages cannot be NULL/);
    await refused('UPDATE WikiPages SET ProjectId = 3 WHERE Id = 1', /column "ProjectId" of WikiPages can only be set by INSERT/);
    await refused("UPDATE WikiPages SET Tags = 'x' WHERE Id = 1", /column "Tags" of WikiPages is read-only/);
  });
});

describe('WikiPageAttachments', () => {
  it('DELETE removes a file attached to the page: backlog-js then gets 404 for it', async () => {
    const fileId = await upload('図_構成.png', 'png');
    await fx.client.postWikisAttachments(1, [fileId]);
    const rows = await run(`DELETE FROM WikiPageAttachments WHERE WikiId = 1 AND Name = '図_構成.png' RETURNING Id, WikiId`);
    assert.deepEqual(rows, [{ Id: fileId, WikiId: 1 }]);
    assert.deepEqual(await writes(), [{ call: `DELETE /api/v2/wikis/1/attachments/${fileId}`, form: {} }]);
    assert.equal(await statusOf(fx.client.getWikiAttachment(1, fileId)), 404);
    assert.ok(!(await fx.client.getWikisAttachments(1)).some((a) => a.id === fileId));
  });

  it('INSERT is refused, pointing to the AttachFileToWiki procedure', async () => {
    await refused('INSERT INTO WikiPageAttachments (WikiId) VALUES (1)', /WikiPageAttachments does not support INSERT/, /AttachFileToWiki/);
  });
});
