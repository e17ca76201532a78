/**
 * The CData dialect as one rewrite (ARCHITECTURE.md §12), applied wherever a statement is read —
 * the engine (queries and writes) and the wire server's policy — so that what a wire client is
 * admitted for is exactly what the library runs: `T#TEMP` names quoted (./temp-tables.ts), CData's
 * names and TOP (./query-forms.ts),
 * then its function calls (./function-rewrites.ts), which see DuckDB's quoted names.
 *
 * The gate (`dialectUse`): most statements use none of the dialect, yet each rewrite used to be
 * called for every statement, each testing its own words. One pass of one pattern over the text
 * now finds every word any of them looks for, and only the rewrites whose words are there run; a
 * plain statement runs none. Each rewrite keeps its own test, so the gate only has to be generous:
 * a word inside a string literal or a comment lets its rewrite run, which then leaves it alone as
 * it always did. The same pass tells the statement's reader whether SELECT … INTO
 * (./select-into.ts) and the engine whether SCOPE_IDENTITY() (./temp-tables.ts) can be there.
 */
import { rewriteCdataFunctionCalls } from './function-rewrites.js';
import { rewriteCdataQueryForms } from './query-forms.js';
import { quoteTempNames } from './temp-tables.js';

/** Which parts of CData's dialect a statement's text may use (false: surely not). */
export interface DialectUse {
  /** `T#TEMP` names (./temp-tables.ts `quoteTempNames`). */
  readonly tempNames: boolean;
  /** `[names]`, TOP, the `Backlog.` / `UserViews.` qualifiers (./query-forms.ts). */
  readonly queryForms: boolean;
  /** CONVERT, CHAR, STRTODATE, ISDATE and the date-range functions (./function-rewrites.ts). */
  readonly functionCalls: boolean;
  /** An INTO (./select-into.ts `selectIntoOf`). */
  readonly selectInto: boolean;
  /** SCOPE_IDENTITY() / LAST_INSERT_ID() (./temp-tables.ts `replaceIdentityCalls`). */
  readonly identityCalls: boolean;
}

/**
 * Each rewrite's own words, in one pattern: the alternatives are those the rewrites test
 * (temp-tables, query-forms, function-rewrites, select-into, identity calls, in this order).
 */
const WORDS =
  /(#TEMP\b)|(\[|\bTOP\b|\bBacklog\b|\bUserViews\b)|\b(CONVERT|N?CHAR|STRTODATE|ISDATE|L_\w+|YESTERDAY|TOMORROW|THIS_\w+|NEXT_\w+|LAST_\w+)\s*\(|(\bINTO\b)|\b(SCOPE_IDENTITY)\s*\(/gi;

const NONE: DialectUse = Object.freeze({ tempNames: false, queryForms: false, functionCalls: false, selectInto: false, identityCalls: false });

/** The parts of the dialect `sql` may use, from one pass over its text. */
export function dialectUse(sql: string): DialectUse {
  WORDS.lastIndex = 0;
  let m = WORDS.exec(sql);
  if (m === null) return NONE;
  const use = { tempNames: false, queryForms: false, functionCalls: false, selectInto: false, identityCalls: false };
  for (; m !== null; m = WORDS.exec(sql)) {
    if (m[1] !== undefined) use.tempNames = true;
    else if (m[2] !== undefined) use.queryForms = true;
    else if (m[3] !== undefined) {
      use.functionCalls = true;
      // LAST_INSERT_ID( is one of the LAST_… words too: the match took it here.
      if (/^LAST_INSERT_ID$/i.test(m[3])) use.identityCalls = true;
    } else if (m[4] !== undefined) use.selectInto = true;
    else use.identityCalls = true;
  }
  return Object.freeze(use);
}

/** `sql` in DuckDB's dialect; `use`: what the gate found in it, when the caller has it already. */
export function rewriteCdataDialect(sql: string, use: DialectUse = dialectUse(sql)): string {
  let out = sql;
  if (use.tempNames) out = quoteTempNames(out);
  if (use.queryForms) out = rewriteCdataQueryForms(out);
  if (use.functionCalls) out = rewriteCdataFunctionCalls(out);
  return out;
}
