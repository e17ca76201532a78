/**
 * The PostgreSQL schema of a connection (ARCHITECTURE.md §12): every table and view of the
 * registry with its columns (custom-field columns included), the types the wire server sends for
 * them, NOT NULL and primary keys from the key columns, foreign keys from `references`, the
 * descriptions as comments, the sys_* tables, and the stored procedures as set-returning
 * functions. The same statements load the catalog engine and, in the tests, the reference
 * PostgreSQL, so both hold the same catalog.
 */
import type { Connection } from '../../core/connection.js';
import type { ProcedureType } from '../../procedures/types.js';
import { OID, pgTypeOf } from '../pgtypes.js';

/** The catalog's owner and bootstrap superuser; wire clients cannot log in as it. */
export const CATALOG_SUPERUSER = 'backlog_sql';

/** What version() adds after PostgreSQL's version number. */
export const VERSION_SUFFIX = ' (backlog-sql: Nulab Backlog over the PostgreSQL protocol; data by DuckDB, catalog by PostgreSQL)';

/** Databases a client may connect to: each holds the schema (it is created in template1 first). */
export const CATALOG_DATABASES = ['backlog', 'postgres', 'template1'] as const;

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** PostgreSQL's type name for what the wire server sends for a DuckDB type. */
export function pgTypeName(duckType: string): string {
  const t = pgTypeOf(duckType);
  switch (t.oid) {
    case OID.bool:
      return 'boolean';
    case OID.int2:
      return 'smallint';
    case OID.int4:
      return 'integer';
    case OID.int8:
      return 'bigint';
    case OID.float4:
      return 'real';
    case OID.float8:
      return 'double precision';
    case OID.numeric:
      return t.modifier > 0 ? `numeric(${(t.modifier - 4) >> 16},${(t.modifier - 4) & 0xffff})` : 'numeric';
    case OID.varchar:
      return 'character varying';
    case OID.date:
      return 'date';
    case OID.timestamp:
      return 'timestamp without time zone';
    case OID.timestamptz:
      return 'timestamp with time zone';
    case OID.json:
      return 'json';
    case OID.uuid:
      return 'uuid';
    default:
      return 'text';
  }
}

const PROC_TYPE: Record<ProcedureType, string> = {
  VARCHAR: 'character varying',
  BIGINT: 'bigint',
  INTEGER: 'integer',
  BOOLEAN: 'boolean',
  TIMESTAMPTZ: 'timestamp with time zone',
};

export interface SchemaColumns {
  /** Table name → its columns in order, with the DuckDB type the library reports. */
  tables: Map<string, { name: string; type: string }[]>;
}

/** The columns of every table the connection has (custom fields and sys_* included). */
export async function schemaColumns(connection: Connection): Promise<SchemaColumns> {
  const described = await connection.query(
    "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' ORDER BY table_name, ordinal_position",
    undefined,
    { rowMode: 'array' },
  );
  const tables = new Map<string, { name: string; type: string }[]>();
  for (const [table, column, type] of described.rows as string[][]) {
    const list = tables.get(table as string) ?? [];
    list.push({ name: column as string, type: type as string });
    tables.set(table as string, list);
  }
  // User-defined views (UserDefinedViews): their columns as DuckDB describes their query (no request).
  for (const view of connection.userViews.list()) {
    const cols = await connection.describe(`SELECT * FROM ${quoteIdent(view.name)}`);
    tables.set(
      view.name,
      cols.map((c) => ({ name: c.name, type: c.type })),
    );
  }
  return { tables };
}

/**
 * The statements that build the schema in a fresh cluster's template1 (run as the superuser),
 * in a fixed order so that two clusters get the same object ids.
 */
