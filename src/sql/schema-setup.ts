/**
 * The instance's schema — empty typed tables for every Backlog table (DESCRIBE, SHOW TABLES and
 * catalog queries see them), the sys_* tables with their rows, CData's functions as macros — is
 * created in the background after connect (ARCHITECTURE.md §5). It costs some 0.15 s of DuckDB
 * work, which a program's first query does not need: that query reads its Backlog tables into
 * temporary tables of its own. A statement that may need the schema waits for it
 * (`Engine.waitForSchema`).
 *
 * It starts once the connection has been idle a moment (IDLE_START_MS with no statement running:
 * `hold()` / `release()` around each statement), or at once when something needs it (`ready()`).
 * Started at connect, its DuckDB and main-thread work ran beside the first statement and slowed it
 * on a busy machine. `close()` waits for a setup under way and skips one never started
 * (`settled()`): a program that runs a query and closes never pays for it.
 */
import type { SqlType, TableDef } from '../schema/types.js';
import type { SystemTable } from '../schema/system.js';
import { installCdataFunctions } from './dialect/install-functions.js';
import { quoteIdent, quoteLiteral, type DuckDBInstance } from './duckdb.js';

export interface SchemaSetup {
  /**
   * True once the schema exists. A field, not a getter: every statement reads it, and once the
   * schema exists that read is all the setup costs a statement (the connection then skips
   * `hold` / `release`, which only matter before the setup starts).
   */
  readonly done: boolean;
  /** Starts the setup (if not yet started); resolves once the schema exists; rejects with what stopped it. */
  ready(): Promise<void>;
  /** A statement starts: the setup does not start on its own meanwhile. */
  hold(): void;
  /** A statement is over: once none runs for IDLE_START_MS, the setup starts. */
  release(): void;
  /** Resolves once no setup is running: at once when it never started (it does not start on its own after). */
  settled(): Promise<void>;
}

/** How long the connection stays idle (no statement running) before the setup starts on its own. */
const IDLE_START_MS = 100;

const createTable = (name: string, columns: readonly { name: string; type: SqlType | string }[]) =>
  `CREATE TABLE ${quoteIdent(name)} (${columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')})`;

function literal(type: string, v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (type === 'BIGINT') return String(BigInt(v as number));
  if (type === 'BOOLEAN') return v ? 'TRUE' : 'FALSE';
  return quoteLiteral(String(v));
}

/** Prepare creating the schema on `duck` (see above for when it starts); the caller registers the sys_* names as local tables at once. */
export function startSchemaSetup(duck: DuckDBInstance, tables: readonly TableDef[], system: readonly SystemTable[]): SchemaSetup {
  let closing = false;
  let promise: Promise<void> | undefined;
  const run = async () => {
    const setup = await duck.connect();
    try {
      // One call for every CREATE: a round trip per table added tens of ms.
      await setup.run([...tables.map((t) => createTable(t.name, t.columns)), ...system.map((s) => createTable(s.name, s.columns))].join(';\n'));
      // Rows as INSERT text, not through an appender: appending runs on the main thread (tens
      // of ms, holding up the first query), while DuckDB parses and runs the INSERT on its own.
      const inserts = system
        .filter((sys) => sys.rows.length > 0)
        .map(
          (sys) =>
            `INSERT INTO ${quoteIdent(sys.name)} VALUES ${sys.rows.map((row) => `(${sys.columns.map((c, i) => literal(c.type, row[i])).join(', ')})`).join(', ')}`,
        );
      if (inserts.length > 0) await setup.run(inserts.join(';\n'));
      // CData's SQL functions, for every statement of this instance (wire clients' too).
      await installCdataFunctions(setup);
    } finally {
      setup.closeSync();
    }
    state.done = true;
  };
  let running = 0;
  let idle: NodeJS.Timeout | undefined;
  const begin = (): Promise<void> => {
    if (!promise) {
      clearTimeout(idle);
      promise = run();
      // Whoever needs the schema gets the failure; nobody waiting is no unhandled rejection.
      promise.catch(() => undefined);
    }
    return promise;
  };
  const arm = () => {
    clearTimeout(idle);
    if (promise || closing || running > 0) return;
    idle = setTimeout(begin, IDLE_START_MS);
    // unref: an idle connection left open must not keep the process alive for this.
    idle.unref();
  };
  const state: SchemaSetup & { done: boolean } = {
    done: false,
    ready: begin,
    hold: () => {
      running++;
      clearTimeout(idle);
    },
    release: () => {
      running = Math.max(0, running - 1);
      arm();
    },
    settled: () => {
      closing = true;
      clearTimeout(idle);
      return promise ? promise.catch(() => undefined) : Promise.resolve();
    },
  };
  arm();
  return state;
}
