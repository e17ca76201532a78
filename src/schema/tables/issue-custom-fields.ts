/**
 * IssueCustomFields (our extension): the custom field values of each issue (the issue's
 * `customFields` array). One row per issue and field; a multiple-list or checkbox field has one
 * row per selected item (one row with NULL item columns when nothing is selected). `Value` is
 * the value as text; `ValueNumber`, `ValueDate` and the `Item…` columns hold it typed.
 * Read through the issue search, with its pushdowns.
 */
import { col, push, qualIds, utcDate } from '../helpers.js';
import type { CustomFieldItemJson } from '../sources/custom-fields.js';
import { issueChildRows, issueListCost, type CustomFieldValueJson, type IssueJson } from '../sources/issues.js';
import { defineTable } from '../types.js';

interface Row {
  issue: IssueJson;
  field: CustomFieldValueJson;
  item: CustomFieldItemJson | null;
}

const isItem = (v: unknown): v is CustomFieldItemJson =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as CustomFieldItemJson).id === 'number';

function rowsOf(issue: IssueJson): Row[] {
  return issue.customFields.flatMap((field): Row[] => {
    const v = field.value;
    if (Array.isArray(v)) return v.length === 0 ? [{ issue, field, item: null }] : v.map((item) => ({ issue, field, item }));
    return [{ issue, field, item: isItem(v) ? v : null }];
  });
}

function textValue(r: Row): string | null {
  if (r.item) return r.item.name;
  const v = r.field.value;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return null;
  // Date fields come as yyyy-MM-ddT00:00:00Z: the day is the value.
  return r.field.fieldTypeId === 4 ? v.slice(0, 10) : v;
}

export default defineTable<Row>({
  name: 'IssueCustomFields',
  kind: 'view',
  extension: true,
  description: 'Custom field values of issues: one row per issue and field, and per selected item of a list field.',
  columns: [
    col('IssueId', 'BIGINT', 'Id of the issue.', (r) => r.issue.id, { references: 'Issues.Id', pushdown: push.exact('id[]') }),
    col('IssueKey', 'VARCHAR', 'Key of the issue (WEB-12).', (r) => r.issue.issueKey, { pushdown: push.exact('path: /issues/:issueKey') }),
    col('ProjectId', 'BIGINT', 'Id of the project.', (r) => r.issue.projectId, { references: 'Projects.Id', pushdown: push.exact('projectId[]') }),
    col('CustomFieldId', 'BIGINT', 'Id of the custom field.', (r) => r.field.id, {
      references: 'ProjectCustomFields.Id',
      pushdown: push.exact('filtered locally'),
    }),
    col('Name', 'VARCHAR', 'Name of the custom field.', (r) => r.field.name),
    col(
      'FieldTypeId',
      'INTEGER',
      'Field type: 1 text, 2 text area, 3 number, 4 date, 5 single list, 6 multiple list, 7 checkbox, 8 radio.',
      (r) => r.field.fieldTypeId,
    ),
    col('Value', 'VARCHAR', 'The value as text (the item name for list fields; yyyy-MM-dd for dates).', textValue),
    col('ValueNumber', 'DOUBLE', 'The value of a number field.', (r) => (typeof r.field.value === 'number' ? r.field.value : null)),
    utcDate<Row>('ValueDate', 'The value of a date field.', (r) => (r.field.fieldTypeId === 4 && typeof r.field.value === 'string' ? r.field.value : null)),
    col('ItemId', 'BIGINT', 'Id of the selected item of a list, checkbox or radio field.', (r) => r.item?.id ?? null, {
      references: 'ProjectCustomFieldItems.Id',
    }),
    col('ItemName', 'VARCHAR', 'Name of the selected item.', (r) => r.item?.name ?? null),
    col('ItemDisplayOrder', 'INTEGER', 'Position of the selected item in the field.', (r) => r.item?.displayOrder ?? null),
    col('OtherValue', 'VARCHAR', 'Free text of a checkbox or radio field that allows it.', (r) => r.field.otherValue ?? null),
  ],
  list(ctx, quals) {
    const ids = qualIds(quals, 'CustomFieldId');
    return issueChildRows<Row>(ctx, quals, rowsOf, { keep: ids ? (r) => ids.includes(r.field.id) : undefined });
  },
  cost: issueListCost,
  examples: [
    "SELECT IssueKey, Name, Value FROM IssueCustomFields WHERE IssueKey = 'WEB-1'",
    'SELECT ItemName, COUNT(*) FROM IssueCustomFields WHERE CustomFieldId = 5 GROUP BY ItemName',
  ],
});
