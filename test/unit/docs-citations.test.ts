/**
 * The project explains itself: every comment or document that cites ARCHITECTURE.md, docs/*.md or a
 * reliability rule (NET-2, TOK-7, …) must point at a section that exists, and nothing may cite a
 * document outside the repository (a reader of a clone could not follow it).
 *
 * Citation forms understood (ARCHITECTURE.md, "Choices": citations checked by a test):
 *   ARCHITECTURE.md §5, ARCHITECTURE.md §5 step 0, ARCHITECTURE.md §7/§9, … §2, §7, … §7 and §9
 *   docs/backlog-api.md §9.3–§9.5, §9.7 · backlog-api.md §7.17-§7.18 · [backlog-api.md](backlog-api.md) §2.2
 *   docs/reliability.md B5 · NET-1..NET-10 · TOK-1..TOK-5 · OAUTH-5/6
 * A bare `§n` with no document before it is not checked: it usually refers to the document the
 * comment cited just before, or to an RFC.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SELF = relative(ROOT, fileURLToPath(import.meta.url));

/** Where citations live: the code, its tests and tools, and the documents themselves. */
const SCANNED = ['src', 'test', 'bench', 'scripts', 'examples', 'README.md', 'ARCHITECTURE.md', 'docs', 'eslint.config.js'];
const TEXT_EXTENSIONS = new Set(['.ts', '.mts', '.mjs', '.cjs', '.js', '.md', '.html', '.sql', '.sh']);
/** Generated (docs/tables by `npm run gen`) or not ours. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'test-artifacts', 'tables']);

function listFiles(path: string): string[] {
  const full = join(ROOT, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full).flatMap((name) => {
    if (name.startsWith('.') || SKIPPED_DIRS.has(name)) return [];
    const child = join(path, name);
    return statSync(join(ROOT, child)).isDirectory() ? listFiles(child) : TEXT_EXTENSIONS.has(extname(name)) ? [child] : [];
  });
}

const FILES = SCANNED.flatMap(listFiles).filter((f) => f !== SELF);

// ---- citations ------------------------------------------------------------------------------

interface Citation {
  file: string;
  line: number;
  /** The cited document, relative to the repository root. */
  document: string;
  /** Section ids as written after it: '5', '9.3', '14b', 'B5'; empty for a bare mention. */
  sections: string[];
  text: string;
}

