/**
 * Shared pieces for write handlers (ARCHITECTURE.md §6): sending one write with the statement's signal,
 * finding the project a new row goes into, and the column-write declarations that recur.
 */
import { SqlError } from '../errors.js';
import type { Params } from '../api/types.js';
import type { ProjectTarget } from './project-scope.js';
import type { ColumnWrite, FormValue, TableWrites, WriteContext } from './types.js';

/** One POST/PATCH/PUT/DELETE, cancellable with the statement; never re-sent once it may have arrived (NET-2). */
export function send<T>(ctx: WriteContext, method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, form: Readonly<Record<string, FormValue>> = {}): Promise<T> {
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
    throw new SqlError(`ProjectId ${String(id)} and ProjectKey ${String(key)} name different projects`, undefined, { sqlstate: '23503', hint: 'Give one of them.' });
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
