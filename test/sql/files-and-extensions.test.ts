/**
 * Files and network (issue 11): DuckDB's temporary folder is private to the process (0700, not
 * `<working dir>/.tmp/`), removed when done, and out of reach of SQL from remote clients
 * (noExternalAccess); INSTALL and LOAD are refused with a clear error, never tried.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { connect, SqlError, type Connection } from '../../src/index.js';
import { startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

const run = promisify(execFile);
const CHILD = new URL('./temp-folder-child.ts', import.meta.url).pathname;

let emu: RunningEmulator;
let db: Connection;
let remote: Connection;

before(async () => {
  emu = await startTestEmulator();
  db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
  remote = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`, { noExternalAccess: true });
});
after(async () => {
  await db.close();
  await remote.close();
  await emu.close();
});

async function tempFolder(conn: Connection): Promise<string> {
  return String(((await conn.query("SELECT current_setting('temp_directory') AS dir")).rows[0] as { dir: string }).dir);
}

function isRefusal(e: unknown): boolean {
  return (
    e instanceof SqlError &&
    e.code === 'SQL' &&
    e.sqlstate === '0A000' &&
    /INSTALL and LOAD are not available/.test(e.message) &&
    !/download|http/i.test(e.message) &&
    e.position !== undefined
  );
}

describe('the temporary folder', () => {
  test('a library connection spills to a private folder of its process, not <working dir>/.tmp', async () => {
    const folder = await tempFolder(db);
    assert.notEqual(folder, '.tmp');
    const processFolder = dirname(folder);
    assert.equal(dirname(processFolder), tmpdir());
    assert.match(processFolder, new RegExp(`backlog-sql-${process.pid}-[A-Za-z0-9]{6}$`));
    assert.equal(statSync(processFolder).mode & 0o777, 0o700);
    assert.equal(statSync(folder).mode & 0o777, 0o700);
  });

  test('each connection has its own folder, removed when it closes', async () => {
    const second = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`);
    const folder = await tempFolder(second);
    assert.notEqual(folder, await tempFolder(db));
    assert.ok(existsSync(folder));
    await second.close();
    assert.ok(!existsSync(folder));
  });

  test('the process folder is removed when the process exits, and swept after a crash', { timeout: 120_000 }, async () => {
    const env = { ...process.env, CHILD_URL: emu.url, CHILD_KEY: emu.apiKey };
    const clean = (await run(process.execPath, ['--import', 'tsx', CHILD], { env })).stdout.trim();
    assert.ok(!existsSync(dirname(clean)), `${dirname(clean)} is left after a normal exit`);
    const crashed = await run(process.execPath, ['--import', 'tsx', CHILD], { env: { ...env, CHILD_CRASH: '1' } }).then(
      (r) => r.stdout,
      (e: { stdout: string }) => e.stdout,
    );
    const left = dirname(crashed.trim());
    assert.ok(existsSync(left), 'a killed process cannot clean up');
    await run(process.execPath, ['--import', 'tsx', CHILD], { env });
    assert.ok(!existsSync(left), `${left} of the killed process is not swept by the next one`);
  });

  test('SQL from remote clients reaches no temporary folder: read_text, glob and COPY … TO all fail', async () => {
    const libraryFolder = await tempFolder(db);
    const remoteFolder = await tempFolder(remote);
    for (const folder of [libraryFolder, dirname(libraryFolder), '.tmp', remoteFolder || '.tmp']) {
      for (const sql of [
        `SELECT * FROM glob('${join(folder, '*')}')`,
        `SELECT * FROM read_text('${join(folder, '*')}')`,
        `COPY (SELECT 1 AS x) TO '${join(folder, 'x.csv')}'`,
      ]) {
        await assert.rejects(remote.query(sql), (e: unknown) => e instanceof SqlError && /disabled|not allowed|Permission/i.test(e.message), sql);
      }
    }
  });
});

describe('extensions', () => {
  for (const sql of [
    'INSTALL httpfs',
    'FORCE INSTALL httpfs',
    "install httpfs from 'http://extensions.example'",
    'LOAD httpfs',
    'LOAD json',
    'UPDATE EXTENSIONS',
    'SET autoinstall_known_extensions = true',
    "SET GLOBAL custom_extension_repository = 'http://extensions.example'",
    'PRAGMA autoload_known_extensions = true',
    'SELECT 1; INSTALL httpfs',
    '-- note\nEXPLAIN ANALYZE INSTALL httpfs',
  ]) {
    test(`${JSON.stringify(sql)} is refused with a clear error, not tried`, async () => {
      await assert.rejects(db.query(sql), isRefusal);
      await assert.rejects(remote.query(sql), isRefusal);
    });
  }

  test('the refusal points at the statement that asks for the extension', async () => {
    await assert.rejects(db.query('SELECT 1;  LOAD httpfs'), (e: unknown) => e instanceof SqlError && e.position === 12);
  });

  test("'install' inside a literal or a comment is not a statement", async () => {
    const r = await db.query("SELECT 'INSTALL httpfs; LOAD x' AS s /* ; LOAD y */");
    assert.equal((r.rows[0] as { s: string }).s, 'INSTALL httpfs; LOAD x');
  });
});
