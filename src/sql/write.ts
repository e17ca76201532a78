/**
 * INSERT, UPDATE and DELETE (ARCHITECTURE.md §6). Backlog has no transactions and no bulk endpoints, so a
 * write statement is: (1) check everything that can be checked without Backlog — target, columns,
 * required values, Readonly; (2) one SELECT through the read engine, with the same pushdown as any
 * query: the rows an UPDATE or DELETE matches (with the new values computed by DuckDB), or the
 * rows an INSERT's VALUES / SELECT produces; (3) encode every row's form before the first request,
 * so a bad value fails the statement while nothing is written; (4) one request per row, one at a
 * time, paced by the client's rate-limit budget; (5) a report of every row (sys_identity), and on a
 * failure an error that lists what was written, what failed and why, and what was not attempted.
 * A write whose request may have reached Backlog is never re-sent (NET-2, in the client).
 */
import type { TempTable } from './dialect/temp-tables.js';
import { BacklogSqlError, CancelledError, SqlError, WriteOutcomeUnknownError, WritePartlyDoneError, type WriteReport, type WriteReportRow } from '../errors.js';
import type { Registry } from '../schema/registry.js';
import type { ColumnDef, ColumnWrite, FormValue, RowEnv, TableDef, WriteContext, WriteInput } from '../schema/types.js';
import { projectForInsert } from '../schema/writes.js';
import { closestName } from '../util/closest.js';
import type { ParamValues } from './analyze.js';
import { MappedSql, numberParameters, parameterNames, parseDml, type DmlStatement, type NamePiece } from './dml.js';
import { duckParams, loadTempTable, quoteIdent, type DuckDBInstance } from './duckdb.js';
import { readRows, resultColumns } from './result.js';

/** Progress of a long write, for the CLI's progress line. */
export interface WriteProgress {
  operation: 'INSERT' | 'UPDATE' | 'DELETE';
  table: string;
  done: number;
  total: number;
}

/**
 * CData's `LastResultInfo#TEMP`: the last write statement's rows (one per row it touched or meant
 * to), a #TEMP table of the session that the driver fills and the user reads. Empty before the
 * session's first write.
 */
export const LAST_RESULT_INFO = 'LastResultInfo#TEMP';
const LAST_RESULT_INFO_COLUMNS: TempTable['columns'] = [
  { name: 'Id', type: 'VARCHAR' },
  { name: 'Operation', type: 'VARCHAR' },
  { name: 'TableName', type: 'VARCHAR' },
  { name: 'RowNumber', type: 'BIGINT' },
  { name: 'Outcome', type: 'VARCHAR' },
  { name: 'Message', type: 'VARCHAR' },
];

/** Where a connection (or one pg wire session) keeps the last write's report: sys_identity and LastResultInfo#TEMP. */
export class WriteSession {
  private batch = 0;
  /** sys_identity rows of the last write statement. */
  identity: unknown[][] = [];
  /** CData's `T#TEMP` tables of this session (./dialect/temp-tables.ts), by lower-cased name. */
  readonly temps = new Map<string, TempTable>([[LAST_RESULT_INFO.toLowerCase(), { name: LAST_RESULT_INFO, columns: LAST_RESULT_INFO_COLUMNS, rows: [] }]]);
  /** The id the last INSERT generated (SCOPE_IDENTITY(), LAST_INSERT_ID()). */
  lastInsertId: unknown = null;

  record(report: WriteReport): void {
    this.temps.set(LAST_RESULT_INFO.toLowerCase(), {
      name: LAST_RESULT_INFO,
      columns: LAST_RESULT_INFO_COLUMNS,
      rows: report.rows.map((r) => [
        r.id === null || r.id === undefined ? null : String(r.id),
        report.operation,
        report.table,
        r.row,
        r.outcome,
        r.message ?? null,
      ]),
    });
    this.batch++;
    this.identity = report.rows.map((r) => [
      r.id,
      this.batch,
      report.operation,
      r.message ?? (r.outcome === 'written' ? null : r.outcome),
      report.table,
      r.row,
      r.outcome,
    ]);
    const inserted = report.operation === 'INSERT' ? report.rows.filter((r) => r.outcome === 'written' && r.id !== null) : [];
    if (inserted.length > 0) this.lastInsertId = (inserted[inserted.length - 1] as { id: unknown }).id;
  }
}

