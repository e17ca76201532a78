import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConnectionString, quoteConnectionValue } from '../../../src/config/connection-string.js';
import { ConfigError } from '../../../src/errors.js';

const pairs = (s: string): [string, string][] => parseConnectionString(s).map((e) => [e.name, e.value]);

describe('connection string syntax', () => {
  test('splits Name=Value pairs on ";" and trims unquoted names and values', () => {
    assert.deepEqual(pairs(' URL = https://x.backlog.com ;ApiKey=abc;; Pagesize=50;'), [
      ['URL', 'https://x.backlog.com'],
      ['ApiKey', 'abc'],
      ['Pagesize', '50'],
    ]);
  });

  test('accepts a leading jdbc:backlog: prefix in any case', () => {
    assert.deepEqual(pairs('jdbc:backlog:URL=https://x.backlog.com;ApiKey=k'), [
      ['URL', 'https://x.backlog.com'],
      ['ApiKey', 'k'],
    ]);
    assert.deepEqual(pairs('JDBC:Backlog:Url=https://x.backlog.com'), [['Url', 'https://x.backlog.com']]);
  });

  test('keeps ";" and "=" inside double- or single-quoted values', () => {
    assert.deepEqual(pairs('Other="Pushdown=false;X=1";Logfile=\'/tmp/a;b=c.log\''), [
      ['Other', 'Pushdown=false;X=1'],
      ['Logfile', '/tmp/a;b=c.log'],
    ]);
  });

  test('reads a doubled quote inside a quoted value as one quote', () => {
    assert.deepEqual(pairs('A="say ""hi"""; B=\'it\'\'s\''), [
      ['A', 'say "hi"'],
      ['B', "it's"],
    ]);
  });

  test('keeps spaces inside quotes and "=" in unquoted values after the first', () => {
    assert.deepEqual(pairs('A="  padded  ";B=x=y=='), [
      ['A', '  padded  '],
      ['B', 'x=y=='],
    ]);
  });

  test('an empty string has no entries', () => {
    assert.deepEqual(pairs(''), []);
    assert.deepEqual(pairs('jdbc:backlog:'), []);
  });

  test('an entry without "=" is an error that locates it without quoting it', () => {
    assert.throws(
      () => parseConnectionString('URL=https://x.backlog.com;sekrit-value-here'),
      (e: unknown) => e instanceof ConfigError && /2nd entry/.test(e.message) && !e.message.includes('sekrit'),
    );
  });

  test('an entry without a name is an error', () => {
    assert.throws(() => parseConnectionString('=value'), /no property name/);
  });

  test('an unclosed quote is an error naming the property, not the value', () => {
    assert.throws(
      () => parseConnectionString('URL=https://x.backlog.com;ApiKey="abc-def-ghi'),
      (e: unknown) => e instanceof ConfigError && e.property === 'ApiKey' && /never closed/.test(e.message) && !e.message.includes('abc-def'),
    );
  });

  test('text after a closing quote is an error', () => {
    assert.throws(
      () => parseConnectionString('Logfile="a"b;URL=x'),
      (e: unknown) => e instanceof ConfigError && e.property === 'Logfile',
    );
  });

  test('quoteConnectionValue round-trips through the parser', () => {
    for (const v of ['plain', 'a;b', 'x="y"', " it's ", '']) {
      assert.deepEqual(pairs(`K=${quoteConnectionValue(v)}`), [['K', v]]);
    }
  });
});
