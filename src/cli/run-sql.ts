/**
 * Running SQL text from the command line: `-c SQL`, `-f FILE` and statements piped on stdin
 * (ARCHITECTURE.md §2). The text is split into statements at `;` outside quotes and comments and run one
 * after the other; the first error stops the run and decides the exit code. The shell (./shell.ts)
 * uses the same splitter and the same statement and meta-command runners.
 */
import type { Readable } from 'node:stream';
import type { Connection } from '../core/connection.js';
import { CancelledError, SqlError } from '../errors.js';
import { closestName } from '../util/closest.js';
import { exitCodeFor, renderError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { formatResult, formatTable, type Format } from './format.js';
import { startProgress, type ProgressStream } from './progress.js';
import type { WriteProgress } from '../core/connection.js';
import { segments } from '../sql/lexer.js';
import { parseStatement } from '../sql/statement.js';

// ---- splitting --------------------------------------------------------------------------------

export type ScriptItem = { kind: 'sql'; text: string; line: number } | { kind: 'meta'; command: string; args: string[]; text: string; line: number };

export interface SplitResult {
  items: ScriptItem[];
  /** The unfinished tail (a statement without its `;`, an open comment); '' when none. */
  rest: string;
  /** Index in the source where `rest` starts. */
  restStart: number;
}

/** `\d "Issue Comments"` → command `d`, args [`Issue Comments`]; a trailing `;` is dropped. */
export function parseMeta(text: string, line: number): ScriptItem {
  const body = text.trim().replace(/;+$/, '').slice(1);
  const command = /^[^\s]*/.exec(body)?.[0] ?? '';
  const args: string[] = [];
  const re = /"((?:[^"]|"")*)"|(\S+)/g;
  for (let m = re.exec(body.slice(command.length)); m; m = re.exec(body.slice(command.length))) {
    args.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] as string));
  }
  return { kind: 'meta', command, args, text: text.trim(), line };
}

/**
 * Split SQL text into statements at `;` outside quotes and comments, on the one lexer's segments
 * (../sql/lexer.ts: `'…'` with `''`, `E'…'`, `"…"`, `$tag$…$tag$`, `--` and nested block
 * comments). A statement's text starts at its first token (leading comments and blank lines are
 * dropped, so `line` is where the SQL itself starts) and ends at its last token. A line starting
 * with `\` where no statement is pending is a meta-command. CData's file target
 * (`INTO [csv://x.txt;delimiter=tab]`) keeps its `;`. With `final`, the tail without `;` is a
 * statement too (end of a file); otherwise it is returned as `rest`.
 */
export function splitStatements(source: string, options: { final?: boolean } = {}): SplitResult {
  const items: ScriptItem[] = [];
  const n = source.length;
  let line = 1;
  let counted = 0;
  let start = -1;
  let startLine = 1;
  let lastEnd = -1;
  let pendingComment = -1;
  let pendingMeta = -1;
  /** Where the scan has got to: a meta-command or a file target may end inside a later segment. */
  let skipTo = 0;
  const lineAt = (to: number) => {
    for (let k = counted; k < to; k++) if (source.charCodeAt(k) === 10) line++;
    counted = Math.max(counted, to);
    return line;
  };
  const begin = (at: number) => {
    if (start >= 0) return;
    start = at;
    startLine = lineAt(at);
  };

  scan: for (const seg of segments(source)) {
    if (seg.end <= skipTo) continue;
    if (seg.kind === 'comment') {
      if (start < 0 && source.startsWith('/*', seg.start) && !closedComment(source.slice(seg.start, seg.end))) pendingComment = seg.start;
      continue;
    }
    if (seg.kind !== 'code') {
      begin(seg.start);
      lastEnd = seg.end;
      continue;
    }
    for (let i = Math.max(seg.start, skipTo); i < seg.end; i++) {
      const c = source[i] as string;
      if (c === '\n' || c === ' ' || c === '\t' || c === '\r' || c === '\f') continue;
      if (start < 0 && c === '\\') {
        const eol = source.indexOf('\n', i);
        if (eol < 0 && !options.final) {
          pendingMeta = i;
          break scan;
        }
        const end = eol < 0 ? n : eol;
        items.push(parseMeta(source.slice(i, end), lineAt(i)));
        // The rest is lexed afresh: a quote left open on the meta-command's line ends with it.
        const base = lineAt(end) - 1;
        const tail = splitStatements(source.slice(end), options);
        items.push(...tail.items.map((item) => ({ ...item, line: item.line + base })));
        return { items, rest: tail.rest, restStart: tail.restStart + end };
      }
      if (c === ';') {
        if (start >= 0) items.push({ kind: 'sql', text: source.slice(start, lastEnd), line: startLine });
        start = -1;
        continue;
      }
      begin(i);
      if (c === '[' && /^\[[a-z]+:\/\/[^\]\n]*\]/i.test(source.slice(i, i + 4096))) {
        // CData's file target, SELECT … INTO [csv://out.txt;delimiter=tab]: its `;` separates options.
        const end = source.indexOf(']', i) + 1;
        lastEnd = end;
        skipTo = end;
        if (end >= seg.end) continue scan;
        i = end - 1;
        continue;
      }
      lastEnd = i + 1;
    }
  }

  if (start >= 0 && options.final) {
    items.push({ kind: 'sql', text: source.slice(start, lastEnd), line: startLine });
    return { items, rest: '', restStart: n };
  }
  if (start >= 0) return { items, rest: source.slice(start), restStart: start };
  if (pendingComment >= 0 && !options.final) return { items, rest: source.slice(pendingComment), restStart: pendingComment };
  // An unfinished meta-command line waits for its newline.
  if (pendingMeta >= 0) return { items, rest: source.slice(pendingMeta), restStart: pendingMeta };
  return { items, rest: '', restStart: n };
}

