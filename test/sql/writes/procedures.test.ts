/**
 * The Backlog stored procedures beyond OAuth (issue 5, Deliver 2): each against the emulator with
 * exactly the expected request in the journal, results checked and read back through backlog-js;
 * the upload → attach → download round trip; Readonly=true and remote (no local files)
 * refusals with no request; bad arguments; and sys_procedures / sys_procedureparameters.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type Connection } from '../../../src/index.js';
import { SqlError, WriteOutcomeUnknownError } from '../../../src/errors.js';
import { safeFileName } from '../../../src/procedures/common.js';
import { PROCEDURES } from '../../../src/procedures/index.js';
import { api, control } from '../../helpers/emulator.js';
import { openWriteFixture, type WriteFixture } from '../../helpers/writes.js';

let f: WriteFixture;
let dir: string;

before(async () => {
  // A short rate-limit window: a 429 is waited out until its reset, seconds rather than a minute.
  f = await openWriteFixture({ emulator: { rateWindow: 2 } });
  dir = await mkdtemp(join(tmpdir(), 'backlog-sql-procedures-'));
});
after(async () => {
  await f.close();
  await rm(dir, { recursive: true, force: true });
});

type Row = Record<string, unknown>;

async function call(sql: string, params?: Record<string, unknown> | unknown[]): Promise<Row[]> {
  return (await f.db.query(sql, params as never)).rows as Row[];
}

/** The error a statement must fail with. */
async function failure(db: Connection, sql: string, params?: Record<string, unknown> | unknown[]): Promise<Error & { sqlstate?: string; hint?: string }> {
  try {
    await db.query(sql, params as never);
  } catch (e) {
    return e as Error & { sqlstate?: string; hint?: string };
  }
  return assert.fail(`expected ${sql} to fail`);
}

async function writeLines(): Promise<string[]> {
  return (await f.writes()).map((w) => `${w.method} ${w.path}`);
}

/** Bytes of a backlog-js download (its body is a web ReadableStream). */
async function bytesOf(download: Promise<unknown>): Promise<Buffer> {
  const { body } = (await download) as { body: ReadableStream };
  return Buffer.from(await new Response(body).arrayBuffer());
}

/** A wiki page of WEB to attach to, made fresh so tests do not share attachments. */
async function newWiki(name: string): Promise<number> {
  const wiki = await f.client.postWiki({ projectId: 1, name, content: 'テスト', mailNotify: false });
  return wiki.id;
}

describe('AddStar and RemoveStar', () => {
  it('AddStar stars the one item named with exactly one POST /stars, and RemoveStar takes the star back', async () => {
    const wikiId = await newWiki('星のページ');
    await f.clear();
    assert.deepEqual(await call('CALL AddStar(WikiId => $w)', { w: wikiId }), [{ Success: true }]);
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      ['POST /api/v2/stars'],
    );
    assert.deepEqual(writes[0]?.form, { wikiId: String(wikiId) });
    const stars = await f.client.getWikisStars(wikiId);
    assert.equal(stars.length, 1);
    assert.equal(stars[0]?.presenter.id, 1);

    await f.clear();
    assert.deepEqual(await call('CALL RemoveStar(StarId => ?)', [stars[0]?.id]), [{ Success: true }]);
    assert.deepEqual(await writeLines(), [`DELETE /api/v2/stars/${stars[0]?.id}`]);
    assert.deepEqual(await f.client.getWikisStars(wikiId), []);
  });

  it('AddStar sends the parameter of the target given (issue, comment, pull request)', async () => {
    const issue = (await f.client.getIssues({ projectId: [1], count: 1 }))[0] as { id: number };
    await f.clear();
    await call('CALL AddStar(IssueId => ?)', [issue.id]);
    assert.deepEqual((await f.writes())[0]?.form, { issueId: String(issue.id) });
    const back = await f.client.getIssue(issue.id);
    assert.ok(
      back.stars.some((s) => s.presenter.id === 1),
      'the issue carries the new star',
    );
  });

  it('AddStar without a target, or with two, is an error naming the choices and sends nothing', async () => {
    await f.clear();
    const none = await failure(f.db, 'CALL AddStar()');
    assert.ok(none instanceof SqlError);
    assert.match(none.message, /give one of IssueId, CommentId, WikiId, PullRequestId, PullRequestCommentId/);
    const two = await failure(f.db, 'CALL AddStar(IssueId => 1, WikiId => 1)');
    assert.match(two.message, /only one of .*\(got IssueId and WikiId\)/);
    const bad = await failure(f.db, "CALL AddStar(IssueId => 'abc')");
    assert.match(bad.message, /IssueId must be a positive whole number/);
    assert.equal((bad as SqlError).sqlstate, '22023');
    assert.deepEqual(await f.requests(), []);
  });

  it("a star Backlog refuses (starring twice) is Backlog's error, after exactly one request", async () => {
    const wikiId = await newWiki('二度目の星');
    await call('CALL AddStar(WikiId => ?)', [wikiId]);
    await f.clear();
    const e = await failure(f.db, 'CALL AddStar(WikiId => ?)', [wikiId]);
    assert.match(e.message, /400 .*already starred/);
    assert.deepEqual(await writeLines(), ['POST /api/v2/stars']);
  });
});

