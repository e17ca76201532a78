/**
 * Custom field values sent to `POST /issues` and `PATCH /issues/:issueIdOrKey`
 * (backlog-api.md §3.2, §10.2).
 *
 * Accepted forms, since the clients disagree: the plain key repeated (`customField_5=1&
 * customField_5=2`, backlog4j), indexed keys (`customField_5[0]=1&customField_5[1]=2`,
 * backlog-js) and bracket keys (`customField_5[]=1`); values of all forms of one field are merged.
 * `customField_{id}_otherValue` sets the free text of checkbox and radio fields that allow it.
 * An empty value clears the field (backlog4j sends `customField_{id}=` for that).
 *
 * Strict where Backlog's docs are silent: a field of another project, a field that does not apply
 * to the issue's type, several values for a single-value field, an item id the field does not
 * have, a number or date outside the field's min/max, and `_otherValue` on a field without
 * "allow input" are all 400 naming the parameter.
 */
import { badRequest, badRequests } from '../errors.js';
import type { DynamicMatcher } from '../params.js';
import type { CustomFieldRec, CustomValue, Store } from '../store.js';
import { isDateOnly } from '../time.js';

const WRITE_CUSTOM_RE = /^customField_(\d+)(_otherValue)?(\[(\d*)\])?$/;

/** Custom field parameters of issue writes. */
export const writeCustomFieldMatcher: DynamicMatcher = (name) => WRITE_CUSTOM_RE.test(name);

interface RawField {
  param: string;
  values: { index: number; order: number; value: string }[];
  otherValue: string | undefined;
}

function applies(field: CustomFieldRec, issueTypeId: number): boolean {
  return field.applicableIssueTypes.length === 0 || field.applicableIssueTypes.includes(issueTypeId);
}

export function isEmptyValue(v: CustomValue | null | undefined): boolean {
  if (!v) return true;
  switch (v.kind) {
    case 'text':
      return v.value === null || v.value === '';
    case 'number':
    case 'date':
      return v.value === null;
    case 'items':
      return v.itemIds.length === 0 && (v.otherValue === null || v.otherValue === '');
  }
}

/**
 * Parse the custom field parameters of a write. Returns field id → new value (null = cleared).
 * `current` is the issue's present values (for `_otherValue` alone, which keeps the items).
 */
export function parseCustomFieldWrites(
  store: Store,
  dynamic: Map<string, string[]>,
  projectId: number,
  issueTypeId: number,
  current: Map<number, CustomValue> = new Map(),
): Map<number, CustomValue | null> {
  const raw = new Map<number, RawField>();
  let order = 0;
  for (const [param, values] of dynamic) {
    const m = WRITE_CUSTOM_RE.exec(param);
    if (!m) continue;
    const id = Number(m[1]);
    const entry = raw.get(id) ?? { param: `customField_${id}`, values: [], otherValue: undefined };
    raw.set(id, entry);
    if (m[2] !== undefined) {
      if (m[3] !== undefined || values.length !== 1) {
        throw badRequest(`Invalid parameter '${param}': give customField_${id}_otherValue once.`);
      }
      entry.otherValue = values[0];
      continue;
    }
    // Indexed keys keep their index order; plain and [] keys keep the order they came in.
    const index = m[4] !== undefined && m[4] !== '' ? Number(m[4]) : Number.MAX_SAFE_INTEGER;
    for (const value of values) entry.values.push({ index, order: order++, value });
  }

  const out = new Map<number, CustomValue | null>();
  for (const [id, entry] of raw) {
    const field = store.customFields.get(id);
    if (!field || field.projectId !== projectId) {
      throw badRequest(`Invalid parameter '${entry.param}': no custom field with id ${id} in this project.`);
    }
    if (!applies(field, issueTypeId)) {
      throw badRequest(`Invalid parameter '${entry.param}': custom field ${id} does not apply to issue type ${issueTypeId}.`);
    }
    const values = entry.values
      .sort((a, b) => a.index - b.index || a.order - b.order)
      .map((v) => v.value)
      .filter((v) => v !== '');
    const given = entry.values.length > 0;
    out.set(id, valueFor(field, entry, values, given, current.get(id)));
  }
  return out;
}

