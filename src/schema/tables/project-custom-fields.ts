/**
 * ProjectCustomFields: custom field definitions of projects (GET /projects/:p/customFields).
 * Backlog's object carries type-specific fields; each becomes a nullable column, NULL for the
 * types that do not have it: numeric fields have Min/Max (DOUBLE), InitialValue and Unit; date
 * fields MinDate/MaxDate and an initial date; list types AllowAddItem; checkbox and radio
 * AllowInput. List items are in ProjectCustomFieldItems.
 *
 * Writes: Min and MinDate (Max and MaxDate) are both Backlog's `min` (`max`) parameter, for numeric
 * and date fields respectively; set the one that matches the field's type.
 */
import { SqlError } from '../../errors.js';
import { col, push, utcDate } from '../helpers.js';
import { perProject, perProjectCost, perProjectRequests, projectColumns, projectTargets, type InProject } from '../sources/projects.js';
import { defineTable, type FormValue } from '../types.js';
import { projectItemWrites, w } from '../writes.js';
import { CUSTOM_FIELD_TYPES, type CustomFieldJson } from '../sources/custom-fields.js';

type Row = InProject<CustomFieldJson>;

const NUMERIC = 3;
const DATE = 4;
const num = (v: unknown) => (typeof v === 'number' ? v : null);

/**
 * The items of a list value written as text: a JSON array ('["a","b"]'), DuckDB's text of a list
 * (['a', 'b'] cast to VARCHAR gives `[a, b]`, quoting items that hold commas or quotes), or a
 * bare value, which is one item.
 */
function textList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v));
  const text = String(value).trim();
  if (!text.startsWith('[') || !text.endsWith(']')) return text === '' ? [] : [text];
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed.map((v) => String(v));
  } catch {
    // not JSON: DuckDB's own list text
  }
  const items: string[] = [];
  const body = text.slice(1, -1);
  let i = 0;
  while (i < body.length) {
    while (body[i] === ' ') i++;
    if (i >= body.length) break;
    let item = '';
    if (body[i] === "'") {
      i++;
      while (i < body.length && body[i] !== "'") {
        if (body[i] === '\\' && i + 1 < body.length) i++;
        item += body[i];
        i++;
      }
      i++; // closing quote
      while (i < body.length && body[i] !== ',') i++;
    } else {
      const end = body.indexOf(',', i);
      item = (end < 0 ? body.slice(i) : body.slice(i, end)).trim();
      i = end < 0 ? body.length : end;
    }
    i++; // the comma
    items.push(item);
  }
  return items;
}

/** Issue type ids from ApplicableIssueTypes text ('[1, 2]', '1,2', '[]'). */
function issueTypeIds(value: unknown): FormValue {
  const text = Array.isArray(value)
    ? value.join(',')
    : String(value)
        .trim()
        .replace(/^\[|\]$/g, '');
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const n = Number(s);
      if (!Number.isSafeInteger(n) || n <= 0) {
        throw new SqlError(
          `ApplicableIssueTypes takes issue type ids ('[1, 2]', '1,2' or '[]' for all types), not ${JSON.stringify(String(value))}`,
          undefined,
          { sqlstate: '22P02' },
        );
      }
      return n;
    });
}

