/**
 * IssueLinkedSharedFiles: shared files linked to issues (GET /issues/:id/sharedFiles).
 *
 * The issue payload carries every linked file in full, so apart from a single named issue (one
 * request to its shared files) the rows come from the issue search with `sharedFile=true`:
 * 1 search per 100 issues that have links, no request per issue.
 *
 * Writes: INSERT links a file of the project's file storage to an issue (POST /issues/:i/sharedFiles
 * with one fileId[] per row), DELETE unlinks it (the file itself stays).
 */
import { col, push, qualIds, qualValues } from '../helpers.js';
import { skipForbidden } from '../sources/fetch.js';
import { issueRefs } from '../sources/issues.js';
import { sharedFileColumns, type SharedFileJson } from '../sources/shared-files.js';
import { defineTable } from '../types.js';
import { issueForInsert, seg, send, w } from '../writes.js';

interface Row extends SharedFileJson {
  issueId: number | null;
  issueKey: string | null;
}

export default defineTable<Row>({
  name: 'IssueLinkedSharedFiles',
  kind: 'table',
  description: 'Shared files (of the project file storage) linked to issues.',
  columns: [
    col('Id', 'BIGINT', "Shared file id (a file, not a directory, of the issue's project).", (r) => r.id, {
      key: true,
      references: 'ProjectSharedFiles.Id',
      write: w.insertOnly('fileId[]', { notNull: true }),
    }),
    col('IssueId', 'BIGINT', 'Id of the issue.', (r) => r.issueId, {
      key: true,
      references: 'Issues.Id',
      pushdown: push.exact('path: /issues/:issueId/sharedFiles'),
      write: w.insertOnly(),
    }),
    col('IssueKey', 'VARCHAR', 'Key of the issue (WEB-12).', (r) => r.issueKey, {
      pushdown: push.exact('path: /issues/:issueKey/sharedFiles'),
      write: w.insertOnly(),
    }),
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
          : await skipForbidden(
              ctx,
              `shared files of issue ${ref.issueKey ?? ref.path}`,
              () => ctx.api.get<SharedFileJson[]>(`/issues/${encodeURIComponent(ref.path)}/sharedFiles`, {}, { signal: ctx.signal }),
              [],
            );
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
  writes: {
    insert: {
      required: [['IssueId', 'IssueKey'], 'Id'],
      async run(ctx, { values, form }) {
        // The answer is the linked files only: the issue's id and key come from one read per issue.
        const issue = await issueForInsert(ctx, values, { id: true, key: true });
        const files = await send<SharedFileJson[]>(ctx, 'POST', `/issues/${seg(issue.path)}/sharedFiles`, form);
        const file = files.find((f) => f.id === Number(values.Id)) ?? files[0];
        return { ...(file as SharedFileJson), issueId: issue.id, issueKey: issue.issueKey };
      },
    },
    delete: {
      async run(ctx, row) {
        const file = await send<SharedFileJson>(ctx, 'DELETE', `/issues/${seg(row.IssueId ?? row.IssueKey)}/sharedFiles/${seg(row.Id)}`);
        return { ...file, issueId: (row.IssueId as number | null) ?? null, issueKey: (row.IssueKey as string | null) ?? null };
      },
    },
    notes: { update: 'A link has nothing to change: DELETE it and INSERT the link to the other file.' },
  },
  examples: [
    "SELECT Dir, Name FROM IssueLinkedSharedFiles WHERE IssueKey = 'WEB-1'",
    "INSERT INTO IssueLinkedSharedFiles (IssueKey, Id) SELECT 'WEB-1', Id FROM ProjectSharedFiles WHERE ProjectKey = 'WEB' AND Name = 'spec.pdf'",
  ],
});