describe('PostAttachment, AttachFileToWiki and DownloadAttachment', () => {
  it('round trip: base64 with a Japanese file name is uploaded, attached to a wiki page and downloaded back byte for byte', async () => {
    const wikiId = await newWiki('添付のページ');
    const bytes = Buffer.concat([Buffer.from('議事録\n', 'utf8'), Buffer.from([0, 1, 2, 254, 255])]);
    await f.clear();
    const [uploaded] = await call('CALL PostAttachment(Content => $c, FileName => $n)', { c: bytes.toString('base64'), n: '議事録 2026年.txt' });
    assert.equal(uploaded?.Name, '議事録 2026年.txt');
    assert.equal(uploaded?.Size, bytes.length);
    assert.equal(typeof uploaded?.Id, 'number');
    const up = await f.writes();
    assert.deepEqual(
      up.map((w) => `${w.method} ${w.path}`),
      ['POST /api/v2/space/attachment'],
    );
    assert.equal(up[0]?.category, 'update');

    await f.clear();
    const attached = await call('CALL AttachFileToWiki(WikiId => ?, AttachmentIds => ?)', [wikiId, String(uploaded?.Id)]);
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`POST /api/v2/wikis/${wikiId}/attachments`],
    );
    assert.deepEqual(writes[0]?.form, { 'attachmentId[]': String(uploaded?.Id) });
    assert.equal(attached.length, 1);
    assert.equal(attached[0]?.Id, uploaded?.Id);
    assert.equal(attached[0]?.Name, '議事録 2026年.txt');
    assert.equal(attached[0]?.Size, bytes.length);
    assert.equal(attached[0]?.WikiId, wikiId);
    assert.equal(attached[0]?.CreatedUserId, 1);
    assert.ok(attached[0]?.Created instanceof Date);
    const listed = await f.client.getWikisAttachments(wikiId);
    assert.deepEqual(
      listed.map((a) => [a.id, a.name, a.size]),
      [[uploaded?.Id, '議事録 2026年.txt', bytes.length]],
    );
    assert.deepEqual(await bytesOf(f.client.getWikiAttachment(wikiId, uploaded?.Id as number)), bytes, 'backlog-js reads the same bytes');

    await f.clear();
    const [down] = await call('CALL DownloadAttachment(WikiId => ?, AttachmentId => ?)', [wikiId, uploaded?.Id]);
    assert.equal(down?.FileName, '議事録 2026年.txt');
    assert.equal(down?.Size, bytes.length);
    assert.match(String(down?.ContentType), /^text\/plain/);
    assert.equal(down?.FilePath, null);
    assert.equal(down?.Success, true);
    assert.deepEqual(Buffer.from(String(down?.FileData), 'base64'), bytes);
    assert.deepEqual(
      (await f.requests()).map((r) => `${r.method} ${r.path}`),
      [`GET /api/v2/wikis/${wikiId}/attachments/${uploaded?.Id}`],
    );

    // Into a folder: the Japanese name is kept; an existing file is never replaced without Overwrite.
    const out = await mkdtemp(join(dir, 'out-'));
    const [saved] = await call('CALL DownloadAttachment(WikiId => ?, AttachmentId => ?, OutputFolder => ?)', [wikiId, uploaded?.Id, out]);
    assert.equal(saved?.FilePath, join(out, '議事録 2026年.txt'));
    assert.equal(saved?.FileData, null);
    assert.deepEqual(await readFile(join(out, '議事録 2026年.txt')), bytes);
    await writeFile(join(out, '議事録 2026年.txt'), 'mine');
    const exists = await failure(f.db, 'CALL DownloadAttachment(WikiId => ?, AttachmentId => ?, OutputFolder => ?)', [wikiId, uploaded?.Id, out]);
    assert.match(exists.message, /already exists/);
    assert.match(exists.hint ?? '', /Overwrite/);
    assert.equal(await readFile(join(out, '議事録 2026年.txt'), 'utf8'), 'mine', 'the existing file is untouched');
    await call('CALL DownloadAttachment(WikiId => ?, AttachmentId => ?, OutputFolder => ?, Overwrite => TRUE)', [wikiId, uploaded?.Id, out]);
    assert.deepEqual(await readFile(join(out, '議事録 2026年.txt')), bytes);
    const [renamed] = await call("CALL DownloadAttachment(WikiId => ?, AttachmentId => ?, OutputFolder => ?, FileName => 'copy.txt')", [
      wikiId,
      uploaded?.Id,
      out,
    ]);
    assert.equal(renamed?.FilePath, join(out, 'copy.txt'));
    assert.deepEqual((await readdir(out)).sort(), ['copy.txt', '議事録 2026年.txt']);
  });

  it('PostAttachment reads a local FilePath, naming the upload after the file unless FileName says otherwise', async () => {
    const path = join(dir, 'local report.csv');
    await writeFile(path, 'a,b\n1,2\n');
    await f.clear();
    const [r] = await call('CALL PostAttachment(FilePath => ?)', [path]);
    assert.deepEqual([r?.Name, r?.Size], ['local report.csv', 8]);
    const [named] = await call("CALL PostAttachment(FilePath => ?, FileName => '集計.csv')", [path]);
    assert.equal(named?.Name, '集計.csv');
    assert.deepEqual(await writeLines(), ['POST /api/v2/space/attachment', 'POST /api/v2/space/attachment']);
  });

  it('an upload is sent again after a 429 (refused before processing) but never after it may have arrived', async () => {
    await f.clear();
    await control(f.emu, 'POST', 'faults', { method: 'POST', pathPattern: '^/api/v2/space/attachment$', times: 1, action: 'status', status: 429 });
    const [r] = await call("CALL PostAttachment(Content => '44GC', FileName => 'あ.txt')");
    assert.deepEqual([r?.Name, r?.Size], ['あ.txt', 3]);
    assert.deepEqual(
      (await f.writes()).map((w) => w.status),
      [429, 200],
      'the same upload, sent twice',
    );

    await f.clear();
    await control(f.emu, 'POST', 'faults', { method: 'POST', pathPattern: '^/api/v2/space/attachment$', times: 1, action: 'drop-after' });
    const e = await failure(f.db, "CALL PostAttachment(Content => 'eA==', FileName => 'x.txt')");
    assert.ok(e instanceof WriteOutcomeUnknownError, e.message);
    assert.equal((await f.writes()).length, 1, 'not re-sent');
  });

  it('AttachFileToWiki attaches a comma-separated list of uploads in one request', async () => {
    const wikiId = await newWiki('二つの添付');
    const ids: number[] = [];
    for (const name of ['a.txt', 'b.txt']) ids.push((await call("CALL PostAttachment(Content => 'eA==', FileName => ?)", [name]))[0]?.Id as number);
    await f.clear();
    const rows = await call('CALL AttachFileToWiki(WikiId => ?, AttachmentIds => ?)', [wikiId, ` ${ids[0]},${ids[1]} `]);
    assert.deepEqual(
      rows.map((r) => r.Name),
      ['a.txt', 'b.txt'],
    );
    const writes = await f.writes();
    assert.equal(writes.length, 1);
    assert.deepEqual(writes[0]?.form['attachmentId[]'], ids.map(String));
    assert.deepEqual((await f.client.getWikisAttachments(wikiId)).map((a) => a.id).sort(), [...ids].sort());
  });

  it('PostAttachment arguments that cannot work are clear errors, before any request', async () => {
    await f.clear();
    const cases: [string, unknown[], RegExp][] = [
      ['CALL PostAttachment()', [], /give one of FilePath, Content/],
      ["CALL PostAttachment(FilePath => ?, Content => 'eA==')", [join(dir, 'x')], /only one of FilePath, Content/],
      ["CALL PostAttachment(Content => 'eA==')", [], /FileName is required with Content/],
      ["CALL PostAttachment(Content => 'not base64!', FileName => 'x.txt')", [], /Content is not base64/],
      ["CALL PostAttachment(Content => 'eA==', FileName => '../x.txt')", [], /FileName must be a plain file name/],
      ['CALL PostAttachment(FilePath => ?)', [join(dir, 'missing.bin')], /cannot read FilePath .*missing\.bin: no such file/],
      ['CALL PostAttachment(FilePath => ?)', [dir], /is not a file/],
    ];
    for (const [sql, params, message] of cases) {
      const e = await failure(f.db, sql, params);
      assert.ok(e instanceof SqlError, `${sql}: ${e.message}`);
      assert.match(e.message, message);
    }
    assert.deepEqual(await f.requests(), []);
  });

  it('AttachFileToWiki refuses an AttachmentIds list that is not ids, and Backlog refuses an id that is not a fresh upload', async () => {
    await f.clear();
    const e = await failure(f.db, "CALL AttachFileToWiki(WikiId => 1, AttachmentIds => '1, x')");
    assert.match(e.message, /AttachmentIds must be ids separated by commas; "x" is not an id/);
    assert.deepEqual(await f.requests(), []);
    const stale = await failure(f.db, "CALL AttachFileToWiki(WikiId => 1, AttachmentIds => '1')");
    assert.match(stale.message, /400 .*attachmentId\[\]/);
    assert.deepEqual(await writeLines(), ['POST /api/v2/wikis/1/attachments']);
  });
});

