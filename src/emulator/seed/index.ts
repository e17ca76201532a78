/**
 * Deterministic seed data: the same seed and scale always give the same space. Shaped like a
 * real team's space rather than uniform noise: projects of different sizes with different
 * features switched on, default and custom statuses, all eight custom field types, users of every
 * role, teams, parent/child issues, comments with change logs, stars, notifications, attachments,
 * shared files, wikis with history and tags, documents, git repositories with pull requests,
 * watchings, activities and recently viewed items, in Japanese and English.
 *
 * At `tiny` scale every collection is non-empty and every optional field is set somewhere, so a
 * driver's every table, view and column can be tested.
 */
import { ActivityType } from '../activity.js';
import type { ResolvedOptions, Scale } from '../options.js';
import { Rng } from '../rng.js';
import { Store } from '../store.js';
import type { CustomFieldRec, CustomValue, DateOnly, IssueRec, ProjectRec, RoleType, UserRec } from '../store.js';
import { DEFAULT_ISSUE_TYPES, DEFAULT_STATUSES } from '../names.js';
import { addDays, dateInZone } from '../time.js';
import { BRANCHES, DOCUMENT_TITLES, REPO_NAMES, WIKI_NAMES, WIKI_TAGS, commentText, issueSummary, paragraph } from './text.js';

/** Seed data is anchored to a fixed instant, not to the clock, so it is reproducible. */
export const SEED_ANCHOR = Date.parse('2026-11-01T03:00:00Z');
const DAY = 86_400_000;

interface ScaleShape {
  issues: number;
  projects: number;
  extraUsers: number;
  teams: number;
  wikisPerProject: number;
  documentsPerProject: number;
  pullRequestsPerRepo: number;
  sharedFilesPerProject: number;
  /** Mean comments per issue. */
  comments: number;
}

export const SCALE_SHAPES: Record<Scale, ScaleShape> = {
  tiny: {
    issues: 50,
    projects: 3,
    extraUsers: 4,
    teams: 2,
    wikisPerProject: 4,
    documentsPerProject: 4,
    pullRequestsPerRepo: 4,
    sharedFilesPerProject: 6,
    comments: 2,
  },
  small: {
    issues: 1000,
    projects: 5,
    extraUsers: 14,
    teams: 3,
    wikisPerProject: 10,
    documentsPerProject: 8,
    pullRequestsPerRepo: 15,
    sharedFilesPerProject: 20,
    comments: 2,
  },
  medium: {
    issues: 10_000,
    projects: 8,
    extraUsers: 34,
    teams: 5,
    wikisPerProject: 30,
    documentsPerProject: 15,
    pullRequestsPerRepo: 60,
    sharedFilesPerProject: 40,
    comments: 1.5,
  },
  large: {
    issues: 100_000,
    projects: 12,
    extraUsers: 74,
    teams: 8,
    wikisPerProject: 60,
    documentsPerProject: 25,
    pullRequestsPerRepo: 200,
    sharedFilesPerProject: 80,
    comments: 1,
  },
};

/** The fixed cast: one user per role, so tests can sign in as each. */
const CAST: { userId: string; name: string; roleType: RoleType; lang: 'ja' | 'en' | null; keyword: string }[] = [
  { userId: 'yamada', name: '山田 太郎', roleType: 1, lang: 'ja', keyword: '山田 太郎 TARO YAMADA' },
  { userId: 'suzuki', name: '鈴木 花子', roleType: 2, lang: 'ja', keyword: '鈴木 花子 HANAKO SUZUKI' },
  { userId: 'tanaka', name: 'Tanaka Ken', roleType: 3, lang: 'en', keyword: 'Tanaka Ken' },
  { userId: 'sato', name: '佐藤 美咲', roleType: 4, lang: 'ja', keyword: '佐藤 美咲 MISAKI SATO' },
  { userId: 'guest.kim', name: 'Kim Minji', roleType: 5, lang: 'en', keyword: 'Kim Minji' },
  { userId: 'guest.lee', name: 'Lee Jun', roleType: 6, lang: null, keyword: 'Lee Jun' },
];
const FIRST_NAMES = ['Aoi', 'Haruto', 'Yui', 'Sota', 'Emily', 'James', '陽菜', '大翔', '結衣', '蓮', 'Olivia', 'Noah', '葵', '湊'];
const LAST_NAMES = ['Ito', 'Watanabe', 'Nakamura', 'Kobayashi', 'Smith', 'Brown', '加藤', '吉田', '山本', '松本', 'Garcia', 'Miller', '井上', '木村'];

interface ProjectPlan {
  key: string;
  name: string;
  weight: number;
  useWiki: boolean;
  useGit: boolean;
  useDocument: boolean;
  useFileSharing: boolean;
  subtasking: boolean;
  grandchild: boolean;
  archived: boolean;
  markdown: boolean;
}

