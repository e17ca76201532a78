/**
 * Request counts a table declares for the plan (issue 13): `TableDef.requests` gives the number
 * behind its `cost` phrase where the plan can know it without a request — from the pushed filters,
 * the columns read and the space's metadata (SpaceFacts) — and an honest lower bound where it
 * depends on data (pages of matching rows, features turned on per project).
 */
import type { RequestCount } from '../types.js';

/** Exactly `n` requests, as planned. */
export function exactly(n: number, projectList = false): RequestCount {
  return { requests: n, atLeast: n, ...(projectList ? { projectList } : {}) };
}

/** At least `n` requests; the number depends on data. */
export function atLeast(n: number, projectList = false): RequestCount {
  return { requests: undefined, atLeast: n, ...(projectList ? { projectList } : {}) };
}

/** A table read with one request whatever the filters (a space-wide list: Priorities, Space…). */
export const oneRequest = (): RequestCount => exactly(1);
