/**
 * `backlog-sql serve`: the PostgreSQL wire-protocol server over one Backlog connection, until
 * interrupted; and `serve hash-password`, which turns a password read from stdin into a users-file
 * line (a SCRAM verifier: the password itself is never stored, PG-5).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { connect } from '../core/connection.js';
import { formatVerifier, makeVerifier } from '../pgserver/scram.js';
import { isLoopback, serve, SERVE_DEFAULTS } from '../pgserver/server.js';
import { ConfigError } from '../errors.js';
import { UsageError } from './usage-error.js';
import { exitCodeFor, renderError } from './errors.js';
import { connectionFrom } from './connection-file.js';
import { ExitCode } from './exit-codes.js';

export const SERVE_HELP = `Usage: backlog-sql serve [options]
       backlog-sql serve hash-password --user NAME [--readonly]   (password on stdin)

Serves the Backlog space over the PostgreSQL protocol: psql, JDBC, ODBC, BI tools and
node-postgres connect as to PostgreSQL 15 (database backlog). Catalog queries are answered by a
real PostgreSQL holding the schema, started in a temporary folder; data comes from Backlog.

Options:
  --host HOST          address to listen on (default 127.0.0.1; any other needs --users and TLS)
  --port N             port (default 5433; 0 = any free port)
  --connection STRING  connection properties (default: $BACKLOG_SQL_CONNECTION)
  --connection-file FILE  the connection properties from FILE (mode 0600: checked)
  --users FILE         users file: lines made by 'serve hash-password' (SCRAM-SHA-256);
                       without it, any user name is trusted (loopback only)
  --tls-cert FILE      PEM certificate: clients asking for TLS get it (and on a
                       non-loopback --host, every client must use TLS)
  --tls-key FILE       PEM private key for --tls-cert
  --max-connections N  clients at once (default ${SERVE_DEFAULTS.maxConnections})
  --max-unauthenticated N
                       logins stalled on their client kept at once (default ${SERVE_DEFAULTS.maxUnauthenticated})
  --auth-timeout SECS  close a client that has not logged in after SECS (default ${SERVE_DEFAULTS.authTimeoutMs / 1000})
  --max-message-bytes N
                       largest message a client may send (default ${SERVE_DEFAULTS.maxMessageBytes}, 1 MiB)
  -h, --help           show this help
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function hashPassword(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { user: { type: 'string' }, readonly: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(
      'Usage: backlog-sql serve hash-password --user NAME [--readonly] < password-file\nPrints a users-file line: NAME:SCRAM-SHA-256$4096:salt$StoredKey:ServerKey [readonly]\n--readonly: the user may only read (no INSERT/UPDATE/DELETE, no procedure that writes).\n',
    );
    return ExitCode.Ok;
  }
  const user = parsed.values.user;
  if (!user || user.includes(':')) throw new UsageError('serve hash-password needs --user NAME (no ":" in it)');
  if (process.stdin.isTTY) process.stderr.write('Password (then Enter and Ctrl-D): ');
  const password = (await readStdin()).replace(/\r?\n$/, '');
  if (password === '') throw new UsageError('no password on stdin');
  process.stdout.write(`${user}:${formatVerifier(makeVerifier(password))}${parsed.values.readonly ? ' readonly' : ''}\n`);
  return ExitCode.Ok;
}

export async function serveCommand(args: string[]): Promise<number> {
  if (args[0] === 'hash-password') return hashPassword(args.slice(1));
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        connection: { type: 'string' },
        'connection-file': { type: 'string' },
        users: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'max-connections': { type: 'string' },
        'max-unauthenticated': { type: 'string' },
        'auth-timeout': { type: 'string' },
        'max-message-bytes': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(SERVE_HELP);
    return ExitCode.Ok;
  }
  if (v.port !== undefined && !/^\d+$/.test(v.port)) throw new UsageError(`--port must be a whole number, got '${v.port}'`);
  const count = (flag: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`--${flag} must be a whole number above 0, got '${value}'`);
    return Number(value);
  };
  const maxConnections = count('max-connections', v['max-connections']);
  const maxUnauthenticated = count('max-unauthenticated', v['max-unauthenticated']);
  const maxMessageBytes = count('max-message-bytes', v['max-message-bytes']);
  if (v['auth-timeout'] !== undefined && !/^\d+(\.\d+)?$/.test(v['auth-timeout']))
    throw new UsageError(`--auth-timeout must be a number of seconds, got '${v['auth-timeout']}'`);
  const authTimeoutMs = v['auth-timeout'] !== undefined ? Math.max(1, Math.round(Number(v['auth-timeout']) * 1000)) : undefined;
  if ((v['tls-cert'] === undefined) !== (v['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  // PG-1, checked before connecting to Backlog so the refusal is immediate.
  if (v.host && !isLoopback(v.host) && (!v.users || !v['tls-cert'])) {
    process.stderr.write(
      renderError(
        new ConfigError(`refusing to listen on ${v.host} without TLS and a users file`, 'host', {
          hint: 'Remote clients need --tls-cert/--tls-key and --users (made with backlog-sql serve hash-password); or bind 127.0.0.1.',
        }),
      ),
    );
    return ExitCode.Usage;
  }
  const connectionString = connectionFrom({ connection: v.connection, connectionFile: v['connection-file'] }, process.env);
  if (!connectionString?.trim())
    throw new UsageError("no connection given: pass --connection 'URL=https://SPACE.backlog.com;ApiKey=…' or set BACKLOG_SQL_CONNECTION");
  const tls = v['tls-cert'] && v['tls-key'] ? { cert: readFileSync(v['tls-cert']), key: readFileSync(v['tls-key']) } : undefined;
  const connection = await connect(connectionString, { noExternalAccess: true, onWarning: (w) => process.stderr.write(`WARNING:  ${w}\n`) });
  try {
    const server = await serve({
      connection,
      ...(v.host ? { host: v.host } : {}),
      ...(v.port !== undefined ? { port: Number(v.port) } : {}),
      ...(v.users ? { users: v.users } : {}),
      ...(tls ? { tls } : {}),
      ...(maxConnections !== undefined ? { maxConnections } : {}),
      ...(maxUnauthenticated !== undefined ? { maxUnauthenticated } : {}),
      ...(authTimeoutMs !== undefined ? { authTimeoutMs } : {}),
      ...(maxMessageBytes !== undefined ? { maxMessageBytes } : {}),
      log: (level, message, error) => {
        if (level === 'info') return;
        process.stderr.write(
          `${level.toUpperCase()}:  ${message}${error ? `\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}` : ''}\n`,
        );
      },
    });
    process.stderr.write(
      `backlog-sql serve: ${connection.space.name} on postgresql://${server.host}:${server.port}/backlog (${server.auth}${tls ? ', TLS' : ''}); Ctrl-C stops\n`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    return ExitCode.Ok;
  } catch (e) {
    process.stderr.write(renderError(e));
    return exitCodeFor(e);
  } finally {
    await connection.close();
  }
}
