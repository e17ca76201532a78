/** The PostgreSQL wire-protocol server (`backlog-sql serve`). */
export { serve, isLoopback, SERVE_DEFAULTS, type ServeOptions, type PgServer } from './server.js';
export { makeVerifier, formatVerifier, parseUsers, readUsersFile, SCRAM_ITERATIONS, type UserStore, type Verifier } from './scram.js';
