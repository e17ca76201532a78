/**
 * Emulator options: the CLI flags of ARCHITECTURE.md §9 in camelCase, their defaults and validation.
 */
import { isValidTimeZone } from './time.js';

export const SCALES = ['tiny', 'small', 'medium', 'large'] as const;
export type Scale = (typeof SCALES)[number];

export const REFRESH_ROTATIONS = ['none', 'rotate', 'reuse-detection'] as const;
export type RefreshRotation = (typeof REFRESH_ROTATIONS)[number];

export const PKCE_MODES = ['off', 'optional', 'required'] as const;
export type PkceMode = (typeof PKCE_MODES)[number];

export interface RateLimits {
  read: number;
  update: number;
  search: number;
  icon: number;
}

/** Backlog's documented example limits (backlog-api.md §5). */
export const BACKLOG_RATE_LIMITS: RateLimits = { read: 600, update: 150, search: 150, icon: 60 };

export interface EmulatorOptions {
  host?: string;
  /** 0 = any free port. */
  port?: number;
  seed?: number;
  scale?: Scale;
  /** `backlog` (600/150/150/60), `off`, or `read=N,update=N,search=N,icon=N` (missing ones keep Backlog's). */
  rateLimit?: string;
  /** Seconds per rate-limit window (Backlog: 60). */
  rateWindow?: number;
  /** Access-token lifetime in seconds. */
  tokenTtl?: number;
  refreshRotation?: RefreshRotation;
  pkce?: PkceMode;
  /** The space's IANA time zone. */
  timezone?: string;
  /** Extra delay before every /api/v2 response, in ms (benchmarks). */
  latency?: number;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  seed: number;
  scale: Scale;
  rateLimits: RateLimits | null;
  rateWindow: number;
  tokenTtl: number;
  refreshRotation: RefreshRotation;
  pkce: PkceMode;
  timezone: string;
  latency: number;
}

export class EmulatorOptionError extends Error {
  override name = 'EmulatorOptionError';
}

function positiveInt(name: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new EmulatorOptionError(`--${name} must be an integer of at least ${min}, got ${value}`);
  }
  return value;
}

export function parseRateLimit(text: string): RateLimits | null {
  if (text === 'off') return null;
  if (text === 'backlog') return { ...BACKLOG_RATE_LIMITS };
  const limits = { ...BACKLOG_RATE_LIMITS };
  for (const part of text.split(',')) {
    const [key, value] = part.split('=').map((s) => s.trim());
    if (!key || !(key in limits) || !value || !/^\d+$/.test(value) || Number(value) < 1) {
      throw new EmulatorOptionError(`--rate-limit must be 'backlog', 'off' or a list like 'read=600,update=150,search=150,icon=60'; got '${text}'`);
    }
    limits[key as keyof RateLimits] = Number(value);
  }
  return limits;
}

export function resolveOptions(o: EmulatorOptions = {}): ResolvedOptions {
  const scale = o.scale ?? 'small';
  if (!SCALES.includes(scale)) throw new EmulatorOptionError(`--scale must be one of ${SCALES.join(', ')}, got '${scale}'`);
  const refreshRotation = o.refreshRotation ?? 'reuse-detection';
  if (!REFRESH_ROTATIONS.includes(refreshRotation)) {
    throw new EmulatorOptionError(`--refresh-rotation must be one of ${REFRESH_ROTATIONS.join(', ')}, got '${refreshRotation}'`);
  }
  const pkce = o.pkce ?? 'optional';
  if (!PKCE_MODES.includes(pkce)) throw new EmulatorOptionError(`--pkce must be one of ${PKCE_MODES.join(', ')}, got '${pkce}'`);
  const timezone = o.timezone ?? 'Asia/Tokyo';
  if (!isValidTimeZone(timezone)) throw new EmulatorOptionError(`--timezone must be an IANA time zone such as Asia/Tokyo, got '${timezone}'`);
  const port = o.port ?? 8765;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new EmulatorOptionError(`--port must be 0-65535, got ${port}`);
  return {
    host: o.host ?? '127.0.0.1',
    port,
    seed: positiveInt('seed', o.seed ?? 1, 0),
    scale,
    rateLimits: parseRateLimit(o.rateLimit ?? 'backlog'),
    rateWindow: positiveInt('rate-window', o.rateWindow ?? 60),
    tokenTtl: positiveInt('token-ttl', o.tokenTtl ?? 3600),
    refreshRotation,
    pkce,
    timezone,
    latency: positiveInt('latency', o.latency ?? 0, 0),
  };
}
