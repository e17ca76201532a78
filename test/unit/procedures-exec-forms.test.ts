/**
 * EXEC as CData writes it (docs/cdata-driver.md §6.4): `@Name = value`, `Name = value` (CData's own
 * examples drop the @), values alone in the declared order, EXECUTE; and the refusals that say
 * what to write instead.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCall, runProcedure, type ProcedureContext } from '../../src/procedures/index.js';
import type { SqlError } from '../../src/errors.js';

describe('EXEC forms', () => {
  test('@Name = v, Name = v and parameters as values all name the same inputs', () => {
    const forms = [
      'EXEC AddStar @IssueId = 1',
      'EXEC AddStar IssueId = 1',
      'EXECUTE AddStar IssueId = 1;',
      'EXEC AddStar IssueId = @p',
      'EXECUTE my_proc second = @p1, first = @p2',
    ];
    assert.deepEqual(
      parseCall(forms[0] as string, []).args.map((a) => [a.name, a.value]),
      [['IssueId', 1]],
    );
    assert.deepEqual(
      parseCall(forms[1] as string, []).args.map((a) => [a.name, a.value]),
      [['IssueId', 1]],
    );
    assert.deepEqual(
      parseCall(forms[2] as string, []).args.map((a) => [a.name, a.value]),
      [['IssueId', 1]],
    );
    assert.deepEqual(
      parseCall(forms[3] as string, { p: 7 }).args.map((a) => [a.name, a.value]),
      [['IssueId', 7]],
    );
    assert.deepEqual(
      parseCall(forms[4] as string, { p1: 2, p2: 1 }).args.map((a) => [a.name, a.value]),
      [
        ['second', 2],
        ['first', 1],
      ],
    );
  });

  test('values without names come in the declared order, before any named one', () => {
    const call = parseCall("EXEC DownloadAttachment 'WEB-1', 3, OutputFolder = '/tmp'", []);
    assert.deepEqual(
      call.args.map((a) => [a.name, a.position, a.value]),
      [
        ['', 0, 'WEB-1'],
        ['', 1, 3],
        ['OutputFolder', undefined, '/tmp'],
      ],
    );
    assert.deepEqual(
      parseCall('EXEC AddStar ?', [5]).args.map((a) => [a.position, a.value]),
      [[0, 5]],
    );
    assert.throws(
      () => parseCall("EXEC AddStar IssueId = 1, 'x'", []),
      (e: SqlError) => /values without a name come first/.test(e.message) && e.position === 27,
    );
  });

  test('too many values: the error names the parameters in order', async () => {
    const ctx = {} as ProcedureContext;
    await assert.rejects(runProcedure(parseCall('EXEC RemoveStar 1, 2', []), ctx), (e: SqlError) => {
      assert.match(e.message, /RemoveStar takes 1 parameter, not 2/);
      assert.match(e.hint ?? '', /in order: StarId/);
      assert.equal(e.position, 20);
      return true;
    });
  });
});
