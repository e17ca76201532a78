/**
 * Statements for the fuzz suite (issue 11): generated from a small grammar over the real tables
 * and procedures, and mutated from a corpus of valid statements (the correctness suite's
 * queries, writes, procedure calls). Everything comes from one seeded PRNG, so a failing input
 * can be reproduced from its seed and index.
 */
import { Rng } from '../../src/emulator/rng.js';
import { PROCEDURES } from '../../src/procedures/index.js';
import { TABLES } from '../../src/schema/tables/index.js';
import { QUERIES } from '../correctness/queries.js';

export interface FuzzCase {
  sql: string;
  params?: unknown;
  /** Run on the connection without external access (statements that would touch files or settings). */
  remote?: boolean;
}

const READ_TABLES = TABLES.filter(
  (t) =>
    ![
      'IssueComments',
      'IssueCommentChangeLog',
      'IssueCommentNotifications',
      'IssueCommentStars',
      'PullRequestComments',
      'PullRequestCommentChangeLog',
      'PullRequestCommentNotifications',
      'PullRequestCommentStars',
      'ProjectRecentUpdates',
    ].includes(t.name),
);
const WRITE_TABLES = TABLES.filter((t) => t.writes !== undefined);

/** Constants that have broken something somewhere: overflows, odd numbers, quotes, Unicode. */
const ODD_CONSTANTS = [
  '0',
  '1',
  '-1',
  '2147483648',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775809',
  '99999999999999999999999',
  '1e309',
  '-1e309',
  '1e-400',
  '.5',
  '5.',
  '0.0000001',
  '1/0',
  '1 // 0',
  '0/0',
  "'NaN'::DOUBLE",
  "'inf'::DOUBLE",
  "''",
  "'x'",
  "'it''s'",
  "'\\'",
  "'%_'",
  "'あいう'",
  "'😀'",
  "'a\nb'",
  "E'\\x00'",
  "'2026-13-45'",
  "'2026-02-30'",
  "DATE '2026-11-01'",
  "TIMESTAMP '2026-11-01 25:00:00'",
  "'abc'::INTEGER",
  "'1'::BIGINT",
  'NULL',
  'TRUE',
  'FALSE',
  '[1, 2, 3]',
  '[]',
  "{'a': 1}",
  '\'{"a":1}\'::JSON',
  'CURRENT_DATE',
  'now()',
  "repeat('x', 10000)",
  'chr(0)',
  '?',
  '$1',
  '$2',
  '$name',
  '@name',
  '@@x',
  ':x',
  '$$dollar$$',
];

const FUNCTIONS = [
  'upper',
  'lower',
  'length',
  'abs',
  'round',
  'coalesce',
  'json_extract',
  'regexp_matches',
  'strftime',
  'date_trunc',
  'list_value',
  'string_agg',
  'count',
  'sum',
  'max',
  'hash',
  'md5',
  'substr',
  'concat',
];
const OPS = ['=', '<>', '!=', '<', '<=', '>', '>=', 'LIKE', 'ILIKE', 'IS', 'IS NOT', '||', '+', '-', '*', '/', '%', '~', '@>', '&&'];
const KEYWORDS = [
  'SELECT',
  'FROM',
  'WHERE',
  'GROUP BY',
  'ORDER BY',
  'LIMIT',
  'OFFSET',
  'HAVING',
  'JOIN',
  'ON',
  'UNION',
  'EXCEPT',
  'AS',
  'AND',
  'OR',
  'NOT',
  'IN',
  'BETWEEN',
  'CASE',
  'WHEN',
  'END',
  'DISTINCT',
  'WITH',
  'EXPLAIN',
  'ANALYZE',
  'RETURNING',
  'SET',
  'VALUES',
  'INTO',
  'EXEC',
  'CALL',
];
const SHARDS = [
  "'",
  '"',
  '(',
  ')',
  ',',
  ';',
  '--',
  '/*',
  '*/',
  '$',
  '$1',
  '?',
  '@x',
  '::',
  '[',
  ']',
  '.',
  '.5',
  '1e309',
  '-',
  'NULL',
  '\u0000',
  '\u3042',
  '😀',
  '\\',
  "E'\\",
  '$$',
  '$tag$',
  'EXPLAIN ANALYZE ',
  ' UNION ALL SELECT 1',
  '99999999999999999999',
  "'" + 'x'.repeat(300),
  '=>',
  '@',
  '*',
  '\t',
  '\n',
  '\r\n',
  '\u00a0',
  '\ufeff',
  '\ud800',
];

