/**
 * The wire formats of values, checked against the bytes PostgreSQL itself sends (binary) and
 * prints (text), and the parsing of Bind parameters.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeParam, encodeBinary, encodeText, OID, pgTypeOf } from '../../src/pgserver/pgtypes.js';
import { arrayParameterPositions } from '../../src/pgserver/arrays.js';
import { chatter, parameterCount, splitStatements, stripPublicSchema } from '../../src/pgserver/statements.js';

const hex = (b: Buffer) => b.toString('hex');

test('column types map to PostgreSQL OIDs, numeric with its typmod', () => {
  assert.equal(pgTypeOf('BIGINT').oid, OID.int8);
  assert.equal(pgTypeOf('INTEGER').oid, OID.int4);
  assert.equal(pgTypeOf('VARCHAR').oid, OID.varchar);
  assert.equal(pgTypeOf('BOOLEAN').oid, OID.bool);
  assert.equal(pgTypeOf('DOUBLE').oid, OID.float8);
  assert.equal(pgTypeOf('DATE').oid, OID.date);
  assert.equal(pgTypeOf('TIMESTAMPTZ').oid, OID.timestamptz);
  assert.equal(pgTypeOf('TIMESTAMP').oid, OID.timestamp);
  assert.equal(pgTypeOf('HUGEINT').oid, OID.numeric);
  assert.equal(pgTypeOf('VARCHAR[]').oid, OID.text);
  assert.deepEqual(pgTypeOf('DECIMAL(18,2)'), { oid: OID.numeric, size: -1, modifier: ((18 << 16) | 2) + 4, scale: 2 });
});

test('binary values are the bytes PostgreSQL sends', () => {
  assert.equal(hex(encodeBinary(1, pgTypeOf('BIGINT'))), '0000000000000001');
  assert.equal(hex(encodeBinary(-2, pgTypeOf('INTEGER'))), 'fffffffe');
  assert.equal(hex(encodeBinary(true, pgTypeOf('BOOLEAN'))), '01');
  assert.equal(hex(encodeBinary(1.5, pgTypeOf('DOUBLE'))), '3ff8000000000000');
  assert.equal(hex(encodeBinary('2024-01-02', pgTypeOf('DATE'))), '0000223f');
  // 2000-01-01 00:00:01.5 UTC = 1,500,000 µs after PostgreSQL's epoch.
  assert.equal(hex(encodeBinary(new Date('2000-01-01T00:00:01.500Z'), pgTypeOf('TIMESTAMPTZ'))), '000000000016e360');
  const dec = pgTypeOf('DECIMAL(18,2)');
  assert.equal(hex(encodeBinary(12.5, dec)), '000200000000000200' + '0c1388');
  assert.equal(hex(encodeBinary(-0.05, dec)), '0001ffff4000000201f4');
  assert.equal(hex(encodeBinary(123456789.01, dec)), '0004000200000002000109291a850064');
  assert.equal(hex(encodeBinary(0, dec)), '0000000000000002');
  assert.equal(hex(encodeBinary('10000', pgTypeOf('HUGEINT'))), '0001000100000000' + '0001');
});

test('text values are what PostgreSQL prints with DateStyle ISO and TimeZone UTC', () => {
  assert.equal(encodeText(true, pgTypeOf('BOOLEAN')), 't');
  assert.equal(encodeText(12.5, pgTypeOf('DECIMAL(18,2)')), '12.50');
  assert.equal(encodeText(new Date('2024-11-18T06:28:33Z'), pgTypeOf('TIMESTAMPTZ')), '2024-11-18 06:28:33+00');
  assert.equal(encodeText(new Date('2024-11-18T06:28:33.120Z'), pgTypeOf('TIMESTAMP')), '2024-11-18 06:28:33.12');
  assert.equal(encodeText(['a', 'b'], pgTypeOf('VARCHAR[]')), '["a","b"]');
  assert.equal(encodeText(Infinity, pgTypeOf('DOUBLE')), 'Infinity');
});

test('Bind parameters in text and binary format become library values', () => {
  assert.equal(decodeParam(Buffer.from('42'), 0, false), '42');
  assert.equal(decodeParam(Buffer.from('42'), OID.int8, false), 42);
  assert.equal(decodeParam(Buffer.from('0000000000000007', 'hex'), OID.int8, true), 7);
  assert.equal(decodeParam(Buffer.from('00000005', 'hex'), OID.int4, true), 5);
  assert.equal(decodeParam(Buffer.from('01', 'hex'), OID.bool, true), true);
  assert.equal(decodeParam(Buffer.from('0000223f', 'hex'), OID.date, true), '2024-01-02');
  assert.equal(decodeParam(Buffer.from('0004000200000002000109291a850064', 'hex'), OID.numeric, true), '123456789.01');
  assert.equal(decodeParam(Buffer.from('0001ffff4000000201f4', 'hex'), OID.numeric, true), '-0.05');
  assert.equal(decodeParam(null, OID.text, false), null);
});

test('a simple query splits into statements outside literals and comments, with their offsets', () => {
  assert.deepEqual(splitStatements("SELECT ';' AS a; -- x;\n SELECT 2;;"), [
    { sql: "SELECT ';' AS a", offset: 0 },
    { sql: '-- x;\n SELECT 2', offset: 17 },
  ]);
  assert.deepEqual(splitStatements(' ; -- only a comment'), []);
  assert.equal(parameterCount("SELECT $1, '$5', $2"), 2);
  assert.equal(
    stripPublicSchema('SELECT * FROM public."Issues" p JOIN "public".Projects ON x = \'public.y\''),
    'SELECT * FROM "Issues" p JOIN Projects ON x = \'public.y\'',
  );
});

test('session chatter is recognised; queries are not', () => {
  assert.deepEqual(chatter("SET application_name = 'psql'"), { kind: 'set', name: 'application_name', value: 'psql' });
  assert.deepEqual(chatter('SET TIME ZONE UTC'), { kind: 'set', name: 'TimeZone', value: 'UTC' });
  assert.deepEqual(chatter('SHOW TRANSACTION ISOLATION LEVEL'), { kind: 'show', name: 'transaction_isolation' });
  assert.deepEqual(chatter('begin'), { kind: 'begin', tag: 'BEGIN' });
  assert.equal(chatter('SHOW TABLES'), undefined);
  assert.equal(chatter('SELECT 1'), undefined);
});

test('array parameters: text and binary int8[]/text[], NULLs, quoting; untyped {…} only where used as an array', () => {
  assert.deepEqual(decodeParam(Buffer.from('{1,2,3}'), 1016, false), [1, 2, 3]);
  assert.deepEqual(decodeParam(Buffer.from('{"a b","c\\"d",NULL,"NULL"}'), 1009, false), ['a b', 'c"d', null, 'NULL']);
  assert.deepEqual(decodeParam(Buffer.from('{}'), 1007, false), []);
  // Binary int8[]: ndim 1, no nulls, element oid 20, length 2, lbound 1, then (len, value) pairs.
  const bin = Buffer.alloc(20 + 2 * 12);
  bin.writeInt32BE(1, 0);
  bin.writeInt32BE(0, 4);
  bin.writeInt32BE(20, 8);
  bin.writeInt32BE(2, 12);
  bin.writeInt32BE(1, 16);
  bin.writeInt32BE(8, 20);
  bin.writeBigInt64BE(7n, 24);
  bin.writeInt32BE(8, 32);
  bin.writeBigInt64BE(9n, 36);
  assert.deepEqual(decodeParam(bin, 1016, true), [7, 9]);
  assert.deepEqual(decodeParam(Buffer.from('{"1","2"}'), 0, false, true), [1, 2]);
  assert.deepEqual(decodeParam(Buffer.from('{"WEB-1","WEB-2"}'), 0, false, true), ['WEB-1', 'WEB-2']);
  assert.equal(decodeParam(Buffer.from('{"1","2"}'), 0, false), '{"1","2"}');
  assert.throws(() => decodeParam(Buffer.from('{{1},{2}}'), 1016, false), /one dimension/);
  assert.deepEqual([...arrayParameterPositions("SELECT 1 WHERE a = ANY($2) AND b IN (SELECT unnest( $1 )) AND c = 'ANY($3)'")].sort(), [1, 2]);
});
