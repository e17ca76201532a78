/**
 * A DuckDB file as a replication destination (`duckdb:path`). DuckDB lets one process open a
 * file read-write, so a second replicate of the same file fails at open with a clear error
 * instead of interleaving writes. Rows go in through the appender into a temporary table and then
 * one INSERT … SELECT, inside the table's transaction.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { closeDuck, createDuck, loadTempTable, toJs, type DuckDBConnection, type DuckDBInstance } from '../sql/duckdb.js';
import {
  checkpointFromRow,
  checkpointRow,
  checkpointTable,
  CHECKPOINT_SELECT,
  CHECKPOINT_TABLE,
  createTableSql,
  quoteIdent,
  type Checkpoint,
  type Destination,
  type DestinationTx,
  type DestTable,
} from './destination.js';

const STAGE = '__backlog_sql_stage';

function jsValue(v: unknown): unknown {
  const js = toJs(v as never);
  return js instanceof Date ? js.toISOString() : js;
}

export class DuckDbDestination implements Destination {
  private constructor(
    readonly label: string,
    /** Undefined for a destination on a borrowed instance (the query cache's attached file: src/cache). */
    private readonly duck: DuckDBInstance | undefined,
    private readonly conn: DuckDBConnection,
    /** Set when this run created the file: it and its write-ahead log are kept private (0600). */
    private readonly privateFile: string | undefined,
  ) {}

  /** The replica holds Backlog data: a file replicate created is its owner's alone, as is its WAL. */
  private keepPrivate(): void {
    if (!this.privateFile || process.platform === 'win32') return;
    for (const f of [this.privateFile, `${this.privateFile}.wal`]) {
      try {
        chmodSync(f, 0o600);
      } catch {
        // the WAL comes and goes with checkpoints
      }
    }
  }

  static async open(path: string, label = `duckdb:${resolve(path)}`): Promise<DuckDbDestination> {
    const file = resolve(path);
    const created = !existsSync(file);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    let duck: DuckDBInstance;
    try {
      duck = await createDuck({ path: file, timezone: 'UTC' });
    } catch (e) {
      const message = (e as Error).message;
      throw new ConfigError(`cannot open the DuckDB file ${file}: ${message.split('\n')[0]}`, 'CacheConnection', {
        hint: /lock/i.test(message)
          ? 'Another process has it open (DuckDB allows one writer): wait for it to finish, or replicate to another file.'
          : 'Check the path and that the folder is writable.',
        cause: e,
      });
    }
    const conn = await duck.connect();
    const dest = new DuckDbDestination(label, duck, conn, created ? file : undefined);
    dest.keepPrivate();
    return dest;
  }

  /**
   * A destination on a connection of an instance someone else owns, whose current schema (USE)
   * holds the tables: the query cache's attached file (src/cache). close() closes only the connection.
   */
  static onConnection(conn: DuckDBConnection, label: string): DuckDbDestination {
    return new DuckDbDestination(label, undefined, conn, undefined);
  }

  private async rows(sql: string): Promise<unknown[][]> {
    const reader = await this.conn.runAndReadAll(sql);
    return reader.getRows().map((r) => r.map(jsValue));
  }

  async tables(): Promise<Set<string>> {
    const rows = await this.rows(
      'SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = current_schema()',
    );
    return new Set(rows.map((r) => String(r[0]).toLowerCase()));
  }

  async checkpoints(): Promise<Map<string, Checkpoint>> {
    if (!(await this.tables()).has(CHECKPOINT_TABLE)) await this.conn.run(createTableSql(checkpointTable(), (t) => t));
    const out = new Map<string, Checkpoint>();
    for (const row of await this.rows(CHECKPOINT_SELECT)) {
      const c = checkpointFromRow(row);
      out.set(c.table.toLowerCase(), c);
    }
    return out;
  }

  async transaction<T>(fn: (tx: DestinationTx) => Promise<T>): Promise<T> {
    const conn = this.conn;
    const insert = async (table: DestTable, rows: readonly (readonly unknown[])[]) => {
      if (rows.length === 0) return;
      await loadTempTable(conn, STAGE, table.columns, rows);
      await conn.run(`INSERT INTO ${quoteIdent(table.name)} SELECT * FROM temp.${quoteIdent(STAGE)}`);
      await conn.run(`DROP TABLE temp.${quoteIdent(STAGE)}`);
    };
    const tx: DestinationTx = {
      recreate: async (table) => {
        await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(table.name)}`);
        await conn.run(createTableSql(table, (t) => t));
      },
      deleteAll: async (table) => void (await conn.run(`DELETE FROM ${quoteIdent(table)}`)),
      deleteWhereIn: async (table, column, values) => {
        for (let i = 0; i < values.length; i += 1000) {
          const chunk = values.slice(i, i + 1000).map((v) => String(Math.trunc(v)));
          if (chunk.length > 0) await conn.run(`DELETE FROM ${quoteIdent(table)} WHERE ${quoteIdent(column)} IN (${chunk.join(', ')})`);
        }
      },
      deleteWhere: async (table, condition) => void (await conn.run(`DELETE FROM ${quoteIdent(table)} WHERE ${condition}`)),
      insert,
      execute: async (sql) => void (await conn.run(sql)),
      query: (sql) => this.rows(sql),
      putCheckpoint: async (c) => {
        await conn.run(`DELETE FROM ${quoteIdent(CHECKPOINT_TABLE)} WHERE table_name = $1`, [c.table]);
        await insert(checkpointTable(), [checkpointRow(c)]);
      },
    };
    await conn.run('BEGIN TRANSACTION');
    try {
      const result = await fn(tx);
      await conn.run('COMMIT');
      this.keepPrivate();
      return result;
    } catch (e) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  query(sql: string): Promise<unknown[][]> {
    return this.rows(sql);
  }

  /** The open instance, for the Parquet destination that stages in a DuckDB file. */
  get connection(): DuckDBConnection {
    return this.conn;
  }

  async close(): Promise<void> {
    if (!this.duck) {
      this.conn.closeSync();
      return;
    }
    try {
      await this.conn.run('CHECKPOINT');
    } catch {
      // a failed checkpoint leaves the WAL, which the next open replays
    }
    this.conn.closeSync();
    closeDuck(this.duck);
  }
}
