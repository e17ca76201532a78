/**
 * A PostgreSQL database as a replication destination, through node-postgres. Tables go into the
 * schema of the URL's `schema` parameter (default `public`), typed (bigint, text, numeric,
 * timestamptz…) with their primary keys; each table's rows and checkpoint are written in one
 * transaction. Values are sent as text parameters and cast by the server to the column's type.
 */
import pg from 'pg';
import { AuthError, ConfigError, NetworkError } from '../errors.js';
import type { SqlType } from '../schema/types.js';
import {
  checkpointFromRow,
  checkpointRow,
  checkpointTable,
  CHECKPOINT_SELECT,
  CHECKPOINT_TABLE,
  createTableSql,
  quoteIdent,
  quoteLiteral,
  type Checkpoint,
  type Destination,
  type DestinationTx,
  type DestTable,
} from './destination.js';
import { findPgPassword } from './pgpass.js';
import type { ReplicaTarget } from './target.js';

export function pgType(t: SqlType): string {
  switch (t) {
    case 'BIGINT':
      return 'bigint';
    case 'INTEGER':
      return 'integer';
    case 'VARCHAR':
      return 'text';
    case 'BOOLEAN':
      return 'boolean';
    case 'DECIMAL(18,2)':
      return 'numeric(18,2)';
    case 'DOUBLE':
      return 'double precision';
    case 'DATE':
      return 'date';
    case 'TIMESTAMPTZ':
      return 'timestamptz';
  }
}

class BusyError extends Error {}

/** Parameters per INSERT: PostgreSQL allows 65535. */
const MAX_PARAMS = 30_000;

/** Every value comes back as PostgreSQL's text: the core converts what it reads (counts, ids). */
const TEXT_TYPES = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

function paramValue(type: SqlType, v: unknown): unknown {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return null;
  if (type === 'VARCHAR' && typeof v !== 'string') return JSON.stringify(v);
  if (type === 'BIGINT' || type === 'INTEGER') return String(Math.trunc(Number(v)));
  return v;
}

export class PostgresDestination implements Destination {
  private constructor(
    readonly label: string,
    private readonly client: pg.Client,
    private readonly schema: string,
  ) {}

