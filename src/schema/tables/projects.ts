/**
 * Projects: the projects of the space (GET /projects?all=true, or GET /projects/:idOrKey when
 * one project is named).
 *
 * `all=true` is always sent: Backlog applies it to administrators only ("Only applies to
 * administrators"), so administrators see every project and everyone else the projects they
 * belong to, without a /users/myself request to find out which one the caller is.
 * One named project (Id or ProjectKey) is read alone; several are read with the list, which is
 * one request however many projects it holds.
 */
import { ApiError, SqlError } from '../../errors.js';
import { col, push, qualIds, qualValues, oneRequest } from '../helpers.js';
import { defineTable, type ColumnWrite, type Qual } from '../types.js';
import { seg, send, w } from '../writes.js';
import type { ProjectJson } from '../sources/projects.js';

/** A project flag: the form parameter is the JSON field's name; Backlog cannot clear a flag (NULL refused). */
const flag = (name: string, description: string, get: (p: ProjectJson) => boolean | undefined, param: string) =>
  col<ProjectJson>(name, 'BOOLEAN', description, get, { write: w.required(param) });

/** The one project a statement names, if it names exactly one. */
/** `textFormattingRule`: only the two values Backlog knows (refused before anything is sent). */
const textFormattingRule: ColumnWrite = w.required('textFormattingRule', {
  encode(value) {
    const rule = String(value);
    if (rule !== 'backlog' && rule !== 'markdown') {
      throw new SqlError(`TextFormattingRule must be 'backlog' or 'markdown', not ${JSON.stringify(rule)}`, undefined, { sqlstate: '22023' });
    }
    return rule;
  },
});

function single(quals: readonly Qual[]): string | undefined {
  const ids = qualIds(quals, 'Id');
  const keys = qualValues(quals, 'ProjectKey')?.map(String);
  if (ids?.length === 1) return String(ids[0]);
  if (ids === undefined && keys?.length === 1) return keys[0];
  return undefined;
}