describe('DownloadAttachment and DownloadFile', () => {
  it('DownloadAttachment fetches an issue attachment by IssueKey, the same bytes backlog-js reads', async () => {
    const issue = (await f.client.getIssues({ projectId: [1], attachment: true, count: 1 }))[0] as { id: number; issueKey: string };
    const attachment = (await f.client.getIssueAttachments(issue.id))[0] as { id: number; name: string; size: number };
    await f.clear();
    const [r] = await call('CALL DownloadAttachment(IssueKey => ?, AttachmentId => ?)', [issue.issueKey, attachment.id]);
    assert.deepEqual(
      (await f.requests()).map((x) => `${x.method} ${x.path}`),
      [`GET /api/v2/issues/${issue.issueKey}/attachments/${attachment.id}`],
    );
    assert.equal(r?.FileName, attachment.name);
    assert.equal(r?.Size, attachment.size);
    assert.deepEqual(Buffer.from(String(r?.FileData), 'base64'), await bytesOf(f.client.getIssueAttachment(issue.id, attachment.id)));
  });

  it('DownloadAttachment fetches a pull-request attachment by project, repository name and number', async () => {
    const found = (await call('SELECT RepositoryId, PullRequestNumber FROM PullRequestAttachments WHERE ProjectId = 1 LIMIT 1'))[0];
    assert.ok(found, 'the seed has a pull request with an attachment');
    const repo = await f.client.getGitRepository('WEB', String(found.RepositoryId));
    const pr = { number: found.PullRequestNumber as number };
    const a = (await f.client.getPullRequestAttachments('WEB', repo.name, pr.number))[0] as { id: number; size: number; name: string };
    await f.clear();
    const [r] = await call('CALL DownloadAttachment(ProjectKey => ?, RepositoryName => ?, PullRequestNumber => ?, AttachmentId => ?)', [
      'WEB',
      repo.name,
      pr.number,
      a.id,
    ]);
    assert.deepEqual(
      (await f.requests()).map((x) => x.path),
      [`/api/v2/projects/WEB/git/repositories/${repo.name}/pullRequests/${pr.number}/attachments/${a.id}`],
    );
    assert.deepEqual([r?.FileName, r?.Size], [a.name, a.size]);
    const [byId] = await call('CALL DownloadAttachment(ProjectId => 1, RepositoryId => ?, PullRequestNumber => ?, AttachmentId => ?)', [
      repo.id,
      pr.number,
      a.id,
    ]);
    assert.equal(byId?.FileData, r?.FileData);
  });

  it('DownloadFile fetches a shared file of a project, the same bytes backlog-js reads', async () => {
    const file = (await f.client.getSharedFiles('WEB', '', {})).find((x) => x.type === 'file') as { id: number; name: string; size: number };
    await f.clear();
    const [r] = await call("CALL DownloadFile(ProjectKey => 'WEB', SharedFileId => ?)", [file.id]);
    assert.deepEqual(
      (await f.requests()).map((x) => `${x.method} ${x.path}`),
      [`GET /api/v2/projects/WEB/files/${file.id}`],
    );
    assert.deepEqual([r?.FileName, r?.Size, r?.Success], [file.name, file.size, true]);
    assert.deepEqual(Buffer.from(String(r?.FileData), 'base64'), await bytesOf(f.client.getSharedFile('WEB', file.id)));
    const out = await mkdtemp(join(dir, 'shared-'));
    const [saved] = await call('CALL DownloadFile(ProjectId => 1, SharedFileId => ?, OutputFolder => ?)', [file.id, out]);
    assert.equal(saved?.FilePath, join(out, file.name));
    assert.equal((await readFile(join(out, file.name))).length, file.size);
  });

  it('a file name sent by the server cannot leave OutputFolder', async () => {
    // Upload with a hostile name straight through the API, then attach it to a page.
    const form = new FormData();
    form.append('file', new Blob(['evil']), '../../escape.txt');
    const up = await api(f.emu, 'POST', '/space/attachment', { body: form });
    assert.equal(up.status, 200, up.text);
    const id = (up.body as { id: number }).id;
    const wikiId = await newWiki('危ない名前');
    await f.client.postWikisAttachments(wikiId, [id]);
    const out = await mkdtemp(join(dir, 'safe-'));
    const [r] = await call('CALL DownloadAttachment(WikiId => ?, AttachmentId => ?, OutputFolder => ?)', [wikiId, id, out]);
    assert.equal(r?.FilePath, join(out, 'escape.txt'));
    assert.deepEqual(await readdir(out), ['escape.txt']);
    assert.equal(await readFile(join(out, 'escape.txt'), 'utf8'), 'evil');
  });

  it('server file names are made safe: last component, no reserved characters or leading dots', () => {
    assert.equal(safeFileName('../../etc/passwd', 'f'), 'passwd');
    assert.equal(safeFileName('C:\\temp\\a.txt', 'f'), 'a.txt');
    assert.equal(safeFileName('..', 'fallback'), 'fallback');
    assert.equal(safeFileName('.bashrc', 'f'), 'bashrc');
    assert.equal(safeFileName('a<b>:c?.txt', 'f'), 'a_b__c_.txt');
    assert.equal(safeFileName('line\nbreak.txt', 'f'), 'line_break.txt');
    assert.equal(safeFileName('CON.txt', 'f'), '_CON.txt');
    assert.equal(safeFileName('報告書.pdf', 'f'), '報告書.pdf');
    assert.equal(safeFileName(`${'x'.repeat(300)}.pdf`, 'f').length, 200);
    assert.ok(safeFileName(`${'x'.repeat(300)}.pdf`, 'f').endsWith('.pdf'));
  });

  it('naming no owner, two owners, or output options without OutputFolder are clear errors, before any request', async () => {
    await f.clear();
    const cases: [string, RegExp][] = [
      ['CALL DownloadAttachment(AttachmentId => 1)', /name what the file is attached to/],
      ['CALL DownloadAttachment(AttachmentId => 1, IssueId => 1, WikiId => 1)', /only one owner \(got issue and wiki\)/],
      ["CALL DownloadAttachment(AttachmentId => 1, IssueId => 1, IssueKey => 'WEB-1')", /only one of IssueId, IssueKey/],
      ["CALL DownloadAttachment(AttachmentId => 1, IssueId => 1, ProjectKey => 'WEB')", /ProjectId and ProjectKey only go with a pull request/],
      ['CALL DownloadAttachment(AttachmentId => 1, PullRequestNumber => 1, RepositoryId => 1)', /give one of ProjectId, ProjectKey/],
      ["CALL DownloadAttachment(AttachmentId => 1, ProjectKey => 'WEB', RepositoryId => 1)", /PullRequestNumber is required/],
      ["CALL DownloadAttachment(AttachmentId => 1, WikiId => 1, FileName => 'x')", /FileName needs OutputFolder/],
      [
        "CALL DownloadAttachment(AttachmentId => 1, WikiId => 1, OutputFolder => '/no/such/folder')",
        /OutputFolder \/no\/such\/folder is not an existing folder/,
      ],
      ["CALL DownloadAttachment(AttachmentId => 1, WikiId => 1, OutputFolder => '/tmp', FileName => '../x')", /FileName must be a plain file name/],
      ['CALL DownloadFile(SharedFileId => 1)', /give one of ProjectId, ProjectKey/],
      ["CALL DownloadFile(ProjectKey => 'WEB', SharedFileId => 1, Overwrite => 'maybe')", /Overwrite must be TRUE or FALSE/],
    ];
    for (const [sql, message] of cases) assert.match((await failure(f.db, sql)).message, message, sql);
    const missing = await failure(f.db, "CALL DownloadFile(ProjectKey => 'WEB')");
    assert.match(missing.message, /DownloadFile needs SharedFileId/);
    const wrongProc = await failure(f.db, "CALL DownloadFile(ProjectKey => 'WEB', AttachmentId => 1)");
    assert.match(wrongProc.message, /DownloadFile has no parameter AttachmentId/);
    assert.deepEqual(await f.requests(), []);
  });
});

