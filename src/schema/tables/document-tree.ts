/**
 * DocumentTree (extension): the document tree of each project with Documents on
 * (GET /documents/tree?projectIdOrKey=), one row per document node, active and trashed trees
 * alike. The tree roots ("Active", "Trash") are not documents and give no row: top-level
 * documents have ParentId NULL and Depth 0.
 */
import { col, hasQual, push, timestamp } from '../helpers.js';
import { skipForbidden } from '../sources/fetch.js';
import { defineTable } from '../types.js';
import type { DocumentNodeJson, DocumentTreeJson } from '../sources/documents.js';
import { projectLabel, projectTargets, perProjectRequests } from '../sources/projects.js';

interface Row {
  node: DocumentNodeJson;
  projectId: number;
  parentId: string | null;
  depth: number;
  position: number;
  inTrash: boolean;
}

function flatten(nodes: readonly DocumentNodeJson[], projectId: number, parentId: string | null, depth: number, inTrash: boolean, out: Row[]): Row[] {
  nodes.forEach((node, position) => {
    out.push({ node, projectId, parentId, depth, position, inTrash });
    flatten(node.children ?? [], projectId, node.id, depth + 1, inTrash, out);
  });
  return out;
}

export default defineTable<Row>({
  name: 'DocumentTree',
  kind: 'view',
  extension: true,
  description: 'The document tree of each project with Documents on: one row per document, with its parent and depth, trash included.',
  columns: [
    col('Id', 'VARCHAR', 'Document id (trashed documents are not in Documents).', (r) => r.node.id, { key: true }),
    col('ParentId', 'VARCHAR', 'Id of the parent document (NULL at the top level).', (r) => r.parentId),
    col('Name', 'VARCHAR', 'Document title as the tree shows it.', (r) => r.node.name ?? null),
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.projectId, {
      references: 'Projects.Id',
      pushdown: push.exact('projectIdOrKey (one request per project)'),
    }),
    col('Depth', 'INTEGER', 'Nesting level (0 = top level).', (r) => r.depth),
    col('Position', 'INTEGER', 'Order among its siblings (0 = first).', (r) => r.position),
    col('InTrash', 'BOOLEAN', 'Whether the document is in the trash.', (r) => r.inTrash),
    col('StatusId', 'INTEGER', 'Document status id.', (r) => r.node.statusId ?? null),
    col('Emoji', 'VARCHAR', 'Emoji shown with the title, if any.', (r) => r.node.emoji || null),
    timestamp<Row>('Updated', 'When the document was last edited.', (r) => r.node.updated),
  ],
  async *list(ctx, quals) {
    for (const project of await projectTargets(ctx, quals, { feature: 'document' })) {
      const tree = await skipForbidden(
        ctx,
        `document tree of ${projectLabel(project)}`,
        () => ctx.api.get<DocumentTreeJson>('/documents/tree', { projectIdOrKey: project.id }, { signal: ctx.signal }),
        null,
      );
      if (!tree) continue;
      const rows: Row[] = [];
      flatten(tree.activeTree?.children ?? [], project.id, null, 0, false, rows);
      flatten(tree.trashTree?.children ?? [], project.id, null, 0, true, rows);
      yield rows;
    }
  },
  cost: (quals) => (hasQual(quals, 'ProjectId') ? '1 request per named project' : '1 request per project with Documents on'),
  requests: (quals, space, read) => perProjectRequests(quals, space, read.columns, { feature: 'document' }),
  examples: ['SELECT Depth, Name FROM DocumentTree WHERE ProjectId = 1 AND NOT InTrash ORDER BY Depth, Position'],
});
