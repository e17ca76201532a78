/**
 * Procedures are declared as data (ARCHITECTURE.md §4), like tables: a name, typed parameters, result
 * columns and a handler. The registry (./index.ts) feeds `EXEC`/`CALL` and the sys_procedures /
 * sys_procedureparameters tables.
 */
import type { ApiClient } from '../api/types.js';
import type { OAuthSession } from '../auth/session.js';
import type { RowEnv } from '../schema/types.js';

/** SQL types of parameters and results (TIMESTAMPTZ results are Dates, as SELECT gives them). */
export type ProcedureType = 'VARCHAR' | 'BIGINT' | 'INTEGER' | 'BOOLEAN' | 'TIMESTAMPTZ';

export interface ProcedureParam {
  name: string;
  type: ProcedureType;
  required: boolean;
  description: string;
  /** Allowed values (shown in docs; checked by the handler). */
  values?: readonly string[];
  default?: string;
}

export interface ProcedureColumn {
  name: string;
  type: ProcedureType;
  description: string;
}

/** What a handler may use. */
export interface ProcedureContext {
  /** Present when the connection signs in with OAuth. */
  oauth: OAuthSession | undefined;
  signal: AbortSignal;
  /** Backlog (requests made on a signed-out connection fail with the provider's "not signed in" error). */
  api: ApiClient;
  /** The space's time zone, for date-only values. */
  env: RowEnv;
  /** The signed-in user (cached per connection). */
  myself(): Promise<{ id: number; userId: string; name: string; roleType: number }>;
  /**
   * True for SQL from remote clients (the pg server): procedures must not read or write local
   * files (PostAttachment's FilePath, DownloadFile's OutputFolder), only base64 content.
   */
  noLocalFiles: boolean;
  /** A note for the statement's stats.warnings (an argument accepted but without effect…). */
  warn?: (message: string) => void;
}

export interface ProcedureDef {
  name: string;
  description: string;
  parameters: readonly ProcedureParam[];
  results: readonly ProcedureColumn[];
  /** True for procedures that work on a signed-out connection (the OAuth ones). */
  signedOut?: boolean;
  /** True for procedures that change Backlog: refused with Readonly=true before any request. */
  writes?: boolean;
  /** Arguments by declared parameter name (already matched case-insensitively and checked for presence). */
  handler(args: Record<string, unknown>, ctx: ProcedureContext): Promise<Record<string, unknown>[]>;
}