describe('GetOwnUser', () => {
  it('returns the signed-in user with the Users columns, with one GET /users/myself', async () => {
    await f.clear();
    const [me] = await call('CALL GetOwnUser()');
    const back = await f.client.getMyself();
    assert.deepEqual(
      [me?.Id, me?.UserId, me?.Name, me?.RoleType, me?.MailAddress, me?.Lang],
      [back.id, back.userId, back.name, back.roleType, back.mailAddress, back.lang],
    );
    assert.ok(me?.LastLoginTime === null || me?.LastLoginTime instanceof Date);
    const users = await call('SELECT * FROM Users WHERE Id = ?', [back.id]);
    assert.deepEqual(Object.keys(me ?? {}), Object.keys(users[0] ?? {}), 'the same columns as the Users table');
  });
});

describe('LinkSharedFilesToWiki', () => {
  it('links shared files to a page with one POST of fileId[] and returns the files', async () => {
    const wikiId = await newWiki('共有ファイルのリンク');
    const files = (await f.client.getSharedFiles('WEB', '', {})).filter((x) => x.type === 'file').slice(0, 2);
    await f.clear();
    const rows = await call('CALL LinkSharedFilesToWiki(WikiId => ?, FileIds => ?)', [wikiId, files.map((x) => x.id).join(',')]);
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`POST /api/v2/wikis/${wikiId}/sharedFiles`],
    );
    assert.deepEqual(
      writes[0]?.form['fileId[]'],
      files.map((x) => String(x.id)),
    );
    assert.deepEqual(
      rows.map((r) => [r.Id, r.Name, r.Dir, r.WikiId]),
      files.map((x) => [x.id, x.name, x.dir, wikiId]),
    );
    assert.deepEqual(
      (await f.client.getWikisSharedFiles(wikiId)).map((x) => x.id),
      files.map((x) => x.id),
    );
  });
});

