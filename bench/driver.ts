/**
 * Driver benchmarks (issue 3, Deliver 7). The emulator runs as its own process at medium scale
 * with 50 ms injected before every answer, as a real space would be far away.
 *
 * `driver-questions`: eight everyday questions, each answered three ways:
 *  (a) backlog-sql: the SQL a user would write, through `connect()` and `db.query()`;
 *  (b) the minimal backlog-js program for the question (each is written down below, with the
 *      argument why no program needs fewer requests);
 *  (c) a naive backlog-js program: it pages every issue of the space (count=100, offset) and
 *      filters in JS; for the questions that are not about issues (7, 8) it reads everything of
 *      that kind in the space and filters in JS.
 * Requests are counted by the emulator's journal for all three, so the counting is the same.
 * (a) and (b) run BENCH_PAIRS times each (default 20), alternating A B A B …; the wall-time target
 * is on the median of the paired ratios a[i]/b[i], and each variant's median CPU time (this
 * process's user + system time: the driver's or backlog-js' own work) is shown beside it.
 * Every variant's answer is reduced to the same canonical form and compared: a fast wrong
 * answer would make the figures worthless.
 *
 * `driver-scan`: full scans of every issue (BENCH_SCAN_RUNS, default 5, medians) with the search limit lowered, at a shortened
 * 10-second window (20 searches) and at Backlog's own 60-second window (50 searches): the pacer
 * must wait (stats.rateLimitWaits > 0) rather than draw a single 429, and its rate is compared with
 * the rate-limit floor's (target ≥ 97% at the 60-second window).
 *
 * Readings where the question leaves a choice, the same in every variant:
 *  - "open" (questions 1 and 8) is status 1 (Open) only; "not closed" (question 4) is status ≠ 4.
 *  - "today" is the calendar day in the space's time zone (Asia/Tokyo); the programs know the
 *    zone as backlog-sql does after `connect` (its GET /space is made before the measurement).
 *  - "myself" (question 4): the SQL names the user by login (there is no CURRENT_USER); the
 *    backlog-js programs ask GET /users/myself. Both spend one request on it.
 *  - Programs make their requests one after another, as backlog-sql does.
 */
import { Backlog } from 'backlog-js';
import type { Entity } from 'backlog-js';
import { connect, type Connection, type QueryResult } from '../src/index.js';
import { FAKE_HOST, rewritingFetch } from '../test/helpers/emulator.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { startProcess, stopProcess, type BenchRow, type Started } from './emulator.js';

const LATENCY_MS = 50;
const SPACE_ZONE = 'Asia/Tokyo';

// ---- the emulator process and its journal ----------------------------------------------------

type Emulator = Started;

interface JournalEntry {
  method: string;
  path: string;
  status: number;
  route: string | null;
}

/** The medium-scale emulator with injected latency, as a child process. */
function startEmulator(flags: string[]): Promise<Emulator> {
  return startProcess('medium', ['--latency', String(LATENCY_MS), ...flags]);
}

async function readJournal(emu: Emulator): Promise<JournalEntry[]> {
  const res = await fetch(`${emu.url}/_emulator/journal`);
  return ((await res.json()) as { requests: JournalEntry[] }).requests;
}

async function clearJournal(emu: Emulator): Promise<void> {
  await fetch(`${emu.url}/_emulator/journal`, { method: 'DELETE' });
}

function backlogJs(emu: Emulator): Backlog {
  return new Backlog({ host: FAKE_HOST, apiKey: emu.apiKey, fetch: rewritingFetch(emu) } as ConstructorParameters<typeof Backlog>[0]);
}

// ---- measuring -------------------------------------------------------------------------------

