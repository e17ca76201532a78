/**
 * Shared pieces for write handlers (ARCHITECTURE.md §6): sending one write with the statement's
 * signal, finding the project or issue a new row goes into, and the column-write declarations,
 * write-only inputs and handlers that recur.
 */
import { ApiError, SqlError } from '../errors.js';
import type { Params } from '../api/types.js';
import type { InProject, ProjectTarget } from './sources/projects.js';
import type { UserJson } from './sources/json.js';
import type { ColumnWrite, FormValue, TableWrites, WriteContext, WriteInput } from './types.js';

/** One POST/PATCH/PUT/DELETE, cancellable with the statement; never re-sent once it may have arrived (NET-2). */
export function send<T>(
  ctx: WriteContext,
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  form: Readonly<Record<string, FormValue>> = {},
): Promise<T> {
  return ctx.api.send<T>(method, path, form as Params, { signal: ctx.signal });
}

/** A path segment from a key or id value. */
export function seg(value: unknown): string {
  return encodeURIComponent(String(value));
}

/** Column write declarations used by many tables. */
export const w = {
  /** Sent as `param` by INSERT and UPDATE; NULL clears it on UPDATE. */
  both: (param: string, extra: Partial<ColumnWrite> = {}): ColumnWrite => ({ param, ...extra }),
  /** Sent as `param` by INSERT and UPDATE; NULL refused. */
  required: (param: string, extra: Partial<ColumnWrite> = {}): ColumnWrite => ({ param, notNull: true, ...extra }),
  insertOnly: (param?: string, extra: Partial<ColumnWrite> = {}): ColumnWrite => ({ ...(param ? { param } : {}), on: 'insert', ...extra }),
  updateOnly: (param: string, extra: Partial<ColumnWrite> = {}): ColumnWrite => ({ param, on: 'update', ...extra }),
  /** A parent key that picks the URL of a new row (ProjectId / ProjectKey, IssueId…): INSERT only, no parameter. */
  scope: (): ColumnWrite => ({ on: 'insert', notNull: true }),
};

/**
 * The project a new row goes into, from the INSERT's ProjectId or ProjectKey. With both, they must
 * name the same project (one cached GET /projects per statement checks it); with ProjectId only,
 * the key comes from the same list when the row shows it.
 */
export async function projectForInsert(ctx: WriteContext, values: Readonly<Record<string, unknown>>): Promise<ProjectTarget> {
  const id = values.ProjectId ?? null;
  const key = values.ProjectKey ?? null;
  if (id === null && key === null) throw new SqlError('ProjectId or ProjectKey is needed to create the row', undefined, { sqlstate: '23502' });
  const projects = await ctx.projects();
  const project = projects.find((p) => (id !== null ? p.id === Number(id) : p.projectKey === String(key)));
  if (!project) {
    throw new SqlError(`no project ${id !== null ? `with id ${String(id)}` : `with key ${String(key)}`} is visible to this user`, undefined, {
      sqlstate: '23503',
      hint: 'SELECT Id, ProjectKey FROM Projects lists the projects you can write to.',
    });
  }
  if (id !== null && key !== null && project.projectKey !== String(key)) {
    throw new SqlError(`ProjectId ${String(id)} and ProjectKey ${String(key)} name different projects`, undefined, {
      sqlstate: '23503',
      hint: 'Give one of them.',
    });
  }
  return { path: String(project.id), id: project.id, projectKey: project.projectKey };
}

/** The project of an existing row (UPDATE / DELETE read ProjectId and ProjectKey with it). */
export function projectOfRow(row: Readonly<Record<string, unknown>>): ProjectTarget {
  const id = row.ProjectId === null || row.ProjectId === undefined ? null : Number(row.ProjectId);
  const key = row.ProjectKey === null || row.ProjectKey === undefined ? null : String(row.ProjectKey);
  return { path: id !== null ? String(id) : String(key), id, projectKey: key };
}

/**
 * The writes of a per-project list under `/projects/:p/<resource>` (categories, issue types,
 * statuses, versions, custom fields): POST into the INSERT's project, PATCH and DELETE
 * `…/<resource>/:id` of the row's. Answers carry their project (`scope`), as `list` rows do.
 * `patchForm` adjusts an UPDATE's form where the API needs more than the changed fields.
 */
export function projectItemWrites<T>(
  resource: string,
  required: readonly (string | readonly string[])[],
  options: { patchForm?: (form: Readonly<Record<string, FormValue>>, row: Readonly<Record<string, unknown>>) => Record<string, FormValue> } = {},
): Required<Pick<TableWrites<T & { scope: ProjectTarget }>, 'insert' | 'update' | 'delete'>> {
  const item = (row: Readonly<Record<string, unknown>>) => `/projects/${seg(projectOfRow(row).path)}/${resource}/${seg(row.Id)}`;
  return {
    insert: {
      required,
      async run(ctx, { values, form }) {
        const scope = await projectForInsert(ctx, values);
        return { ...(await send<T>(ctx, 'POST', `/projects/${seg(scope.path)}/${resource}`, form)), scope };
      },
    },
    update: {
      async run(ctx, row, { form }) {
        return { ...(await send<T>(ctx, 'PATCH', item(row), options.patchForm ? options.patchForm(form, row) : form)), scope: projectOfRow(row) };
      },
    },
    delete: {
      async run(ctx, row) {
        return { ...(await send<T>(ctx, 'DELETE', item(row))), scope: projectOfRow(row) };
      },
    },
  };
}

