/**
 * Walking Git repositories and pull requests, shared by Repositories, PullRequests and the
 * per-pull-request tables (comments and their nested views, attachments).
 *
 * The walk takes the narrowest path the quals allow:
 * - projects: ProjectId quals, else every project with Git on (others are skipped with a warning);
 * - repositories: with one project and RepositoryId quals the ids go straight into the path; else
 *   `GET /projects/:p/git/repositories` per project, filtered by RepositoryId;
 * - pull requests: with a few (≤ 10) numbers, `GET …/pullRequests/:number` each; else the list
 *   (offset paging, 100 a page) with the filters the caller passes.
 * Git is open to Administrators and Normal users only: for other roles the first 403 leads to one
 * warning saying so, and no rows.
 */
import { ApiError, SqlError } from '../../errors.js';
import type { Params } from '../../api/types.js';
import { col, hasQual, push, qualIds } from '../helpers.js';
import type { ColumnDef, FetchContext, Qual, WriteContext } from '../types.js';
import { projectForInsert, seg } from '../writes.js';
import { lookup, skipForbidden } from './fetch.js';
import type { AttachmentJson, StarJson, UserJson } from './json.js';
import { projectLabel, projectTargets, type FeatureTarget, type ProjectTarget } from './projects.js';

/** A Git repository (docs/backlog-api.md §7.17). */
export interface RepositoryJson {
  id: number;
  projectId: number;
  name: string;
  description: string;
  hookUrl: string | null;
  httpUrl: string;
  sshUrl: string;
  displayOrder: number;
  pushedAt: string | null;
  createdUser: UserJson | null;
  created: string;
  updatedUser: UserJson | null;
  updated: string;
}

/** A pull request (§7.18). */
export interface PullRequestJson {
  id: number;
  projectId: number;
  repositoryId: number;
  number: number;
  summary: string;
  description: string;
  base: string;
  branch: string;
  status: { id: number; name: string } | null;
  assignee: UserJson | null;
  issue: { id: number } | null;
  baseCommit: string | null;
  branchCommit: string | null;
  mergeCommit: string | null;
  closeAt: string | null;
  mergeAt: string | null;
  createdUser: UserJson | null;
  created: string;
  updatedUser: UserJson | null;
  updated: string;
  attachments?: AttachmentJson[];
  stars?: StarJson[];
}

/** A comment on a pull request, with its nested change log, notifications and stars. */
export interface PullRequestCommentJson {
  id: number;
  content: string | null;
  changeLog: { field: string; newValue: string | null; originalValue: string | null }[] | null;
  createdUser: UserJson | null;
  created: string;
  updated: string;
  stars: StarJson[] | null;
  notifications: { id: number; alreadyRead: boolean; reason: number; user: UserJson | null; resourceAlreadyRead: boolean }[] | null;
}

/** A repository the walk reads. */
export interface RepositoryTarget {
  project: FeatureTarget;
  repositoryId: number;
}

/** A pull request the walk reads: where it lives and, when listed, the pull request itself. */
export interface PullRequestTarget extends RepositoryTarget {
  number: number;
  pullRequest: PullRequestJson | null;
}

/** At most this many named numbers are fetched one by one; more are read from the list. */
const DIRECT_NUMBERS = 10;

/** Thrown inside a walk when the signed-in user's role cannot use Git at all. */
class GitRoleError extends Error {}

async function checkGitRole(ctx: FetchContext, e: unknown): Promise<void> {
  if (e instanceof ApiError && e.status === 403) {
    const me = await ctx.myself();
    if (me.roleType !== 1 && me.roleType !== 2) throw new GitRoleError();
  }
}

/** A Git request whose 403/404 becomes a warning (after the role check) and the fallback. */
async function gitRequest<T>(ctx: FetchContext, what: string, fetch: () => Promise<T>, fallback: T): Promise<T> {
  return skipForbidden(
    ctx,
    what,
    async () => {
      try {
        return await fetch();
      } catch (e) {
        await checkGitRole(ctx, e);
        throw e;
      }
    },
    fallback,
  );
}

/** Run a walk, turning "this role cannot use Git" into one warning and no more rows. */
export async function* gitWalk<T>(ctx: FetchContext, walk: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* walk;
  } catch (e) {
    if (!(e instanceof GitRoleError)) throw e;
    ctx.warn('Git skipped: repositories and pull requests are open to Administrators and Normal users only');
  }
}

/** …/git/repositories/:r/pullRequests of a row's (or an INSERT's) project and repository. */
export function pullRequestsUrl(projectId: unknown, repositoryId: unknown): string {
  return `/projects/${seg(projectId)}/git/repositories/${seg(repositoryId)}/pullRequests`;
}

