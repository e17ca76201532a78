/**
 * Entry of the `backlog-sql` command: the SQL shell (or `-c`, `-f`, piped statements) and the
 * subcommands, with errors mapped to exit codes (ARCHITECTURE.md §2). Usage mistakes print one line and the
 * hint to --help, never a stack trace.
 */
import { packageVersion } from '../util/package-version.js';
import { parseArgs } from 'node:util';
import type { Connection } from '../core/connection.js';
import { connectionFrom } from './connection-file.js';
import { exitCodeFor, renderError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { FORMATS, isFormat, type Format } from './format.js';
import type { ScriptSource } from './shell.js';
import { UsageError } from './usage-error.js';

// Only light modules are imported above: `--version` and `--help` must answer without loading
// DuckDB, the emulator or the wire server (~0.5 s). Each command imports what it needs.

export const HELP = `Usage: backlog-sql [options]            the SQL shell (or run -c / -f / piped statements)
       backlog-sql <command> [options]

Query a Nulab Backlog space with SQL.

Options:
  -c, --command SQL       run SQL (one or more statements separated by ";") and exit
  -f, --file FILE         run the statements in FILE ("-" for stdin) and exit
                          (-c and -f may be repeated; they run in the order given)
  --format FORMAT         table (default), csv, json (one array of row objects) or ndjson
  --connection STRING     connection properties, e.g. 'URL=https://SPACE.backlog.com;ApiKey=…'
                          (default: $BACKLOG_SQL_CONNECTION; the key may also come from
                          $BACKLOG_API_KEY). Visible to other users in 'ps': prefer
  --connection-file FILE  the connection properties from FILE (mode 0600: checked)
  -h, --help              show this help
  -v, --version           show the version

With stdin not a terminal and no -c/-f, the statements piped on stdin run until EOF. Results go to
stdout; errors, warnings and progress to stderr. In the shell, \\? lists the meta-commands
(\\dt, \\d TABLE, \\timing, \\q); Ctrl-C cancels a running statement.

Commands:
  demo        start the embedded Backlog emulator and open the shell on it (npm start)
  emulator    run the local Backlog emulator (see 'backlog-sql emulator --help')
  auth        OAuth sign-in: auth login | status | logout (see 'backlog-sql auth --help')
  serve       serve the space over the PostgreSQL protocol (see 'backlog-sql serve --help');
              'serve hash-password --user NAME' makes a users-file line
  replicate   copy the space into PostgreSQL, DuckDB or Parquet and keep it current
              (see 'backlog-sql replicate --help')

Exit codes: 0 ok, 1 SQL error, 2 usage or configuration, 3 authentication, 4 API or network,
5 rate limit, 6 write partly done or outcome unknown, 130 interrupted.
`;

function version(): string {
  return packageVersion();
}

export interface MainOptions {
  help: boolean;
  version: boolean;
  format: Format;
  connection: string | undefined;
  connectionFile: string | undefined;
  scripts: ScriptSource[];
}

/** Options of the SQL surfaces; `-c` and `-f` keep their order. */
export function parseMainArgs(args: string[]): MainOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        command: { type: 'string', short: 'c', multiple: true },
        file: { type: 'string', short: 'f', multiple: true },
        format: { type: 'string' },
        connection: { type: 'string' },
        'connection-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
      strict: true,
      allowPositionals: false,
      tokens: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const format = parsed.values.format ?? 'table';
  if (!isFormat(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not '${format}'`);
  const scripts: ScriptSource[] = [];
  for (const t of parsed.tokens) {
    if (t.kind !== 'option' || t.value === undefined) continue;
    if (t.name === 'command') scripts.push({ kind: 'command', sql: t.value });
    if (t.name === 'file') scripts.push({ kind: 'file', path: t.value });
  }
  return {
    help: parsed.values.help === true,
    version: parsed.values.version === true,
    format,
    connection: parsed.values.connection,
    connectionFile: parsed.values['connection-file'],
    scripts,
  };
}

/** Open the connection given on the command line or in the environment, or report why not and give the exit code. */
async function open(options: MainOptions, env: NodeJS.ProcessEnv): Promise<Connection | number> {
  const connectionString = connectionFrom(options, env);
  if (connectionString === undefined || connectionString.trim() === '') {
    process.stderr.write(
      "backlog-sql: no connection given: pass --connection-file FILE or --connection 'URL=https://SPACE.backlog.com;ApiKey=…', or set BACKLOG_SQL_CONNECTION\n" +
        'To try it without a Backlog space: backlog-sql demo\n',
    );
    return ExitCode.Usage;
  }
  const { connect } = await import('../core/connection.js');
  try {
    return await connect(connectionString, { env, onWarning: (w) => process.stderr.write(`WARNING:  ${w}\n`) });
  } catch (e) {
    process.stderr.write(renderError(e));
    return exitCodeFor(e);
  }
}

async function sqlCommand(args: string[]): Promise<number> {
  const options = parseMainArgs(args);
  if (options.help) {
    process.stdout.write(HELP);
    return ExitCode.Ok;
  }
  if (options.version) {
    process.stdout.write(`${version()}\n`);
    return ExitCode.Ok;
  }
  const connection = await open(options, process.env);
  if (typeof connection === 'number') return connection;
  const { runConnected } = await import('./shell.js');
  try {
    return await runConnected({
      connection,
      format: options.format,
      scripts: options.scripts,
      banner: `backlog-sql ${version()}: connected to ${connection.space.name} (${connection.config.url}). Type \\? for help, \\q to quit.\n\n`,
    });
  } finally {
    await connection.close();
  }
}

const COMMANDS = new Set(['demo', 'emulator', 'serve', 'auth', 'replicate', 'help']);

export async function main(args: string[]): Promise<number> {
  // `backlog-sql … | head`: a closed pipe ends the output, quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(ExitCode.Ok);
    throw e;
  });
  const [command, ...rest] = args;
  try {
    if (command === undefined || command.startsWith('-')) return await sqlCommand(args);
    if (!COMMANDS.has(command)) throw new UsageError(`unknown command '${command}'`);
    switch (command) {
      case 'emulator':
        return await (await import('./emulator-command.js')).emulatorCommand(rest);
      case 'demo':
        return await (await import('./demo-command.js')).demoCommand(rest);
      case 'auth':
        return await (await import('./auth-command.js')).authCommand(rest);
      case 'serve':
        return await (await import('./serve-command.js')).serveCommand(rest);
      case 'replicate':
        return await (await import('./replicate-command.js')).replicateCommand(rest);
      default:
        process.stdout.write(HELP);
        return ExitCode.Ok;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`backlog-sql: ${e.message}\nRun 'backlog-sql --help' for usage.\n`);
      return ExitCode.Usage;
    }
    process.stderr.write(renderError(e));
    return exitCodeFor(e);
  }
}
