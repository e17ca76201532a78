/**
 * Writes docs/tables/<Table>.md and docs/tables/README.md from the table definitions: columns,
 * types, keys, and how each column's filters reach Backlog. Run: npm run docs
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { TABLES } from '../src/schema/tables/index.js';
import type { ColumnWrite, TableDef } from '../src/schema/types.js';

const dir = new URL('../docs/tables/', import.meta.url);
mkdirSync(dir, { recursive: true });
const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
const sorted = [...TABLES].sort((a, b) => a.name.localeCompare(b.name));

/** How INSERT / UPDATE set a column: its API parameter and the statements that may set it. */
function writtenAs(w: ColumnWrite | undefined): string {
  if (!w) return 'read-only';
  const on = w.on === 'insert' ? 'INSERT only' : w.on === 'update' ? 'UPDATE only' : 'INSERT, UPDATE';
  const param = w.toForm ? '`customField_{id}`' : w.param ? `\`${w.param}\`` : 'picks the URL';
  return `${param} (${on}${w.notNull ? ', not NULL' : ''})`;
}

function writesSection(t: TableDef): string[] {
  if (t.kind !== 'table') return [];
  const w = t.writes;
  const ops = (['insert', 'update', 'delete'] as const).filter((o) => w?.[o]).map((o) => o.toUpperCase());
  const lines = ['## Writes', '', ops.length ? `Statements: ${ops.join(', ')}.` : 'Not writable.'];
  const required = w?.insert?.required.map((r) => (typeof r === 'string' ? r : r.join(' or ')));
  if (required?.length) lines.push(`INSERT needs: ${required.join(', ')}.`);
  for (const [op, note] of Object.entries(w?.notes ?? {})) lines.push(`${op.toUpperCase()}: ${note}`);
  if (w?.inputs?.length) {
    lines.push('', 'Write-only inputs (not columns: accepted by INSERT / UPDATE only):', '', '| input | type | written as | description |', '|---|---|---|---|');
    for (const i of w.inputs) lines.push(`| ${i.name} | ${i.type} | ${cell(writtenAs(i.write))} | ${cell(i.description)} |`);
  }
  return [...lines, ''];
}
for (const t of sorted) {
  const lines = [
    `# ${t.name}${t.extension ? ' (extension)' : ''}`,
    '',
    `${t.kind === 'table' ? 'Table' : 'View (read-only)'}. ${t.description}`,
    '',
    `| column | type | key | pushdown (filters sent to Backlog) |${t.writes ? ' written as |' : ''} description |`,
    `|---|---|---|---|${t.writes ? '---|' : ''}---|`,
    ...t.columns.map((c) => {
      const key = [c.key ? 'PK' : '', c.references ? `→ ${c.references}` : ''].filter(Boolean).join(' ');
      const push = c.pushdown ? `${c.pushdown.ops.join(', ')} → \`${c.pushdown.api}\`${c.pushdown.exact ? '' : ' (superset, re-filtered locally)'}` : 'local';
      return `| ${c.name} | ${c.type} | ${key} | ${cell(push)} |${t.writes ? ` ${cell(writtenAs(c.write))} |` : ''} ${cell(c.description)} |`;
    }),
    '',
    ...writesSection(t),
    ...(t.orderable?.length ? [`ORDER BY sent to Backlog (with LIMIT): ${t.orderable.join(', ')}.`, ''] : []),
    `Requests without filters: ${t.cost([])}.`,
    '',
    ...(t.examples?.length ? ['Examples:', '', '```sql', ...t.examples.map((e) => `${e};`), '```', ''] : []),
  ];
  writeFileSync(new URL(`${t.name}.md`, dir), lines.join('\n'));
}
const index = [
  '# Tables and views',
  '',
  'Generated from the definitions in `src/schema/tables/` by `npm run docs`. Filters on "pushdown" columns',
  'are sent to Backlog; every other condition is evaluated locally. A pushdown marked "superset" narrows',
  'the fetch, and the exact condition is applied again locally.',
  '',
  '| name | kind | description |',
  '|---|---|---|',
  ...sorted.map((t) => `| [${t.name}](${t.name}.md) | ${t.kind}${t.extension ? ' (extension)' : ''} | ${cell(t.description)} |`),
  '',
];
writeFileSync(new URL('README.md', dir), index.join('\n'));
console.log(`docs/tables: ${sorted.length} tables`);
