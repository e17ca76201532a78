import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { displayWidth, formatCsv, formatJson, formatNdjson, formatTable, formatTimestamp } from '../../../src/cli/format.js';

const result = {
  columns: [
    { name: 'Id', type: 'BIGINT' },
    { name: 'Summary', type: 'VARCHAR' },
    { name: 'Updated', type: 'TIMESTAMPTZ' },
  ],
  rows: [
    { Id: 1, Summary: 'Fix, "quoted"', Updated: new Date('2024-05-01T01:00:00Z') },
    { Id: 12, Summary: null, Updated: null },
  ],
};

describe('output formats', () => {
  test('table aligns like psql: centred headers, numbers right, NULL empty, row count', () => {
    assert.equal(
      formatTable(result, { timeZone: 'Asia/Tokyo' }),
      [
        ' Id |    Summary    |          Updated',
        '----+---------------+---------------------------',
        '  1 | Fix, "quoted" | 2024-05-01 10:00:00+09:00',
        ' 12 |               |',
        '(2 rows)',
        '',
      ].join('\n'),
    );
  });

  test('table counts Japanese characters as two columns and continues multi-line values with +', () => {
    const text = formatTable({
      columns: [
        { name: 'a', type: 'VARCHAR' },
        { name: 'b', type: 'VARCHAR' },
      ],
      rows: [['課題', 'x\ny']],
    });
    assert.equal(text, ['  a   | b', '------+---', ' 課題 | x+', '      | y', '(1 row)', ''].join('\n'));
  });

  test('table shows control characters as escapes so data cannot drive the terminal', () => {
    assert.match(formatTable({ columns: [{ name: 'a', type: 'VARCHAR' }], rows: [['\x1b[31mred']] }), /\\x1b\[31mred/);
  });

  test('csv follows RFC 4180: CRLF, quotes doubled, NULL empty and the empty string quoted, timestamps ISO 8601', () => {
    assert.equal(formatCsv(result), 'Id,Summary,Updated\r\n1,"Fix, ""quoted""",2024-05-01T01:00:00.000Z\r\n12,,\r\n');
    assert.equal(formatCsv({ columns: [{ name: 'a', type: 'VARCHAR' }], rows: [[''], ['line\nbreak']] }), 'a\r\n""\r\n"line\nbreak"\r\n');
  });

  test('json is one array of row objects with ISO 8601 timestamps; ndjson is one object a line', () => {
    const parsed = JSON.parse(formatJson(result)) as unknown[];
    assert.deepEqual(parsed, [
      { Id: 1, Summary: 'Fix, "quoted"', Updated: '2024-05-01T01:00:00.000Z' },
      { Id: 12, Summary: null, Updated: null },
    ]);
    assert.equal(formatJson({ columns: result.columns, rows: [] }), '[]\n');
    const lines = formatNdjson(result).trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.deepEqual(JSON.parse(lines[0] as string), parsed[0]);
  });

  test('array rows format the same as object rows', () => {
    const arrays = { columns: result.columns, rows: result.rows.map((r) => [r.Id, r.Summary, r.Updated]) };
    assert.equal(formatCsv(arrays), formatCsv(result));
    assert.equal(formatJson(arrays), formatJson(result));
  });

  test('timestamps in the table use the space time zone, west of UTC too', () => {
    assert.equal(formatTimestamp(new Date('2024-03-10T12:00:00.250Z'), 'America/Los_Angeles'), '2024-03-10 05:00:00.250-07:00');
    assert.equal(formatTimestamp(new Date('2024-01-01T00:00:00Z')), '2024-01-01 00:00:00+00:00');
  });

  test('display width counts wide characters twice and combining marks not at all', () => {
    assert.equal(displayWidth('abc'), 3);
    assert.equal(displayWidth('課題A'), 5);
    assert.equal(displayWidth('e\u0301'), 1);
  });
});