export function schemaStatements(connection: Connection, columns: SchemaColumns): string[] {
  const out: string[] = [
    // Clients read the catalog; they create nothing (not even temporary tables) and write nothing.
    'REVOKE ALL ON SCHEMA public FROM PUBLIC',
    'GRANT USAGE ON SCHEMA public TO PUBLIC',
    `COMMENT ON SCHEMA public IS ${quoteLiteral('Backlog tables, views and stored procedures (backlog-sql)')}`,
    // version() answers what we are: the wire server calls this one (built-in functions cannot be replaced).
    `CREATE FUNCTION pg_catalog.version(integer) RETURNS text LANGUAGE sql STABLE AS $$SELECT ${quoteLiteral('PostgreSQL ')} || current_setting('server_version') || ${quoteLiteral(VERSION_SUFFIX)}$$`,
    // pg_backend_pid() answers the pid the client got in BackendKeyData: its engine connection
    // is opened only when first needed, after the login told the client its pid.
    'CREATE FUNCTION pg_catalog.pg_backend_pid(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$SELECT $1$$',
  ];
  const registry = connection.registry;
  const names = [...columns.tables.keys()].sort((a, b) => a.localeCompare(b, 'en'));
  const foreignKeys: string[] = [];
  for (const name of names) {
    const cols = columns.tables.get(name) ?? [];
    const def = registry.table(name);
    const table = quoteIdent(name);
    const userView = connection.userViews.get(name);
    if (userView && !def) {
      out.push(...userViewStatements(name, cols, userView.query));
      continue;
    }
    if (def?.kind === 'view') {
      out.push(`CREATE VIEW public.${table} AS SELECT ${cols.map((c) => `NULL::${pgTypeName(c.type)} AS ${quoteIdent(c.name)}`).join(', ')} WHERE false`);
    } else {
      const keys = def?.columns.filter((c) => c.key).map((c) => c.name) ?? [];
      const body = cols.map((c) => `${quoteIdent(c.name)} ${pgTypeName(c.type)}${keys.includes(c.name) ? ' NOT NULL' : ''}`);
      if (keys.length) body.push(`CONSTRAINT ${quoteIdent(`${name}_pkey`)} PRIMARY KEY (${keys.map(quoteIdent).join(', ')})`);
      out.push(`CREATE TABLE public.${table} (${body.join(', ')})`);
    }
    const kind = def?.kind === 'view' ? 'VIEW' : 'TABLE';
    const privileges =
      def?.kind === 'table' && def.writes
        ? ['SELECT', def.writes.insert && 'INSERT', def.writes.update && 'UPDATE', def.writes.delete && 'DELETE'].filter(Boolean).join(', ')
        : 'SELECT';
    out.push(`GRANT ${privileges} ON public.${table} TO PUBLIC`);
    if (def?.description) out.push(`COMMENT ON ${kind} public.${table} IS ${quoteLiteral(def.description)}`);
    for (const c of def?.columns ?? []) {
      if (c.description && cols.some((x) => x.name === c.name))
        out.push(`COMMENT ON COLUMN public.${table}.${quoteIdent(c.name)} IS ${quoteLiteral(c.description)}`);
    }
    if (def?.kind !== 'table') continue;
    for (const c of def.columns) {
      if (!c.references) continue;
      const [target, column] = c.references.split('.') as [string, string];
      const referenced = registry.table(target);
      // A foreign key needs a table whose primary key is exactly the referenced column.
      const targetKeys = referenced?.columns.filter((x) => x.key).map((x) => x.name) ?? [];
      if (referenced?.kind !== 'table' || targetKeys.length !== 1 || targetKeys[0] !== column) continue;
      foreignKeys.push(
        `ALTER TABLE public.${table} ADD CONSTRAINT ${quoteIdent(`${name}_${c.name}_fkey`)} FOREIGN KEY (${quoteIdent(c.name)}) REFERENCES public.${quoteIdent(referenced.name)} (${quoteIdent(column)})`,
      );
    }
  }
  out.push(...foreignKeys);
  for (const p of [...connection.procedures()].sort((a, b) => a.name.localeCompare(b.name, 'en'))) {
    // A PROCEDURE (prokind 'p'): pgjdbc's getProcedures lists only those, and CALL is how it runs.
    // Its result columns are OUT parameters; PostgreSQL wants them before any defaulted input.
    const input = (x: (typeof p.parameters)[number]) => `IN ${quoteIdent(x.name)} ${PROC_TYPE[x.type]}${x.required ? '' : ' DEFAULT NULL'}`;
    const args = [
      ...p.parameters.filter((x) => x.required).map(input),
      ...p.results
        .filter((r) => !p.parameters.some((x) => x.name.toLowerCase() === r.name.toLowerCase()))
        .map((r) => `OUT ${quoteIdent(r.name)} ${PROC_TYPE[r.type]}`),
      ...p.parameters.filter((x) => !x.required).map(input),
    ];
    const outs = p.results.filter((r) => !p.parameters.some((x) => x.name.toLowerCase() === r.name.toLowerCase()));
    const body = outs.length ? `SELECT ${outs.map((x) => `NULL::${PROC_TYPE[x.type]}`).join(', ')}` : 'SELECT';
    // The body only declares the parameters: calls run through EXEC / CALL on the data engine.
    out.push(`CREATE PROCEDURE public.${quoteIdent(p.name)}(${args.join(', ')}) LANGUAGE sql AS $$${body}$$`);
    out.push(`COMMENT ON PROCEDURE public.${quoteIdent(p.name)} IS ${quoteLiteral(p.description)}`);
  }
  return out;
}

