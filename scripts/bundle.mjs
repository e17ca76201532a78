#!/usr/bin/env node
// Bundles the compiled library (after `tsc`) into a few files, so a program's
// `import 'backlog-sql'` loads about ten modules instead of about 160 (issue 13, cold start:
// resolving, reading and linking each module cost about 80 ms of the first row's time).
//
// The three entry points users and the bin load — the library, the emulator and the CLI — are
// bundled together with code splitting: code they share lands once in dist/chunks/, so a process
// loading two of them still has one copy of every module (one `SqlError` class for `instanceof`),
// and every `await import(...)` of the sources (OAuth, the wire server, replication, the CLI's
// subcommands) stays a chunk loaded on first use. Packages stay external (`node_modules`).
// The compiled per-module files are then removed; the declarations (.d.ts) stay as tsc wrote them.
import { readdirSync, readFileSync, rmSync, renameSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const out = fileURLToPath(new URL('../dist.bundle/', import.meta.url));
const ENTRIES = { index: 'index.js', 'emulator/index': 'emulator/index.js', 'cli/main': 'cli/main.js' };

// DuckDB's JavaScript API (@duckdb/node-api, pinned) is bundled too: Node resolved, read and
// compiled its 180 CommonJS files one by one, about half of the 0.1 s DuckDB took to load. It
// stays loaded on first use (sql/duckdb.ts requires it lazily; esbuild keeps a bundled CommonJS
// module unevaluated until that call). Its native part, @duckdb/node-bindings, stays a package,
// required from where the installed @duckdb/node-api sits, as that package itself would.
const DUCKDB_API = '@duckdb/node-api';
const LAZY_REQUIRE = `createRequire(import.meta.url)('${DUCKDB_API}')`;
const duckdbApi = {
  name: 'duckdb-api',
  setup(b) {
    b.onLoad({ filter: /[\\/]sql[\\/]duckdb\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(LAZY_REQUIRE)) throw new Error(`bundle: ${args.path} no longer loads DuckDB with ${LAZY_REQUIRE}`);
      return { contents: text.replace(LAZY_REQUIRE, `require("${DUCKDB_API}")`), loader: 'js' };
    });
    // Every other package stays external (node_modules), as in the unbundled build.
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path === DUCKDB_API || args.path.startsWith('node:') ? undefined : { path: args.path, external: true }));
  },
};
// The bundled API's own `require('@duckdb/node-bindings')`, resolved from the installed
// @duckdb/node-api (npm may nest the bindings under it). Only bundled CommonJS code calls `require`.
const BANNER = [
  "import { createRequire as __bsqlCreateRequire } from 'node:module';",
  'let __bsqlDuckRequire;',
  `var require = (id) => (__bsqlDuckRequire ??= __bsqlCreateRequire(__bsqlCreateRequire(import.meta.url).resolve('${DUCKDB_API}')))(id);`,
].join('\n');

rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(dist, file)])),
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [duckdbApi],
  banner: { js: BANNER },
  chunkNames: 'chunks/[name]-[hash]',
  // Classes and functions keep their names (`new.target.name` is an error's name) where two
  // modules' names would otherwise be renamed apart.
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
});

/** Every file under `dir`, relative to it. */
function files(dir, prefix = '') {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

for (const file of files(dist)) if (file.endsWith('.js')) rmSync(join(dist, file));
for (const file of files(out)) {
  mkdirSync(join(dist, file, '..'), { recursive: true });
  renameSync(join(out, file), join(dist, file));
}
rmSync(out, { recursive: true, force: true });

// The bundled copy of @duckdb/node-api carries its MIT notice, as its license asks of every copy.
const apiDir = join(createRequire(import.meta.url).resolve(`${DUCKDB_API}/package.json`), '..');
const apiVersion = JSON.parse(readFileSync(join(apiDir, 'package.json'), 'utf8')).version;
writeFileSync(
  join(dist, 'THIRD-PARTY-NOTICES.md'),
  `# Third-party code bundled in dist/\n\n## ${DUCKDB_API} ${apiVersion}\n\nIts JavaScript is bundled into dist/chunks/ (scripts/bundle.mjs).\n\n\`\`\`\n${readFileSync(join(apiDir, 'LICENSE'), 'utf8').trim()}\n\`\`\`\n`,
);