const PROJECT_PLANS: ProjectPlan[] = [
  {
    key: 'WEB',
    name: 'Webサイト刷新',
    weight: 5,
    useWiki: true,
    useGit: true,
    useDocument: true,
    useFileSharing: true,
    subtasking: true,
    grandchild: true,
    archived: false,
    markdown: true,
  },
  {
    key: 'APP',
    name: 'Mobile App',
    weight: 3,
    useWiki: false,
    useGit: true,
    useDocument: true,
    useFileSharing: true,
    subtasking: true,
    grandchild: false,
    archived: false,
    markdown: true,
  },
  {
    key: 'OPS',
    name: '運用チーム',
    weight: 2,
    useWiki: true,
    useGit: false,
    useDocument: false,
    useFileSharing: true,
    subtasking: false,
    grandchild: false,
    archived: false,
    markdown: false,
  },
  {
    key: 'MKT',
    name: 'マーケティング',
    weight: 2,
    useWiki: true,
    useGit: false,
    useDocument: true,
    useFileSharing: false,
    subtasking: true,
    grandchild: false,
    archived: false,
    markdown: false,
  },
  {
    key: 'OLD_SITE',
    name: '旧サイト (archived)',
    weight: 1,
    useWiki: true,
    useGit: true,
    useDocument: false,
    useFileSharing: true,
    subtasking: false,
    grandchild: false,
    archived: true,
    markdown: false,
  },
  {
    key: 'DATA',
    name: 'Data Platform',
    weight: 3,
    useWiki: true,
    useGit: true,
    useDocument: true,
    useFileSharing: false,
    subtasking: true,
    grandchild: true,
    archived: false,
    markdown: true,
  },
  {
    key: 'HR',
    name: '人事・採用',
    weight: 1,
    useWiki: true,
    useGit: false,
    useDocument: true,
    useFileSharing: true,
    subtasking: false,
    grandchild: false,
    archived: false,
    markdown: false,
  },
  {
    key: 'SEC',
    name: 'Security',
    weight: 2,
    useWiki: false,
    useGit: true,
    useDocument: false,
    useFileSharing: false,
    subtasking: true,
    grandchild: false,
    archived: false,
    markdown: true,
  },
  {
    key: 'INFRA',
    name: 'インフラ',
    weight: 2,
    useWiki: true,
    useGit: true,
    useDocument: true,
    useFileSharing: true,
    subtasking: true,
    grandchild: false,
    archived: false,
    markdown: true,
  },
  {
    key: 'SUPPORT',
    name: 'カスタマーサポート',
    weight: 3,
    useWiki: true,
    useGit: false,
    useDocument: true,
    useFileSharing: true,
    subtasking: false,
    grandchild: false,
    archived: false,
    markdown: false,
  },
  {
    key: 'QA',
    name: 'QA',
    weight: 2,
    useWiki: true,
    useGit: true,
    useDocument: false,
    useFileSharing: false,
    subtasking: true,
    grandchild: false,
    archived: false,
    markdown: true,
  },
  {
    key: 'DESIGN',
    name: 'デザイン',
    weight: 1,
    useWiki: true,
    useGit: true,
    useDocument: true,
    useFileSharing: true,
    subtasking: false,
    grandchild: false,
    archived: false,
    markdown: true,
  },
];

/** Statuses whose issues count as closed for the generator (Backlog: "Closed" = 4). */
const CLOSED = 4;

