/**
 * The column list is frozen: a rename, a new column or a type change must be deliberate
 * (ARCHITECTURE.md §3). Update with: UPDATE_SNAPSHOTS=1 node --import tsx --test test/sql/schema-snapshot.test.ts
 * Also checks that docs/tables/ is up to date with the definitions (`npm run docs`).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { validateTables } from '../../src/schema/registry.js';
import { TABLES } from '../../src/schema/tables/index.js';

const SNAPSHOT = new URL('../snapshots/sys_tablecolumns.txt', import.meta.url);

function currentColumns(): string {
  return [...TABLES]
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((t) => t.columns.map((c) => `${t.kind === 'table' ? 'TABLE' : 'VIEW '} ${t.name}.${c.name} ${c.type}${c.key ? ' KEY' : ''}`))
    .join('\n') + '\n';
}

test('every table definition is valid (names, descriptions, keys, foreign keys)', () => {
  assert.deepEqual(validateTables(TABLES), []);
});

test('the 20 tables and 35 views of the reference driver exist, plus the extension views', () => {
  const tables = TABLES.filter((t) => t.kind === 'table').map((t) => t.name).sort();
  assert.deepEqual(tables, ['IssueAttachments', 'IssueComments', 'IssueLinkedSharedFiles', 'Issues', 'ProjectAdministrators', 'ProjectCategories',
    'ProjectCustomFieldItems', 'ProjectCustomFields', 'ProjectIssueTypes', 'ProjectStatuses', 'ProjectTeams', 'ProjectUsers', 'ProjectVersionMilestones',
    'Projects', 'PullRequestAttachments', 'PullRequestComments', 'PullRequests', 'Watchings', 'WikiPageAttachments', 'WikiPages'].sort());
  const views = TABLES.filter((t) => t.kind === 'view' && !t.extension).map((t) => t.name).sort();
  assert.equal(views.length, 35, views.join(', '));
  const extensions = TABLES.filter((t) => t.extension).map((t) => t.name).sort();
  assert.deepEqual(extensions, ['DocumentTree', 'Documents', 'IssueCustomFields', 'RateLimit', 'Webhooks']);
});

test('the sys_tablecolumns column list matches the frozen snapshot', () => {
  const current = currentColumns();
  if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(SNAPSHOT, current);
  assert.equal(current, readFileSync(SNAPSHOT, 'utf8'), 'columns changed: if deliberate, update the snapshot (see this file\'s header)');
});
