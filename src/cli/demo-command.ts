/**
 * `backlog-sql demo` (and `npm start`): the offline try-out. Starts the embedded emulator at small
 * scale on port 8765 (any free port if that one is taken), connects to it, shows three example
 * queries and opens the SQL shell; with stdin not a terminal it runs the piped statements and
 * exits. Other programs can reach the same space while it runs (the URL and key are printed).
 */
import { connect, type Connection } from '../core/connection.js';
import { startEmulator, EmulatorOptionError, type RunningEmulator } from '../emulator/index.js';
import { parseEmulatorArgs } from './emulator-command.js';
import { UsageError } from './usage-error.js';
import { exitCodeFor, renderError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { runConnected } from './shell.js';

export const DEMO_HELP = `Usage: backlog-sql demo [emulator options]

Starts the embedded Backlog emulator (small scale, port 8765 or any free port), connects to it and
opens the SQL shell; with statements piped on stdin it runs them and exits. Accepts the options of
'backlog-sql emulator' (--json prints the emulator's start facts first).
`;

/**
 * Three questions people ask of Backlog, in the order the intro shows them. A title that states a
 * request count is checked against the demo space by test/e2e/demo-queries.test.ts.
 */
export const DEMO_QUERIES = [
  {
    title: 'the 10 most recently updated open issues of project WEB (2 Backlog requests: the project, then one search)',
    sql: "SELECT IssueKey, Summary, StatusName, AssigneeName, Updated\n  FROM Issues\n WHERE ProjectKey = 'WEB' AND StatusId IN (1, 2, 3)\n ORDER BY Updated DESC LIMIT 10;",
  },
  {
    title: 'issue count per status in WEB',
    sql: "SELECT StatusName, COUNT(*) AS Issues\n  FROM Issues WHERE ProjectKey = 'WEB'\n GROUP BY StatusName ORDER BY Issues DESC;",
  },
  {
    title: 'all comments of WEB-1',
    sql: "SELECT Created, CreatedUserName, Content\n  FROM IssueComments WHERE IssueKey = 'WEB-1'\n ORDER BY Created;",
  },
] as const;

function intro(emu: RunningEmulator, scale: string): string {
  const lines = [
    `Backlog emulator listening on ${emu.url}  (space "${emu.spaceKey}", ${scale} scale)`,
    `Connected with URL=${emu.url};ApiKey=${emu.apiKey}  (a local emulator: not a secret of any real space)`,
    '',
    'Try these (copy a statement, or type your own; end it with ";"):',
    '',
    ...DEMO_QUERIES.flatMap((q) => [`-- ${q.title}`, q.sql, '']),
    "Type \\dt for the tables, \\d Issues for a table's columns, \\timing for request counts, \\? for help, \\q to quit.",
    '',
  ];
  return lines.join('\n') + '\n';
}

export async function demoCommand(args: string[]): Promise<number> {
  const { options, json, help } = parseEmulatorArgs(args);
  if (help) {
    process.stdout.write(DEMO_HELP);
    return ExitCode.Ok;
  }
  const wanted = { scale: 'small' as const, ...options };
  let emu: RunningEmulator;
  try {
    emu = await startEmulator(wanted);
  } catch (e) {
    if (e instanceof EmulatorOptionError) throw new UsageError(e.message);
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.port !== undefined) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`port ${options.port} is already in use: pass --port 0 or another port`);
      throw e;
    }
    // The default port is busy (another demo?): any free port keeps `npm start` working.
    emu = await startEmulator({ ...wanted, port: 0 });
    if (!json) process.stderr.write('Port 8765 is in use; listening on a free port instead.\n');
  }
  let connection: Connection | undefined;
  try {
    try {
      connection = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`, { onWarning: (w) => process.stderr.write(`WARNING:  ${w}\n`) });
    } catch (e) {
      process.stderr.write(renderError(e));
      return exitCodeFor(e);
    }
    if (json) {
      // After connecting: the line tells a script that statements can come now.
      const { close: _close, ...facts } = emu;
      process.stdout.write(JSON.stringify(facts) + '\n');
    }
    const interactive = process.stdin.isTTY === true;
    if (!interactive && !json) {
      // Piped: stdout carries only the results; one line on stderr says where they come from.
      process.stderr.write(`backlog-sql demo: emulator on ${emu.url} (space "${emu.spaceKey}", ${wanted.scale} scale)\n`);
    }
    return await runConnected({ connection, format: 'table', ...(interactive && !json ? { banner: intro(emu, wanted.scale) } : {}) });
  } finally {
    await connection?.close();
    await emu.close();
  }
}
