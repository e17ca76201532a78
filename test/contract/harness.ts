/**
 * The contract suite's shared emulator. All families run in one process (contract.test.ts), so
 * the route-coverage check at the end sees every request any family made. Call `freshEmulator()`
 * at the start of a family that writes: it banks the routes covered so far, then resets the data.
 */
import { control, journal, type RunningEmulator } from '../helpers/emulator.js';

const covered = new Set<string>();
let current: RunningEmulator | undefined;

export function setEmulator(emu: RunningEmulator): void {
  current = emu;
}

export function emu(): RunningEmulator {
  if (!current) throw new Error('contract harness: emulator not started');
  return current;
}

/** Record which routes the journal shows as exercised (any status). */
export async function bankCoverage(): Promise<void> {
  for (const entry of await journal(emu())) if (entry.route) covered.add(entry.route);
}

/** Bank coverage, then restore the seeded data (and clear journal, faults, clock). */
export async function freshEmulator(): Promise<void> {
  await bankCoverage();
  await control(emu(), 'POST', 'reset');
}

export function coveredRoutes(): ReadonlySet<string> {
  return covered;
}
