/**
 * Creates CData's functions (./functions.ts) as DuckDB macros on an instance, once, when a
 * connection opens (ARCHITECTURE.md §12, dialect layer). They live in the main schema, shared by
 * every statement of the instance — so the wire server's clients call them too, and, like the
 * schema tables, no client can replace them (src/pgserver/policy.ts refuses CREATE / DROP).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { createMacroSql, macroDefinitions } from './functions.js';

/** The statements, built once per process. */
let script: string | undefined;

export async function installCdataFunctions(conn: DuckDBConnection): Promise<void> {
  // One call for all the macros: a round trip per macro would add tens of ms to every connect.
  script ??= macroDefinitions().map(createMacroSql).join(';\n');
  await conn.run(script);
}
