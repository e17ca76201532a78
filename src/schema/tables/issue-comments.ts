/**
 * IssueComments: comments of issues (GET /issues/:id/comments, keyset paging on id).
 * Comments are fetched per issue: from IssueId / IssueKey quals, or from the issues a join
 * matched (the planner turns those into an IssueId IN (…) qual); with neither, every visible
 * issue is listed first — it works, and EXPLAIN says what it costs.
 */
import { col, qualIds, qualValues, timestamp, userColumns, skipForbidden, push } from '../helpers.js';
import { defineTable, type FetchContext } from '../types.js';

interface Comment {
  id: number;
  projectId: number;
  issueId: number;
  content: string | null;
  createdUser: { id: number; name: string } | null;
  created: string;
  updated: string;
  stars: unknown[];
  notifications: unknown[];
  changeLog: unknown[] | null;
}

interface Row extends Comment {
  issueKey: string | null;
}

async function* issuesToRead(ctx: FetchContext, ids: number[] | undefined, keys: string[] | undefined): AsyncIterable<{ id: number | string; issueKey: string | null }[]> {
  // Issue ids alone are enough for the comments call; the issue is looked up only when the
  // statement uses IssueKey.
  if (ids !== undefined && keys === undefined && !ctx.columns.has('IssueKey')) {
    yield ids.map((id) => ({ id, issueKey: null }));
    return;
  }
  if (keys !== undefined && ids === undefined) {
    yield keys.map((key) => ({ id: key, issueKey: key }));
    return;
  }
  if (ids !== undefined || keys !== undefined) {
    const named = [...(ids ?? []).map(String), ...(keys ?? [])];
    const found: { id: number; issueKey: string }[] = [];
    for (const idOrKey of named) {
      const issue = await skipForbidden(ctx, `issue ${idOrKey}`, () => ctx.api.get<{ id: number; issueKey: string }>(`/issues/${encodeURIComponent(idOrKey)}`, {}, { signal: ctx.signal }), null);
      if (issue) found.push(issue);
    }
    yield found;
    return;
  }
  yield* ctx.api.pagesByOffset<{ id: number; issueKey: string }>('/issues', { order: 'asc', sort: 'created' }, { signal: ctx.signal });
}

export default defineTable<Row>({
  name: 'IssueComments',
  kind: 'table',
  description: 'Comments of issues, with their author and times.',
  columns: [
    col('Id', 'BIGINT', 'Comment id.', (r) => r.id, { key: true, readOnly: true }),
    col('IssueId', 'BIGINT', 'Id of the commented issue.', (r) => r.issueId, { references: 'Issues.Id', pushdown: push.exact('path: /issues/:issueId/comments') }),
    col('IssueKey', 'VARCHAR', 'Key of the commented issue (PROJ-12).', (r) => r.issueKey, { pushdown: push.exact('path: /issues/:issueKey/comments') }),
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.projectId, { references: 'Projects.Id', readOnly: true }),
    col('Content', 'VARCHAR', 'Comment text (NULL for a comment that only changed fields).', (r) => r.content),
    ...userColumns<Row>('CreatedUser', 'author', (r) => r.createdUser),
    timestamp<Row>('Created', 'When the comment was posted.', (r) => r.created, { readOnly: true }),
    timestamp<Row>('Updated', 'When the comment was last edited.', (r) => r.updated, { readOnly: true }),
    col('StarCount', 'INTEGER', 'Number of stars on the comment.', (r) => r.stars.length, { readOnly: true }),
  ],
  async *list(ctx, quals) {
    const ids = qualIds(quals, 'IssueId');
    const keys = qualValues(quals, 'IssueKey')?.map(String);
    for await (const issues of issuesToRead(ctx, ids, keys)) {
      for (const issue of issues) {
        const pages = ctx.api.pagesByKeyset<Comment>(`/issues/${encodeURIComponent(String(issue.id))}/comments`, {}, { signal: ctx.signal, order: 'asc' });
        const rows: Row[] = [];
        await skipForbidden(ctx, `comments of issue ${issue.issueKey ?? issue.id}`, async () => {
          for await (const page of pages) rows.push(...page.map((c) => ({ ...c, issueKey: issue.issueKey })));
        }, undefined);
        yield rows;
      }
    }
  },
  cost: (quals) =>
    qualIds(quals, 'IssueId') || qualValues(quals, 'IssueKey')
      ? '1 request per named issue, +1 per 100 comments'
      : 'every issue listed (1 search per 100 issues), then 1 request per issue',
  examples: ["SELECT * FROM IssueComments WHERE IssueKey = 'WEB-1'"],
});
