/**
 * Source rows (Backlog's JSON objects) → column values in the table's column order, building only
 * the columns a statement uses (issue 13, costs: building every column of an issue page for a
 * `count(*)` or a two-column question was most of the driver's own CPU per page). A column left
 * out is NULL; key columns are always built, since reads of one table are merged by key
 * (src/sql/engine.ts `fetchAll`).
 */
import type { RowEnv, TableDef } from './types.js';

/** A function turning one source row into its column values; `columns` undefined: every column. */
export function rowBuilder(table: TableDef, env: RowEnv, columns?: ReadonlySet<string>): (source: unknown) => unknown[] {
  const all = table.columns;
  const wanted = columns === undefined ? all : all.filter((c) => c.key || columns.has(c.name));
  if (wanted.length === all.length) {
    return (source) => {
      const out = new Array<unknown>(all.length);
      for (let i = 0; i < all.length; i++) out[i] = all[i]!.value(source, env) ?? null;
      return out;
    };
  }
  const at = wanted.map((c) => all.indexOf(c));
  return (source) => {
    const out = new Array<unknown>(all.length).fill(null);
    for (let i = 0; i < wanted.length; i++) out[at[i]!] = wanted[i]!.value(source, env) ?? null;
    return out;
  };
}
