import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { caretLines, exitCodeFor, renderError } from '../../../src/cli/errors.js';
import { UsageError } from '../../../src/cli/emulator-command.js';
import {
  ApiError,
  AuthError,
  CancelledError,
  ConfigError,
  NetworkError,
  RateLimitError,
  SqlError,
  TimeoutError,
  WriteOutcomeUnknownError,
} from '../../../src/errors.js';

describe('error rendering', () => {
  test('a SQL error shows the statement line with a caret under the 1-based position, then the hint', () => {
    const sql = 'SELECT * FORM Issues';
    const text = renderError(new SqlError('syntax error at or near "Issues"', 15, { syntax: true, hint: 'Check the keyword before it.' }), { sql });
    assert.equal(
      text,
      ['ERROR:  syntax error at or near "Issues"', 'LINE 1: SELECT * FORM Issues', '                      ^', 'HINT:  Check the keyword before it.', ''].join(
        '\n',
      ),
    );
  });

  test('the caret lands on the right line of a multi-line statement, numbered from where it starts in the file', () => {
    const sql = 'SELECT Id,\n  Sumary\nFROM Issues';
    const [line, caret] = caretLines(sql, sql.indexOf('Sumary') + 1, 10);
    assert.equal(line, 'LINE 11:   Sumary');
    assert.equal(caret, ' '.repeat('LINE 11:   '.length) + '^');
  });

  test('the caret accounts for the double width of Japanese text', () => {
    const sql = "SELECT '課題' FORM x";
    const [line, caret] = caretLines(sql, sql.indexOf('x') + 1);
    assert.equal(line, `LINE 1: ${sql}`);
    assert.equal(caret?.indexOf('^'), 'LINE 1: '.length + "SELECT '課題' FORM ".length + 2);
  });

  test('a position just past the end marks the end of input', () => {
    const [, caret] = caretLines('SELECT 1 +', 11);
    assert.equal(caret?.indexOf('^'), 'LINE 1: SELECT 1 +'.length);
  });

  test('long lines are cut to a window that keeps the caret in view', () => {
    const sql = `SELECT ${'a, '.repeat(60)}FORM x`;
    const [line, caret] = caretLines(sql, sql.indexOf('FORM') + 1);
    assert.ok((line as string).length < 100);
    assert.ok((line as string).includes('...'));
    assert.equal((line as string).slice(caret?.indexOf('^')).slice(0, 4), 'FORM');
  });

  test('configuration errors name the property, API errors the status and path', () => {
    assert.match(
      renderError(new ConfigError('must be a whole number', 'Timeout', { hint: 'Use seconds.' })),
      /^ERROR: {2}must be a whole number\nDETAIL: {2}connection property Timeout\nHINT: {2}Use seconds\.\n$/,
    );
    assert.match(renderError(new ApiError('Backlog failed', 503, [], 'GET', '/api/v2/issues')), /DETAIL: {2}Backlog answered 503 to GET \/api\/v2\/issues/);
  });

  test('unexpected errors are one line asking for a report, with no stack trace and no key', () => {
    const text = renderError(new TypeError('boom at https://x.backlog.com/api/v2/space?apiKey=SECRET123'));
    assert.equal(text.split('\n').length, 2);
    assert.match(text, /^ERROR: {2}internal error: boom .*please report/);
    assert.doesNotMatch(text, /SECRET123|\bat .+:\d+:\d+/);
  });

  test('each kind of error maps to its exit code', () => {
    assert.equal(exitCodeFor(new SqlError('x')), 1);
    assert.equal(exitCodeFor(new ConfigError('x', 'URL')), 2);
    assert.equal(exitCodeFor(new UsageError('x')), 2);
    assert.equal(exitCodeFor(new AuthError('x')), 3);
    assert.equal(exitCodeFor(new ApiError('x', 500, [], 'GET', '/')), 4);
    assert.equal(exitCodeFor(new NetworkError('x')), 4);
    assert.equal(exitCodeFor(new TimeoutError('x')), 4);
    assert.equal(exitCodeFor(new RateLimitError('x', undefined)), 5);
    assert.equal(exitCodeFor(new WriteOutcomeUnknownError('x')), 6);
    assert.equal(exitCodeFor(new CancelledError()), 130);
    assert.equal(exitCodeFor(new Error('x')), 1);
  });
});
