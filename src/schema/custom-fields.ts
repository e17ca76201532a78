/**
 * `IncludeCustomFields=true`: one typed column per custom field on `Issues` (issue 3,
 * docs/cdata-driver.md §3.5). The fields are read once when connecting: GET /projects plus one
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
import { SqlError } from '../errors.js';
import type { CustomFieldItemJson, CustomFieldJson } from './sources/custom-fields.js';
import type { CustomFieldValueJson, IssueJson } from './sources/issues.js';
import type { ColumnDef, ColumnWrite, FormValue, SqlType, TableDef } from './types.js';

/** What naming and writing a custom field column read of its definition (list fields: their items). */
type FieldJson = Pick<CustomFieldJson, 'id' | 'projectId' | 'typeId' | 'name' | 'description'> & {
  items?: readonly Pick<CustomFieldItemJson, 'id' | 'name'>[];
};

const TYPE_OF: Record<number, SqlType> = { 1: 'VARCHAR', 2: 'VARCHAR', 3: 'DOUBLE', 4: 'DATE', 5: 'VARCHAR', 6: 'VARCHAR', 7: 'VARCHAR', 8: 'VARCHAR' };
const TYPE_NAME: Record<number, string> = {
  1: 'text',
  2: 'text area',
  3: 'numeric',
  4: 'date',
  5: 'single list',
  6: 'multiple list',
  7: 'check box',
  8: 'radio',
};

/** "Customer visible" → "CustomerVisible"; letters and digits of any script are kept. */
export function columnNameFor(fieldName: string): string {
  const words = fieldName.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const name = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  if (name === '') return 'CustomField';
  return /^\p{N}/u.test(name) ? `CF_${name}` : name;
}

function valueOf(v: CustomFieldValueJson | undefined): unknown {
  if (!v || v.value === null || v.value === undefined) return null;
  const value = v.value;
  if (Array.isArray(value)) return value.length ? value.map((i) => i.name).join(', ') : null;
  if (typeof value === 'object') return value.name;
  if (v.fieldTypeId === 4 && typeof value === 'string') return value.slice(0, 10);
  return value;
}

export interface CustomFieldColumns {
  columns: ColumnDef<IssueJson>[];
  /** Column name → the field ids it shows (one per project that has the field). */
  mapping: Map<string, number[]>;
}

export function customFieldColumns(fields: readonly FieldJson[], projectKeys: ReadonlyMap<number, string>, builtIn: readonly string[]): CustomFieldColumns {
  const taken = new Set(builtIn.map((n) => n.toLowerCase()));
  const byName = new Map<string, { typeId: number; ids: number[]; description: string | null; fields: FieldJson[] }>();
  for (const f of [...fields].sort((a, b) => a.projectId - b.projectId || a.id - b.id)) {
    let name = columnNameFor(f.name);
    if (taken.has(name.toLowerCase())) name = `CF_${name}`;
    const existing = byName.get(name);
    if (existing && existing.typeId !== f.typeId) name = `${name}_${projectKeys.get(f.projectId) ?? f.projectId}`;
    const entry = byName.get(name) ?? { typeId: f.typeId, ids: [], description: f.description, fields: [] };
    entry.ids.push(f.id);
    entry.fields.push(f);
    byName.set(name, entry);
  }
  const mapping = new Map<string, number[]>();
  const columns = [...byName].map(([name, { typeId, ids, description, fields: own }]) => {
    mapping.set(name, ids);
    const idSet = new Set(ids);
    return {
      name,
      type: TYPE_OF[typeId] ?? 'VARCHAR',
      description: `Custom field (${TYPE_NAME[typeId] ?? typeId}${description ? `: ${description}` : ''}); field id${ids.length > 1 ? 's' : ''} ${ids.join(', ')}.`,
      customFieldIds: ids,
      value: (issue: IssueJson) => valueOf(issue.customFields.find((c) => idSet.has(c.id))),
      write: customFieldWrite(name, own),
    } satisfies ColumnDef<IssueJson> & { customFieldIds: number[] };
  });
  return { columns, mapping };
}

/**
 * Writing a custom field column: `customField_{id}` of the field that belongs to the row's
 * project. Text as is, numbers as numbers, dates as yyyy-MM-dd, list items by name (the column
 * shows names; several names of a multiple list or check box separated by commas). NULL clears the
 * field (an empty value). A name the field does not have is an error listing the ones it has.
 */
function customFieldWrite(column: string, fields: readonly FieldJson[]): ColumnWrite {
  return {
    toForm(value, _ctx, row): Record<string, FormValue> {
      const projectId = Number(row.ProjectId);
      const field = fields.find((f) => f.projectId === projectId);
      if (!field) {
        throw new SqlError(`${column} is not a custom field of the issue's project (ProjectId ${String(row.ProjectId)})`, undefined, {
          sqlstate: '42703',
          hint: `It belongs to project${fields.length > 1 ? 's' : ''} ${fields.map((f) => f.projectId).join(', ')}.`,
        });
      }
      const param = `customField_${field.id}`;
      if (value === null || value === undefined || value === '') return { [param]: '' };
      const itemId = (name: string): number => {
        const item = field.items?.find((i) => i.name === name) ?? field.items?.find((i) => i.name.toLowerCase() === name.toLowerCase());
        if (!item) {
          throw new SqlError(`${column} has no item "${name}"`, undefined, {
            sqlstate: '22023',
            hint: `Its items: ${(field.items ?? []).map((i) => i.name).join(', ') || 'none'}. Add one with INSERT INTO ProjectCustomFieldItems.`,
          });
        }
        return item.id;
      };
      switch (field.typeId) {
        case 3:
          return { [param]: Number(value) };
        case 4:
          return { [param]: value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10) };
        case 5:
        case 8:
          return { [param]: itemId(String(value)) };
        case 6:
        case 7: {
          const names = Array.isArray(value)
            ? value.map(String)
            : String(value)
                .split(',')
                .map((n) => n.trim())
                .filter(Boolean);
          return { [param]: names.map(itemId) };
        }
        default:
          return { [param]: String(value) };
      }
    },
  };
}

/**
 * The Issues table with a column per custom field of every project the user can see, and those
 * projects (the space's metadata: plans count per-project requests from it).
 */
export async function issuesWithCustomFields(
  api: ApiClient,
  issues: TableDef<IssueJson>,
): Promise<{ issues: TableDef<IssueJson>; projects: { id: number; projectKey: string }[] }> {
  const projects = await api.get<{ id: number; projectKey: string }[]>('/projects', { all: true });
  const fields: FieldJson[] = [];
  for (const p of projects) fields.push(...(await api.get<FieldJson[]>(`/projects/${p.id}/customFields`)));
  return { issues: issuesWithFields(issues, projects, fields), projects: projects.map((p) => ({ id: p.id, projectKey: p.projectKey })) };
}

/** The Issues table extended by these projects' custom fields (the space's metadata, fetched or from a snapshot). */
export function issuesWithFields(
  issues: TableDef<IssueJson>,
  projects: readonly { id: number; projectKey: string }[],
  fields: readonly FieldJson[],
): TableDef<IssueJson> {
  const { columns } = customFieldColumns(
    fields,
    new Map(projects.map((p) => [p.id, p.projectKey])),
    issues.columns.map((c) => c.name),
  );
  return { ...issues, columns: [...issues.columns, ...columns] };
}
