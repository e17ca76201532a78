import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnNameFor, customFieldColumns } from '../../../src/schema/custom-fields.js';

test('column names come from the field name: words capitalised, punctuation dropped, any script kept', () => {
  assert.equal(columnNameFor('Customer visible'), 'CustomerVisible');
  assert.equal(columnNameFor('顧客名'), '顧客名');
  assert.equal(columnNameFor('2nd reviewer'), 'CF_2ndReviewer');
  assert.equal(columnNameFor('!!!'), 'CustomField');
});

test('same name and type across projects share a column; another type gets the project key; built-in names get CF_', () => {
  const { columns, mapping } = customFieldColumns(
    [
      { id: 1, projectId: 1, typeId: 5, name: 'OS', description: '' },
      { id: 2, projectId: 2, typeId: 5, name: 'OS', description: '' },
      { id: 3, projectId: 3, typeId: 1, name: 'OS', description: '' },
      { id: 4, projectId: 1, typeId: 1, name: 'Summary', description: '' },
    ],
    new Map([
      [1, 'WEB'],
      [2, 'APP'],
      [3, 'OPS'],
    ]),
    ['Id', 'Summary'],
  );
  assert.deepEqual(
    columns.map((c) => [c.name, c.type]),
    [
      ['OS', 'VARCHAR'],
      ['CF_Summary', 'VARCHAR'],
      ['OS_OPS', 'VARCHAR'],
    ],
  );
  assert.deepEqual(mapping.get('OS'), [1, 2]);
});