/** Statements that are not queries or writes: run only where nothing reaches files or settings. */
const OTHER = [
  'CREATE TABLE t (x INTEGER)',
  'DROP TABLE Issues',
  "ATTACH 'x.db' AS x",
  'SET threads = 1',
  'PRAGMA version',
  'SHOW TABLES',
  'DESCRIBE Issues',
  "COPY (SELECT 1) TO 'out.csv'",
  "COPY Issues TO 'issues.csv'",
  'CHECKPOINT',
  'VACUUM',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'PREPARE p AS SELECT 1',
  'EXECUTE p',
  'CREATE MACRO m(x) AS x',
  'SUMMARIZE Issues',
  "EXPORT DATABASE 'dir'",
  'LOAD httpfs',
  'INSTALL httpfs',
  'RESET ALL',
  'DETACH x',
  'USE memory',
];

const CORPUS: string[] = [
  ...QUERIES.map((q) => q.sql),
  "INSERT INTO Issues (ProjectId, Summary, IssueTypeId, PriorityId) VALUES (1, 'fuzz', 1, 3)",
  "UPDATE Issues SET Summary = 'x', DueDate = '2026-12-01' WHERE IssueKey = 'WEB-1'",
  "UPDATE Issues SET StatusId = 4, Comment = 'Closed' WHERE Id IN (SELECT Id FROM Issues WHERE ProjectId = 1 LIMIT 2) RETURNING Id, StatusId",
  "DELETE FROM IssueComments WHERE IssueKey = 'WEB-2' AND Id = 1",
  "INSERT INTO IssueComments (IssueKey, Content) VALUES ('WEB-1', 'hello') RETURNING Id",
  "UPDATE Projects SET Name = Name || '!' WHERE Id = 1",
  'EXEC GetOwnUser',
  'EXEC AddStar @IssueId = 1',
  'CALL AddStar(IssueId => 1)',
  'EXEC MarkNotificationAsRead @NotificationId = 1',
  "EXEC UpdateStatusDisplayOrder @ProjectKey = 'WEB', @StatusIds = '1, 2, 3'",
  "EXEC DownloadAttachment @IssueKey = 'WEB-1', @AttachmentId = 1",
  "EXEC GetOAuthAuthorizationURL @CallbackURL = 'http://localhost:33333', @State = 'x'",
  "EXEC AddRelatedIssue @IssueKey = 'WEB-1', @RelatedIssueKey = 'WEB-2'",
  'EXPLAIN SELECT * FROM Issues WHERE ProjectId = 1',
  'EXPLAIN ANALYZE SELECT IssueKey FROM Issues WHERE StatusId IN (1, 2) LIMIT 3',
  'SELECT * FROM sys_tables',
  'SELECT * FROM sys_identity',
  "SELECT Name, Value FROM sys_connection_props WHERE Name = 'URL'",
  'WITH x AS (SELECT Id FROM Projects) SELECT count(*) FROM Issues i JOIN x ON i.ProjectId = x.Id',
  "SELECT IssueKey FROM Issues WHERE Summary LIKE '%a%' AND Created > ? ORDER BY Created DESC LIMIT 3",
  'SELECT * FROM Issues WHERE Id = $1 OR IssueKey = @key',
];

export class Generator {
  readonly rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  private pick<T>(items: readonly T[]): T {
    return this.rng.pick(items);
  }

  private column(table = this.pick(READ_TABLES)): string {
    if (this.rng.bool(0.1)) return this.pick(['NoSuchColumn', '"Id"', 'id', 'ID', '*', 't.*', '"weird ""name"""', 'sys_identity.Id']);
    return this.pick(table.columns).name;
  }

  private constant(): string {
    if (this.rng.bool(0.6)) return this.pick(ODD_CONSTANTS);
    return String(this.rng.int(-5, 100));
  }

