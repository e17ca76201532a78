/**
 * Procedures are declared as data (DESIGN §4), like tables: a name, typed parameters, result
 * columns and a handler. The registry (./index.ts) feeds `EXEC`/`CALL` and the sys_procedures /
 * sys_procedureparameters tables.
 */
import type { OAuthSession } from '../auth/session.js';

export type ProcedureType = 'VARCHAR' | 'BIGINT' | 'BOOLEAN';

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
}

export interface ProcedureDef {
  name: string;
  description: string;
  parameters: readonly ProcedureParam[];
  results: readonly ProcedureColumn[];
  /** True for procedures that work on a signed-out connection (the OAuth ones). */
  signedOut?: boolean;
  /** Arguments by declared parameter name (already matched case-insensitively and checked for presence). */
  handler(args: Record<string, unknown>, ctx: ProcedureContext): Promise<Record<string, unknown>[]>;
}
