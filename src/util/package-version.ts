/**
 * The package's own version, from its package.json. Found by walking up from this module: the
 * module sits at a different depth in src/ (tests), in tsc's output and in the bundled dist/
 * (scripts/bundle.mjs puts shared code in dist/chunks/), so no fixed relative path fits all three.
 */
import { readFileSync } from 'node:fs';

let found: string | undefined;

export function packageVersion(): string {
  if (found !== undefined) return found;
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'backlog-sql' && typeof pkg.version === 'string') return (found = pkg.version);
    } catch {
      // No package.json here (or not ours): look one folder up.
    }
    if (dir.pathname === '/') break;
  }
  throw new Error('backlog-sql: its package.json was not found above its modules');
}