  private expr(table: (typeof TABLES)[number], depth = 0): string {
    const r = this.rng.next();
    if (depth > 2 || r < 0.35) return this.column(table);
    if (r < 0.6) return this.constant();
    if (r < 0.75) return `${this.pick(FUNCTIONS)}(${this.expr(table, depth + 1)}${this.rng.bool(0.3) ? `, ${this.expr(table, depth + 1)}` : ''})`;
    if (r < 0.85)
      return `CAST(${this.expr(table, depth + 1)} AS ${this.pick(['INTEGER', 'BIGINT', 'VARCHAR', 'DATE', 'TIMESTAMPTZ', 'DOUBLE', 'BOOLEAN', 'INTEGER[]', 'JSON', 'NOSUCHTYPE'])})`;
    if (r < 0.92) return `(${this.expr(table, depth + 1)} ${this.pick(OPS)} ${this.expr(table, depth + 1)})`;
    return `(SELECT ${this.column(table)} FROM ${table.name} LIMIT 1)`;
  }

  private predicate(table: (typeof TABLES)[number]): string {
    const col = this.column(table);
    const parts = [
      () => `${col} = ${this.constant()}`,
      () => `${col} IN (${Array.from({ length: this.rng.int(0, 4) }, () => this.constant()).join(', ')})`,
      () => `${col} BETWEEN ${this.constant()} AND ${this.constant()}`,
      () => `${col} LIKE ${this.pick(["'%'", "'a%'", "'%\\%'", "'['", 'NULL'])}`,
      () => `${col} IS ${this.rng.bool() ? '' : 'NOT '}NULL`,
      () => `${col} ${this.pick(OPS)} ${this.expr(table)}`,
      () => `${col} IN (SELECT ${this.column()} FROM ${this.pick(READ_TABLES).name})`,
      () => `NOT (${this.expr(table)})`,
    ];
    return this.pick(parts)();
  }

  /** A SELECT (or EXPLAIN, CTE, multi-statement) over a random table. */
  select(): string {
    const table = this.pick(READ_TABLES);
    const alias = this.rng.bool(0.3) ? ` ${this.pick(['t', 'i', '"x"', 'AS a'])}` : '';
    const items = Array.from({ length: this.rng.int(1, 4) }, () => this.expr(table)).join(', ');
    let sql = `SELECT ${this.rng.bool(0.1) ? 'DISTINCT ' : ''}${items} FROM ${this.rng.bool(0.03) ? 'NoSuchTable' : table.name}${alias}`;
    if (this.rng.bool(0.2)) {
      const other = this.pick(READ_TABLES);
      sql += ` JOIN ${other.name} o ON o.${this.column(other)} = ${this.column(table)}`;
    }
    if (this.rng.bool(0.7)) sql += ` WHERE ${this.predicate(table)}${this.rng.bool(0.4) ? ` ${this.pick(['AND', 'OR'])} ${this.predicate(table)}` : ''}`;
    if (this.rng.bool(0.2)) sql += ` GROUP BY ${this.column(table)}`;
    if (this.rng.bool(0.3)) sql += ` ORDER BY ${this.column(table)}${this.rng.bool() ? ' DESC' : ''}`;
    if (this.rng.bool(0.5)) sql += ` LIMIT ${this.pick(['0', '1', '5', '-1', '2147483648', '1e309', '?', 'NULL', "'3'"])}`;
    if (this.rng.bool(0.1)) sql += ` OFFSET ${this.pick(['1', '-5', '99999999999'])}`;
    const wrap = this.rng.next();
    if (wrap < 0.1) sql = `EXPLAIN ${sql}`;
    else if (wrap < 0.2) sql = `EXPLAIN ANALYZE ${sql}`;
    else if (wrap < 0.27) sql = `WITH c AS (${sql}) SELECT * FROM c`;
    else if (wrap < 0.3) sql = `${sql}; ${this.select()}`;
    return sql;
  }

  /** INSERT / UPDATE / DELETE over a writable table, values odd on purpose. */
  write(): string {
    const table = this.pick(WRITE_TABLES);
    const cols = this.rng.sample(table.columns, this.rng.int(1, 3)).map((c) => c.name);
    const returning = this.rng.bool(0.2) ? ` RETURNING ${this.rng.bool() ? '*' : this.column(table)}` : '';
    switch (this.rng.int(0, 2)) {
      case 0:
        return `INSERT INTO ${table.name} (${cols.join(', ')}) VALUES (${cols.map(() => this.constant()).join(', ')})${returning}`;
      case 1:
        return `UPDATE ${table.name} SET ${cols.map((c) => `${c} = ${this.expr(table)}`).join(', ')} WHERE ${this.predicate(table)}${returning}`;
      default:
        return `DELETE FROM ${table.name} WHERE ${this.predicate(table)}${returning}`;
    }
  }

