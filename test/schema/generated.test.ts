/**
 * The table definitions and what `npm run gen` makes of them: the definitions are valid, the
 * reference driver's tables and views all exist, every generated file (the tables index,
 * docs/tables/, the frozen sys_tablecolumns snapshot of ARCHITECTURE.md §3) is up to date, and the
 * tables stay data — no table file imports another, sources import no table.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { DOCS_DIR, INDEX_FILE, ROOT, SNAPSHOT_FILE, TABLES_DIR, generatedFiles, tableFiles } from '../../scripts/generate.js';
import { validateTables } from '../../src/schema/registry.js';
import { TABLES } from '../../src/schema/tables/index.js';

const read = (path: string): string | undefined => (existsSync(new URL(path, ROOT)) ? readFileSync(new URL(path, ROOT), 'utf8') : undefined);
const GENERATED = generatedFiles(TABLES);

/** Generated files whose text on disk differs from what `npm run gen` would write. */
function stale(paths: (path: string) => boolean): string[] {
  return GENERATED.filter((f) => paths(f.path) && read(f.path) !== f.text).map((f) => f.path);
}

test('every table definition is valid (names, descriptions, keys, foreign keys)', () => {
  assert.deepEqual(validateTables(TABLES), []);
});

/** The backticked names of the first paragraph under a heading of docs/cdata-driver.md, and the count the heading gives. */
function referenceNames(heading: RegExp): { count: number; names: string[] } {
  const doc = read('docs/cdata-driver.md') ?? '';
  const match = heading.exec(doc);
  assert.ok(match, `docs/cdata-driver.md has no heading ${heading}`);
  const paragraph =
    doc
      .slice(match.index + match[0].length)
      .trimStart()
      .split('\n\n')[0] ?? '';
  return { count: Number(match[1]), names: [...paragraph.matchAll(/`(\w+)`/g)].map((m) => m[1] as string).sort() };
}

test("the reference driver's tables and views (docs/cdata-driver.md §3) exist with their kind, plus the extension views", () => {
  const tables = referenceNames(/^### §3\.1 The (\d+) tables.*$/m);
  const views = referenceNames(/^### §3\.2 The (\d+) views.*$/m);
  assert.equal(tables.names.length, tables.count, 'docs/cdata-driver.md §3.1 lists as many tables as its heading says');
  assert.equal(views.names.length, views.count, 'docs/cdata-driver.md §3.2 lists as many views as its heading says');
  const ours = (kind: 'table' | 'view') =>
    TABLES.filter((t) => t.kind === kind && !t.extension)
      .map((t) => t.name)
      .sort();
  assert.deepEqual(ours('table'), tables.names);
  assert.deepEqual(ours('view'), views.names);
  const extensions = TABLES.filter((t) => t.extension)
    .map((t) => t.name)
    .sort();
  assert.deepEqual(extensions, ['DocumentTree', 'Documents', 'IssueCustomFields', 'RateLimit', 'Webhooks']);
});

test('src/schema/tables/index.ts lists every table file (else: npm run gen)', () => {
  assert.deepEqual(
    stale((p) => p === INDEX_FILE),
    [],
    'stale: run npm run gen',
  );
  assert.equal(TABLES.length, tableFiles().length);
});

test('docs/tables/ matches the definitions (else: npm run gen)', () => {
  const expected = GENERATED.filter((f) => f.path.startsWith(DOCS_DIR))
    .map((f) => f.path)
    .sort();
  const onDisk = readdirSync(new URL(DOCS_DIR, ROOT))
    .map((name) => `${DOCS_DIR}${name}`)
    .sort();
  assert.deepEqual(onDisk, expected, 'docs/tables/ holds other files than the tables: run npm run gen');
  assert.deepEqual(
    stale((p) => p.startsWith(DOCS_DIR)),
    [],
    'stale: run npm run gen',
  );
});

test('the sys_tablecolumns column list matches the frozen snapshot (else: npm run gen, and review its diff)', () => {
  // A rename, a new column or a type change must be deliberate: `npm run gen` rewrites the
  // snapshot, and its diff shows the change in review.
  assert.deepEqual(
    stale((p) => p === SNAPSHOT_FILE),
    [],
    'columns changed: run npm run gen and commit test/snapshots/sys_tablecolumns.txt',
  );
});

test('tables are data: no table file imports another table file, and no source or helper imports a table', () => {
  // `import … from 'x'`, `export … from 'x'`, `import 'x'` and `import('x')`.
  const imports = (path: string) => [...(read(path) ?? '').matchAll(/(?:\bfrom\s+|^import\s+|\bimport\()'([^']+)'/gm)].map((m) => m[1] as string);
  const offenders: string[] = [];
  for (const file of tableFiles()) {
    for (const from of imports(`${TABLES_DIR}${file}`)) if (from.startsWith('./')) offenders.push(`${TABLES_DIR}${file} imports ${from}`);
  }
  const schema = 'src/schema/';
  const others = [
    ...readdirSync(new URL(schema, ROOT)).filter((f) => f.endsWith('.ts') && f !== 'registry.ts'),
    ...readdirSync(new URL(`${schema}sources/`, ROOT)).map((f) => `sources/${f}`),
  ];
  for (const file of others) {
    for (const from of imports(`${schema}${file}`)) if (/(^|\/)tables\//.test(from)) offenders.push(`${schema}${file} imports ${from}`);
  }
  assert.deepEqual(offenders, []);
});
