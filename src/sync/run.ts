/**
 * The sync core (ARCHITECTURE.md §12, "Replication"): read tables through the library's own
 * table definitions (the same `list` fetches and column values a SELECT loads) and write them to a
 * destination, typed, with primary keys, incrementally by the rules of ./rules.ts.
 *
 * Crash safety: each table is written in one destination transaction together with its checkpoint
 * row, so a run killed at any point leaves every table either as the previous run left it or
 * complete, and the next run resumes from the checkpoints. Every write is idempotent (delete the
 * keys, insert the rows), so re-reading an overlap is harmless.
 */
import { NEVER_ABORTED } from '../util/never-aborted.js';
import { createHash } from 'node:crypto';
import type { ApiClient } from '../api/types.js';
import { CancelledError, ConfigError } from '../errors.js';
import type { Registry } from '../schema/registry.js';
import type { FetchContext, ProjectRef, Qual, SqlType, TableDef } from '../schema/types.js';
import { tableRowPages, type QueryResult } from '../sql/engine.js';
import { closestName } from '../util/closest.js';
import { quoteIdent, quoteLiteral, type Checkpoint, type Destination, type DestinationTx, type DestTable } from './destination.js';
import { ISSUE_CHILDREN, nameDependents, ruleOf, SKIPPED, type SyncRule } from './rules.js';
import { sharedCommentReads } from './shared-reads.js';

/** What the core reads from: a library Connection. */
export interface SyncSource {
  readonly registry: Registry;
  readonly api: ApiClient;
  fetchContext(
    signal: AbortSignal,
    warn: (message: string) => void,
    options?: { orderBy?: readonly { column: string; desc: boolean }[]; table?: TableDef; projects?: () => Promise<readonly ProjectRef[]>; api?: ApiClient },
  ): FetchContext;
  query(sql: string, params?: undefined, options?: { signal?: AbortSignal; rowMode?: 'array' }): Promise<QueryResult>;
}

export interface ReplicateProgress {
  table: string;
  phase: 'start' | 'done';
  rule: SyncRule | 'select';
  mode?: TableReport['mode'];
  rows?: number;
  requests?: number;
  /** With phase 'done': what the table's refresh did. */
  report?: TableReport;
}

export interface ReplicateOptions {
  /** Tables to replicate (any case); undefined: every table of the space (REPLICATE without a name). */
  tables?: readonly string[];
  /** REPLICATE T SELECT …: the destination table and the query whose result it holds. */
  select?: { table: string; sql: string };
  signal?: AbortSignal;
  onProgress?: (event: ReplicateProgress) => void;
  /** Seconds before the watermark that are read again each run (clock skew, same-second updates). Default 300. */
  overlapSeconds?: number;
}

export interface TableReport {
  table: string;
  rule: SyncRule | 'select';
  /** full: (re)built from scratch; incremental: only what changed was read. */
  mode: 'full' | 'incremental';
  /** Rows in the destination table after the run. */
  rows: number;
  /** Rows written (inserted or replaced) and deleted by this run. */
  written: number;
  deleted: number;
  /** Backlog requests this table's refresh made. */
  requests: number;
  /** Projects whose issue ids were reconciled because their counts disagreed. */
  reconciled?: number[];
}

export interface ReplicateReport {
  destination: string;
  tables: TableReport[];
  requests: number;
  warnings: string[];
  skipped: { table: string; why: string }[];
}

const DEFAULT_OVERLAP = 300;

/**
 * The Issues checkpoint's state: runs are numbered (`seq`), and issues that entered the replica
 * through a reconciliation (a project that became visible, an issue the scan missed) with an old
 * `updated` wait in `pending` until every per-issue table has read them (its own `seq` says which
 * Issues run it has caught up with).
 */
interface IssuesState {
  seq: number;
  pending: { id: number; seq: number }[];
  /** The newest "issue deleted" activity already applied (space activities, type 4). */
  activityId?: number;
}

/** Backlog's activity type for a deleted issue (docs/backlog-api.md §13). */
const ISSUE_DELETED = 4;

