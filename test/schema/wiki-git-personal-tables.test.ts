/**
 * Wiki, document, Git and personal-data tables against the emulator at tiny scale: rows for every
 * table, and the exact Backlog requests their quals lead to (the journal). Seed facts used here:
 * WEB (id 1) has every feature on, APP (id 2) has Wiki off, OPS (id 3) has Git and Documents off.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { clearJournal, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { tableRows, testFetchContext } from '../helpers/fetch-context.js';
import { validateTables } from '../../src/schema/registry.js';
import type { Qual, TableDef } from '../../src/schema/types.js';
import documentTree from '../../src/schema/tables/document-tree.js';
import documents from '../../src/schema/tables/documents.js';
import notifications from '../../src/schema/tables/notifications.js';
import pullRequestAttachments from '../../src/schema/tables/pull-request-attachments.js';
import pullRequestCommentChangeLog from '../../src/schema/tables/pull-request-comment-change-log.js';
import pullRequestCommentNotifications from '../../src/schema/tables/pull-request-comment-notifications.js';
import pullRequestCommentStars from '../../src/schema/tables/pull-request-comment-stars.js';
import pullRequestComments from '../../src/schema/tables/pull-request-comments.js';
import pullRequests from '../../src/schema/tables/pull-requests.js';
import repositories from '../../src/schema/tables/repositories.js';
import userReceivedStars from '../../src/schema/tables/user-received-stars.js';
import userRecentUpdates from '../../src/schema/tables/user-recent-updates.js';
import userRecentlyViewedIssues from '../../src/schema/tables/user-recently-viewed-issues.js';
import userRecentlyViewedProjects from '../../src/schema/tables/user-recently-viewed-projects.js';
import userRecentlyViewedWikiPages from '../../src/schema/tables/user-recently-viewed-wiki-pages.js';
import watchings from '../../src/schema/tables/watchings.js';
import wikiPageAttachments from '../../src/schema/tables/wiki-page-attachments.js';
import wikiPageHistory from '../../src/schema/tables/wiki-page-history.js';
import wikiPageLinkedSharedFiles from '../../src/schema/tables/wiki-page-linked-shared-files.js';
import wikiPageStars from '../../src/schema/tables/wiki-page-stars.js';
import wikiPageTags from '../../src/schema/tables/wiki-page-tags.js';
import wikiPages from '../../src/schema/tables/wiki-pages.js';

const TABLES: TableDef[] = [
  wikiPages,
  wikiPageAttachments,
  wikiPageHistory,
  wikiPageLinkedSharedFiles,
  wikiPageStars,
  wikiPageTags,
  pullRequests,
  pullRequestComments,
  pullRequestAttachments,
  pullRequestCommentChangeLog,
  pullRequestCommentNotifications,
  pullRequestCommentStars,
  repositories,
  watchings,
  notifications,
  userReceivedStars,
  userRecentlyViewedIssues,
  userRecentlyViewedProjects,
  userRecentlyViewedWikiPages,
  userRecentUpdates,
  documents,
  documentTree,
];

const WEB = 1;
const APP = 2;
const OPS = 3;

/** Columns the tiny seed never fills: none (it seeds star comments and a replaced linked file). */
const SEED_GAPS: Record<string, string[]> = {};

const eq = (column: string, value: string | number | boolean): Qual => ({ column, op: '=', values: [value] });

/** The journal as "GET /path?query" lines, without the /api/v2 prefix. */
async function calls(emu: RunningEmulator): Promise<string[]> {
  return (await journal(emu)).map((e) => {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(e.query)) for (const x of Array.isArray(v) ? v : [v]) query.append(k, x);
    const qs = query.toString();
    return `${e.method} ${e.path.replace(/^\/api\/v2/, '')}${qs ? `?${decodeURIComponent(qs)}` : ''}`;
  });
}

