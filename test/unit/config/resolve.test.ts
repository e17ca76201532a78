import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, describe, test } from 'node:test';
import { connectionPropsTable, describeProperties, editDistance, resolveConfig, type ConnectionInput } from '../../../src/config/resolve.js';
import { PROPERTIES } from '../../../src/config/properties.js';
import { ConfigError } from '../../../src/errors.js';

const NO_ENV = {};
const BASE = 'URL=https://myspace.backlog.com;ApiKey=testkey123';

/** A throwaway self-signed certificate (CN=backlog.example.test), for SSLServerCert. */
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBljCCATugAwIBAgIURgFpN4aWwClO2ALtFKk+8PCQw4wwCgYIKoZIzj0EAwIw
HzEdMBsGA1UEAwwUYmFja2xvZy5leGFtcGxlLnRlc3QwIBcNMjYxMTI3MDEzNzA4
WhgPMjEyNjExMDMwMTM3MDhaMB8xHTAbBgNVBAMMFGJhY2tsb2cuZXhhbXBsZS50
ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAExeYNhqgsII4gvKW8tntft+X4
txCzo+eDm9yngX6sthHkPFcNqu4I1Z9maZX1HBU6j7cZN6kmf8t+vep1ybGIwKNT
MFEwHQYDVR0OBBYEFNDlzZwa2OH+Uyrz9agfRQF6gD0ZMB8GA1UdIwQYMBaAFNDl
zZwa2OH+Uyrz9agfRQF6gD0ZMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwID
SQAwRgIhAJ8VfzuoC+bNkLTJVMMPQB4aQZThM2PMQAx9Uwlz9GZlAiEAs8XGmf8/
VzpKXLnl4YEMZDJqCGuqICFIhJZ2P7wgsYQ=
-----END CERTIFICATE-----
`;

function configError(input: ConnectionInput, env: Record<string, string | undefined> = NO_ENV): ConfigError {
  try {
    resolveConfig(input, env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a ConfigError');
}

describe('resolveConfig: defaults and types', () => {
  test('a minimal string resolves every default', () => {
    const { config, warnings } = resolveConfig(BASE, NO_ENV);
    assert.deepEqual(warnings, []);
    assert.equal(config.url, 'https://myspace.backlog.com');
    assert.equal(config.host, 'myspace.backlog.com');
    assert.equal(config.authScheme, 'APIToken');
    assert.equal(config.apiKey, 'testkey123');
    assert.equal(config.timeoutMs, 60_000);
    assert.equal(config.maxRows, -1);
    assert.equal(config.pageSize, undefined); // each endpoint's largest page
    assert.equal(config.readonly, false);
    assert.equal(config.verbosity, 1);
    assert.equal(config.includeCustomFields, false);
    assert.equal(config.pushdown, true);
    assert.equal(config.proxy, undefined);
    assert.equal(config.sslServerCert, undefined);
    assert.deepEqual(config.oauth, { initiateOAuth: 'OFF', callbackUrl: 'http://localhost:33333', usePkce: true });
  });

  test('parses ints, bools and enums, matching names and enum values case-insensitively', () => {
    const { config } = resolveConfig(
      `${BASE};timeout=5;MAXROWS=10;pagesize=25;readonly=TRUE;VERBOSITY=3;includecustomfields=yes;authscheme=apitoken;Logfile=/tmp/b.log`,
      NO_ENV,
    );
    assert.equal(config.timeoutMs, 5000);
    assert.equal(config.maxRows, 10);
    assert.equal(config.pageSize, 25);
    assert.equal(config.readonly, true);
    assert.equal(config.verbosity, 3);
    assert.equal(config.includeCustomFields, true);
    assert.equal(config.authScheme, 'APIToken');
    assert.equal(config.logfile, '/tmp/b.log');
  });

  test('Timeout=0 means no timeout and MaxRows=0 means no limit', () => {
    const { config } = resolveConfig(`${BASE};Timeout=0;MaxRows=0`, NO_ENV);
    assert.equal(config.timeoutMs, 0);
    assert.equal(config.maxRows, -1);
  });

  test('an empty value leaves the property at its default', () => {
    const { config } = resolveConfig(`${BASE};Pagesize=;Logfile=""`, NO_ENV);
    assert.equal(config.pageSize, undefined);
    assert.equal(config.logfile, undefined);
  });

  test('accepts an options object keyed by camelCase or any-case names, with typed values', () => {
    const { config, warnings } = resolveConfig(
      {
        url: 'https://myspace.backlog.jp/',
        apiKey: 'k1234',
        pageSize: 20,
        readOnly: true,
        Timeout: 30,
        maxrows: 7,
        other: { pushdown: false },
        logfile: undefined,
      },
      NO_ENV,
    );
    assert.deepEqual(warnings, []);
    assert.equal(config.url, 'https://myspace.backlog.jp');
    assert.equal(config.pageSize, 20);
    assert.equal(config.readonly, true);
    assert.equal(config.timeoutMs, 30_000);
    assert.equal(config.maxRows, 7);
    assert.equal(config.pushdown, false);
  });

  test('OAuth properties are parsed and type-checked', () => {
    const { config } = resolveConfig(
      'URL=https://myspace.backlog.com;AuthScheme=OAuth;InitiateOAuth=getandrefresh;OAuthClientId=cid;OAuthClientSecret=csecret;CallbackURL=http://localhost:5000;' +
        'OAuthSettingsLocation=memory://x;OAuthAccessToken=at;OAuthRefreshToken=rt;OAuthVerifier=code;OAuthExpiresIn=3600;OAuthTokenTimestamp=1700000000000;UsePKCE=false',
      NO_ENV,
    );
    assert.equal(config.authScheme, 'OAuth');
    assert.equal(config.apiKey, undefined);
    assert.deepEqual(config.oauth, {
      initiateOAuth: 'GETANDREFRESH',
      clientId: 'cid',
      clientSecret: 'csecret',
      callbackUrl: 'http://localhost:5000',
      settingsLocation: 'memory://x',
      accessToken: 'at',
      refreshToken: 'rt',
      verifier: 'code',
      expiresIn: 3600,
      tokenTimestamp: '1700000000000',
      usePkce: false,
    });
    assert.throws(
      () => resolveConfig('URL=https://x.backlog.com;AuthScheme=OAuth;InitiateOAuth=ALWAYS', NO_ENV),
      /InitiateOAuth must be one of OFF, GETANDREFRESH, REFRESH, not "ALWAYS"/,
    );
    assert.throws(() => resolveConfig('URL=https://x.backlog.com;AuthScheme=OAuth;OAuthExpiresIn=soon', NO_ENV), /OAuthExpiresIn must be a whole number/);
  });

  test('Other=Pushdown=false turns pushdown off; unknown Other options warn; a near miss is an error', () => {
    assert.equal(resolveConfig(`${BASE};Other="Pushdown=false"`, NO_ENV).config.pushdown, false);
    assert.equal(resolveConfig(`${BASE};Other="pushdown=TRUE"`, NO_ENV).config.pushdown, true);
    const { config, warnings } = resolveConfig(`${BASE};Other="DefaultColumnSize=2000;Pushdown=false"`, NO_ENV);
    assert.equal(config.pushdown, false);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /DefaultColumnSize/);
    const near = configError(`${BASE};Other="Pushdwon=false"`);
    assert.equal(near.property, 'Other');
    assert.match(near.message, /did you mean "Pushdown"/);
    assert.match(configError(`${BASE};Other="Pushdown=maybe"`).message, /Pushdown in Other must be true or false, not "maybe"/);
  });

  test('the resolved config is frozen', () => {
    const { config } = resolveConfig(BASE, NO_ENV);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.oauth));
  });
});

describe('resolveConfig: URL', () => {
  const url = (u: string): string => resolveConfig(`URL=${u};ApiKey=k1234`, NO_ENV).config.url;

  test('accepts the three cloud domains and an on-premise https base URL', () => {
    assert.equal(url('https://a.backlog.com'), 'https://a.backlog.com');
    assert.equal(url('https://a.backlog.jp'), 'https://a.backlog.jp');
    assert.equal(url('https://a.backlogtool.com'), 'https://a.backlogtool.com');
    assert.equal(url('https://backlog.example.co.jp/backlog/'), 'https://backlog.example.co.jp/backlog');
  });

  test('strips a trailing slash and a pasted /api/v2 suffix, and lower-cases the host', () => {
    assert.equal(url('https://A.Backlog.com/'), 'https://a.backlog.com');
    assert.equal(url('https://a.backlog.com/api/v2'), 'https://a.backlog.com');
    assert.equal(url('https://a.backlog.com/api/v2/'), 'https://a.backlog.com');
    assert.equal(url('https://onprem.example.com/backlog/api/v2'), 'https://onprem.example.com/backlog');
  });

  test('allows plain http on loopback only', () => {
    assert.equal(url('http://127.0.0.1:5173'), 'http://127.0.0.1:5173');
    assert.equal(url('http://127.8.9.10'), 'http://127.8.9.10');
    assert.equal(url('http://localhost:8080/'), 'http://localhost:8080');
    assert.equal(url('http://[::1]:8080'), 'http://[::1]:8080');
    assert.equal(resolveConfig('URL=http://127.0.0.1:5173;ApiKey=k1234', NO_ENV).config.host, '127.0.0.1:5173');
  });

  test('refuses plain http off loopback, naming the reason (OAUTH-14)', () => {
    for (const u of ['http://example.com', 'http://myspace.backlog.com', 'http://10.0.0.1:8080', 'http://128.0.0.1', 'http://localhost.example.com']) {
      const e = configError(`URL=${u};ApiKey=k1234`);
      assert.equal(e.property, 'URL');
      assert.match(e.message, /plain http is refused/);
      assert.match(e.message, /unencrypted/);
      assert.match(e.hint ?? '', /OAUTH-14/);
    }
  });

  test('a missing URL is an error explaining the form', () => {
    for (const input of ['ApiKey=k1234', '', { apiKey: 'k1234' }, 'URL=;ApiKey=k1234']) {
      const e = configError(input);
      assert.equal(e.property, 'URL');
      assert.match(e.message, /URL is required.*https:\/\/myspace\.backlog\.com/);
    }
  });

  test('a value without a scheme suggests the full URL', () => {
    assert.match(configError('URL=myspace;ApiKey=k1234').message, /did you mean https:\/\/myspace\.backlog\.com\?/);
    assert.match(configError('URL=myspace.backlog.jp;ApiKey=k1234').message, /did you mean https:\/\/myspace\.backlog\.jp\?/);
    assert.match(configError('URL=localhost:5173;ApiKey=k1234').message, /did you mean http:\/\/localhost:5173\?/);
  });

  test('refuses other schemes, credentials, query strings, bare domains and browser paths', () => {
    assert.match(configError('URL=ftp://a.backlog.com;ApiKey=k1234').message, /must use https/);
    assert.match(configError('URL=https://u:p@a.backlog.com;ApiKey=k1234').message, /user name or password/);
    assert.match(configError('URL=https://a.backlog.com/?apiKey=zzzz;ApiKey=k1234').message, /query string/);
    assert.match(configError('URL=https://backlog.com;ApiKey=k1234').message, /without a space/);
    assert.match(configError('URL=https://a.backlog.com/view/PRJ-1;ApiKey=k1234').message, /did you mean https:\/\/a\.backlog\.com\?/);
    assert.match(configError('URL=https://a.backlog.com/api/v2/issues;ApiKey=k1234').message, /not an API path/);
  });
});

describe('resolveConfig: errors name the property', () => {
  test('an unknown property names it and the closest real one', () => {
    const e = configError('URL=https://x.backlog.com;ApiKy=k1234');
    assert.equal(e.property, 'ApiKy');
    assert.match(e.message, /unknown connection property "ApiKy"; did you mean "ApiKey"\?/);
    assert.match(configError(`${BASE};Pagesise=10`).message, /did you mean "Pagesize"/);
    assert.match(configError(`${BASE};Timout=10`).message, /did you mean "Timeout"/);
    assert.match(configError(`${BASE};api_key=x`).message, /did you mean "ApiKey"/);
    assert.match(configError(`${BASE};SpaceKey=x`).message, /did you mean "URL"/);
    assert.match(
      configError({ url: 'https://x.backlog.com', apiKey: 'k1234', onAuthorisationUrl: 'x' }).message,
      /unknown connection property "onAuthorisationUrl"/,
    );
  });

  test('an unknown property far from every real one gets no guess', () => {
    const e = configError(`${BASE};Frobnicate=1`);
    assert.equal(e.message, 'unknown connection property "Frobnicate"');
  });

  test('wrong types name the property, the value and the allowed form', () => {
    const cases: [string, string, RegExp][] = [
      ['Timeout=abc', 'Timeout', /Timeout must be a whole number from 0 to \d+, not "abc"/],
      ['Timeout=1.5', 'Timeout', /Timeout must be a whole number/],
      ['Timeout=-1', 'Timeout', /Timeout must be a whole number from 0/],
      ['Pagesize=500', 'Pagesize', /Pagesize must be a whole number from 1 to 100, not "500"/],
      ['Pagesize=0', 'Pagesize', /from 1 to 100, not "0"/],
      ['Readonly=maybe', 'Readonly', /Readonly must be true or false, not "maybe"/],
      ['Verbosity=6', 'Verbosity', /Verbosity must be a whole number from 1 to 5, not "6"/],
      ['MaxRows=-2', 'MaxRows', /MaxRows must be a whole number of at least -1, not "-2"/],
      ['AuthScheme=ApiKey', 'AuthScheme', /AuthScheme must be one of APIToken, OAuth, not "ApiKey"/],
      ['IncludeCustomFields=2', 'IncludeCustomFields', /must be true or false, not "2"/],
      ['ProxyServer=proxy;ProxyPort=70000', 'ProxyPort', /ProxyPort must be a whole number from 1 to 65535, not "70000"/],
    ];
    for (const [extra, property, pattern] of cases) {
      const e = configError(`${BASE};${extra}`);
      assert.equal(e.property, property, extra);
      assert.match(e.message, pattern, extra);
    }
    assert.match(configError({ url: 'https://x.backlog.com', apiKey: 'k1234', pageSize: 2.5 }).message, /Pagesize must be a whole number/);
    assert.match(configError({ url: 'https://x.backlog.com', apiKey: 'k1234', readonly: 'sometimes' }).message, /Readonly must be true or false/);
    assert.match(configError({ url: ['https://x.backlog.com'], apiKey: 'k1234' }).message, /URL must be text/);
  });

  test('a property given twice is an error, also in different cases or in an object', () => {
    const a = configError(`${BASE};Pagesize=10;Pagesize=20`);
    assert.equal(a.property, 'Pagesize');
    assert.match(a.message, /Pagesize is given twice/);
    assert.match(configError(`${BASE};apikey=other`).message, /ApiKey is given twice \(as "ApiKey" and "apikey"\)/);
    assert.match(configError({ url: 'https://x.backlog.com', URL: 'https://y.backlog.com', apiKey: 'k1234' }).message, /URL is given twice/);
    assert.match(configError(`${BASE};RTK=a;rtk=b`).message, /RTK is given twice/);
  });

  test('AuthScheme=APIToken without a key says to set ApiKey or BACKLOG_API_KEY', () => {
    const e = configError('URL=https://x.backlog.com;AuthScheme=APIToken');
    assert.equal(e.property, 'ApiKey');
    assert.match(e.message, /set ApiKey or the environment variable BACKLOG_API_KEY/);
    assert.doesNotMatch(e.message, /AuthScheme=OAuth/);
    assert.match(configError('URL=https://x.backlog.com;InitiateOAuth=OFF').message, /ApiKey is required with AuthScheme=APIToken/);
    assert.match(configError('URL=https://x.backlog.com', { BACKLOG_API_KEY: '  ' }).message, /set ApiKey/);
  });

  test('an API key with white space inside is refused', () => {
    assert.match(configError('URL=https://x.backlog.com;ApiKey="ab cd"').message, /ApiKey contains white space/);
  });

  test('input that is neither a string nor an object is refused', () => {
    assert.throws(() => resolveConfig(42 as unknown as string, NO_ENV), ConfigError);
  });
});

describe('resolveConfig: environment fallbacks', () => {
  test('BACKLOG_API_KEY supplies the key when ApiKey is not given, and ApiKey wins over it', () => {
    assert.equal(resolveConfig('URL=https://x.backlog.com', { BACKLOG_API_KEY: 'envkey1' }).config.apiKey, 'envkey1');
    assert.equal(resolveConfig('URL=https://x.backlog.com;ApiKey=strkey1', { BACKLOG_API_KEY: 'envkey1' }).config.apiKey, 'strkey1');
    assert.equal(resolveConfig('URL=https://x.backlog.com;ApiKey=', { BACKLOG_API_KEY: 'envkey1' }).config.apiKey, 'envkey1');
  });

  test('BACKLOG_OAUTH_CLIENT_SECRET supplies the client secret when OAuthClientSecret is not given', () => {
    const env = { BACKLOG_OAUTH_CLIENT_SECRET: 'envsecret' };
    assert.equal(resolveConfig('URL=https://x.backlog.com;AuthScheme=OAuth;OAuthClientId=c', env).config.oauth.clientSecret, 'envsecret');
    assert.equal(resolveConfig('URL=https://x.backlog.com;AuthScheme=OAuth;OAuthClientSecret=strsecret', env).config.oauth.clientSecret, 'strsecret');
  });

  test('reads process.env by default', () => {
    const saved = process.env.BACKLOG_API_KEY;
    process.env.BACKLOG_API_KEY = 'fromprocess';
    try {
      assert.equal(resolveConfig('URL=https://x.backlog.com').config.apiKey, 'fromprocess');
    } finally {
      if (saved === undefined) delete process.env.BACKLOG_API_KEY;
      else process.env.BACKLOG_API_KEY = saved;
    }
  });

  test('with AuthScheme=OAuth the environment API key is not used', () => {
    assert.equal(resolveConfig('URL=https://x.backlog.com;AuthScheme=OAuth', { BACKLOG_API_KEY: 'envkey1' }).config.apiKey, undefined);
  });
});

describe('resolveConfig: pasted CData strings', () => {
  test('a pasted CData string works, with one warning per CData-only property', () => {
    const { config, warnings } = resolveConfig(
      'jdbc:backlog:URL=https://x.backlog.com;AuthScheme=APIToken;ApiKey=abcd1234;RTK=XXXX;UseConnectionPooling=true',
      NO_ENV,
    );
    assert.equal(config.url, 'https://x.backlog.com');
    assert.equal(config.apiKey, 'abcd1234');
    assert.equal(warnings.length, 2);
    assert.match(warnings[0] ?? '', /^ignoring RTK: /);
    assert.match(warnings[1] ?? '', /^ignoring UseConnectionPooling: /);
    assert.deepEqual({ ...config.ignoredProperties }, { RTK: 'XXXX', UseConnectionPooling: 'true' });
  });

  test('every CData-only property of the reference is accepted with a warning naming it', () => {
    const cdataOnly = PROPERTIES.filter((p) => p.cdataOnly);
    assert.ok(cdataOnly.length >= 33); // CacheConnection, CacheLocation, AutoCache, CacheTolerance, Offline (the cache, REPLICATE), UserDefinedViews and Location (user-defined views) are real
    for (const name of [
      'RTK',
      'UseConnectionPooling',
      'PoolMaxSize',
      'PoolMinSize',
      'PoolIdleTimeout',
      'PoolWaitTime',
      'Tables',
      'Views',
      'SupportEnhancedSQL',
      'BatchSize',
      'ConnectionLifeTime',
      'ConnectOnOpen',
      'QueryPassthrough',
      'FirewallType',
      'LogModules',
      'MaxLogFileSize',
      'MaxLogFileCount',
      'CacheDriver',
      'PseudoColumns',
      'ProxyAutoDetect',
    ]) {
      assert.ok(
        cdataOnly.some((p) => p.name === name),
        name,
      );
    }
    const text = cdataOnly.map((p) => `${p.name}="anything; at all"`).join(';');
    const { warnings } = resolveConfig(`${BASE};${text}`, NO_ENV);
    assert.equal(warnings.length, cdataOnly.length);
    cdataOnly.forEach((p, i) => assert.ok(warnings[i]?.startsWith(`ignoring ${p.name}: `), p.name));
  });

  test('AutoCache, CacheTolerance and Offline are real properties: values, defaults, no warning', () => {
    const given = resolveConfig(`${BASE};AutoCache=true;CacheTolerance=30;Offline=false;CacheLocation=memory://x`, NO_ENV);
    assert.deepEqual(
      [given.config.autoCache, given.config.cacheToleranceSeconds, given.config.offline, given.config.cacheLocation],
      [true, 30, false, 'memory://x'],
    );
    assert.deepEqual(given.warnings, []);
    const defaults = resolveConfig(BASE, NO_ENV).config;
    assert.deepEqual([defaults.autoCache, defaults.cacheToleranceSeconds, defaults.offline], [false, 600, false]);
  });

  test('the documented CData sample with Url and ApiKey first resolves', () => {
    const { config, warnings } = resolveConfig('jdbc:backlog:UseConnectionPooling=true;ApiKey=abcd1234;Url=https://yourURL.backlog.com', NO_ENV);
    assert.equal(config.url, 'https://yoururl.backlog.com');
    assert.equal(warnings.length, 1);
  });

  test('properties that do nothing with the chosen scheme warn', () => {
    assert.match(
      resolveConfig(`${BASE};AuthScheme=APIToken;OAuthClientId=c;InitiateOAuth=OFF`, NO_ENV).warnings.join('\n'),
      /ignoring OAuthClientId: OAuth properties have no effect/,
    );
    assert.match(resolveConfig('URL=https://x.backlog.com;AuthScheme=OAuth;ApiKey=k1234', NO_ENV).warnings.join('\n'), /ignoring ApiKey/);
    assert.match(resolveConfig(`${BASE};ProxyPort=8080`, NO_ENV).warnings.join('\n'), /ignoring ProxyPort: ProxyServer is not set/);
  });
});

