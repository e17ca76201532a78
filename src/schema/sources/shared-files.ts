/**
 * A Backlog shared file (docs/backlog-api.md §7.12) and the columns every table showing one shares:
 * ProjectSharedFiles, IssueLinkedSharedFiles and WikiPageLinkedSharedFiles.
 */
import { col, timestamp, userColumns } from '../helpers.js';
import type { ColumnDef } from '../types.js';
import type { UserJson } from './json.js';

export interface SharedFileJson {
  id: number;
  projectId: number;
  type: string;
  dir: string;
  name: string;
  size: number | null;
  createdUser: UserJson | null;
  created: string | null;
  updatedUser: UserJson | null;
  updated: string | null;
}

/** Type, Dir, Name, Size, who added and replaced it, and when. `dir` may carry a pushdown. */
export function sharedFileColumns<R extends SharedFileJson>(options: { readOnly?: boolean; dir?: Partial<ColumnDef<R>> } = {}): ColumnDef<R>[] {
  const ro = options.readOnly ? { readOnly: true } : {};
  return [
    col<R>('Type', 'VARCHAR', "'file' or 'directory' (only files can be linked).", (r) => r.type, ro),
    col<R>('Dir', 'VARCHAR', "Directory it is in, with slashes at both ends ('/', '/specs/').", (r) => r.dir, { ...ro, ...options.dir }),
    col<R>('Name', 'VARCHAR', 'File or directory name.', (r) => r.name, ro),
    col<R>('Size', 'BIGINT', 'Size in bytes (NULL for a directory).', (r) => r.size, ro),
    ...userColumns<R>('CreatedUser', 'user who added it', (r) => r.createdUser).map((c) => ({ ...c, ...ro })),
    timestamp<R>('Created', 'When it was added.', (r) => r.created, ro),
    ...userColumns<R>('UpdatedUser', 'user who last replaced it', (r) => r.updatedUser).map((c) => ({ ...c, ...ro })),
    timestamp<R>('Updated', 'When it was last replaced.', (r) => r.updated, ro),
  ];
}
