/**
 * The wire server against abusive and careless clients: TLS required where it is configured on a
 * non-loopback bind (psql sslmode=disable and node-postgres get PostgreSQL's pg_hba error), SASL
 * errors that do not echo what the client sent, connection caps (total, and still authenticating:
 * the oldest waiting one makes room), the 10 s authentication timeout, the message size limit,
 * large messages answered at a server-wide rate while others are connected, a refusal over the
 * size limit delayed 100 ms while others are connected, and a flood of
 * pipelined Sync messages answered in full while another client is served.
 * (How fast other clients are served meanwhile is measured by `npm run bench -- abuse`.)
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { connect, type Connection } from '../../src/core/connection.js';
import { formatVerifier, makeVerifier, parseUsers, serve, SERVE_DEFAULTS } from '../../src/pgserver/index.js';
import { MessageReader, type Message } from '../../src/pgserver/wire.js';
import { startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';
import { runPsql } from '../helpers/psql.js';

const USERS = parseUsers(`alice:${formatVerifier(makeVerifier('s3cret'))}\n`);
const CERT = readFileSync(new URL('../fixtures/localhost-cert.pem', import.meta.url));
const KEY = readFileSync(new URL('../fixtures/localhost-key.pem', import.meta.url));

function startupMessage(user: string): Buffer {
  const body = Buffer.from(`\0\x03\0\0user\0${user}\0database\0backlog\0\0`, 'latin1');
  const head = Buffer.alloc(4);
  head.writeInt32BE(body.length + 4);
  return Buffer.concat([head, body]);
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/** The five header bytes of a Query message of `length` bytes (its body never sent). */
function queryHeader(length: number): Buffer {
  const head = Buffer.alloc(5);
  head.write('Q', 0, 'latin1');
  head.writeInt32BE(length, 1);
  return head;
}

/** ErrorResponse fields by their one-letter codes. */
function errorFields(m: Message): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < m.body.length && m.body[i] !== 0) {
    const code = String.fromCharCode(m.body[i] as number);
    const end = m.body.indexOf(0, i + 1);
    out[code] = m.body.toString('utf8', i + 1, end);
    i = end + 1;
  }
  return out;
}

/** A client speaking the protocol by hand, keeping every backend message it receives. */
class RawClient {
  readonly socket: Socket;
  readonly messages: Message[] = [];
  closed = false;
  private readonly reader = new MessageReader();
  private waiters: (() => void)[] = [];

