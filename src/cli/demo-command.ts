/**
 * `backlog-sql demo` (and `npm start`): the offline try-out. Until the SQL shell lands it starts
 * the embedded emulator at small scale on port 8765 (any free port if that one is taken) and
 * prints how to use it.
 */
import { startEmulator, EmulatorOptionError, type RunningEmulator } from '../emulator/index.js';
import { describeFacts, parseEmulatorArgs, UsageError, waitForSignal } from './emulator-command.js';
import { ExitCode } from './exit-codes.js';

export const DEMO_HELP = `Usage: backlog-sql demo [emulator options]

Starts the embedded Backlog emulator (small scale, port 8765 or any free port) and shows how to
reach it. Accepts the options of 'backlog-sql emulator'. Stop it with Ctrl-C.
`;

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
  const { close: _close, ...facts } = emu;
  if (json) {
    process.stdout.write(JSON.stringify(facts) + '\n');
  } else {
    process.stdout.write(describeFacts(facts, wanted.scale ?? 'small'));
    process.stdout.write(
      [
        '',
        'Try it:',
        `  curl '${facts.url}/api/v2/issues?apiKey=${facts.apiKey}&count=3'`,
        `  curl -g '${facts.url}/api/v2/issues/count?apiKey=${facts.apiKey}&statusId[]=1'`,
        `  curl '${facts.url}/_emulator/journal'`,
        '',
        'The SQL shell over this space is coming next (see the README). Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  }
  return waitForSignal(emu);
}
