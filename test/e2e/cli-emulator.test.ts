/**
 * The `backlog-sql` binary as a user runs it: `emulator` (with and without --json), `demo`
 * (what `npm start` runs) and bad command lines.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';

const BIN = new URL('../../bin/backlog-sql.js', import.meta.url).pathname;

/** Start the binary and resolve with the first stdout line and the process. */
async function startBin(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout });
  const stderr: string[] = [];
  child.stderr.on('data', (d: Buffer) => stderr.push(d.toString()));
  const collected: string[] = [];
  const first = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      collected.push(line);
      if (collected.length === 1) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before printing: ${stderr.join('')}`)));
  });
  return { child, first, collected, stderr };
}

async function stop(child: ReturnType<typeof spawn>, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  const exited = once(child, 'exit');
  child.kill(signal);
  const [code] = await exited;
  return code as number | null;
}

describe('backlog-sql emulator', () => {
  test('--json prints exactly one JSON line with url, spaceKey, an admin API key, users and the OAuth app', async () => {
    const { child, first, collected } = await startBin(['emulator', '--port', '0', '--scale', 'tiny', '--json']);
    try {
      const facts = JSON.parse(first) as {
        url: string;
        spaceKey: string;
        apiKey: string;
        users: { id: number; userId: string; name: string; roleType: number; apiKey: string; password: string }[];
        oauthApp: { clientId: string; clientSecret: string; redirectUris: string[] };
      };
      assert.match(facts.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(typeof facts.spaceKey, 'string');
      const admin = facts.users.find((u) => u.apiKey === facts.apiKey);
      assert.equal(admin?.roleType, 1, "the top-level apiKey is an administrator's");
      for (const u of facts.users) for (const k of ['id', 'userId', 'name', 'roleType', 'apiKey', 'password']) assert.ok(k in u);
      assert.ok(facts.oauthApp.redirectUris.includes('http://localhost:33333'));
      const res = await fetch(`${facts.url}/api/v2/users/myself?apiKey=${facts.apiKey}`);
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { id: number }).id, admin?.id);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(collected.length, 1, 'nothing else on stdout');
    } finally {
      assert.equal(await stop(child), 0, 'SIGTERM stops it cleanly');
    }
  });

  test('without --json it prints the same facts for a person', async () => {
    const { child, first, collected } = await startBin(['emulator', '--port', '0', '--scale', 'tiny']);
    try {
      await new Promise((r) => setTimeout(r, 200));
      const text = collected.join('\n');
      assert.match(first, /Backlog emulator listening on http:\/\/127\.0\.0\.1:\d+/);
      assert.match(text, /yamada\s+Administrator/);
      assert.match(text, /Guest viewer/);
      assert.match(text, /client id/);
    } finally {
      await stop(child);
    }
  });

  test('bad flags exit with code 2 and one clear line, no stack trace', () => {
    for (const args of [
      ['emulator', '--scale', 'huge'],
      ['emulator', '--port', 'x'],
      ['emulator', '--bogus'],
      ['emulator', '--timezone', 'Mars/Base'],
      ['nonsense'],
    ]) {
      const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^backlog-sql: .+\nRun 'backlog-sql --help' for usage\.\n$/);
      assert.doesNotMatch(r.stderr, /\bat .+:\d+:\d+/);
    }
  });

  test('a port already in use is a usage error that says what to do', async () => {
    const { child, first } = await startBin(['emulator', '--port', '0', '--scale', 'tiny', '--json']);
    try {
      const port = new URL((JSON.parse(first) as { url: string }).url).port;
      const r = spawnSync(process.execPath, [BIN, 'emulator', '--port', port, '--scale', 'tiny'], { encoding: 'utf8' });
      assert.equal(r.status, 2);
      assert.match(r.stderr, /already in use.*--port 0/);
    } finally {
      await stop(child);
    }
  });
});

describe('backlog-sql demo (npm start)', () => {
  test('starts the emulator at small scale, reachable by other programs while it reads statements; Ctrl-C exits 130', async () => {
    // stdin stays open and silent: the demo waits for statements (cli-shell.test.ts runs some).
    const child = spawn(process.execPath, [BIN, 'demo', '--port', '0', '--json'], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`exited ${code} before printing`)));
      });
      const facts = JSON.parse(first) as { url: string; apiKey: string };
      const res = await fetch(`${facts.url}/api/v2/issues/count?apiKey=${facts.apiKey}`);
      assert.equal(res.status, 200);
      assert.ok(((await res.json()) as { count: number }).count >= 900, 'about 1,000 issues at small scale');
    } finally {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      assert.equal(await stop(child, 'SIGINT'), 130);
      clearTimeout(timer);
    }
  });

  test('--help and --version answer and exit 0', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /demo/);
    assert.match(help.stdout, /--format/);
    assert.match(help.stdout, /BACKLOG_SQL_CONNECTION/);
    assert.match(help.stdout, /emulator/);
    const version = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});