describe('resolveConfig: proxy and certificate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backlog-sql-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('ProxyServer as a host, host:port or URL, with ProxyPort and credentials', () => {
    assert.deepEqual(resolveConfig(`${BASE};ProxyServer=proxy.local;ProxyPort=3128;ProxyUser=me;ProxyPassword=pw12`, NO_ENV).config.proxy, {
      protocol: 'http',
      server: 'proxy.local',
      port: 3128,
      user: 'me',
      password: 'pw12',
    });
    assert.deepEqual(resolveConfig(`${BASE};ProxyServer=10.1.2.3`, NO_ENV).config.proxy, { protocol: 'http', server: '10.1.2.3', port: 80 });
    assert.deepEqual(resolveConfig(`${BASE};ProxyServer=proxy:8080`, NO_ENV).config.proxy, { protocol: 'http', server: 'proxy', port: 8080 });
    assert.deepEqual(resolveConfig(`${BASE};ProxyServer=https://proxy`, NO_ENV).config.proxy, { protocol: 'https', server: 'proxy', port: 443 });
    assert.match(configError(`${BASE};ProxyServer=proxy:8080;ProxyPort=3128`).message, /names port 8080 but ProxyPort is 3128/);
    assert.match(configError(`${BASE};ProxyServer=socks5://proxy`).message, /http or https proxy/);
    assert.match(configError(`${BASE};ProxyServer="not a host"`).message, /ProxyServer must be a host name/);
  });

  test('SSLServerCert takes PEM text or a PEM file path', () => {
    const inline = resolveConfig(`${BASE};SSLServerCert="${TEST_CERT}"`, NO_ENV).config.sslServerCert;
    assert.match(inline ?? '', /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
    const file = join(dir, 'server.pem');
    writeFileSync(file, TEST_CERT);
    assert.equal(resolveConfig({ url: 'https://onprem.example.com', apiKey: 'k1234', sslServerCert: file }, NO_ENV).config.sslServerCert, inline);
  });

  test('SSLServerCert=* is refused, and so are unreadable files, thumbprints and non-certificates', () => {
    const star = configError(`${BASE};SSLServerCert=*`);
    assert.equal(star.property, 'SSLServerCert');
    assert.match(star.message, /accept any certificate\) is refused/);
    assert.match(configError(`${BASE};SSLServerCert=${join(dir, 'missing.pem')}`).message, /cannot read the file .*missing\.pem \(ENOENT\)/);
    assert.match(configError(`${BASE};SSLServerCert=0123456789abcdef0123456789abcdef01234567`).message, /thumbprints are not supported/);
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'hello');
    assert.match(configError(`${BASE};SSLServerCert=${junk}`).message, /no PEM certificate/);
    const broken = TEST_CERT.replace('MIIBlj', 'XXXXXX');
    assert.match(configError({ url: 'https://x.backlog.com', apiKey: 'k1234', sslServerCert: broken }).message, /does not parse/);
  });
});

