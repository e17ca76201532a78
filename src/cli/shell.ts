/**
 * The interactive SQL shell (ARCHITECTURE.md §2), psql-like: prompt `backlog=> `, `backlog-> ` while a
 * statement is unfinished (it ends at `;` outside quotes and comments), meta-commands (`\dt`,
 * `\d Table`, `\timing`, `\q`, `\?`), line history in ~/.backlog_sql_history (or
 * $BACKLOG_SQL_HISTORY; mode 0600, since statements can hold data worth keeping private; statements
 * that carry secrets are not kept at all: ./history.ts).
 *
 * Ctrl-C cancels the running statement (its Backlog requests stop at once through the
 * AbortSignal); at the prompt it drops the line and the unfinished statement; a second Ctrl-C at
 * an empty prompt, Ctrl-D or `\q` leaves.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Connection } from '../core/connection.js';
import { ExitCode } from './exit-codes.js';
import { carriesSecret } from './history.js';
import type { Format } from './format.js';
import { UsageError } from './usage-error.js';
import {
  parseMeta,
  reportError,
  runItem,
  runScript,
  runStream,
  StatementReader,
  writeOut,
  type OutputStream,
  type ScriptItem,
  type Session,
} from './run-sql.js';
import type { ProgressStream } from './progress.js';

export const PROMPT = 'backlog=> ';
export const CONTINUATION_PROMPT = 'backlog-> ';
const HISTORY_SIZE = 1000;

/** Where history lives: $BACKLOG_SQL_HISTORY (empty: none), else ~/.backlog_sql_history. */
export function historyPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env.BACKLOG_SQL_HISTORY;
  if (set !== undefined) return set === '' ? undefined : set;
  return join(homedir(), '.backlog_sql_history');
}

/** History lines, newest first (readline's order). A missing or unreadable file is no history. */
export function loadHistory(path: string | undefined): string[] {
  if (!path) return [];
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-HISTORY_SIZE)
      .reverse();
  } catch {
    return [];
  }
}

/** Oldest first in the file, one entry a line, readable by the owner only. */
export function saveHistory(path: string, history: readonly string[]): void {
  writeFileSync(path, [...history].reverse().join('\n') + '\n', { mode: 0o600 });
  // writeFileSync's mode applies only when it creates the file.
  chmodSync(path, 0o600);
}

export interface ShellOptions {
  connection: Connection;
  format: Format;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream & OutputStream;
  err: OutputStream & ProgressStream;
  /** Raw terminal mode (line editing, Ctrl-C as an event); default: output is a TTY. */
  terminal?: boolean;
  historyFile?: string | undefined;
}

