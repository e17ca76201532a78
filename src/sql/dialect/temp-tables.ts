/**
 * CData's temporary tables (docs/cdata-driver.md §6.3): `INSERT INTO Issues#TEMP (…) VALUES …`
 * (several statements build it up), then `INSERT INTO Issues … SELECT … FROM Issues#TEMP`, or an
 * UPDATE / DELETE reading it. A `Name#TEMP` table belongs to one write session — the connection's,
 * or one wire client's — and lives as long as it: rows are kept in JavaScript and loaded into the
 * DuckDB connection of each statement that names the table. Its columns are those the inserts
 * named (a later insert may add columns; earlier rows have NULL there), typed by what DuckDB made
 * of the values (two different types make a column VARCHAR).
 * Also `SCOPE_IDENTITY()` / `LAST_INSERT_ID()`: the id the session's last INSERT generated.
 */
import { SqlError } from '../../errors.js';
import type { SqlType } from '../../schema/types.js';
import { mapCode, tokenize, type Token } from '../lexer.js';

export interface TempTable {
  name: string;
  columns: { name: string; type: SqlType }[];
  rows: unknown[][];
}

/**
 * A bare `Name#TEMP` (the `#` touching both words) → `"Name#TEMP"`, so every parser reads one
 * name; a bracketed `[Name#TEMP]`, as CData writes `[LastResultInfo#TEMP]`, → `"Name#TEMP"` too.
 */
export function quoteTempNames(sql: string): string {
  if (!/#TEMP\b/i.test(sql)) return sql;
  const tokens = tokenize(sql);
  const edits: { start: number; end: number; bracketed: boolean }[] = [];
  for (let i = 1; i + 1 < tokens.length; i++) {
    const [a, hash, temp] = [tokens[i - 1], tokens[i], tokens[i + 1]];
    if (!a || !hash || !temp || hash.text !== '#' || a.kind !== 'word' || temp.kind !== 'word' || !/^TEMP$/i.test(temp.text)) continue;
    if (a.end !== hash.start || hash.end !== temp.start) continue;
    const [open, close] = [tokens[i - 2], tokens[i + 2]];
    const bracketed = open?.text === '[' && open.end === a.start && close?.text === ']' && close.start === temp.end;
    edits.push(bracketed ? { start: (open as Token).start, end: (close as Token).end, bracketed } : { start: a.start, end: temp.end, bracketed });
  }
  let out = sql;
  for (const e of edits.reverse()) {
    const name = e.bracketed ? out.slice(e.start + 1, e.end - 1) : out.slice(e.start, e.end);
    out = `${out.slice(0, e.start)}"${name}"${out.slice(e.end)}`;
  }
  return out;
}

export const isTempName = (name: string) => /#TEMP$/i.test(name);

export interface TempInsert {
  name: string;
  columns: string[] | undefined;
  /** The rows as a query: VALUES (…) wrapped in a SELECT, or the INSERT's own SELECT. */
  query: string;
}

/** `INSERT INTO "T#TEMP" [(cols)] VALUES … | SELECT …` (after quoteTempNames), or undefined. */
export function tempInsertOf(sql: string): TempInsert | undefined {
  const m = /^\s*INSERT\s+INTO\s+"([^"]+#TEMP)"\s*(\(([^()]*)\))?\s*/i.exec(sql);
  if (!m) return undefined;
  const rest = sql.slice(m[0].length).replace(/;\s*$/, '');
  const columns = m[3]?.split(',').map((c) =>
    c
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .replace(/^\[(.*)\]$/, '$1'),
  );
  if (/^VALUES\b/i.test(rest)) return { name: m[1] as string, columns, query: `SELECT * FROM (${rest}) AS __temp_rows` };
  if (/^(SELECT|WITH|FROM|\()/i.test(rest)) return { name: m[1] as string, columns, query: rest };
  throw new SqlError(`INSERT INTO ${m[1]} takes VALUES (…) or a SELECT`, m[0].length + 1, { syntax: true, sqlstate: '42601' });
}

/** DuckDB's result type → the column type the temp table keeps. */
function sqlType(duck: string): SqlType {
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/i.test(duck)) return 'BIGINT';
  if (/^(DECIMAL|DOUBLE|FLOAT|REAL)/i.test(duck)) return 'DOUBLE';
  if (/^BOOLEAN$/i.test(duck)) return 'BOOLEAN';
  if (/^DATE$/i.test(duck)) return 'DATE';
  if (/^TIMESTAMP/i.test(duck)) return 'TIMESTAMPTZ';
  return 'VARCHAR';
}

/** Add an insert's rows (in `columns` order) to the session's table `name`, making it if new. */
export function addTempRows(store: Map<string, TempTable>, name: string, columns: { name: string; type: string }[], rows: unknown[][]): void {
  const key = name.toLowerCase();
  const table = store.get(key) ?? { name, columns: [], rows: [] };
  const positions = columns.map((c) => {
    let at = table.columns.findIndex((x) => x.name.toLowerCase() === c.name.toLowerCase());
    if (at < 0) {
      table.columns.push({ name: c.name, type: sqlType(c.type) });
      for (const r of table.rows) r.push(null);
      at = table.columns.length - 1;
    } else if ((table.columns[at] as TempTable['columns'][number]).type !== sqlType(c.type))
      (table.columns[at] as TempTable['columns'][number]).type = 'VARCHAR';
    return at;
  });
  for (const row of rows) {
    const out: unknown[] = table.columns.map(() => null);
    positions.forEach((p, i) => (out[p] = row[i] ?? null));
    table.rows.push(out);
  }
  // A column that became VARCHAR holds text.
  table.columns.forEach((c, i) => {
    if (c.type === 'VARCHAR')
      for (const r of table.rows) if (r[i] !== null && typeof r[i] !== 'string') r[i] = r[i] instanceof Date ? (r[i] as Date).toISOString() : String(r[i]);
  });
  store.set(key, table);
}

/** `SCOPE_IDENTITY()` and `LAST_INSERT_ID()` → the id (a literal), or NULL when no INSERT generated one. */
export function replaceIdentityCalls(sql: string, lastId: unknown): string {
  if (!/\b(SCOPE_IDENTITY|LAST_INSERT_ID)\s*\(/i.test(sql)) return sql;
  // Backlog's ids are numbers (sys_identity keeps them as text); a key such as a name stays text.
  const literal =
    lastId === null || lastId === undefined ? 'NULL' : /^\d{1,15}$/.test(String(lastId)) ? String(lastId) : `'${String(lastId).replaceAll("'", "''")}'`;
  return mapCode(sql, (code) => code.replace(/\b(SCOPE_IDENTITY|LAST_INSERT_ID)\s*\(\s*\)/gi, literal));
}