  constructor(port: number) {
    this.reader.startup = false;
    this.reader.maxLength = 1 << 30;
    this.socket = netConnect(port, '127.0.0.1');
    this.socket.on('error', () => {});
    this.socket.on('data', (d: Buffer) => {
      this.messages.push(...this.reader.push(d));
      this.wake();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  connected(): Promise<void> {
    return new Promise((resolve) => (this.socket.readyState === 'open' ? resolve() : this.socket.once('connect', () => resolve())));
  }

  /** Wait until `done()` holds (checked on every message and on close), at most `ms`. */
  async until(done: () => boolean, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out; got ${this.messages.map((m) => m.type).join('')}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  count(type: string): number {
    return this.messages.filter((m) => m.type === type).length;
  }

  error(): Record<string, string> | undefined {
    const e = this.messages.find((m) => m.type === 'E');
    return e ? errorFields(e) : undefined;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A raw client logged in as `me` (trust), after its first ReadyForQuery. */
async function loggedIn(port: number): Promise<RawClient> {
  const raw = new RawClient(port);
  await raw.connected();
  raw.socket.write(startupMessage('me'));
  await raw.until(() => raw.count('Z') === 1);
  return raw;
}

describe('wire server hardening', { timeout: 300_000 }, () => {
  let emu: RunningEmulator;
  let connection: Connection;

  before(async () => {
    emu = await startTestEmulator();
    connection = await connect({ URL: emu.url, ApiKey: emu.apiKey }, { noExternalAccess: true });
  });

  after(async () => {
    await connection?.close();
    await emu?.close();
  });

  test('TLS configured on a non-loopback bind is required: psql sslmode=disable and node-postgres without TLS get FATAL 28000, TLS clients log in', async () => {
    const server = await serve({ connection, host: '0.0.0.0', port: 0, users: USERS, tls: { cert: CERT, key: KEY } });
    try {
      const clear = await runPsql(server.port, ['-c', 'SELECT 1'], { user: 'alice', env: { PGPASSWORD: 's3cret', PGSSLMODE: 'disable' } });
      assert.notEqual(clear.code, 0);
      assert.match(clear.stderr, /FATAL: {2}no pg_hba\.conf entry for host "127\.0\.0\.1", user "alice", database "backlog", no encryption/);
      const plain = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'alice', password: 's3cret', database: 'backlog', ssl: false });
      await assert.rejects(plain.connect(), (e: pg.DatabaseError) => e.code === '28000' && /no encryption/.test(e.message));
      const secure = new pg.Client({
        host: '127.0.0.1',
        port: server.port,
        user: 'alice',
        password: 's3cret',
        database: 'backlog',
        ssl: { ca: CERT, servername: 'localhost' },
      });
      await secure.connect();
      assert.deepEqual((await secure.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
      await secure.end();
      const viaTls = await runPsql(server.port, ['-A', '-t', '-c', 'SELECT 42'], { user: 'alice', env: { PGPASSWORD: 's3cret', PGSSLMODE: 'require' } });
      assert.equal(viaTls.stdout.trim(), '42', viaTls.stderr);
    } finally {
      await server.close();
    }
    // On loopback TLS stays optional.
    const local = await serve({ connection, port: 0, users: USERS, tls: { cert: CERT, key: KEY } });
    try {
      const clear = await runPsql(local.port, ['-A', '-t', '-c', 'SELECT 7'], { user: 'alice', env: { PGPASSWORD: 's3cret', PGSSLMODE: 'disable' } });
      assert.equal(clear.stdout.trim(), '7', clear.stderr);
    } finally {
      await local.close();
    }
  });

  test('a SASL mechanism the server does not offer is refused without echoing it (a password typed there stays secret)', async () => {
    const server = await serve({ connection, port: 0, users: USERS });
    const raw = new RawClient(server.port);
    try {
      await raw.connected();
      raw.socket.write(startupMessage('alice'));
      await raw.until(() => raw.count('R') > 0);
      const mechanism = 'my-Secret-Passw0rd';
      raw.socket.write(message('p', Buffer.concat([Buffer.from(`${mechanism}\0`), Buffer.from([0xff, 0xff, 0xff, 0xff])])));
      await raw.until(() => raw.closed);
      const error = raw.error();
      assert.equal(error?.C, '08P01');
      assert.equal(error?.M, 'client selected an invalid SASL authentication mechanism');
      assert.ok(
        !Buffer.concat(raw.messages.map((m) => m.body))
          .toString('latin1')
          .includes('Secret'),
        'the mechanism name came back',
      );
    } finally {
      raw.close();
      await server.close();
    }
  });

  test('at most maxConnections clients: the next gets 53300 "sorry, too many clients already", and a freed place is taken again', async () => {
    const server = await serve({ connection, port: 0, maxConnections: 3 });
    const config = { host: '127.0.0.1', port: server.port, user: 'me', database: 'backlog' };
    const clients = [new pg.Client(config), new pg.Client(config), new pg.Client(config)];
    try {
      for (const c of clients) await c.connect();
      const extra = new pg.Client(config);
      await assert.rejects(extra.connect(), (e: pg.DatabaseError) => e.code === '53300' && e.message === 'sorry, too many clients already');
      await (clients.pop() as pg.Client).end();
      await new Promise((r) => setTimeout(r, 100));
      const again = new pg.Client(config);
      await again.connect();
      clients.push(again);
      assert.deepEqual((await again.query('SELECT 1 AS ok')).rows, [{ ok: 1 }]);
    } finally {
      for (const c of clients) await c.end().catch(() => undefined);
      await server.close();
    }
    assert.deepEqual(SERVE_DEFAULTS, {
      maxConnections: 100,
      maxUnauthenticated: 20,
      maxSilentConnections: 10_000,
      authTimeoutMs: 10_000,
      maxMessageBytes: 1024 * 1024,
    });
  });

  test('stalled logins cannot lock others out: past maxUnauthenticated the oldest login stalled for a second is closed with 53300', async () => {
    const server = await serve({ connection, port: 0, users: USERS, maxUnauthenticated: 2 });
    // Two clients that start logging in (a startup message) and never answer the SASL request.
    const stalled = [new RawClient(server.port), new RawClient(server.port)];
    try {
      for (const r of stalled) {
        await r.connected();
        r.socket.write(startupMessage('alice'));
        await r.until(() => r.count('R') === 1);
      }
      // A login waiting on its client for under a second is in progress, not stalled.
      await new Promise((r) => setTimeout(r, 1100));
      const alice = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'alice', password: 's3cret', database: 'backlog' });
      await alice.connect();
      assert.deepEqual((await alice.query('SELECT 1 AS ok')).rows, [{ ok: 1 }]);
      const first = stalled[0] as RawClient;
      await first.until(() => first.closed);
      assert.equal(first.error()?.C, '53300');
      assert.equal(first.error()?.M, 'sorry, too many clients are waiting to authenticate');
      // A flood of stalled logins: the server keeps at most two of them besides alice.
      const flood = Array.from({ length: 30 }, () => new RawClient(server.port));
      for (const r of flood) {
        await r.connected();
        r.socket.write(startupMessage('alice'));
      }
      await new Promise((r) => setTimeout(r, 1600));
      assert.ok(server.clients <= 3, `the server holds ${server.clients} clients`);
      assert.equal(flood.filter((r) => r.closed).length, 28, 'all but the two newest stalled logins closed');
      assert.deepEqual((await alice.query('SELECT 2 AS ok')).rows, [{ ok: 2 }]);
      for (const r of flood) r.close();
      await alice.end();
    } finally {
      for (const r of stalled) r.close();
      await server.close();
    }
  });

  test('sockets that send nothing are held without a session (closing them would make a reconnecting flood spin), at most maxSilentConnections', async () => {
    const server = await serve({ connection, port: 0, users: USERS, maxUnauthenticated: 2, maxSilentConnections: 5 });
    const flood = Array.from({ length: 12 }, () => new RawClient(server.port));
    try {
      for (const r of flood) await r.connected();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(server.clients, 0, 'no session for a socket that sent nothing');
      // Past the cap the oldest silent ones are closed, without a word (they asked nothing).
      assert.deepEqual(
        flood.map((r) => r.closed),
        [...Array(7).fill(true), ...Array(5).fill(false)],
      );
      assert.ok(flood.every((r) => r.messages.length === 0));
      const alice = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'alice', password: 's3cret', database: 'backlog' });
      await alice.connect();
      assert.deepEqual((await alice.query('SELECT 1 AS ok')).rows, [{ ok: 1 }]);
      await alice.end();
      // A silent socket that speaks late becomes a client like any other.
      const late = flood[11] as RawClient;
      late.socket.write(startupMessage('alice'));
      await late.until(() => late.count('R') === 1);
      assert.equal(server.clients, 1);
    } finally {
      for (const r of flood) r.close();
      await server.close();
    }
  });

  test('a client that does not authenticate is closed after the default 10 s', async () => {
    const server = await serve({ connection, port: 0, users: USERS });
    const raw = new RawClient(server.port);
    try {
      await raw.connected();
      const started = Date.now();
      await raw.until(() => raw.closed, 20_000);
      const waited = Date.now() - started;
      assert.ok(waited >= 9_500 && waited < 12_000, `closed after ${waited} ms`);
      assert.equal(raw.error()?.M, 'authentication timed out');
    } finally {
      raw.close();
      await server.close();
    }
  });

  test('a message over maxMessageBytes closes the connection with 08P01 from its header alone; one under it is answered', async () => {
    const server = await serve({ connection, port: 0, maxMessageBytes: 64 * 1024 });
    try {
      const config = { host: '127.0.0.1', port: server.port, user: 'me', database: 'backlog' };
      const small = new pg.Client(config);
      await small.connect();
      assert.equal(Number((await small.query(`SELECT length('${'x'.repeat(60_000)}') AS n`)).rows[0].n), 60_000);
      await small.end();
      const raw = await loggedIn(server.port);
      // Only the five header bytes of a 1 GB Query: the refusal does not wait for the body.
      raw.socket.write(queryHeader(1024 * 1024 * 1024));
      await raw.until(() => raw.closed, 5_000);
      assert.equal(raw.error()?.C, '08P01');
      assert.match(raw.error()?.M ?? '', /message of 1073741824 bytes exceeds the server's limit of 65536 bytes/);
    } finally {
      await server.close();
    }
  });

  test('while others are connected, a client over the message size limit gets its FATAL only after 100 ms, so a loop of them reconnecting costs others little', async () => {
    const server = await serve({ connection, port: 0, maxMessageBytes: 64 * 1024 });
    const other = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'other', database: 'backlog' });
    await other.connect();
    try {
      for (let i = 0; i < 3; i++) {
        const raw = await loggedIn(server.port);
        const sent = performance.now();
        raw.socket.write(queryHeader(64 * 1024 * 1024));
        await raw.until(() => raw.closed, 5_000);
        const waited = performance.now() - sent;
        assert.ok(waited >= 99, `the FATAL came after ${waited.toFixed(0)} ms`);
        assert.equal(raw.error()?.C, '08P01');
        // The other client is served meanwhile.
        assert.deepEqual((await other.query('SELECT 1 AS n')).rows, [{ n: 1 }]);
      }
    } finally {
      await other.end();
      await server.close();
    }
  });

  test('a statement whose parse tree is too large is refused with 54001, and the session goes on', async () => {
    const server = await serve({ connection, port: 0 });
    const c = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'me', database: 'backlog' });
    await c.connect();
    try {
      // 100,000 values: refused by their count before any parser (a megabyte parsed cost others half a second).
      const values = Array.from({ length: 100_000 }, (_, i) => `'v${i}'`).join(',');
      await assert.rejects(c.query(`SELECT count(*) FROM sys_tables WHERE TableName IN (${values})`), (e: pg.DatabaseError) => {
        assert.equal(e.code, '54001');
        assert.match(e.message, /statement too complex: more than 50,000 commas \(list items, values or columns\), the server's limit/);
        return true;
      });
      // Fewer items, each a call: the parse tree's size decides.
      const calls = Array.from({ length: 30_000 }, (_, i) => `lower('v${i}')`).join(',');
      await assert.rejects(c.query(`SELECT count(*) FROM sys_tables WHERE TableName IN (${calls})`), (e: pg.DatabaseError) => {
        assert.equal(e.code, '54001');
        assert.match(e.message, /statement too complex: its parse tree is \d+ MB, over the server's 8 MB/);
        return true;
      });
      // Commas inside a literal are not list items.
      const text = 'a,'.repeat(60_000);
      assert.deepEqual((await c.query(`SELECT length('${text}')::INTEGER AS n`)).rows, [{ n: 120_000 }]);
      const some = Array.from({ length: 2_000 }, (_, i) => `'v${i}'`).join(',');
      assert.deepEqual((await c.query(`SELECT count(*)::INTEGER AS n FROM sys_tables WHERE TableName IN (${some}, 'Issues')`)).rows, [{ n: 1 }]);
    } finally {
      await c.end();
      await server.close();
    }
  });

  test('large messages from all clients share 16 MiB/s of the server while others are connected, and each is still answered in full', async () => {
    const server = await serve({ connection, port: 0 });
    const big = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'big', database: 'backlog' });
    const other = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'other', database: 'backlog' });
    try {
      await big.connect();
      await other.connect();
      // Refused in a few milliseconds (too many list items), so only the share can make it wait.
      const sql = `SELECT 1 WHERE 1 IN (${Array.from({ length: 100_000 }, (_, i) => i).join(',')})`;
      const started = performance.now();
      for (let i = 0; i < 8; i++) await assert.rejects(big.query(sql), (e: pg.DatabaseError) => e.code === '54001');
      // 8 × 578 KiB at 16 MiB/s: each answer waits for its share, 35 ms, however fast the machine.
      const took = performance.now() - started;
      assert.ok(took >= (8 * sql.length) / ((16 * 1024 * 1024) / 1000) - 1, `8 large statements answered in ${took.toFixed(0)} ms`);
      assert.deepEqual((await big.query('SELECT 2 AS n')).rows, [{ n: 2 }]);
      // The other client is served meanwhile and after.
      assert.deepEqual((await other.query('SELECT 1 AS n')).rows, [{ n: 1 }]);
    } finally {
      await big.end();
      await other.end();
      await server.close();
    }
  });

  test('200,000 pipelined Sync messages: another client connects and is answered while they are, and every one is answered', async () => {
    const server = await serve({ connection, port: 0 });
    const raw = new RawClient(server.port);
    try {
      await raw.connected();
      raw.socket.write(startupMessage('me'));
      await raw.until(() => raw.count('Z') === 1);
      const sync = message('S', Buffer.alloc(0));
      raw.socket.write(Buffer.concat(Array.from({ length: 200_000 }, () => sync)));
      // The flooder reads its answers slowly (not at all, for now): however loaded the machine, the
      // flood cannot be over before the other client is served, and the server must serve it
      // while the flood waits on its own output.
      raw.socket.pause();
      const other = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'other', database: 'backlog' });
      await other.connect();
      assert.deepEqual((await other.query('SELECT count(*) AS n FROM Priorities')).rows.length, 1);
      await other.end();
      raw.socket.resume();
      await raw.until(() => raw.count('Z') > 1);
      const answeredMeanwhile = raw.count('Z') - 1;
      assert.ok(answeredMeanwhile < 200_000, `the other client waited for all ${answeredMeanwhile} Syncs`);
      await raw.until(() => raw.count('Z') === 200_001, 120_000);
      assert.equal(raw.messages.filter((m) => m.type !== 'Z').length, raw.messages.length - 200_001);
      assert.equal(raw.closed, false);
    } finally {
      raw.close();
      await server.close();
    }
  });

  test('the CLI: serve hash-password --readonly marks the user read-only; --max-connections, --max-unauthenticated, --auth-timeout and --max-message-bytes are checked', () => {
    const bin = new URL('../../bin/backlog-sql.js', import.meta.url).pathname;
    const line = execFileSync(process.execPath, [bin, 'serve', 'hash-password', '--user', 'rita', '--readonly'], { input: 'pw\n', encoding: 'utf8' });
    assert.match(line, /^rita:SCRAM-SHA-256\$\S+ readonly\n$/);
    assert.deepEqual([...(parseUsers(line).readOnly ?? [])], ['rita']);
    const wrong: [string, string][] = [
      ['--max-connections', '0'],
      ['--max-unauthenticated', 'many'],
      ['--auth-timeout', 'soon'],
      ['--max-message-bytes', '1e6'],
    ];
    for (const [flag, value] of wrong) {
      let status = 0;
      let stderr = '';
      try {
        execFileSync(process.execPath, [bin, 'serve', flag, value], {
          encoding: 'utf8',
          stdio: ['ignore', 'ignore', 'pipe'],
          env: { ...process.env, BACKLOG_SQL_CONNECTION: 'URL=http://127.0.0.1:9;ApiKey=x' },
        });
      } catch (e) {
        status = (e as { status: number }).status;
        stderr = (e as { stderr: string }).stderr;
      }
      assert.equal(status, 2, `${flag} ${value}`);
      assert.match(stderr, new RegExp(flag));
    }
  });
});
