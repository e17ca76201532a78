/**
 * The schema-naming rule (ARCHITECTURE.md §12): every table, view and sys_* table is in schema
 * `public` (of database `backlog`), in the library, the CLI and over the wire alike. A name may be
 * written bare (`Issues`) or qualified with `public.` (any case, quoted or not); DuckDB's own name
 * for the schema, `main.`, works too. DuckDB keeps the tables in `main`, so the `public.` qualifier
 * is blanked out before it runs — replaced by as many spaces, so error positions still point at
 * the user's text.
 */
import { scanCode } from './lexer.js';

export function unqualifyPublic(sql: string): string {
  if (!/public/i.test(sql)) return sql;
  const cuts: [number, number][] = [];
  const dot = (end: number) => /^\s*\.\s*/.exec(sql.slice(end, end + 8))?.[0].length;
  scanCode(
    sql,
    (i) => {
      if (!/^public\b/i.test(sql.slice(i, i + 7)) || /[\w.$"]/.test(i === 0 ? ' ' : (sql[i - 1] as string))) return;
      const d = dot(i + 6);
      if (d) cuts.push([i, i + 6 + d]);
    },
    (start, end) => {
      const d = sql.slice(start, end).toLowerCase() === '"public"' ? dot(end) : undefined;
      if (d) cuts.push([start, end + d]);
    },
  );
  if (cuts.length === 0) return sql;
  let out = '';
  let last = 0;
  for (const [a, b] of cuts.sort((x, y) => x[0] - y[0])) {
    if (a < last) continue;
    out += sql.slice(last, a) + ' '.repeat(b - a);
    last = b;
  }
  return out + sql.slice(last);
}