function pullRequestsPath(t: RepositoryTarget): string {
  return pullRequestsUrl(t.project.id, t.repositoryId);
}

/** The repositories of one project with Git on (403/404: warning, none). */
export function repositoriesOf(ctx: FetchContext, project: FeatureTarget): Promise<RepositoryJson[]> {
  return gitRequest(
    ctx,
    `Git repositories of ${projectLabel(project)}`,
    () => ctx.api.get<RepositoryJson[]>(`/projects/${project.id}/git/repositories`, {}, { signal: ctx.signal }),
    [],
  );
}

/** The project of a new pull request or comment (ProjectId), refused before any write when Git is off there. */
export async function gitProjectForInsert(ctx: WriteContext, values: Readonly<Record<string, unknown>>): Promise<ProjectTarget> {
  const project = await projectForInsert(ctx, values);
  if ((await ctx.projects()).find((p) => p.id === project.id)?.useGit === false) {
    throw new SqlError(`project ${String(project.projectKey)} has Git turned off`, undefined, {
      sqlstate: '0A000',
      hint: 'Pull requests live in projects that use Git.',
    });
  }
  return project;
}

/** The repositories the quals name, one project per batch (see the header for the path taken). */
async function* repositoryTargets(ctx: FetchContext, quals: readonly Qual[]): AsyncIterable<RepositoryTarget[]> {
  const repoIds = qualIds(quals, 'RepositoryId');
  if (repoIds?.length === 0) return;
  const projects = await projectTargets(ctx, quals, { feature: 'git' });
  if (repoIds !== undefined && projects.length === 1 && qualIds(quals, 'ProjectId') !== undefined) {
    const project = projects[0] as FeatureTarget;
    yield repoIds.map((repositoryId) => ({ project, repositoryId }));
    return;
  }
  for (const project of projects) {
    const repos = await repositoriesOf(ctx, project);
    yield repos.filter((r) => repoIds === undefined || repoIds.includes(r.id)).map((r) => ({ project, repositoryId: r.id }));
  }
}

export interface PullRequestWalk {
  /** Column holding the pull request number in the calling table. */
  numberColumn: string;
  /** Filters for the pull-request list (`statusId[]`…); an empty array means nothing matches. */
  filters?: Record<string, number[] | undefined>;
  /** Callers that need the pull request itself (not only its number) get it fetched by number. */
  needPullRequest: boolean;
  /** Stop after this many pull requests (a LIMIT hint). */
  limit?: number;
}

/** The pull requests the quals name, one repository per batch. */
export async function* pullRequestTargets(ctx: FetchContext, quals: readonly Qual[], walk: PullRequestWalk): AsyncIterable<PullRequestTarget[]> {
  const numbers = qualIds(quals, walk.numberColumn);
  if (numbers?.length === 0) return;
  const filters: Params = {};
  for (const [name, values] of Object.entries(walk.filters ?? {})) {
    if (values?.length === 0) return;
    if (values !== undefined) filters[name] = values;
  }
  let seen = 0;
  for await (const repos of repositoryTargets(ctx, quals)) {
    for (const repo of repos) {
      const left = walk.limit === undefined ? undefined : walk.limit - seen;
      if (left !== undefined && left <= 0) return;
      const batch: PullRequestTarget[] = [];
      if (numbers !== undefined && numbers.length <= DIRECT_NUMBERS) {
        for (const number of numbers) {
          if (!walk.needPullRequest) {
            batch.push({ ...repo, number, pullRequest: null });
            continue;
          }
          const pr = await lookup(ctx, `pull request ${number}`, async () => {
            try {
              return await ctx.api.get<PullRequestJson>(`${pullRequestsPath(repo)}/${number}`, {}, { signal: ctx.signal });
            } catch (e) {
              await checkGitRole(ctx, e);
              throw e;
            }
          });
          if (pr) batch.push({ ...repo, number, pullRequest: pr });
        }
      } else {
        await gitRequest(
          ctx,
          `pull requests of repository ${repo.repositoryId}`,
          async () => {
            // Numbers filtered here would make a limit on the list stop short of matching rows.
            const limit = numbers === undefined ? left : undefined;
            const pages = ctx.api.pagesByOffset<PullRequestJson>(pullRequestsPath(repo), filters, {
              signal: ctx.signal,
              ...(limit !== undefined ? { limit } : {}),
            });
            for await (const page of pages) {
              for (const pr of page) if (numbers === undefined || numbers.includes(pr.number)) batch.push({ ...repo, number: pr.number, pullRequest: pr });
            }
          },
          undefined,
        );
      }
      seen += batch.length;
      yield batch;
    }
  }
}

