/**
 * Conformance of the wire server's catalog (ARCHITECTURE.md §12) against a real PostgreSQL of the
 * major version it advertises: Debian's postgresql-15, loaded with the same statements generated
 * from the registry (test/helpers/reference-pg.ts). Every query of the corpus runs on both, as the
 * same user and database, and must give the same columns (names, type OIDs, sizes, modifiers),
 * the same rows (text form) or the same SQLSTATE — modulo version strings.
 *
 * Sources of the corpus (test/pgserver/catalog-corpus.json, one entry per query with its client
 * and source):
 * - psql 15: postgres/postgres src/bin/psql/describe.c and tab-complete.c (REL_15): the queries
 *   psql 15.18 sends for \d, \d+, \dt, \dt+, \dv, \dn, \df, \df+, \l, \du, \dp, \dT, \dx… and for
 *   tab completion, captured from a reference server's statement log (log_statement = all).
 * - pgjdbc 42.5 (Debian libpostgresql-jdbc-java 42.5.5) and 42.7.13: pgjdbc/pgjdbc
 *   PgDatabaseMetaData.java, the queries sent for test/pgserver/CatalogProbe.java (getTables,
 *   getColumns, getPrimaryKeys, getImportedKeys, getExportedKeys, getCrossReference, getIndexInfo,
 *   getProcedures, getProcedureColumns, getFunctions, getSchemas, getCatalogs, getTypeInfo,
 *   getTableTypes, privileges…), captured the same way.
 * - DBeaver: dbeaver/dbeaver plugins/org.jkiss.dbeaver.ext.postgresql (PostgreDataSource,
 *   PostgreDatabase, PostgreSchema table/column/constraint/index/procedure caches).
 * - Metabase: metabase/metabase src/metabase/driver/postgres.clj (table privileges, describe
 *   fields/fks/indexes, time zone) and the pgjdbc calls its sync makes.
 * - Grafana: grafana/grafana public/app/plugins/datasource/grafana-postgresql-datasource (version,
 *   TimescaleDB probe, table and column lists).
 * - node-postgres tools: knex (columnInfo, hasTable, hasColumn), sequelize (showAllTables,
 *   describeTable, foreign keys, indexes), kysely (PostgresIntrospector), pg_tables listings.
 * - session: statements of issue 12 (1/0, overflow, casts to regclass, session functions, errors).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { connect, type Connection } from '../../src/core/connection.js';
import { serve, type PgServer } from '../../src/pgserver/index.js';
import { startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { startReferencePg, type ReferencePg } from '../helpers/reference-pg.js';

interface CorpusEntry {
  client: string;
  source: string;
  sql: string;
  params: (string | null)[];
}

export const CORPUS = JSON.parse(readFileSync(new URL('./catalog-corpus.json', import.meta.url), 'utf8')) as CorpusEntry[];

/** What a client sees of one statement, in comparable form. */
export interface Seen {
  fields?: string[];
  rows?: (string | null)[][];
  error?: string;
}

const raw = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

/** Settings that name the instance itself (its address, folder, logging), not the catalog. */
const INSTANCE_SETTINGS = new Set([
  'listen_addresses',
  'port',
  'unix_socket_directories',
  'unix_socket_permissions',
  'data_directory',
  'config_file',
  'hba_file',
  'ident_file',
  'log_statement',
  'log_line_prefix',
  'log_destination',
]);

/**
 * A value with what may differ between two builds of the same PostgreSQL normalised: version
 * strings, the ids initdb gives its own objects (12000–16383: the number of collations each
 * build imports shifts them; the schema's objects, from 16384 on, must be equal) and on-disk sizes.
 */
function normalise(v: string | null, typeOid: number): string | null {
  if (v === null) return v;
  if (typeOid === 26 && Number(v) >= 12000 && Number(v) < 16384) return '<initdb oid>';
  return v.replace(/PostgreSQL 15\.\d+[^\n|]*/g, 'PostgreSQL <version>').replace(/^\d+ (bytes|kB|MB)$/, '<size>');
}

export async function see(client: pg.Client, sql: string, params: (string | null)[]): Promise<Seen> {
  try {
    const r = await client.query({ text: sql, values: params.length ? params : undefined, rowMode: 'array', types: raw });
    const result = Array.isArray(r) ? (r[r.length - 1] as pg.QueryResult) : r;
    const types = result.fields.map((f) => f.dataTypeID);
    return {
      fields: result.fields.map((f) => `${f.name}:${f.dataTypeID}:${f.dataTypeSize}:${f.dataTypeModifier}`),
      rows: (result.rows as (string | null)[][])
        .filter((row) => !INSTANCE_SETTINGS.has(String(row[0])))
        .map((row) => row.map((v, i) => normalise(v, types[i] ?? 0))),
    };
  } catch (e) {
    return { error: (e as pg.DatabaseError).code ?? String(e) };
  }
}

describe('the wire catalog answers as PostgreSQL 15 does', { timeout: 600_000 }, () => {
  let emu: RunningEmulator;
  let connection: Connection;
  let server: PgServer;
  let reference: ReferencePg;
  const clients: pg.Client[] = [];

  before(async () => {
    emu = await startTestEmulator();
    connection = await connect({ URL: emu.url, ApiKey: emu.apiKey }, { noExternalAccess: true });
    server = await serve({ connection, port: 0 });
    reference = await startReferencePg(connection);
    await reference.addRole('me');
  });

  after(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    await server?.close();
    await reference?.close();
    await connection?.close();
    await emu?.close();
  });

  const open = async (port: number) => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'me', database: 'backlog' });
    await c.connect();
    clients.push(c);
    return c;
  };

  test(`the corpus: ${CORPUS.length} catalog and session queries from ${new Set(CORPUS.map((e) => e.client)).size} clients give PostgreSQL's columns, types and rows`, async () => {
    assert.ok(CORPUS.length >= 150);
    assert.ok(new Set(CORPUS.map((e) => e.client).filter((c) => c !== 'session')).size >= 5);
    const ours = await open(server.port);
    const theirs = await open(reference.port);
    const mismatches: string[] = [];
    let withRows = 0;
    for (const [i, e] of CORPUS.entries()) {
      const [a, b] = [await see(ours, e.sql, e.params), await see(theirs, e.sql, e.params)];
      if ((b.rows?.length ?? 0) > 0) withRows++;
      try {
        assert.deepEqual(a, b);
      } catch {
        const only = (x: Seen, y: Seen) =>
          JSON.stringify(x.rows ? { ...x, rows: x.rows.filter((r) => !y.rows?.some((o) => JSON.stringify(o) === JSON.stringify(r))) } : x).slice(0, 600);
        mismatches.push(`#${i} ${e.client}: ${e.sql.slice(0, 160).replace(/\s+/g, ' ')}\n  ours: ${only(a, b)}\n  real: ${only(b, a)}`);
      }
    }
    assert.deepEqual(mismatches, []);
    // The comparison is not between two empty catalogs.
    assert.ok(withRows > CORPUS.length / 2, `${withRows} queries returned rows`);
  });
});
