/** Exit codes of the `backlog-sql` command (ARCHITECTURE.md §2). */
export const ExitCode = {
  Ok: 0,
  SqlError: 1,
  Usage: 2,
  Authentication: 3,
  ApiOrNetwork: 4,
  RateLimit: 5,
  WritePartlyDone: 6,
  Interrupted: 130,
} as const;