describe('marking as read', () => {
  it('MarkWatchingAsRead marks one watching read with one POST', async () => {
    const watching = (await f.client.getWatchingListItems(1, {})).find((w) => !w.resourceAlreadyRead);
    assert.ok(watching, 'the seed has an unread watching');
    await f.clear();
    assert.deepEqual(await call('CALL MarkWatchingAsRead(WatchingId => ?)', [watching.id]), [{ Success: true }]);
    assert.deepEqual(await writeLines(), [`POST /api/v2/watchings/${watching.id}/markAsRead`]);
    assert.equal((await f.client.getWatchingListItem(watching.id)).resourceAlreadyRead, true);
  });

  it('MarkNotificationAsRead marks one notification read; MarkAllNotificationsAsRead resets the badge and returns the count', async () => {
    const unread = (await f.client.getNotifications({ count: 100 })).filter((n) => !n.alreadyRead);
    assert.ok(unread.length >= 2, 'the seed has unread notifications');
    const one = unread[0] as { id: number };
    await f.clear();
    assert.deepEqual(await call('CALL MarkNotificationAsRead(NotificationId => ?)', [one.id]), [{ Success: true }]);
    assert.deepEqual(await writeLines(), [`POST /api/v2/notifications/${one.id}/markAsRead`]);
    const again = (await f.client.getNotifications({ count: 100 })).find((n) => n.id === one.id);
    assert.equal(again?.alreadyRead, true);

    const before = (await f.client.getNotificationsCount({ alreadyRead: false, resourceAlreadyRead: false })).count;
    await f.clear();
    const [r] = await call('CALL MarkAllNotificationsAsRead()');
    assert.deepEqual(await writeLines(), ['POST /api/v2/notifications/markAsRead']);
    assert.equal(typeof r?.Count, 'number');
    assert.ok((r?.Count as number) >= before, `${String(r?.Count)} >= ${before}`);
    assert.equal((await f.client.getNotificationsCount({ alreadyRead: false, resourceAlreadyRead: false })).count, 0);
  });
});

