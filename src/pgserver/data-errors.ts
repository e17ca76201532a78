/**
 * PostgreSQL's SQLSTATE for data-engine errors the library reports generically (42000): DuckDB's
 * "Overflow in multiplication of INT32", "Out of Range Error…" are PostgreSQL's 22003
 * (numeric_value_out_of_range) and a division by zero is 22012, so a client that handles those
 * codes handles them here too.
 */
export function pgDataSqlstate(code: string, message: string): string {
  if (code !== '42000') return code;
  if (/\boverflow\b|out of range/i.test(message)) return '22003';
  if (/division by zero|divide by zero/i.test(message)) return '22012';
  return code;
}
