/**
 * Wiki pages (docs/backlog-api.md §7.16) and the walk shared by WikiPages and the per-page tables
 * (attachments, history, linked shared files, stars). `GET /wikis` has no paging and needs a
 * project, so pages are listed per project with Wiki on; a WikiId qual names the pages directly
 * and costs no listing at all.
 */
import type { Params } from '../../api/types.js';
import { qualIds } from '../helpers.js';
import type { FetchContext, Qual } from '../types.js';
import { skipForbidden } from './fetch.js';
import type { TagJson, UserJson } from './json.js';
import { projectLabel, projectTargets, type FeatureTarget } from './projects.js';

/** A `GET /wikis` item (§7.16): no content, attachments or stars. */
export interface WikiListItemJson {
  id: number;
  projectId: number;
  name: string;
  tags: TagJson[];
  createdUser: UserJson | null;
  created: string;
  updatedUser: UserJson | null;
  updated: string;
}

/** A full page (`GET /wikis/:id`). */
export interface WikiPageJson extends WikiListItemJson {
  content: string;
}

/** A saved version of a page (`GET /wikis/:id/history`). */
export interface WikiHistoryJson {
  pageId: number;
  version: number;
  name: string;
  content: string;
  createdUser: UserJson | null;
  created: string;
}

/** The pages of one project with Wiki on (403/404 become a warning and no pages). */
export function wikiPagesOf(ctx: FetchContext, project: FeatureTarget): Promise<WikiListItemJson[]> {
  return skipForbidden(
    ctx,
    `wiki pages of ${projectLabel(project)}`,
    () => ctx.api.get<WikiListItemJson[]>('/wikis', { projectIdOrKey: project.id }, { signal: ctx.signal }),
    [],
  );
}

/**
 * The pages a per-page table reads: the ids of `=`/`IN` quals on `idColumn`, else every page of
 * every project with Wiki on (one search request per project), one project per batch.
 */
export async function* wikiPageIds(ctx: FetchContext, quals: readonly Qual[], idColumn: string): AsyncIterable<number[]> {
  const ids = qualIds(quals, idColumn);
  if (ids !== undefined) {
    yield ids;
    return;
  }
  for (const project of await projectTargets(ctx, quals, { feature: 'wiki' })) {
    yield (await wikiPagesOf(ctx, project)).map((p) => p.id);
  }
}

/** Cost phrase of `wikiPageIds`. */
export function wikiPagesCost(quals: readonly Qual[], idColumn: string, per: string): string {
  return qualIds(quals, idColumn) !== undefined ? `1 request per named wiki page${per}` : `1 search per project with Wiki on, then 1 request per page${per}`;
}

/**
 * The history of one page, oldest first: keyset paging on `version` (Backlog's minId/maxId bound
 * the version number, inclusive), Pagesize (default 100) per request, until a short page.
 */
export async function* wikiHistory(ctx: FetchContext, wikiId: number, bounds: { minId?: number; maxId?: number }): AsyncIterable<WikiHistoryJson[]> {
  const path = `/wikis/${wikiId}/history`;
  const pageSize = ctx.api.pageSize ?? 100;
  let minId = bounds.minId;
  for (;;) {
    const params: Params = { order: 'asc', count: pageSize, minId, maxId: bounds.maxId };
    const page = await ctx.api.get<WikiHistoryJson[]>(path, params, { signal: ctx.signal });
    if (page.length > 0) yield page;
    const last = page[page.length - 1];
    if (page.length < pageSize || last === undefined) return;
    minId = last.version + 1;
  }
}
