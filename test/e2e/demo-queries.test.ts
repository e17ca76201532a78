// The demo's intro promises what its example queries cost: each stated request count must be
// what the query really sends on the demo space (seed 1, small scale), counted by the journal.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_QUERIES } from '../../src/cli/demo-command.js';
import { connect, type Connection } from '../../src/index.js';
import { clearJournal, journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

let emu: RunningEmulator;
let db: Connection;

before(async () => {
  emu = await startTestEmulator({ seed: 1, scale: 'small' });
  db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
});
after(async () => {
  await db?.close();
  await emu?.close();
});

test('each demo query answers, and the request count its title states is the count it sends', async () => {
  for (const q of DEMO_QUERIES) {
    await clearJournal(emu);
    const r = await db.query(q.sql.replace(/;\s*$/, ''));
    assert.ok(r.rowCount > 0, q.title);
    const stated = /\((\d+|one) Backlog requests?\b/.exec(q.title);
    if (!stated) continue;
    const expected = stated[1] === 'one' ? 1 : Number(stated[1]);
    assert.equal(r.stats.requests, expected, q.title);
    assert.equal((await journal(emu)).length, expected, q.title);
  }
});
