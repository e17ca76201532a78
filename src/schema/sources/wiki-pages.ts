/**
 * Walking wiki pages, shared by WikiPages and the per-page tables (attachments, history, linked
 * shared files, stars). `GET /wikis` has no paging and needs a project, so pages are listed per
 * project with Wiki on; a WikiId qual names the pages directly and costs no listing at all.
 */
import { projectsFor, qualIds, skipForbidden } from '../helpers.js';
import type { FetchContext, ProjectRef, Qual } from '../types.js';
import type { UserJson } from './personal.js';

/** A `GET /wikis` item (docs/backlog-api.md §7.16): no content, attachments or stars. */
export interface WikiListItem {
  id: number;
  projectId: number;
  name: string;
  tags: { id: number; name: string }[];
  createdUser: UserJson | null;
  created: string;
  updatedUser: UserJson | null;
  updated: string;
}

/** A full page (`GET /wikis/:id`). */
export interface WikiPage extends WikiListItem {
  content: string;
}

/** The pages of one project with Wiki on (403/404 become a warning and no pages). */
export function wikiPagesOf(ctx: FetchContext, project: ProjectRef): Promise<WikiListItem[]> {
  return skipForbidden(
    ctx,
    `wiki pages of project ${project.projectKey}`,
    () => ctx.api.get<WikiListItem[]>('/wikis', { projectIdOrKey: project.id }, { signal: ctx.signal }),
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
  for (const project of await projectsFor(ctx, quals, { feature: 'wiki' })) {
    yield (await wikiPagesOf(ctx, project)).map((p) => p.id);
  }
}

/** Cost phrase of `wikiPageIds`. */
export function wikiPagesCost(quals: readonly Qual[], idColumn: string, per: string): string {
  return qualIds(quals, idColumn) !== undefined
    ? `1 request per named wiki page${per}`
    : `1 search per project with Wiki on, then 1 request per page${per}`;
}