describe('secrets never leak', () => {
  const CANARY = 'CANARYq7Zx9Lw2Vb5Nk8';
  /** No 6-character piece of the canary may show, so a truncated echo fails too. */
  function assertNoCanary(text: string, label: string): void {
    for (let i = 0; i + 6 <= CANARY.length; i++) assert.ok(!text.includes(CANARY.slice(i, i + 6)), `${label}: leaks "${CANARY.slice(i, i + 6)}" in ${text}`);
  }
  const errorText = (e: ConfigError): string => [e.message, e.hint ?? '', e.property ?? '', e.stack ?? '', inspect(e)].join('\n');

  const secretProps = `ApiKey=${CANARY};ProxyPassword=${CANARY}x;RTK=${CANARY}r;FirewallPassword=${CANARY}f`;
  const oauthSecrets = `OAuthClientSecret=${CANARY}s;OAuthAccessToken=${CANARY}a;OAuthRefreshToken=${CANARY}t;OAuthVerifier=${CANARY}v`;
  const failing: [string, ConnectionInput, Record<string, string>][] = [
    ['unknown property', `URL=https://x.backlog.com;${secretProps};Frobnicate=1`, {}],
    ['misspelt ApiKey holding the key', `URL=https://x.backlog.com;ApiKy=${CANARY}`, {}],
    ['key in an entry without a name', `URL=https://x.backlog.com;${CANARY}`, {}],
    ['unclosed quote', `URL=https://x.backlog.com;ApiKey="${CANARY}`, {}],
    ['text after quote', `URL=https://x.backlog.com;ApiKey="${CANARY}"${CANARY}`, {}],
    ['duplicate ApiKey', `URL=https://x.backlog.com;ApiKey=${CANARY};apikey=${CANARY}2`, {}],
    ['type error', `URL=https://x.backlog.com;${secretProps};Timeout=abc`, {}],
    ['key pasted into Timeout', `URL=https://x.backlog.com;ApiKey=${CANARY};Timeout=${CANARY}`, {}],
    ['env key pasted into Pagesize', 'URL=https://x.backlog.com;Pagesize=' + CANARY, { BACKLOG_API_KEY: CANARY }],
    ['key in the URL query', `URL=https://x.backlog.com/?apiKey=${CANARY};${secretProps}`, {}],
    ['key as the URL', `URL=${CANARY}`, { BACKLOG_API_KEY: CANARY }],
    ['key as the URL, not known as a key', `URL=${CANARY}0123456789012345678901234567890123456789012345`, {}],
    ['key in URL user info', `URL=https://me:${CANARY}@x.backlog.com`, {}],
    ['http off loopback', `URL=http://x.example.com;${secretProps}`, {}],
    ['white space in key', `URL=https://x.backlog.com;ApiKey="${CANARY} ${CANARY}"`, {}],
    ['missing URL', `${secretProps};${oauthSecrets}`, { BACKLOG_API_KEY: CANARY, BACKLOG_OAUTH_CLIENT_SECRET: CANARY }],
    ['OAuth type error', `URL=https://x.backlog.com;AuthScheme=OAuth;${oauthSecrets};OAuthExpiresIn=x`, {}],
    ['bad Other', `URL=https://x.backlog.com;ApiKey=${CANARY};Other="Pushdown=${CANARY}"`, {}],
    ['proxy credentials in ProxyServer', `URL=https://x.backlog.com;ApiKey=k1234;ProxyServer=http://u:${CANARY}@proxy`, {}],
    ['options object', { url: 'https://x.backlog.com', apiKey: CANARY, proxyPassword: CANARY, pageSize: CANARY }, {}],
  ];
  for (const [label, input, env] of failing) {
    test(`no error text shows a secret: ${label}`, () => {
      assertNoCanary(errorText(configError(input, env)), label);
    });
  }

  test('no warning, JSON, inspect output or sys_connection_props row shows a secret', () => {
    const { config, warnings } = resolveConfig(
      `URL=https://x.backlog.com;AuthScheme=APIToken;ApiKey=${CANARY};ProxyServer=proxy;ProxyUser=me;${secretProps.replace(`ApiKey=${CANARY};`, '')};${oauthSecrets};SSLClientCertPassword=${CANARY}c`,
      { BACKLOG_OAUTH_CLIENT_SECRET: CANARY },
    );
    assert.ok(warnings.length >= 3);
    assertNoCanary(warnings.join('\n'), 'warnings');
    assertNoCanary(JSON.stringify(config), 'JSON');
    assertNoCanary(inspect(config, { depth: 10 }), 'inspect');
    assertNoCanary(JSON.stringify(describeProperties(config)), 'describeProperties');
    assert.equal(config.apiKey, CANARY, 'the real value stays readable by code');
  });
});

