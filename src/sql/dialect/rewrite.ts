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
 * It reads the text, not the lexer's tokens: tokenizing a whole statement costs more than the
 * scan, and a rewrite that runs tokenizes anyway. test/cdata-dialect/gate.test.ts holds it to
 * giving what running every rewrite gives, for every statement the dialect's tests write.
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
 * Where a word of some rewrite may start: `#TEMP`, `[`, or a word starting like one. Only the
 * start is matched, which the regular expression engine rejects fast at most positions (twice as
 * fast as the rewrites' own five tests together); a statement with no match uses no dialect.
 */
const STARTS = /#TEMP\b|\[|\b(?:TOP\b|Backlog\b|UserViews\b|INTO\b|CONVERT|N?CHAR|STRTODATE|ISDATE|L_|YESTERDAY|TOMORROW|THIS_|NEXT_|LAST_|SCOPE_IDENTITY)/gi;
/** At a start: the function calls ./function-rewrites.ts rewrites (its own test, anchored). */
const FUNCTION_CALL = /(?:CONVERT|N?CHAR|STRTODATE|ISDATE|L_\w+|YESTERDAY|TOMORROW|THIS_\w+|NEXT_\w+|LAST_\w+)\s*\(/iy;
/** At a start: SCOPE_IDENTITY() / LAST_INSERT_ID() (./temp-tables.ts `replaceIdentityCalls`). */
const IDENTITY_CALL = /(?:SCOPE_IDENTITY|LAST_INSERT_ID)\s*\(/iy;

const NONE: DialectUse = Object.freeze({ tempNames: false, queryForms: false, functionCalls: false, selectInto: false, identityCalls: false });

/** The parts of the dialect `sql` may use, from one pass over its text. */
export function dialectUse(sql: string): DialectUse {
  STARTS.lastIndex = 0;
  let m = STARTS.exec(sql);
  if (m === null) return NONE;
  const use = { tempNames: false, queryForms: false, functionCalls: false, selectInto: false, identityCalls: false };
  for (; m !== null; m = STARTS.exec(sql)) {
    const word = m[0].toUpperCase();
    if (word === '#TEMP') use.tempNames = true;
    else if (word === '[' || word === 'TOP' || word === 'BACKLOG' || word === 'USERVIEWS') use.queryForms = true;
    else if (word === 'INTO') use.selectInto = true;
    else {
      FUNCTION_CALL.lastIndex = m.index;
      if (FUNCTION_CALL.test(sql)) use.functionCalls = true;
      IDENTITY_CALL.lastIndex = m.index;
      if (IDENTITY_CALL.test(sql)) use.identityCalls = true;
    }
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
