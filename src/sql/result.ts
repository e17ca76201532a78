/**
 * A DuckDB result → the library's columns and rows, in time linear in its size and without
 * holding the event loop (ARCHITECTURE.md §5): the column types are read once (asking DuckDB for
 * all types per column made a 5,000-column SELECT quadratic), and rows are converted in slices
 * that yield to the event loop and call a checkpoint, so a cancel or a timeout stops a large
 * conversion and other statements in the process keep being served. A small result converts in
 * one go: the yield costs nothing until a slice is full.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { DuckDBMaterializedResult } from '@duckdb/node-api';
import { CancelledError, TimeoutError } from '../errors.js';
import { reportedType, toJs, type DuckDBConnection } from './duckdb.js';
import type { ExactType, ProjectedColumn, Projection } from './analyze.js';

export interface ResultColumn {
  name: string;
  type: string;
}

export interface ReadRowsOptions {
  rowMode: 'object' | 'array';
  /** Rows kept at most (MaxRows); the rest are not converted. */
  maxRows?: number | undefined;
  /** Called after each yield; throws to stop (a cancel, a timeout). */
  checkpoint?: () => void;
}

/** Values converted between two yields: a few milliseconds of work. */
export const SLICE_CELLS = 5_000;

/** Duplicate result column names (joins) get _1, _2 suffixes (ARCHITECTURE.md §2). */
export function dedupeNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const count = seen.get(n) ?? 0;
    seen.set(n, count + 1);
    return count === 0 ? n : `${n}_${count}`;
  });
}

/** Names (deduplicated) and reported types of a result's columns, each read once. */
export function resultColumns(result: DuckDBMaterializedResult): ResultColumn[] {
  const names = dedupeNames(result.columnNames());
  const types = result.columnTypes();
  return names.map((name, i) => ({ name, type: reportedType(String(types[i])) }));
}

/** The result's rows as JS values (objects keyed by `columns`' names, or arrays), in slices. */
export async function readRows(
  result: DuckDBMaterializedResult,
  columns: readonly ResultColumn[],
  options: ReadRowsOptions,
): Promise<Record<string, unknown>[] | unknown[][]> {
  const limit = options.maxRows ?? Infinity;
  const names = columns.map((c) => c.name);
  const rows: unknown[] = [];
  let cells = 0;
  for (let c = 0; c < result.chunkCount && rows.length < limit; c++) {
    const chunk = result.getChunk(c);
    const vectors = [];
    for (let i = 0; i < names.length; i++) {
      vectors.push(chunk.getColumnVector(i));
      if (++cells >= SLICE_CELLS) cells = await pause(options);
    }
    for (let r = 0; r < chunk.rowCount && rows.length < limit; r++) {
      if (options.rowMode === 'array') rows.push(vectors.map((v) => toJs(v.getItem(r))));
      else {
        const row: Record<string, unknown> = {};
        for (let i = 0; i < vectors.length; i++) row[names[i] as string] = toJs((vectors[i] as (typeof vectors)[number]).getItem(r));
        rows.push(row);
      }
      cells += vectors.length;
      if (cells >= SLICE_CELLS) cells = await pause(options);
    }
  }
  return rows as Record<string, unknown>[] | unknown[][];
}

async function pause(options: ReadRowsOptions): Promise<number> {
  await yieldToEventLoop();
  options.checkpoint?.();
  return 0;
}

// ---- the bounds of the local work --------------------------------------------------------------

/**
 * The bounds of a statement's local work (DuckDB evaluating the SQL, rows converted to JS): the
 * caller's AbortSignal and the connection's Timeout. Either interrupts DuckDB at once (its own
 * interrupt, checked between vectors) and stops the JS conversion at its next slice
 * (./result.ts), so a cancel or a timeout is honoured within a fraction of a second.
 */
export class LocalWork {
  private timedOut = false;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly onAbort: () => void;

  constructor(
    private readonly conn: DuckDBConnection,
    /** The caller's signal; undefined: nothing can cancel (a signal no one holds need not be listened to). */
    private readonly signal: AbortSignal | undefined,
    /** Timeout in ms; 0 or undefined: none. */
    private readonly timeoutMs: number | undefined,
  ) {
    this.onAbort = () => conn.interrupt();
    signal?.addEventListener('abort', this.onAbort);
    if (timeoutMs) {
      this.timer = setTimeout(() => {
        this.timedOut = true;
        conn.interrupt();
      }, timeoutMs);
      this.timer.unref();
    }
  }

