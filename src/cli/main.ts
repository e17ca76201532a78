/**
 * Entry of the `backlog-sql` command: dispatches to subcommands and maps errors to exit codes
 * (DESIGN §2). Usage mistakes print one line and the hint to --help, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { demoCommand } from './demo-command.js';
import { emulatorCommand, UsageError } from './emulator-command.js';
import { ExitCode } from './exit-codes.js';

export const HELP = `Usage: backlog-sql <command> [options]

Commands:
  demo        start the embedded Backlog emulator and show how to use it (npm start)
  emulator    run the local Backlog emulator (see 'backlog-sql emulator --help')

Options:
  -h, --help     show this help
  -v, --version  show the version
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(HELP);
        return command === undefined ? ExitCode.Usage : ExitCode.Ok;
      case '-v':
      case '--version':
        process.stdout.write(`${version()}\n`);
        return ExitCode.Ok;
      case 'emulator':
        return await emulatorCommand(rest);
      case 'demo':
        return await demoCommand(rest);
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`backlog-sql: ${e.message}\nRun 'backlog-sql --help' for usage.\n`);
      return ExitCode.Usage;
    }
    throw e;
  }
}
