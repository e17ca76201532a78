/**
 * Catalog queries from clients (psql's \dt and \d, pgjdbc's DatabaseMetaData, BI schema
 * browsers). They are recognised by shape — they name pg_catalog or information_schema objects —
 * and run on a separate, empty DuckDB instance that mirrors the schema in schema `public`: every
 * table (with its primary key) and view of the registry and the sys_* tables. DuckDB's own
 * pg_catalog views then answer them, after a few PostgreSQL-only spellings are rewritten and the
 * missing pg_* functions are defined as macros. A catalog query DuckDB still cannot run answers
 * with no rows (logged), so a client's optional probes (publications, policies…) do not fail.
 */
import type { Connection } from '../core/connection.js';
import type { ProcedureType } from '../procedures/types.js';
import { createDuck, quoteIdent, quoteLiteral, reportedType, toJs, type DuckDBInstance } from '../sql/duckdb.js';
import type { ServerLog } from './session.js';

export interface CatalogAnswer {
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

const CATALOG_REFERENCE = /\b(pg_catalog\s*\.|information_schema\s*\.|pg_(class|namespace|attribute|type|proc|index|constraint|database|description|settings|roles|user|am|tables|views|inherits|attrdef|tablespace)\b)/i;

/** Procedures get OIDs from here up (DuckDB's own objects stay far below). */
const PROC_OID_BASE = 900_000;

/** PostgreSQL's type names and OIDs for procedure parameters and results. */
const PG_PROC_TYPE: Record<ProcedureType, [string, number]> = {
  VARCHAR: ['character varying', 1043],
  BIGINT: ['bigint', 20],
  INTEGER: ['integer', 23],
  BOOLEAN: ['boolean', 16],
  TIMESTAMPTZ: ['timestamp with time zone', 1184],
};

/** Functions PostgreSQL has and DuckDB lacks, as macros with harmless answers. */
const MACROS = [
  "pg_get_userbyid(id) AS 'backlog'",
  'pg_table_is_visible(id) AS true',
  'pg_type_is_visible(id) AS true',
  "pg_get_indexdef(a, b := 0, c := false) AS ''",
  "pg_get_triggerdef(a, b := false) AS ''",
  // The procedures (main.backlog_procs, below) for psql's \\df; '' for anything else.
  "pg_get_function_arguments(a) AS coalesce((SELECT args FROM main.backlog_procs WHERE oid = a), '')",
  "pg_get_function_result(a) AS coalesce((SELECT result FROM main.backlog_procs WHERE oid = a), '')",
  "pg_get_function_identity_arguments(a) AS coalesce((SELECT args FROM main.backlog_procs WHERE oid = a), '')",
  "pg_get_partkeydef(a) AS NULL",
  "pg_get_statisticsobjdef_columns(a) AS NULL",
  "pg_encoding_to_char(a) AS 'UTF8'",
  "pg_backend_pid() AS 0",
  'pg_get_expr(a, b, c := false) AS NULL',
  // PostgreSQL's names for the OIDs main.pg_attribute reports (below).
  `format_type(t, m) AS CASE
     WHEN t = 1700 AND m > 4 THEN 'numeric(' || ((m - 4) >> 16) || ',' || ((m - 4) & 65535) || ')'
     ELSE CASE t WHEN 20 THEN 'bigint' WHEN 23 THEN 'integer' WHEN 21 THEN 'smallint' WHEN 1043 THEN 'character varying'
       WHEN 25 THEN 'text' WHEN 16 THEN 'boolean' WHEN 701 THEN 'double precision' WHEN 700 THEN 'real' WHEN 1082 THEN 'date'
       WHEN 1184 THEN 'timestamp with time zone' WHEN 1114 THEN 'timestamp without time zone' WHEN 1700 THEN 'numeric'
       WHEN 114 THEN 'json' ELSE 'text' END END`,
  // Only the procedures are visible functions: DuckDB's built-ins and these macros stay out of \\df.
  `pg_function_is_visible(id) AS id >= ${PROC_OID_BASE}`,
  "pg_relation_size(a) AS 0",
  "pg_total_relation_size(a) AS 0",
  "quote_ident(a) AS '\"' || replace(a, '\"', '\"\"') || '\"'",
  "_pg_expandarray(a) AS TABLE SELECT unnest(a) AS x, unnest(generate_series(1, len(a))) AS n",
];

/** Catalog views DuckDB lacks or gives fewer columns: unqualified names find these first. */
const OVERRIDES = [
  'CREATE VIEW main.pg_class AS SELECT *, false AS relforcerowsecurity FROM pg_catalog.pg_class',
  // DuckDB's pg_attribute gives its own type ids and DECIMAL typmods (precision * 1000 + scale);
  // clients join pg_type on PostgreSQL's OIDs and decode PostgreSQL's numeric typmod.
  `CREATE VIEW main.pg_attribute AS SELECT * REPLACE (
     CASE atttypid WHEN 14 THEN 20 WHEN 13 THEN 23 WHEN 12 THEN 21 WHEN 11 THEN 21 WHEN 25 THEN 1043 WHEN 10 THEN 16
       WHEN 21 THEN 1700 WHEN 23 THEN 701 WHEN 22 THEN 700 WHEN 15 THEN 1082 WHEN 32 THEN 1184 WHEN 19 THEN 1114 WHEN 50 THEN 1700 ELSE 25 END AS atttypid,
     CASE WHEN atttypid = 21 AND atttypmod > 0 THEN (((atttypmod // 1000) << 16) | (atttypmod % 1000)) + 4 ELSE -1 END AS atttypmod,
     CASE atttypid WHEN 14 THEN 8 WHEN 13 THEN 4 WHEN 12 THEN 2 WHEN 11 THEN 2 WHEN 10 THEN 1 WHEN 23 THEN 8 WHEN 22 THEN 4 WHEN 15 THEN 4 WHEN 32 THEN 8 WHEN 19 THEN 8 ELSE -1 END AS attlen)
   FROM pg_catalog.pg_attribute`,
  'CREATE TABLE main.pg_inherits (inhrelid BIGINT, inhparent BIGINT, inhseqno INTEGER, inhdetachpending BOOLEAN)',
  'CREATE TABLE main.pg_trigger (oid BIGINT, tgrelid BIGINT, tgname VARCHAR, tgenabled VARCHAR, tgisinternal BOOLEAN, tgparentid BIGINT)',
  'CREATE TABLE main.pg_policy (oid BIGINT, polname VARCHAR, polrelid BIGINT, polcmd VARCHAR, polpermissive BOOLEAN, polroles BIGINT[], polqual VARCHAR, polwithcheck VARCHAR)',
  'CREATE TABLE main.pg_publication (oid BIGINT, pubname VARCHAR, puballtables BOOLEAN)',
  'CREATE TABLE main.pg_publication_rel (oid BIGINT, prpubid BIGINT, prrelid BIGINT)',
  'CREATE TABLE main.pg_statistic_ext (oid BIGINT, stxrelid BIGINT, stxname VARCHAR, stxnamespace BIGINT, stxkind VARCHAR[], stxstattarget INTEGER)',
];

/** PostgreSQL-only spellings → DuckDB's. */
function rewrite(sql: string): string {
  return (
    sql
      // psql lower-cases unquoted patterns; identifiers here are case-insensitive (ARCHITECTURE.md §3).
      .replace(/([\w."]+)\s+OPERATOR\(pg_catalog\.~\)\s+('(?:[^']|'')*')(?:\s+COLLATE\s+pg_catalog\.default)?/gi, "regexp_matches($1, $2, 'i')")
      .replace(/([\w."]+)\s+OPERATOR\(pg_catalog\.!~\)\s+('(?:[^']|'')*')(?:\s+COLLATE\s+pg_catalog\.default)?/gi, "NOT regexp_matches($1, $2, 'i')")
      .replace(/OPERATOR\(pg_catalog\.([^)]+)\)/gi, '$1')
      .replace(/\s+COLLATE\s+pg_catalog\.default/gi, '')
      .replace(/::\s*(?:pg_catalog\.)?(regclass|regtype|regproc|regprocedure|regnamespace|regrole|oid|name)\b/gi, '')
      .replace(/\binformation_schema\._pg_expandarray\b/gi, '_pg_expandarray')
      .replace(/\bpg_catalog\s*\.\s*/gi, '')
  );
}

export class Catalog {
  private duck: Promise<DuckDBInstance> | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly log: ServerLog = () => {},
    /** Throws unless the SQL about to run here is a harmless query (the server's statement policy). */
    private readonly guard: (sql: string) => Promise<void> = async () => {},
  ) {}

  /** Is this a catalog query (answered here, not by the library)? */
  static matches(sql: string): boolean {
    return CATALOG_REFERENCE.test(sql);
  }

  private async build(): Promise<DuckDBInstance> {
    // The library's schema, sys_* tables included, as DuckDB reports it.
    const described = await this.connection.query(
      "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' ORDER BY table_name, ordinal_position",
      undefined,
      { rowMode: 'array' },
    );
    const tables = new Map<string, [string, string][]>();
    for (const [table, column, type] of described.rows as string[][]) {
      const list = tables.get(table as string) ?? [];
      list.push([column as string, type as string]);
      tables.set(table as string, list);
    }
    const duck = await createDuck({ timezone: 'UTC', noExternalAccess: true });
    const conn = await duck.connect();
    try {
      await conn.run('CREATE SCHEMA public');
      await this.createProcedures(conn);
      for (const m of MACROS) await conn.run(`CREATE MACRO ${m}`);
      for (const v of OVERRIDES) await conn.run(v);
      for (const [name, columns] of tables) {
        const def = this.connection.registry.table(name);
        const cols = columns.map(([c, t]) => `${quoteIdent(c)} ${t}`);
        if (def?.kind === 'view') {
          await conn.run(`CREATE VIEW public.${quoteIdent(name)} AS SELECT ${columns.map(([c, t]) => `CAST(NULL AS ${t}) AS ${quoteIdent(c)}`).join(', ')} WHERE false`);
        } else {
          const keys = def?.columns.filter((c) => c.key).map((c) => quoteIdent(c.name)) ?? [];
          await conn.run(`CREATE TABLE public.${quoteIdent(name)} (${cols.join(', ')}${keys.length ? `, PRIMARY KEY (${keys.join(', ')})` : ''})`);
        }
        const description = def?.description;
        if (description) await conn.run(`COMMENT ON ${def?.kind === 'view' ? 'VIEW' : 'TABLE'} public.${quoteIdent(name)} IS ${quoteLiteral(description)}`);
      }
      await conn.run("SET search_path = 'public,main'");
    } finally {
      conn.closeSync();
    }
    return duck;
  }

  /**
   * The stored procedures as PostgreSQL procedures in schema `public` (prokind 'p'), with their
   * descriptions: psql's `\\df` and pgjdbc's `getProcedures` read pg_proc and pg_description.
   */
  private async createProcedures(conn: Awaited<ReturnType<DuckDBInstance['connect']>>): Promise<void> {
    await conn.run('CREATE TABLE main.backlog_procs (oid BIGINT, name VARCHAR, args VARCHAR, result VARCHAR, description VARCHAR, nargs INTEGER, argtypes BIGINT[], argnames VARCHAR[])');
    const procs = this.connection.procedures();
    for (const [i, p] of procs.entries()) {
      const args = p.parameters.map((x) => `${x.name} ${PG_PROC_TYPE[x.type][0]}${x.required ? '' : ' DEFAULT NULL'}`).join(', ');
      const result = `TABLE(${p.results.map((x) => `${x.name} ${PG_PROC_TYPE[x.type][0]}`).join(', ')})`;
      const types = `[${p.parameters.map((x) => PG_PROC_TYPE[x.type][1]).join(', ')}]::BIGINT[]`;
      const names = `[${p.parameters.map((x) => quoteLiteral(x.name)).join(', ')}]::VARCHAR[]`;
      await conn.run(`INSERT INTO main.backlog_procs VALUES (${PROC_OID_BASE + i}, ${quoteLiteral(p.name)}, ${quoteLiteral(args)}, ${quoteLiteral(result)}, ${quoteLiteral(p.description)}, ${p.parameters.length}, ${types}, ${names})`);
    }
    await conn.run(`CREATE VIEW main.pg_proc AS SELECT p.oid, p.name AS proname, (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'public') AS pronamespace,
      10::BIGINT AS proowner, 14::BIGINT AS prolang, 100::FLOAT AS procost, 0::FLOAT AS prorows, 0::BIGINT AS provariadic, 0::BIGINT AS prosupport,
      'p' AS prokind, false AS prosecdef, false AS proleakproof, false AS proisstrict, false AS proretset, 'v' AS provolatile, 'u' AS proparallel,
      p.nargs AS pronargs, 0 AS pronargdefaults, 2249::BIGINT AS prorettype, p.argtypes AS proargtypes, NULL::BIGINT[] AS proallargtypes,
      NULL::VARCHAR[] AS proargmodes, p.argnames AS proargnames, NULL AS proargdefaults, NULL AS protrftypes, NULL AS prosrc, NULL AS probin,
      NULL AS prosqlbody, NULL AS proconfig, NULL AS proacl, false AS proisagg
      FROM main.backlog_procs p`);
    await conn.run(`CREATE VIEW main.pg_description AS SELECT objoid, classoid, objsubid, description FROM pg_catalog.pg_description
      UNION ALL SELECT oid, 1255, 0, description FROM main.backlog_procs`);
  }

  /**
   * pgjdbc's getPrimaryKeys expands `pg_index.indkey` with a set-returning function in the select
   * list, which DuckDB cannot run: answered from the registry's key columns.
   */
  private primaryKeys(sql: string): CatalogAnswer | undefined {
    if (!/_pg_expandarray/i.test(sql) || !/indisprimary/i.test(sql)) return undefined;
    const literal = (column: string) => new RegExp(`\\b${column}\\s*=\\s*'((?:[^']|'')*)'`, 'i').exec(sql)?.[1]?.replaceAll("''", "'");
    const table = literal('ct\\.relname');
    const schema = literal('n\\.nspname');
    const rows: unknown[][] = [];
    if (schema === undefined || schema === 'public') {
      for (const t of this.connection.registry.tables) {
        if (t.kind !== 'table' || (table !== undefined && t.name !== table)) continue;
        t.columns.filter((c) => c.key).forEach((c, i) => rows.push([null, 'public', t.name, c.name, i + 1, `${t.name}_pkey`]));
      }
    }
    return {
      columns: [
        { name: 'table_cat', type: 'VARCHAR' },
        { name: 'table_schem', type: 'VARCHAR' },
        { name: 'table_name', type: 'VARCHAR' },
        { name: 'column_name', type: 'VARCHAR' },
        { name: 'key_seq', type: 'SMALLINT' },
        { name: 'pk_name', type: 'VARCHAR' },
      ],
      rows,
    };
  }

  /** The answer to a catalog query; undefined when `sql` is not one. */
  async answer(sql: string, params: unknown[]): Promise<CatalogAnswer | undefined> {
    // Probes clients send on connecting, which DuckDB would answer with its own names.
    const probe = /^\s*SELECT\s+(?:pg_catalog\.)?(version|current_schema|current_database)\s*\(\s*\)\s*;?\s*$/i.exec(sql)?.[1]?.toLowerCase();
    if (probe) {
      const value = probe === 'version' ? 'PostgreSQL 15.0 (backlog-sql: Nulab Backlog over the PostgreSQL protocol)' : probe === 'current_schema' ? 'public' : 'backlog';
      return { columns: [{ name: probe, type: 'VARCHAR' }], rows: [[value]] };
    }
    if (!Catalog.matches(sql)) return undefined;
    const keys = this.primaryKeys(sql);
    if (keys) return keys;
    const query = rewrite(sql);
    await this.guard(query);
    this.duck ??= this.build();
    const duck = await this.duck;
    const conn = await duck.connect();
    try {
      await conn.run("SET search_path = 'public,main'");
      const reader = await conn.runAndReadAll(query, params.length ? (params as Parameters<typeof conn.runAndReadAll>[1]) : undefined);
      return {
        columns: reader.columnNames().map((name, i) => ({ name, type: reportedType(String(reader.columnTypes()[i])) })),
        rows: reader.getRows().map((r) => r.map(toJs)),
      };
    } catch (e) {
      this.log('warn', `catalog query not understood, answered with no rows: ${(e as Error).message.split('\n')[0] ?? ''}\n${sql}`);
      return { columns: [], rows: [] };
    } finally {
      conn.closeSync();
    }
  }
}
