/**
 * Replication (ARCHITECTURE.md §12): copy the space's tables into PostgreSQL, a DuckDB file or
 * Parquet folders, and keep them current incrementally. Used by the REPLICATE statement
 * (src/core/connection.ts) and `backlog-sql replicate` (src/cli/replicate-command.ts).
 */
import type { Destination } from './destination.js';
import type { ReplicaTarget } from './target.js';

export { parseTarget, type ReplicaTarget } from './target.js';
export { replicate, planTables, type ReplicateOptions, type ReplicateProgress, type ReplicateReport, type TableReport, type SyncSource } from './run.js';
export type { Destination } from './destination.js';
export { CHECKPOINT_TABLE } from './destination.js';
export { ruleOf, ISSUE_CHILDREN, SKIPPED } from './rules.js';

/**
 * Open the destination a target names (PostgreSQL's password from PGPASSWORD or ~/.pgpass). The
 * destination modules load only here, so importing the library does not load node-postgres.
 */
export async function openDestination(target: ReplicaTarget, env: NodeJS.ProcessEnv = process.env): Promise<Destination> {
  switch (target.kind) {
    case 'duckdb':
      return (await import('./duckdb-destination.js')).DuckDbDestination.open(target.path);
    case 'parquet':
      return (await import('./parquet-destination.js')).ParquetDestination.open(target.folder);
    case 'postgres':
      return (await import('./postgres-destination.js')).PostgresDestination.open(target, env);
  }
}
