#!/usr/bin/env node
// The `backlog-sql` command. The code lives in dist/ (built by `npm install` through the
// `prepare` script, or `npm run build`).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`backlog-sql: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
