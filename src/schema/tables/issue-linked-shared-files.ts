/**
 * IssueLinkedSharedFiles: shared files linked to issues (GET /issues/:id/sharedFiles).
 *
 * The issue payload carries every linked file in full, so apart from a single named issue (one
 * request to its shared files) the rows come from the issue search with `sharedFile=true`:
 * 1 search per 100 issues that have links, no request per issue.
 */
import { col, push, qualIds, qualValues, skipForbidden } from '../helpers.js';
import { sharedFileColumns } from '../shared-file.js';
import { defineTable } from '../types.js';
import { issueRefs, type SharedFile } from './issues.js';

interface Row extends SharedFile {
  issueId: number | null;
  issueKey: string | null;
}

export default defineTable<Row>({
  name: 'IssueLinkedSharedFiles',
  kind: 'table',
  description: 'Shared files (of the project file storage) linked to issues.',
  columns: [
    col('Id', 'BIGINT', 'Shared file id.', (r) => r.id, { key: true, references: 'ProjectSharedFiles.Id' }),
    col('IssueId', 'BIGINT', 'Id of the issue.', (r) => r.issueId, { key: true, references: 'Issues.Id', pushdown: push.exact('path: /issues/:issueId/sharedFiles') }),
    col('IssueKey', 'VARCHAR', 'Key of the issue (WEB-12).', (r) => r.issueKey, { readOnly: true, pushdown: push.exact('path: /issues/:issueKey/sharedFiles') }),
    col('ProjectId', 'BIGINT', 'Id of the project the file belongs to.', (r) => r.projectId, { references: 'Projects.Id', readOnly: true }),
    ...sharedFileColumns<Row>({ readOnly: true }),
  ],
  async *list(ctx, quals) {
    const named = (qualIds(quals, 'IssueId')?.length ?? 0) + (qualValues(quals, 'IssueKey')?.length ?? 0);
    const refs = issueRefs(ctx, quals, {
      needId: ctx.columns.has('IssueId'),
      needKey: ctx.columns.has('IssueKey'),
      params: { sharedFile: true },
      list: named !== 1,
    });
    let count = 0;
    for await (const page of refs) {
      for (const ref of page) {
        const files = ref.issue
          ? ref.issue.sharedFiles
          : await skipForbidden(ctx, `shared files of issue ${ref.issueKey ?? ref.path}`, () =>
            ctx.api.get<SharedFile[]>(`/issues/${encodeURIComponent(ref.path)}/sharedFiles`, {}, { signal: ctx.signal }), []);
        const rows = files.map((f) => ({ ...f, issueId: ref.id, issueKey: ref.issueKey }));
        if (rows.length > 0) yield rows;
        count += rows.length;
        if (ctx.limit !== undefined && count >= ctx.limit) return;
      }
    }
  },
  cost(quals) {
    const named = (qualIds(quals, 'IssueId')?.length ?? 0) + (qualValues(quals, 'IssueKey')?.length ?? 0);
    return named === 1 ? '1 request' : '1 search per 100 issues with linked files';
  },
  examples: ["SELECT Dir, Name FROM IssueLinkedSharedFiles WHERE IssueKey = 'WEB-1'"],
});
