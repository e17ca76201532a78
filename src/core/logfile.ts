/**
 * `Logfile` and `Verbosity` (CData's properties): JSON lines appended to a file. The library never
 * writes to the console; this is the one place it writes a log, and only what the API client's
 * events carry (already redacted: no key, token or secret ever reaches them).
 *
 * Verbosity: 1 warnings only, 2 + every request, 3 + retries and rate-limit waits, 4–5 the same
 * (reserved for SQL plans).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ApiEvent } from '../api/client.js';
import type { AuthRefreshEvent } from '../auth/token-provider.js';
import { ConfigError } from '../errors.js';
import { ensurePrivateFile } from '../util/private-files.js';

export interface Logfile {
  api(event: ApiEvent): void;
  /** Token refreshes (`auth.refresh`), at every verbosity: they are rare and matter. */
  auth(event: AuthRefreshEvent): void;
  warning(message: string): void;
}

export function openLogfile(path: string, verbosity: number): Logfile {
  try {
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, '', { mode: 0o600 });
  } catch (e) {
    throw new ConfigError(`cannot write the log file ${path}: ${(e as Error).message}`, 'Logfile', {
      hint: 'Point Logfile at a writable path, or leave it out.',
    });
  }
  // The mode above applies only to a new file: an existing one is made private too.
  ensurePrivateFile(path, 'Logfile');
  const write = (record: Record<string, unknown>) => {
    try {
      appendFileSync(path, JSON.stringify({ time: new Date().toISOString(), ...record }) + '\n');
    } catch {
      // A log that cannot be written must not fail the statement.
    }
  };
  return {
    api(event) {
      if (event.type === 'api.warning' || (event.type === 'api.request' ? verbosity >= 2 : verbosity >= 3)) write(event);
    },
    auth(event) {
      write({ ...event });
    },
    warning(message) {
      write({ type: 'warning', message });
    },
  };
}