describe('AddRelatedIssue and RemoveRelatedIssue', () => {
  it("links two issues by key (one read to find the other issue's id, one write), and unlinks them", async () => {
    const [a, b] = (await f.client.getIssues({ projectId: [1], count: 2, sort: 'created', order: 'asc' })) as {
      id: number;
      issueKey: string;
      summary: string;
    }[];
    assert.ok(a && b);
    await f.clear();
    const [r] = await call('CALL AddRelatedIssue(IssueKey => ?, RelatedIssueKey => ?)', [a.issueKey, b.issueKey]);
    assert.deepEqual(r, { RelatedIssueId: b.id, RelatedIssueKey: b.issueKey, RelatedIssueSummary: b.summary, Type: 'RELATES' });
    const requests = await f.requests();
    assert.deepEqual(
      requests.map((x) => `${x.method} ${x.path}`),
      [`GET /api/v2/issues/${b.issueKey}`, `POST /api/v2/issues/${a.issueKey}/relatedIssues`],
    );
    assert.deepEqual(requests[1]?.form, { targetIssueId: String(b.id) });
    assert.ok((await f.client.getRelatedIssues(a.id)).some((x) => x.id === b.id));

    await f.clear();
    const [removed] = await call('CALL RemoveRelatedIssue(IssueId => ?, RelatedIssueId => ?)', [a.id, b.id]);
    assert.equal(removed?.RelatedIssueId, b.id);
    assert.deepEqual(
      (await f.requests()).map((x) => `${x.method} ${x.path}`),
      [`DELETE /api/v2/issues/${a.id}/relatedIssues/${b.id}`],
    );
    assert.ok(!(await f.client.getRelatedIssues(a.id)).some((x) => x.id === b.id));

    const notLinked = await failure(f.db, 'CALL RemoveRelatedIssue(IssueId => ?, RelatedIssueId => ?)', [a.id, b.id]);
    assert.match(notLinked.message, /404 .*No related issue/);
    const badKey = await failure(f.db, "CALL AddRelatedIssue(IssueId => 1, RelatedIssueKey => 'not a key')");
    assert.match(badKey.message, /RelatedIssueKey must be an issue key/);
  });
});

