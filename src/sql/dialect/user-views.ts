/**
 * CData's user-defined views (docs/cdata-driver.md §7.3): a JSON file, named by the
 * `UserDefinedViews` property, mapping each view name to `{ "query": "SELECT …" }`, and the DDL
 * `CREATE LOCAL VIEW name AS SELECT …`, `ALTER LOCAL VIEW name AS SELECT …`, `DROP LOCAL VIEW name`
 * that change it. A view is its query: before a statement is parsed, each view name in a table
 * position (after FROM, JOIN, or a comma of a FROM list; bare, "quoted", [bracketed] or
 * `UserViews.`-qualified) becomes `(query) AS name`, so the planner sees the Backlog tables under
 * it and pushes the view's own filters down as it does for any subquery; DuckDB evaluates the
 * rest. The file is rewritten (temp file + rename) on every change.
 */
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, SqlError } from '../../errors.js';
import { leadingCode, tokenize, type Token } from '../lexer.js';
import { rewriteCdataDialect } from './rewrite.js';

export interface UserView {
  name: string;
  query: string;
}

/**
 * The views file of a connection: `UserDefinedViews`, else `UserDefinedViews.json` in the
 * `Location` folder (CData reads that file of its schema folder automatically), else none.
 */
export function userViewsFile(config: { userDefinedViews?: string | undefined; location?: string | undefined }): string | undefined {
  if (config.userDefinedViews) return config.userDefinedViews;
  return config.location ? join(config.location, 'UserDefinedViews.json') : undefined;
}

/** How deep views may name other views (a view naming itself, directly or not, stops here). */
const MAX_NESTING = 16;

export class UserViews {
  private readonly byName = new Map<string, UserView>();
  /**
   * The views by lower-case name. Read as a field (its `size` above all): every statement asks
   * whether there are views to expand, and most connections have none.
   */
  readonly views: ReadonlyMap<string, UserView> = this.byName;
  /** The file's size, time and inode when this connection last read or wrote it. */
  private stamp = MISSING;

  private constructor(readonly file: string | undefined) {}

  /** The views of `file` (none when it is not set or does not exist yet: CREATE LOCAL VIEW makes it). */
  static load(file: string | undefined): UserViews {
    const out = new UserViews(file);
    if (!file) return out;
    out.stamp = stampOf(file);
    if (out.stamp !== MISSING) for (const v of readViews(file)) out.byName.set(v.name.toLowerCase(), v);
    return out;
  }

  /**
   * Read the file again if it changed since this connection last read or wrote it (another
   * process's CREATE LOCAL VIEW, an edit): true when the views changed. A file that no longer
   * parses keeps the views as they were (the edit may be half done); a deleted file has none.
   */
  reloadIfChanged(): boolean {
    if (!this.file) return false;
    const stamp = stampOf(this.file);
    if (stamp === this.stamp) return false;
    this.stamp = stamp;
    let views: UserView[];
    try {
      views = stamp === MISSING ? [] : readViews(this.file);
    } catch {
      return false;
    }
    this.byName.clear();
    for (const v of views) this.byName.set(v.name.toLowerCase(), v);
    return true;
  }

  list(): UserView[] {
    return [...this.views.values()];
  }

  get(name: string): UserView | undefined {
    return this.views.get(name.toLowerCase());
  }

  /** Add or replace a view, and save the file. */
  set(name: string, query: string): void {
    this.byName.set(name.toLowerCase(), { name, query });
    this.save();
  }

  delete(name: string): void {
    this.byName.delete(name.toLowerCase());
    this.save();
  }

