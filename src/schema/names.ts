/**
 * The schema-naming rule (ARCHITECTURE.md §12), one for the library, the CLI, the wire and the
 * sys_* tables: every table, view and sys_* table is in schema `public` of database (catalog)
 * `backlog`; a name is written bare or qualified with `public.`.
 */
export const CATALOG_NAME = 'backlog';
export const SCHEMA_NAME = 'public';
