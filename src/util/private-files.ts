/**
 * Files and folders that hold secrets or what a statement touched (the settings folder, the log
 * file) are private to their owner: 0700 for a folder, 0600 for a file. The mode given when
 * creating applies only to new ones, so an existing folder or file is tightened here too, or a
 * clear error says why it cannot be (issue 11). Windows has no such modes: nothing is checked.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { ConfigError } from '../errors.js';

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}

function tighten(path: string, kind: 'folder' | 'file', wanted: number, property: string | undefined): void {
  if (process.platform === 'win32') return;
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  try {
    chmodSync(path, mode & ~0o077 & wanted);
  } catch (e) {
    throw new ConfigError(
      `the ${kind} ${path} can be read by other users (mode ${octal(mode)}) and its mode cannot be changed (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      property,
      {
        hint: `Run: chmod ${octal(wanted).slice(1)} ${path} as its owner${property ? `, or point ${property} at a ${kind} of your own` : ''}.`,
      },
    );
  }
}

/** The folder, made 0700 if missing (parents too), tightened to 0700 if it exists. */
export function ensurePrivateFolder(path: string, property?: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  tighten(path, 'folder', 0o700, property);
}

/** An existing file tightened to 0600 (owner read/write at most). */
export function ensurePrivateFile(path: string, property?: string): void {
  tighten(path, 'file', 0o600, property);
}
