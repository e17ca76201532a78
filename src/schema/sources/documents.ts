/** Documents, the newer rich-text pages (docs/backlog-api.md §7.26), and their tree. */
import type { TagJson, UserJson } from './json.js';

/** A document as GET /documents lists it (§7.26). */
export interface DocumentJson {
  id: string;
  projectId: number;
  title: string;
  plain: string | null;
  statusId: number;
  emoji: string | null;
  attachments: unknown[] | null;
  tags: TagJson[] | null;
  createdUser: UserJson | null;
  created: string;
  updatedUser: UserJson | null;
  updated: string;
  childDocumentIds?: string[] | null;
}

/** A node of the document tree. */
export interface DocumentNodeJson {
  id: string;
  name?: string | null;
  children?: DocumentNodeJson[] | null;
  statusId?: number | null;
  emoji?: string | null;
  updated?: string | null;
}

/** GET /documents/tree: the active and the trashed tree of one project. */
export interface DocumentTreeJson {
  projectId: number;
  activeTree: { id: string; children: DocumentNodeJson[] } | null;
  trashTree: { id: string; children: DocumentNodeJson[] } | null;
}
