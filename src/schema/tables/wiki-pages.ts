/**
 * WikiPages: wiki pages of the projects with Wiki on (GET /wikis?projectIdOrKey=, Search class,
 * no paging). List items carry no content, so Content costs one GET /wikis/:id per page and is
 * fetched only when the statement uses the column; an Id qual reads the pages directly.
 *
 * Name is filtered on the list before any per-page request, rather than sent as `keyword`:
 * keyword matches name or content by Backlog's own rules (unverified), and the list has no
 * paging, so it would save no request anyway.
 *
 * Writes (backlog-api.md §11.1): INSERT creates a page in the project named by ProjectId or
 * ProjectKey, UPDATE renames it or replaces its content, DELETE removes it. MailNotify (INSERT and
 * UPDATE) asks Backlog to mail the change to the project's members; a DELETE sends no mailNotify,
 * so Backlog's default applies.
 */
import { SqlError } from '../../errors.js';
import { col, hasQual, push, qualIds, qualValues, tagsText, timestamp, userColumns } from '../helpers.js';
import { lookup, skipForbidden } from '../sources/fetch.js';
import { wikiPagesOf, type WikiListItemJson, type WikiPageJson } from '../sources/wiki-pages.js';
import { defineTable, type FetchContext, type ProjectRef } from '../types.js';
import { projectForInsert, seg, send, w } from '../writes.js';
import { projectTargets } from '../sources/projects.js';

interface Row extends WikiListItemJson {
  content?: string;
  projectKey: string | null;
}

async function projectKeys(ctx: FetchContext): Promise<Map<number, string>> {
  if (!ctx.columns.has('ProjectKey')) return new Map();
  return new Map((await ctx.projects()).map((p: ProjectRef) => [p.id, p.projectKey]));
}

export default defineTable<Row>({
  name: 'WikiPages',
  kind: 'table',
  description: 'Wiki pages of the projects with Wiki on, with their tags, authors and times.',
  columns: [
    col('Id', 'BIGINT', 'Wiki page id.', (r) => r.id, { key: true, readOnly: true, pushdown: push.exact('path: /wikis/:wikiId') }),
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.projectId, {
      references: 'Projects.Id',
      pushdown: push.exact('projectIdOrKey (one list per project)'),
      write: w.insertOnly(),
    }),
    col('ProjectKey', 'VARCHAR', 'Key of the project.', (r) => r.projectKey, {
      pushdown: push.exact('projectIdOrKey (one list per project)'),
      write: w.insertOnly(),
    }),
    col('Name', 'VARCHAR', 'Page name (a path like "Docs/Setup" for nested pages), unique in the project.', (r) => r.name, {
      pushdown: push.exact('filtered on the page list before per-page requests'),
      write: w.required('name'),
    }),
    col('Content', 'VARCHAR', 'Page text; costs one request per page, made only when the statement uses this column.', (r) => r.content ?? null, {
      write: w.required('content'),
    }),
    col('Tags', 'VARCHAR', 'Tag names, comma-separated ("spec, draft"); NULL when untagged.', (r) => tagsText(r.tags), { readOnly: true }),
    ...userColumns<Row>('CreatedUser', 'author', (r) => r.createdUser, { id: { readOnly: true } }),
    timestamp<Row>('Created', 'When the page was created.', (r) => r.created, { readOnly: true }),
    ...userColumns<Row>('UpdatedUser', 'last editor', (r) => r.updatedUser, { id: { readOnly: true } }),
    timestamp<Row>('Updated', 'When the page was last edited.', (r) => r.updated, { readOnly: true }),
  ],
  async *list(ctx, quals) {
    const ids = qualIds(quals, 'Id');
    const keys = await projectKeys(ctx);
    if (ids !== undefined) {
      const rows: Row[] = [];
      for (const id of ids) {
        const page = await lookup(ctx, `wiki page ${id}`, () => ctx.api.get<WikiPageJson>(`/wikis/${id}`, {}, { signal: ctx.signal }));
        if (page) rows.push({ ...page, projectKey: keys.get(page.projectId) ?? null });
      }
      yield rows;
      return;
    }
    const names = qualValues(quals, 'Name')?.map(String);
    const withContent = ctx.columns.has('Content');
    let yielded = 0;
    for (const project of await projectTargets(ctx, quals, { feature: 'wiki' })) {
      if (ctx.limit !== undefined && yielded >= ctx.limit) return;
      let pages = await wikiPagesOf(ctx, project);
      if (names !== undefined) pages = pages.filter((p) => names.includes(p.name));
      if (ctx.limit !== undefined) pages = pages.slice(0, ctx.limit - yielded);
      const rows: Row[] = [];
      for (const page of pages) {
        if (!withContent) {
          rows.push({ ...page, projectKey: project.projectKey });
          continue;
        }
        const full = await skipForbidden(ctx, `wiki page ${page.id}`, () => ctx.api.get<WikiPageJson>(`/wikis/${page.id}`, {}, { signal: ctx.signal }), null);
        if (full) rows.push({ ...page, content: full.content, projectKey: project.projectKey });
      }
      yielded += rows.length;
      yield rows;
    }
  },
  cost: (quals) => {
    if (qualIds(quals, 'Id') !== undefined) return '1 request per named page';
    const per = hasQual(quals, 'ProjectId') || hasQual(quals, 'ProjectKey') ? 'named project' : 'project with Wiki on';
    return `1 search per ${per}, +1 request per page when Content is selected`;
  },
  writes: {
    insert: {
      required: [['ProjectId', 'ProjectKey'], 'Name', 'Content'],
      async run(ctx, { values, form }) {
        const project = await projectForInsert(ctx, values);
        if ((await ctx.projects()).find((p) => p.id === project.id)?.useWiki === false) {
          throw new SqlError(`project ${String(project.projectKey)} has Wiki turned off`, undefined, {
            sqlstate: '0A000',
            hint: 'Turn Wiki on in the project settings, or write to a project that uses it.',
          });
        }
        const page = await send<WikiPageJson>(ctx, 'POST', '/wikis', { ...form, projectId: project.path });
        return { ...page, projectKey: project.projectKey };
      },
    },
    update: {
      run: (ctx, row, { form }) =>
        send<WikiPageJson>(ctx, 'PATCH', `/wikis/${seg(row.Id)}`, form).then((page) => ({ ...page, projectKey: (row.ProjectKey as string | null) ?? null })),
    },
    delete: {
      run: (ctx, row) =>
        send<WikiPageJson>(ctx, 'DELETE', `/wikis/${seg(row.Id)}`).then((page) => ({ ...page, projectKey: (row.ProjectKey as string | null) ?? null })),
    },
    inputs: [
      {
        name: 'MailNotify',
        type: 'BOOLEAN',
        description: "Mail the new or changed page to the project's members (INSERT and UPDATE).",
        write: { param: 'mailNotify' },
      },
    ],
  },
  examples: [
    "SELECT Name, Tags, Updated FROM WikiPages WHERE ProjectKey = 'WEB' ORDER BY Updated DESC",
    "INSERT INTO WikiPages (ProjectKey, Name, Content, MailNotify) VALUES ('WEB', 'Docs/リリース手順', '# 手順', false) RETURNING Id",
  ],
});
