/**
 * SCRAM-SHA-256 (RFC 5802/7677) as PostgreSQL does it (PG-3..PG-5): verifiers in PostgreSQL's
 * own text form `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (base64), kept in the
 * users file one `name:verifier [readonly]` per line — never a password. An unknown user goes through the
 * same exchange with a mock salt derived from the name and a server secret, and fails with the
 * same error as a wrong password (PostgreSQL's auth-scram.c does the same).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';

export const SCRAM_ITERATIONS = 4096;
const NONCE_BYTES = 18;

export interface Verifier {
  iterations: number;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

const hmac = (key: Buffer, text: string | Buffer) => createHmac('sha256', key).update(text).digest();
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

/** A new verifier for a password (random 16-byte salt). */
export function makeVerifier(password: string, iterations = SCRAM_ITERATIONS, salt: Buffer = randomBytes(16)): Verifier {
  // RFC 7677 asks for SASLprep; PostgreSQL uses the raw bytes when SASLprep fails. We take the
  // NFKC form, which equals SASLprep for every password without control or prohibited characters.
  const salted = pbkdf2Sync(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, 32, 'sha256');
  return { iterations, salt, storedKey: sha256(hmac(salted, 'Client Key')), serverKey: hmac(salted, 'Server Key') };
}

export function formatVerifier(v: Verifier): string {
  return `SCRAM-SHA-256$${v.iterations}:${v.salt.toString('base64')}$${v.storedKey.toString('base64')}:${v.serverKey.toString('base64')}`;
}

export function parseVerifier(text: string): Verifier | undefined {
  const m = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(text.trim());
  if (!m) return undefined;
  const v = {
    iterations: Number(m[1]),
    salt: Buffer.from(m[2] as string, 'base64'),
    storedKey: Buffer.from(m[3] as string, 'base64'),
    serverKey: Buffer.from(m[4] as string, 'base64'),
  };
  return v.iterations >= 1 && v.storedKey.length === 32 && v.serverKey.length === 32 ? v : undefined;
}

export interface UserStore {
  users: Map<string, Verifier>;
  /** Secret for the mock salts of unknown users. */
  secret: Buffer;
  /** Users marked `readonly`: they may only read (no INSERT/UPDATE/DELETE, no writing procedure). */
  readOnly?: ReadonlySet<string>;
}

/** The flags a users-file line may carry after the verifier. */
export const USER_FLAGS = ['readonly'] as const;

/**
 * Parse a users file: `name:SCRAM-SHA-256$…` per line, optionally followed by flags (`readonly`),
 * `#` comments and blank lines ignored.
 * The mock-salt secret is derived from the file's contents: stable across restarts (an unknown
 * user's salt does not change while a real user's stays put) and unguessable without the file.
 */
export function parseUsers(text: string, source = 'users file'): UserStore {
  const users = new Map<string, Verifier>();
  const readOnly = new Set<string>();
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const colon = trimmed.indexOf(':');
    const name = colon > 0 ? trimmed.slice(0, colon) : '';
    const [verifierText = '', ...flags] = colon > 0 ? trimmed.slice(colon + 1).split(/\s+/) : [];
    const verifier = parseVerifier(verifierText);
    if (!name || !verifier) {
      throw new ConfigError(`${source} line ${i + 1} is not 'name:SCRAM-SHA-256$…'`, 'users', {
        hint: "Make each line with 'backlog-sql serve hash-password --user NAME'; plain passwords are not accepted.",
      });
    }
    for (const flag of flags) {
      if (!(USER_FLAGS as readonly string[]).includes(flag.toLowerCase())) {
        // The unknown word is not quoted: it could be a password typed in the wrong place.
        throw new ConfigError(`${source} line ${i + 1}: unknown flag after the verifier`, 'users', {
          hint: `The flags a user may have: ${USER_FLAGS.join(', ')}.`,
        });
      }
      readOnly.add(name);
    }
    users.set(name, verifier);
  });
  return { users, readOnly, secret: createHash('sha256').update('backlog-sql mock salt\0').update(text).digest() };
}

export function readUsersFile(path: string): UserStore {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read the users file ${path}: ${(e as Error).message}`, 'users');
  }
  return parseUsers(text, path);
}

/** The verifier to run the exchange with: the user's, or a mock one that no proof matches. */
function verifierFor(store: UserStore, user: string): { verifier: Verifier; real: boolean } {
  const real = store.users.get(user);
  if (real) return { verifier: real, real: true };
  const salt = hmac(store.secret, `salt\0${user}`).subarray(0, 16);
  return {
    verifier: { iterations: SCRAM_ITERATIONS, salt, storedKey: hmac(store.secret, `stored\0${user}`), serverKey: hmac(store.secret, `server\0${user}`) },
    real: false,
  };
}

export class ScramError extends Error {}

/** One server-side exchange: client-first → server-first, client-final → server-final or failure. */
export class ScramExchange {
  private clientFirstBare = '';
  private serverFirst = '';
  private gs2Header = '';
  private nonce = '';
  private readonly verifier: Verifier;
  private readonly real: boolean;

  constructor(store: UserStore, user: string) {
    ({ verifier: this.verifier, real: this.real } = verifierFor(store, user));
  }

  /** Handle the client-first-message; returns the server-first-message. */
  start(clientFirst: string): string {
    const m = /^([ny]|p=[^,]*),([^,]*),(.*)$/.exec(clientFirst);
    if (!m) throw new ScramError('malformed SCRAM client-first-message');
    if ((m[1] as string).startsWith('p=')) throw new ScramError('channel binding is not supported');
    this.gs2Header = `${m[1]},${m[2]},`;
    this.clientFirstBare = m[3] as string;
    const clientNonce = /(?:^|,)r=([^,]+)/.exec(this.clientFirstBare)?.[1];
    if (!clientNonce) throw new ScramError('SCRAM client-first-message has no nonce');
    this.nonce = clientNonce + randomBytes(NONCE_BYTES).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${this.verifier.salt.toString('base64')},i=${this.verifier.iterations}`;
    return this.serverFirst;
  }

  /** Handle the client-final-message; returns the server-final-message, or undefined when the proof is wrong. */
  finish(clientFinal: string): string | undefined {
    const proofAt = clientFinal.lastIndexOf(',p=');
    if (proofAt < 0) throw new ScramError('SCRAM client-final-message has no proof');
    const withoutProof = clientFinal.slice(0, proofAt);
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
    const attrs = new Map(withoutProof.split(',').map((kv) => [kv.slice(0, 1), kv.slice(2)] as const));
    if (attrs.get('r') !== this.nonce) throw new ScramError('SCRAM nonce mismatch');
    if (attrs.get('c') !== Buffer.from(this.gs2Header).toString('base64')) throw new ScramError('SCRAM channel binding mismatch');
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.verifier.storedKey, authMessage);
    if (proof.length !== clientSignature.length) return undefined;
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = (proof[i] as number) ^ (clientSignature[i] as number);
    const ok = timingSafeEqual(sha256(clientKey), this.verifier.storedKey) && this.real;
    if (!ok) return undefined;
    return `v=${hmac(this.verifier.serverKey, authMessage).toString('base64')}`;
  }
}