interface Run {
  /** The canonical answer (JSON), compared across variants. */
  answer: string;
  requests: number;
  /** Median wall time over the repetitions. */
  ms: number;
  /** Median CPU time of this process (user + system) over the repetitions: the driver's own work. */
  cpuMs: number;
  /** Each repetition's wall time, in order (paired with the other variant's by index). */
  walls: number[];
  /** Requests per route, e.g. "GET /issues ×3". */
  endpoints: string;
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? 0 : sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** One timed run of `fn`: its answer, wall and CPU milliseconds, and the requests the journal saw. */
async function once(emu: Emulator, fn: () => Promise<string>): Promise<{ answer: string; wall: number; cpu: number; entries: JournalEntry[] }> {
  await clearJournal(emu);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const answer = await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { answer, wall, cpu: (c.user + c.system) / 1000, entries: await readJournal(emu) };
}

function endpointsOf(entries: readonly JournalEntry[]): string {
  const byRoute = new Map<string, number>();
  for (const e of entries) {
    // `route` is the matched pattern with its method ("GET /api/v2/issues/:issueIdOrKey").
    const key = (e.route ?? `${e.method} ${e.path}`).replace(' /api/v2', ' ');
    byRoute.set(key, (byRoute.get(key) ?? 0) + 1);
  }
  return [...byRoute].map(([k, v]) => `${k} ×${v}`).join(', ');
}

/**
 * Run the variants `times` times each, interleaved (A B A B …, farm-bench style), so load from
 * other work on the machine falls on both alike. Every run of a variant must make the same
 * requests and give the same answer as its first.
 */
async function measurePaired(emu: Emulator, times: number, fns: readonly (() => Promise<string>)[]): Promise<Run[]> {
  const runs = fns.map(() => ({
    walls: [] as number[],
    cpus: [] as number[],
    first: undefined as { answer: string; requests: number; endpoints: string } | undefined,
  }));
  for (let i = 0; i < times; i++) {
    for (const [k, fn] of fns.entries()) {
      const r = await once(emu, fn);
      const run = runs[k] as (typeof runs)[number];
      run.walls.push(r.wall);
      run.cpus.push(r.cpu);
      if (!run.first) run.first = { answer: r.answer, requests: r.entries.length, endpoints: endpointsOf(r.entries) };
      else if (r.entries.length !== run.first.requests || r.answer !== run.first.answer)
        throw new Error('a repeated run made other requests or gave another answer');
    }
  }
  return runs.map((r) => ({ ...r.first!, ms: median(r.walls), cpuMs: median(r.cpus), walls: r.walls }));
}

/** Run `fn` `times` times: requests and answer of the first run (the others must match), median wall and CPU time. */
async function measure(emu: Emulator, times: number, fn: () => Promise<string>): Promise<Run> {
  return (await measurePaired(emu, times, [fn]))[0] as Run;
}

/** The median of the runs' paired ratios a[i] / b[i]: robust to load that changes during the bench. */
function pairedRatio(a: Run, b: Run): number {
  return median(a.walls.map((w, i) => w / (b.walls[i] ?? Number.NaN)).filter((x) => Number.isFinite(x)));
}

// ---- canonical answers -----------------------------------------------------------------------

const canon = (value: unknown): string => JSON.stringify(value);

/** A map as [key, value] pairs sorted by key, so the order rows arrive in does not matter. */
function canonMap(entries: Iterable<[string | number, unknown]>): string {
  return canon([...entries].map(([k, v]) => [String(k), v] as const).sort((x, y) => x[0].localeCompare(y[0])));
}

const hours = (v: unknown): number => Math.round(Number(v ?? 0) * 100) / 100;
const tagList = (tags: string | null | undefined): string[] =>
  tags
    ? tags
        .split(',')
        .map((t) => t.trim())
        .sort()
    : [];

/** The calendar day of an instant in the space's zone (Backlog sends a date as that zone's midnight). */
function spaceDay(at: Date | string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: SPACE_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at));
}

