/**
 * ProjectSharedFiles: files and directories of projects' file sharing
 * (GET /projects/:p/files/metadata/:path, offset paging up to 1000 entries a request).
 *
 * Without a Dir qual the whole tree is walked from `/`: one listing per directory. With
 * `Dir = '/specs/'` only that directory is listed (its direct entries, which is exactly what
 * the qual keeps). Projects with file sharing off are skipped with a warning; roles Backlog
 * does not let read shared files (only administrators and normal users may) get a warning too.
 */
import { col, push, qualValues } from '../helpers.js';
import { skipForbidden } from '../sources/fetch.js';
import { projectColumns, projectLabel, projectTargets, type ProjectTarget } from '../sources/projects.js';
import { sharedFileColumns, type SharedFileJson } from '../sources/shared-files.js';
import { defineTable, type FetchContext } from '../types.js';

interface Row extends SharedFileJson {
  scope: ProjectTarget;
}

/** The API's largest page for this endpoint (used unless Pagesize asks for smaller pages). */
const MAX_PAGE = 1000;

/** `/a/b/` → `a/b` for the path segment (each part encoded; `/` lists the root). */
function dirPath(dir: string): string {
  return dir
    .split('/')
    .filter((s) => s !== '')
    .map(encodeURIComponent)
    .join('/');
}

async function listDir(ctx: FetchContext, project: string, dir: string): Promise<SharedFileJson[]> {
  const out: SharedFileJson[] = [];
  const count = ctx.api.pageSize ?? MAX_PAGE;
  for (let offset = 0; ; offset += count) {
    const page = await ctx.api.get<SharedFileJson[]>(
      `/projects/${encodeURIComponent(project)}/files/metadata/${dirPath(dir)}`,
      { order: 'asc', offset, count },
      { signal: ctx.signal },
    );
    out.push(...page);
    if (page.length < count) return out;
  }
}

export default defineTable<Row>({
  name: 'ProjectSharedFiles',
  kind: 'view',
  description: 'Files and directories shared in each project (file sharing), walked from the root unless Dir names a directory.',
  columns: [
    col('Id', 'BIGINT', 'Shared file id.', (r) => r.id, { key: true }),
    ...projectColumns<Row>('/files/metadata/:dir', (r) => r.projectId),
    ...sharedFileColumns<Row>({ dir: { pushdown: push.exact('path: /files/metadata/:dir (that directory only)') } }),
  ],
  async *list(ctx, quals) {
    const dirs = qualValues(quals, 'Dir')?.map(String);
    for (const scope of await projectTargets(ctx, quals, { feature: 'file' })) {
      const tag = (files: SharedFileJson[]) => files.map((f) => ({ ...f, scope }));
      if (dirs !== undefined) {
        for (const dir of dirs)
          yield tag(await skipForbidden(ctx, `shared files in ${dir} of ${projectLabel(scope)}`, () => listDir(ctx, scope.path, dir), []));
        continue;
      }
      const rows = await skipForbidden(
        ctx,
        `shared files of ${projectLabel(scope)}`,
        async () => {
          // Breadth-first walk; a directory's path is its parent dir plus its name.
          const found: Row[] = [];
          const queue = ['/'];
          for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) {
            const entries = await listDir(ctx, scope.path, dir);
            found.push(...tag(entries));
            for (const e of entries) if (e.type === 'directory') queue.push(`${e.dir}${e.name}/`);
          }
          return found;
        },
        [] as Row[],
      );
      yield rows;
    }
  },
  cost: (quals) =>
    qualValues(quals, 'Dir') !== undefined
      ? '1 request per named directory per project (+1 for the project list)'
      : '1 request per directory per project with file sharing (+1 for the project list)',
  examples: [
    "SELECT Dir, Name, Size FROM ProjectSharedFiles WHERE ProjectKey = 'WEB' AND Type = 'file' ORDER BY Size DESC",
    "SELECT Name FROM ProjectSharedFiles WHERE ProjectKey = 'WEB' AND Dir = '/'",
  ],
});
