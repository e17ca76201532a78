/**
 * The library process of the cross-process budget test: `CHILD_QUERIES` queries of one read
 * request each, four at a time, on the connection in CHILD_CONNECTION. Prints "ok N".
 */
import { connect } from '../../src/core/connection.js';

const db = await connect(String(process.env.CHILD_CONNECTION));
const total = Number(process.env.CHILD_QUERIES ?? 50);
let next = 0;
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (next < total) {
      next++;
      await db.query('SELECT Id, Name FROM Priorities');
    }
  }),
);
await db.close();
process.stdout.write(`ok ${total}\n`);