export interface WriteDeps {
  registry: Registry;
  duck: DuckDBInstance;
  env: RowEnv;
  readonly: boolean;
  ctx: Omit<WriteContext, 'signal' | 'returning'>;
  /** Runs a SELECT through the read engine (pushdown, fetch, DuckDB). */
  select(sql: string, params: ParamValues, signal: AbortSignal): Promise<{ columns: { name: string; type: string }[]; rows: Record<string, unknown>[] }>;
}

export interface WriteOptions {
  signal: AbortSignal;
  session: WriteSession;
  onProgress?: ((p: WriteProgress) => void) | undefined;
}

export interface WriteResult {
  command: 'INSERT' | 'UPDATE' | 'DELETE';
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  rowCount: number;
}

/** A writable name of a table: a column with `write`, or a write-only input. */
type Target = { name: string; type: string; write: ColumnWrite; column: ColumnDef | undefined; input: WriteInput | undefined };

function writableTargets(table: TableDef): Target[] {
  return [
    ...table.columns.filter((c) => c.write).map((c) => ({ name: c.name, type: c.type, write: c.write as ColumnWrite, column: c, input: undefined })),
    ...(table.writes?.inputs ?? []).map((i) => ({ name: i.name, type: i.type, write: i.write, column: undefined, input: i })),
  ];
}

function allowedOn(t: Target, op: 'insert' | 'update'): boolean {
  return t.write.on === undefined || t.write.on === op;
}

const OP_WORD = { INSERT: 'insert', UPDATE: 'update', DELETE: 'delete' } as const;

/** The names of a table's rows for reports: the key's value, or `Col=v, Col=v` for a composite key. */
function rowId(table: TableDef, row: Readonly<Record<string, unknown>> | undefined): string | null {
  if (!row) return null;
  const keys = table.columns.filter((c) => c.key);
  const present = keys.filter((c) => row[c.name] !== undefined && row[c.name] !== null);
  if (present.length === 0) return null;
  if (keys.length === 1) return String(row[(keys[0] as ColumnDef).name]);
  return present.map((c) => `${c.name}=${String(row[c.name])}`).join(', ');
}

/** Bind the named parameters a piece of SQL uses (see dml.ts numberParameters). */
function bind(sql: string, params: ParamValues): Record<string, unknown> | undefined {
  const names = parameterNames(sql);
  if (names.size === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const positional = /^p(\d+)$/.exec(name);
    if (positional && Array.isArray(params)) {
      const i = Number(positional[1]) - 1;
      if (i >= params.length)
        throw new SqlError(`no value for parameter ${i + 1}`, undefined, {
          sqlstate: '08P01',
          hint: `The statement has more parameters than the ${params.length} given.`,
        });
      out[name] = (params as unknown[])[i];
      continue;
    }
    const entry =
      params && !Array.isArray(params)
        ? Object.entries(params as Record<string, unknown>).find(([k]) => k.replace(/^[@$:]/, '').toLowerCase() === name)
        : undefined;
    if (!entry) throw new SqlError(`no value for parameter $${name}`, undefined, { sqlstate: '08P01' });
    out[name] = entry[1];
  }
  return out;
}

/** DuckDB's type for a write target's values in the evaluating SELECT. */
function castType(t: Target): string | undefined {
  if (t.type === 'BIGINT[]') return undefined; // a list, or '1,2' text: encode() takes both
  return t.type;
}

/** What clears a field on UPDATE: an empty value (`assigneeId=`, `categoryId[]=`, as backlog4j sends). */
function clearValue(param: string): FormValue {
  return param.endsWith('[]') ? [''] : '';
}

function isEmptyForm(v: FormValue): boolean {
  return Array.isArray(v) && v.length === 0;
}

