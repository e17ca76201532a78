/**
 * Activities, the recent updates of projects, users and the space (docs/backlog-api.md §7.23;
 * keyset paging on id, newest first), shared by ProjectRecentUpdates, SpaceUpdates and
 * UserRecentUpdates: the same columns, and Type → activityTypeId[] and Id ranges → minId/maxId
 * (inclusive bounds, so `Id > 5` is sent as minId=6). ORDER BY Id with LIMIT walks in that order
 * and stops early.
 */
import { col, push, qualValues, timestamp, userColumns } from '../helpers.js';
import type { ColumnDef, FetchContext, Qual } from '../types.js';
import { skipForbidden } from './fetch.js';
import type { UserJson } from './json.js';
import { projectLabel, projectTargets } from './projects.js';

/** An activity (§7.23): `content` has a shape per type, with snake_case keys. */
export interface ActivityJson {
  id: number;
  project: { id: number; projectKey: string; name: string } | null;
  type: number;
  content: Record<string, unknown> | null;
  createdUser: UserJson | null;
  created: string;
}

/** Activity types Backlog defines (backlog-api.md §13); only these are sent as activityTypeId[]. */
const KNOWN_TYPES = new Set([...Array.from({ length: 26 }, (_, i) => i + 1), ...Array.from({ length: 16 }, (_, i) => i + 34)]);

/**
 * The activityTypeId[] to send: undefined to send none. A value Backlog may not know (a type
 * added later, a typo) would make it answer 400, so then no type filter is sent and SQL filters.
 */
function typeFilter(quals: readonly Qual[]): number[] | undefined {
  const values = qualValues(quals, 'Type');
  if (values === undefined) return undefined;
  const types = values.map(Number);
  return types.every((t) => KNOWN_TYPES.has(t)) ? types : undefined;
}

/** Inclusive id bounds from range quals on Id (ids are integers, so `>` and `<` become inclusive). */
function idBounds(quals: readonly Qual[]): { minId?: number; maxId?: number; empty: boolean } {
  let minId: number | undefined;
  let maxId: number | undefined;
  for (const q of quals) {
    if (q.column !== 'Id') continue;
    const v = Number(q.values[0]);
    if (!Number.isFinite(v)) continue;
    const lo = q.op === '>=' ? Math.ceil(v) : q.op === '>' ? Math.floor(v) + 1 : q.op === '=' ? v : undefined;
    const hi = q.op === '<=' ? Math.floor(v) : q.op === '<' ? Math.ceil(v) - 1 : q.op === '=' ? v : undefined;
    if (q.op === '=' && !Number.isInteger(v)) return { empty: true };
    if (lo !== undefined) minId = minId === undefined ? lo : Math.max(minId, lo);
    if (hi !== undefined) maxId = maxId === undefined ? hi : Math.min(maxId, hi);
  }
  const empty = minId !== undefined && maxId !== undefined && minId > maxId;
  return { ...(minId !== undefined ? { minId: Math.max(minId, 0) } : {}), ...(maxId !== undefined ? { maxId } : {}), empty };
}

/**
 * Walk an activity endpoint with the Type and Id quals pushed down, in the pushed ORDER BY Id
 * (newest first otherwise), stopping at `ctx.limit`.
 */
export async function* activityPages(ctx: FetchContext, path: string, quals: readonly Qual[]): AsyncIterable<ActivityJson[]> {
  const bounds = idBounds(quals);
  const types = typeFilter(quals);
  if (bounds.empty || types?.length === 0) return;
  const byId = ctx.orderBy[0]?.column === 'Id' ? ctx.orderBy[0] : undefined;
  // Stopping early is only safe when the rows come in the pushed order and every qual was sent:
  // a Type qual not sent is filtered by SQL afterwards, so the first `limit` rows may not do.
  const inOrder = ctx.orderBy.length === 0 || (ctx.orderBy.length === 1 && byId !== undefined);
  const limit = inOrder && !(types === undefined && qualValues(quals, 'Type') !== undefined) ? ctx.limit : undefined;
  yield* ctx.api.pagesByKeyset<ActivityJson>(
    path,
    { 'activityTypeId[]': types },
    {
      signal: ctx.signal,
      order: byId && !byId.desc ? 'asc' : 'desc',
      ...(bounds.minId !== undefined ? { minId: bounds.minId } : {}),
      ...(bounds.maxId !== undefined ? { maxId: bounds.maxId } : {}),
      ...(limit !== undefined ? { limit } : {}),
    },
  );
}

