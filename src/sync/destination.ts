/**
 * Where replication writes (ARCHITECTURE.md §12, "Replication"): a DuckDB file, a PostgreSQL
 * database, or Parquet folders. Every destination speaks the same small SQL (double-quoted
 * identifiers, `IN` lists, `CAST(… AS TIMESTAMPTZ)`), so the sync core (./run.ts) is written once.
 *
 * Each table is written in one transaction together with its checkpoint row in
 * `_backlog_sql_sync`, so a crash leaves every table either as the previous run left it or
 * complete: the destination is never half-updated, and the next run resumes from the checkpoints.
 */
import type { SqlType } from '../schema/types.js';

export interface DestColumn {
  name: string;
  type: SqlType;
}

/** A table as the destination holds it: typed columns and, when the table has one, a primary key. */
export interface DestTable {
  name: string;
  columns: readonly DestColumn[];
  key: readonly string[];
}

/** One row of `_backlog_sql_sync`: how far a table was replicated. */
export interface Checkpoint {
  table: string;
  /** Digest of the table's columns, types and key: a different one means the table is rebuilt. */
  schema: string;
  /** Issues: the largest `updated` seen (ISO 8601); children of Issues: the Issues watermark they cover. */
  watermark: string | null;
  /** Rule-specific state as JSON (the Issues step's ids whose children are still to refresh). */
  state: string | null;
  rows: number;
  /** Backlog requests the last run of this table made. */
  requests: number;
  syncedAt: string;
}

export const CHECKPOINT_TABLE = '_backlog_sql_sync';

export const CHECKPOINT_COLUMNS: readonly DestColumn[] = [
  { name: 'table_name', type: 'VARCHAR' },
  { name: 'schema_digest', type: 'VARCHAR' },
  { name: 'watermark', type: 'VARCHAR' },
  { name: 'state', type: 'VARCHAR' },
  { name: 'row_count', type: 'BIGINT' },
  { name: 'requests', type: 'BIGINT' },
  { name: 'synced_at', type: 'TIMESTAMPTZ' },
];

/** What a table's transaction may do. */
export interface DestinationTx {
  /** Drop (if it exists) and create the table, typed, with its primary key. */
  recreate(table: DestTable): Promise<void>;
  deleteAll(table: string): Promise<void>;
  /** DELETE … WHERE column IN (values): numbers only (ids). */
  deleteWhereIn(table: string, column: string, values: readonly number[]): Promise<void>;
  /** DELETE … WHERE <condition> (a condition built by the sync core, no user text). */
  deleteWhere(table: string, condition: string): Promise<void>;
  insert(table: DestTable, rows: readonly (readonly unknown[])[]): Promise<void>;
  /** A statement built by the sync core from names and quoted literals (no user text). */
  execute(sql: string): Promise<void>;
  /** A query's rows; values as JS numbers, strings, booleans or null (timestamps as ISO text). */
  query(sql: string): Promise<unknown[][]>;
  putCheckpoint(checkpoint: Checkpoint): Promise<void>;
}

export interface Destination {
  /** For progress and errors, without secrets: `postgres://host:5432/db`, `duckdb:/path`. */
  readonly label: string;
  /** The checkpoints of every table replicated so far (creates the checkpoint table when missing). */
  checkpoints(): Promise<Map<string, Checkpoint>>;
  /** Names of the tables that exist in the destination (lower case). */
  tables(): Promise<Set<string>>;
  /** Run `fn` in one transaction: all of it lands, or none. */
  transaction<T>(fn: (tx: DestinationTx) => Promise<T>): Promise<T>;
  /** After a run: Parquet rewrites the files of the tables that changed. */
  publish?(tables: readonly string[]): Promise<void>;
  /** Rows of a query outside any transaction (tests, verification). */
  query(sql: string): Promise<unknown[][]>;
  close(): Promise<void>;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** `CREATE TABLE` text shared by the SQL destinations; `typeName` maps our types to theirs. */
export function createTableSql(table: DestTable, typeName: (t: SqlType) => string): string {
  const cols = table.columns.map((c) => `${quoteIdent(c.name)} ${typeName(c.type)}${table.key.includes(c.name) ? ' NOT NULL' : ''}`);
  if (table.key.length > 0) cols.push(`PRIMARY KEY (${table.key.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE ${quoteIdent(table.name)} (${cols.join(', ')})`;
}

/** The checkpoint table's DDL (no key constraint needed: the core deletes before it inserts). */
export function checkpointTable(): DestTable {
  return { name: CHECKPOINT_TABLE, columns: CHECKPOINT_COLUMNS, key: ['table_name'] };
}

export function checkpointRow(c: Checkpoint): unknown[] {
  return [c.table, c.schema, c.watermark, c.state, c.rows, c.requests, c.syncedAt];
}

export function checkpointFromRow(row: readonly unknown[]): Checkpoint {
  return {
    table: String(row[0]),
    schema: String(row[1]),
    watermark: row[2] === null ? null : String(row[2]),
    state: row[3] === null ? null : String(row[3]),
    rows: Number(row[4]),
    requests: Number(row[5]),
    syncedAt: String(row[6]),
  };
}

/** The checkpoint query, columns in CHECKPOINT_COLUMNS order, synced_at as text. */
export const CHECKPOINT_SELECT = `SELECT table_name, schema_digest, watermark, state, row_count, requests, CAST(synced_at AS VARCHAR) FROM ${quoteIdent(CHECKPOINT_TABLE)}`;