/** Run the shell until `\q`, Ctrl-D or a second Ctrl-C; resolves with the exit code. */
export function runShell(options: ShellOptions): Promise<number> {
  const terminal = options.terminal ?? (options.output as { isTTY?: boolean }).isTTY === true;
  const session: Session = {
    connection: options.connection,
    format: options.format,
    timing: false,
    out: options.output,
    err: options.err,
    interactive: true,
  };
  const rl = createInterface({
    input: options.input,
    output: options.output,
    terminal,
    prompt: PROMPT,
    history: loadHistory(options.historyFile),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
  });
  let historyWarned = false;
  const save = (history: readonly string[]) => {
    if (!options.historyFile) return;
    try {
      saveHistory(
        options.historyFile,
        history.filter((line) => !carriesSecret(line)),
      );
    } catch (e) {
      if (!historyWarned) void writeOut(options.err, `WARNING:  cannot save history to ${options.historyFile}: ${(e as Error).message}\n`);
      historyWarned = true;
    }
  };
  rl.on('history', save);
  /** Lines of the statement being typed: all leave the history when it turns out to carry a secret. */
  let statementLines: string[] = [];
  const forgetSecrets = (items: readonly ScriptItem[], line: string) => {
    statementLines.push(line);
    if (items.length === 0) return;
    if (items.some((item) => item.kind === 'sql' && carriesSecret(item.text))) {
      const history = (rl as unknown as { history: string[] }).history;
      for (const l of statementLines) {
        const at = history.indexOf(l);
        if (at >= 0) history.splice(at, 1);
      }
      save(history);
    }
    // The line may also begin the next statement.
    statementLines = reader.pending ? [line] : [];
  };

  const reader = new StatementReader();
  let running: AbortController | undefined;
  let closed = false;
  /** Set by `\q` and the second Ctrl-C: lines still queued are dropped (Ctrl-D lets them run). */
  let quitting = false;
  /** Lines typed while a statement runs wait their turn; Ctrl-C drops them (a new epoch). */
  let chain: Promise<void> = Promise.resolve();
  let epoch = 0;
  let ctrlCAtEmptyPrompt = false;

  const prompt = () => {
    if (closed) return;
    rl.setPrompt(reader.pending ? CONTINUATION_PROMPT : PROMPT);
    rl.prompt();
  };

  const run = async (item: ScriptItem): Promise<boolean> => {
    running = new AbortController();
    try {
      if ((await runItem(session, item, running.signal)) === 'quit') return false;
    } catch (e) {
      // In the shell, LINE counts from the statement's first line, as in psql.
      await reportError(session, e, { ...item, line: 1 });
    } finally {
      running = undefined;
    }
    return true;
  };

  const handleLine = async (line: string, lineEpoch: number) => {
    if (quitting || lineEpoch !== epoch) return;
    ctrlCAtEmptyPrompt = false;
    let items: ScriptItem[];
    if (reader.pending && /^\s*\\/.test(line)) {
      // A meta-command inside an unfinished statement runs now and leaves the statement as it is
      // (psql does the same), so `\q` always leaves and `\r` can drop the statement.
      const meta = /^\s*\\(r|reset)\s*$/.exec(line);
      if (meta) {
        reader.clear();
        await writeOut(options.err, 'Query buffer reset (cleared).\n');
        prompt();
        return;
      }
      items = [parseMeta(line, 1)];
    } else {
      items = reader.push(line + '\n');
      forgetSecrets(items, line);
    }
    for (const item of items) {
      if (quitting || lineEpoch !== epoch) return;
      if (!(await run(item))) {
        quitting = true;
        rl.close();
        return;
      }
    }
    prompt();
  };

  rl.on('line', (line) => {
    const lineEpoch = epoch;
    chain = chain.then(() => handleLine(line, lineEpoch));
  });

  rl.on('SIGINT', () => {
    if (running) {
      epoch++;
      running.abort();
      return;
    }
    if (rl.line !== '' || reader.pending) {
      ctrlCAtEmptyPrompt = false;
      reader.clear();
      // Ctrl-E then Ctrl-U: move to the end and delete the whole line.
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
      void writeOut(options.output, '^C\n');
      prompt();
      return;
    }
    if (ctrlCAtEmptyPrompt) {
      quitting = true;
      rl.close();
      return;
    }
    ctrlCAtEmptyPrompt = true;
    void writeOut(options.output, '\n(To quit, press Ctrl-C again or Ctrl-D, or type \\q.)\n');
    prompt();
  });

  return new Promise((resolve) => {
    rl.on('close', () => {
      closed = true;
      if (terminal) void writeOut(options.output, '\n');
      // A statement still running finishes printing (or is cancelled by its Ctrl-C) first.
      void chain.then(() => resolve(ExitCode.Ok));
    });
    prompt();
  });
}

/** What to run once connected: `-c` strings and `-f` files in the order given. */
export type ScriptSource = { kind: 'command'; sql: string } | { kind: 'file'; path: string };

export interface RunConnectedOptions {
  connection: Connection;
  format: Format;
  scripts?: readonly ScriptSource[];
  /** Printed on stdout before the interactive shell starts. */
  banner?: string;
  input?: NodeJS.ReadStream;
  output?: NodeJS.WriteStream;
  err?: NodeJS.WriteStream;
}

/**
 * The SQL surfaces over an open connection: the `-c`/`-f` scripts when given, else the shell when
 * stdin is a terminal, else the statements piped on stdin. Ctrl-C outside the shell cancels the
 * running statement (exit 130); a second one leaves at once.
 */
export async function runConnected(options: RunConnectedOptions): Promise<number> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const err = options.err ?? process.stderr;
  const scripts = options.scripts ?? [];
  if (scripts.length === 0 && input.isTTY) {
    if (options.banner) await writeOut(output, options.banner);
    return runShell({ connection: options.connection, format: options.format, input, output, err, historyFile: historyPath() });
  }
  const session: Session = { connection: options.connection, format: options.format, timing: false, out: output, err };
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(ExitCode.Interrupted);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    if (scripts.length === 0) return await runStream(session, input, controller.signal);
    for (const script of scripts) {
      let code: number;
      if (script.kind === 'command') code = await runScript(session, script.sql, controller.signal);
      else if (script.path === '-') code = await runStream(session, input, controller.signal);
      else {
        let text: string;
        try {
          text = readFileSync(script.path, 'utf8');
        } catch (e) {
          throw new UsageError(`cannot read ${script.path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
        }
        code = await runScript(session, text, controller.signal);
      }
      if (code !== ExitCode.Ok) return code;
    }
    return ExitCode.Ok;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
