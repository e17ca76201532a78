/**
 * Parquet folders as a replication destination (`parquet:folder`): one folder per table, which
 * DuckDB, Trino, Spark and pandas read as a table. A table with a ProjectId column is partitioned
 * by it, Hive-style (`folder/Issues/ProjectId=1/data_0.parquet`: readers take ProjectId from the
 * folder names, and a query on one project reads one folder); others hold `data.parquet`.
 * Parquet files cannot be updated in place, so the rows and checkpoints live in a DuckDB file in
 * the same folder (`_backlog_sql_state.duckdb`), updated incrementally as any DuckDB replica; after
 * a run, the tables that changed are written out with DuckDB's COPY … (FORMAT parquet) to a new
 * folder that then replaces the old one, so a reader never sees a half-written file.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { quoteIdent, quoteLiteral, type Checkpoint, type Destination, type DestinationTx } from './destination.js';
import { DuckDbDestination } from './duckdb-destination.js';

export const PARQUET_STATE_FILE = '_backlog_sql_state.duckdb';

export class ParquetDestination implements Destination {
  private constructor(
    readonly label: string,
    private readonly folder: string,
    private readonly state: DuckDbDestination,
  ) {}

  static async open(folder: string): Promise<ParquetDestination> {
    const root = resolve(folder);
    // A folder replicate creates holds Backlog data: its owner's alone (one that exists keeps its mode).
    mkdirSync(root, { recursive: true, mode: 0o700 });
    const state = await DuckDbDestination.open(join(root, PARQUET_STATE_FILE));
    return new ParquetDestination(`parquet:${root}`, root, state);
  }

  checkpoints(): Promise<Map<string, Checkpoint>> {
    return this.state.checkpoints();
  }

  tables(): Promise<Set<string>> {
    return this.state.tables();
  }

  transaction<T>(fn: (tx: DestinationTx) => Promise<T>): Promise<T> {
    return this.state.transaction(fn);
  }

  query(sql: string): Promise<unknown[][]> {
    return this.state.query(sql);
  }

  /** Write each table's folder anew and swap it in. */
  async publish(tables: readonly string[]): Promise<void> {
    for (const table of tables) {
      const target = join(this.folder, table);
      const next = join(this.folder, `.${table}.new-${process.pid}`);
      const old = join(this.folder, `.${table}.old-${process.pid}`);
      rmSync(next, { recursive: true, force: true });
      const columns = (await this.state.query(`SELECT column_name FROM information_schema.columns WHERE table_name = ${quoteLiteral(table)}`)).map((r) =>
        String(r[0]),
      );
      if (columns.includes('ProjectId')) {
        await this.state.connection.run(
          `COPY (SELECT * FROM ${quoteIdent(table)}) TO ${quoteLiteral(next)} (FORMAT parquet, PARTITION_BY (${quoteIdent('ProjectId')}))`,
        );
        // An empty table writes no folder: readers still find the table's folder.
        mkdirSync(next, { recursive: true });
      } else {
        mkdirSync(next);
        await this.state.connection.run(`COPY (SELECT * FROM ${quoteIdent(table)}) TO ${quoteLiteral(join(next, 'data.parquet'))} (FORMAT parquet)`);
      }
      if (existsSync(target)) renameSync(target, old);
      renameSync(next, target);
      rmSync(old, { recursive: true, force: true });
    }
  }

  close(): Promise<void> {
    return this.state.close();
  }
}