/** The form value of a SQL value, by the target's type (custom encoders aside). */
async function encode(t: Target, value: unknown, ctx: WriteContext): Promise<FormValue> {
  if (t.write.encode) return t.write.encode(value, ctx);
  if (t.type === 'BIGINT[]') {
    const list = Array.isArray(value)
      ? value
      : typeof value === 'string'
        ? value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [value];
    return list.map((v) => {
      const n = Number(v);
      if (!Number.isSafeInteger(n))
        throw new SqlError(`${t.name} takes ids (a list like [1, 2] or the text '1,2'), not ${JSON.stringify(v)}`, undefined, { sqlstate: '22P02' });
      return n;
    });
  }
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  return String(value);
}

interface PlannedRow {
  /** Current values (UPDATE / DELETE) or the values to insert (INSERT). */
  row: Record<string, unknown>;
  /** The SET / INSERT values by target name. */
  values: Record<string, unknown>;
  form: Record<string, FormValue>;
  unchanged: boolean;
}

export async function runWrite(sqlIn: string, params: ParamValues, deps: WriteDeps, options: WriteOptions): Promise<WriteResult> {
  const sql = numberParameters(sqlIn);
  const stmt = parseDml(sql);
  const table = resolveTable(stmt, deps.registry);
  if (deps.readonly) {
    throw new SqlError(`cannot ${stmt.kind} ${table.name}: the connection is read-only`, stmt.table.start + 1, {
      sqlstate: '25006',
      hint: 'Readonly=true is set in the connection string; remove it to write.',
    });
  }
  const writes = table.writes as NonNullable<TableDef['writes']>;
  const targets = writableTargets(table);
  const ctx: WriteContext = { ...deps.ctx, signal: options.signal, returning: stmt.returning !== undefined };

  // ---- (1) and (2): check the statement, then evaluate it with one SELECT ----
  let planned: PlannedRow[];
  if (stmt.kind === 'INSERT') planned = await planInsert(stmt, table, targets, params, deps, ctx, options.signal);
  else if (stmt.kind === 'UPDATE') planned = await planUpdate(stmt, table, targets, params, deps, ctx, options.signal);
  else planned = await planDelete(stmt, table, params, deps, ctx, options.signal);

  // ---- (4): one request per row ----
  const report: WriteReport = {
    operation: stmt.kind,
    table: table.name,
    rows: planned.map((p, i) => ({ row: i + 1, id: stmt.kind === 'INSERT' ? null : rowId(table, p.row), outcome: 'not attempted', message: null })),
  };
  const answers: (Record<string, unknown> | undefined)[] = [];
  let failure: unknown;
  const toSend = planned.filter((p) => !p.unchanged).length;
  let sent = 0;
  for (let i = 0; i < planned.length; i++) {
    const p = planned[i] as PlannedRow;
    const entry = report.rows[i] as WriteReportRow;
    if (p.unchanged) {
      entry.outcome = 'unchanged';
      entry.message = 'already had these values: no request sent';
      answers.push(p.row);
      continue;
    }
    if (options.signal.aborted) {
      failure = new CancelledError();
      break;
    }
    try {
      let answer: unknown;
      if (stmt.kind === 'INSERT') answer = await writes.insert?.run(ctx, { values: p.values, form: p.form });
      else if (stmt.kind === 'UPDATE') answer = await writes.update?.run(ctx, p.row, { values: p.values, form: p.form });
      else answer = await writes.delete?.run(ctx, p.row);
      const asRow = stmt.kind === 'DELETE' || answer === undefined ? { ...p.row, ...p.values } : rowOf(table, answer, deps.env);
      answers.push(asRow);
      entry.outcome = 'written';
      if (stmt.kind === 'INSERT') entry.id = rowId(table, asRow);
    } catch (e) {
      entry.outcome = e instanceof WriteOutcomeUnknownError ? 'unknown' : e instanceof CancelledError ? 'not attempted' : 'failed';
      entry.message = e instanceof Error ? e.message : String(e);
      if (e instanceof CancelledError) entry.message = null;
      failure = e;
      break;
    } finally {
      sent++;
      options.onProgress?.({ operation: stmt.kind, table: table.name, done: sent, total: toSend });
    }
  }
  options.session.record(report);
  if (failure !== undefined) throw stoppedError(stmt.kind, table, report, failure);

  // ---- (5): RETURNING over the rows as Backlog answered them ----
  const affected = planned.length;
  if (!stmt.returning) return { command: stmt.kind, columns: [], rows: [], rowCount: affected };
  const returned = await evaluateReturning(
    stmt,
    table,
    answers.filter((a): a is Record<string, unknown> => a !== undefined),
    params,
    deps,
  );
  return { command: stmt.kind, ...returned, rowCount: affected };
}

