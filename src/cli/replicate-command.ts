/**
 * `backlog-sql replicate --to postgres://…|duckdb:path|parquet:folder [--every 5m] [--table T]…`:
 * copy the space into a database and keep it current (src/sync). One line per table on stderr
 * (what was read, written and deleted, and the requests it cost); with --every, runs again after
 * each interval until interrupted. The PostgreSQL password comes from PGPASSWORD or ~/.pgpass.
 */
import { parseArgs } from 'node:util';
import { connect } from '../core/connection.js';
import { ApiError, CancelledError, NetworkError, RateLimitError, TimeoutError } from '../errors.js';
import { openDestination, parseTarget, replicate, type ReplicateProgress, type TableReport } from '../sync/index.js';
import { connectionFrom } from './connection-file.js';
import { exitCodeFor, renderError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { UsageError } from './usage-error.js';

export const REPLICATE_HELP = `Usage: backlog-sql replicate --to DESTINATION [options]

Copies the Backlog space into a database, typed and with primary keys, and keeps it current:
later runs read only what changed (issues by their update time, deletions by per-project
counts), and each table is written in one transaction with its checkpoint, so an interrupted
run is completed by the next one.

Destinations:
  postgres://USER@HOST:PORT/DATABASE[?schema=S&sslmode=require]
                       the password from PGPASSWORD or ~/.pgpass (never in the URL)
  duckdb:PATH          a DuckDB database file
  parquet:FOLDER       one folder per table, by project where it has one
                       (FOLDER/Issues/ProjectId=1/…), for Trino, Spark, DuckDB

Options:
  --to DESTINATION     where to replicate (required)
  --table NAME         replicate only this table (repeatable; default: every table)
  --every INTERVAL     run again every INTERVAL (30s, 5m, 1h) until interrupted
  --connection STRING  connection properties (default: $BACKLOG_SQL_CONNECTION)
  --connection-file FILE  the connection properties from FILE (mode 0600: checked)
  -h, --help           show this help
`;

/** `30s`, `5m`, `1h`, or plain seconds → milliseconds. */
export function parseInterval(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--every must be an interval such as 30s, 5m or 1h, got '${text}'`);
  const n = Number(m[1]) * { s: 1, m: 60, h: 3600 }[(m[2] ?? 's').toLowerCase() as 's' | 'm' | 'h'];
  if (n < 1) throw new UsageError('--every must be at least 1s');
  return Math.round(n * 1000);
}

function line(t: TableReport): string {
  const parts = [`${t.mode}`, `${t.rows} rows`];
  if (t.mode === 'incremental') parts.push(`${t.written} written`, `${t.deleted} deleted`);
  if (t.reconciled && t.reconciled.length > 0) parts.push(`ids reconciled in ${t.reconciled.length} project(s)`);
  parts.push(`${t.requests} requests`);
  return `  ${t.table}: ${parts.join(', ')}\n`;
}

/** Failures the next run may not meet: Backlog's answers, the network, rate limits, timeouts. */
function isTransient(e: unknown): boolean {
  return e instanceof ApiError || e instanceof NetworkError || e instanceof RateLimitError || e instanceof TimeoutError;
}

export async function replicateCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        to: { type: 'string' },
        table: { type: 'string', multiple: true },
        every: { type: 'string' },
        connection: { type: 'string' },
        'connection-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(REPLICATE_HELP);
    return ExitCode.Ok;
  }
  if (!v.to) throw new UsageError('replicate needs --to postgres://USER@HOST/DB, duckdb:PATH or parquet:FOLDER');
  const every = v.every !== undefined ? parseInterval(v.every) : undefined;
  // A bad destination (a password in the URL…) fails before anything connects.
  const target = parseTarget(v.to, '--to');
  const connectionString = connectionFrom({ connection: v.connection, connectionFile: v['connection-file'] }, process.env);
  if (!connectionString?.trim())
    throw new UsageError("no connection given: pass --connection 'URL=https://SPACE.backlog.com;ApiKey=…' or set BACKLOG_SQL_CONNECTION");

  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const connection = await connect(connectionString, { onWarning: (w) => process.stderr.write(`WARNING:  ${w}\n`) });
  const runOnce = async () => {
    const dest = await openDestination(target);
    try {
      const started = performance.now();
      process.stderr.write(`backlog-sql replicate: ${connection.space.name} → ${dest.label}\n`);
      const report = await replicate(connection, dest, {
        ...(v.table ? { tables: v.table } : {}),
        signal: abort.signal,
        onProgress: (e: ReplicateProgress) => {
          if (e.phase === 'start' && process.stderr.isTTY) process.stderr.write(`  ${e.table}…\r`);
          if (e.phase === 'done' && e.report) process.stderr.write(line(e.report));
        },
      });
      for (const w of report.warnings) process.stderr.write(`WARNING:  ${w}\n`);
      process.stderr.write(`done: ${report.tables.length} tables, ${report.requests} requests, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    } finally {
      await dest.close();
    }
  };
  try {
    for (;;) {
      try {
        await runOnce();
      } catch (e) {
        // With --every, a run that Backlog or the network failed is tried again next time: the
        // checkpoints keep what completed. Anything else (configuration, sign-in) stops.
        if (every === undefined || abort.signal.aborted || !isTransient(e)) throw e;
        process.stderr.write(renderError(e));
        process.stderr.write(`replicate: this run failed; every table is as its last completed run left it. Next run in ${v.every}.\n`);
      }
      if (every === undefined || abort.signal.aborted) return ExitCode.Ok;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, every);
        abort.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
      if (abort.signal.aborted) return ExitCode.Ok;
    }
  } catch (e) {
    if (e instanceof CancelledError || abort.signal.aborted) {
      process.stderr.write('replicate interrupted: every table is as its last completed run left it\n');
      return ExitCode.Interrupted;
    }
    process.stderr.write(renderError(e));
    return exitCodeFor(e);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await connection.close();
  }
}