/** The comments of one pull request, oldest first (keyset on id; 403/404: warning, none). */
export async function pullRequestComments(
  ctx: FetchContext,
  t: PullRequestTarget,
  bounds: { minId?: number; maxId?: number } = {},
): Promise<PullRequestCommentJson[]> {
  const out: PullRequestCommentJson[] = [];
  await gitRequest(
    ctx,
    `comments of pull request ${t.number} in repository ${t.repositoryId}`,
    async () => {
      const pages = ctx.api.pagesByKeyset<PullRequestCommentJson>(
        `${pullRequestsPath(t)}/${t.number}/comments`,
        {},
        { signal: ctx.signal, order: 'asc', ...bounds },
      );
      for await (const page of pages) out.push(...page);
    },
    undefined,
  );
  return out;
}

/** The attachments of one pull request (403/404: warning, none). */
export function pullRequestAttachments(ctx: FetchContext, t: PullRequestTarget): Promise<AttachmentJson[]> {
  return gitRequest(
    ctx,
    `attachments of pull request ${t.number} in repository ${t.repositoryId}`,
    () => ctx.api.get<AttachmentJson[]>(`${pullRequestsPath(t)}/${t.number}/attachments`, {}, { signal: ctx.signal }),
    [],
  );
}

/** Cost phrase for the pull-request walk; `child` tables need no pull request fetched by number. */
export function pullRequestsCost(quals: readonly Qual[], numberColumn: string, child: boolean): string {
  const projects = hasQual(quals, 'ProjectId') ? 'named project' : 'project with Git on';
  const repoList = qualIds(quals, 'RepositoryId') !== undefined && qualIds(quals, 'ProjectId') !== undefined ? '' : `1 repository list per ${projects}, `;
  const numbers = qualIds(quals, numberColumn);
  const direct = numbers !== undefined && numbers.length <= DIRECT_NUMBERS;
  if (child) return `${repoList}${direct ? '' : '1 pull-request list request per 100 pull requests per repository, '}1 request per pull request`;
  return `${repoList}${direct ? '1 request per named number per repository' : '1 pull-request list request per 100 pull requests per repository'}`;
}

/** Column values a PR child table shares: where its pull request lives. */
export interface PullRequestChild {
  projectId: number;
  repositoryId: number;
  pullRequestNumber: number;
}

export function childOf(t: PullRequestTarget): PullRequestChild {
  return { projectId: t.project.id, repositoryId: t.repositoryId, pullRequestNumber: t.number };
}

/** ProjectId, RepositoryId and PullRequestNumber of a PR child table, with their pushdowns. */
export function pullRequestChildColumns<R extends PullRequestChild>(): ColumnDef<R>[] {
  return [
    col<R>('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.projectId, {
      references: 'Projects.Id',
      readOnly: true,
      pushdown: push.exact('path: /projects/:projectId/git/…'),
    }),
    col<R>('RepositoryId', 'BIGINT', 'Id of the repository.', (r) => r.repositoryId, {
      references: 'Repositories.Id',
      readOnly: true,
      pushdown: push.exact('path: …/repositories/:repositoryId/…'),
    }),
    col<R>('PullRequestNumber', 'BIGINT', 'Number of the pull request within its repository.', (r) => r.pullRequestNumber, {
      references: 'PullRequests.Number',
      readOnly: true,
      pushdown: push.exact('path: …/pullRequests/:number/…'),
    }),
  ];
}

/** Cost phrase of a PR child table. */
export function pullRequestChildCost(quals: readonly Qual[], per: string): string {
  return `${pullRequestsCost(quals, 'PullRequestNumber', true)}${per}`;
}

/** A pull-request comment with where it lives. */
export interface PullRequestCommentRow extends PullRequestCommentJson, PullRequestChild {}

/**
 * Comments of the pull requests the quals name, one pull request per batch: the fetch behind
 * PullRequestComments and its three nested views.
 */
export async function* pullRequestCommentRows(
  ctx: FetchContext,
  quals: readonly Qual[],
  bounds: { minId?: number; maxId?: number } = {},
): AsyncIterable<PullRequestCommentRow[]> {
  yield* gitWalk(
    ctx,
    perPullRequest(ctx, quals, async (t) => (await pullRequestComments(ctx, t, bounds)).map((c) => ({ ...c, ...childOf(t) }))),
  );
}

/**
 * Rows fetched per pull request (comments, attachments), one pull request per batch. Wrap it in
 * gitWalk: with project, repository and number named, the first Git request is the per-PR one.
 */
export async function* perPullRequest<R>(ctx: FetchContext, quals: readonly Qual[], fetch: (t: PullRequestTarget) => Promise<R[]>): AsyncIterable<R[]> {
  for await (const prs of pullRequestTargets(ctx, quals, { numberColumn: 'PullRequestNumber', needPullRequest: false })) {
    for (const t of prs) yield await fetch(t);
  }
}
