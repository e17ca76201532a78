/**
 * ProjectCustomFieldItems: the items of list-type custom fields (single and multiple list,
 * checkbox, radio). Backlog has no list endpoint for them: they come from the `items` of
 * GET /projects/:p/customFields, so reading them costs one request per project.
 */
import { col, push, qualIds } from '../helpers.js';
import { perProject, perProjectCost, projectColumns, projectTargets, type ProjectTarget } from '../project-scope.js';
import { defineTable } from '../types.js';
import type { CustomField, CustomFieldItem } from './project-custom-fields.js';

interface Row extends CustomFieldItem {
  scope: ProjectTarget;
  field: CustomField;
}

export default defineTable<Row>({
  name: 'ProjectCustomFieldItems',
  kind: 'table',
  description: 'Items of the list-type custom fields (SingleList, MultipleList, CheckBox, Radio) of each project.',
  columns: [
    ...projectColumns<Row>('/customFields', (r) => r.field.projectId),
    col('CustomFieldId', 'BIGINT', 'Id of the custom field.', (r) => r.field.id, {
      key: true,
      references: 'ProjectCustomFields.Id',
      pushdown: push.exact('filtered locally (one list per project)'),
    }),
    col('Id', 'BIGINT', 'Item id.', (r) => r.id, { key: true, readOnly: true }),
    col('Name', 'VARCHAR', 'Item name.', (r) => r.name),
    col('DisplayOrder', 'INTEGER', 'Position in the item list.', (r) => r.displayOrder, { readOnly: true }),
  ],
  async *list(ctx, quals) {
    const fieldIds = qualIds(quals, 'CustomFieldId');
    const targets = await projectTargets(ctx, quals, { rowsCarryProjectId: true });
    for await (const fields of perProject<CustomField>(ctx, targets, 'custom fields', (p) => `/projects/${p}/customFields`)) {
      yield fields
        .filter((f) => fieldIds === undefined || fieldIds.includes(f.id))
        .flatMap((f) => (f.items ?? []).map((item) => ({ ...item, scope: f.scope, field: f })));
    }
  },
  cost: (quals) => perProjectCost(quals),
  examples: ['SELECT f.Name AS Field, i.Name AS Item FROM ProjectCustomFields f JOIN ProjectCustomFieldItems i ON i.CustomFieldId = f.Id'],
});
