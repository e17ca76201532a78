/**
 * Fault injection (ARCHITECTURE.md §9): `POST /_emulator/faults` with
 * `{method, pathPattern, skip, times, action, status?, ms?}`.
 * - `pathPattern` is a JavaScript regular expression tested against the request path
 *   (no query string), e.g. `^/api/v2/issues/\\d+$`.
 * - `method` is an HTTP method or `*` (default).
 * - `skip` lets that many matching requests through first (default 0); `times` is how many
 *   matching requests are then affected (default 1).
 * - `probability` (optional, 0–1): each matching request after `skip` is affected only with
 *   this chance (drawn from a PRNG seeded by the fault's id, so runs repeat), for a steady rate
 *   of faults over a long run (the soak bench).
 * - `action`: `status` answers with `status` (Backlog's error body; 429 with code 13 and
 *   rate-limit headers), `delay` waits `ms` then proceeds, `drop-before` closes the connection
 *   without processing, `drop-after` processes the request, then closes the connection before
 *   the response is sent.
 */

import { Rng } from './rng.js';

export const FAULT_ACTIONS = ['status', 'delay', 'drop-before', 'drop-after'] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];

export interface FaultSpec {
  method: string;
  pathPattern: string;
  skip: number;
  times: number;
  action: FaultAction;
  status?: number;
  ms?: number;
  probability?: number;
}

interface ActiveFault extends FaultSpec {
  rng?: Rng;
  id: number;
  regex: RegExp;
  matched: number;
  fired: number;
}

export class FaultValidationError extends Error {}

export class Faults {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  add(input: unknown): FaultSpec & { id: number } {
    if (typeof input !== 'object' || input === null) throw new FaultValidationError('body must be a JSON object');
    const o = input as Record<string, unknown>;
    const action = o.action;
    if (typeof action !== 'string' || !FAULT_ACTIONS.includes(action as FaultAction)) {
      throw new FaultValidationError(`action must be one of ${FAULT_ACTIONS.join(', ')}`);
    }
    if (typeof o.pathPattern !== 'string' || o.pathPattern === '') throw new FaultValidationError('pathPattern (a regular expression) is required');
    let regex: RegExp;
    try {
      regex = new RegExp(o.pathPattern);
    } catch (e) {
      throw new FaultValidationError(`pathPattern is not a valid regular expression: ${(e as Error).message}`);
    }
    const method = o.method === undefined ? '*' : o.method;
    if (typeof method !== 'string') throw new FaultValidationError('method must be a string');
    const count = (name: string, def: number): number => {
      const v = o[name] ?? def;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new FaultValidationError(`${name} must be a non-negative integer`);
      return v;
    };
    const spec: ActiveFault = {
      id: this.nextId++,
      method: method.toUpperCase(),
      pathPattern: o.pathPattern,
      skip: count('skip', 0),
      times: count('times', 1),
      action: action as FaultAction,
      regex,
      matched: 0,
      fired: 0,
    };
    if (o.probability !== undefined) {
      const p = o.probability;
      if (typeof p !== 'number' || !(p > 0 && p <= 1)) throw new FaultValidationError('probability must be a number above 0 and at most 1');
      spec.probability = p;
      spec.rng = new Rng(spec.id * 7919);
    }
    if (spec.action === 'status') {
      const status = o.status;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
        throw new FaultValidationError('status must be an HTTP error status (400-599) for action "status"');
      }
      spec.status = status;
    }
    if (spec.action === 'delay') {
      const ms = o.ms;
      if (typeof ms !== 'number' || ms < 0 || ms > 600_000) throw new FaultValidationError('ms must be 0-600000 for action "delay"');
      spec.ms = ms;
    }
    this.faults.push(spec);
    return this.describe(spec);
  }

  /** The fault to apply to this request, if any; counts the match. */
  take(method: string, path: string): FaultSpec | null {
    for (const f of this.faults) {
      if (f.method !== '*' && f.method !== method) continue;
      if (!f.regex.test(path)) continue;
      if (f.fired >= f.times) continue;
      f.matched++;
      if (f.matched <= f.skip) continue;
      if (f.rng && f.probability !== undefined && f.rng.next() >= f.probability) continue;
      f.fired++;
      return f;
    }
    return null;
  }

  list(): (FaultSpec & { id: number; matched: number; fired: number })[] {
    return this.faults.map((f) => ({ ...this.describe(f), matched: f.matched, fired: f.fired }));
  }

  clear(): void {
    this.faults = [];
  }

  private describe(f: ActiveFault): FaultSpec & { id: number } {
    const { id, method, pathPattern, skip, times, action, status, ms, probability } = f;
    return {
      id,
      method,
      pathPattern,
      skip,
      times,
      action,
      ...(status !== undefined ? { status } : {}),
      ...(ms !== undefined ? { ms } : {}),
      ...(probability !== undefined ? { probability } : {}),
    };
  }
}
