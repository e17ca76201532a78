/**
 * The CData dialect as one rewrite (ARCHITECTURE.md §12), applied wherever a statement is read —
 * the engine (queries and writes) and the wire server's policy — so that what a wire client is
 * admitted for is exactly what the library runs: `T#TEMP` names quoted (./temp-tables.ts), CData's
 * names and TOP (./query-forms.ts),
 * then its function calls (./function-rewrites.ts), which see DuckDB's quoted names.
 */
import { rewriteCdataFunctionCalls } from './function-rewrites.js';
import { rewriteCdataQueryForms } from './query-forms.js';
import { quoteTempNames } from './temp-tables.js';

export function rewriteCdataDialect(sql: string): string {
  return rewriteCdataFunctionCalls(rewriteCdataQueryForms(quoteTempNames(sql)));
}
