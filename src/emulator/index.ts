/**
 * `backlog-sql/emulator`: a local Backlog space for tests, demos and trying the driver offline.
 *
 * @example
 * ```ts
 * import { startEmulator } from 'backlog-sql/emulator';
 * const emu = await startEmulator({ port: 0, scale: 'tiny', rateLimit: 'off' });
 * const res = await fetch(`${emu.url}/api/v2/space?apiKey=${emu.apiKey}`);
 * await emu.close();
 * ```
 */
import type { AddressInfo } from 'node:net';
import { startFacts, type EmulatorFacts } from './facts.js';
import { resolveOptions, type EmulatorOptions } from './options.js';
import { createEmulatorServer, type ServerHooks } from './server.js';
import { EmulatorState } from './state.js';

export type { EmulatorOptions, Scale, RefreshRotation, PkceMode } from './options.js';
export { EmulatorOptionError } from './options.js';
export type { EmulatorFacts, EmulatorUserFacts } from './facts.js';
export type { JournalEntry } from './journal.js';
export type { FaultSpec } from './faults.js';

export interface RunningEmulator extends EmulatorFacts {
  /** Stop listening and drop all connections. */
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}, hooks: ServerHooks = {}): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  const state = new EmulatorState(resolved);
  const server = createEmulatorServer(state, hooks);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  state.listeningAt(`http://${host}:${address.port}`);
  return {
    ...startFacts(state, state.url),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