function dayBefore(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

type Rows = Record<string, unknown>[];
const rowsOf = (r: QueryResult): Rows => r.rows as Rows;

// ---- paging helpers of the backlog-js programs ------------------------------------------------

/** Every issue of the space, 100 at a time, until a short page (the naive programs' core). */
async function everyIssue(bl: Backlog): Promise<Entity.Issue.Issue[]> {
  const all: Entity.Issue.Issue[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await bl.getIssues({ count: 100, offset });
    all.push(...page);
    if (page.length < 100) return all;
  }
}

/** Every comment of an issue: 100 a page, oldest first, each page after the last id seen. */
async function everyComment(bl: Backlog, issue: string | number): Promise<Entity.Issue.Comment[]> {
  const all: Entity.Issue.Comment[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await bl.getIssueComments(issue, { count: 100, order: 'asc', ...(after !== undefined ? { minId: after + 1 } : {}) });
    all.push(...page);
    const last = page[page.length - 1];
    if (page.length < 100 || !last) return all;
    after = last.id;
  }
}

// ---- the questions ---------------------------------------------------------------------------

const PROJECT_ID = 1; // WEB: 2,631 issues at medium scale, six statuses (two custom), Wiki and Git on
const ISSUE_KEY = 'WEB-1'; // four comments
const MY_LOGIN = 'yamada'; // the user of the emulator's API key (id 1)
const MILESTONE_ID = 8; // OPS "v2.0": 114 issues
const REPOSITORY_ID = 1; // WEB's "api-server": 60 pull requests, 30 open

interface Question {
  n: number;
  title: string;
  sql: string;
  /** Other SQL a user might write for the same question, measured for information. */
  alternatives?: { label: string; sql: string }[];
  fromSql(rows: Rows): string;
  minimal(bl: Backlog): Promise<string>;
  naive(bl: Backlog): Promise<string>;
  /** A target on (a)'s requests beyond "no more than (b)". */
  exact?: (minimal: Run) => { requests: number; text: string };
}

const questions: Question[] = [
  {
    n: 1,
    title: '10 most recently updated open issues of a project',
    sql: `SELECT IssueKey, Summary, Updated FROM Issues WHERE ProjectId = ${PROJECT_ID} AND StatusId = 1 ORDER BY Updated DESC LIMIT 10`,
    fromSql: (rows) => canon(rows.map((r) => r.IssueKey)),
    // Minimal: one search sends the project, the status, the sort and count=10; no question is
    // answered without a request, so one is the floor.
    async minimal(bl) {
      const issues = await bl.getIssues({ projectId: [PROJECT_ID], statusId: [1], sort: 'updated', order: 'desc', count: 10 });
      return canon(issues.map((i) => i.issueKey));
    },
    async naive(bl) {
      const open = (await everyIssue(bl)).filter((i) => i.projectId === PROJECT_ID && i.status.id === 1);
      open.sort((x, y) => Date.parse(y.updated) - Date.parse(x.updated));
      return canon(open.slice(0, 10).map((i) => i.issueKey));
    },
    exact: () => ({ requests: 1, text: '= 1' }),
  },
  {
    n: 2,
    title: 'issue count per status in a project',
    sql: `SELECT StatusId, count(*) AS Issues FROM Issues WHERE ProjectId = ${PROJECT_ID} GROUP BY StatusId`,
    fromSql: (rows) => canonMap(rows.map((r) => [r.StatusId as number, Number(r.Issues)])),
    // Minimal: Backlog counts (GET /issues/count) but does not group, so each status needs its
    // own count, and the project's statuses (custom ones differ per project) must be listed to
    // know which to ask for: 1 + S requests. Paging the project's issues costs ⌈n/100⌉ (27 here).
    async minimal(bl) {
      const counts: [number, number][] = [];
      for (const s of await bl.getProjectStatuses(PROJECT_ID)) {
        const { count } = await bl.getIssuesCount({ projectId: [PROJECT_ID], statusId: [s.id] });
        if (count > 0) counts.push([s.id, count]);
      }
      return canonMap(counts);
    },
    async naive(bl) {
      const counts = new Map<number, number>();
      for (const i of await everyIssue(bl)) if (i.projectId === PROJECT_ID) counts.set(i.status.id, (counts.get(i.status.id) ?? 0) + 1);
      return canonMap(counts);
    },
    // One /count per status plus the status list: what the minimal program makes.
    exact: (b) => ({ requests: b.requests, text: `= ${b.requests} (status list + 1 count per status)` }),
  },
  {
    n: 3,
    title: 'all comments of one issue',
    sql: `SELECT Id, Content, Created FROM IssueComments WHERE IssueKey = '${ISSUE_KEY}' ORDER BY Id`,
    fromSql: (rows) => canon(rows.map((r) => Number(r.Id))),
    // Minimal: the comment list takes the issue key in its path and gives 100 comments a page;
    // a short page is the last. An issue with ≤ 100 comments: one request, the floor.
    async minimal(bl) {
      return canon((await everyComment(bl, ISSUE_KEY)).map((c) => c.id));
    },
    // Naive: finds the issue in the list of every issue, then reads its comments by id.
    async naive(bl) {
      const issue = (await everyIssue(bl)).find((i) => i.issueKey === ISSUE_KEY);
      if (!issue) throw new Error(`${ISSUE_KEY} not found`);
      return canon((await everyComment(bl, issue.id)).map((c) => c.id));
    },
  },
  {
    n: 4,
    title: 'my overdue issues (assignee = me, due before today, not closed)',
    sql:
      'SELECT i.IssueKey, i.DueDate FROM Issues i JOIN Users u ON u.Id = i.AssigneeId ' +
      `WHERE u.UserId = '${MY_LOGIN}' AND i.DueDate < CURRENT_DATE AND i.StatusId <> 4`,
    alternatives: [
      { label: 'my user id written in', sql: 'SELECT IssueKey, DueDate FROM Issues WHERE AssigneeId = 1 AND DueDate < CURRENT_DATE AND StatusId <> 4' },
    ],
    fromSql: (rows) => canon(rows.map((r) => r.IssueKey as string).sort()),
    // Minimal: who "me" is takes GET /users/myself; then one search per 100 of my issues due up
    // to yesterday (dueDateUntil is inclusive). "Not closed" is filtered in JS: sending it as
    // statusId[] needs every non-closed status of every project (custom statuses differ), one
    // request per project, to save only ⌈closed/100⌉ pages (at most one here).
    async minimal(bl) {
      const me = await bl.getMyself();
      const until = dayBefore(spaceDay(new Date()));
      const keys: string[] = [];
      for (let offset = 0; ; offset += 100) {
        const page = await bl.getIssues({ assigneeId: [me.id], dueDateUntil: until, count: 100, offset });
        keys.push(...page.filter((i) => i.status.id !== 4).map((i) => i.issueKey));
        if (page.length < 100) break;
      }
      return canon(keys.sort());
    },
    async naive(bl) {
      const me = await bl.getMyself();
      const today = spaceDay(new Date());
      const mine = (await everyIssue(bl)).filter((i) => i.assignee?.id === me.id && !!i.dueDate && spaceDay(i.dueDate) < today && i.status.id !== 4);
      return canon(mine.map((i) => i.issueKey).sort());
    },
  },
  {
    n: 5,
    title: 'issues of a milestone with their comment counts',
    sql:
      'SELECT m.IssueKey, count(c.Id) AS Comments FROM IssueMilestones m LEFT JOIN IssueComments c ON c.IssueId = m.IssueId ' +
      `WHERE m.MilestoneId = ${MILESTONE_ID} GROUP BY m.IssueKey`,
    fromSql: (rows) => canonMap(rows.map((r) => [r.IssueKey as string, Number(r.Comments)])),
    // Minimal: one search per 100 of the milestone's issues (milestoneId[]), then one request per
    // issue for its comment count: the issue JSON carries no count and no endpoint counts comments
    // across issues, so ⌈n/100⌉ + n is the floor (a comment list per issue costs the same).
    async minimal(bl) {
      const issues: Entity.Issue.Issue[] = [];
      for (let offset = 0; ; offset += 100) {
        const page = await bl.getIssues({ milestoneId: [MILESTONE_ID], count: 100, offset });
        issues.push(...page);
        if (page.length < 100) break;
      }
      const counts: [string, number][] = [];
      for (const i of issues) counts.push([i.issueKey, (await bl.getIssueCommentsCount(i.id)).count]);
      return canonMap(counts);
    },
    async naive(bl) {
      const issues = (await everyIssue(bl)).filter((i) => i.milestone.some((m) => m.id === MILESTONE_ID));
      const counts: [string, number][] = [];
      for (const i of issues) counts.push([i.issueKey, (await everyComment(bl, i.id)).length]);
      return canonMap(counts);
    },
  },
  {
    n: 6,
    title: 'total estimated hours per assignee across the space',
    sql: 'SELECT AssigneeId, AssigneeName, sum(EstimatedHours) AS Hours FROM Issues GROUP BY AssigneeId, AssigneeName',
    fromSql: (rows) => canonMap(rows.map((r) => [String(r.AssigneeId ?? 'none'), hours(r.Hours)])),
    // Minimal: no endpoint sums hours and no filter narrows "every issue", so every issue is
    // read, 100 a page (⌈n/100⌉, + 1 when n is a multiple of 100 to see the end). Sorting by
    // estimatedHours and stopping at the first empty value would read fewer pages, but where
    // Backlog puts empty values is not documented (ARCHITECTURE.md §5), so a correct program cannot rely
    // on it. The naive program is this same program.
    async minimal(bl) {
      const sums = new Map<string, number>();
      for (const i of await everyIssue(bl)) {
        const who = String(i.assignee?.id ?? 'none');
        sums.set(who, hours((sums.get(who) ?? 0) + (i.estimatedHours ?? 0)));
      }
      return canonMap(sums);
    },
    naive(bl) {
      return this.minimal(bl);
    },
  },
  {
    n: 7,
    title: "a project's wiki pages with their tags",
    sql: `SELECT Name, Tags FROM WikiPages WHERE ProjectId = ${PROJECT_ID}`,
    fromSql: (rows) => canonMap(rows.map((r) => [r.Name as string, tagList(r.Tags as string | null)])),
    // Minimal: the wiki page list of one project carries each page's tags: one request, the floor.
    async minimal(bl) {
      const pages = await bl.getWikis({ projectIdOrKey: PROJECT_ID });
      return canonMap(pages.map((p) => [p.name, p.tags.map((t) => t.name).sort()]));
    },
    // Naive: the wiki pages of every project with Wiki on, filtered to the project in JS.
    async naive(bl) {
      const pages: Entity.Wiki.WikiListItem[] = [];
      for (const p of await bl.getProjects()) if (p.useWiki) pages.push(...(await bl.getWikis({ projectIdOrKey: p.id })));
      return canonMap(pages.filter((p) => p.projectId === PROJECT_ID).map((p) => [p.name, p.tags.map((t) => t.name).sort()]));
    },
  },
  {
    n: 8,
    title: 'open pull requests of a repository',
    sql: `SELECT Number, Summary FROM PullRequests WHERE ProjectId = ${PROJECT_ID} AND RepositoryId = ${REPOSITORY_ID} AND StatusId = 1`,
    fromSql: (rows) => canon(rows.map((r) => Number(r.Number)).sort((x, y) => x - y)),
    // Minimal: the repository's pull-request list with statusId[]=1, 100 a page; with ≤ 100 open
    // ones: one request, the floor.
    async minimal(bl) {
      const numbers: number[] = [];
      for (let offset = 0; ; offset += 100) {
        const page = await bl.getPullRequests(PROJECT_ID, String(REPOSITORY_ID), { statusId: [1], count: 100, offset });
        numbers.push(...page.map((pr) => pr.number));
        if (page.length < 100) break;
      }
      return canon(numbers.sort((x, y) => x - y));
    },
    // Naive: every pull request of every repository of every project with Git on, filtered in JS.
    async naive(bl) {
      const numbers: number[] = [];
      for (const p of await bl.getProjects()) {
        if (!p.useGit) continue;
        for (const repo of await bl.getGitRepositories(p.id)) {
          for (let offset = 0; ; offset += 100) {
            const page = await bl.getPullRequests(p.id, String(repo.id), { count: 100, offset });
            numbers.push(...page.filter((pr) => pr.repositoryId === REPOSITORY_ID && pr.status.id === 1).map((pr) => pr.number));
            if (page.length < 100) break;
          }
        }
      }
      return canon(numbers.sort((x, y) => x - y));
    },
  },
];

// ---- driver-questions --------------------------------------------------------------------------

const WALL_FACTOR = 1.1;
/**
 * Paired runs per question (A B A B …): BENCH_PAIRS, default 20 (issue 13's target is stated on
 * the median of ≥ 20 paired ratios; a smaller number only checks that the bench works).
 */
const PAIRS = Math.max(1, Number(process.env.BENCH_PAIRS ?? 20));

const fmtMs = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

export async function benchQuestions(): Promise<BenchRow[]> {
  const emu = await startEmulator(['--rate-limit', 'off']);
  let db: Connection | undefined;
  try {
    db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
    const conn = db;
    const bl = backlogJs(emu);
    const sqlAnswer = (q: Question, sql: string) => async () => q.fromSql(rowsOf(await conn.query(sql)));
    // Warm both clients (DuckDB, module code, keep-alive sockets) outside the measurements.
    const warm = questions[0]!;
    await conn.query(warm.sql);
    await warm.minimal(bl);

    const rows: BenchRow[] = [];
    for (const q of questions) {
      console.error(`  Q${q.n} ${q.title}…`);
      // (a) and (b) alternate, PAIRS times each; the naive program and the alternatives run fewer times (information).
      const [a, b] = (await measurePaired(emu, PAIRS, [sqlAnswer(q, q.sql), () => q.minimal(bl)])) as [Run, Run];
      const c = await measure(emu, 1, () => q.naive(bl));
      const times = Math.min(PAIRS, b.requests <= 10 ? 5 : 1);
      const alts: { label: string; run: Run }[] = [];
      for (const alt of q.alternatives ?? []) alts.push({ label: alt.label, run: await measure(emu, times, sqlAnswer(q, alt.sql)) });
      const ratio = pairedRatio(a, b);

      const exact = q.exact?.(b);
      const agree = a.answer === b.answer && b.answer === c.answer && alts.every((x) => x.run.answer === b.answer);
      const label = `Q${q.n} ${q.title}`;
      rows.push({
        measure: `${label}: requests (a) sql / (b) minimal / (c) naive`,
        value: `${a.requests} / ${b.requests} / ${c.requests}`,
        target: exact ? `(a) ${exact.text}, ≤ (b)` : '(a) ≤ (b)',
        ratio: `a/b ${(a.requests / b.requests).toFixed(2)}×, c/a ${(c.requests / a.requests).toFixed(1)}×`,
        ok: a.requests <= b.requests && (!exact || a.requests === exact.requests),
      });
      rows.push({
        measure: `Q${q.n}: wall time (a) / (b) / (c), medians; CPU (a) / (b) [${PAIRS} paired runs]`,
        value: `${fmtMs(a.ms)} / ${fmtMs(b.ms)} / ${fmtMs(c.ms)}; CPU ${fmtMs(a.cpuMs)} / ${fmtMs(b.cpuMs)}`,
        target: `(a) ≤ ${WALL_FACTOR}× (b), median of paired ratios`,
        ratio: `a/b ${ratio.toFixed(2)}×`,
        ok: ratio <= WALL_FACTOR,
      });
      for (const alt of alts) {
        rows.push({
          measure: `Q${q.n} (a′ ${alt.label}): requests / wall time`,
          value: `${alt.run.requests} / ${fmtMs(alt.run.ms)}`,
          target: 'information',
          ratio: `a′/b ${(alt.run.requests / b.requests).toFixed(2)}× req, ${(alt.run.ms / b.ms).toFixed(2)}× time`,
          ok: true,
        });
      }
      rows.push({
        measure: `Q${q.n}: answers (a) = (b) = (c)${alts.length ? ' = (a′)' : ''}`,
        value: agree ? `equal (${(JSON.parse(b.answer) as unknown[]).length} items)` : 'DIFFERENT',
        target: 'equal',
        ratio: '—',
        ok: agree,
      });
      // What each variant asked for, for the reader who wants to know why (a) won or lost.
      console.error(`    (a) ${a.endpoints}`);
      for (const alt of alts) console.error(`    (a′) ${alt.run.endpoints}`);
      console.error(`    (b) ${b.endpoints}`);
      console.error(`    (c) ${c.endpoints}`);
      if (!agree) {
        console.error(`    answers differ:\n      (a) ${a.answer.slice(0, 300)}\n      (b) ${b.answer.slice(0, 300)}\n      (c) ${c.answer.slice(0, 300)}`);
        for (const alt of alts) console.error(`      (a′) ${alt.run.answer.slice(0, 300)}`);
      }
    }
    rows.push(...(await benchCosts(emu, conn)));
    return rows;
  } finally {
    await db?.close();
    await stopProcess(emu);
  }
}

/**
 * Issue 13's request costs on the same space, counted by the journal: a space-wide grouped count
 * (through /issues/count against reading every issue with pushdown off, answers compared),
 * MaxRows=10 against LIMIT 10, and a stream left after its first row.
 */
async function benchCosts(emu: Emulator, db: Connection): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const plain = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};Other="Pushdown=false"`);
  const capped = await connect(`URL=${emu.url};ApiKey=${emu.apiKey};MaxRows=10`);
  const requests = async (fn: () => Promise<unknown>): Promise<{ n: number; value: unknown }> => {
    await clearJournal(emu);
    const value = await fn();
    return { n: (await readJournal(emu)).length, value };
  };
  try {
    for (const column of ['StatusName', 'IssueTypeName', 'PriorityName']) {
      const sql = `SELECT ${column}, count(*) AS n FROM Issues GROUP BY 1 ORDER BY 1`;
      const counted = await requests(async () => JSON.stringify((await db.query(sql)).rows));
      const scanned = await requests(async () => JSON.stringify((await plain.query(sql)).rows));
      const same = counted.value === scanned.value;
      rows.push({
        measure: `space-wide count(*) GROUP BY ${column}: requests counted / read (answers ${same ? 'equal' : 'DIFFERENT'})`,
        value: `${counted.n} / ${scanned.n}`,
        target: 'counted < read, equal answers',
        ratio: `${(scanned.n / counted.n).toFixed(1)}× fewer`,
        ok: same && counted.n < scanned.n,
      });
    }
    const max = await requests(async () => JSON.stringify((await capped.query('SELECT Id, Summary FROM Issues')).rows));
    const lim = await requests(async () => JSON.stringify((await db.query('SELECT Id, Summary FROM Issues LIMIT 10')).rows));
    rows.push({
      measure: 'MaxRows=10, SELECT Id, Summary FROM Issues: requests (MaxRows) / (LIMIT 10)',
      value: `${max.n} / ${lim.n}`,
      target: '1 / 1, same rows',
      ratio: '—',
      ok: max.n === 1 && lim.n === 1 && max.value === lim.value,
    });
    const streamed = await requests(async () => {
      for await (const row of db.stream('SELECT Id, Summary FROM Issues')) return row;
      return undefined;
    });
    rows.push({
      measure: 'stream() of SELECT Id, Summary FROM Issues left after the first row: requests',
      value: String(streamed.n),
      target: '1 (the whole table: 101)',
      ratio: '—',
      ok: streamed.n === 1,
    });
  } finally {
    await plain.close();
    await capped.close();
  }
  return rows;
}

// ---- driver-scan -------------------------------------------------------------------------------

/** The scans: a window shortened to 10 s, and Backlog's own 60 s window (the pacer's target: ≥ 97% of the floor's rate). */
const SCANS = [
  { limit: 20, windowS: 10, target: undefined },
  { limit: 50, windowS: 60, target: 0.97 },
] as const;

export async function benchScan(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const scan of SCANS) rows.push(...(await benchScanAt(scan.limit, scan.windowS, scan.target)));
  return rows;
}

/** Scans per window; each figure is the median of the runs (429s: all runs' together). */
const SCAN_RUNS = Math.max(1, Number(process.env.BENCH_SCAN_RUNS ?? 5));

interface ScanRun {
  issues: number;
  requests: number;
  pages: number;
  throttled: number;
  waits: number;
  waitMs: number;
  ms: number;
  floorMs: number;
}

/** One full scan on a fresh emulator (a fresh rate-limit window). */
async function scanOnce(SCAN_LIMIT: number, SCAN_WINDOW_S: number): Promise<ScanRun> {
  const emu = await startEmulator(['--rate-limit', `search=${SCAN_LIMIT}`, '--rate-window', String(SCAN_WINDOW_S)]);
  let db: Connection | undefined;
  try {
    db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
    await clearJournal(emu);
    // sum(length(Summary)) cannot be answered by /issues/count: every issue must be read.
    const t0 = performance.now();
    const result = await db.query('SELECT count(*) AS Issues, max(Updated) AS LastUpdated, sum(length(Summary)) AS SummaryChars FROM Issues');
    const ms = performance.now() - t0;
    const entries = await readJournal(emu);
    const issues = Number((result.rows as Rows)[0]?.Issues);
    // Each window lets SCAN_LIMIT searches through: the scan cannot end before its last window opens.
    const floorMs = Math.floor((entries.length - 1) / SCAN_LIMIT) * SCAN_WINDOW_S * 1000;
    return {
      issues,
      requests: entries.length,
      pages: Math.floor(issues / 100) + 1,
      throttled: entries.filter((e) => e.status === 429).length,
      waits: result.stats.rateLimitWaits,
      waitMs: result.stats.rateLimitWaitMs,
      ms,
      floorMs,
    };
  } finally {
    await db?.close();
    await stopProcess(emu);
  }
}

async function benchScanAt(SCAN_LIMIT: number, SCAN_WINDOW_S: number, target: number | undefined): Promise<BenchRow[]> {
  const runs: ScanRun[] = [];
  for (let i = 0; i < SCAN_RUNS; i++) runs.push(await scanOnce(SCAN_LIMIT, SCAN_WINDOW_S));
  const mid = (f: (r: ScanRun) => number) => median(runs.map(f));
  const rates = runs.map((r) => r.floorMs / r.ms);
  const rate = median(rates);
  const ms = mid((r) => r.ms);
  const floorMs = mid((r) => r.floorMs);
  const throttled = runs.reduce((n, r) => n + r.throttled, 0);
  const first = runs[0] as ScanRun;
  const label = `scan of every issue (medium, search ${SCAN_LIMIT}/${SCAN_WINDOW_S} s; ${SCAN_RUNS} runs)`;
  return [
    {
      measure: `${label}: issues / requests, every run`,
      value: `${first.issues} / ${first.requests}`,
      target: `10000 / ${first.pages} (every page)`,
      ratio: '—',
      ok: runs.every((r) => r.issues === 10_000 && r.requests === r.pages),
    },
    { measure: `${label}: 429 answers in the journal, all runs`, value: String(throttled), target: '0', ratio: '—', ok: throttled === 0 },
    {
      measure: `${label}: pacer waits (stats), medians`,
      value: `${mid((r) => r.waits)} waits, ${fmtMs(mid((r) => r.waitMs))}`,
      target: '> 0',
      ratio: '—',
      ok: runs.every((r) => r.waits > 0 && r.waitMs > 0),
    },
    {
      measure: `${label}: wall time, median`,
      value: fmtMs(ms),
      target: `≥ ${fmtMs(floorMs)} (window floor)`,
      ratio: `${(ms / floorMs).toFixed(2)}× floor`,
      ok: true,
    },
    // The pacer's rate against the floor's: how much of each window it gives away.
    {
      measure: `${label}: pacer rate, % of the rate-limit floor's, median (runs ${(100 * Math.min(...rates)).toFixed(1)}–${(100 * Math.max(...rates)).toFixed(1)}%)`,
      value: `${(100 * rate).toFixed(1)}%`,
      target: target === undefined ? 'information (a shortened window)' : `≥ ${Math.round(target * 100)}%`,
      ratio: '—',
      ok: target === undefined || rate >= target,
    },
  ];
}

