// The typed options object of connect() must offer exactly the properties the driver knows:
// a property added to config/properties.ts without its key in ConnectionProperties would be a
// compile error for TypeScript users who pass it as an object.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PROPERTIES } from '../../../src/config/properties.js';

test('ConnectionProperties has one key per connection property, with its CData spelling', () => {
  const source = readFileSync(new URL('../../../src/config/options.ts', import.meta.url), 'utf8');
  const body = source.slice(source.indexOf('export interface ConnectionProperties'));
  const keys = [...body.matchAll(/^\s{2}([A-Za-z]+)\?:/gm)].map((m) => m[1]);
  assert.deepEqual([...keys].sort(), PROPERTIES.map((p) => p.name).sort());
});