  /** Throws when the work must stop: CancelledError or TimeoutError. */
  readonly checkpoint = (): void => {
    if (this.signal?.aborted) throw new CancelledError();
    if (this.timedOut) throw this.timeoutError();
  };

  /** A DuckDB failure caused by our interrupt, as the error that caused it; undefined otherwise. */
  stopped(): CancelledError | TimeoutError | undefined {
    if (this.signal?.aborted) return new CancelledError();
    if (this.timedOut) return this.timeoutError();
    return undefined;
  }

  dispose(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    if (this.timer) clearTimeout(this.timer);
  }

  private timeoutError(): TimeoutError {
    return new TimeoutError(`the statement ran longer than Timeout (${Math.round((this.timeoutMs ?? 0) / 1000)} s) evaluating its result`, {
      hint: 'Narrow the query (fewer rows or columns), or raise Timeout (seconds, 0 for none).',
    });
  }
}

/*
 * The answer to a projection (./analyze.ts `projectionOf`): the fetched rows as DuckDB would give
 * them back, without running it.
 */
/** Marks a value the mirror cannot reproduce exactly. */
const INEXACT = Symbol('inexact');

/** A lone surrogate or NUL: text DuckDB's UTF-8 may not give back unchanged. */
const UNSAFE_TEXT = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A fetched value as DuckDB gives it back after inline-rows binds it (`paramValue`, then the
 * column's type, then `toJs`); INEXACT for anything whose round trip is not plainly that.
 */
function valueOf(type: ExactType, v: unknown): unknown {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return null;
  switch (type) {
    case 'BIGINT': {
      // BigInt(n) then toJs: a safe integer comes back as a number (+0 turns -0 into 0, as BigInt does).
      const n = Math.trunc(Number(v));
      return Number.isSafeInteger(n) ? n + 0 : INEXACT;
    }
    case 'INTEGER': {
      const n = Math.trunc(Number(v));
      return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? n + 0 : INEXACT;
    }
    case 'DOUBLE': {
      const n = Number(v);
      return Number.isFinite(n) && !Object.is(n, -0) ? n : INEXACT;
    }
    case 'BOOLEAN':
      return Boolean(v);
    case 'VARCHAR': {
      const s: unknown = typeof v === 'string' ? v : JSON.stringify(v);
      return typeof s === 'string' && !UNSAFE_TEXT.test(s) ? s : INEXACT;
    }
  }
}

/**
 * The result of `projection` over the fetched `rows` (values in the order of `tableColumns`), at
 * most `maxRows` of them, or undefined when a value's round trip through DuckDB is not plainly
 * reproduced (the caller then runs the statement in DuckDB).
 */
export function projectRows(
  projection: Projection,
  tableColumns: readonly { name: string }[],
  rows: readonly (readonly unknown[])[],
  options: { rowMode: 'object' | 'array'; maxRows: number | undefined },
): { columns: ResultColumn[]; rows: Record<string, unknown>[] | unknown[][] } | undefined {
  const cols = projection.columns;
  const at = cols.map((c) => tableColumns.findIndex((t) => t.name === c.column));
  if (at.some((i) => i < 0)) return undefined;
  const count = Math.min(rows.length, options.maxRows ?? Infinity);
  const out = new Array<unknown>(count);
  for (let r = 0; r < count; r++) {
    const row = rows[r] as readonly unknown[];
    const values = new Array<unknown>(cols.length);
    for (let k = 0; k < cols.length; k++) {
      const v = valueOf((cols[k] as ProjectedColumn).type, row[at[k] as number]);
      if (v === INEXACT) return undefined;
      values[k] = v;
    }
    if (options.rowMode === 'array') out[r] = values;
    else {
      const obj: Record<string, unknown> = {};
      for (let k = 0; k < cols.length; k++) obj[(cols[k] as ProjectedColumn).name] = values[k];
      out[r] = obj;
    }
  }
  return { columns: cols.map((c) => ({ name: c.name, type: c.type })), rows: out as Record<string, unknown>[] | unknown[][] };
}
