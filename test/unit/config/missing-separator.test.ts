/**
 * A forgotten ";" never echoes the next property's value (issue 11): the value of the property
 * before it may run into a secret (`Verbosity=3, OAuthClientSecret=…`). The error names both
 * properties and where the ";" is missing, and quotes no value.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveConfig } from '../../../src/config/resolve.js';
import { ConfigError } from '../../../src/errors.js';

const CANARY = 'canary-Secret-4f2a9c';
const BASE = 'URL=https://myspace.backlog.com;ApiKey=testkey123';

function failure(input: string): ConfigError {
  try {
    resolveConfig(input, {});
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e;
  }
  assert.fail(`no error for ${input}`);
}

function text(e: ConfigError): string {
  return [e.message, e.hint, e.detail, e.property].join('\n');
}

describe('a missing ";" before a property', () => {
  for (const [input, owner, next] of [
    [`${BASE};Verbosity=3, OAuthClientSecret=${CANARY}`, 'Verbosity', 'OAuthClientSecret'],
    [`${BASE};Verbosity=3 OAuthClientSecret=${CANARY}`, 'Verbosity', 'OAuthClientSecret'],
    [`${BASE};Verbosity=3OAuthClientSecret=${CANARY}`, 'Verbosity', 'OAuthClientSecret'],
    [`URL=https://myspace.backlog.com ApiKey=${CANARY}`, 'URL', 'ApiKey'],
    [`${BASE};Logfile=/tmp/backlog.log ProxyPassword=${CANARY}`, 'Logfile', 'ProxyPassword'],
    [`${BASE};Timeout=30,OAuthRefreshToken=${CANARY};AuthScheme=OAuth`, 'Timeout', 'OAuthRefreshToken'],
  ] as const) {
    test(`${owner} running into ${next}: named, with no value shown`, () => {
      const e = failure(input);
      assert.ok(!text(e).includes(CANARY), text(e));
      assert.match(e.message, new RegExp(`";" is missing.*the value of ${owner} .*runs into ${next}=`));
      assert.match(e.hint ?? '', new RegExp(`put one before ${next}`));
      assert.equal(e.property, owner);
    });
  }

  test('a quoted value may hold "=" and property names: that is what quotes are for', () => {
    const { config } = resolveConfig(`${BASE};Logfile="/tmp/ApiKey=1/x.log"`, {});
    assert.equal(config.logfile, '/tmp/ApiKey=1/x.log');
  });

  test('Other=Pushdown=false still works unquoted (Pushdown is not a connection property)', () => {
    assert.equal(resolveConfig(`${BASE};Other=Pushdown=false`, {}).config.pushdown, false);
  });

  test('a bad value holding "=" is never quoted back, even where values usually are', () => {
    const e = failure(`${BASE};Verbosity="3;Other=${CANARY}"`);
    assert.match(e.message, /Verbosity must be a whole number/);
    assert.ok(!text(e).includes(CANARY), text(e));
  });
});

describe('a lost "=" (fuzz finds): the name as written is not repeated either', () => {
  for (const input of [
    `${BASE};FirewallPasswor${CANARY}, ApiKey=testkey123`,
    `URL=https://myspace.backlog.com;ApiKey${CANARY}Verbosity=3`,
    `${BASE};Verbosity${CANARY};Timeout=5`,
  ]) {
    test(JSON.stringify(input), () => {
      const e = failure(input);
      assert.ok(!text(e).includes(CANARY), text(e));
    });
  }

  test('a name that begins with a property says which, and asks about the "="', () => {
    const e = failure(`URL=https://myspace.backlog.com;ApiKey${CANARY}Verbosity=3`);
    assert.match(e.message, /unknown connection property "ApiKey…".*is the "=" after ApiKey missing\?/);
  });
});