describe('wiki, document, git and personal-data tables', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startTestEmulator();
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(async () => {
    await clearJournal(emu);
  });

  it('are valid definitions with keys, described columns and known references', () => {
    const names = new Set(TABLES.map((t) => t.name));
    // References to tables of other families (Projects, Users, Issues…) are checked by the registry.
    const problems = validateTables(TABLES).filter((p) => !/references (\w+)\./.test(p) || names.has(/references (\w+)\./.exec(p)?.[1] ?? ''));
    assert.deepEqual(problems, []);
    for (const t of TABLES) {
      assert.ok(t.examples && t.examples.length >= 1 && t.examples.length <= 2, `${t.name} has 1-2 examples`);
      assert.ok(t.cost([]).length > 0, `${t.name} has a cost phrase`);
    }
    assert.deepEqual(
      TABLES.filter((t) => t.extension).map((t) => t.name),
      ['Documents', 'DocumentTree'],
    );
  });

  for (const table of TABLES) {
    it(`${table.name} returns rows, and every column is non-null in some row`, async () => {
      const ctx = testFetchContext(emu, { table });
      const rows = await tableRows(table, ctx);
      assert.ok(rows.length > 0, `${table.name} has rows`);
      for (const w of ctx.warnings) assert.match(w, /^project (APP|OPS) skipped: (Wiki|Git|Documents) is turned off there$/);
      const alwaysNull = table.columns.map((c) => c.name).filter((name) => rows.every((r) => r[name] === null));
      assert.deepEqual(alwaysNull, SEED_GAPS[table.name] ?? [], `${table.name}: columns never set`);
    });
  }

  describe('WikiPages', () => {
    it('lists pages of projects with Wiki on with one search each and no per-page request when Content is not used', async () => {
      const ctx = testFetchContext(emu, { columns: ['Id', 'Name', 'Tags', 'ProjectKey'] });
      const rows = await tableRows(wikiPages, ctx);
      assert.equal(rows.length, 8);
      assert.deepEqual(await calls(emu), ['GET /projects', `GET /wikis?projectIdOrKey=${OPS}`, `GET /wikis?projectIdOrKey=${WEB}`]);
      assert.deepEqual(ctx.warnings, ['project APP skipped: Wiki is turned off there']);
      assert.ok(rows.every((r) => r.ProjectKey === 'WEB' || r.ProjectKey === 'OPS'));
    });

    it('fetches each page once for Content, only in the named project', async () => {
      const ctx = testFetchContext(emu, { table: wikiPages });
      const rows = await tableRows(wikiPages, ctx, [eq('ProjectKey', 'WEB')]);
      assert.equal(rows.length, 4);
      assert.ok(rows.every((r) => typeof r.Content === 'string' && (r.Content as string).startsWith(`# ${String(r.Name)}`)));
      const log = await calls(emu);
      assert.deepEqual(log.slice(0, 2), ['GET /projects', `GET /wikis?projectIdOrKey=${WEB}`]);
      assert.deepEqual(log.slice(2).sort(), rows.map((r) => `GET /wikis/${String(r.Id)}`).sort());
    });

    it('filters by Name on the list before fetching content, without a keyword search', async () => {
      const ctx = testFetchContext(emu, { columns: ['Id', 'Name', 'Content'] });
      const all = await tableRows(wikiPages, testFetchContext(emu, { columns: ['Id', 'Name'] }), [eq('ProjectId', WEB)]);
      const name = String(all[1]?.Name);
      await clearJournal(emu);
      const rows = await tableRows(wikiPages, ctx, [eq('ProjectId', WEB), eq('Name', name)]);
      assert.deepEqual(
        rows.map((r) => r.Name),
        [name],
      );
      assert.deepEqual(await calls(emu), [`GET /wikis?projectIdOrKey=${WEB}`, `GET /wikis/${String(rows[0]?.Id)}`]);
    });

    it('reads pages named by Id directly', async () => {
      const ctx = testFetchContext(emu, { columns: ['Id', 'Name', 'Content'] });
      const rows = await tableRows(wikiPages, ctx, [{ column: 'Id', op: 'IN', values: [1, 2, 999] }]);
      assert.deepEqual(
        rows.map((r) => r.Id),
        [1, 2],
      );
      assert.deepEqual(await calls(emu), ['GET /wikis/1', 'GET /wikis/2', 'GET /wikis/999']);
      assert.deepEqual(ctx.warnings, [], 'a missing page is no row, not a warning');
    });

    it('stops fetching content once a LIMIT is reached', async () => {
      const ctx = testFetchContext(emu, { table: wikiPages, limit: 2 });
      const rows = await tableRows(wikiPages, ctx);
      assert.equal(rows.length, 2);
      assert.equal((await calls(emu)).filter((c) => /^GET \/wikis\/\d+$/.test(c)).length, 2);
    });

    it('skips a project with Wiki off with a warning and no wiki request', async () => {
      const ctx = testFetchContext(emu, { table: wikiPages });
      assert.deepEqual(await tableRows(wikiPages, ctx, [eq('ProjectId', APP)]), []);
      assert.deepEqual(ctx.warnings, ['project APP skipped: Wiki is turned off there']);
      assert.deepEqual(await calls(emu), ['GET /projects']);
    });
  });

  describe('per-page wiki tables', () => {
    it('read only the page named by WikiId', async () => {
      for (const [table, path] of [
        [wikiPageAttachments, 'attachments'],
        [wikiPageLinkedSharedFiles, 'sharedFiles'],
        [wikiPageStars, 'stars'],
      ] as const) {
        await clearJournal(emu);
        const rows = await tableRows(table, testFetchContext(emu, { table }), [eq('WikiId', 2)]);
        assert.ok(rows.every((r) => r.WikiId === 2));
        assert.deepEqual(await calls(emu), [`GET /wikis/2/${path}`], table.name);
      }
    });

    it('WikiPageHistory sends Version bounds as minId/maxId', async () => {
      const ctx = testFetchContext(emu, { table: wikiPageHistory });
      const all = await tableRows(wikiPageHistory, ctx, [eq('WikiId', 3)]);
      assert.deepEqual(
        all.map((r) => r.Version),
        [1, 2, 3],
      );
      await clearJournal(emu);
      const rows = await tableRows(wikiPageHistory, ctx, [eq('WikiId', 3), { column: 'Version', op: '>', values: [1] }]);
      assert.deepEqual(
        rows.map((r) => r.Version),
        [2, 3],
      );
      assert.deepEqual(await calls(emu), ['GET /wikis/3/history?order=asc&count=100&minId=2']);
    });

    it('WikiPageTags asks only for the named project', async () => {
      const ctx = testFetchContext(emu, { table: wikiPageTags });
      const rows = await tableRows(wikiPageTags, ctx, [eq('ProjectKey', 'OPS')]);
      assert.ok(rows.length > 0 && rows.every((r) => r.ProjectId === OPS));
      assert.deepEqual(await calls(emu), ['GET /projects', `GET /wikis/tags?projectIdOrKey=${OPS}`]);
    });
  });

  describe('PullRequests', () => {
    it('with ProjectId and RepositoryId reads one list and no repository list', async () => {
      const ctx = testFetchContext(emu, { table: pullRequests });
      const rows = await tableRows(pullRequests, ctx, [eq('ProjectId', WEB), eq('RepositoryId', 1)]);
      assert.equal(rows.length, 4);
      assert.ok(rows.every((r) => r.ProjectId === WEB && r.RepositoryId === 1));
      assert.deepEqual(await calls(emu), [`GET /projects/${WEB}/git/repositories/1/pullRequests?offset=0&count=100`]);
    });

    it('with a Number reads that pull request alone', async () => {
      const ctx = testFetchContext(emu, { table: pullRequests });
      const rows = await tableRows(pullRequests, ctx, [eq('ProjectId', WEB), eq('RepositoryId', 1), eq('Number', 3)]);
      assert.deepEqual(
        rows.map((r) => [r.Number, r.StatusName]),
        [[3, 'Merged']],
      );
      assert.ok(rows[0]?.MergeCommit && rows[0]?.MergeAt);
      assert.deepEqual(await calls(emu), [`GET /projects/${WEB}/git/repositories/1/pullRequests/3`]);
    });

    it('sends StatusId, AssigneeId, IssueId and CreatedUserId as array filters', async () => {
      const ctx = testFetchContext(emu, { table: pullRequests });
      const rows = await tableRows(pullRequests, ctx, [
        eq('ProjectId', WEB),
        eq('RepositoryId', 1),
        { column: 'StatusId', op: 'IN', values: [2, 3] },
        eq('CreatedUserId', 1),
      ]);
      assert.ok(rows.every((r) => (r.StatusId === 2 || r.StatusId === 3) && r.CreatedUserId === 1));
      assert.deepEqual(await calls(emu), [
        `GET /projects/${WEB}/git/repositories/1/pullRequests?statusId[]=2&statusId[]=3&createdUserId[]=1&offset=0&count=100`,
      ]);
    });

    it('an empty IN list makes no request', async () => {
      const ctx = testFetchContext(emu, { table: pullRequests });
      assert.deepEqual(await tableRows(pullRequests, ctx, [{ column: 'AssigneeId', op: 'IN', values: [] }]), []);
      assert.deepEqual(
        (await calls(emu)).filter((c) => c.includes('/git/')),
        [],
      );
    });

    it('with a RepositoryId but no ProjectId lists repositories to find it', async () => {
      const ctx = testFetchContext(emu, { table: pullRequests });
      const rows = await tableRows(pullRequests, ctx, [eq('RepositoryId', 1)]);
      assert.ok(rows.length > 0 && rows.every((r) => r.RepositoryId === 1));
      assert.deepEqual(await calls(emu), [
        'GET /projects',
        `GET /projects/${APP}/git/repositories`,
        `GET /projects/${WEB}/git/repositories`,
        `GET /projects/${WEB}/git/repositories/1/pullRequests?offset=0&count=100`,
      ]);
      assert.deepEqual(ctx.warnings, ['project OPS skipped: Git is turned off there']);
    });

    it('stops listing once a LIMIT is reached', async () => {
      const ctx = testFetchContext(emu, { table: pullRequests, limit: 3 });
      const rows = await tableRows(pullRequests, ctx);
      assert.equal(rows.length, 3);
      assert.deepEqual(
        (await calls(emu)).filter((c) => c.includes('/pullRequests')),
        [`GET /projects/${APP}/git/repositories/4/pullRequests?offset=0&count=3`],
      );
    });

    it('skips a project with Git off with a warning, not a failure', async () => {
      const ctx = testFetchContext(emu, { table: pullRequests });
      assert.deepEqual(await tableRows(pullRequests, ctx, [eq('ProjectId', OPS)]), []);
      // A named project is asked directly (no project list); Backlog's 403 becomes the warning.
      assert.equal(ctx.warnings.length, 1);
      assert.match(ctx.warnings[0] ?? '', /skipped: .*featureRestrictedError\.title\.git/);
      // The 403 is checked against the caller's role once, to word the warning.
      assert.deepEqual(await calls(emu), [`GET /projects/${OPS}/git/repositories`, 'GET /users/myself']);
    });

    it('warns once, with no rows, for a role that cannot use Git', async () => {
      const reporter = emu.users.find((u) => u.roleType === 3);
      assert.ok(reporter);
      for (const [table, quals] of [
        [pullRequests, []],
        [repositories, []],
        [pullRequestComments, [eq('ProjectId', WEB), eq('RepositoryId', 1), eq('PullRequestNumber', 1)]],
      ] as const) {
        const ctx = testFetchContext(emu, { table, apiKey: reporter.apiKey });
        assert.deepEqual(await tableRows(table, ctx, [...quals]), [], table.name);
        assert.deepEqual(ctx.warnings, ['Git skipped: repositories and pull requests are open to Administrators and Normal users only'], table.name);
      }
    });
  });

  describe('pull-request children', () => {
    it('PullRequestComments with project, repository and number makes one request', async () => {
      const ctx = testFetchContext(emu, { table: pullRequestComments });
      const rows = await tableRows(pullRequestComments, ctx, [eq('ProjectId', WEB), eq('RepositoryId', 1), eq('PullRequestNumber', 1)]);
      assert.ok(rows.length > 0 && rows.every((r) => r.PullRequestNumber === 1 && r.RepositoryId === 1 && r.ProjectId === WEB));
      assert.deepEqual(await calls(emu), [`GET /projects/${WEB}/git/repositories/1/pullRequests/1/comments?order=asc&count=100`]);
    });

    it('PullRequestComments without a number lists the pull requests first, then reads comments per pull request', async () => {
      const ctx = testFetchContext(emu, { table: pullRequestComments });
      const rows = await tableRows(pullRequestComments, ctx, [eq('ProjectId', WEB), eq('RepositoryId', 1)]);
      assert.ok(rows.length > 0);
      const log = await calls(emu);
      assert.deepEqual(log.slice(0, 1), [`GET /projects/${WEB}/git/repositories/1/pullRequests?offset=0&count=100`]);
      assert.deepEqual(
        log.slice(1).sort(),
        [1, 2, 3, 4].map((n) => `GET /projects/${WEB}/git/repositories/1/pullRequests/${n}/comments?order=asc&count=100`).sort(),
      );
    });

    it('the nested comment views read the same comments as PullRequestComments', async () => {
      const quals = [eq('ProjectId', WEB), eq('RepositoryId', 1), eq('PullRequestNumber', 3)];
      const comments = await tableRows(pullRequestComments, testFetchContext(emu, { table: pullRequestComments }), quals);
      const ids = new Set(comments.map((c) => c.Id));
      for (const view of [pullRequestCommentChangeLog, pullRequestCommentNotifications, pullRequestCommentStars]) {
        await clearJournal(emu);
        const rows = await tableRows(view, testFetchContext(emu, { table: view }), quals);
        assert.ok(
          rows.every((r) => ids.has(r.CommentId)),
          view.name,
        );
        assert.deepEqual(await calls(emu), [`GET /projects/${WEB}/git/repositories/1/pullRequests/3/comments?order=asc&count=100`], view.name);
      }
      const changes = await tableRows(pullRequestCommentChangeLog, testFetchContext(emu, { table: pullRequestCommentChangeLog }), quals);
      assert.deepEqual(
        changes.map((c) => [c.Field, c.OriginalValue, c.NewValue]),
        [['status', 'Open', 'Merged']],
      );
    });

    it('PullRequestAttachments with project, repository and number makes one request', async () => {
      const ctx = testFetchContext(emu, { table: pullRequestAttachments });
      const rows = await tableRows(pullRequestAttachments, ctx, [eq('ProjectId', WEB), eq('RepositoryId', 1), eq('PullRequestNumber', 1)]);
      assert.deepEqual(
        rows.map((r) => r.Name),
        ['diff.patch'],
      );
      assert.deepEqual(await calls(emu), [`GET /projects/${WEB}/git/repositories/1/pullRequests/1/attachments`]);
    });

    it('Repositories asks only the named project', async () => {
      const ctx = testFetchContext(emu, { table: repositories });
      const rows = await tableRows(repositories, ctx, [eq('ProjectId', WEB)]);
      assert.equal(rows.length, 3);
      assert.deepEqual(await calls(emu), [`GET /projects/${WEB}/git/repositories`]);
    });
  });

  describe('personal data', () => {
    it('Watchings default to the signed-in user and send ResourceAlreadyRead and IssueId', async () => {
      const ctx = testFetchContext(emu, { table: watchings });
      const all = await tableRows(watchings, ctx);
      assert.ok(all.length > 0 && all.every((r) => r.UserId === 1));
      const issueId = Number(all[0]?.IssueId);
      const read = Boolean(all[0]?.ResourceAlreadyRead);
      await clearJournal(emu);
      const rows = await tableRows(watchings, ctx, [eq('ResourceAlreadyRead', read), eq('IssueId', issueId)]);
      assert.deepEqual(
        rows.map((r) => r.IssueId),
        [issueId],
      );
      assert.deepEqual(await calls(emu), [
        'GET /users/myself',
        `GET /users/1/watchings?sort=created&order=asc&resourceAlreadyRead=${read}&issueId[]=${issueId}&offset=0&count=100`,
      ]);
    });

    it("Watchings of another user give a warning (Backlog shows only one's own)", async () => {
      const ctx = testFetchContext(emu, { table: watchings });
      assert.deepEqual(await tableRows(watchings, ctx, [eq('UserId', 2)]), []);
      assert.equal(ctx.warnings.length, 1);
      assert.match(ctx.warnings[0] ?? '', /^watchings of user 2 skipped: not allowed/);
      assert.deepEqual(await calls(emu), ['GET /users/2/watchings?sort=created&order=asc&offset=0&count=100']);
    });

    it('Notifications send Id bounds as minId/maxId and one sender as senderId', async () => {
      const ctx = testFetchContext(emu, { table: notifications });
      const all = await tableRows(notifications, ctx);
      assert.ok(all.length > 2);
      const ids = all.map((r) => Number(r.Id)).sort((a, b) => a - b);
      const low = ids[1] as number;
      await clearJournal(emu);
      const rows = await tableRows(notifications, ctx, [{ column: 'Id', op: '>', values: [low] }, eq('SenderId', 2)]);
      assert.ok(rows.every((r) => Number(r.Id) > low && r.SenderId === 2));
      assert.deepEqual(await calls(emu), [`GET /notifications?senderId=2&order=desc&count=100&minId=${low + 1}`]);
    });

    it('UserReceivedStars and UserRecentUpdates default to the signed-in user and take UserId into the path', async () => {
      for (const [table, path] of [
        [userReceivedStars, 'stars'],
        [userRecentUpdates, 'activities'],
      ] as const) {
        await clearJournal(emu);
        const mine = await tableRows(table, testFetchContext(emu, { table }));
        assert.ok(mine.length > 0 && mine.every((r) => r.UserId === 1), table.name);
        assert.deepEqual(await calls(emu), ['GET /users/myself', `GET /users/1/${path}?order=desc&count=100`], table.name);
        await clearJournal(emu);
        const theirs = await tableRows(table, testFetchContext(emu, { table }), [eq('UserId', 2)]);
        assert.ok(
          theirs.every((r) => r.UserId === 2),
          table.name,
        );
        assert.deepEqual(await calls(emu), [`GET /users/2/${path}?order=desc&count=100`], table.name);
      }
    });

    it("recently viewed items are the signed-in user's, most recent first", async () => {
      for (const [table, path] of [
        [userRecentlyViewedIssues, 'recentlyViewedIssues'],
        [userRecentlyViewedProjects, 'recentlyViewedProjects'],
        [userRecentlyViewedWikiPages, 'recentlyViewedWikis'],
      ] as const) {
        await clearJournal(emu);
        const rows = await tableRows(table, testFetchContext(emu, { table }));
        const viewed = rows.map((r) => String(r.Viewed));
        assert.deepEqual(viewed, [...viewed].sort().reverse(), table.name);
        assert.deepEqual(await calls(emu), [`GET /users/myself/${path}?order=desc&offset=0&count=100`], table.name);
      }
    });
  });

  describe('documents (extension views)', () => {
    it('Documents with a ProjectId send projectId[] and the required offset', async () => {
      const ctx = testFetchContext(emu, { table: documents });
      const rows = await tableRows(documents, ctx, [eq('ProjectId', WEB)]);
      assert.equal(rows.length, 3, 'the trashed fourth document is not listed');
      assert.ok(rows.every((r) => r.ProjectId === WEB && typeof r.Plain === 'string'));
      assert.deepEqual(await calls(emu), [`GET /documents?projectId[]=${WEB}&sort=created&order=asc&offset=0&count=100`]);
    });

    it('Documents of a project with Documents off give a warning, not a failure', async () => {
      const ctx = testFetchContext(emu, { table: documents });
      assert.deepEqual(await tableRows(documents, ctx, [eq('ProjectId', OPS)]), []);
      assert.equal(ctx.warnings.length, 1);
      assert.match(ctx.warnings[0] ?? '', /featureRestrictedError\.title\.document/);
      assert.equal((await calls(emu)).length, 1);
    });

    it('DocumentTree gives one row per node with parent, depth and trash flag', async () => {
      const ctx = testFetchContext(emu, { table: documentTree });
      const rows = await tableRows(documentTree, ctx, [eq('ProjectId', WEB)]);
      assert.deepEqual(await calls(emu), [`GET /documents/tree?projectIdOrKey=${WEB}`]);
      assert.equal(rows.length, 4);
      const byId = new Map(rows.map((r) => [r.Id, r]));
      for (const r of rows) {
        if (r.ParentId === null) assert.equal(r.Depth, 0);
        else assert.equal(r.Depth, Number(byId.get(r.ParentId)?.Depth) + 1);
      }
      assert.equal(rows.filter((r) => r.InTrash).length, 1);
      assert.ok(rows.some((r) => Number(r.Depth) > 0));
    });
  });
});
