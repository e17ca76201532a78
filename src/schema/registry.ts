/**
 * Every table and view, validated once at start-up (a bad definition fails a unit test, not a
 * user). The SQL planner, sys_* tables and docs/tables/ all read this one registry.
 */
import { TABLES } from './tables/index.js';
import type { SpaceFacts, TableDef } from './types.js';

const SQL_NAME = /^[A-Z][A-Za-z0-9]*$/;
/** Custom field columns keep the field's own letters (Japanese names stay Japanese). */
const CUSTOM_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;

/** Problems in a set of definitions; empty when all are valid. */
export function validateTables(tables: readonly TableDef[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const t of tables) {
    if (!SQL_NAME.test(t.name)) problems.push(`${t.name}: table names are PascalCase`);
    if (names.has(t.name.toLowerCase())) problems.push(`${t.name}: defined twice`);
    names.add(t.name.toLowerCase());
    const cols = new Set<string>();
    for (const c of t.columns) {
      if (!(c.customFieldIds ? CUSTOM_NAME : SQL_NAME).test(c.name)) problems.push(`${t.name}.${c.name}: column names are PascalCase`);
      if (cols.has(c.name.toLowerCase())) problems.push(`${t.name}.${c.name}: defined twice`);
      cols.add(c.name.toLowerCase());
      if (!c.description) problems.push(`${t.name}.${c.name}: no description`);
      if (c.pushdown && c.pushdown.ops.length === 0) problems.push(`${t.name}.${c.name}: pushdown without operators`);
    }
    // Writable tables need a key (UPDATE and DELETE address rows by it); views may lack one.
    if (t.kind === 'table' && !t.columns.some((c) => c.key)) problems.push(`${t.name}: no primary key column`);
    for (const o of t.orderable ?? []) if (!cols.has(o.toLowerCase())) problems.push(`${t.name}: orderable column ${o} does not exist`);
  }
  for (const t of tables) {
    for (const c of t.columns) {
      if (!c.references) continue;
      const [table, column] = c.references.split('.');
      const target = tables.find((x) => x.name === table);
      if (!target || !target.columns.some((x) => x.name === column)) problems.push(`${t.name}.${c.name}: references ${c.references}, which does not exist`);
    }
  }
  return problems;
}

export class Registry {
  private readonly byName = new Map<string, TableDef>();
  private readonly local = new Set<string>();

  /**
   * @param space What the space's metadata told when the registry was built (the plan's estimates
   *   read it; ./helpers.ts `exactly`, `atLeast`). Without it, the project count is unknown.
   */
  constructor(
    readonly tables: readonly TableDef[] = TABLES,
    readonly space: SpaceFacts = { projects: undefined },
  ) {
    const problems = validateTables(tables);
    if (problems.length > 0) throw new Error(`invalid table definitions:\n  ${problems.join('\n  ')}`);
    for (const t of tables) this.byName.set(t.name.toLowerCase(), t);
  }

  table(name: string): TableDef | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** Tables that live in DuckDB only (sys_*): read without any fetch. */
  addLocal(name: string): void {
    this.local.add(name.toLowerCase());
  }

  isLocal(name: string): boolean {
    return this.local.has(name.toLowerCase());
  }

  names(): string[] {
    return [...this.tables.map((t) => t.name), ...this.local];
  }
}
