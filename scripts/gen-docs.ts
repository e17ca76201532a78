/**
 * Writes docs/tables/<Table>.md and docs/tables/README.md from the table definitions: columns,
 * types, keys, and how each column's filters reach Backlog. Run: npm run docs
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { TABLES } from '../src/schema/tables/index.js';

const dir = new URL('../docs/tables/', import.meta.url);
mkdirSync(dir, { recursive: true });
const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
const sorted = [...TABLES].sort((a, b) => a.name.localeCompare(b.name));
for (const t of sorted) {
  const lines = [
    `# ${t.name}${t.extension ? ' (extension)' : ''}`,
    '',
    `${t.kind === 'table' ? 'Table' : 'View (read-only)'}. ${t.description}`,
    '',
    '| column | type | key | pushdown (filters sent to Backlog) | description |',
    '|---|---|---|---|---|',
    ...t.columns.map((c) => {
      const key = [c.key ? 'PK' : '', c.references ? `→ ${c.references}` : ''].filter(Boolean).join(' ');
      const push = c.pushdown ? `${c.pushdown.ops.join(', ')} → \`${c.pushdown.api}\`${c.pushdown.exact ? '' : ' (superset, re-filtered locally)'}` : 'local';
      return `| ${c.name} | ${c.type} | ${key} | ${cell(push)} | ${cell(c.description)} |`;
    }),
    '',
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
