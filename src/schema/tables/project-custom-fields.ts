/**
 * ProjectCustomFields: custom field definitions of projects (GET /projects/:p/customFields).
 * Backlog's object carries type-specific fields; each becomes a nullable column, NULL for the
 * types that do not have it: numeric fields have Min/Max (DOUBLE), InitialValue and Unit; date
 * fields MinDate/MaxDate and an initial date; list types AllowAddItem; checkbox and radio
 * AllowInput. List items are in ProjectCustomFieldItems.
 */
import { col, push, utcDate } from '../helpers.js';
import { perProject, perProjectCost, projectColumns, projectTargets, type InProject } from '../project-scope.js';
import { defineTable } from '../types.js';

export interface CustomFieldItem {
  id: number;
  name: string;
  displayOrder: number;
}

export interface CustomField {
  id: number;
  projectId: number;
  typeId: number;
  version?: number;
  name: string;
  description: string | null;
  required: boolean;
  useIssueType?: boolean;
  applicableIssueTypes: number[] | null;
  displayOrder: number;
  min?: number | string | null;
  max?: number | string | null;
  initialValue?: number | null;
  unit?: string | null;
  initialDate?: { id: number; shift?: number | null; date?: string | null } | null;
  items?: CustomFieldItem[];
  allowAddItem?: boolean;
  allowInput?: boolean;
}

/** Backlog's custom field typeId (backlog-api.md §13). */
export const CUSTOM_FIELD_TYPES: Record<number, string> = {
  1: 'Text',
  2: 'TextArea',
  3: 'Numeric',
  4: 'Date',
  5: 'SingleList',
  6: 'MultipleList',
  7: 'CheckBox',
  8: 'Radio',
};

type Row = InProject<CustomField>;

const NUMERIC = 3;
const DATE = 4;
const num = (v: unknown) => (typeof v === 'number' ? v : null);

export default defineTable<Row>({
  name: 'ProjectCustomFields',
  kind: 'table',
  description: 'Custom field definitions of each project, with their type-specific settings as nullable columns.',
  columns: [
    col('Id', 'BIGINT', 'Custom field id.', (r) => r.id, { key: true, readOnly: true, pushdown: push.exact('filtered locally (one list per project)') }),
    ...projectColumns<Row>('/customFields', (r) => r.projectId),
    col('TypeId', 'INTEGER', 'Type: 1 Text, 2 TextArea, 3 Numeric, 4 Date, 5 SingleList, 6 MultipleList, 7 CheckBox, 8 Radio.', (r) => r.typeId),
    col('TypeName', 'VARCHAR', 'Name of the type (Text, Numeric, SingleList…).', (r) => CUSTOM_FIELD_TYPES[r.typeId] ?? null, { readOnly: true }),
    col('Name', 'VARCHAR', 'Field name.', (r) => r.name),
    col('Description', 'VARCHAR', 'Field description.', (r) => r.description),
    col('Required', 'BOOLEAN', 'A value is required.', (r) => r.required),
    col('UseIssueType', 'BOOLEAN', 'The field applies only to some issue types.', (r) => r.useIssueType ?? (r.applicableIssueTypes ?? []).length > 0, { readOnly: true }),
    col('ApplicableIssueTypes', 'VARCHAR', 'Ids of the issue types it applies to, as a JSON array ([] = all).', (r) => JSON.stringify(r.applicableIssueTypes ?? [])),
    col('DisplayOrder', 'INTEGER', 'Position in the field list.', (r) => r.displayOrder, { readOnly: true }),
    col('Version', 'INTEGER', 'Definition version, as Backlog reports it.', (r) => r.version, { readOnly: true }),
    col('Min', 'DOUBLE', 'Numeric fields: smallest allowed value.', (r) => (r.typeId === NUMERIC ? num(r.min) : null)),
    col('Max', 'DOUBLE', 'Numeric fields: largest allowed value.', (r) => (r.typeId === NUMERIC ? num(r.max) : null)),
    col('InitialValue', 'DOUBLE', 'Numeric fields: value a new issue starts with.', (r) => num(r.initialValue)),
    col('Unit', 'VARCHAR', 'Numeric fields: unit shown after the value.', (r) => r.unit),
    utcDate<Row>('MinDate', 'Date fields: earliest allowed date.', (r) => (r.typeId === DATE && typeof r.min === 'string' ? r.min : null)),
    utcDate<Row>('MaxDate', 'Date fields: latest allowed date.', (r) => (r.typeId === DATE && typeof r.max === 'string' ? r.max : null)),
    col('InitialValueType', 'INTEGER', 'Date fields: initial value, 1 today, 2 today plus InitialShift days, 3 InitialDate.', (r) => r.initialDate?.id),
    col('InitialShift', 'INTEGER', 'Date fields: days added to today for InitialValueType 2.', (r) => r.initialDate?.shift),
    utcDate<Row>('InitialDate', 'Date fields: the fixed initial date for InitialValueType 3.', (r) => r.initialDate?.date),
    col('AllowAddItem', 'BOOLEAN', 'List fields: members may add items.', (r) => r.allowAddItem),
    col('AllowInput', 'BOOLEAN', "CheckBox and Radio fields: an 'other' text may be entered.", (r) => r.allowInput),
  ],
  async *list(ctx, quals) {
    yield* perProject<CustomField>(ctx, await projectTargets(ctx, quals, { rowsCarryProjectId: true }), 'custom fields', (p) => `/projects/${p}/customFields`);
  },
  cost: (quals) => perProjectCost(quals),
  examples: ["SELECT Id, Name, TypeName FROM ProjectCustomFields WHERE ProjectKey = 'WEB'"],
});
