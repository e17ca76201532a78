/**
 * ProjectCustomFieldItems: the items of list-type custom fields (single and multiple list,
 * checkbox, radio). Backlog has no list endpoint for them: they come from the `items` of
 * GET /projects/:p/customFields, so reading them costs one request per project.
 *
 * Writes go to /projects/:p/customFields/:id/items[/:itemId], which answer the whole custom field:
 * the handlers pick the item out of it (by name for a new one: item names are unique in a field).
 */
import { col, push, qualIds } from '../helpers.js';
import type { CustomFieldItemJson, CustomFieldJson } from '../sources/custom-fields.js';
import { perProject, perProjectCost, perProjectRequests, projectColumns, projectTargets, type ProjectTarget } from '../sources/projects.js';
import { defineTable } from '../types.js';
import { projectForInsert, projectOfRow, seg, send, w } from '../writes.js';

interface Row extends CustomFieldItemJson {
  scope: ProjectTarget;
  field: CustomFieldJson;
}

/** The item of an answered custom field, as a row. */
function itemRow(field: CustomFieldJson, scope: ProjectTarget, pick: (item: CustomFieldItemJson) => boolean): Row {
  const items = (field.items ?? []).filter(pick);
  // The newest matching item (ids grow); should Backlog answer without it, the item's columns are NULL.
  const item = items.reduce<CustomFieldItemJson | undefined>((best, i) => (best === undefined || i.id > best.id ? i : best), undefined);
  return { ...(item ?? ({ id: null, name: null, displayOrder: null } as unknown as CustomFieldItemJson)), scope, field };
}

const itemsPath = (scope: ProjectTarget, fieldId: unknown) => `/projects/${seg(scope.path)}/customFields/${seg(fieldId)}/items`;

export default defineTable<Row>({
  name: 'ProjectCustomFieldItems',
  kind: 'table',
  description: 'Items of the list-type custom fields (SingleList, MultipleList, CheckBox, Radio) of each project.',
  columns: [
    ...projectColumns<Row>('/customFields', (r) => r.field.projectId, { writable: true }),
    col('CustomFieldId', 'BIGINT', 'Id of the custom field.', (r) => r.field.id, {
      key: true,
      references: 'ProjectCustomFields.Id',
      pushdown: push.exact('filtered locally (one list per project)'),
      // The field a new item goes into (part of the URL).
      write: w.scope(),
    }),
    col('Id', 'BIGINT', 'Item id.', (r) => r.id, { key: true, readOnly: true }),
    col('Name', 'VARCHAR', 'Item name.', (r) => r.name, { write: w.required('name') }),
    col('DisplayOrder', 'INTEGER', 'Position in the item list.', (r) => r.displayOrder, { readOnly: true }),
  ],
  async *list(ctx, quals) {
    const fieldIds = qualIds(quals, 'CustomFieldId');
    const targets = await projectTargets(ctx, quals, { rowsCarryProjectId: true });
    for await (const fields of perProject<CustomFieldJson>(ctx, targets, 'custom fields', (p) => `/projects/${p}/customFields`)) {
      yield fields
        .filter((f) => fieldIds === undefined || fieldIds.includes(f.id))
        .flatMap((f) => (f.items ?? []).map((item) => ({ ...item, scope: f.scope, field: f })));
    }
  },
  cost: (quals) => perProjectCost(quals),
  requests: (quals, space, read) => perProjectRequests(quals, space, read.columns, { rowsCarryProjectId: true }),
  writes: {
    insert: {
      required: [['ProjectId', 'ProjectKey'], 'CustomFieldId', 'Name'],
      async run(ctx, { values, form }) {
        const scope = await projectForInsert(ctx, values);
        const field = await send<CustomFieldJson>(ctx, 'POST', itemsPath(scope, values.CustomFieldId), form);
        return itemRow(field, scope, (i) => i.name === form.name);
      },
    },
    update: {
      async run(ctx, row, { form }) {
        const scope = projectOfRow(row);
        const field = await send<CustomFieldJson>(ctx, 'PATCH', `${itemsPath(scope, row.CustomFieldId)}/${seg(row.Id)}`, form);
        return itemRow(field, scope, (i) => i.id === Number(row.Id));
      },
    },
    delete: {
      async run(ctx, row) {
        const scope = projectOfRow(row);
        const field = await send<CustomFieldJson>(ctx, 'DELETE', `${itemsPath(scope, row.CustomFieldId)}/${seg(row.Id)}`);
        // The answer no longer holds the item: the row is the one deleted.
        return { id: Number(row.Id), name: String(row.Name), displayOrder: Number(row.DisplayOrder), scope, field };
      },
    },
  },
  examples: [
    'SELECT f.Name AS Field, i.Name AS Item FROM ProjectCustomFields f JOIN ProjectCustomFieldItems i ON i.CustomFieldId = f.Id',
    "INSERT INTO ProjectCustomFieldItems (ProjectKey, CustomFieldId, Name) VALUES ('WEB', 5, 'Android') RETURNING Id",
  ],
});
