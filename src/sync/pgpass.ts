/**
 * The PostgreSQL destination's password, as libpq finds it: PGPASSWORD, else the password file
 * (PGPASSFILE, else ~/.pgpass; lines `host:port:database:user:password`, `*` matches anything,
 * `\` escapes `:` and `\`; ignored unless only its owner can read it, as libpq does). Never from
 * the command line or the URL (./target.ts refuses a password there).
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface PgLogin {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** Split a .pgpass line into its five fields, honouring `\:` and `\\`. */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (ch === '\\' && i + 1 < line.length) cur += line[++i];
    else if (ch === ':' && out.length < 4) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** The password for this login from a .pgpass text, or undefined. */
export function pgpassLookup(text: string, login: PgLogin): string | undefined {
  const want = [login.host, String(login.port), login.database, login.user];
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const f = fields(raw);
    if (f.length !== 5) continue;
    // libpq: "localhost" also matches a Unix-socket connection; we connect over TCP only.
    if (want.every((w, i) => f[i] === '*' || f[i] === w)) return f[4];
  }
  return undefined;
}

/** Where libpq looks for the password file. */
export function pgpassPath(env: NodeJS.ProcessEnv): string {
  return env.PGPASSFILE || join(env.HOME || homedir(), '.pgpass');
}

/**
 * PGPASSWORD, else the password file's entry, else undefined (a server that trusts the client,
 * or one that will answer "password authentication failed", which the caller explains).
 */
export function findPgPassword(login: PgLogin, env: NodeJS.ProcessEnv): { password: string; from: 'PGPASSWORD' | 'pgpass' } | undefined {
  if (env.PGPASSWORD) return { password: env.PGPASSWORD, from: 'PGPASSWORD' };
  const file = pgpassPath(env);
  try {
    const st = statSync(file);
    // libpq ignores a password file that group or others can read.
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) return undefined;
    const password = pgpassLookup(readFileSync(file, 'utf8'), login);
    return password === undefined ? undefined : { password, from: 'pgpass' };
  } catch {
    return undefined;
  }
}