/** A source row (the API's JSON) as column values. */
function rowOf(table: TableDef, source: unknown, env: RowEnv): Record<string, unknown> {
  return Object.fromEntries(table.columns.map((c) => [c.name, c.value(source, env) ?? null]));
}

function resolveTable(stmt: DmlStatement, registry: Registry): TableDef {
  const { name, start } = stmt.table;
  const table = registry.table(name);
  if (!table) {
    if (registry.isLocal(name)) throw new SqlError(`${name} is a system table: it cannot be written`, start + 1, { sqlstate: '42809' });
    const near = closestName(name, registry.names());
    throw new SqlError(`table "${name}" does not exist`, start + 1, {
      sqlstate: '42P01',
      hint: near ? `Did you mean "${near}"?` : 'SELECT * FROM sys_tables lists the tables.',
    });
  }
  const writable = () =>
    registry.tables
      .filter((t) => t.writes)
      .map((t) => t.name)
      .join(', ');
  if (table.kind === 'view') {
    throw new SqlError(`${table.name} is a view: it cannot be written`, start + 1, {
      sqlstate: '42809',
      hint: table.writes?.notes?.[OP_WORD[stmt.kind]] ?? `Views are read-only. Writable tables: ${writable()}.`,
    });
  }
  const op = OP_WORD[stmt.kind];
  if (!table.writes?.[op]) {
    const can = (['insert', 'update', 'delete'] as const).filter((o) => table.writes?.[o]).map((o) => o.toUpperCase());
    throw new SqlError(`${table.name} does not support ${stmt.kind}: Backlog has no endpoint for it`, start + 1, {
      sqlstate: '0A000',
      hint: [table.writes?.notes?.[op], can.length ? `${table.name} accepts ${can.join(', ')}.` : `${table.name} cannot be written.`].filter(Boolean).join(' '),
    });
  }
  return table;
}

/** The target of a column name in INSERT's list or UPDATE's SET, or an error naming it. */
function targetFor(table: TableDef, targets: Target[], name: NamePiece, op: 'insert' | 'update'): Target {
  const t = targets.find((x) => x.name.toLowerCase() === name.name.toLowerCase());
  const usable = targets.filter((x) => allowedOn(x, op)).map((x) => x.name);
  if (!t) {
    const col = table.columns.find((c) => c.name.toLowerCase() === name.name.toLowerCase());
    if (col) {
      throw new SqlError(`column "${col.name}" of ${table.name} is read-only`, name.start + 1, {
        sqlstate: '42601',
        hint: `Backlog computes it. ${op === 'insert' ? 'INSERT' : 'UPDATE'} can set: ${usable.join(', ')}.`,
      });
    }
    const near = closestName(name.name, targets.map((x) => x.name).concat(table.columns.map((c) => c.name)));
    throw new SqlError(`column "${name.name}" of ${table.name} does not exist`, name.start + 1, {
      sqlstate: '42703',
      hint: near ? `Did you mean "${near}"?` : `Writable: ${usable.join(', ')}.`,
    });
  }
  if (!allowedOn(t, op)) {
    throw new SqlError(`column "${t.name}" of ${table.name} can only be set by ${t.write.on === 'insert' ? 'INSERT' : 'UPDATE'}`, name.start + 1, {
      sqlstate: '42601',
      hint:
        t.write.on === 'insert'
          ? `Backlog has no parameter to change it later. UPDATE can set: ${usable.join(', ')}.`
          : `INSERT can set: ${usable.join(', ')}.`,
    });
  }
  return t;
}

function checkRequiredNames(table: TableDef, given: Set<string>, stmtStart: number): void {
  const missing: string[] = [];
  for (const r of table.writes?.insert?.required ?? []) {
    const options = typeof r === 'string' ? [r] : r;
    if (!options.some((o) => given.has(o.toLowerCase()))) missing.push(options.join(' or '));
  }
  if (missing.length) {
    throw new SqlError(`INSERT into ${table.name} needs ${missing.join(', ')}`, stmtStart + 1, {
      sqlstate: '23502',
      hint: `Backlog requires ${missing.length === 1 ? 'it' : 'them'} to create a row; add ${missing.length === 1 ? 'it' : 'them'} to the column list.`,
    });
  }
}