/** Whether a block comment (as the lexer cut it) is closed: its nested openings all closed. */
function closedComment(text: string): boolean {
  let depth = 0;
  for (let k = 0; k < text.length - 1; k++) {
    if (text[k] === '/' && text[k + 1] === '*') {
      depth++;
      k++;
    } else if (text[k] === '*' && text[k + 1] === '/') {
      depth--;
      k++;
      if (depth === 0) return true;
    }
  }
  return false;
}

/** Feeds text as it arrives (stdin chunks, shell lines) and hands out complete statements. */
export class StatementReader {
  private buffer = '';
  /** Line of the source where the buffer starts. */
  private baseLine = 1;

  /** Statements completed by this text. */
  push(text: string): ScriptItem[] {
    this.buffer += text;
    return this.take(false);
  }

  /** At end of input: the tail is the last statement. */
  end(): ScriptItem[] {
    return this.take(true);
  }

  /** True while a statement (or a comment) is unfinished: the shell shows its continuation prompt. */
  get pending(): boolean {
    return this.buffer.trim() !== '';
  }

  /** Forget the unfinished statement (Ctrl-C at the prompt). */
  clear(): void {
    this.baseLine += this.buffer.split('\n').length - 1;
    this.buffer = '';
  }

  private take(final: boolean): ScriptItem[] {
    const split = splitStatements(this.buffer, { final });
    const items = split.items.map((item) => ({ ...item, line: item.line + this.baseLine - 1 }));
    const consumed = this.buffer.slice(0, split.restStart);
    this.baseLine += consumed.split('\n').length - 1;
    this.buffer = split.rest;
    return items;
  }
}

// ---- running ----------------------------------------------------------------------------------

