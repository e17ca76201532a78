/**
 * DuckDB's spill folder, kept private (issue 11): instead of `<working dir>/.tmp/`, each process
 * gets one folder of its own in the system temp folder (mode 0700, `backlog-sql-<pid>-XXXXXX`),
 * each DuckDB instance a subfolder in it (two instances must not share DuckDB's file names). The
 * subfolder goes when its instance closes, the process folder when the process exits, and
 * folders left by processes that died are swept when the next one starts.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../util/process-alive.js';

const PREFIX = 'backlog-sql-';
let processFolder: string | undefined;

/** Folders of ours whose process is gone (a crash skips the exit cleanup). */
function sweepDeadProcesses(root: string): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const pid = Number(new RegExp(`^${PREFIX}(\\d+)-[A-Za-z0-9]{6}$`).exec(name)?.[1] ?? NaN);
    if (!Number.isInteger(pid) || pid === process.pid || processAlive(pid)) continue;
    try {
      const full = join(root, name);
      const st = statSync(full);
      if (st.isDirectory() && (uid === undefined || st.uid === uid)) rmSync(full, { recursive: true, force: true });
    } catch {
      // Another process may be sweeping it too.
    }
  }
}

/** The process's private folder, made (0700: mkdtemp's mode) on first use. */
export function processTempFolder(): string {
  if (processFolder) return processFolder;
  const root = tmpdir();
  sweepDeadProcesses(root);
  const folder = mkdtempSync(join(root, `${PREFIX}${process.pid}-`));
  processFolder = folder;
  process.once('exit', () => removeTempFolder(folder));
  return folder;
}

/** A new private subfolder for one DuckDB instance. */
export function instanceTempFolder(): string {
  return mkdtempSync(join(processTempFolder(), 'duckdb-'));
}

export function removeTempFolder(folder: string): void {
  try {
    rmSync(folder, { recursive: true, force: true });
  } catch {
    // Best effort: the exit cleanup or the next process's sweep gets it.
  }
}
