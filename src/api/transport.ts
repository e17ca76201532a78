/**
 * How requests reach the space (ARCHITECTURE.md §8): global `fetch` by default; undici's `ProxyAgent` for
 * ProxyServer/ProxyPort/ProxyUser/ProxyPassword and an `Agent` with our own CA for SSLServerCert
 * (on-premise Backlog with a private certificate). Node's global fetch bundles its own undici, so
 * when a dispatcher is needed the request goes through the installed undici's `fetch`, which is
 * guaranteed to understand it. undici is imported only then, on the first request (it takes about
 * 0.1 s to load, which every connection without a proxy or CA would otherwise pay at startup).
 */
import { readFileSync } from 'node:fs';
import type * as UndiciModule from 'undici';
import type { Dispatcher } from 'undici';
import { ConfigError } from '../errors.js';

export interface ProxyOptions {
  /** `host`, `host:port` or a URL (`http://proxy.example.com:3128`). */
  server: string;
  /** Used when `server` names no port; CData's default is 80. */
  port?: number;
  user?: string;
  password?: string;
}

export interface TlsOptions {
  /** PEM certificate(s) to trust besides the system's. */
  ca?: string;
  /** `SSLServerCert=*`: accept any certificate (unsafe; CData offers it too). */
  insecure?: boolean;
}

export interface TransportOptions {
  proxy?: ProxyOptions;
  tls?: TlsOptions;
}

/** `SSLServerCert`: a PEM text, a path to a PEM file, or `*`. */
export function tlsFromServerCert(value: string): TlsOptions {
  const v = value.trim();
  if (v === '*') return { insecure: true };
  if (v.includes('-----BEGIN CERTIFICATE-----')) return { ca: v };
  let text: string;
  try {
    text = readFileSync(v, 'utf8');
  } catch {
    throw new ConfigError(`SSLServerCert is neither a PEM certificate nor a readable file: ${v}`, 'SSLServerCert', {
      hint: 'Give the PEM text itself, the path of a PEM file, or * to accept any certificate (unsafe).',
    });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(`SSLServerCert file holds no PEM certificate: ${v}`, 'SSLServerCert', { hint: 'Use a PEM file (-----BEGIN CERTIFICATE-----).' });
  }
  return { ca: text };
}

export function proxyUrl(proxy: ProxyOptions): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy.server) ? proxy.server : `http://${proxy.server}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(`ProxyServer is not a host name or URL: ${proxy.server}`, 'ProxyServer');
  }
  if (!url.port && proxy.port !== undefined) url.port = String(proxy.port);
  return `${url.protocol}//${url.host}`;
}

type Undici = typeof UndiciModule;

function dispatcherFor(undici: Undici, options: TransportOptions, proxyUri: string | undefined): Dispatcher | undefined {
  const tls =
    options.tls?.ca || options.tls?.insecure ? { ...(options.tls.ca ? { ca: options.tls.ca } : {}), rejectUnauthorized: !options.tls.insecure } : undefined;
  if (options.proxy && proxyUri) {
    const { user, password } = options.proxy;
    return new undici.ProxyAgent({
      uri: proxyUri,
      ...(user ? { token: `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}` } : {}),
      ...(tls ? { requestTls: tls } : {}),
    });
  }
  return tls ? new undici.Agent({ connect: tls }) : undefined;
}

/** A fetch that uses the proxy and TLS options, or undefined when global fetch will do. */
export function transportFetch(options: TransportOptions): typeof fetch | undefined {
  if (!options.proxy && !options.tls?.ca && !options.tls?.insecure) return undefined;
  // A bad ProxyServer is a configuration error at connect, not at the first request.
  const proxyUri = options.proxy ? proxyUrl(options.proxy) : undefined;
  let ready: Promise<{ undici: Undici; dispatcher: Dispatcher | undefined }> | undefined;
  const viaDispatcher = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    ready ??= import('undici').then((undici) => ({ undici, dispatcher: dispatcherFor(undici, options, proxyUri) }));
    const { undici, dispatcher } = await ready;
    type UndiciInit = Parameters<Undici['fetch']>[1];
    return undici.fetch(input as Parameters<Undici['fetch']>[0], {
      ...(init as UndiciInit),
      ...(dispatcher ? { dispatcher } : {}),
    }) as unknown as Promise<Response>;
  };
  return viaDispatcher as typeof fetch;
}