export interface OutputStream {
  write(text: string, callback?: (error?: Error | null) => void): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/** Write and wait for the stream to take it (large results and slow pipes). */
export function writeOut(stream: OutputStream, text: string): Promise<void> {
  if (text === '') return Promise.resolve();
  return new Promise((resolve) => {
    if (stream.write(text)) resolve();
    else stream.once('drain', resolve);
  });
}

/** What a run of statements shares: where output goes and the settings meta-commands change. */
export interface Session {
  connection: Connection;
  format: Format;
  /** `\timing`: print elapsed time and requests after each statement. */
  timing: boolean;
  out: OutputStream;
  err: OutputStream & ProgressStream;
  /** Interactive: tables get a blank line after them, as in psql. */
  interactive?: boolean;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Run one SQL statement and print its result (and warnings, and timing when on). */
export async function runStatement(session: Session, sql: string, signal?: AbortSignal): Promise<void> {
  const { connection } = session;
  let writing: WriteProgress | undefined;
  const progress = startProgress(connection.api, session.err, {
    detail: () => (writing ? `${writing.operation} ${writing.table}: ${writing.done} of ${plural(writing.total, 'row')} sent` : undefined),
  });
  let result;
  try {
    result = await connection.query(sql, undefined, { ...(signal ? { signal } : {}), rowMode: 'object', onProgress: (p) => (writing = p) });
  } finally {
    progress.stop();
  }
  const command = result.command;
  const write = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE';
  // psql's command tags: on stderr for the machine formats, so their stdout stays parseable.
  const tagTo = session.format === 'table' ? session.out : session.err;
  const copied = copyCount(sql, result);
  if (copied !== undefined) {
    await writeOut(tagTo, `COPY ${copied}\n`);
  } else if (write && result.columns.length === 0) {
    await writeOut(tagTo, `${command}${command === 'INSERT' ? ' 0' : ''} ${result.rowCount}\n`);
  } else {
    const text = formatResult(result, session.format, { timeZone: connection.space.timezone });
    // psql leaves a blank line after a table, which keeps several results apart.
    await writeOut(session.out, text + (session.format === 'table' ? '\n' : ''));
    // RETURNING rows, then the tag, as psql prints them.
    if (write) await writeOut(tagTo, `${command}${command === 'INSERT' ? ' 0' : ''} ${result.rowCount}\n`);
  }
  for (const w of result.stats.warnings) await writeOut(session.err, `WARNING:  ${w}\n`);
  if (session.timing) {
    const s = result.stats;
    const endpoints = Object.entries(s.byEndpoint)
      .map(([k, v]) => `${k} ×${v}`)
      .join(', ');
    const waits = s.rateLimitWaits > 0 ? `, ${plural(s.rateLimitWaits, 'rate-limit wait')} (${(s.rateLimitWaitMs / 1000).toFixed(1)} s)` : '';
    const retries = s.retries > 0 ? `, ${plural(s.retries, 'retry').replace('retrys', 'retries')}` : '';
    await writeOut(session.err, `Time: ${s.elapsedMs} ms, ${plural(s.requests, 'request')}${endpoints ? ` (${endpoints})` : ''}${waits}${retries}\n`);
  }
}

export const META_HELP = `General
  \\q                 quit
  \\?                 this help
Informational
  \\dt [PATTERN]      list tables and views (PATTERN may use * and ?)
  \\d [TABLE]         describe a table: columns, types, keys, pushdown
Settings
  \\timing [on|off]   show time and Backlog requests after each statement
  \\format FORMAT     output format: table, csv, json, ndjson

End a statement with ";". Ctrl-C cancels a running statement; Ctrl-D quits.
`;

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function pushdownText(column: { pushdown?: { ops: readonly string[]; exact: boolean; api: string; required?: boolean } | undefined }): string {
  const p = column.pushdown;
  if (!p) return '';
  const notes = [p.exact ? '' : 'superset', p.required ? 'required' : ''].filter(Boolean).join(', ');
  return `${p.ops.join(' ')} → ${p.api}${notes ? ` (${notes})` : ''}`;
}

/** `\dt`, `\d Table`, `\timing`, `\format`, `\?`. Returns 'quit' for `\q`. */
export async function runMeta(session: Session, item: Extract<ScriptItem, { kind: 'meta' }>): Promise<'quit' | undefined> {
  const { registry } = session.connection;
  const [arg] = item.args;
  const table = (title: string | undefined, columns: string[], rows: string[][]) =>
    writeOut(session.out, formatTable({ columns: columns.map((name) => ({ name, type: 'VARCHAR' })), rows }, { ...(title ? { title } : {}) }) + '\n');
  switch (item.command) {
    case 'q':
    case 'quit':
      return 'quit';
    case '?':
    case 'h':
    case 'help':
      await writeOut(session.out, META_HELP);
      return undefined;
    case 'dt':
    case 'd':
    case 'dv': {
      if (item.command === 'd' && arg !== undefined) {
        const def = registry.tables.find((t) => t.name.toLowerCase() === arg.toLowerCase());
        if (!def) {
          const near = closestName(
            arg,
            registry.tables.map((t) => t.name),
          );
          throw new SqlError(`did not find a table or view named "${arg}"`, undefined, {
            hint: near ? `Did you mean "${near}"? \\dt lists them.` : '\\dt lists the tables and views.',
          });
        }
        const rows = def.columns.map((c) => [c.name, c.type, c.key ? 'PK' : c.references ? `FK → ${c.references}` : '', pushdownText(c)]);
        const kind = def.kind === 'view' ? 'View' : 'Table';
        await table(`${kind} "${def.name}"${def.extension ? ' (extension)' : ''}: ${def.description}`, ['Column', 'Type', 'Key', 'Pushdown'], rows);
        return undefined;
      }
      const match = arg !== undefined ? globToRegExp(arg) : undefined;
      const rows = [...registry.tables]
        .filter((t) => (item.command !== 'dv' || t.kind === 'view') && (!match || match.test(t.name)))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((t) => [t.name, t.kind + (t.extension ? ' (extension)' : ''), t.description]);
      await table('List of tables and views (SELECT * FROM sys_tables for the system tables)', ['Name', 'Kind', 'Description'], rows);
      return undefined;
    }
    case 'timing': {
      session.timing = arg === undefined ? !session.timing : /^(on|true|1)$/i.test(arg);
      await writeOut(session.err, `Timing is ${session.timing ? 'on' : 'off'}.\n`);
      return undefined;
    }
    case 'format': {
      if (arg === 'table' || arg === 'csv' || arg === 'json' || arg === 'ndjson') {
        session.format = arg;
        await writeOut(session.err, `Output format is ${arg}.\n`);
        return undefined;
      }
      throw new SqlError(`\\format needs one of table, csv, json, ndjson${arg ? `, not "${arg}"` : ''}`);
    }
    default:
      throw new SqlError(`invalid command \\${item.command}`, undefined, { hint: 'Try \\? for help.' });
  }
}

/** Run one item; errors are thrown for the caller to render. */
export async function runItem(session: Session, item: ScriptItem, signal?: AbortSignal): Promise<'quit' | undefined> {
  if (item.kind === 'meta') return runMeta(session, item);
  await runStatement(session, item.text, signal);
  return undefined;
}

/** Render an error for the item that failed, on stderr. */
export async function reportError(session: Session, error: unknown, item?: ScriptItem): Promise<void> {
  await writeOut(session.err, renderError(error, item?.kind === 'sql' ? { sql: item.text, firstLine: item.line } : {}));
}

/**
 * Run items one after the other; the first error is reported and ends the run with its exit code.
 * Returns 'quit' when `\q` was met (the caller stops reading).
 */
async function runItems(session: Session, items: ScriptItem[], signal: AbortSignal): Promise<number | 'quit' | undefined> {
  for (const item of items) {
    try {
      if (signal.aborted) throw new CancelledError();
      if ((await runItem(session, item, signal)) === 'quit') return 'quit';
    } catch (e) {
      await reportError(session, e, item);
      return exitCodeFor(e);
    }
  }
  return undefined;
}

/** `-c SQL` and `-f FILE` (already read): split, run, stop at the first error. */
export async function runScript(session: Session, source: string, signal: AbortSignal): Promise<number> {
  const result = await runItems(session, splitStatements(source, { final: true }).items, signal);
  return typeof result === 'number' ? result : ExitCode.Ok;
}

/** Statements piped on stdin: each runs as soon as its `;` arrives; the tail runs at EOF. */
export async function runStream(session: Session, input: Readable, signal: AbortSignal): Promise<number> {
  const reader = new StatementReader();
  input.setEncoding('utf8');
  // Ctrl-C while waiting for input ends the reading too, not only a running statement.
  const stop = () => input.destroy();
  signal.addEventListener('abort', stop);
  try {
    // Leaving the loop early (an error, \q) destroys the input: what is left unread is not run.
    for await (const chunk of input) {
      const result = await runItems(session, reader.push(chunk as string), signal);
      if (result === 'quit') return ExitCode.Ok;
      if (result !== undefined) return result;
    }
  } catch (e) {
    if (!signal.aborted) throw e;
  } finally {
    signal.removeEventListener('abort', stop);
  }
  if (signal.aborted) {
    await reportError(session, new CancelledError());
    return ExitCode.Interrupted;
  }
  const result = await runItems(session, reader.end(), signal);
  return typeof result === 'number' ? result : ExitCode.Ok;
}

/** The rows a COPY … TO wrote (DuckDB answers with one Count row), undefined for other statements. */
function copyCount(sql: string, result: { columns: { name: string }[]; rows: unknown[] }): number | undefined {
  if (result.columns.length !== 1 || result.columns[0]?.name !== 'Count') return undefined;
  // The statement ran, so it parses; the kind is read only for a result shaped like COPY's.
  if (parseStatement(sql).kind !== 'copy') return undefined;
  return Number((result.rows[0] as Record<string, unknown> | undefined)?.Count ?? 0);
}
