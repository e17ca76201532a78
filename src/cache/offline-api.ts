/**
 * Offline=true sends no request at all: the connection's client is this one, whose every request
 * fails with an error naming the fix before anything leaves the process. The cache answers the
 * tables (./cache.ts); anything else that would reach Backlog (a procedure, a write) stops here.
 */
import type { ApiClient } from '../api/types.js';
import { ConfigError } from '../errors.js';

const REQUESTS = new Set(['get', 'getBinary', 'send', 'upload', 'pagesByOffset', 'pagesByKeyset']);

function refusal(): ConfigError {
  return new ConfigError('Offline=true: this statement needs Backlog, and an Offline connection sends no request', 'Offline', {
    hint: 'Only tables already in the cache can be read offline; connect with Offline=false for writes, procedures and tables not cached.',
  });
}

export function offlineClient(api: ApiClient): ApiClient {
  return new Proxy(api, {
    get(target, prop) {
      if (typeof prop === 'string' && REQUESTS.has(prop)) {
        return prop.startsWith('pages')
          ? () => ({
              [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(refusal()) }),
            })
          : () => Promise.reject(refusal());
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