/**
 * A user-defined view in the catalog: its columns as DuckDB describes its query, no rows (the
 * data engine answers it), its query in the comment, readable by every client.
 */
export function userViewStatements(name: string, columns: { name: string; type: string }[], query: string): string[] {
  const view = `public.${quoteIdent(name)}`;
  return [
    `CREATE VIEW ${view} AS SELECT ${columns.map((c) => `NULL::${pgTypeName(c.type)} AS ${quoteIdent(c.name)}`).join(', ')} WHERE false`,
    `COMMENT ON VIEW ${view} IS ${quoteLiteral(`User defined view: ${query}`)}`,
    `GRANT SELECT ON ${view} TO PUBLIC`,
  ];
}

/** After the schema is in template1: the databases clients connect to get it too. */
export const DATABASE_STATEMENTS = [
  'DROP DATABASE postgres',
  'CREATE DATABASE postgres',
  'CREATE DATABASE backlog',
  'REVOKE TEMPORARY ON DATABASE backlog FROM PUBLIC',
  'REVOKE TEMPORARY ON DATABASE postgres FROM PUBLIC',
  'REVOKE TEMPORARY ON DATABASE template1 FROM PUBLIC',
];

/**
 * A role for a wire client's user name: can log in, owns nothing, and its transactions are
 * read-only (the engine also runs each statement in a READ ONLY transaction; as a role setting
 * the reference shows the same transaction_read_only).
 */
export function roleStatement(user: string): string {
  return `CREATE ROLE ${quoteIdent(user)} LOGIN; ALTER ROLE ${quoteIdent(user)} SET default_transaction_read_only = on`;
}

/**
 * The cluster's settings, given to the catalog engine and the reference alike (answers to SHOW
 * and pg_settings are then the same). Small memory; no disk syncs (the cluster is rebuilt at
 * every start and holds only the schema).
 */
export const ENGINE_SETTINGS: Record<string, string> = {
  shared_buffers: '16MB',
  max_connections: '300',
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  autovacuum: 'off',
  max_wal_senders: '0',
  wal_level: 'minimal',
  log_min_messages: 'fatal',
  jit: 'off',
  timezone: 'UTC',
  log_timezone: 'UTC',
  datestyle: 'ISO, MDY',
  lc_messages: 'C',
};

/** initdb's options, the same for the engine and the reference. */
export const INITDB_ARGS = ['-E', 'UTF8', '--locale=C', '--no-sync', '-U', CATALOG_SUPERUSER, '-A', 'password'];