  static async open(target: Extract<ReplicaTarget, { kind: 'postgres' }>, env: NodeJS.ProcessEnv = process.env): Promise<PostgresDestination> {
    const found = findPgPassword(target, env);
    const sslmode = target.params.sslmode ?? 'prefer';
    const client = new pg.Client({
      host: target.host,
      port: target.port,
      database: target.database,
      user: target.user,
      // A function, so pg never looks for the password itself (its own .pgpass support is deprecated).
      password: async () => found?.password ?? '',
      ssl:
        sslmode === 'disable' || sslmode === 'prefer' || sslmode === 'allow'
          ? false
          : { rejectUnauthorized: sslmode === 'verify-full' || sslmode === 'verify-ca' },
      application_name: target.params.application_name ?? 'backlog-sql replicate',
      types: TEXT_TYPES,
      connectionTimeoutMillis: 15_000,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query("SET TimeZone = 'UTC'");
      const schema = target.params.schema ?? 'public';
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await client.query(`SET search_path = ${quoteIdent(schema)}`);
      // One replicate per schema at a time: two would delete and insert the same keys at once.
      const locked = await client.query({
        text: "SELECT pg_try_advisory_lock(hashtext('backlog-sql replicate'), hashtext($1))",
        values: [schema],
        rowMode: 'array',
      });
      if ((locked.rows[0] as unknown[] | undefined)?.[0] !== 't') {
        throw new BusyError(`another backlog-sql replicate is writing to schema ${schema} of ${target.label}`);
      }
      return new PostgresDestination(target.label, client, schema);
    } catch (e) {
      await client.end().catch(() => undefined);
      if (e instanceof BusyError)
        throw new ConfigError(e.message, 'CacheConnection', {
          hint: 'Wait for it to finish (with --every, runs of one process never overlap), or replicate into another schema (?schema=NAME).',
        });
      const err = e as { code?: string; message?: string };
      if (err.code === '28P01' || err.code === '28000') {
        throw new AuthError(`PostgreSQL at ${target.label} refused the login: ${err.message}`, {
          hint: found
            ? `Check the password from ${found.from === 'PGPASSWORD' ? 'PGPASSWORD' : '~/.pgpass'}.`
            : 'Set PGPASSWORD in the environment or add host:port:database:user:password to ~/.pgpass (mode 0600).',
        });
      }
      // node-postgres fails on its side when the server asks for a password and it has none.
      if (!found && /password/i.test(err.message ?? '')) {
        throw new AuthError(`PostgreSQL at ${target.label} asks for a password, and none was found`, {
          hint: 'Set PGPASSWORD in the environment or add host:port:database:user:password to ~/.pgpass (mode 0600).',
        });
      }
      if (err.code === '3D000')
        throw new ConfigError(`PostgreSQL at ${target.label}: ${err.message}`, 'CacheConnection', {
          hint: 'Create the database first (createdb), or name an existing one in the URL.',
        });
      throw new NetworkError(`cannot reach PostgreSQL at ${target.label}: ${err.message ?? String(e)}`, {
        hint: 'Check the host and port, and that the server accepts TCP connections.',
        cause: e,
      });
    }
  }

  private async rows(sql: string, params?: unknown[]): Promise<unknown[][]> {
    const res = await this.client.query({ text: sql, values: params, rowMode: 'array' });
    return res.rows as unknown[][];
  }

  async tables(): Promise<Set<string>> {
    const rows = await this.rows('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [this.schema]);
    return new Set(rows.map((r) => String(r[0]).toLowerCase()));
  }

  async checkpoints(): Promise<Map<string, Checkpoint>> {
    if (!(await this.tables()).has(CHECKPOINT_TABLE)) await this.client.query(createTableSql(checkpointTable(), pgType));
    const out = new Map<string, Checkpoint>();
    for (const row of await this.rows(
      CHECKPOINT_SELECT.replace('CAST(synced_at AS VARCHAR)', `to_char(synced_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`),
    )) {
      const c = checkpointFromRow(row);
      out.set(c.table.toLowerCase(), c);
    }
    return out;
  }

  private async insert(table: DestTable, rows: readonly (readonly unknown[])[]): Promise<void> {
    const width = table.columns.length;
    const perStatement = Math.max(1, Math.floor(MAX_PARAMS / width));
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      const values: unknown[] = [];
      const tuples = chunk.map((row) => {
        const start = values.length;
        table.columns.forEach((c, j) => values.push(paramValue(c.type, row[j])));
        return `(${table.columns.map((c, j) => `$${start + j + 1}::${pgType(c.type)}`).join(', ')})`;
      });
      await this.client.query(
        `INSERT INTO ${quoteIdent(table.name)} (${table.columns.map((c) => quoteIdent(c.name)).join(', ')}) VALUES ${tuples.join(', ')}`,
        values,
      );
    }
  }

  async transaction<T>(fn: (tx: DestinationTx) => Promise<T>): Promise<T> {
    const c = this.client;
    const tx: DestinationTx = {
      recreate: async (table) => {
        await c.query(`DROP TABLE IF EXISTS ${quoteIdent(table.name)}`);
        await c.query(createTableSql(table, pgType));
      },
      deleteAll: async (table) => void (await c.query(`DELETE FROM ${quoteIdent(table)}`)),
      deleteWhereIn: async (table, column, values) => {
        for (let i = 0; i < values.length; i += 5000) {
          const chunk = values.slice(i, i + 5000).map((v) => String(Math.trunc(v)));
          if (chunk.length > 0) await c.query(`DELETE FROM ${quoteIdent(table)} WHERE ${quoteIdent(column)} IN (${chunk.join(', ')})`);
        }
      },
      deleteWhere: async (table, condition) => void (await c.query(`DELETE FROM ${quoteIdent(table)} WHERE ${condition}`)),
      insert: (table, rows) => this.insert(table, rows),
      execute: async (sql) => void (await c.query(sql)),
      query: (sql) => this.rows(sql),
      putCheckpoint: async (cp) => {
        await c.query(`DELETE FROM ${quoteIdent(CHECKPOINT_TABLE)} WHERE table_name = ${quoteLiteral(cp.table)}`);
        await this.insert(checkpointTable(), [checkpointRow(cp)]);
      },
    };
    await c.query('BEGIN');
    try {
      const result = await fn(tx);
      await c.query('COMMIT');
      return result;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  query(sql: string): Promise<unknown[][]> {
    return this.rows(sql);
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
