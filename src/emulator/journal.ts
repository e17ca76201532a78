/**
 * The request journal (ARCHITECTURE.md §9): every request the emulator answered, without secrets, so
 * tests can assert exactly which Backlog calls a query made.
 */

export interface JournalEntry {
  method: string;
  path: string;
  /** Parsed query string without `apiKey`; repeated keys become arrays. */
  query: Record<string, string | string[]>;
  /** Parsed form body, secrets replaced by "***". */
  form: Record<string, string | string[]>;
  status: number;
  category: string | null;
  user: number | null;
  at: string;
  fault: string | null;
  /** The route pattern that matched (null for unknown paths); used by the coverage check. */
  route: string | null;
}

/** Parameter names whose values never reach the journal. */
const SECRET_NAMES = new Set(['apiKey', 'password', 'client_secret', 'code', 'code_verifier', 'refresh_token', 'access_token', 'clientSecret', 'csrf_token']);

export function redactedRecord(params: URLSearchParams, drop: readonly string[] = []): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of new Set(params.keys())) {
    if (drop.includes(name)) continue;
    const values = params.getAll(name).map((v) => (SECRET_NAMES.has(name) ? '***' : v));
    out[name] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}

/** Entries kept at most; the oldest are dropped beyond this (long benchmarks). */
const MAX_ENTRIES = 200_000;

export class Journal {
  private entries: JournalEntry[] = [];

  add(entry: JournalEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  list(): readonly JournalEntry[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
  }
}
