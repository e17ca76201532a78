/**
 * `IncludeCustomFields=true`: one typed column per custom field on `Issues` (issue 3, §3.5 of the
 * reference notes). The fields are read once when connecting: GET /projects plus one
 * GET /projects/:id/customFields per project.
 *
 * How names are formed:
 * - the field's name with white space and punctuation removed, each word capitalised
 *   ("Customer visible" → `CustomerVisible`, "顧客名" → `顧客名`);
 * - a name taken by a built-in Issues column gets a `CF_` prefix (`CF_Summary`);
 * - fields of the same name and type in several projects share one column (each issue has at
 *   most one of them: its project's);
 * - the same name with a different type in another project gets the project key as a suffix
 *   (`OS_APP`), so no column ever mixes types.
 * Types: text and text area → VARCHAR, numeric → DOUBLE, date → DATE, single list and radio →
 * VARCHAR (the item name), multiple list and check box → VARCHAR (item names joined by ", ").
 */
import type { ApiClient } from '../api/types.js';
import type { CustomFieldValue, Issue } from './tables/issues.js';
import type { ColumnDef, SqlType, TableDef } from './types.js';

interface CustomFieldJson {
  id: number;
  projectId: number;
  typeId: number;
  name: string;
  description: string;
}

const TYPE_OF: Record<number, SqlType> = { 1: 'VARCHAR', 2: 'VARCHAR', 3: 'DOUBLE', 4: 'DATE', 5: 'VARCHAR', 6: 'VARCHAR', 7: 'VARCHAR', 8: 'VARCHAR' };
const TYPE_NAME: Record<number, string> = { 1: 'text', 2: 'text area', 3: 'numeric', 4: 'date', 5: 'single list', 6: 'multiple list', 7: 'check box', 8: 'radio' };

/** "Customer visible" → "CustomerVisible"; letters and digits of any script are kept. */
export function columnNameFor(fieldName: string): string {
  const words = fieldName.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const name = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  if (name === '') return 'CustomField';
  return /^\p{N}/u.test(name) ? `CF_${name}` : name;
}

function valueOf(v: CustomFieldValue | undefined): unknown {
  if (!v || v.value === null || v.value === undefined) return null;
  const value = v.value;
  if (Array.isArray(value)) return value.length ? value.map((i) => i.name).join(', ') : null;
  if (typeof value === 'object') return value.name;
  if (v.fieldTypeId === 4 && typeof value === 'string') return value.slice(0, 10);
  return value;
}

export interface CustomFieldColumns {
  columns: ColumnDef<Issue>[];
  /** Column name → the field ids it shows (one per project that has the field). */
  mapping: Map<string, number[]>;
}

export function customFieldColumns(fields: readonly CustomFieldJson[], projectKeys: ReadonlyMap<number, string>, builtIn: readonly string[]): CustomFieldColumns {
  const taken = new Set(builtIn.map((n) => n.toLowerCase()));
  const byName = new Map<string, { typeId: number; ids: number[]; description: string }>();
  for (const f of [...fields].sort((a, b) => a.projectId - b.projectId || a.id - b.id)) {
    let name = columnNameFor(f.name);
    if (taken.has(name.toLowerCase())) name = `CF_${name}`;
    const existing = byName.get(name);
    if (existing && existing.typeId !== f.typeId) name = `${name}_${projectKeys.get(f.projectId) ?? f.projectId}`;
    const entry = byName.get(name) ?? { typeId: f.typeId, ids: [], description: f.description };
    entry.ids.push(f.id);
    byName.set(name, entry);
  }
  const mapping = new Map<string, number[]>();
  const columns = [...byName].map(([name, { typeId, ids, description }]) => {
    mapping.set(name, ids);
    const idSet = new Set(ids);
    return {
      name,
      type: TYPE_OF[typeId] ?? 'VARCHAR',
      description: `Custom field (${TYPE_NAME[typeId] ?? typeId}${description ? `: ${description}` : ''}); field id${ids.length > 1 ? 's' : ''} ${ids.join(', ')}.`,
      customFieldIds: ids,
      value: (issue: Issue) => valueOf(issue.customFields.find((c) => idSet.has(c.id))),
    } satisfies ColumnDef<Issue> & { customFieldIds: number[] };
  });
  return { columns, mapping };
}

/** The Issues table with a column per custom field of every project the user can see. */
export async function issuesWithCustomFields(api: ApiClient, issues: TableDef<Issue>): Promise<TableDef<Issue>> {
  const projects = await api.get<{ id: number; projectKey: string }[]>('/projects', { all: true });
  const fields: CustomFieldJson[] = [];
  for (const p of projects) fields.push(...(await api.get<CustomFieldJson[]>(`/projects/${p.id}/customFields`)));
  const { columns } = customFieldColumns(fields, new Map(projects.map((p) => [p.id, p.projectKey])), issues.columns.map((c) => c.name));
  return { ...issues, columns: [...issues.columns, ...columns] };
}