describe('describeProperties', () => {
  test('has one row per property with the sys_connection_props columns', () => {
    const rows = describeProperties();
    assert.equal(rows.length, PROPERTIES.length);
    assert.deepEqual(Object.keys(rows[0] ?? {}), [
      'Name',
      'ShortDescription',
      'Type',
      'Default',
      'Values',
      'Value',
      'Required',
      'Category',
      'IsSessionProperty',
      'Sensitivity',
      'PropertyName',
      'Ordinal',
      'CatOrdinal',
      'Hierarchy',
      'Visible',
      'ETC',
    ]);
    const url = rows.find((r) => r.Name === 'URL');
    assert.equal(url?.Required, true);
    assert.equal(url?.Category, 'Authentication');
    assert.equal(rows.find((r) => r.Name === 'AuthScheme')?.Values, 'APIToken,OAuth');
    assert.equal(rows.find((r) => r.Name === 'Pagesize')?.PropertyName, 'pageSize');
    assert.equal(rows.find((r) => r.Name === 'SSLServerCert')?.PropertyName, 'sslServerCert');
    assert.equal(rows.find((r) => r.Name === 'OAuthClientId')?.PropertyName, 'oauthClientId');
    assert.equal(rows.find((r) => r.Name === 'UsePKCE')?.ETC, 'extension');
    assert.equal(rows.find((r) => r.Name === 'RTK')?.Visible, false);
  });

  test('shows the current values, secrets masked only when set', () => {
    const { config } = resolveConfig(`${BASE};Pagesize=42;Readonly=true;Other="Pushdown=false";RTK=XXXX`, NO_ENV);
    const value = (name: string): string | undefined => describeProperties(config).find((r) => r.Name === name)?.Value;
    assert.equal(value('URL'), 'https://myspace.backlog.com');
    assert.equal(value('ApiKey'), '********');
    assert.equal(value('OAuthClientSecret'), '');
    assert.equal(value('Pagesize'), '42');
    assert.equal(value('Readonly'), 'true');
    assert.equal(value('Timeout'), '60');
    assert.equal(value('Other'), 'Pushdown=false');
    assert.equal(value('RTK'), '********');
    assert.equal(value('CallbackURL'), 'http://localhost:33333');
  });

  test('connectionPropsTable gives the same rows as arrays in the column spec order', () => {
    const { config } = resolveConfig(BASE, NO_ENV);
    const table = connectionPropsTable(config);
    const names = table.columns.split(',').map((c) => c.split(':')[0]);
    const rows = describeProperties(config);
    assert.deepEqual(names, Object.keys(rows[0] ?? {}));
    assert.deepEqual(
      table.rows,
      rows.map((r) => Object.values(r)),
    );
  });

  test('every property of the catalog is typed consistently', () => {
    for (const p of PROPERTIES) {
      if (p.type === 'enum') assert.ok(p.values && p.values.length > 0 && (p.default === '' || p.values.includes(p.default)), p.name);
      if (p.type === 'bool' && p.default !== '') assert.ok(['true', 'false'].includes(p.default), p.name);
      if (p.type === 'int' && p.default !== '') assert.match(p.default, /^-?\d+$/, p.name);
      if (p.cdataOnly) assert.ok(p.ignoredBecause, p.name);
    }
    assert.equal(new Set(PROPERTIES.map((p) => p.name.toLowerCase())).size, PROPERTIES.length);
  });
});