  /** EXEC or CALL of a random procedure with random arguments. */
  call(): string {
    const proc = this.rng.bool(0.95) ? this.pick(PROCEDURES) : { name: 'NoSuchProcedure', parameters: [{ name: 'X' }] };
    const args = this.rng
      .sample(proc.parameters, this.rng.int(0, proc.parameters.length))
      .map((p) => ({ name: this.rng.bool(0.05) ? 'Bogus' : p.name, value: this.constant() }));
    if (this.rng.bool()) return `EXEC ${proc.name}${args.length ? ' ' : ''}${args.map((a) => `@${a.name} = ${a.value}`).join(', ')}`;
    return `CALL ${proc.name}(${args.map((a) => `${a.name} => ${a.value}`).join(', ')})`;
  }

  /** A corpus statement with 1–3 mutations. */
  mutated(): string {
    let sql = this.pick(CORPUS);
    for (let n = this.rng.int(1, 3); n > 0; n--) sql = this.mutate(sql);
    return sql;
  }

  mutate(sql: string): string {
    const at = this.rng.int(0, sql.length);
    switch (this.rng.int(0, 7)) {
      case 0:
        return sql.slice(0, at) + sql.slice(at + this.rng.int(1, 6));
      case 1:
        return sql.slice(0, at) + this.pick(SHARDS) + sql.slice(at);
      case 2:
        return sql.slice(0, at) + ` ${this.pick(KEYWORDS)} ` + sql.slice(at);
      case 3:
        return sql.slice(0, at);
      case 4: {
        const span = sql.slice(at, at + this.rng.int(1, 20));
        return sql.slice(0, at) + span + span + sql.slice(at + span.length);
      }
      case 5: {
        const words = sql.split(/(\s+)/);
        const i = this.rng.int(0, words.length - 1);
        const j = this.rng.int(0, words.length - 1);
        [words[i], words[j]] = [words[j] as string, words[i] as string];
        return words.join('');
      }
      case 6:
        return sql.replace(/\b\d+\b/, () => this.pick(ODD_CONSTANTS));
      default:
        return sql.slice(0, at) + this.constant() + sql.slice(at);
    }
  }

  /** Bound values, sometimes wrong in kind or count. */
  params(sql: string): unknown {
    const r = this.rng.next();
    const value = () =>
      this.pick<unknown>([
        1,
        -1,
        0.5,
        2 ** 53,
        Number.NaN,
        Infinity,
        'x',
        '',
        'WEB-1',
        "it's",
        '\u0000',
        null,
        undefined,
        true,
        new Date(0),
        new Date(Number.NaN),
        [1, 2],
        [new Date(Number.NaN)],
        { a: 1 },
        10n ** 20n,
        Buffer.from('x'),
        () => 1,
        Symbol('s'),
      ]);
    if (r < 0.05) return this.pick<unknown>(['not params', 42, null]);
    if (r < 0.3) return { name: value(), key: value(), code: value(), n: value() };
    const wanted = (sql.match(/\?|\$\d/g) ?? []).length + this.rng.int(-1, 1);
    return Array.from({ length: Math.max(0, wanted) }, value);
  }

  /** The next case: a mix of every kind. */
  next(): FuzzCase {
    const r = this.rng.next();
    let c: FuzzCase;
    if (r < 0.55) c = { sql: this.mutated() };
    else if (r < 0.75) c = { sql: this.select() };
    else if (r < 0.85) c = { sql: this.write() };
    else if (r < 0.95) c = { sql: this.call() };
    else c = { sql: this.pick(OTHER), remote: true };
    if (/[?$@:]/.test(c.sql) || this.rng.bool(0.1)) c.params = this.params(c.sql);
    // Procedure arguments that name local files only where remote SQL may not touch them.
    if (!c.remote && (this.rng.bool(0.2) || /folder|path/i.test(c.sql))) c.remote = true;
    return c;
  }
}