/** Run the evaluating SELECT, mapping error positions back to the statement. */
async function evaluate(deps: WriteDeps, query: MappedSql, params: ParamValues, signal: AbortSignal): Promise<Record<string, unknown>[]> {
  try {
    return (await deps.select(query.sql, bind(query.sql, params) ?? undefined, signal)).rows;
  } catch (e) {
    if (e instanceof SqlError) {
      const position = query.toSource(e.position);
      throw new SqlError(e.message, position, { sqlstate: e.sqlstate, syntax: e.code === 'SQL_SYNTAX', ...(e.hint ? { hint: e.hint } : {}) });
    }
    throw e;
  }
}

/** Form entries of one target's value (custom fields name their own parameters). */
async function formEntries(
  t: Target,
  value: unknown,
  op: 'insert' | 'update',
  ctx: WriteContext,
  row: Record<string, unknown>,
  rowNumber: number,
  table: TableDef,
): Promise<Record<string, FormValue>> {
  if (value === null || value === undefined) {
    if (t.write.notNull) {
      throw new SqlError(`row ${rowNumber}: ${t.name} of ${table.name} cannot be NULL`, undefined, {
        sqlstate: '23502',
        hint: op === 'update' ? 'Backlog cannot clear it; give a value.' : 'Give a value.',
      });
    }
    // NULL leaves a field out of an INSERT, and an input (NotifiedUserIds…) out of anything.
    if (op === 'insert' || (t.input && !t.write.clearable)) return {};
    if (t.write.toForm) return t.write.toForm(null, ctx, row);
    if (!t.write.param) return {};
    return { [t.write.param]: clearValue(t.write.param) };
  }
  try {
    if (t.write.toForm) return await t.write.toForm(value, ctx, row);
    if (!t.write.param) return {};
    const v = await encode(t, value, ctx);
    if (t.write.param.endsWith('[]') && !Array.isArray(v)) return { [t.write.param]: [v as string | number] };
    if (isEmptyForm(v)) return op === 'update' && (t.column !== undefined || t.write.clearable) ? { [t.write.param]: clearValue(t.write.param) } : {};
    return { [t.write.param]: v };
  } catch (e) {
    if (e instanceof BacklogSqlError && e.message.startsWith('row ')) throw e;
    if (e instanceof SqlError) throw new SqlError(`row ${rowNumber}: ${e.message}`, undefined, { sqlstate: e.sqlstate, ...(e.hint ? { hint: e.hint } : {}) });
    throw e;
  }
}