  private save(): void {
    if (!this.file) return;
    const json: Record<string, { query: string }> = {};
    for (const v of this.views.values()) json[v.name] = { query: v.query };
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(json, null, 2)}\n`);
    renameSync(temp, this.file);
    this.stamp = stampOf(this.file);
  }
}

const MISSING = 'missing';

/** What tells a changed file from the one last seen, without reading it (a stat: microseconds). */
function stampOf(file: string): string {
  try {
    const st = statSync(file, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch {
    return MISSING;
  }
}

/** The views of a file in CData's format; a ConfigError naming the problem otherwise. */
function readViews(file: string): UserView[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`UserDefinedViews: ${file} is not valid JSON (${(e as Error).message})`, 'UserDefinedViews', {
      hint: 'The file maps each view name to {"query": "SELECT …"}: {"MyView": {"query": "SELECT * FROM Issues WHERE StatusId = 1"}}',
    });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(`UserDefinedViews: ${file} must hold one JSON object (view name → {"query": "SELECT …"})`, 'UserDefinedViews');
  }
  const out: UserView[] = [];
  for (const [name, value] of Object.entries(json)) {
    const query = (value as { query?: unknown } | null)?.query;
    if (typeof query !== 'string' || query.trim() === '') {
      throw new ConfigError(`UserDefinedViews: view "${name}" in ${file} has no "query" text`, 'UserDefinedViews', {
        hint: `Write it as "${name}": {"query": "SELECT …"}`,
      });
    }
    out.push({ name, query: query.trim().replace(/;\s*$/, '') });
  }
  return out;
}

/** The clause a `,` at this depth continues: in FROM, the next name is a table. */
const CLAUSES = /^(SELECT|FROM|WHERE|GROUP|HAVING|ORDER|LIMIT|OFFSET|QUALIFY|WINDOW|UNION|EXCEPT|INTERSECT|VALUES|SET|RETURNING|ON|USING)$/i;
/** Words that cannot be an alias after a table name. */
const NOT_ALIAS =
  /^(WHERE|GROUP|HAVING|ORDER|LIMIT|OFFSET|QUALIFY|WINDOW|UNION|EXCEPT|INTERSECT|JOIN|INNER|LEFT|RIGHT|FULL|CROSS|NATURAL|POSITIONAL|ASOF|ANTI|SEMI|ON|USING|RETURNING|SET|TABLESAMPLE|USING)$/i;

const nameText = (t: Token) => (t.kind === 'ident' ? t.text.slice(1, -1).replaceAll('""', '"') : t.text);

/**
 * `sql` (already in DuckDB's dialect: ./rewrite.ts) with every view named in a table position
 * replaced by its query in parentheses.
 */
export function expandUserViews(sql: string, views: UserViews, depth = 0): string {
  if (views.views.size === 0) return sql;
  const tokens = tokenize(sql);
  const clause: string[] = [''];
  const edits: { start: number; end: number; text: string }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'punct' && t.text === '(') clause.push('');
    else if (t.kind === 'punct' && t.text === ')') clause.pop();
    else if (t.kind === 'word' && CLAUSES.test(t.text)) clause[clause.length - 1] = t.text.toUpperCase();
    if (t.kind !== 'word' && t.kind !== 'ident') continue;
    const before = tokens[i - 1];
    const tablePosition = before !== undefined && (/^(FROM|JOIN)$/i.test(before.text) || (before.text === ',' && clause[clause.length - 1] === 'FROM'));
    if (!tablePosition || tokens[i + 1]?.text === '(' || tokens[i + 1]?.text === '.') continue;
    const view = views.get(nameText(t));
    if (!view) continue;
    if (depth >= MAX_NESTING) {
      throw new SqlError(`user-defined view "${view.name}" names itself (through ${MAX_NESTING} views)`, undefined, {
        sqlstate: '42P17',
        hint: 'ALTER LOCAL VIEW it so that its query reads Backlog tables or other views only.',
      });
    }
    const next = tokens[i + 1];
    const aliased = next !== undefined && (next.kind === 'ident' || (next.kind === 'word' && !NOT_ALIAS.test(next.text)));
    const inner = expandUserViews(rewriteCdataDialect(view.query), views, depth + 1);
    edits.push({ start: t.start, end: t.end, text: `(${inner})${aliased ? '' : ` AS "${view.name.replaceAll('"', '""')}"`}` });
  }
  let out = sql;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

export type ViewStatement = { verb: 'CREATE' | 'ALTER'; name: string; query: string } | { verb: 'DROP'; name: string; ifExists: boolean };

/** CREATE / ALTER / DROP LOCAL VIEW, or undefined for any other statement. */
export function parseViewStatement(sql: string): ViewStatement | undefined {
  const lead = leadingCode(sql, 40);
  if (!/^\s*(CREATE|ALTER|DROP)\s+LOCAL\s+VIEW\b/i.test(lead)) return undefined;
  const name = String.raw`(\[[^\]]+\]|"(?:[^"]|"")+"|[\p{L}_][\p{L}\p{N}_]*)`;
  const unquote = (n: string) => (n.startsWith('[') ? n.slice(1, -1).trim() : n.startsWith('"') ? n.slice(1, -1).replaceAll('""', '"') : n);
  const text = sql.replace(/;\s*$/, '');
  const drop = new RegExp(String.raw`^\s*DROP\s+LOCAL\s+VIEW\s+(IF\s+EXISTS\s+)?(?:UserViews\s*\.\s*)?${name}\s*$`, 'iu').exec(text);
  if (drop) return { verb: 'DROP', name: unquote(drop[2] as string), ifExists: drop[1] !== undefined };
  const create = new RegExp(String.raw`^\s*(CREATE|ALTER)\s+LOCAL\s+VIEW\s+(?:UserViews\s*\.\s*)?${name}\s+AS\s+`, 'iu').exec(text);
  if (!create) {
    throw new SqlError('LOCAL VIEW statements are CREATE LOCAL VIEW name AS SELECT …, ALTER LOCAL VIEW name AS SELECT … and DROP LOCAL VIEW name', 1, {
      syntax: true,
      sqlstate: '42601',
    });
  }
  const query = text.slice(create[0].length).trim();
  if (!/^(SELECT|WITH|FROM|\()/i.test(query)) {
    throw new SqlError('a local view is a query: AS must be followed by SELECT', create[0].length + 1, { syntax: true, sqlstate: '42601' });
  }
  return { verb: (create[1] as string).toUpperCase() as 'CREATE' | 'ALTER', name: unquote(create[2] as string), query };
}
