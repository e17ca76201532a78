/**
 * Stand-ins for Backlog's web pages that the API points at (docs/backlog-api.md §1, §3.4): the
 * `Location` of an added issue or comment (`/view/KEY`, `/view/KEY#comment-ID`), project
 * (`/projects/KEY`), wiki page (`/alias/wiki/ID`) and pull request
 * (`/git/KEY/REPO/pullRequests/N`), and the `url` of stars (those and `/wiki/KEY/NAME`). They
 * are served at the emulator's own address, so a client that follows them stays in the emulator.
 *
 * Each is a plain page naming what it stands for and where its data is in the API; it shows no
 * content of the item, so it needs no sign-in (Backlog's pages do: the emulator's choice). An
 * unknown item is a 404 page. Not rate limited, as Backlog's web pages are not API requests.
 */
import { esc, page } from '../oauth/pages.js';
import type { Ctx, HtmlReply, Route } from '../route.js';

function standIn(title: string, apiPath: string): HtmlReply {
  return page(
    title,
    `<h1 id="title">${esc(title)}</h1>
<p>このエミュレーターは Backlog の API を提供します。この画面はその代わりのページです。<br>
This emulator serves Backlog's API; this page stands in for Backlog's web page.</p>
<p>API: <code id="api-path">GET ${esc(apiPath)}</code></p>`,
  );
}

function notFound(what: string): HtmlReply {
  return page(
    'Not found',
    `<h1 id="title">Not found</h1>
<p class="error" id="error">${esc(what)}</p>`,
    404,
  );
}

function projectByKey(ctx: Ctx, key: string) {
  return ctx.store.projects.all().find((p) => p.projectKey === key);
}

function issuePage(ctx: Ctx): HtmlReply {
  const key = ctx.path.issueKey as string;
  if (ctx.store.issueByKey.get(key) === undefined) return notFound(`No issue ${key}.`);
  return standIn(key, `/api/v2/issues/${key}`);
}

function projectPage(ctx: Ctx): HtmlReply {
  const key = ctx.path.projectKey as string;
  if (!projectByKey(ctx, key)) return notFound(`No project ${key}.`);
  return standIn(key, `/api/v2/projects/${key}`);
}

function wikiAliasPage(ctx: Ctx): HtmlReply {
  const id = ctx.path.wikiId as string;
  const wiki = /^\d+$/.test(id) ? ctx.store.wikis.get(Number(id)) : undefined;
  if (!wiki) return notFound(`No wiki page ${id}.`);
  return standIn(wiki.name, `/api/v2/wikis/${wiki.id}`);
}

function wikiPage(ctx: Ctx): HtmlReply {
  const project = projectByKey(ctx, ctx.path.projectKey as string);
  const name = ctx.path.pageName as string;
  const wiki = project && ctx.store.wikis.where('projectId', (w) => w.projectId, project.id).find((w) => w.name === name);
  if (!project || !wiki) return notFound(`No wiki page ${name}.`);
  return standIn(`[${project.projectKey}] ${wiki.name}`, `/api/v2/wikis/${wiki.id}`);
}

function pullRequestPage(ctx: Ctx): HtmlReply {
  const project = projectByKey(ctx, ctx.path.projectKey as string);
  const repoName = ctx.path.repoName as string;
  const number = Number(ctx.path.number);
  const repo = project && ctx.store.repositories.where('projectId', (r) => r.projectId, project.id).find((r) => r.name === repoName);
  const pr = repo && ctx.store.pullRequests.all().find((p) => p.repositoryId === repo.id && p.number === number);
  if (!project || !repo || !pr) return notFound(`No pull request ${repoName}/${ctx.path.number}.`);
  return standIn(`${repo.name}/${pr.number}`, `/api/v2/projects/${project.projectKey}/git/repositories/${repo.name}/pullRequests/${pr.number}`);
}

export const WEB_PAGE_ROUTES: Route[] = [
  { method: 'GET', pattern: '/view/:issueKey', auth: 'none', category: 'none', handler: issuePage },
  { method: 'GET', pattern: '/projects/:projectKey', auth: 'none', category: 'none', handler: projectPage },
  { method: 'GET', pattern: '/alias/wiki/:wikiId', auth: 'none', category: 'none', handler: wikiAliasPage },
  { method: 'GET', pattern: '/wiki/:projectKey/:pageName*', auth: 'none', category: 'none', handler: wikiPage },
  { method: 'GET', pattern: '/git/:projectKey/:repoName/pullRequests/:number', auth: 'none', category: 'none', handler: pullRequestPage },
];
