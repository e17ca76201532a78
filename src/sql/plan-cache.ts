/**
 * Read plans kept between runs of the same statement (issue 13, costs): parsing a query's tree
 * and planning it took a tenth of a millisecond of JS per statement, repeated for every run of a
 * program's loop. A plan depends on the statement's text (user-defined views are already
 * expanded in it), the caller's parameter values (a pushed `Id = ?` carries the value), the
 * session's T#TEMP table names (they are local tables, not Backlog's), the space's date when the
 * planner asked for it (CURRENT_DATE in a pushed range) and the connection's options — the last
 * fixed for an engine, which owns one cache. Parameters other than plain scalars (Dates, arrays)
 * are not keyed: such statements are planned every time.
 */
import type { ParamValues } from './analyze.js';
import type { ReadPlan } from './plan.js';

/** Plans kept per engine (least recently used dropped first). */
const SIZE = 256;
/** Longer keys are not kept (large statements are rarely repeated, and their plans are large too). */
const MAX_KEY_CHARS = 16_384;

export interface KeptPlan {
  readonly plan: ReadPlan;
  /** The space's date the plan was made for, when the planner read it. */
  readonly today: string | undefined;
}

export class PlanCache {
  private readonly plans = new Map<string, KeptPlan>();

  get(key: string): KeptPlan | undefined {
    const hit = this.plans.get(key);
    if (hit) {
      // Most recently used last.
      this.plans.delete(key);
      this.plans.set(key, hit);
    }
    return hit;
  }

  set(key: string, kept: KeptPlan): void {
    if (key.length > MAX_KEY_CHARS) return;
    this.plans.set(key, kept);
    if (this.plans.size > SIZE) this.plans.delete(this.plans.keys().next().value as string);
  }
}

/**
 * The key of a statement's plan, or undefined when it cannot be kept. A value's type is part of
 * its key (`1` and `'1'` plan differently).
 */
export function planKey(sql: string, offset: number, params: ParamValues, temps: readonly string[] | undefined): string | undefined {
  let values = '';
  if (params !== undefined && params !== null) {
    const entries = Array.isArray(params) ? params.map((v, i) => [String(i), v] as const) : Object.entries(params);
    for (const [k, v] of entries) {
      const t = v === null ? 'null' : typeof v;
      if (t !== 'null' && t !== 'string' && t !== 'number' && t !== 'boolean' && t !== 'bigint' && t !== 'undefined') return undefined;
      values += `${Array.isArray(params) ? '' : JSON.stringify(k)}${t}:${JSON.stringify(String(v))},`;
    }
    values = `${Array.isArray(params) ? 'a' : 'o'}[${values}]`;
  }
  return `${offset}\u0000${temps === undefined ? '-' : temps.join('\u0001')}\u0000${values}\u0000${sql}`;
}