async function planInsert(
  stmt: Extract<DmlStatement, { kind: 'INSERT' }>,
  table: TableDef,
  targets: Target[],
  params: ParamValues,
  deps: WriteDeps,
  ctx: WriteContext,
  signal: AbortSignal,
): Promise<PlannedRow[]> {
  if (!stmt.columns) {
    throw new SqlError(`INSERT into ${table.name} needs a column list`, stmt.table.start + 1, {
      sqlstate: '42601',
      hint: `Name the columns: INSERT INTO ${table.name} (${targets
        .filter((t) => allowedOn(t, 'insert'))
        .slice(0, 4)
        .map((t) => t.name)
        .join(', ')}, …) VALUES (…).`,
    });
  }
  const chosen: Target[] = [];
  for (const c of stmt.columns) {
    const t = targetFor(table, targets, c, 'insert');
    if (chosen.includes(t)) throw new SqlError(`column "${t.name}" is given twice`, c.start + 1, { sqlstate: '42701' });
    chosen.push(t);
  }
  checkRequiredNames(table, new Set(chosen.map((t) => t.name.toLowerCase())), stmt.table.start);
  const q = new MappedSql().add('SELECT ');
  q.add(
    chosen.map((t, i) => (castType(t) ? `CAST(__src.c${i} AS ${castType(t)}) AS ${quoteIdent(t.name)}` : `__src.c${i} AS ${quoteIdent(t.name)}`)).join(', '),
  );
  q.add(' FROM (')
    .addPiece(stmt.source)
    .add(`) AS __src(${chosen.map((_, i) => `c${i}`).join(', ')})`);
  const rows = await evaluate(deps, q, params, signal);
  const planned: PlannedRow[] = [];
  for (const [i, row] of rows.entries()) {
    const form: Record<string, FormValue> = {};
    for (const r of table.writes?.insert?.required ?? []) {
      const names = typeof r === 'string' ? [r] : r;
      if (!names.some((n) => row[chosen.find((t) => t.name.toLowerCase() === n.toLowerCase())?.name ?? n] != null)) {
        throw new SqlError(`row ${i + 1}: ${names.join(' or ')} of ${table.name} cannot be NULL`, undefined, {
          sqlstate: '23502',
          hint: 'Backlog requires it to create a row. Nothing was written.',
        });
      }
    }
    // A row's project (ProjectId / ProjectKey picking the URL) must exist before anything is
    // written: checked here against the statement's one project list. Custom field columns also
    // need its id, which an INSERT may give as a key.
    const picksProject =
      chosen.some((t) => (t.name === 'ProjectId' || t.name === 'ProjectKey') && t.write.param === undefined) &&
      (row.ProjectId != null || row.ProjectKey != null);
    let scoped = row;
    if (picksProject) {
      let project: Awaited<ReturnType<typeof projectForInsert>> | undefined;
      await rowCheck(i + 1, async () => {
        project = await projectForInsert(ctx, row);
      });
      if (chosen.some((t) => t.write.toForm)) scoped = { ...row, ProjectId: project?.id };
    }
    for (const t of chosen) Object.assign(form, await formEntries(t, row[t.name], 'insert', ctx, scoped, i + 1, table));
    await rowCheck(i + 1, () => table.writes?.insert?.check?.(ctx, { values: row, form }));
    planned.push({ row, values: row, form, unchanged: false });
  }
  return planned;
}

async function planUpdate(
  stmt: Extract<DmlStatement, { kind: 'UPDATE' }>,
  table: TableDef,
  targets: Target[],
  params: ParamValues,
  deps: WriteDeps,
  ctx: WriteContext,
  signal: AbortSignal,
): Promise<PlannedRow[]> {
  const chosen: Target[] = [];
  for (const s of stmt.sets) {
    const t = targetFor(table, targets, s.column, 'update');
    if (chosen.includes(t)) throw new SqlError(`multiple assignments to same column "${t.name}"`, s.column.start + 1, { sqlstate: '42601' });
    chosen.push(t);
  }
  requireWhere(stmt, table);
  const alias = stmt.alias ?? table.name;
  const q = new MappedSql().add(`SELECT ${quoteIdent(alias)}.*`);
  stmt.sets.forEach((s, i) => {
    const t = chosen[i] as Target;
    q.add(', ');
    if (castType(t))
      q.add('CAST((')
        .addPiece(s.expr)
        .add(`) AS ${castType(t)})`);
    else q.add('(').addPiece(s.expr).add(')');
    q.add(` AS __set${i}`);
  });
  q.add(` FROM ${quoteIdent(table.name)}${stmt.alias ? ` AS ${quoteIdent(stmt.alias)}` : ''}`);
  if (stmt.from) q.add(', ').addPiece(stmt.from);
  if (stmt.where) q.add(' WHERE ').addPiece(stmt.where);
  const rows = dedupe(
    table,
    await evaluate(deps, q, params, signal),
    chosen.map((_, i) => `__set${i}`),
  );
  const planned: PlannedRow[] = [];
  for (const [n, raw] of rows.entries()) {
    const row: Record<string, unknown> = {};
    for (const c of table.columns) row[c.name] = raw[c.name] ?? null;
    const values: Record<string, unknown> = {};
    chosen.forEach((t, i) => (values[t.name] = raw[`__set${i}`] ?? null));
    const unchanged = chosen.every((t) => t.column !== undefined && same(values[t.name], row[t.name]));
    const form: Record<string, FormValue> = {};
    if (!unchanged) {
      const merged = { ...row, ...values };
      for (const t of chosen) Object.assign(form, await formEntries(t, values[t.name], 'update', ctx, merged, n + 1, table));
      await rowCheck(n + 1, () => table.writes?.update?.check?.(ctx, row, { values, form }));
    }
    planned.push({ row, values, form, unchanged });
  }
  return planned;
}

