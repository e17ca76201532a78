/**
 * Where the CLI takes the connection properties from: `--connection STRING`, `--connection-file
 * FILE`, or $BACKLOG_SQL_CONNECTION. A string on the command line shows in `ps` to every user of
 * the machine; the file and the environment variable do not (issue 11). The file must be private
 * to its owner (mode 0600 or stricter, as ssh wants of a private key); lines starting with `#`
 * are comments, and the properties may span lines (`;` separates them, as on the command line).
 */
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from './usage-error.js';

export function readConnectionFile(path: string): string {
  let mode: number;
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new UsageError(`the connection file ${path} is not a file`);
    mode = st.mode & 0o777;
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read the connection file ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`,
    );
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new UsageError(
      `the connection file ${path} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}); it holds your API key: run chmod 600 ${path}`,
    );
  }
  const connection = text
    .split(/\r?\n/)
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .trim();
  if (connection === '')
    throw new UsageError(`the connection file ${path} is empty: write the connection properties in it, e.g. URL=https://SPACE.backlog.com;ApiKey=…`);
  return connection;
}

/** The connection string the options or the environment give; undefined when none. */
export function connectionFrom(values: { connection?: string | undefined; connectionFile?: string | undefined }, env: NodeJS.ProcessEnv): string | undefined {
  if (values.connection !== undefined && values.connectionFile !== undefined) throw new UsageError('give --connection or --connection-file, not both');
  if (values.connectionFile !== undefined) return readConnectionFile(values.connectionFile);
  return values.connection ?? env.BACKLOG_SQL_CONNECTION;
}
