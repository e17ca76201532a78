import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiFailure } from '../../../src/emulator/errors.js';
import { parseParams, PAGING_OFFSET } from '../../../src/emulator/params.js';

function fails(fn: () => unknown, includes: string): void {
  assert.throws(fn, (e: unknown) => e instanceof ApiFailure && e.status === 400 && e.code === 7 && e.message.includes(includes));
}

describe('parameter validation', () => {
  test('parses ints, booleans, dates and bracketed arrays', () => {
    const { params } = parseParams(new URLSearchParams('projectId[]=1&projectId[]=2&attachment=true&createdSince=2026-01-31&count=100'), {
      'projectId[]': 'intArray',
      attachment: 'bool',
      createdSince: 'date',
      ...PAGING_OFFSET,
    });
    assert.deepEqual(params, { projectId: [1, 2], attachment: true, createdSince: '2026-01-31', count: 100 });
  });

  test('refuses count=0 and count=101, naming count', () => {
    fails(() => parseParams(new URLSearchParams('count=0'), PAGING_OFFSET), "'count'");
    fails(() => parseParams(new URLSearchParams('count=101'), PAGING_OFFSET), "'count'");
  });

  test('refuses an unknown parameter, naming it', () => {
    fails(() => parseParams(new URLSearchParams('colour=red'), PAGING_OFFSET), "'colour'");
  });

  test('refuses an array parameter sent without brackets and says which form works', () => {
    fails(() => parseParams(new URLSearchParams('projectId=1'), { 'projectId[]': 'intArray' }), "'projectId[]'");
  });

  test('refuses wrong types: text for a number, yes for a boolean, an impossible date', () => {
    fails(() => parseParams(new URLSearchParams('offset=ten'), PAGING_OFFSET), "'offset'");
    fails(() => parseParams(new URLSearchParams('flag=yes'), { flag: 'bool' }), "'flag'");
    fails(() => parseParams(new URLSearchParams('d=2026-02-30'), { d: 'date' }), "'d'");
    fails(() => parseParams(new URLSearchParams('id[]=1.5'), { 'id[]': 'intArray' }), "'id[]'");
  });

  test('refuses a missing required parameter and a scalar given twice', () => {
    fails(() => parseParams(new URLSearchParams(''), { summary: { type: 'string', required: true } }), "'summary'");
    fails(() => parseParams(new URLSearchParams('order=asc&order=desc'), PAGING_OFFSET), "'order'");
    fails(() => parseParams(new URLSearchParams('order=up'), PAGING_OFFSET), "'order'");
  });

  test('an empty value clears a nullable field', () => {
    const { params } = parseParams(new URLSearchParams('assigneeId='), { assigneeId: { type: 'int', nullable: true } });
    assert.deepEqual(params, { assigneeId: null });
  });

  test('names matched by the dynamic matcher pass through raw', () => {
    const { dynamic } = parseParams(new URLSearchParams('customField_3[]=1&customField_3[]=2'), {}, (n) => n.startsWith('customField_'));
    assert.deepEqual(dynamic.get('customField_3[]'), ['1', '2']);
  });
});
