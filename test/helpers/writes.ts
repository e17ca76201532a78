/**
 * Fixture for write tests and the round-trip suite (issue 5): an emulator at tiny scale (rate
 * limits off unless asked) in a space west of UTC by default, a backlog-sql connection to it, and
 * the official backlog-js client to read back what SQL wrote. `writes()` lists the write requests
 * (POST/PATCH/PUT/DELETE under /api/v2) the journal saw since the last `clear()`.
 */
import type { Backlog } from 'backlog-js';
import { connect, type Connection } from '../../src/index.js';
import type { EmulatorOptions } from '../../src/emulator/index.js';
import { backlogClient, clearJournal, journal, startTestEmulator, type JournalEntry, type RunningEmulator } from './emulator.js';

export interface WriteFixture {
  emu: RunningEmulator;
  db: Connection;
  /** backlog-js signed in as the same (administrator) user. */
  client: Backlog;
  /** Write requests to /api/v2 since the last clear(). */
  writes(): Promise<JournalEntry[]>;
  /** Every request since the last clear(). */
  requests(): Promise<JournalEntry[]>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

export async function openWriteFixture(options: { emulator?: EmulatorOptions; connection?: string } = {}): Promise<WriteFixture> {
  const emu = await startTestEmulator({ timezone: 'America/Los_Angeles', ...options.emulator });
  const db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}${options.connection ? `;${options.connection}` : ''}`);
  const client = backlogClient(emu);
  await clearJournal(emu);
  const requests = async () => (await journal(emu)).filter((r) => r.path.startsWith('/api/v2'));
  return {
    emu,
    db,
    client,
    requests,
    writes: async () => (await requests()).filter((r) => r.method !== 'GET'),
    clear: () => clearJournal(emu),
    close: async () => {
      await db.close();
      await emu.close();
    },
  };
}

/** The Backlog error of a backlog-js call that must fail (e.g. a read-back after DELETE): its HTTP status. */
export async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (e) {
    const status = (e as { status?: number; _status?: number }).status ?? (e as { _status?: number })._status;
    if (typeof status === 'number') return status;
    throw e;
  }
}