/** A one-line description of what the activity is about (issue key and summary, page name…). */
function summary(a: ActivityJson): string | null {
  const c = a.content;
  if (!c) return null;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const keyId = typeof c.key_id === 'number' ? c.key_id : undefined;
  const subject = text(c.summary) ?? text(c.name) ?? text(c.title) ?? text((c.repository as { name?: unknown } | undefined)?.name);
  if (keyId !== undefined && a.project) return subject ? `${a.project.projectKey}-${keyId} ${subject}` : `${a.project.projectKey}-${keyId}`;
  if (subject) return subject;
  const comment = c.comment as { content?: unknown } | null | undefined;
  return text(comment?.content) ?? null;
}

/** The columns of an activity, for ProjectRecentUpdates and SpaceUpdates. */
export function activityColumns(projectPushdown: { id: string; key: string } | undefined): ColumnDef<ActivityJson>[] {
  return [
    col<ActivityJson>('Id', 'BIGINT', 'Activity id (grows with time).', (r) => r.id, {
      key: true,
      pushdown: push.exact('minId / maxId', ['=', '>=', '>', '<=', '<']),
    }),
    col<ActivityJson>('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.project?.id, {
      references: 'Projects.Id',
      ...(projectPushdown ? { pushdown: push.exact(projectPushdown.id) } : {}),
    }),
    col<ActivityJson>(
      'ProjectKey',
      'VARCHAR',
      'Key of the project.',
      (r) => r.project?.projectKey,
      projectPushdown ? { pushdown: push.exact(projectPushdown.key) } : {},
    ),
    col<ActivityJson>('ProjectName', 'VARCHAR', 'Name of the project.', (r) => r.project?.name),
    col<ActivityJson>(
      'Type',
      'INTEGER',
      'Activity type: 1 issue created, 2 issue updated, 3 issue commented, 5 wiki created, 8 file added, 12 git pushed, 18 pull request added… (Backlog API docs).',
      (r) => r.type,
      {
        pushdown: push.exact('activityTypeId[]'),
      },
    ),
    col<ActivityJson>('ContentId', 'BIGINT', 'Id of the thing the activity is about (issue, wiki page, file, pull request…), when it has one.', (r) =>
      typeof r.content?.id === 'number' ? r.content.id : null,
    ),
    col<ActivityJson>('ContentSummary', 'VARCHAR', 'One line about the subject: issue key and summary, page or file name, document title.', summary),
    col<ActivityJson>('Content', 'VARCHAR', "The activity's content object as JSON text (its shape depends on Type).", (r) =>
      r.content == null ? null : JSON.stringify(r.content),
    ),
    ...userColumns<ActivityJson>('CreatedUser', 'user who acted', (r) => r.createdUser),
    timestamp<ActivityJson>('Created', 'When it happened.', (r) => r.created),
  ];
}

/**
 * The activities of the projects the quals name (every visible project without them), one
 * project per batch, each walked with `activityPages`. Activities carry their project, so named
 * projects need no project list.
 */
export async function* projectActivities(ctx: FetchContext, quals: readonly Qual[]): AsyncIterable<ActivityJson[]> {
  for (const scope of await projectTargets(ctx, quals, { rowsCarryProject: true })) {
    const rows: ActivityJson[] = [];
    await skipForbidden(
      ctx,
      `recent updates of ${projectLabel(scope)}`,
      async () => {
        for await (const page of activityPages(ctx, `/projects/${encodeURIComponent(scope.path)}/activities`, quals)) rows.push(...page);
      },
      undefined,
    );
    yield rows;
  }
}
