/**
 * Proxy and custom CA (ARCHITECTURE.md §8): the client reaches the emulator through an authenticating
 * CONNECT proxy, and an https server with a private certificate once SSLServerCert names it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BacklogClient } from '../../src/api/client.js';
import { RateBudget } from '../../src/api/budget.js';
import { proxyUrl, tlsFromServerCert } from '../../src/api/transport.js';
import { ConfigError, NetworkError } from '../../src/errors.js';
import { journal, startTestEmulator, type RunningEmulator } from '../helpers/emulator.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const CERT = fixture('localhost-cert.pem');
const KEY = fixture('localhost-key.pem');

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

describe('proxy', () => {
  let emu: RunningEmulator;
  let proxy: Server;
  let proxyPort: number;
  const tunnels: { target: string; auth: string | undefined }[] = [];

  before(async () => {
    emu = await startTestEmulator();
    // A CONNECT proxy that wants Basic credentials and pipes bytes to the target.
    proxy = createHttpServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, socket, head) => {
      const auth = req.headers['proxy-authorization'];
      tunnels.push({ target: req.url ?? '', auth });
      if (auth !== `Basic ${Buffer.from('alice:pa55word').toString('base64')}`) {
        socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n');
        return;
      }
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    proxyPort = await listen(proxy);
  });

  after(async () => {
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
    await emu.close();
  });

  test('sends requests through ProxyServer/ProxyPort with ProxyUser/ProxyPassword', async () => {
    const c = new BacklogClient({
      baseUrl: emu.url,
      apiKey: emu.apiKey,
      budget: new RateBudget(),
      transport: { proxy: { server: '127.0.0.1', port: proxyPort, user: 'alice', password: 'pa55word' } },
    });
    const space = await c.get<{ spaceKey: string }>('/space');
    assert.equal(space.spaceKey, emu.spaceKey);
    assert.equal(tunnels.at(-1)?.target, new URL(emu.url).host);
    assert.equal((await journal(emu)).length, 1);
  });

  test('a proxy that refuses the credentials is a clear error, not a retry loop', async () => {
    const before = tunnels.length;
    const c = new BacklogClient({
      baseUrl: emu.url,
      apiKey: emu.apiKey,
      budget: new RateBudget(),
      random: () => 0,
      transport: { proxy: { server: `http://127.0.0.1:${proxyPort}`, user: 'alice', password: 'wrong' } },
    });
    const err = await c.get('/space').catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError, String(err));
    assert.ok(!String(err).includes('wrong'));
    assert.match(err.message, /proxy refused the credentials/);
    assert.match(err.hint ?? '', /ProxyUser/);
    assert.equal(tunnels.length - before, 1);
  });

  test('ProxyServer may be a host, host:port or URL; ProxyPort fills a missing port', () => {
    assert.equal(proxyUrl({ server: 'proxy.example.com', port: 3128 }), 'http://proxy.example.com:3128');
    assert.equal(proxyUrl({ server: 'proxy.example.com:8080', port: 3128 }), 'http://proxy.example.com:8080');
    assert.equal(proxyUrl({ server: 'https://proxy.example.com' }), 'https://proxy.example.com');
    assert.equal(proxyUrl({ server: 'proxy.example.com' }), 'http://proxy.example.com');
  });
});

describe('SSLServerCert', () => {
  let server: Server;
  let url: string;

  before(async () => {
    server = createHttpsServer({ cert: readFileSync(CERT), key: readFileSync(KEY) }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ spaceKey: 'ONPREM', path: req.url?.split('?')[0] }));
    });
    url = `https://localhost:${await listen(server)}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('a private certificate is refused at once with a hint naming SSLServerCert', async () => {
    let requests = 0;
    const c = new BacklogClient({ baseUrl: url, apiKey: 'k'.repeat(20), budget: new RateBudget(), logger: () => requests++ });
    const err = await c.get('/space').catch((e: unknown) => e);
    assert.ok(err instanceof NetworkError, String(err));
    assert.match(err.hint ?? '', /SSLServerCert/);
    assert.equal(requests, 1);
  });

  test('is trusted once SSLServerCert names its PEM file or holds its text', async () => {
    for (const value of [CERT, readFileSync(CERT, 'utf8')]) {
      const c = new BacklogClient({ baseUrl: url, apiKey: 'k'.repeat(20), budget: new RateBudget(), transport: { tls: tlsFromServerCert(value) } });
      assert.deepEqual(await c.get('/space'), { spaceKey: 'ONPREM', path: '/api/v2/space' });
    }
  });

  test('SSLServerCert=* accepts any certificate', async () => {
    const c = new BacklogClient({ baseUrl: url, apiKey: 'k'.repeat(20), budget: new RateBudget(), transport: { tls: tlsFromServerCert('*') } });
    assert.equal((await c.get<{ spaceKey: string }>('/space')).spaceKey, 'ONPREM');
  });

  test('an SSLServerCert that is neither PEM nor a readable file is a ConfigError naming the property', () => {
    assert.throws(
      () => tlsFromServerCert('/no/such/cert.pem'),
      (e: unknown) => e instanceof ConfigError && e.property === 'SSLServerCert',
    );
  });
});
