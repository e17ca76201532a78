/**
 * A process of the temp-folder test: connects (library, external access on), prints DuckDB's
 * temp folder, then exits normally or — with CHILD_CRASH set — is killed before any cleanup.
 */
import { connect } from '../../src/core/connection.js';

const conn = await connect(`URL=${process.env.CHILD_URL};ApiKey=${process.env.CHILD_KEY}`);
const r = await conn.query("SELECT current_setting('temp_directory') AS dir");
process.stdout.write(`${String((r.rows[0] as { dir: string }).dir)}\n`);
if (process.env.CHILD_CRASH) process.kill(process.pid, 'SIGKILL');