interface ChildState {
  seq: number;
}

function parseState<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return { ...fallback, ...(JSON.parse(text) as T) };
  } catch {
    return fallback;
  }
}

export function digestOf(table: DestTable): string {
  return createHash('sha256')
    .update(JSON.stringify([table.columns, table.key]))
    .digest('hex')
    .slice(0, 16);
}

export function destTable(def: TableDef): DestTable {
  return {
    name: def.name,
    columns: def.columns.map((c) => ({ name: c.name, type: c.type })),
    key: def.kind === 'table' || def.columns.some((c) => c.key) ? def.columns.filter((c) => c.key).map((c) => c.name) : [],
  };
}

/** Rows with the same key once (the last read wins): a replica's primary key admits one. */
function dedupe(table: DestTable, rows: unknown[][]): unknown[][] {
  if (table.key.length === 0) return rows;
  const idx = table.key.map((k) => table.columns.findIndex((c) => c.name === k));
  const byKey = new Map<string, unknown[]>();
  for (const r of rows) byKey.set(JSON.stringify(idx.map((i) => r[i])), r);
  // Rows with a NULL key cannot be stored under a primary key.
  return [...byKey.values()].filter((r) => idx.every((i) => r[i] !== null && r[i] !== undefined));
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

/** The tables a run covers, in order: Issues before the tables that hang off it. */
export function planTables(registry: Registry, names: readonly string[] | undefined): { tables: TableDef[]; skipped: { table: string; why: string }[] } {
  const skipped: { table: string; why: string }[] = [];
  let chosen: TableDef[];
  if (names === undefined) {
    chosen = registry.tables.filter((t) => {
      if (ruleOf(t) !== 'skip') return true;
      skipped.push({ table: t.name, why: SKIPPED[t.name] ?? '' });
      return false;
    });
  } else {
    chosen = names.map((n) => {
      const t = registry.table(n);
      if (!t) {
        const near = closestName(
          n,
          registry.tables.map((x) => x.name),
        );
        throw new ConfigError(`REPLICATE: table "${n}" does not exist`, undefined, {
          hint: near ? `Did you mean "${near}"? SELECT * FROM sys_tables lists the tables.` : 'SELECT * FROM sys_tables lists the tables.',
        });
      }
      if (ruleOf(t) === 'skip')
        throw new ConfigError(`REPLICATE: ${t.name} cannot be replicated: ${SKIPPED[t.name]}`, undefined, { hint: `Query ${t.name} directly instead.` });
      return t;
    });
    if (chosen.some((t) => ruleOf(t) === 'issue-child') && !chosen.some((t) => t.name === 'Issues')) {
      const issues = registry.table('Issues');
      if (issues) chosen.push(issues);
    }
  }
  const unique = [...new Map(chosen.map((t) => [t.name, t])).values()];
  const rank = (t: TableDef) => (ruleOf(t) === 'issues' ? 1 : ruleOf(t) === 'issue-child' ? 2 : 0);
  return { tables: unique.sort((a, b) => rank(a) - rank(b)), skipped };
}

/** SQL type of a query result column (DuckDB's names) as a replica column type. */
function sqlTypeOf(duckType: string): SqlType {
  const t = duckType.toUpperCase();
  if (t === 'TIMESTAMPTZ' || t === 'TIMESTAMP WITH TIME ZONE') return 'TIMESTAMPTZ';
  if (t === 'BIGINT' || t === 'HUGEINT' || t === 'UBIGINT' || t === 'UINTEGER') return 'BIGINT';
  if (t === 'INTEGER' || t === 'SMALLINT' || t === 'TINYINT' || t === 'USMALLINT' || t === 'UTINYINT') return 'INTEGER';
  if (t === 'BOOLEAN') return 'BOOLEAN';
  if (t === 'DATE') return 'DATE';
  if (t === 'DOUBLE' || t === 'FLOAT' || t === 'REAL') return 'DOUBLE';
  // Hours and sums of them keep their two decimals; any other scale would be rounded there.
  if (/^DECIMAL\(\d+,\s*2\)$/.test(t)) return 'DECIMAL(18,2)';
  if (t.startsWith('DECIMAL')) return 'DOUBLE';
  return 'VARCHAR';
}

class Run {
  readonly warnings: string[] = [];
  /** The client's request counter when the current table's step began. */
  stepStart = 0;
  /** Issues was built in full by this run: its per-issue tables are rebuilt too. */
  issuesRebuilt = false;
  /** The source's client, with an issue's comment pages read once per run (./shared-reads.ts). */
  private readonly api: ApiClient;
  private projectList: Promise<readonly ProjectRef[]> | undefined;

  constructor(
    private readonly source: SyncSource,
    private readonly dest: Destination,
    private readonly checkpoints: Map<string, Checkpoint>,
    private readonly existing: Set<string>,
    private readonly signal: AbortSignal,
    private readonly overlapMs: number,
  ) {
    this.api = sharedCommentReads(source.api);
  }

  ctx(table: TableDef, orderBy: readonly { column: string; desc: boolean }[] = []): FetchContext {
    // One project list per run, shared by every table.
    return this.source.fetchContext(this.signal, (m) => this.warnings.push(m), {
      table,
      orderBy,
      api: this.api,
      projects: () => (this.projectList ??= this.source.fetchContext(this.signal, () => undefined).projects()),
    });
  }

  async read(
    table: TableDef,
    quals: readonly Qual[],
    until?: (page: unknown[][]) => boolean,
    orderBy?: readonly { column: string; desc: boolean }[],
  ): Promise<unknown[][]> {
    const rows: unknown[][] = [];
    for await (const page of tableRowPages(table, this.ctx(table, orderBy), quals)) {
      if (this.signal.aborted) throw new CancelledError();
      rows.push(...page);
      if (until?.(page)) break;
    }
    return rows;
  }

  /** The checkpoint of a table when the destination still holds it with the same columns. */
  valid(table: DestTable): Checkpoint | undefined {
    const cp = this.checkpoints.get(table.name.toLowerCase());
    // A table replicate did not write (no checkpoint: ours are created with one, in one
    // transaction) is someone else's: never dropped or overwritten.
    if (!cp && this.existing.has(table.name.toLowerCase())) {
      throw new ConfigError(`table ${table.name} already exists in ${this.dest.label} and was not written by backlog-sql replicate`, 'CacheConnection', {
        hint: 'Replicate into a schema or database of its own (postgres://…/db?schema=backlog, another DuckDB file or folder), or drop that table first.',
      });
    }
    return cp && cp.schema === digestOf(table) && this.existing.has(table.name.toLowerCase()) ? cp : undefined;
  }

  async count(tx: DestinationTx, table: string): Promise<number> {
    return Number((await tx.query(`SELECT count(*) FROM ${quoteIdent(table)}`))[0]?.[0] ?? 0);
  }

  checkpoint(table: DestTable, fields: { watermark: string | null; state?: string | null; rows: number; requests: number }): Checkpoint {
    const requests = fields.requests || this.source.api.stats().requests - this.stepStart;
    return {
      table: table.name,
      schema: digestOf(table),
      watermark: fields.watermark,
      state: fields.state ?? null,
      rows: fields.rows,
      requests,
      syncedAt: new Date().toISOString(),
    };
  }

  /** Statuses, users, projects…: read whole, replace whole. */
  async whole(def: TableDef): Promise<Omit<TableReport, 'requests'>> {
    const table = destTable(def);
    const fresh = !this.valid(table);
    const rows = dedupe(table, await this.read(def, []));
    return this.dest.transaction(async (tx) => {
      const before = fresh ? 0 : await this.count(tx, table.name);
      // Renames reach the incrementally kept tables in this same transaction (a crash cannot split them).
      if (!fresh) await this.propagateRenames(tx, def, rows);
      if (fresh) await tx.recreate(table);
      else await tx.deleteAll(table.name);
      await tx.insert(table, rows);
      await tx.putCheckpoint(this.checkpoint(table, { watermark: null, rows: rows.length, requests: 0 }));
      return { table: def.name, rule: 'whole', mode: 'full', rows: rows.length, written: rows.length, deleted: Math.max(0, before - rows.length) };
    });
  }

  /**
   * A named thing renamed since the last run (its `Name` differs from the replica's, by key):
   * write the new name into the rows of Issues and its per-issue tables that show it.
   */
  async propagateRenames(tx: DestinationTx, def: TableDef, rows: readonly unknown[][]): Promise<void> {
    const dependents = nameDependents(def, this.source.registry.tables).filter((d) => this.existing.has(d.table.toLowerCase()));
    if (dependents.length === 0) return;
    const nameIdx = def.columns.findIndex((c) => c.name === 'Name');
    const projIdx = def.columns.findIndex((c) => c.name === 'ProjectId');
    for (const sourceKey of new Set(dependents.map((d) => d.sourceKey))) {
      const keyIdx = def.columns.findIndex((c) => c.name === sourceKey);
      const byProject = dependents.some((d) => d.sourceKey === sourceKey && d.byProject);
      const keyOf = (id: unknown, project: unknown) => `${String(id)}|${byProject ? String(project) : ''}`;
      const old = new Map(
        (
          await tx.query(`SELECT ${quoteIdent(sourceKey)}, ${byProject ? quoteIdent('ProjectId') : 'NULL'}, ${quoteIdent('Name')} FROM ${quoteIdent(def.name)}`)
        ).map((r) => [keyOf(Number(r[0]), r[1] === null ? null : Number(r[1])), r[2]]),
      );
      for (const r of rows) {
        const id = r[keyIdx];
        const project = projIdx >= 0 ? r[projIdx] : null;
        const was = old.get(keyOf(id, project));
        const now = r[nameIdx];
        if (was === undefined || was === now || typeof id !== 'number') continue;
        for (const d of dependents.filter((x) => x.sourceKey === sourceKey)) {
          const where = `${quoteIdent(d.idColumn)} = ${Math.trunc(id)}${d.byProject && typeof project === 'number' ? ` AND ${quoteIdent('ProjectId')} = ${Math.trunc(project)}` : ''}`;
          await tx.execute(
            `UPDATE ${quoteIdent(d.table)} SET ${quoteIdent(d.nameColumn)} = ${now === null || now === undefined ? 'NULL' : quoteLiteral(String(now))} WHERE ${where}`,
          );
        }
      }
    }
  }

  /** Issues: newest first down to the watermark, then counts per project for deletions. */
  async issues(def: TableDef): Promise<Omit<TableReport, 'requests'>> {
    const table = destTable(def);
    const cp = this.valid(table);
    const idIdx = def.columns.findIndex((c) => c.name === 'Id');
    const updIdx = def.columns.findIndex((c) => c.name === 'Updated');
    const updatedOf = (r: unknown[]) => Date.parse(String(r[updIdx]));
    const maxUpdated = (rows: unknown[][], from: number) => rows.reduce((m, r) => Math.max(m, updatedOf(r) || 0), from);

    if (!cp || !cp.watermark) {
      // Rebuilt from scratch: the per-issue tables cannot tell which issues are new to it.
      this.issuesRebuilt = true;
      // The deletion cursor is read before the issues: a deletion during the listing is applied next run.
      const { cursor } = await this.deletions(undefined);
      const rows = dedupe(table, await this.read(def, []));
      return this.dest.transaction(async (tx) => {
        await tx.recreate(table);
        await tx.insert(table, rows);
        const watermark = iso(maxUpdated(rows, 0));
        await tx.putCheckpoint(
          this.checkpoint(table, {
            watermark,
            state: JSON.stringify({
              seq: parseState<IssuesState>(this.checkpoints.get('issues')?.state ?? null, { seq: 0, pending: [] }).seq + 1,
              pending: [],
              activityId: cursor,
            } satisfies IssuesState),
            rows: rows.length,
            requests: 0,
          }),
        );
        return { table: def.name, rule: 'issues', mode: 'full', rows: rows.length, written: rows.length, deleted: 0 };
      });
    }

    const since = Date.parse(cp.watermark) - this.overlapMs;
    const previous = parseState<IssuesState>(cp.state, { seq: 0, pending: [] });
    // Issues deleted since the last run, from the space's activities (one request when there are none).
    const deletions = await this.deletions(previous.activityId);
    // Newest first; a page that reaches below `since` is the last one needed.
    // Rows of the last page below `since` were written by an earlier run: only the rest change.
    const changed = dedupe(table, await this.read(def, [], (page) => page.some((r) => updatedOf(r) < since), [{ column: 'Updated', desc: true }])).filter(
      (r) => updatedOf(r) >= since,
    );
    const projects = await this.ctx(def).projects();
    const counts = new Map<number, number>();
    for (const p of projects) {
      const n = await def.count?.(this.ctx(def), [{ column: 'ProjectId', op: '=', values: [p.id] }]);
      if (n !== undefined) counts.set(p.id, n);
    }
    const state: IssuesState = { seq: previous.seq + 1, pending: [...previous.pending], activityId: deletions.cursor };
    return this.dest.transaction(async (tx) => {
      const changedIds = new Set(changed.map((r) => Number(r[idIdx])));
      // Deleted issues the replica holds (an id read back in this run's scan is not deleted).
      const gonePerActivity = deletions.ids.filter((id) => !changedIds.has(id));
      let deleted =
        gonePerActivity.length === 0
          ? 0
          : Number(
              (
                await tx.query(
                  `SELECT count(*) FROM ${quoteIdent(table.name)} WHERE ${quoteIdent('Id')} IN (${gonePerActivity.map((id) => String(Math.trunc(id))).join(', ')})`,
                )
              )[0]?.[0] ?? 0,
            );
      await tx.deleteWhereIn(table.name, 'Id', [...gonePerActivity, ...changedIds]);
      await tx.insert(table, changed);
      let written = changed.length;
      let watermark = maxUpdated(changed, Date.parse(cp.watermark as string));
      // Projects the user no longer sees: their issues leave the replica.
      const held = new Map(
        (await tx.query(`SELECT ${quoteIdent('ProjectId')}, count(*) FROM ${quoteIdent(table.name)} GROUP BY 1`)).map((r) => [Number(r[0]), Number(r[1])]),
      );
      const gone = [...held.keys()].filter((id) => !projects.some((p) => p.id === id));
      if (gone.length > 0) {
        deleted += gone.reduce((s, id) => s + (held.get(id) ?? 0), 0);
        await tx.deleteWhereIn(table.name, 'ProjectId', gone);
      }
      const reconciled: number[] = [];
      for (const [projectId, count] of counts) {
        if ((held.get(projectId) ?? 0) === count) continue;
        // Counts disagree: an issue was deleted (or one slipped past the scan). Read the project's ids.
        reconciled.push(projectId);
        const rows = dedupe(table, await this.read(def, [{ column: 'ProjectId', op: '=', values: [projectId] }]));
        const before = new Set(
          (await tx.query(`SELECT ${quoteIdent('Id')} FROM ${quoteIdent(table.name)} WHERE ${quoteIdent('ProjectId')} = ${Math.trunc(projectId)}`)).map((r) =>
            Number(r[0]),
          ),
        );
        const now = new Set(rows.map((r) => Number(r[idIdx])));
        const removed = [...before].filter((id) => !now.has(id));
        await tx.deleteWhereIn(table.name, 'Id', [...removed, ...now]);
        await tx.insert(table, rows);
        written += rows.length;
        deleted += removed.length;
        watermark = maxUpdated(rows, watermark);
        // Issues new to the replica whose `updated` is old: their children are read next time round.
        for (const r of rows) if (!before.has(Number(r[idIdx])) && updatedOf(r) < since) state.pending.push({ id: Number(r[idIdx]), seq: state.seq });
      }
      // Pending ids every per-issue table has read are done with (no such table yet: none is waiting).
      const childSeqs = [...this.checkpoints.values()]
        .filter((c) => ISSUE_CHILDREN.includes(c.table))
        .map((c) => parseState<ChildState>(c.state, { seq: 0 }).seq);
      const oldest = Math.min(...childSeqs);
      state.pending = childSeqs.length === 0 ? [] : state.pending.filter((p) => p.seq > oldest);
      const rows = await this.count(tx, table.name);
      await tx.putCheckpoint(this.checkpoint(table, { watermark: iso(watermark), state: JSON.stringify(state), rows, requests: 0 }));
      return { table: def.name, rule: 'issues', mode: 'incremental', rows, written, deleted, reconciled };
    });
  }

  /**
   * Issues deleted after activity `after` (space activities of type "issue deleted", oldest first,
   * every page), and the newest such activity id as the next cursor. Without `after`: only the
   * newest id (one request). `minId` is read as inclusive or exclusive alike (Backlog does not say:
   * docs/backlog-api.md §15.6): pages overlap by one and ids are deduplicated.
   */
  async deletions(after: number | undefined): Promise<{ cursor: number; ids: number[] }> {
    type Activity = { id: number; type: number; content?: { id?: number } };
    const get = (params: Record<string, string | number | number[]>) =>
      this.source.api.get<Activity[]>('/space/activities', { 'activityTypeId[]': [ISSUE_DELETED], ...params }, { signal: this.signal });
    if (after === undefined) return { cursor: (await get({ count: 1, order: 'desc' }))[0]?.id ?? 0, ids: [] };
    const ids = new Set<number>();
    let cursor = after;
    for (;;) {
      const page = await get({ minId: cursor, count: 100, order: 'asc' });
      let advanced = false;
      for (const a of page) {
        if (a.id <= after) continue;
        if (a.type === ISSUE_DELETED && typeof a.content?.id === 'number') ids.add(a.content.id);
        if (a.id > cursor) {
          cursor = a.id;
          advanced = true;
        }
      }
      if (page.length < 100 || !advanced) return { cursor, ids: [...ids] };
    }
  }

  /** Comments, attachments, an issue's categories…: re-read for the issues that changed. */
  async issueChild(def: TableDef): Promise<Omit<TableReport, 'requests'>> {
    const table = destTable(def);
    const cp = this.issuesRebuilt ? undefined : this.valid(table);
    const issues = this.checkpoints.get('issues');
    const issuesMark = issues?.watermark ?? null;
    const issueIdx = def.columns.findIndex((c) => c.name === 'IssueId');
    const ids = async (where: string) => (await this.dest.query(`SELECT ${quoteIdent('Id')} FROM ${quoteIdent('Issues')}${where}`)).map((r) => Number(r[0]));
    let targets: number[];
    if (!cp || !cp.watermark) targets = await ids('');
    else {
      const since = iso(Date.parse(cp.watermark) - this.overlapMs);
      const mine = parseState<ChildState>(cp.state, { seq: 0 }).seq;
      const pending = parseState<IssuesState>(issues?.state ?? null, { seq: 0, pending: [] })
        .pending.filter((p) => p.seq > mine)
        .map((p) => p.id);
      targets = [...new Set([...(await ids(` WHERE ${quoteIdent('Updated')} >= CAST('${since}' AS TIMESTAMPTZ)`)), ...pending])];
    }
    const rows = dedupe(table, targets.length === 0 ? [] : await this.read(def, [{ column: 'IssueId', op: 'IN', values: targets }]));
    return this.dest.transaction(async (tx) => {
      let deleted = 0;
      if (!cp) await tx.recreate(table);
      else {
        const before = await this.count(tx, table.name);
        await tx.deleteWhereIn(table.name, 'IssueId', targets);
        await tx.deleteWhere(table.name, `${quoteIdent('IssueId')} NOT IN (SELECT ${quoteIdent('Id')} FROM ${quoteIdent('Issues')})`);
        deleted = before - (await this.count(tx, table.name));
      }
      await tx.insert(
        table,
        rows.filter((r) => r[issueIdx] !== null),
      );
      const count = await this.count(tx, table.name);
      const state: ChildState = { seq: parseState<IssuesState>(issues?.state ?? null, { seq: 0, pending: [] }).seq };
      await tx.putCheckpoint(this.checkpoint(table, { watermark: issuesMark, state: JSON.stringify(state), rows: count, requests: 0 }));
      return { table: def.name, rule: 'issue-child', mode: cp ? 'incremental' : 'full', rows: count, written: rows.length, deleted: Math.max(0, deleted - 0) };
    });
  }

  /** REPLICATE T SELECT …: the query's result, replaced whole each run. */
  async select(name: string, sql: string): Promise<Omit<TableReport, 'requests'>> {
    const result = await this.source.query(sql, undefined, { signal: this.signal, rowMode: 'array' });
    const table: DestTable = { name, columns: result.columns.map((c) => ({ name: c.name, type: sqlTypeOf(c.type) })), key: [] };
    const rows = (result.rows as unknown[][]).map((r) => r.map((v) => (v instanceof Date ? v.toISOString() : v)));
    const fresh = !this.valid(table);
    return this.dest.transaction(async (tx) => {
      if (fresh) await tx.recreate(table);
      else await tx.deleteAll(name);
      await tx.insert(table, rows);
      await tx.putCheckpoint(this.checkpoint(table, { watermark: null, rows: rows.length, requests: result.stats.requests }));
      return { table: name, rule: 'select', mode: 'full', rows: rows.length, written: rows.length, deleted: 0 };
    });
  }
}

/** Replicate tables (or a query) from a connection into a destination. */
export async function replicate(source: SyncSource, dest: Destination, options: ReplicateOptions = {}): Promise<ReplicateReport> {
  const signal = options.signal ?? NEVER_ABORTED;
  const checkpoints = await dest.checkpoints();
  const existing = await dest.tables();
  const run = new Run(source, dest, checkpoints, existing, signal, (options.overlapSeconds ?? DEFAULT_OVERLAP) * 1000);
  const reports: TableReport[] = [];
  const started = source.api.stats().requests;
  let skipped: { table: string; why: string }[] = [];
  const steps: { name: string; rule: SyncRule | 'select'; go: () => Promise<Omit<TableReport, 'requests'>> }[] = [];
  if (options.select) {
    const { table, sql } = options.select;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table))
      throw new ConfigError(`REPLICATE: "${table}" is not a plain table name`, undefined, {
        hint: 'Use letters, digits and underscores for the replica table.',
      });
    steps.push({ name: table, rule: 'select', go: () => run.select(table, sql) });
  } else {
    const plan = planTables(source.registry, options.tables);
    skipped = plan.skipped;
    for (const t of plan.tables) {
      const rule = ruleOf(t);
      steps.push({ name: t.name, rule, go: () => (rule === 'issues' ? run.issues(t) : rule === 'issue-child' ? run.issueChild(t) : run.whole(t)) });
    }
  }
  for (const step of steps) {
    if (signal.aborted) throw new CancelledError();
    options.onProgress?.({ table: step.name, phase: 'start', rule: step.rule });
    const before = source.api.stats().requests;
    run.stepStart = before;
    const report = await step.go();
    const requests = source.api.stats().requests - before;
    const full: TableReport = { ...report, requests };
    reports.push(full);
    // The Issues step's new checkpoint drives its children's refresh in this same run.
    const refreshed = await dest.checkpoints();
    for (const [k, v] of refreshed) checkpoints.set(k, v);
    existing.add(step.name.toLowerCase());
    options.onProgress?.({ table: step.name, phase: 'done', rule: step.rule, mode: full.mode, rows: full.rows, requests, report: full });
  }
  await dest.publish?.(reports.map((r) => r.table));
  return { destination: dest.label, tables: reports, requests: source.api.stats().requests - started, warnings: [...new Set(run.warnings)], skipped };
}