export default defineTable<Row>({
  name: 'ProjectCustomFields',
  kind: 'table',
  description: 'Custom field definitions of each project, with their type-specific settings as nullable columns.',
  columns: [
    col('Id', 'BIGINT', 'Custom field id.', (r) => r.id, { key: true, readOnly: true, pushdown: push.exact('filtered locally (one list per project)') }),
    ...projectColumns<Row>('/customFields', (r) => r.projectId, { writable: true }),
    col('TypeId', 'INTEGER', 'Type: 1 Text, 2 TextArea, 3 Numeric, 4 Date, 5 SingleList, 6 MultipleList, 7 CheckBox, 8 Radio.', (r) => r.typeId, {
      // Backlog cannot change the type of a field.
      write: w.insertOnly('typeId', { notNull: true }),
    }),
    col('TypeName', 'VARCHAR', 'Name of the type (Text, Numeric, SingleList…).', (r) => CUSTOM_FIELD_TYPES[r.typeId] ?? null, { readOnly: true }),
    col('Name', 'VARCHAR', 'Field name.', (r) => r.name, { write: w.required('name') }),
    col('Description', 'VARCHAR', 'Field description.', (r) => r.description, { write: w.both('description') }),
    col('Required', 'BOOLEAN', 'A value is required.', (r) => r.required, { write: w.required('required') }),
    col('UseIssueType', 'BOOLEAN', 'The field applies only to some issue types.', (r) => r.useIssueType ?? (r.applicableIssueTypes ?? []).length > 0, {
      readOnly: true,
    }),
    col(
      'ApplicableIssueTypes',
      'VARCHAR',
      "Ids of the issue types it applies to, as a JSON array ([] = all). Written as '[1, 2]', '1,2' or a list; NULL or '[]' = all types.",
      (r) => JSON.stringify(r.applicableIssueTypes ?? []),
      {
        write: w.both('applicableIssueTypes[]', { encode: issueTypeIds }),
      },
    ),
    col('DisplayOrder', 'INTEGER', 'Position in the field list.', (r) => r.displayOrder, { readOnly: true }),
    col('Version', 'INTEGER', 'Definition version, as Backlog reports it.', (r) => r.version, { readOnly: true }),
    col('Min', 'DOUBLE', 'Numeric fields: smallest allowed value.', (r) => (r.typeId === NUMERIC ? num(r.min) : null), { write: w.both('min') }),
    col('Max', 'DOUBLE', 'Numeric fields: largest allowed value.', (r) => (r.typeId === NUMERIC ? num(r.max) : null), { write: w.both('max') }),
    col('InitialValue', 'DOUBLE', 'Numeric fields: value a new issue starts with.', (r) => num(r.initialValue), { write: w.both('initialValue') }),
    col('Unit', 'VARCHAR', 'Numeric fields: unit shown after the value.', (r) => r.unit, { write: w.both('unit') }),
    utcDate<Row>('MinDate', 'Date fields: earliest allowed date.', (r) => (r.typeId === DATE && typeof r.min === 'string' ? r.min : null), {
      write: w.both('min'),
    }),
    utcDate<Row>('MaxDate', 'Date fields: latest allowed date.', (r) => (r.typeId === DATE && typeof r.max === 'string' ? r.max : null), {
      write: w.both('max'),
    }),
    col('InitialValueType', 'INTEGER', 'Date fields: initial value, 1 today, 2 today plus InitialShift days, 3 InitialDate.', (r) => r.initialDate?.id, {
      write: w.required('initialValueType'),
    }),
    col('InitialShift', 'INTEGER', 'Date fields: days added to today for InitialValueType 2.', (r) => r.initialDate?.shift, {
      write: w.required('initialShift'),
    }),
    utcDate<Row>('InitialDate', 'Date fields: the fixed initial date for InitialValueType 3.', (r) => r.initialDate?.date, {
      write: w.required('initialDate'),
    }),
    col('AllowAddItem', 'BOOLEAN', 'List fields: members may add items.', (r) => r.allowAddItem, { write: w.required('allowAddItem') }),
    col('AllowInput', 'BOOLEAN', "CheckBox and Radio fields: an 'other' text may be entered.", (r) => r.allowInput, { write: w.required('allowInput') }),
  ],
  async *list(ctx, quals) {
    yield* perProject<CustomFieldJson>(
      ctx,
      await projectTargets(ctx, quals, { rowsCarryProjectId: true }),
      'custom fields',
      (p) => `/projects/${p}/customFields`,
    );
  },
  cost: (quals) => perProjectCost(quals),
  requests: (quals, space, read) => perProjectRequests(quals, space, read.columns, { rowsCarryProjectId: true }),
  writes: {
    // POST /projects/:p/customFields: administrators and project administrators.
    // Backlog reads initialDate / initialShift with the initialValueType they belong to: send the
    // current type along when the statement changes only the date or the shift.
    ...projectItemWrites<CustomFieldJson>('customFields', [['ProjectId', 'ProjectKey'], 'TypeId', 'Name'], {
      patchForm(form, row) {
        const body: Record<string, FormValue> = { ...form };
        if (('initialDate' in body || 'initialShift' in body) && !('initialValueType' in body) && row.InitialValueType != null) {
          body.initialValueType = Number(row.InitialValueType);
        }
        return body;
      },
    }),
    inputs: [
      {
        name: 'Items',
        type: 'VARCHAR',
        description:
          "List fields (TypeId 5-8), INSERT only: the items to create with the field, as a list (['Windows', 'macOS']) or JSON array text. Add items later through ProjectCustomFieldItems.",
        write: w.insertOnly('items[]', { encode: (v) => textList(v) }),
      },
    ],
  },
  examples: [
    "SELECT Id, Name, TypeName FROM ProjectCustomFields WHERE ProjectKey = 'WEB'",
    "INSERT INTO ProjectCustomFields (ProjectKey, TypeId, Name, Min, Max, Unit) VALUES ('WEB', 3, '工数', 0, 100, '人日') RETURNING Id",
    "INSERT INTO ProjectCustomFields (ProjectKey, TypeId, Name, Items) VALUES ('WEB', 5, '環境', ['本番', 'ステージング']) RETURNING Id",
    "UPDATE ProjectCustomFields SET ApplicableIssueTypes = '[]', Required = true WHERE ProjectKey = 'WEB' AND Name = '顧客名'",
  ],
});
