/**
 * IssueAttachments: files attached to issues (GET /issues/:id/attachments).
 *
 * The issue payload already lists each attachment's id, name and size, so a statement that does
 * not use CreatedUser…/Created reads only the issue search (`attachment=true`: issues without
 * attachments never come back). One named issue is read with one request to its attachments;
 * with nothing naming issues, the issues with attachments are listed first (narrowed by the
 * search) and read one by one only when the creator or time is used.
 *
 * Writes: DELETE only (DELETE /issues/:i/attachments/:id). Files are attached by uploading them
 * and naming the upload when creating or updating an issue or posting a comment.
 */
import { col, push, qualIds, qualValues, timestamp, userColumns } from '../helpers.js';
import { skipForbidden } from '../sources/fetch.js';
import { issueRefs } from '../sources/issues.js';
import type { AttachmentJson } from '../sources/json.js';
import { defineTable } from '../types.js';
import { seg, send } from '../writes.js';

interface Row extends AttachmentJson {
  issueId: number | null;
  issueKey: string | null;
}

const CREATION_COLUMNS = ['CreatedUserId', 'CreatedUserName', 'Created'];

export default defineTable<Row>({
  name: 'IssueAttachments',
  kind: 'table',
  description: 'Files attached to issues.',
  columns: [
    col('Id', 'BIGINT', 'Attachment id.', (r) => r.id, { key: true, readOnly: true }),
    col('IssueId', 'BIGINT', 'Id of the issue.', (r) => r.issueId, {
      key: true,
      references: 'Issues.Id',
      pushdown: push.exact('path: /issues/:issueId/attachments'),
    }),
    col('IssueKey', 'VARCHAR', 'Key of the issue (WEB-12).', (r) => r.issueKey, {
      readOnly: true,
      pushdown: push.exact('path: /issues/:issueKey/attachments'),
    }),
    col('Name', 'VARCHAR', 'File name.', (r) => r.name, { readOnly: true }),
    col('Size', 'BIGINT', 'Size in bytes.', (r) => r.size, { readOnly: true }),
    ...userColumns<Row>('CreatedUser', 'uploader', (r) => r.createdUser).map((c) => ({ ...c, readOnly: true })),
    timestamp<Row>('Created', 'When the file was attached.', (r) => r.created ?? null, { readOnly: true }),
  ],
  async *list(ctx, quals) {
    const needCreated = CREATION_COLUMNS.some((c) => ctx.columns.has(c));
    const named = (qualIds(quals, 'IssueId')?.length ?? 0) + (qualValues(quals, 'IssueKey')?.length ?? 0);
    const refs = issueRefs(ctx, quals, {
      needId: ctx.columns.has('IssueId'),
      needKey: ctx.columns.has('IssueKey'),
      params: { attachment: true },
      // Several named issues, or none: one search beats one request per issue, unless the
      // creator columns make the per-issue requests necessary anyway.
      list: !needCreated && named !== 1,
    });
    let count = 0;
    for await (const page of refs) {
      for (const ref of page) {
        let attachments: AttachmentJson[];
        if (ref.issue && (!needCreated || ref.issue.attachments.length === 0)) {
          attachments = ref.issue.attachments;
        } else {
          const path = `/issues/${encodeURIComponent(ref.path)}/attachments`;
          attachments = await skipForbidden(
            ctx,
            `attachments of issue ${ref.issueKey ?? ref.path}`,
            () => ctx.api.get<AttachmentJson[]>(path, {}, { signal: ctx.signal }),
            [],
          );
        }
        const rows = attachments.map((a) => ({ ...a, issueId: ref.id, issueKey: ref.issueKey }));
        if (rows.length > 0) yield rows;
        count += rows.length;
        if (ctx.limit !== undefined && count >= ctx.limit) return;
      }
    }
  },
  cost(quals) {
    const named = (qualIds(quals, 'IssueId')?.length ?? 0) + (qualValues(quals, 'IssueKey')?.length ?? 0);
    if (named > 0) return '1 request per named issue (without the creator columns: 1 search per 100 named issues)';
    return 'issues with attachments listed (1 search per 100), then 1 request per such issue when the creator columns are used';
  },
  writes: {
    delete: {
      async run(ctx, row) {
        const a = await send<AttachmentJson>(ctx, 'DELETE', `/issues/${seg(row.IssueId ?? row.IssueKey)}/attachments/${seg(row.Id)}`);
        return { ...a, issueId: (row.IssueId as number | null) ?? null, issueKey: (row.IssueKey as string | null) ?? null };
      },
    },
    notes: {
      insert:
        'Attach a file by uploading it with the PostAttachment procedure, then naming the upload: UPDATE Issues SET AttachmentIds = [id] WHERE …, or INSERT INTO IssueComments (IssueKey, Content, AttachmentIds) VALUES (…).',
      update: 'An attachment cannot be changed: DELETE it and attach the new file (PostAttachment, then UPDATE Issues SET AttachmentIds = …).',
    },
  },
  examples: [
    "SELECT Name, Size, CreatedUserName FROM IssueAttachments WHERE IssueKey = 'WEB-1'",
    'SELECT IssueId, SUM(Size) AS Bytes FROM IssueAttachments GROUP BY IssueId ORDER BY Bytes DESC',
    "DELETE FROM IssueAttachments WHERE IssueKey = 'WEB-1' AND Name = 'old.log'",
  ],
});