export default defineTable<ProjectJson>({
  name: 'Projects',
  kind: 'table',
  description: 'Projects of the space: every project for an administrator, the joined ones for everyone else.',
  columns: [
    col('Id', 'BIGINT', 'Project id.', (r) => r.id, {
      key: true,
      readOnly: true,
      pushdown: push.exact('path: /projects/:id (one id), else filtered from the list'),
    }),
    col('ProjectKey', 'VARCHAR', 'Project key, the prefix of issue keys (WEB).', (r) => r.projectKey, {
      pushdown: push.exact('path: /projects/:key (one key), else filtered from the list'),
      // Renaming the key renames every issue key of the project too.
      write: w.required('key'),
    }),
    col('Name', 'VARCHAR', 'Project name.', (r) => r.name, { write: w.required('name') }),
    flag('ChartEnabled', 'Burndown and Gantt charts are on.', (r) => r.chartEnabled, 'chartEnabled'),
    flag('UseResolvedForChart', 'Charts count Resolved issues as done.', (r) => r.useResolvedForChart, 'useResolvedForChart'),
    flag('SubtaskingEnabled', 'Parent and child issues are on.', (r) => r.subtaskingEnabled, 'subtaskingEnabled'),
    flag(
      'ProjectLeaderCanEditProjectLeader',
      'Project administrators may change project administrators.',
      (r) => r.projectLeaderCanEditProjectLeader,
      'projectLeaderCanEditProjectLeader',
    ),
    flag('UseWiki', 'The Wiki is on.', (r) => r.useWiki, 'useWiki'),
    flag('UseFileSharing', 'File sharing is on.', (r) => r.useFileSharing, 'useFileSharing'),
    flag('UseWikiTreeView', 'The Wiki shows its pages as a tree.', (r) => r.useWikiTreeView, 'useWikiTreeView'),
    flag('UseOriginalImageSizeAtWiki', 'Wiki images are shown at their original size.', (r) => r.useOriginalImageSizeAtWiki, 'useOriginalImageSizeAtWiki'),
    col('TextFormattingRule', 'VARCHAR', "Text formatting: 'backlog' or 'markdown'.", (r) => r.textFormattingRule, { write: textFormattingRule }),
    col('Archived', 'BOOLEAN', 'The project is archived.', (r) => r.archived, {
      pushdown: push.exact('archived', ['=']),
      // A new project is never archived: only PATCH takes `archived`.
      write: w.updateOnly('archived', { notNull: true }),
    }),
    col('DisplayOrder', 'INTEGER', 'Position in the project list (2147483646 until reordered).', (r) => r.displayOrder, { readOnly: true }),
    flag('UseDevAttributes', 'Development attributes (Git links on issues) are shown.', (r) => r.useDevAttributes, 'useDevAttributes'),
    flag('UseGit', 'Git is on.', (r) => r.useGit, 'useGit'),
    flag('UseSubversion', 'Subversion is on.', (r) => r.useSubversion, 'useSubversion'),
    flag('UseDocument', 'Documents are on.', (r) => r.useDocument, 'useDocument'),
    flag('GrandchildIssueEnabled', 'Grandchild issues are on (needs subtasking).', (r) => r.grandchildIssueEnabled, 'grandchildIssueEnabled'),
  ],
  async *list(ctx, quals) {
    const ids = qualIds(quals, 'Id');
    const keys = qualValues(quals, 'ProjectKey')?.map(String);
    // Only booleans are understood; anything else is left to SQL (a superset is always safe).
    const archivedQual = qualValues(quals, 'Archived');
    const archived = archivedQual?.every((v) => typeof v === 'boolean') ? (archivedQual as boolean[]) : undefined;
    if (ids?.length === 0 || keys?.length === 0 || archived?.length === 0) return;
    const keep = (p: ProjectJson) =>
      (ids === undefined || ids.includes(p.id)) &&
      (keys === undefined || keys.includes(p.projectKey)) &&
      (archived === undefined || archived.includes(p.archived));
    const one = single(quals);
    if (one !== undefined) {
      try {
        const project = await ctx.api.get<ProjectJson>(`/projects/${encodeURIComponent(one)}`, {}, { signal: ctx.signal });
        yield [project].filter(keep);
      } catch (e) {
        // A project the caller cannot see is "No project." (404): no row, as in the list.
        if (!(e instanceof ApiError && e.status === 404)) throw e;
      }
      return;
    }
    const projects = await ctx.api.get<ProjectJson[]>(
      '/projects',
      { all: true, archived: archived?.length === 1 ? archived[0] : undefined },
      { signal: ctx.signal },
    );
    yield projects.filter(keep);
  },
  cost: (quals) => (single(quals) !== undefined ? '1 request (the named project)' : '1 request (the project list)'),
  requests: oneRequest,
  writes: {
    // POST /projects: space administrators only (Backlog answers 403 to anyone else). Flags not
    // given take Backlog's defaults for a new project.
    insert: {
      required: ['ProjectKey', 'Name'],
      run: (ctx, { form }) => send<ProjectJson>(ctx, 'POST', '/projects', form),
    },
    // PATCH /projects/:id: administrators and the project's administrators.
    update: {
      run: (ctx, row, { form }) => send<ProjectJson>(ctx, 'PATCH', `/projects/${seg(row.Id)}`, form),
    },
    // DELETE /projects/:id: space administrators only; it deletes every issue, wiki page, file… of the project.
    delete: {
      run: (ctx, row) => send<ProjectJson>(ctx, 'DELETE', `/projects/${seg(row.Id)}`),
    },
  },
  examples: [
    'SELECT Id, ProjectKey, Name FROM Projects WHERE Archived = false',
    "SELECT * FROM Projects WHERE ProjectKey = 'WEB'",
    "INSERT INTO Projects (ProjectKey, Name, TextFormattingRule, SubtaskingEnabled) VALUES ('NEWSITE', '新サイト', 'markdown', true) RETURNING Id",
    "UPDATE Projects SET Archived = true WHERE ProjectKey = 'OLD_SITE'",
  ],
});
