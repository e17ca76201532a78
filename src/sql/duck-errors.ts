/**
 * DuckDB's errors as ours (issue 11): every syntax error points into the statement, even when
 * DuckDB gives no position; the wrappers of DuckDB's Node binding ("Failed to extract
 * statements: …") are taken off, and messages that only make sense inside DuckDB are said in the
 * user's terms.
 */
import { SqlError } from '../errors.js';
import { segments } from './lexer.js';

/** 0-based start of the first E'…' string that holds a backslash, if any. */
function escapeString(sql: string): number | undefined {
  return segments(sql).find((s) => s.kind === 'string' && /^[Ee]'/.test(sql.slice(s.start, s.start + 2)) && sql.slice(s.start, s.end).includes('\\'))?.start;
}

/** 0-based index of the first `;` outside literals and comments that has code after it. */
export function secondStatement(sql: string): number | undefined {
  for (const s of segments(sql)) {
    if (s.kind !== 'code') continue;
    for (let i = s.start; i < s.end; i++)
      if (
        sql[i] === ';' &&
        sql
          .slice(i + 1)
          .replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '')
          .trim() !== ''
      )
        return i;
  }
  return undefined;
}

/**
 * The SqlError for a parser failure of `sql` (which starts `offset` characters into the user's
 * statement): DuckDB's 0-based `position` when it gave one; else where the problem can be
 * found, else the end of the statement for an unexpected end, else its start.
 */
export function syntaxError(message: string, position: number | undefined, sql: string, offset: number): SqlError {
  if (/pg_verifymbstr/.test(message)) {
    const at = escapeString(sql);
    return new SqlError("invalid escape in an E'…' string", (at ?? 0) + 1 + offset, {
      syntax: true,
      sqlstate: '22025',
      hint: "Write the character itself, or use a plain '…' string (backslashes are then ordinary characters).",
    });
  }
  const at =
    position !== undefined && Number.isFinite(position)
      ? Math.min(position, sql.length)
      : /end of input|without selection list/i.test(message) || sql.trim() === ''
        ? sql.length
        : sql.length - sql.trimStart().length;
  return new SqlError(message, at + 1 + offset, { syntax: true });
}

/** True for an error DuckDB (or its Node binding) raised, as opposed to a JS defect of ours. */
export function isDuckError(e: unknown): e is Error {
  return e instanceof Error && e.constructor === Error;
}

/** DuckDB's message without the binding's wrappers, and with a clearer SQLSTATE where one fits. */
export function duckMessage(raw: string): { message: string; sqlstate?: string; hint?: string } {
  const message = raw.replace(/^Failed to extract statements: /, '').replace(/^Failed to bind value: (Invalid Input Error: )?/, '');
  if (/^Cannot create values of type ANY/.test(message)) {
    return {
      message: 'a bound value has no SQL type backlog-sql can give it (a list, an object or a Buffer)',
      sqlstate: '22023',
      hint: 'Bind numbers, strings, booleans, Dates or null; compare a column with several values through IN (?, ?, …).',
    };
  }
  if (/^Can not bind to parameter number/.test(message)) return { message, sqlstate: '08P01', hint: 'Give as many values as the statement has parameters.' };
  if (/^Values were not provided for the following prepared statement parameters/.test(message)) return { message, sqlstate: '08P01' };
  return { message };
}
