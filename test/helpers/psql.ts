/**
 * psql (Debian's client, version 15) against a `backlog-sql serve` port, as a child process with
 * a timeout: stdout and stderr collected, the exit code returned.
 */
import { spawn } from 'node:child_process';

export function runPsql(
  port: number,
  args: string[],
  options: { user?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('psql', ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', options.user ?? 'me', '-d', 'backlog', ...args], {
    env: { ...process.env, PGCONNECT_TIMEOUT: '10', ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`psql timed out: ${stdout} ${stderr}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
