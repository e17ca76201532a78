/**
 * Documents (extension): documents of the projects with Documents on (GET /documents, offset
 * paging; Backlog requires `offset`). ProjectId goes to projectId[]; without it the list spans
 * every project the user belongs to. Pages are walked oldest first by creation time, so documents
 * added meanwhile cannot shift earlier pages. Trashed documents are not listed (see DocumentTree).
 */
import { col, hasQual, push, qualIds, tagsText, timestamp, userColumns } from '../helpers.js';
import { skipForbidden } from '../sources/fetch.js';
import { defineTable } from '../types.js';
import type { DocumentJson } from '../sources/documents.js';
import { projectTargets } from '../sources/projects.js';

export default defineTable<DocumentJson>({
  name: 'Documents',
  kind: 'view',
  extension: true,
  description: 'Documents (the newer rich-text pages) of the projects with Documents on, as plain text.',
  columns: [
    col('Id', 'VARCHAR', 'Document id (32 hex characters).', (r) => r.id, { key: true }),
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.projectId, { references: 'Projects.Id', pushdown: push.exact('projectId[]') }),
    col('Title', 'VARCHAR', 'Title.', (r) => r.title),
    col('Plain', 'VARCHAR', 'Body as plain text.', (r) => r.plain),
    col('StatusId', 'INTEGER', 'Document status id.', (r) => r.statusId),
    col('Emoji', 'VARCHAR', 'Emoji shown with the title, if any.', (r) => r.emoji || null),
    col('Tags', 'VARCHAR', 'Tag names, comma-separated; NULL when untagged.', (r) => tagsText(r.tags)),
    col('AttachmentCount', 'INTEGER', 'Number of attached files.', (r) => r.attachments?.length ?? 0),
    col('ChildCount', 'INTEGER', 'Number of child documents.', (r) => r.childDocumentIds?.length ?? 0),
    ...userColumns<DocumentJson>('CreatedUser', 'author', (r) => r.createdUser),
    timestamp<DocumentJson>('Created', 'When the document was created.', (r) => r.created),
    ...userColumns<DocumentJson>('UpdatedUser', 'last editor', (r) => r.updatedUser),
    timestamp<DocumentJson>('Updated', 'When the document was last edited.', (r) => r.updated),
  ],
  async *list(ctx, quals) {
    // The project list tells which projects have Documents off (skipped with a warning).
    const projects = await projectTargets(ctx, quals, { feature: 'document' });
    if (projects.length === 0) return;
    // Without ProjectId quals the API's own scope (joined projects with Documents on) is used:
    // naming a project the user sees but has not joined would fail the whole request.
    const projectIds = qualIds(quals, 'ProjectId') !== undefined ? projects.map((p) => p.id) : undefined;
    const rows: DocumentJson[] = [];
    await skipForbidden(
      ctx,
      'documents',
      async () => {
        const pages = ctx.api.pagesByOffset<DocumentJson>(
          '/documents',
          { 'projectId[]': projectIds, sort: 'created', order: 'asc' },
          {
            signal: ctx.signal,
            ...(ctx.limit !== undefined ? { limit: ctx.limit } : {}),
          },
        );
        for await (const page of pages) rows.push(...page);
      },
      undefined,
    );
    yield rows;
  },
  cost: (quals) => `1 request per 100 documents${hasQual(quals, 'ProjectId') ? ' of the named projects' : ''}`,
  examples: [
    'SELECT Title, Tags, Updated FROM Documents WHERE ProjectId = 1 ORDER BY Updated DESC',
    "SELECT Title FROM Documents WHERE Plain ILIKE '%release%'",
  ],
});
