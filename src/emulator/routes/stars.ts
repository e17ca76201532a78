/**
 * Stars (docs/backlog-api.md §11.4). Every role may star (access.ts: stars are the caller's
 * own data), but only content it can see: an issue or comment of a visible project, a wiki page
 * of a visible project with Wiki on, a pull request (comment) of a visible project with Git on for
 * roles that may use Git. Anything else, or an id that does not exist, is a bad parameter.
 *
 * Decisions where the reference is silent: starring the same item twice is refused (400 naming
 * the parameter; Backlog shows one star per user and item); only the presenter may remove a star
 * (403 otherwise).
 */
import { canSeeProject } from '../access.js';
import { badRequest, forbidden, noResource } from '../errors.js';
import { int } from '../params.js';
import { noContent, type Ctx, type Route } from '../route.js';
import type { StarTarget } from '../store.js';

const TARGET_PARAMS: { param: string; target: StarTarget }[] = [
  { param: 'issueId', target: 'issue' },
  { param: 'commentId', target: 'comment' },
  { param: 'wikiId', target: 'wiki' },
  { param: 'pullRequestId', target: 'pullRequest' },
  { param: 'pullRequestCommentId', target: 'pullRequestComment' },
];

/** The author of a visible star target (who receives the star), or undefined. */
function targetAuthor(ctx: Ctx, target: StarTarget, id: number): number | undefined {
  const store = ctx.store;
  const visible = (projectId: number | undefined) => {
    const project = projectId === undefined ? undefined : store.projects.get(projectId);
    return project !== undefined && canSeeProject(store, project, ctx.user) ? project : undefined;
  };
  const gitRole = ctx.user.roleType === 1 || ctx.user.roleType === 2;
  switch (target) {
    case 'issue': {
      const issue = store.issues.get(id);
      return issue && visible(issue.projectId) ? issue.createdUserId : undefined;
    }
    case 'comment': {
      const comment = store.comments.get(id);
      return comment && visible(comment.projectId) ? comment.createdUserId : undefined;
    }
    case 'wiki': {
      const wiki = store.wikis.get(id);
      return wiki && visible(wiki.projectId)?.useWiki ? wiki.createdUserId : undefined;
    }
    case 'pullRequest': {
      const pr = store.pullRequests.get(id);
      return pr && gitRole && visible(pr.projectId)?.useGit ? pr.createdUserId : undefined;
    }
    case 'pullRequestComment': {
      const c = store.pullRequestComments.get(id);
      const pr = c && store.pullRequests.get(c.pullRequestId);
      return c && pr && gitRole && visible(pr.projectId)?.useGit ? c.createdUserId : undefined;
    }
  }
}

export const STARS_ROUTES: Route[] = [
  {
    method: 'POST',
    pattern: '/api/v2/stars',
    params: { issueId: 'int', commentId: 'int', wikiId: 'int', pullRequestId: 'int', pullRequestCommentId: 'int' },
    handler: (ctx) => {
      const given = TARGET_PARAMS.filter((t) => int(ctx.params, t.param) !== undefined);
      const names = TARGET_PARAMS.map((t) => t.param).join(', ');
      if (given.length === 0) throw badRequest(`Missing required parameter: one of ${names}.`);
      if (given.length > 1) throw badRequest(`Invalid parameters '${given.map((g) => g.param).join("', '")}': give exactly one of ${names}.`);
      const { param, target } = given[0] as (typeof TARGET_PARAMS)[number];
      const id = int(ctx.params, param) as number;
      const receiverId = targetAuthor(ctx, target, id);
      if (receiverId === undefined) throw badRequest(`Invalid parameter '${param}': no ${target} with id ${id}.`);
      const already = ctx.store.stars.where('target', (s) => `${s.target}:${s.targetId}`, `${target}:${id}`).some((s) => s.presenterId === ctx.user.id);
      if (already) throw badRequest(`Invalid parameter '${param}': you have already starred ${target} ${id}.`);
      ctx.store.stars.insert({
        id: ctx.store.nextId('star'),
        target,
        targetId: id,
        comment: null,
        presenterId: ctx.user.id,
        receiverId,
        created: ctx.now(),
      });
      return noContent();
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/v2/stars/:starId',
    handler: (ctx) => {
      const raw = ctx.path.starId as string;
      const star = /^\d+$/.test(raw) ? ctx.store.stars.get(Number(raw)) : undefined;
      if (!star) throw noResource('No star.');
      if (star.presenterId !== ctx.user.id) throw forbidden();
      ctx.store.stars.delete(star.id);
      return noContent();
    },
  },
];