describe('status and issue type settings', () => {
  it('UpdateStatusDisplayOrder sends every status id in the new order and returns the statuses in that order', async () => {
    const statuses = await f.client.getProjectStatuses('WEB');
    const ids = statuses.map((s) => s.id);
    const middle = ids.slice(1, -1).reverse();
    const order = [ids[0] as number, ...middle, ids[ids.length - 1] as number];
    await f.clear();
    const rows = await call("CALL UpdateStatusDisplayOrder(ProjectKey => 'WEB', StatusIds => ?)", [order.join(', ')]);
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      ['PATCH /api/v2/projects/WEB/statuses/updateDisplayOrder'],
    );
    assert.deepEqual(writes[0]?.form['statusId[]'], order.map(String));
    assert.deepEqual(
      rows.map((r) => r.Id),
      order,
    );
    const back = (await f.client.getProjectStatuses('WEB')).sort((x, y) => x.displayOrder - y.displayOrder);
    assert.deepEqual(
      back.map((s) => s.id),
      order,
    );
  });

  it('DeleteStatus deletes a custom status, moving its issues to the substitute, with one DELETE', async () => {
    const added = await f.client.postProjectStatus('WEB', { name: '保留', color: '#868cb7' });
    const issue = (await f.client.getIssues({ projectId: [1], count: 1 }))[0] as { id: number };
    await f.client.patchIssue(issue.id, { statusId: added.id });
    await f.clear();
    const [r] = await call("CALL DeleteStatus(ProjectKey => 'WEB', StatusId => ?, SubstituteStatusId => 2)", [added.id]);
    assert.deepEqual(r, { Id: added.id, ProjectId: 1, Name: '保留', Color: '#868cb7', DisplayOrder: added.displayOrder });
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`DELETE /api/v2/projects/WEB/statuses/${added.id}`],
    );
    assert.deepEqual(writes[0]?.form, { substituteStatusId: '2' });
    assert.ok(!(await f.client.getProjectStatuses('WEB')).some((s) => s.id === added.id));
    assert.equal((await f.client.getIssue(issue.id)).status.id, 2);

    await f.clear();
    const same = await failure(f.db, "CALL DeleteStatus(ProjectKey => 'WEB', StatusId => 5, SubstituteStatusId => 5)");
    assert.match(same.message, /SubstituteStatusId must differ from StatusId/);
    const missing = await failure(f.db, "CALL DeleteStatus(ProjectKey => 'WEB', StatusId => 5)");
    assert.match(missing.message, /DeleteStatus needs SubstituteStatusId/);
    assert.deepEqual(await f.requests(), []);
  });

  it('DeleteIssueType deletes an issue type, moving its issues to the substitute, with one DELETE', async () => {
    const added = await f.client.postIssueType('WEB', { name: '調査', color: '#e30000' });
    await f.clear();
    const [r] = await call('CALL DeleteIssueType(ProjectId => 1, IssueTypeId => ?, SubstituteIssueTypeId => 1)', [added.id]);
    assert.equal(r?.Id, added.id);
    assert.equal(r?.Name, '調査');
    assert.equal(r?.Color, '#e30000');
    const writes = await f.writes();
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      [`DELETE /api/v2/projects/1/issueTypes/${added.id}`],
    );
    assert.deepEqual(writes[0]?.form, { substituteIssueTypeId: '1' });
    assert.ok(!(await f.client.getIssueTypes('WEB')).some((t) => t.id === added.id));
    const both = await failure(f.db, "CALL DeleteIssueType(ProjectId => 1, ProjectKey => 'WEB', IssueTypeId => 2, SubstituteIssueTypeId => 1)");
    assert.match(both.message, /only one of ProjectId, ProjectKey/);
  });
});

describe('EXEC syntax', () => {
  it('EXEC with @Name = value runs the same procedure as CALL', async () => {
    const wikiId = await newWiki('EXEC のページ');
    await f.clear();
    assert.deepEqual((await f.db.query('EXEC AddStar @WikiId = ?', [wikiId])).rows, [{ Success: true }]);
    assert.deepEqual(await writeLines(), ['POST /api/v2/stars']);
  });
});