async function planDelete(
  stmt: Extract<DmlStatement, { kind: 'DELETE' }>,
  table: TableDef,
  params: ParamValues,
  deps: WriteDeps,
  ctx: WriteContext,
  signal: AbortSignal,
): Promise<PlannedRow[]> {
  requireWhere(stmt, table);
  const alias = stmt.alias ?? table.name;
  const q = new MappedSql().add(`SELECT ${quoteIdent(alias)}.* FROM ${quoteIdent(table.name)}${stmt.alias ? ` AS ${quoteIdent(stmt.alias)}` : ''}`);
  if (stmt.using) q.add(', ').addPiece(stmt.using);
  if (stmt.where) q.add(' WHERE ').addPiece(stmt.where);
  const rows = dedupe(table, await evaluate(deps, q, params, signal), []);
  const planned: PlannedRow[] = [];
  for (const [n, raw] of rows.entries()) {
    const row: Record<string, unknown> = {};
    for (const c of table.columns) row[c.name] = raw[c.name] ?? null;
    await rowCheck(n + 1, () => table.writes?.delete?.check?.(ctx, row));
    planned.push({ row, values: {}, form: {}, unchanged: false });
  }
  return planned;
}

/** Backlog has no undo: every row of a table is never changed by an omission (checked after the columns). */
function requireWhere(stmt: Extract<DmlStatement, { kind: 'UPDATE' | 'DELETE' }>, table: TableDef): void {
  if (stmt.where) return;
  throw new SqlError(
    `${stmt.kind} without WHERE is refused: it would ${stmt.kind === 'DELETE' ? 'delete' : 'change'} every row of ${table.name}, and Backlog has no undo`,
    stmt.table.start + 1,
    {
      sqlstate: '42601',
      hint: 'Add a WHERE clause; to really mean every row, write WHERE TRUE.',
    },
  );
}

/** A table's own pre-flight check of one row; its refusal names the row and says nothing was written. */
async function rowCheck(rowNumber: number, check: () => Promise<void> | undefined): Promise<void> {
  // (The hint says nothing was written: checks run while planning, before the first request.)
  try {
    await check();
  } catch (e) {
    if (e instanceof SqlError)
      throw new SqlError(`row ${rowNumber}: ${e.message}`, undefined, { sqlstate: e.sqlstate, hint: `${e.hint ? `${e.hint} ` : ''}Nothing was written.` });
    throw e;
  }
}

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A join in UPDATE … FROM / DELETE … USING can match a row more than once: write it once; if the
 * matches disagree on the new values, refuse before anything is written (PostgreSQL would pick one
 * silently).
 */
function dedupe(table: TableDef, rows: Record<string, unknown>[], setColumns: string[]): Record<string, unknown>[] {
  const seen = new Map<string, Record<string, unknown>>();
  for (const r of rows) {
    const key = rowId(table, r) ?? JSON.stringify(r);
    const before = seen.get(key);
    if (!before) seen.set(key, r);
    else if (setColumns.some((c) => !same(before[c], r[c]))) {
      throw new SqlError(`the row ${key} of ${table.name} matched more than once with different new values`, undefined, {
        sqlstate: '21000',
        hint: 'Make the FROM / join match each row once. Nothing was written.',
      });
    }
  }
  return [...seen.values()];
}

