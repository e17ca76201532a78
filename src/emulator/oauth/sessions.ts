/**
 * Browser sessions of the emulator's HTML screens (login, consent, developer applications):
 * an HttpOnly, SameSite=Lax cookie holding a random id that `store.webSessions` maps to a user,
 * and CSRF tokens derived from the session so a form cannot be posted from another site.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Store, UserRec } from '../store.js';

export const SESSION_COOKIE = 'BACKLOG_EMULATOR_SESSION';

/**
 * Per-store secrets and pending authorization requests. Keyed by the Store so that
 * `POST /_emulator/reset` (a new Store) drops them together with the sessions.
 */
interface Runtime {
  csrfKey: Buffer;
  pending: Map<string, PendingAuthorization>;
}

/** An authorization request shown on a consent page and waiting for Allow or Deny. */
export interface PendingAuthorization {
  id: string;
  sessionId: string;
  clientId: string;
  redirectUri: string;
  state: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | null;
  expiresAt: number;
}

const runtimes = new WeakMap<Store, Runtime>();

export function runtime(store: Store): Runtime {
  let r = runtimes.get(store);
  if (!r) {
    r = { csrfKey: randomBytes(32), pending: new Map() };
    runtimes.set(store, r);
  }
  return r;
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Constant-time string comparison (hashing first makes the lengths equal). */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

export interface Session {
  id: string;
  user: UserRec;
}

/** The signed-in user of this browser, if its session cookie is known. */
export function currentSession(store: Store, req: IncomingMessage): Session | null {
  const id = cookies(req).get(SESSION_COOKIE);
  if (!id) return null;
  const userId = store.webSessions.get(id);
  const user = userId === undefined ? undefined : store.users.get(userId);
  return user ? { id, user } : null;
}

/**
 * A new session for a successful login. The id is always fresh (never taken from the request),
 * so a cookie planted before login cannot become a signed-in session (session fixation).
 * No `Secure` attribute: the emulator speaks plain http on loopback.
 */
export function startSession(store: Store, req: IncomingMessage, user: UserRec): { id: string; setCookie: string } {
  const old = cookies(req).get(SESSION_COOKIE);
  if (old) endSession(store, old);
  const id = randomToken(32);
  store.webSessions.set(id, user.id);
  return { id, setCookie: `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax` };
}

export function endSession(store: Store, id: string): string {
  store.webSessions.delete(id);
  const r = runtime(store);
  for (const [key, p] of r.pending) if (p.sessionId === id) r.pending.delete(key);
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}

/** The CSRF token of one form (`purpose`) in one session. */
export function csrfToken(store: Store, sessionId: string, purpose: string): string {
  return createHmac('sha256', runtime(store).csrfKey).update(`${sessionId}\0${purpose}`).digest('base64url');
}

export function validCsrf(store: Store, sessionId: string, purpose: string, presented: string | null): boolean {
  return presented !== null && sameSecret(csrfToken(store, sessionId, purpose), presented);
}

/** Sign-in by user id or mail address and password; the same answer for every failure. */
export function checkLogin(store: Store, login: string, password: string): UserRec | null {
  const wanted = login.trim();
  if (wanted === '' || password === '') return null;
  const user = store.users.all().find((u) => u.userId === wanted || u.mailAddress.toLowerCase() === wanted.toLowerCase());
  if (!user) return null;
  return sameSecret(user.password, password) ? user : null;
}
