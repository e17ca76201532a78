/**
 * The README's benchmark figures are written by `npm run bench -- <group> --readme` (bench/readme.ts),
 * never typed: every marked section must name a group the bench runs, and hold the table it writes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { benchSections, markdownTable } from '../../bench/readme.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const runner = readFileSync(new URL('../../bench/run.ts', import.meta.url), 'utf8');

test('every <!-- bench:group --> section of the README names a group of bench/run.ts and holds a table the bench wrote', () => {
  const sections = benchSections(readme);
  assert.ok(sections.size > 0);
  for (const [group, [start, end]] of sections) {
    assert.match(runner, new RegExp(`['"]?${group}['"]?: \\(\\) =>`), `README section ${group}: no such bench group`);
    const body = readme.slice(start, end);
    assert.match(
      body,
      /^\| measure \| value \| target \| ratio \| met \|\n\| --- \|/,
      `README section ${group}: not the bench's table (run npm run bench -- ${group} --readme)`,
    );
    assert.match(body, new RegExp(`_Written by \`npm run bench -- ${group} --readme\` on \\d{4}-\\d{2}-\\d{2} `));
  }
});

test('a table cell with a pipe is escaped, and a missed target is marked', () => {
  const table = markdownTable([{ measure: 'a | b', value: '1 ms', target: '≤ 2 ms', ratio: '0.50×', ok: false }]);
  assert.equal(table.split('\n')[2], '| a \\| b | 1 ms | ≤ 2 ms | 0.50× | **no** |');
});