// ---- driver-cold-start -------------------------------------------------------------------------

const COLD_RUNS = 7;
const COLD_FACTOR = 1.8;

/**
 * A fresh process to its first row: `connect()` + `SELECT * FROM Priorities` through the built
 * library, against a backlog-js script reading the space and the priorities (the same two
 * requests), alternating A B A B on a tiny emulator without latency, medians of COLD_RUNS each.
 * Runs `npm run build` first: the library is measured as users import it, compiled.
 */
export async function benchColdStart(): Promise<BenchRow[]> {
  const root = new URL('..', import.meta.url).pathname;
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  const emu = await startProcess('tiny');
  try {
    const child = new URL('./cold-start-child.mjs', import.meta.url).pathname;
    const once = (variant: string): number => {
      const r = spawnSync(process.execPath, [child, variant, emu.url, emu.apiKey], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`cold start (${variant}) exited ${r.status}: ${r.stderr}`);
      return Number(r.stdout.trim());
    };
    once('sql');
    once('backlog-js');
    const sql: number[] = [];
    const bl: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      sql.push(once('sql'));
      bl.push(once('backlog-js'));
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;
    const a = median(sql);
    const b = median(bl);
    return [
      {
        measure: `cold start to the first row (fresh process, connect + SELECT * FROM Priorities; median of ${COLD_RUNS}) (a) sql / (b) backlog-js`,
        value: `${fmtMs(a)} / ${fmtMs(b)}`,
        target: `(a) ≤ ${COLD_FACTOR}× (b)`,
        ratio: `a/b ${(a / b).toFixed(2)}×`,
        ok: a <= COLD_FACTOR * b,
      },
    ];
  } finally {
    await stopProcess(emu);
  }
}