describe('refusals before any request', () => {
  it('with Readonly=true every write procedure is refused and nothing is sent; reads still work', async () => {
    const ro = await openWriteFixture({ connection: 'Readonly=true' });
    try {
      const writers = PROCEDURES.filter((p) => p.writes);
      assert.deepEqual(writers.map((p) => p.name).sort(), [
        'AddRelatedIssue',
        'AddStar',
        'AttachFileToWiki',
        'DeleteIssueType',
        'DeleteStatus',
        'LinkSharedFilesToWiki',
        'MarkAllNotificationsAsRead',
        'MarkNotificationAsRead',
        'MarkWatchingAsRead',
        'PostAttachment',
        'RemoveRelatedIssue',
        'RemoveStar',
        'UpdateStatusDisplayOrder',
      ]);
      await ro.clear();
      for (const p of writers) {
        const e = await failure(ro.db, `CALL ${p.name}()`);
        assert.ok(e instanceof SqlError, p.name);
        assert.equal(e.sqlstate, '25006', p.name);
        assert.match(e.message, new RegExp(`cannot run ${p.name}: the connection is read-only`));
      }
      const star = await failure(ro.db, 'CALL AddStar(IssueId => 1)');
      assert.match(star.message, /read-only/);
      assert.deepEqual(await ro.requests(), [], 'no request at all');
      assert.equal((await ro.db.query('CALL GetOwnUser()')).rowCount, 1);
    } finally {
      await ro.close();
    }
  });

  it('SQL from remote clients may not name local files: FilePath and OutputFolder are refused, base64 works', async () => {
    const remote = await connect(`URL=${f.emu.url};ApiKey=${f.emu.apiKey}`, { noExternalAccess: true });
    try {
      const path = join(dir, 'secret.txt');
      await writeFile(path, 'secret');
      await f.clear();
      const up = await failure(remote, 'CALL PostAttachment(FilePath => ?)', [path]);
      assert.match(up.message, /FilePath is not allowed on this connection/);
      assert.equal(up.sqlstate, '42501');
      assert.match(up.hint ?? '', /base64 in Content/);
      const down = await failure(remote, 'CALL DownloadAttachment(WikiId => 1, AttachmentId => 1, OutputFolder => ?)', [dir]);
      assert.match(down.message, /OutputFolder is not allowed on this connection/);
      const shared = await failure(remote, "CALL DownloadFile(ProjectKey => 'WEB', SharedFileId => 5, OutputFolder => ?)", [dir]);
      assert.match(shared.message, /OutputFolder is not allowed/);
      assert.deepEqual(await f.requests(), [], 'refused before any request');

      const [r] = (await remote.query("CALL PostAttachment(Content => 'aGk=', FileName => 'hi.txt')")).rows as Row[];
      assert.deepEqual([r?.Name, r?.Size], ['hi.txt', 2]);
      const [d] = (await remote.query("CALL DownloadFile(ProjectKey => 'WEB', SharedFileId => 5)")).rows as Row[];
      assert.equal(d?.FilePath, null);
      assert.ok(String(d?.FileData).length > 0);
    } finally {
      await remote.close();
    }
  });
});

describe('sys_procedures and sys_procedureparameters', () => {
  it('list every procedure with a full-sentence description, and every parameter and result column', async () => {
    const procs = (await call('SELECT ProcedureName, Description FROM sys_procedures')) as { ProcedureName: string; Description: string }[];
    assert.deepEqual(
      procs.map((p) => p.ProcedureName),
      PROCEDURES.map((p) => p.name),
    );
    for (const name of [
      'AddStar',
      'RemoveStar',
      'AttachFileToWiki',
      'GetOwnUser',
      'LinkSharedFilesToWiki',
      'MarkWatchingAsRead',
      'PostAttachment',
      'DownloadAttachment',
      'DownloadFile',
      'MarkNotificationAsRead',
      'MarkAllNotificationsAsRead',
      'AddRelatedIssue',
      'RemoveRelatedIssue',
      'UpdateStatusDisplayOrder',
      'DeleteStatus',
      'DeleteIssueType',
    ]) {
      assert.ok(
        procs.some((p) => p.ProcedureName === name),
        name,
      );
    }
    for (const p of procs) assert.match(p.Description, /^[A-Z].*\.$/s, p.ProcedureName);

    const params = (await call(
      'SELECT ProcedureName, ColumnName, Direction, DataTypeName, DataType, IsRequired, Description FROM sys_procedureparameters',
    )) as Row[];
    for (const def of PROCEDURES) {
      const mine = params.filter((r) => r.ProcedureName === def.name);
      assert.deepEqual(
        mine.filter((r) => r.Direction === 1).map((r) => r.ColumnName),
        def.parameters.map((x) => x.name),
        def.name,
      );
      assert.deepEqual(
        mine.filter((r) => r.Direction === 3).map((r) => r.ColumnName),
        def.results.map((x) => x.name),
        def.name,
      );
      for (const r of mine) assert.match(String(r.Description), /\.$/, `${def.name}.${String(r.ColumnName)}`);
    }
    const created = params.find((r) => r.ProcedureName === 'AttachFileToWiki' && r.ColumnName === 'Created');
    assert.deepEqual([created?.DataTypeName, created?.DataType], ['TIMESTAMPTZ', 2014]);
    const role = params.find((r) => r.ProcedureName === 'GetOwnUser' && r.ColumnName === 'RoleType');
    assert.deepEqual([role?.DataTypeName, role?.DataType], ['INTEGER', 4]);
    const required = params.filter((r) => r.ProcedureName === 'DeleteStatus' && r.IsRequired === true).map((r) => r.ColumnName);
    assert.deepEqual(required, ['StatusId', 'SubstituteStatusId']);
  });
});
