/** A mistake in the command line: one line on stderr, the hint to --help, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
