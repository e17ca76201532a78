/**
 * A statement's text and bound values checked before anything uses them (issue 11), so that what
 * SQL cannot take is a SqlError naming it instead of a RangeError, a TypeError or DuckDB's error
 * about our internal wrapper: a NUL character in the text (DuckDB's C interface would cut the
 * statement there), an invalid Date, a function or a symbol as a value (lists item by item).
 */
import { SqlError } from '../errors.js';
import type { ParamValues } from './analyze.js';

function problem(value: unknown, depth = 0): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'is an invalid Date' : undefined;
  if (typeof value === 'function') return 'is a function';
  if (typeof value === 'symbol') return 'is a symbol';
  if (Array.isArray(value) && depth < 8) {
    for (const [i, item] of value.entries()) {
      const p = problem(item, depth + 1);
      if (p) return `has an item (${i + 1}) that ${p}`;
    }
  }
  return undefined;
}

export function checkParams(params: unknown): asserts params is ParamValues {
  if (params === undefined || params === null) return;
  if (typeof params !== 'object') {
    throw new SqlError(`parameters must be an array (for ? and $1) or an object (for $name and @name), not a ${typeof params}`, undefined, {
      sqlstate: '22023',
    });
  }
  const entries: [string, unknown][] = Array.isArray(params) ? params.map((v, i) => [String(i + 1), v]) : Object.entries(params);
  for (const [name, value] of entries) {
    const p = problem(value);
    if (p) {
      throw new SqlError(`parameter ${Array.isArray(params) ? name : `$${name.replace(/^[@$:]/, '')}`} ${p}`, undefined, {
        sqlstate: value instanceof Date ? '22007' : '22023',
        hint: 'Bind numbers, strings, booleans, valid Dates, null, or arrays of those.',
      });
    }
  }
}

export function checkStatement(sql: unknown): asserts sql is string {
  if (typeof sql !== 'string')
    throw new SqlError(`the statement must be a string, not ${sql === null ? 'null' : typeof sql}`, undefined, { sqlstate: '22023' });
  const nul = sql.indexOf('\u0000');
  if (nul >= 0) {
    throw new SqlError('the statement contains a NUL character (code 0)', nul + 1, {
      sqlstate: '22021',
      hint: 'Remove it; a value that holds one can be bound as a parameter.',
    });
  }
}