/** A cited document: ARCHITECTURE.md, docs/NAME.md, or one of our docs by its bare name (links inside docs/). */
const DOCUMENT = /ARCHITECTURE\.md|docs\/[a-z][a-z-]*\.md|(?<![\w/.-])(?:backlog-api|cdata-driver|reliability)\.md/g;
/** `§5`, `§ 7.16`, `§14b`. */
const SECTION = /^§\s?(\d+[a-z]?(?:\.\d+)*)/;
/** A lettered section of the reliability rules: `B5`, `A4`. */
const LETTERED = /^([A-B]\d)\b/;
/** Between a document and its first section: blanks, or a line break inside a comment. */
const FIRST_GAP = /^(?:[ \t]|\n[ \t]*(?:\*(?!\/)|\/\/)?)*/;
/** What may stand between two sections of one citation: punctuation, comment markers, "and", "shapes", "step 0", "item 11". */
const BETWEEN = /^(?:[\s,;/*–-]|\/\/|\band\b|\bor\b|\bshapes\b|\bstep \d+|\bitem \d+)*/;

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Every citation of a document in `text`, with the sections written after it. */
function findCitations(file: string, text: string): Citation[] {
  const out: Citation[] = [];
  for (const m of text.matchAll(DOCUMENT)) {
    const name = m[0];
    const document = name === 'ARCHITECTURE.md' || name.startsWith('docs/') ? name : `docs/${name}`;
    let rest = text.slice(m.index + name.length);
    // A markdown link's closing parenthesis or a code span's backtick may sit between name and section.
    rest = rest.replace(/^[)`]/, '');
    const sections: string[] = [];
    let consumed = text.length - rest.length;
    for (;;) {
      const gap = (sections.length === 0 ? FIRST_GAP : BETWEEN).exec(rest)?.[0] ?? '';
      const after = rest.slice(gap.length);
      const s = SECTION.exec(after) ?? (document === 'docs/reliability.md' ? LETTERED.exec(after) : null);
      if (!s) break;
      sections.push(s[1] as string);
      rest = after.slice(s[0].length);
      consumed = text.length - rest.length;
    }
    out.push({ file, line: lineOf(text, m.index), document, sections, text: text.slice(m.index, consumed).replace(/\s+/g, ' ') });
  }
  return out;
}

/** The section ids a markdown document defines in its headings: `## §5 …` → '5', `### §7.16 …` → '7.16', `## B5 …` → 'B5'. */
function headingIds(markdown: string): Set<string> {
  const ids = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}[ \t]+(.+)$/gm)) {
    const heading = (m[1] as string).trim();
    const numbered = /^§\s?(\d+[a-z]?(?:\.\d+)*)/.exec(heading);
    if (numbered) ids.add(numbered[1] as string);
    for (const lettered of heading.matchAll(/\b([A-Z]\d+)\b/g)) ids.add(lettered[1] as string);
  }
  return ids;
}

const headingCache = new Map<string, Set<string> | undefined>();
function headingsOf(document: string): Set<string> | undefined {
  if (!headingCache.has(document)) {
    const path = join(ROOT, document);
    headingCache.set(document, existsSync(path) ? headingIds(readFileSync(path, 'utf8')) : undefined);
  }
  return headingCache.get(document);
}

/** Why a citation does not resolve, or undefined when it does. */
function problemWith(c: Citation, headings: (document: string) => Set<string> | undefined = headingsOf): string | undefined {
  const ids = headings(c.document);
  if (!ids) return `${c.file}:${c.line}: "${c.text}" cites ${c.document}, which does not exist`;
  const missing = c.sections.filter((s) => !ids.has(s));
  if (missing.length > 0)
    return `${c.file}:${c.line}: "${c.text}" cites ${missing.map((s) => (/^\d/.test(s) ? `§${s}` : s)).join(', ')} of ${c.document}, which has no such section`;
  return undefined;
}

// ---- rule ids --------------------------------------------------------------------------------

const RULE = /\b(OAUTH|TOK|NET|PG)-(\d+)(?:\s*\.\.\s*(?:(?:OAUTH|TOK|NET|PG)-)?(\d+))?/g;

/** Rule ids cited in `text`, ranges (`NET-1..NET-10`, `NET-1..10`) expanded. */
function findRules(text: string): { id: string; index: number }[] {
  const out: { id: string; index: number }[] = [];
  for (const m of text.matchAll(RULE)) {
    const from = Number(m[2]);
    const to = m[3] === undefined ? from : Number(m[3]);
    for (let n = from; n <= Math.max(from, to); n++) out.push({ id: `${m[1]}-${n}`, index: m.index });
  }
  return out;
}

// ---- documents outside the repository ---------------------------------------------------------

const OUTSIDE = [
  { pattern: /\.\.\/shared\b/, what: 'a path outside the repository (../shared)' },
  { pattern: /\bDESIGN(?:\.md|\s*§)/, what: 'DESIGN.md (its decisions live in ARCHITECTURE.md)' },
  { pattern: /\breference\/[\w-]+\.md/, what: 'a reference/ file (cite docs/ instead)' },
  { pattern: /\bstyle-and-reliability\.md/, what: 'style-and-reliability.md (cite docs/reliability.md)' },
  { pattern: /\breference(?:'s)?\s+(?:§|notes\b)/, what: '"reference §n" (name the document in docs/)' },
];

// ---- the checks ------------------------------------------------------------------------------

const TEXTS = FILES.map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));

describe('citations of the project documents', () => {
  test('the parser reads every citation form the code uses', () => {
    const sections = (s: string) => findCitations('x', s).map((c) => [c.document, c.sections]);
    assert.deepEqual(sections('(ARCHITECTURE.md §5 step 0)'), [['ARCHITECTURE.md', ['5']]]);
    assert.deepEqual(sections('ARCHITECTURE.md §3, §5 step 0;\n * docs/cdata-driver.md §6.4): x'), [
      ['ARCHITECTURE.md', ['3', '5']],
      ['docs/cdata-driver.md', ['6.4']],
    ]);
    assert.deepEqual(sections('ARCHITECTURE.md §7/§9 and ARCHITECTURE.md §7 and §9'), [
      ['ARCHITECTURE.md', ['7', '9']],
      ['ARCHITECTURE.md', ['7', '9']],
    ]);
    assert.deepEqual(sections('docs/backlog-api.md §9.3–§9.5, §9.7 and §7.17-§7.18'), [['docs/backlog-api.md', ['9.3', '9.5', '9.7', '7.17', '7.18']]]);
    assert.deepEqual(sections('docs/backlog-api.md §10, §3.2,\n * §7.10, shapes §7.26'), [['docs/backlog-api.md', ['10', '3.2', '7.10', '7.26']]]);
    assert.deepEqual(sections('(backlog-api.md §13) and [backlog-api.md](backlog-api.md) §2.2'), [
      ['docs/backlog-api.md', ['13']],
      ['docs/backlog-api.md', []],
      ['docs/backlog-api.md', ['2.2']],
    ]);
    assert.deepEqual(sections('NET-1..NET-5 of docs/reliability.md B5, ARCHITECTURE.md §8'), [
      ['docs/reliability.md', ['B5']],
      ['ARCHITECTURE.md', ['8']],
    ]);
    assert.deepEqual(sections('docs/backlog-api.md §15 item 11 and README.md'), [['docs/backlog-api.md', ['15']]]);
    assert.deepEqual(
      findRules('NET-1..NET-3, TOK-9, OAUTH-5/6, PG-1..2').map((r) => r.id),
      ['NET-1', 'NET-2', 'NET-3', 'TOK-9', 'OAUTH-5', 'PG-1', 'PG-2'],
    );
  });

  test('a citation of a missing section or document is reported', () => {
    const headings = (d: string) => (d === 'ARCHITECTURE.md' ? new Set(['1', '5']) : undefined);
    const [good, bad] = findCitations('f.ts', 'ARCHITECTURE.md §5 and ARCHITECTURE.md §13');
    assert.equal(problemWith(good as Citation, headings), undefined);
    assert.match(problemWith(bad as Citation, headings) ?? '', /f\.ts:1: .*§13 of ARCHITECTURE\.md, which has no such section/);
    const [gone] = findCitations('g.ts', 'docs/nowhere.md §1');
    assert.match(problemWith(gone as Citation, headings) ?? '', /docs\/nowhere\.md, which does not exist/);
  });

  test('ARCHITECTURE.md and the docs keep their numbered sections', () => {
    const expect = (document: string, ids: string[]) => {
      const have = headingsOf(document);
      assert.ok(have, `${document} exists`);
      assert.deepEqual(
        ids.filter((id) => !have.has(id)),
        [],
        `${document} lacks these sections`,
      );
    };
    expect('ARCHITECTURE.md', ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
    expect('docs/backlog-api.md', [
      '1',
      '2',
      '2.1',
      '2.2',
      '2.3',
      '3',
      '3.1',
      '3.2',
      '3.3',
      '3.4',
      '3.5',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
      '11',
      '12',
      '13',
      '14',
      '14b',
      '15',
      '16',
      ...Array.from({ length: 28 }, (_, i) => `7.${i + 1}`),
      '8.1',
      '8.2',
      '8.3',
      '9.1',
      '9.2',
      '9.3',
      '9.4',
      '9.5',
      '9.6',
      '9.7',
      '10.1',
      '10.2',
      '10.3',
      '11.1',
      '11.2',
      '11.3',
      '11.4',
      '11.5',
      '11.6',
      '11.7',
      ...Array.from({ length: 17 }, (_, i) => `15.${i + 1}`),
    ]);
    expect('docs/cdata-driver.md', [
      '1',
      '2',
      '2.1',
      '2.2',
      '3',
      '3.1',
      '3.2',
      '3.3',
      '3.4',
      '3.5',
      '4',
      '4.1',
      '4.2',
      '5',
      '6',
      '6.1',
      '6.2',
      '6.3',
      '6.4',
      '6.5',
      '6.6',
      '7',
      '7.1',
      '7.2',
      '7.3',
      '7.4',
      '7.5',
      '7.6',
      '8',
      '8.1',
      '8.2',
      '8.3',
      '8.4',
      '9',
      '10',
      '11',
    ]);
    expect('docs/reliability.md', ['A4', 'B5']);
  });

  test('every citation names a document and sections that exist', () => {
    const citations = TEXTS.flatMap(({ file, text }) => findCitations(file, text));
    // Not vacuous: the code cites these documents well over a hundred times.
    assert.ok(citations.filter((c) => c.sections.length > 0 && c.file.startsWith('src/')).length > 100, 'citations found in src/');
    assert.deepEqual(
      citations.map((c) => problemWith(c)).filter((p) => p !== undefined),
      [],
    );
  });

  test('every rule id cited is defined in docs/reliability.md', () => {
    const rules = readFileSync(join(ROOT, 'docs/reliability.md'), 'utf8');
    const defined = new Set([...rules.matchAll(/^- \*\*((?:OAUTH|TOK|NET|PG)-\d+)\*\*/gm)].map((m) => m[1] as string));
    assert.ok(
      defined.has('NET-10') && defined.has('OAUTH-14') && defined.has('TOK-12') && defined.has('PG-10'),
      'the rules are defined as "- **ID** statement"',
    );
    const undefinedRules = TEXTS.flatMap(({ file, text }) =>
      findRules(text)
        .filter((r) => !defined.has(r.id))
        .map((r) => `${file}:${lineOf(text, r.index)}: ${r.id} is not defined in docs/reliability.md`),
    );
    assert.deepEqual(undefinedRules, []);
  });

  test('nothing cites a document outside the repository', () => {
    const outside = TEXTS.flatMap(({ file, text }) =>
      OUTSIDE.flatMap(({ pattern, what }) => {
        const m = new RegExp(pattern.source, 'g');
        return [...text.matchAll(m)].map((hit) => `${file}:${lineOf(text, hit.index)}: cites ${what}`);
      }),
    );
    assert.deepEqual(outside, []);
  });
});