describe('editDistance', () => {
  test('counts an adjacent transposition as one edit', () => {
    assert.equal(editDistance('apikey', 'apikye'), 1);
    assert.equal(editDistance('timeout', 'timout'), 1);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });
});

describe("resolveConfig: AuthScheme inferred as CData's seed page writes the flows", () => {
  test("OAuth properties without ApiKey mean AuthScheme=OAuth: the desktop flow's four properties, or OAuthAccessToken alone", () => {
    const desktop = resolveConfig(
      'URL=https://x.backlog.com;OAuthClientId=cid;OAuthClientSecret=csecret;CallbackURL=http://localhost:33333;InitiateOAuth=GETANDREFRESH',
      NO_ENV,
    );
    assert.equal(desktop.config.authScheme, 'OAuth');
    assert.equal(desktop.config.oauth.initiateOAuth, 'GETANDREFRESH');
    assert.deepEqual(desktop.warnings, []);
    assert.equal(resolveConfig('URL=https://x.backlog.com;OAuthAccessToken=tok1234', NO_ENV).config.authScheme, 'OAuth');
  });

  test('BACKLOG_API_KEY in the environment yields to OAuth properties, with a warning that names it (never the key)', () => {
    const { config, warnings } = resolveConfig('URL=https://x.backlog.com;OAuthAccessToken=tok1234', { BACKLOG_API_KEY: 'envkey-secret-1' });
    assert.equal(config.authScheme, 'OAuth');
    assert.equal(config.apiKey, undefined);
    assert.match(warnings.join('\n'), /ignoring BACKLOG_API_KEY from the environment: the OAuth properties \(OAuthAccessToken\) sign in with OAuth/);
    assert.doesNotMatch(warnings.join('\n'), /envkey-secret-1/);
  });

  test('an ApiKey property beside OAuth properties, with no AuthScheme, is an error naming both', () => {
    const e = configError('URL=https://x.backlog.com;ApiKey=key12345;OAuthClientId=cid;OAuthClientSecret=csecret');
    assert.match(e.message, /both ApiKey and OAuth properties \(OAuthClientId, OAuthClientSecret\) are given/);
    assert.equal(e.property, 'AuthScheme');
    assert.match(e.hint ?? '', /Remove ApiKey to sign in with OAuth.*AuthScheme=OAuth or AuthScheme=APIToken/);
    assert.doesNotMatch(`${e.message} ${e.hint}`, /key12345|csecret/);
  });

  test('an explicit AuthScheme still decides; InitiateOAuth=OFF and UsePKCE alone ask for no OAuth', () => {
    assert.equal(resolveConfig('URL=https://x.backlog.com;AuthScheme=APIToken;ApiKey=key12345;OAuthClientId=cid', NO_ENV).config.authScheme, 'APIToken');
    assert.equal(resolveConfig('URL=https://x.backlog.com;AuthScheme=OAuth;ApiKey=key12345;OAuthClientId=cid', NO_ENV).config.authScheme, 'OAuth');
    assert.equal(resolveConfig('URL=https://x.backlog.com;ApiKey=key12345;InitiateOAuth=OFF;UsePKCE=false', NO_ENV).config.authScheme, 'APIToken');
  });
});
