/**
 * The space and its space-wide objects (docs/backlog-api.md §7.2, §7.24, §7.25): the space, its
 * notice, licence, disk usage and the caller's rate-limit budget. Priorities and resolutions are
 * `{id, name}` lists (NamedJson).
 */
import type { FetchContext } from '../types.js';
import { skipForbidden } from './fetch.js';

/** The space (§7.2). */
export interface SpaceJson {
  spaceKey: string;
  name: string;
  ownerId: number;
  lang: string;
  timezone: string;
  reportSendTime: string;
  textFormattingRule: string;
  created: string;
  updated: string;
}

/** The space's notice (§7.2). */
export interface SpaceNoticeJson {
  content: string;
  updated: string | null;
}

/** The licence (§7.25): flags and limits, read by field name. */
export type LicenceJson = Record<string, unknown>;

/** One project's share of the disk usage (§7.24). */
export interface ProjectDiskUsageJson {
  projectId: number;
  issue: number;
  wiki: number;
  document?: number;
  file: number;
  subversion: number;
  git: number;
  gitLFS: number;
}

/** The space's disk usage (§7.24). */
export interface DiskUsageJson {
  capacity: number;
  issue: number;
  wiki: number;
  file: number;
  subversion: number;
  git: number;
  gitLFS: number;
  details: ProjectDiskUsageJson[];
}

/** One request category's budget in GET /rateLimit; `reset` is in epoch seconds. */
export interface RateLimitBudgetJson {
  limit: number;
  remaining: number;
  reset: number;
}

/** GET /rateLimit: the budget per request category (read, update, search, icon). */
export interface RateLimitJson {
  rateLimit: Record<string, RateLimitBudgetJson>;
}

/** GET /space/diskUsage, or null (with a warning) for anyone but an administrator. */
export const diskUsage = (ctx: FetchContext): Promise<DiskUsageJson | null> =>
  skipForbidden(ctx, 'disk usage (administrators only)', () => ctx.api.get<DiskUsageJson>('/space/diskUsage', {}, { signal: ctx.signal }), null);
