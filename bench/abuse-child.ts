/**
 * The two child processes of `npm run bench -- abuse` (./abuse.ts), so that neither the abusive
 * client nor the measuring clients share an event loop with the server they measure:
 *   abuse-child.ts server              emulator + library connection + `serve` (defaults); prints "PORT n"
 *   abuse-child.ts abuser KIND PORT    one abusive client, until killed:
 *     huge-query     a 64 MB Query message (over the limit), again and again
 *     largest-query  a Query of the largest size accepted, 1 MiB (one long literal), again and again
 *     largest-in-list  a 1 MiB Query with an IN list of 100,000 values, again and again
 *     sync-flood     200,000 pipelined Sync messages, read back, again and again
 *     idle-sockets   1,000 sockets that never authenticate, reopened when closed
 *     wide-select    SELECT of 5,000 constants
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect } from '../src/core/connection.js';
import { startEmulator } from '../src/emulator/index.js';
import { serve } from '../src/pgserver/index.js';

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

/** A trust-authenticated raw connection, once its first ReadyForQuery arrived. */
function login(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect(port, '127.0.0.1', () => s.write(startupMessage('abuser')));
    s.once('error', reject);
    const onData = (d: Buffer) => {
      if (d.includes(Buffer.from('Z\0\0\0\x05I', 'latin1'))) {
        s.off('data', onData);
        resolve(s);
      }
    };
    s.on('data', onData);
  });
}

/**
 * Abusive requests answered so far, printed as "ANSWERED n" every 250 ms: the loop is closed (the
 * next request waits for the answer), so its rate shows how much of the server the abuser got —
 * a server that answers faster draws more requests, and an abuser starved of CPU (BENCH_ABUSE_NICE) sends fewer.
 */
let answered = 0;
setInterval(() => process.stdout.write(`ANSWERED ${answered}\n`), 250).unref();

/** Send `payload` on a fresh login; resolve when `done` says the answer is complete, or the server closes. */
async function roundTrip(port: number, payload: Buffer, done: (received: number, chunk: Buffer) => boolean): Promise<void> {
  const s = await login(port);
  await new Promise<void>((resolve) => {
    let received = 0;
    let tail = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      received += d.length;
      // The last bytes of the previous chunk too: a ReadyForQuery may straddle two chunks.
      const seen = Buffer.concat([tail, d.subarray(Math.max(0, d.length - 16))]);
      tail = seen.subarray(Math.max(0, seen.length - 16));
      if (done(received, seen)) s.destroy();
    });
    s.on('error', () => resolve());
    s.on('close', () => resolve());
    s.write(payload);
  });
  answered++;
}

async function abuse(kind: string, port: number): Promise<void> {
  if (kind === 'huge-query' || kind === 'largest-query') {
    // The length field counts itself: 1 MiB - 4 bytes of SQL is the largest message accepted.
    const bodyLength = kind === 'huge-query' ? 64 * 1024 * 1024 : 1024 * 1024 - 4;
    const body = Buffer.alloc(bodyLength, 'x');
    body.write("SELECT length('", 0, 'latin1');
    body.write("')\0", bodyLength - 3, 'latin1');
    const payload = message('Q', body);
    for (;;) await roundTrip(port, payload, (_n, d) => d.includes(Buffer.from('Z\0\0\0\x05I', 'latin1')));
  }
  if (kind === 'largest-in-list') {
    const values = Array.from({ length: 100_000 }, (_, i) => `'v${i}'`).join(',');
    const payload = message('Q', Buffer.from(`SELECT count(*) FROM sys_tables WHERE TableName IN (${values})\0`));
    for (;;) await roundTrip(port, payload, (_n, d) => d.includes(Buffer.from('Z\0\0\0\x05I', 'latin1')));
  }
  if (kind === 'sync-flood') {
    const syncs = Buffer.concat(Array.from({ length: 200_000 }, () => message('S', Buffer.alloc(0))));
    for (;;) await roundTrip(port, syncs, (n) => n >= 200_000 * 6);
  }
  if (kind === 'idle-sockets') {
    const open = () => {
      const s = netConnect(port, '127.0.0.1');
      s.on('error', () => {});
      s.on('close', () => setTimeout(open, 10));
    };
    for (let i = 0; i < 1000; i++) open();
    await new Promise(() => {});
  }
  if (kind === 'wide-select') {
    const sql = `SELECT ${Array.from({ length: 5000 }, (_, i) => `${i} AS c${i}`).join(', ')}\0`;
    await roundTrip(port, message('Q', Buffer.from(sql)), (_n, d) => d.includes(Buffer.from('Z\0\0\0\x05I', 'latin1')));
    await new Promise(() => {});
  }
  throw new Error(`unknown abuse ${kind}`);
}

async function runServer(): Promise<void> {
  const emu = await startEmulator({ port: 0, scale: 'small', rateLimit: 'off' });
  const db = await connect(`URL=${emu.url};ApiKey=${emu.apiKey}`, { noExternalAccess: true });
  const server = await serve({ connection: db, port: 0 });
  process.stdout.write(`PORT ${server.port}\n`);
  await new Promise(() => {});
}

const [mode, kind, port] = process.argv.slice(2);
if (mode === 'server') await runServer();
else if (mode === 'abuser') await abuse(kind as string, Number(port));