async function evaluateReturning(
  stmt: DmlStatement,
  table: TableDef,
  rows: Record<string, unknown>[],
  params: ParamValues,
  deps: WriteDeps,
): Promise<{ columns: { name: string; type: string }[]; rows: Record<string, unknown>[] }> {
  const conn = await deps.duck.connect();
  const q = new MappedSql()
    .add('SELECT ')
    .addPiece(stmt.returning as NonNullable<DmlStatement['returning']>)
    .add(` FROM ${quoteIdent(table.name)}${stmt.alias ? ` AS ${quoteIdent(stmt.alias)}` : ''}`);
  try {
    await loadTempTable(
      conn,
      table.name,
      table.columns,
      rows.map((row) => table.columns.map((c) => toAppendable(row[c.name]))),
    );
    let result;
    try {
      const bound = duckParams(bind(q.sql, params));
      result = await conn.run(q.sql, bound?.values, bound?.types);
    } catch (e) {
      const message = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
      throw new SqlError(`in RETURNING: ${message.replace(/^[A-Za-z ]+ Error: /, '')}`, (stmt.returning?.start ?? 0) + 1, {
        sqlstate: /not found|does not have a column/.test(message) ? '42703' : '42601',
      });
    }
    const columns = resultColumns(result);
    return { columns, rows: (await readRows(result, columns, { rowMode: 'object' })) as Record<string, unknown>[] };
  } finally {
    conn.closeSync();
  }
}

/** Values read back from DuckDB (Dates) or from the API (ISO strings) in the form appendValue takes. */
function toAppendable(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  return v;
}

/** The error that ends a statement stopped by `failure`, with every row's fate. */
function stoppedError(kind: WriteReport['operation'], table: TableDef, report: WriteReport, failure: unknown): Error {
  const by = (o: WriteReportRow['outcome']) => report.rows.filter((r) => r.outcome === o);
  const written = by('written');
  const notAttempted = by('not attempted');
  const failed = report.rows.find((r) => r.outcome === 'failed' || r.outcome === 'unknown');
  const ids = (rows: WriteReportRow[]) => {
    const shown = rows.slice(0, 20).map((r) => (r.id !== null ? r.id : `row ${r.row}`));
    return shown.join(', ') + (rows.length > 20 ? `, … (${rows.length - 20} more)` : '');
  };
  const parts: string[] = [];
  parts.push(
    written.length
      ? `Written: ${written.length} row${written.length === 1 ? '' : 's'} (${kind === 'INSERT' ? 'new ids' : 'ids'} ${ids(written)}).`
      : 'Written: none.',
  );
  if (failed)
    parts.push(
      `${failed.outcome === 'unknown' ? 'Outcome unknown' : 'Failed'}: row ${failed.row}${failed.id !== null ? ` (${failed.id})` : ''}: ${(failed.message ?? '').replace(/\.$/, '')}.`,
    );
  if (notAttempted.length)
    parts.push(
      `Not attempted: ${notAttempted.length} row${notAttempted.length === 1 ? '' : 's'}${kind === 'INSERT' ? ` (rows ${notAttempted[0]?.row}–${notAttempted[notAttempted.length - 1]?.row})` : ` (ids ${ids(notAttempted)})`}.`,
    );
  const detail = parts.join(' ');
  const total = report.rows.length;
  const verb = kind.toLowerCase();
  if (failure instanceof WriteOutcomeUnknownError) {
    return new WriteOutcomeUnknownError(`${kind} on ${table.name} stopped at row ${failed?.row} of ${total}: ${failure.message}`, {
      report,
      detail,
      cause: failure,
      hint: `Backlog may or may not have applied row ${failed?.row}; it was not sent again. Read it back before running the statement again (SELECT * FROM sys_identity lists every row).`,
    });
  }
  if (written.length === 0 && failure instanceof BacklogSqlError) {
    // Nothing changed in Backlog: the original error, with the report attached as detail.
    const e = failure as BacklogSqlError & { detail?: string };
    return Object.assign(Object.create(Object.getPrototypeOf(e) as object) as BacklogSqlError, e, {
      message: `${kind} on ${table.name} wrote nothing: ${e.message}`,
      detail,
      stack: e.stack,
    });
  }
  const reason = failure instanceof CancelledError ? 'the statement was cancelled' : failure instanceof Error ? failure.message : String(failure);
  return new WritePartlyDoneError(`${kind} on ${table.name} stopped after ${written.length} of ${total} rows: ${reason}`, report, {
    detail,
    cause: failure,
    hint: `Backlog has no transactions: the ${written.length} ${verb === 'insert' ? 'inserted' : verb === 'update' ? 'updated' : 'deleted'} row${written.length === 1 ? ' stays' : 's stay'}. SELECT * FROM sys_identity lists every row; run the statement again for the rows not written.`,
  });
}
