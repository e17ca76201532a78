/**
 * CData's `SELECT … INTO target FROM …` (docs/cdata-driver.md §6): the target is a file URI in
 * brackets — `[csv://out.csv]`, with CData's options after `;` (`delimiter=tab|comma|semicolon|
 * pipe|<one character>`, `header=true|false`) — a Backlog table (the rows are inserted, as
 * `INSERT INTO T (…) SELECT …` would), or any other name (a temporary table of the session, as
 * `T#TEMP` tables are: ./temp-tables.ts). Found on the statement's tokens; the query is the
 * statement with `INTO target` blanked (same length, so positions hold).
 */
import { SqlError } from '../../errors.js';
import { tokenize, type Token } from '../lexer.js';

export type IntoTarget = { kind: 'file'; path: string; delimiter: string; header: boolean } | { kind: 'table'; name: string };

export interface SelectInto {
  target: IntoTarget;
  /** The SELECT without its INTO clause. */
  query: string;
  /** 0-based start of INTO in the statement. */
  at: number;
}

const DELIMITERS: Record<string, string> = { tab: '\t', comma: ',', semicolon: ';', pipe: '|', space: ' ' };

function fileTarget(uri: string, at: number): IntoTarget {
  const [head, ...options] = uri.split(';');
  const m = /^csv:\/\/(.+)$/i.exec((head as string).trim());
  if (!m) {
    throw new SqlError(`SELECT … INTO writes CSV files only: [csv://path.csv], not [${uri}]`, at + 1, {
      sqlstate: '0A000',
      hint: "For Parquet or JSON use COPY (SELECT …) TO 'file.parquet' (FORMAT parquet).",
    });
  }
  let delimiter = ',';
  let header = true;
  for (const option of options) {
    const [key, value = ''] = option.split('=').map((x) => x.trim());
    if (!key) continue;
    if (/^delimiter$/i.test(key)) {
      const d = DELIMITERS[value.toLowerCase()] ?? (value.length === 1 ? value : undefined);
      if (d === undefined)
        throw new SqlError(`delimiter=${value} is not a delimiter`, at + 1, {
          sqlstate: '22023',
          hint: 'Use tab, comma, semicolon, pipe, space or one character.',
        });
      delimiter = d;
    } else if (/^header$/i.test(key)) {
      if (!/^(true|false)$/i.test(value)) throw new SqlError(`header=${value}: use true or false`, at + 1, { sqlstate: '22023' });
      header = /^true$/i.test(value);
    } else {
      throw new SqlError(`unknown option ${key} in [${uri}]`, at + 1, { sqlstate: '22023', hint: 'CSV targets take delimiter= and header=.' });
    }
  }
  return { kind: 'file', path: (m[1] as string).trim(), delimiter, header };
}

/** The SELECT … INTO of a statement (in DuckDB's dialect but for the INTO), or undefined. */
export function selectIntoOf(sql: string): SelectInto | undefined {
  if (!/\bINTO\b/i.test(sql) || !/^\s*SELECT\b/i.test(sql)) return undefined;
  const tokens = tokenize(sql);
  let depth = 0;
  let missing: number | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
    else if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--;
    if (depth !== 0 || t.kind !== 'word') continue;
    if (/^FROM$/i.test(t.text)) return undefined;
    if (!/^INTO$/i.test(t.text)) continue;
    const next = tokens[i + 1];
    missing = next ? next.start : t.end;
    if (!next) break;
    if (next.kind === 'word' && /^(FROM|WHERE)$/i.test(next.text)) break;
    if (next.text === '[') {
      const close = sql.indexOf(']', next.end);
      if (close < 0) break;
      return {
        target: fileTarget(sql.slice(next.end, close), t.start),
        query: sql.slice(0, t.start) + ' '.repeat(close + 1 - t.start) + sql.slice(close + 1),
        at: t.start,
      };
    }
    if (next.kind !== 'word' && next.kind !== 'ident') break;
    const name = next.kind === 'ident' ? next.text.slice(1, -1).replaceAll('""', '"') : next.text;
    if (tokens[i + 2]?.text === '.') throw new SqlError('SELECT … INTO takes a table name without a schema', next.start + 1, { sqlstate: '0A000' });
    return { target: { kind: 'table', name }, query: sql.slice(0, t.start) + ' '.repeat(next.end - t.start) + sql.slice(next.end), at: t.start };
  }
  if (missing === undefined) return undefined;
  throw new SqlError('SELECT … INTO needs a target: [csv://file.csv] or a table name', missing + 1, { syntax: true, sqlstate: '42601' });
}
