/**
 * A second process using the cache (./processes.test.ts): connects with the connection string in
 * CHILD_CONNECTION, runs CHILD_SQL CHILD_TIMES times and prints each answer's rows as one JSON line.
 */
import { connect } from '../../src/index.js';

const db = await connect(process.env.CHILD_CONNECTION ?? '');
try {
  for (let i = 0; i < Number(process.env.CHILD_TIMES ?? 1); i++) {
    const r = await db.query(process.env.CHILD_SQL ?? 'SELECT 1');
    process.stdout.write(`${JSON.stringify(r.rows, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : v))}\n`);
  }
} finally {
  await db.close();
}
