/**
 * `npm run bench -- <group> --readme`: the README's figures come out of the bench, never typed in.
 * A README section between `<!-- bench:<group> -->` and `<!-- /bench:<group> -->` is replaced by
 * the table of that group's rows from this run, with the date and the machine it ran on.
 */
import { cpus, loadavg } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchRow } from './emulator.js';

const README = new URL('../README.md', import.meta.url);

/** The markdown table of `rows` (a `|` inside a cell is escaped). */
export function markdownTable(rows: BenchRow[]): string {
  const cell = (s: string) => s.replaceAll('|', '\\|');
  const lines = ['| measure | value | target | ratio | met |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| ${cell(r.measure)} | ${cell(r.value)} | ${cell(r.target)} | ${cell(r.ratio)} | ${r.ok ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

/** The marked sections of `text`: group name → [start of content, end of content]. */
export function benchSections(text: string): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const m of text.matchAll(/<!-- bench:([\w-]+) -->\n/g)) {
    const name = m[1] as string;
    const start = (m.index ?? 0) + m[0].length;
    const end = text.indexOf(`<!-- /bench:${name} -->`, start);
    if (end < 0) throw new Error(`README: <!-- bench:${name} --> has no <!-- /bench:${name} -->`);
    out.set(name, [start, end]);
  }
  return out;
}

/** Write each group's rows into its README section; the groups with no section are named. */
export function writeReadme(results: Map<string, BenchRow[]>): string[] {
  let text = readFileSync(README, 'utf8');
  const missing: string[] = [];
  const machine = `${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)} at the start`;
  for (const [group, rows] of results) {
    const section = benchSections(text).get(group);
    if (!section) {
      missing.push(group);
      continue;
    }
    const note = `_Written by \`npm run bench -- ${group} --readme\` on ${new Date().toISOString().slice(0, 10)} (${machine})._`;
    text = `${text.slice(0, section[0])}${markdownTable(rows)}\n\n${note}\n${text.slice(section[1])}`;
  }
  writeFileSync(README, text);
  return missing;
}