/**
 * INSERT and DELETE of a project's user list (members, administrators): POST and DELETE on
 * /projects/:p/{what}, both with the user's numeric id as `userId`; nothing to UPDATE.
 */
export function userListWrites(what: 'users' | 'administrators', notes: { update: string }): TableWrites<InProject<UserJson>> {
  return {
    insert: {
      required: [['ProjectId', 'ProjectKey'], 'UserId'],
      async run(ctx, { values, form }) {
        const scope = await projectForInsert(ctx, values);
        return { ...(await send<UserJson>(ctx, 'POST', `/projects/${seg(scope.path)}/${what}`, form)), scope };
      },
    },
    delete: {
      async run(ctx, row) {
        const scope = projectOfRow(row);
        return { ...(await send<UserJson>(ctx, 'DELETE', `/projects/${seg(scope.path)}/${what}`, { userId: Number(row.UserId) })), scope };
      },
    },
    notes,
  };
}

// ---- issues and comments --------------------------------------------------------------------

/** The issue a new child row goes to: the path segment to use, and its id and key where known. */
export interface IssueTarget {
  path: string;
  id: number | null;
  issueKey: string | null;
}

/** Issues looked up by the statement running (the context is made once per statement). */
const issueLookups = new WeakMap<WriteContext, Map<string, Promise<{ id: number; issueKey: string }>>>();

function lookUpIssue(ctx: WriteContext, idOrKey: string): Promise<{ id: number; issueKey: string }> {
  let cache = issueLookups.get(ctx);
  if (!cache) issueLookups.set(ctx, (cache = new Map()));
  let found = cache.get(idOrKey);
  if (!found) {
    found = ctx.api.get<{ id: number; issueKey: string }>(`/issues/${seg(idOrKey)}`, {}, { signal: ctx.signal }).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) {
        throw new SqlError(`no issue ${/^\d+$/.test(idOrKey) ? `with id ${idOrKey}` : idOrKey} is visible to this user`, undefined, {
          sqlstate: '23503',
          hint: 'SELECT Id, IssueKey FROM Issues lists the issues you can write to.',
        });
      }
      throw e;
    });
    cache.set(idOrKey, found);
  }
  return found;
}

/**
 * The issue an INSERT names by IssueId or IssueKey (insert-only columns that pick the URL).
 * `need` lists what the API's answer will not tell (the row must show both): when one of those
 * was not given, or when both were given (they must name the same issue), the issue is read
 * once per statement with GET /issues/:idOrKey before anything is written.
 */
export async function issueForInsert(
  ctx: WriteContext,
  values: Readonly<Record<string, unknown>>,
  need: { id?: boolean; key?: boolean } = {},
): Promise<IssueTarget> {
  const id = values.IssueId === undefined || values.IssueId === null ? null : Number(values.IssueId);
  const key = values.IssueKey === undefined || values.IssueKey === null ? null : String(values.IssueKey);
  if (id === null && key === null) throw new SqlError('IssueId or IssueKey is needed to create the row', undefined, { sqlstate: '23502' });
  const both = id !== null && key !== null;
  if (!both && !(need.id && id === null) && !(need.key && key === null)) return { path: String(id ?? key), id, issueKey: key };
  const issue = await lookUpIssue(ctx, key ?? String(id));
  if (both && issue.id !== id) {
    throw new SqlError(`IssueId ${String(id)} and IssueKey ${String(key)} name different issues`, undefined, { sqlstate: '23503', hint: 'Give one of them.' });
  }
  return { path: String(issue.id), id: issue.id, issueKey: issue.issueKey };
}

/** Refuse, before sending, an edit Backlog allows only to the author (comments of issues and pull requests). */
export async function requireAuthor(ctx: WriteContext, table: string, row: Readonly<Record<string, unknown>>): Promise<void> {
  const me = await ctx.myself();
  if (row.CreatedUserId !== null && row.CreatedUserId !== undefined && Number(row.CreatedUserId) !== me.id) {
    throw new SqlError(
      `comment ${String(row.Id)} of ${table} was posted by ${String(row.CreatedUserName ?? `user ${String(row.CreatedUserId)}`)}: Backlog lets only its author edit it`,
      undefined,
      {
        sqlstate: '42501',
        hint: 'Narrow the WHERE to your own comments (CreatedUserId = your user id), or sign in as the author.',
      },
    );
  }
}

/** NotifiedUserIds and AttachmentIds of a new comment (issue and pull-request comments, pull requests). */
export const notifiedUserIdsInput = (on?: 'insert' | 'update'): WriteInput => ({
  name: 'NotifiedUserIds',
  type: 'BIGINT[]',
  description: "Users to notify (project members), as a list [1, 2] or the text '1,2'.",
  write: { param: 'notifiedUserId[]', ...(on ? { on } : {}) },
});

export const attachmentIdsInput: WriteInput = {
  name: 'AttachmentIds',
  type: 'BIGINT[]',
  description: 'Files to attach: ids from the PostAttachment procedure (your own uploads of the last hour).',
  write: { param: 'attachmentId[]', on: 'insert' },
};
