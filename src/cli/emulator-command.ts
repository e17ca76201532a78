/**
 * `backlog-sql emulator`: run the local Backlog emulator until interrupted (ARCHITECTURE.md §9 flags).
 * With `--json`, exactly one JSON line of start facts goes to stdout once listening.
 */
import { parseArgs } from 'node:util';
import { EmulatorOptionError, startEmulator, type EmulatorFacts, type EmulatorOptions, type RunningEmulator } from '../emulator/index.js';
import { ExitCode } from './exit-codes.js';
import { UsageError } from './usage-error.js';

export const EMULATOR_HELP = `Usage: backlog-sql emulator [options]

Runs a local Backlog space (API v2, OAuth screens and test controls) on loopback.

Options:
  --host HOST                 address to listen on (default 127.0.0.1)
  --port N                    port, 0 = any free port (default 8765)
  --seed N                    seed of the generated data (default 1)
  --scale tiny|small|medium|large
                              ~50 / 1,000 / 10,000 / 100,000 issues (default small)
  --rate-limit SPEC           backlog (600/150/150/60 a window), off, or
                              read=N,update=N,search=N,icon=N (default backlog)
  --rate-window SECONDS       length of a rate-limit window (default 60)
  --token-ttl SECONDS         OAuth access-token lifetime (default 3600)
  --refresh-rotation MODE     none | rotate | reuse-detection (default reuse-detection)
  --pkce MODE                 off | optional | required (default optional)
  --timezone ZONE             the space's IANA time zone (default Asia/Tokyo)
  --latency MS                extra delay before every API response (default 0)
  --json                      print one JSON line with the start facts, nothing else
  -h, --help                  show this help
`;

const FLAGS = {
  host: { type: 'string' },
  port: { type: 'string' },
  seed: { type: 'string' },
  scale: { type: 'string' },
  'rate-limit': { type: 'string' },
  'rate-window': { type: 'string' },
  'token-ttl': { type: 'string' },
  'refresh-rotation': { type: 'string' },
  pkce: { type: 'string' },
  timezone: { type: 'string' },
  latency: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export { UsageError };

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a whole number, got '${value}'`);
  return Number(value);
}

/** Parse emulator flags into options (shared by `emulator` and `demo`). */
export function parseEmulatorArgs(args: string[]): { options: EmulatorOptions; json: boolean; help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args, options: FLAGS, strict: true, allowPositionals: false });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  const options: EmulatorOptions = {};
  if (v.host !== undefined) options.host = v.host;
  const port = integer('port', v.port);
  if (port !== undefined) options.port = port;
  const seed = integer('seed', v.seed);
  if (seed !== undefined) options.seed = seed;
  if (v.scale !== undefined) options.scale = v.scale as EmulatorOptions['scale'] & string;
  if (v['rate-limit'] !== undefined) options.rateLimit = v['rate-limit'];
  const window = integer('rate-window', v['rate-window']);
  if (window !== undefined) options.rateWindow = window;
  const ttl = integer('token-ttl', v['token-ttl']);
  if (ttl !== undefined) options.tokenTtl = ttl;
  if (v['refresh-rotation'] !== undefined) options.refreshRotation = v['refresh-rotation'] as EmulatorOptions['refreshRotation'] & string;
  if (v.pkce !== undefined) options.pkce = v.pkce as EmulatorOptions['pkce'] & string;
  if (v.timezone !== undefined) options.timezone = v.timezone;
  const latency = integer('latency', v.latency);
  if (latency !== undefined) options.latency = latency;
  return { options, json: v.json === true, help: v.help === true };
}

const ROLE_NAMES: Record<number, string> = {
  1: 'Administrator',
  2: 'Normal user',
  3: 'Reporter',
  4: 'Viewer',
  5: 'Guest reporter',
  6: 'Guest viewer',
};

/** The start facts for a person. */
export function describeFacts(facts: EmulatorFacts, scale: string): string {
  const lines = [
    `Backlog emulator listening on ${facts.url}  (space "${facts.spaceKey}", ${scale} scale)`,
    '',
    `  REST API      ${facts.url}/api/v2/…   e.g. curl '${facts.url}/api/v2/space?apiKey=${facts.apiKey}'`,
    `  OAuth 2.0     ${facts.url}/OAuth2AccessRequest.action   token: POST ${facts.url}/api/v2/oauth2/token`,
    `  Apps page     ${facts.url}/developer/applications`,
    `  Controls      ${facts.url}/_emulator/journal | reset | faults | clock | oauth-apps | export`,
    '',
    'Users (API key, password):',
    ...facts.users.map(
      (u) => `  ${String(u.id).padStart(3)}  ${u.userId.padEnd(22)} ${ROLE_NAMES[u.roleType]?.padEnd(15)} apiKey=${u.apiKey}  password=${u.password}`,
    ),
    '',
    `Seeded OAuth app: client id ${facts.oauthApp.clientId}`,
    `  client secret ${facts.oauthApp.clientSecret}`,
    `  redirect URIs ${facts.oauthApp.redirectUris.join(', ')}`,
    '',
    'This is a local emulator: these credentials are not secrets of any real space.',
  ];
  return lines.join('\n') + '\n';
}

/** Resolves when SIGINT or SIGTERM arrives; closes the emulator first. */
export function waitForSignal(emu: RunningEmulator): Promise<number> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void emu.close().then(() => resolve(signal === 'SIGINT' ? ExitCode.Interrupted : ExitCode.Ok));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function emulatorCommand(args: string[]): Promise<number> {
  const { options, json, help } = parseEmulatorArgs(args);
  if (help) {
    process.stdout.write(EMULATOR_HELP);
    return ExitCode.Ok;
  }
  let emu: RunningEmulator;
  try {
    emu = await startEmulator(options, {
      onInternalError: (error, method, path) => process.stderr.write(`emulator: internal error on ${method} ${path}: ${String(error)}\n`),
    });
  } catch (e) {
    if (e instanceof EmulatorOptionError) throw new UsageError(e.message);
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(`port ${options.port ?? 8765} is already in use: stop what holds it, or pass --port 0 (any free port) or another port`);
    }
    throw e;
  }
  const { close: _close, ...facts } = emu;
  process.stdout.write(json ? JSON.stringify(facts) + '\n' : describeFacts(facts, options.scale ?? 'small'));
  return waitForSignal(emu);
}