function iso(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

export function seedStore(options: Pick<ResolvedOptions, 'seed' | 'scale' | 'timezone'>): Store {
  const rng = new Rng(options.seed * 7919 + 17);
  const shape = SCALE_SHAPES[options.scale];
  const tz = options.timezone;
  const store = new Store();
  const start = SEED_ANCHOR - 730 * DAY;
  const between = (from: number, to: number) => iso(from + rng.next() * Math.max(0, to - from));
  const dateOf = (ms: number): DateOnly => dateInZone(ms, tz);

  // ---- space and users -------------------------------------------------------------------
  const users: UserRec[] = [];
  const addUser = (userId: string, name: string, roleType: RoleType, lang: 'ja' | 'en' | null, keyword: string) => {
    const id = store.nextId('user');
    const user: UserRec = {
      id,
      userId,
      name,
      roleType,
      lang,
      mailAddress: `${userId}@example.com`,
      password: `pw-${rng.token(10)}`,
      apiKey: rng.token(64),
      nulabAccount: id % 3 === 1 ? { nulabId: rng.token(20), name, uniqueId: userId } : null,
      keyword,
      lastLoginTime: id % 4 === 0 ? null : between(SEED_ANCHOR - 30 * DAY, SEED_ANCHOR),
      created: between(start - 200 * DAY, start),
    };
    store.users.insert(user);
    store.userByApiKey.set(user.apiKey, user.id);
    users.push(user);
    return user;
  };
  for (const c of CAST) addUser(c.userId, c.name, c.roleType, c.lang, c.keyword);
  for (let i = 0; i < shape.extraUsers; i++) {
    const first = FIRST_NAMES[i % FIRST_NAMES.length] as string;
    const last = LAST_NAMES[(i * 5 + 3) % LAST_NAMES.length] as string;
    const ascii = /^[A-Za-z]+$/.test(first) && /^[A-Za-z]+$/.test(last);
    const userId = ascii ? `${first}.${last}${i}`.toLowerCase() : `member${i + 1}`;
    const roleType: RoleType = i % 9 === 8 ? 3 : i % 11 === 10 ? 4 : i === 0 ? 1 : 2;
    addUser(userId, ascii ? `${first} ${last}` : `${last} ${first}`, roleType, i % 2 === 0 ? 'ja' : 'en', `${last} ${first}`);
  }
  const admin = users[0] as UserRec;
  const normal = users[1] as UserRec;
  const reporter = users[2] as UserRec;
  const viewer = users[3] as UserRec;
  const guestReporter = users[4] as UserRec;
  const guestViewer = users[5] as UserRec;
  const staff = users.filter((u) => u.roleType !== 5 && u.roleType !== 6);

  store.space = {
    spaceKey: 'demospace',
    name: 'Demo Space デモ',
    ownerId: admin.id,
    lang: 'ja',
    timezone: tz,
    reportSendTime: '08:00:00',
    textFormattingRule: 'markdown',
    created: start - 300 * DAY,
    updated: SEED_ANCHOR - 10 * DAY,
    notification: { content: 'メンテナンスのお知らせ: 11/15 02:00-04:00 (JST) / Scheduled maintenance.', updated: SEED_ANCHOR - 5 * DAY },
    capacity: 1_073_741_824 * 100,
  };

  // ---- teams -----------------------------------------------------------------------------
  for (let t = 0; t < shape.teams; t++) {
    const members = rng.sample(staff.slice(6), Math.min(staff.length - 6, rng.int(2, 6)));
    if (t === 0) members.unshift(normal);
    store.teams.insert({
      id: store.nextId('team'),
      name: ['開発チーム', 'Design Team', 'サポート', 'Data Team', 'SRE', 'QA Team', '営業', 'Mobile'][t] as string,
      memberIds: [...new Set(members.map((m) => m.id))],
      displayOrder: t === 1 ? null : t,
      createdUserId: admin.id,
      created: between(start, start + 30 * DAY),
      updatedUserId: admin.id,
      updated: between(start + 30 * DAY, SEED_ANCHOR),
    });
  }
  const teams = store.teams.all();

  // ---- projects and their settings --------------------------------------------------------
  const plans = PROJECT_PLANS.slice(0, shape.projects);
  const projects: ProjectRec[] = [];
  const fieldsByProject = new Map<number, CustomFieldRec[]>();
  const statusIdsByProject = new Map<number, number[]>();
  const typeIdsByProject = new Map<number, number[]>();
  const categoryIdsByProject = new Map<number, number[]>();
  const versionIdsByProject = new Map<number, number[]>();
  const membersByProject = new Map<number, UserRec[]>();

  plans.forEach((plan, index) => {
    const id = store.nextId('project');
    const members = new Set<number>([admin.id, normal.id]);
    if (index < 2 || index === 3) members.add(reporter.id);
    if (index !== 1) members.add(viewer.id);
    if (index === 0) members.add(guestReporter.id);
    if (index === 1 || index === 0) members.add(guestViewer.id);
    for (const u of rng.sample(staff.slice(6), Math.ceil((staff.length - 6) * 0.6))) members.add(u.id);
    const project: ProjectRec = {
      id,
      projectKey: plan.key,
      name: plan.name,
      chartEnabled: index % 2 === 0,
      useResolvedForChart: index % 3 === 0,
      subtaskingEnabled: plan.subtasking,
      grandchildIssueEnabled: plan.grandchild,
      projectLeaderCanEditProjectLeader: index === 0,
      useWiki: plan.useWiki,
      useDocument: plan.useDocument,
      useFileSharing: plan.useFileSharing,
      useWikiTreeView: plan.useWiki && index % 2 === 0,
      useSubversion: index === 4,
      useGit: plan.useGit,
      useOriginalImageSizeAtWiki: index === 2,
      textFormattingRule: plan.markdown ? 'markdown' : 'backlog',
      archived: plan.archived,
      displayOrder: index === 0 ? 2147483646 : index,
      useDevAttributes: plan.useGit,
      memberIds: [...members].sort((a, b) => a - b),
      adminIds: index === 0 ? [admin.id, normal.id] : [admin.id],
      teamIds: teams.length > 0 && index % 2 === 0 ? [teams[index % teams.length]!.id] : [],
      nextKeyId: 1,
      created: between(start - 60 * DAY, start),
    };
    store.projects.insert(project);
    projects.push(project);
    const memberUsers = users.filter((u) => members.has(u.id) || project.teamIds.some((t) => store.teams.get(t)?.memberIds.includes(u.id)));
    membersByProject.set(id, memberUsers);

    // Statuses: the four defaults (same ids everywhere) plus custom ones in some projects.
    const statusIds: number[] = [];
    const custom = index === 0 ? ['レビュー待ち', 'Blocked'] : index % 3 === 1 ? ['確認中'] : [];
    let order = 1000;
    const spaceLang = store.space.lang;
    DEFAULT_STATUSES.slice(0, 3).forEach((s) => {
      store.statuses.insert({ id: s.id, projectId: id, name: s.name[spaceLang], localisedName: s.name, color: s.color, displayOrder: order });
      statusIds.push(s.id);
      order += 1000;
    });
    custom.forEach((name, i) => {
      const sid = 4 + store.nextId('customStatus');
      store.statuses.insert({
        id: sid,
        projectId: id,
        name,
        localisedName: null,
        color: ['#e07b9a', '#868cb7', '#3b9dbd'][i % 3] as string,
        displayOrder: order,
      });
      statusIds.push(sid);
      order += 1000;
    });
    const closed = DEFAULT_STATUSES[3]!;
    store.statuses.insert({ id: CLOSED, projectId: id, name: closed.name[spaceLang], localisedName: closed.name, color: closed.color, displayOrder: order });
    statusIds.push(CLOSED);
    statusIdsByProject.set(id, statusIds);

    const typeIds = DEFAULT_ISSUE_TYPES.map((t, i) => {
      const tid = store.nextId('issueType');
      store.issueTypes.insert({
        id: tid,
        projectId: id,
        name: t.name[spaceLang],
        localisedName: t.name,
        color: t.color,
        displayOrder: i,
        templateSummary: i === 1 ? '【不具合】' : null,
        templateDescription: i === 1 ? '## 再現手順\n\n## 期待する結果\n' : null,
      });
      return tid;
    });
    typeIdsByProject.set(id, typeIds);

    const categoryIds = ['フロントエンド', 'Backend', 'インフラ', 'Design'].slice(0, 2 + (index % 3)).map((name, i) => {
      const cid = store.nextId('category');
      store.categories.insert({ id: cid, projectId: id, name, displayOrder: i });
      return cid;
    });
    categoryIdsByProject.set(id, categoryIds);

    const versionIds = ['v1.0', 'v1.1', 'v2.0', '2026年12月リリース'].slice(0, 2 + (index % 3)).map((name, i) => {
      const vid = store.nextId('version');
      const startMs = start + (i * 180 + 30) * DAY;
      store.versions.insert({
        id: vid,
        projectId: id,
        name,
        description: i === 0 ? '' : `${name} のマイルストーン / milestone`,
        startDate: i === 3 ? null : dateOf(startMs),
        releaseDueDate: i === 2 ? null : dateOf(startMs + 150 * DAY),
        archived: i === 0 && index % 2 === 0,
        displayOrder: i,
      });
      return vid;
    });
    versionIdsByProject.set(id, versionIds);

    // Custom fields: all eight types in the first project, a few elsewhere.
    const typesHere: CustomFieldRec['typeId'][] = index === 0 ? [1, 2, 3, 4, 5, 6, 7, 8] : index === 1 ? [1, 3, 5] : index % 2 === 0 ? [4, 6] : [8];
    const fields = typesHere.map((typeId, i) => {
      const fid = store.nextId('customField');
      const isList = typeId >= 5;
      const itemNames =
        typeId === 5
          ? ['Windows', 'macOS', 'Linux']
          : typeId === 6
            ? ['Chrome', 'Firefox', 'Safari', 'Edge']
            : typeId === 7
              ? ['要確認', 'Customer visible', '緊急']
              : ['低', 'Medium', '高'];
      const field: CustomFieldRec = {
        id: fid,
        projectId: id,
        typeId,
        name: ['顧客名', '詳細メモ', '見積金額', 'リリース日', 'OS', 'ブラウザ', 'フラグ', '影響度'][typeId - 1] as string,
        description: i % 2 === 0 ? `${typeId} 型のカスタム属性` : '',
        required: false,
        applicableIssueTypes: typeId === 2 ? [typeIds[1] as number] : [],
        displayOrder: i,
        min: typeId === 3 ? 0 : typeId === 4 ? dateOf(start) : null,
        max: typeId === 3 ? 1_000_000 : typeId === 4 ? dateOf(SEED_ANCHOR + 365 * DAY) : null,
        initialValue: typeId === 3 ? 100 : null,
        unit: typeId === 3 ? '円' : null,
        // A fixed date in the first project, "today + 7 days" in the third, so both shapes exist.
        initialDate: typeId === 4 ? (index === 2 ? { id: 2, shift: 7, date: null } : { id: 3, shift: null, date: dateOf(SEED_ANCHOR) }) : null,
        items: isList ? itemNames.map((name, k) => ({ id: store.nextId('customFieldItem'), name, displayOrder: k })) : [],
        allowAddItem: isList && typeId !== 8,
        allowInput: typeId === 7 || typeId === 8,
      };
      store.customFields.insert(field);
      return field;
    });
    fieldsByProject.set(id, fields);

    if (index % 2 === 0 || index === 1) {
      const whoId = store.nextId('webhook');
      store.webhooks.insert({
        id: whoId,
        projectId: id,
        name: index === 0 ? 'Slack通知' : 'CI trigger',
        description: index === 0 ? '課題の追加と更新を通知' : '',
        hookUrl: `https://hooks.example.com/backlog/${plan.key.toLowerCase()}`,
        allEvent: index !== 0,
        activityTypeIds: index === 0 ? [1, 2, 3] : [],
        createdUserId: admin.id,
        created: between(start, start + 60 * DAY),
        updatedUserId: admin.id,
        updated: between(start + 60 * DAY, SEED_ANCHOR),
      });
    }
  });

  // ---- shared files ------------------------------------------------------------------------
  const filesByProject = new Map<number, number[]>();
  for (const project of projects.filter((p) => p.useFileSharing)) {
    const ids: number[] = [];
    const dirs = ['/', '/仕様書/', '/design/', '/議事録/2026/'];
    for (const dir of dirs.slice(1)) {
      const parts = dir.split('/').filter(Boolean);
      const name = parts.pop() as string;
      const parent = parts.length ? `/${parts.join('/')}/` : '/';
      // Parent directories of nested dirs ("/議事録/") exist too.
      if (parts.length && !store.sharedFiles.all().some((f) => f.projectId === project.id && f.type === 'directory' && f.dir === '/' && f.name === parts[0])) {
        store.sharedFiles.insert({
          id: store.nextId('sharedFile'),
          projectId: project.id,
          type: 'directory',
          dir: '/',
          name: parts[0] as string,
          size: null,
          createdUserId: admin.id,
          created: between(start, start + 10 * DAY),
          updatedUserId: null,
          updated: null,
        });
      }
      store.sharedFiles.insert({
        id: store.nextId('sharedFile'),
        projectId: project.id,
        type: 'directory',
        dir: parent,
        name,
        size: null,
        createdUserId: admin.id,
        created: between(start, start + 10 * DAY),
        updatedUserId: null,
        updated: null,
      });
    }
    for (let i = 0; i < shape.sharedFilesPerProject; i++) {
      const created = between(start, SEED_ANCHOR);
      const id = store.nextId('sharedFile');
      const ext = ['pdf', 'xlsx', 'png', 'docx', 'txt'][i % 5] as string;
      store.sharedFiles.insert({
        id,
        projectId: project.id,
        type: 'file',
        dir: dirs[i % dirs.length] as string,
        name: `${['要件定義', 'mockup', '議事録', 'estimate', 'メモ'][i % 5]}_${i + 1}.${ext}`,
        size: 1024 + ((id * 7919) % 500_000),
        createdUserId: rng.pick(membersByProject.get(project.id) ?? [admin]).id,
        created,
        updatedUserId: i % 3 === 0 ? admin.id : null,
        updated: i % 3 === 0 ? between(created, SEED_ANCHOR) : null,
      });
      ids.push(id);
    }
    filesByProject.set(project.id, ids);
  }

  // ---- issues ----------------------------------------------------------------------------
  const totalWeight = plans.reduce((s, p) => s + p.weight, 0);
  const issuesPerProject = plans.map((p, i) =>
    i === plans.length - 1
      ? shape.issues - plans.slice(0, -1).reduce((s, q) => s + Math.floor((shape.issues * q.weight) / totalWeight), 0)
      : Math.floor((shape.issues * p.weight) / totalWeight),
  );
  // Issues are created in time order across the space, as ids are in Backlog.
  const slots: number[] = [];
  issuesPerProject.forEach((n, i) => {
    for (let k = 0; k < n; k++) slots.push(i);
  });
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [slots[i], slots[j]] = [slots[j] as number, slots[i] as number];
  }
  const issueTimes = slots.map(() => between(start, SEED_ANCHOR - DAY)).sort((a, b) => a - b);
  const issuesByProject = new Map<number, IssueRec[]>();

  slots.forEach((projectIndex, n) => {
    const project = projects[projectIndex] as ProjectRec;
    const members = membersByProject.get(project.id) ?? [admin];
    const writers = members.filter((u) => u.roleType !== 4 && u.roleType !== 6);
    const created = issueTimes[n] as number;
    const updated = rng.bool(0.7) ? between(created, SEED_ANCHOR) : created;
    const statusIds = statusIdsByProject.get(project.id) as number[];
    const roll = rng.next();
    const statusId = roll < 0.3 ? 1 : roll < 0.5 ? 2 : roll < 0.6 ? 3 : roll < 0.9 ? CLOSED : rng.pick(statusIds);
    const typeIds = typeIdsByProject.get(project.id) as number[];
    const issueTypeId = rng.pick(typeIds);
    const startDate = rng.bool(0.5) ? dateOf(created + rng.int(0, 10) * DAY) : null;
    const dueDate = rng.bool(0.6) ? addDays(startDate ?? dateOf(created), rng.int(1, 120)) : null;
    const siblings = issuesByProject.get(project.id) ?? [];
    let parentIssueId: number | null = null;
    if (project.subtaskingEnabled && siblings.length > 3 && rng.bool(0.15)) {
      const parent = siblings[siblings.length - 1 - rng.int(0, Math.min(20, siblings.length - 1))] as IssueRec;
      if (parent.parentIssueId === null || (project.grandchildIssueEnabled && store.issues.get(parent.parentIssueId)?.parentIssueId === null)) {
        parentIssueId = parent.id;
      }
    }
    const id = store.nextId('issue');
    const keyId = project.nextKeyId++;
    const customFields = new Map<number, CustomValue>();
    for (const f of fieldsByProject.get(project.id) ?? []) {
      if (f.applicableIssueTypes.length > 0 && !f.applicableIssueTypes.includes(issueTypeId)) continue;
      if (!rng.bool(0.6)) continue;
      switch (f.typeId) {
        case 1:
          customFields.set(f.id, { kind: 'text', value: rng.pick(['株式会社サンプル', 'Acme Corp', 'ヌーラボ商事', 'Globex']) });
          break;
        case 2:
          customFields.set(f.id, { kind: 'text', value: paragraph(rng, 2) });
          break;
        case 3:
          customFields.set(f.id, { kind: 'number', value: rng.int(1, 5000) * 100 + (rng.bool(0.2) ? 0.5 : 0) });
          break;
        case 4:
          customFields.set(f.id, { kind: 'date', value: dateOf(created + rng.int(5, 200) * DAY) });
          break;
        case 5:
        case 8:
          customFields.set(f.id, { kind: 'items', itemIds: [rng.pick(f.items).id], otherValue: f.typeId === 8 && rng.bool(0.2) ? 'その他の影響' : null });
          break;
        case 6:
        case 7:
          customFields.set(f.id, {
            kind: 'items',
            itemIds: rng.sample(f.items, rng.int(1, 2)).map((i) => i.id),
            otherValue: f.typeId === 7 && rng.bool(0.3) ? 'other: 手動確認' : null,
          });
          break;
      }
    }
    const estimated = rng.bool(0.5) ? rng.int(1, 40) / 2 : null;
    const issue: IssueRec = {
      id,
      projectId: project.id,
      keyId,
      issueTypeId,
      summary: issueSummary(rng),
      description: rng.bool(0.8) ? paragraph(rng) : '',
      resolutionId: statusId === CLOSED || statusId === 3 ? (rng.bool(0.7) ? 0 : rng.int(1, 4)) : null,
      priorityId: rng.pick([2, 3, 3, 3, 4]),
      statusId,
      assigneeId: rng.bool(0.8) ? rng.pick(writers.length ? writers : members).id : null,
      categoryIds: rng.bool(0.5) ? rng.sample(categoryIdsByProject.get(project.id) as number[], rng.int(1, 2)) : [],
      versionIds: rng.bool(0.3) ? [rng.pick(versionIdsByProject.get(project.id) as number[])] : [],
      milestoneIds: rng.bool(0.5) ? [rng.pick(versionIdsByProject.get(project.id) as number[])] : [],
      startDate,
      dueDate,
      estimatedHours: estimated,
      actualHours: estimated !== null && statusId >= 3 && rng.bool(0.7) ? rng.int(1, 60) / 2 : null,
      parentIssueId,
      createdUserId: rng.pick(writers.length ? writers : members).id,
      created,
      updatedUserId: rng.pick(writers.length ? writers : members).id,
      updated,
      customFields,
      attachmentIds: [],
      sharedFileIds: [],
      relatedIssueIds: [],
    };
    store.issues.insert(issue);
    store.issueByKey.set(`${project.projectKey}-${keyId}`, id);
    siblings.push(issue);
    issuesByProject.set(project.id, siblings);
    store.activities.insert({
      id: store.nextId('activity'),
      projectId: project.id,
      type: ActivityType.IssueCreated,
      content: { id, key_id: keyId, summary: issue.summary, description: issue.description },
      createdUserId: issue.createdUserId,
      created,
    });

    if (rng.bool(0.12) || n < 3) {
      const aid = store.nextId('attachment');
      store.attachments.insert({
        id: aid,
        owner: 'issue',
        ownerId: id,
        name: rng.pick(['screenshot.png', 'ログ.txt', 'spec.pdf', 'error.log']),
        size: 2048 + (aid % 90_000),
        data: null,
        createdUserId: issue.createdUserId,
        created,
      });
      issue.attachmentIds.push(aid);
    }
    const files = filesByProject.get(project.id);
    if (files && files.length > 0 && (rng.bool(0.06) || n < 2)) issue.sharedFileIds.push(rng.pick(files));

    // Comments, the first one often carrying a status change log.
    const commentCount = Math.min(6, Math.floor(rng.next() * shape.comments * 2 + (n < 5 ? 2 : 0)));
    let t = created;
    for (let c = 0; c < commentCount; c++) {
      t = between(t, updated > t ? updated : t + DAY);
      const cid = store.nextId('comment');
      const author = rng.pick(writers.length ? writers : members);
      const withChange = c === 0 && statusId !== 1;
      store.comments.insert({
        id: cid,
        projectId: project.id,
        issueId: id,
        content: withChange && rng.bool(0.3) ? null : commentText(rng),
        changeLog: withChange
          ? [{ field: 'status', newValue: String(statusId), originalValue: '1', attachmentInfo: null, attributeInfo: null, notificationInfo: null }]
          : c === 1 && issue.attachmentIds.length > 0
            ? [
                {
                  field: 'attachment',
                  newValue: 'screenshot.png',
                  originalValue: null,
                  attachmentInfo: { id: issue.attachmentIds[0] as number, type: 'file' },
                  attributeInfo: null,
                  notificationInfo: null,
                },
              ]
            : c === 2 && customFields.size > 0
              ? [
                  {
                    field: 'custom_field',
                    newValue: 'Acme Corp',
                    originalValue: null,
                    attachmentInfo: null,
                    attributeInfo: { id: [...customFields.keys()][0] as number, typeId: 1 },
                    notificationInfo: { type: 'issue.update' },
                  },
                ]
              : [],
        createdUserId: author.id,
        created: t,
        updated: rng.bool(0.1) ? between(t, SEED_ANCHOR) : t,
      });
      store.activities.insert({
        id: store.nextId('activity'),
        projectId: project.id,
        type: ActivityType.IssueCommented,
        content: { id, key_id: keyId, summary: issue.summary, description: issue.description, comment: { id: cid, content: commentText(rng) }, changes: [] },
        createdUserId: author.id,
        created: t,
      });
      if (issue.assigneeId && issue.assigneeId !== author.id && rng.bool(0.5)) {
        store.notifications.insert({
          id: store.nextId('notification'),
          userId: issue.assigneeId,
          alreadyRead: rng.bool(0.6),
          resourceAlreadyRead: rng.bool(0.5),
          reason: 2,
          projectId: project.id,
          issueId: id,
          commentId: cid,
          repositoryId: null,
          pullRequestId: null,
          pullRequestCommentId: null,
          senderId: author.id,
          created: t,
        });
      }
      if (rng.bool(0.05) || (n < 4 && c === 0)) {
        store.stars.insert({
          id: store.nextId('star'),
          target: 'comment',
          targetId: cid,
          comment: n === 0 && c === 0 ? '助かりました' : null,
          presenterId: issue.createdUserId,
          receiverId: author.id,
          created: t + 60_000,
        });
      }
    }
    if (issue.assigneeId && rng.bool(0.3)) {
      store.notifications.insert({
        id: store.nextId('notification'),
        userId: issue.assigneeId,
        alreadyRead: rng.bool(0.5),
        resourceAlreadyRead: rng.bool(0.5),
        reason: 1,
        projectId: project.id,
        issueId: id,
        commentId: null,
        repositoryId: null,
        pullRequestId: null,
        pullRequestCommentId: null,
        senderId: issue.createdUserId,
        created,
      });
    }
    if (rng.bool(0.06) || n < 4) {
      store.stars.insert({
        id: store.nextId('star'),
        target: 'issue',
        targetId: id,
        comment: n === 0 ? 'いいね！' : null,
        presenterId: rng.pick(members).id,
        receiverId: issue.createdUserId,
        created: updated,
      });
    }
  });

  // Related issues: a few links between issues of the same project (stored on both sides).
  for (const list of issuesByProject.values()) {
    for (let k = 0; k + 1 < list.length && k < Math.max(2, list.length / 40); k += 1) {
      const a = rng.pick(list);
      const b = rng.pick(list);
      if (a.id === b.id || a.relatedIssueIds.includes(b.id)) continue;
      a.relatedIssueIds.push(b.id);
      b.relatedIssueIds.push(a.id);
    }
  }

  // ---- watchings and recently viewed ---------------------------------------------------------
  for (const user of users) {
    const visible = projects.filter((p) => user.roleType === 1 || (membersByProject.get(p.id) ?? []).some((m) => m.id === user.id));
    const pool = visible.flatMap((p) => (issuesByProject.get(p.id) ?? []).slice(-40));
    if (pool.length === 0) continue;
    const watched = rng.sample(pool, Math.min(pool.length, user.id <= 6 ? 4 : rng.int(0, 3)));
    for (const issue of watched) {
      const created = between(issue.created, SEED_ANCHOR);
      store.watchings.insert({
        id: store.nextId('watching'),
        userId: user.id,
        issueId: issue.id,
        note: rng.bool(0.5) ? 'リリース前に確認' : '',
        resourceAlreadyRead: rng.bool(0.5),
        lastContentUpdated: issue.updated,
        created,
        updated: between(created, SEED_ANCHOR),
      });
    }
    for (const issue of rng.sample(pool, Math.min(pool.length, 6))) {
      store.recentlyViewed.push({ userId: user.id, kind: 'issue', targetId: issue.id, updated: between(SEED_ANCHOR - 20 * DAY, SEED_ANCHOR) });
    }
    for (const p of visible.slice(0, 3)) {
      store.recentlyViewed.push({ userId: user.id, kind: 'project', targetId: p.id, updated: between(SEED_ANCHOR - 20 * DAY, SEED_ANCHOR) });
    }
  }

  // ---- wikis -----------------------------------------------------------------------------
  for (const project of projects.filter((p) => p.useWiki)) {
    const members = membersByProject.get(project.id) ?? [admin];
    const tagIds = WIKI_TAGS.map((name) => store.wikiTags.insert({ id: store.nextId('wikiTag'), projectId: project.id, name }).id);
    for (let w = 0; w < shape.wikisPerProject; w++) {
      const id = store.nextId('wiki');
      const created = between(start, SEED_ANCHOR - 20 * DAY);
      const updated = between(created, SEED_ANCHOR);
      const name = w < WIKI_NAMES.length ? (WIKI_NAMES[w] as string) : `メモ/${w}`;
      const author = rng.pick(members);
      const editor = rng.pick(members);
      const content = `# ${name}\n\n${paragraph(rng, 3)}`;
      store.wikis.insert({
        id,
        projectId: project.id,
        name,
        content,
        tagIds: w === 0 ? [] : rng.sample(tagIds, rng.int(1, 2)),
        attachmentIds: [],
        sharedFileIds: [],
        createdUserId: author.id,
        created,
        updatedUserId: editor.id,
        updated,
      });
      const versions = 1 + (w % 3);
      for (let v = 1; v <= versions; v++) {
        store.wikiHistory.insert({
          id: store.nextId('wikiHistory'),
          pageId: id,
          version: v,
          name,
          content: v === versions ? content : `# ${name}\n\n(draft ${v})`,
          createdUserId: v === 1 ? author.id : editor.id,
          created: v === versions ? updated : between(created, updated),
        });
      }
      store.activities.insert({
        id: store.nextId('activity'),
        projectId: project.id,
        type: ActivityType.WikiCreated,
        content: { id, name, content: '', diff: '', version: 1, attachments: [], shared_files: [] },
        createdUserId: author.id,
        created,
      });
      const wiki = store.wikis.get(id)!;
      if (w % 3 === 1) {
        const aid = store.nextId('attachment');
        store.attachments.insert({
          id: aid,
          owner: 'wiki',
          ownerId: id,
          name: 'diagram.png',
          size: 40_000 + aid,
          data: null,
          createdUserId: author.id,
          created,
        });
        wiki.attachmentIds.push(aid);
      }
      const files = filesByProject.get(project.id);
      if (files && files.length > 0 && w % 4 === 2) {
        wiki.sharedFileIds.push(rng.pick(files));
        // The project's first file was replaced once (i % 3 === 0 above): linked, it shows an updater.
        const replaced = files[0] as number;
        if (w === 2 && !wiki.sharedFileIds.includes(replaced)) wiki.sharedFileIds.push(replaced);
      }
      if (w % 3 === 0)
        store.stars.insert({
          id: store.nextId('star'),
          target: 'wiki',
          targetId: id,
          comment: w === 0 ? 'わかりやすい！' : null,
          presenterId: rng.pick(members).id,
          receiverId: author.id,
          created: updated,
        });
      if (w < 2) {
        for (const u of members.slice(0, 3))
          store.recentlyViewed.push({ userId: u.id, kind: 'wiki', targetId: id, updated: between(SEED_ANCHOR - 10 * DAY, SEED_ANCHOR) });
      }
    }
  }

  // ---- documents -------------------------------------------------------------------------
  for (const project of projects.filter((p) => p.useDocument)) {
    const members = membersByProject.get(project.id) ?? [admin];
    const ids: string[] = [];
    for (let d = 0; d < shape.documentsPerProject; d++) {
      const id = rng.hex(32);
      const created = between(start, SEED_ANCHOR - DAY);
      const title = d < DOCUMENT_TITLES.length ? (DOCUMENT_TITLES[d] as string) : `ドキュメント ${d + 1}`;
      const plain = paragraph(rng, 2);
      const author = rng.pick(members);
      store.documents.insert({
        id,
        projectId: project.id,
        title,
        plain,
        json: JSON.stringify({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: plain }] }] }),
        statusId: d % 4 === 3 ? 2 : 1,
        emoji: d % 3 === 0 ? '📘' : null,
        parentId: d >= 2 && d % 2 === 0 ? (ids[0] ?? null) : null,
        displayOrder: d,
        tags: d % 2 === 1 ? [{ id: d + 1, name: d % 4 === 1 ? '仕様' : 'draft' }] : [],
        attachmentIds: [],
        trashed: d === shape.documentsPerProject - 1,
        createdUserId: author.id,
        created,
        updatedUserId: rng.pick(members).id,
        updated: between(created, SEED_ANCHOR),
      });
      if (d === 1) {
        const aid = store.nextId('attachment');
        store.attachments.insert({
          id: aid,
          owner: 'document',
          ownerId: id,
          name: '図1.png',
          size: 12_345 + aid,
          data: null,
          createdUserId: author.id,
          created,
        });
        store.documents.get(id)!.attachmentIds.push(aid);
      }
      if (d < 2) {
        const cid = rng.hex(32);
        const commenter = rng.pick(members);
        store.documentComments.insert({
          id: cid,
          documentId: id,
          commentId: null,
          content: JSON.stringify({ type: 'doc', content: [] }),
          plain: commentText(rng),
          createdUserId: commenter.id,
          created: created + DAY,
          updatedUserId: commenter.id,
          updated: created + DAY,
        });
        const rid = rng.hex(32);
        store.documentComments.insert({
          id: rid,
          documentId: id,
          commentId: cid,
          content: JSON.stringify({ type: 'doc', content: [] }),
          plain: commentText(rng),
          createdUserId: author.id,
          created: created + 2 * DAY,
          updatedUserId: author.id,
          updated: created + 2 * DAY,
        });
        // The author hears of the comment (reason 14), the commenter of the reply (reason 15).
        const notify = (userId: number, senderId: number, reason: number, commentId: string, at: number) =>
          store.notifications.insert({
            id: store.nextId('notification'),
            userId,
            alreadyRead: d === 1,
            resourceAlreadyRead: d === 1,
            reason,
            projectId: project.id,
            issueId: null,
            commentId: null,
            repositoryId: null,
            pullRequestId: null,
            pullRequestCommentId: null,
            documentId: id,
            documentCommentId: commentId,
            senderId,
            created: at,
          });
        notify(author.id, commenter.id, 14, cid, created + DAY);
        notify(commenter.id, author.id, 15, rid, created + 2 * DAY);
      }
      ids.push(id);
    }
  }

  // ---- git repositories and pull requests ---------------------------------------------------
  for (const project of projects.filter((p) => p.useGit)) {
    const members = (membersByProject.get(project.id) ?? [admin]).filter((u) => u.roleType === 1 || u.roleType === 2);
    const projectIssues = issuesByProject.get(project.id) ?? [];
    const repoCount = project.id === projects[0]?.id ? 3 : rng.int(1, 2);
    for (let r = 0; r < repoCount; r++) {
      const id = store.nextId('repository');
      const created = between(start, start + 60 * DAY);
      store.repositories.insert({
        id,
        projectId: project.id,
        name: REPO_NAMES[(r + project.id) % REPO_NAMES.length] as string,
        description: r === 0 ? 'メインリポジトリ / main repository' : '',
        hookUrl: r === 0 ? 'https://ci.example.com/hook' : null,
        displayOrder: r,
        pushedAt: r === repoCount - 1 && r > 0 ? null : between(SEED_ANCHOR - 30 * DAY, SEED_ANCHOR),
        createdUserId: admin.id,
        created,
        updatedUserId: admin.id,
        updated: between(created, SEED_ANCHOR),
      });
      for (let k = 1; k <= shape.pullRequestsPerRepo; k++) {
        const prId = store.nextId('pullRequest');
        const prCreated = between(created, SEED_ANCHOR - DAY);
        const statusId = (k % 3 === 0 ? 3 : k % 4 === 2 ? 2 : 1) as 1 | 2 | 3;
        const closed = statusId === 1 ? null : between(prCreated, SEED_ANCHOR);
        const author = rng.pick(members);
        store.pullRequests.insert({
          id: prId,
          projectId: project.id,
          repositoryId: id,
          number: k,
          summary: issueSummary(rng),
          description: paragraph(rng),
          base: 'main',
          branch: BRANCHES[k % BRANCHES.length] as string,
          statusId,
          assigneeId: rng.bool(0.7) ? rng.pick(members).id : null,
          issueId: projectIssues.length && rng.bool(0.6) ? rng.pick(projectIssues).id : null,
          baseCommit: rng.hex(40),
          branchCommit: rng.hex(40),
          mergeCommit: statusId === 3 ? rng.hex(40) : null,
          closeAt: statusId === 2 ? closed : null,
          mergeAt: statusId === 3 ? closed : null,
          attachmentIds: [],
          createdUserId: author.id,
          created: prCreated,
          updatedUserId: rng.pick(members).id,
          updated: closed ?? between(prCreated, SEED_ANCHOR),
        });
        store.activities.insert({
          id: store.nextId('activity'),
          projectId: project.id,
          type: ActivityType.PullRequestAdded,
          content: {
            id: prId,
            number: k,
            summary: '',
            description: '',
            comment: null,
            changes: [],
            issue: null,
            repository: { id, name: '', description: '' },
          },
          createdUserId: author.id,
          created: prCreated,
        });
        if (k % 4 === 1) {
          const aid = store.nextId('attachment');
          store.attachments.insert({
            id: aid,
            owner: 'pullRequest',
            ownerId: prId,
            name: 'diff.patch',
            size: 3000 + aid,
            data: null,
            createdUserId: author.id,
            created: prCreated,
          });
          store.pullRequests.get(prId)!.attachmentIds.push(aid);
        }
        const comments = k % 2 === 0 ? 0 : rng.int(1, 3);
        for (let c = 0; c < comments; c++) {
          const pcid = store.nextId('pullRequestComment');
          const commenter = rng.pick(members);
          const t = between(prCreated, closed ?? SEED_ANCHOR);
          store.pullRequestComments.insert({
            id: pcid,
            pullRequestId: prId,
            content: commentText(rng),
            changeLog: c === 0 && statusId !== 1 ? [{ field: 'status', newValue: statusId === 3 ? 'Merged' : 'Closed', originalValue: 'Open' }] : [],
            createdUserId: commenter.id,
            created: t,
            updated: t,
          });
          if (commenter.id !== author.id) {
            store.notifications.insert({
              id: store.nextId('notification'),
              userId: author.id,
              alreadyRead: rng.bool(0.5),
              resourceAlreadyRead: rng.bool(0.5),
              reason: 11,
              projectId: project.id,
              issueId: null,
              commentId: null,
              repositoryId: id,
              pullRequestId: prId,
              pullRequestCommentId: pcid,
              senderId: commenter.id,
              created: t,
            });
          }
          if (c === 0 && k <= 3)
            store.stars.insert({
              id: store.nextId('star'),
              target: 'pullRequestComment',
              targetId: pcid,
              comment: k === 1 ? '参考になりました' : null,
              presenterId: author.id,
              receiverId: commenter.id,
              created: t + 60_000,
            });
        }
        if (k === 1)
          store.stars.insert({
            id: store.nextId('star'),
            target: 'pullRequest',
            targetId: prId,
            comment: 'LGTM',
            presenterId: admin.id,
            receiverId: author.id,
            created: prCreated + DAY,
          });
      }
    }
  }

  // Seeded notifications and activities arrive in time order, like ids on Backlog.
  sortById(store.notifications, (n) => n.created, 'notification', store);
  sortById(store.activities, (a) => a.created, 'activity', store);
  sortById(store.stars, (s) => s.created, 'star', store);

  // ---- OAuth app -------------------------------------------------------------------------
  store.oauthApps.set(SEEDED_OAUTH_CLIENT_ID, {
    clientId: SEEDED_OAUTH_CLIENT_ID,
    clientSecret: rng.token(48),
    name: 'backlog-sql (emulator demo app)',
    description: 'Seeded app for the desktop flow (http://localhost:33333) and the example web app.',
    siteUrl: 'http://localhost:33333',
    redirectUris: ['http://localhost:33333', 'http://localhost:8770/callback'],
    created: start,
  });
  return store;
}

/** The seeded OAuth app's client id (its secret is seeded from the seed number). */
export const SEEDED_OAUTH_CLIENT_ID = 'backlogsqldemoapp0000000000000001';

/** Renumber a seeded collection so ids increase with time, as on Backlog. */
function sortById<T extends { id: number }>(
  table: { rows: T[]; all(): readonly T[]; delete(id: number): T | undefined; insert(row: T): T },
  time: (row: T) => number,
  sequence: string,
  store: Store,
): void {
  const rows = [...table.all()].sort((a, b) => time(a) - time(b) || a.id - b.id);
  for (const row of rows) table.delete(row.id);
  table.all();
  let id = 0;
  for (const row of rows) {
    row.id = ++id;
    table.insert(row);
  }
  store.bumpSequence(sequence, id);
}
