/**
 * `npm run gen`: the one step after adding, changing or removing a table file. Writes the tables
 * index, docs/tables/ and the sys_tablecolumns snapshot (scripts/generate.ts says what each holds)
 * and removes docs of tables that no longer exist. Files already up to date are left untouched.
 */
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { DOCS_DIR, ROOT, generatedFiles, tableFiles, tablesIndex, type GeneratedFile } from './generate.js';

function write(file: GeneratedFile): boolean {
  const url = new URL(file.path, ROOT);
  let current: string | undefined;
  try {
    current = readFileSync(url, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === file.text) return false;
  writeFileSync(url, file.text);
  return true;
}

// The index first: the docs and the snapshot are made from the tables it lists.
const index = tablesIndex(tableFiles());
const changed = write(index) ? [index.path] : [];
const { TABLES } = await import('../src/schema/tables/index.js');
const files = generatedFiles(TABLES);
for (const file of files) if (write(file)) changed.push(file.path);

const docs = new Set(files.filter((f) => f.path.startsWith(DOCS_DIR)).map((f) => f.path));
for (const name of readdirSync(new URL(DOCS_DIR, ROOT))) {
  const path = `${DOCS_DIR}${name}`;
  if (docs.has(path)) continue;
  rmSync(new URL(path, ROOT));
  changed.push(`${path} (removed)`);
}

console.log(`npm run gen: ${TABLES.length} tables and views; ${changed.length ? `updated ${changed.join(', ')}` : 'everything was up to date'}`);