function valueFor(field: CustomFieldRec, entry: RawField, values: string[], given: boolean, current: CustomValue | undefined): CustomValue | null {
  const param = entry.param;
  const one = (): string | undefined => {
    if (values.length > 1) throw badRequest(`Invalid parameter '${param}': this field takes one value, got ${values.length}.`);
    return values[0];
  };
  if (entry.otherValue !== undefined && !((field.typeId === 7 || field.typeId === 8) && field.allowInput)) {
    throw badRequest(`Invalid parameter '${param}_otherValue': custom field ${field.id} does not allow free input.`);
  }
  switch (field.typeId) {
    case 1:
    case 2: {
      const v = one();
      return v === undefined ? null : { kind: 'text', value: v };
    }
    case 3: {
      const v = one();
      if (v === undefined) return null;
      if (!/^-?\d+(\.\d+)?$/.test(v)) throw badRequest(`Invalid parameter '${param}': '${v}' is not a number.`);
      const n = Number(v);
      if ((typeof field.min === 'number' && n < field.min) || (typeof field.max === 'number' && n > field.max)) {
        throw badRequest(`Invalid parameter '${param}': ${v} is outside the field's range (${field.min ?? ''}..${field.max ?? ''}).`);
      }
      return { kind: 'number', value: n };
    }
    case 4: {
      const v = one();
      if (v === undefined) return null;
      if (!isDateOnly(v)) throw badRequest(`Invalid parameter '${param}': '${v}' is not a date in yyyy-MM-dd form.`);
      if ((typeof field.min === 'string' && v < field.min) || (typeof field.max === 'string' && v > field.max)) {
        throw badRequest(`Invalid parameter '${param}': ${v} is outside the field's range (${field.min ?? ''}..${field.max ?? ''}).`);
      }
      return { kind: 'date', value: v };
    }
    default: {
      const single = field.typeId === 5 || field.typeId === 8;
      if (single) one();
      const ids: number[] = [];
      for (const v of values) {
        if (!/^\d+$/.test(v)) throw badRequest(`Invalid parameter '${param}': '${v}' is not an item id.`);
        const itemId = Number(v);
        if (!field.items.some((it) => it.id === itemId)) {
          throw badRequest(`Invalid parameter '${param}': custom field ${field.id} has no item ${itemId}.`);
        }
        if (!ids.includes(itemId)) ids.push(itemId);
      }
      const keepItems = !given && current?.kind === 'items' ? current.itemIds : ids;
      const previousOther = current?.kind === 'items' ? current.otherValue : null;
      const otherValue = entry.otherValue === undefined ? (given ? null : previousOther) : entry.otherValue === '' ? null : entry.otherValue;
      if (keepItems.length === 0 && otherValue === null) return null;
      return { kind: 'items', itemIds: keepItems, otherValue };
    }
  }
}

/**
 * Required custom fields that apply to the issue type must have a value; each missing one is named.
 * `only` limits the check to fields the request touched (an update that does not mention a field
 * leaves it as it is).
 */
export function checkRequiredFields(store: Store, projectId: number, issueTypeId: number, values: Map<number, CustomValue>, only?: Set<number>): void {
  const missing: string[] = [];
  for (const field of store.customFields.where('projectId', (f) => f.projectId, projectId)) {
    if (!field.required || !applies(field, issueTypeId)) continue;
    if (only && !only.has(field.id)) continue;
    if (isEmptyValue(values.get(field.id))) missing.push(`Missing required parameter 'customField_${field.id}'.`);
  }
  const [first, ...more] = missing;
  if (first !== undefined) throw badRequests([first, ...more]);
}

/** Display text of a custom value, for change logs. */
export function customValueText(field: CustomFieldRec, v: CustomValue | null | undefined): string | null {
  if (!v) return null;
  switch (v.kind) {
    case 'text':
      return v.value;
    case 'number':
      return v.value === null ? null : String(v.value);
    case 'date':
      return v.value;
    case 'items': {
      const names = v.itemIds.map((id) => field.items.find((it) => it.id === id)?.name ?? String(id));
      if (v.otherValue) names.push(v.otherValue);
      return names.length > 0 ? names.join(', ') : null;
    }
  }
}
