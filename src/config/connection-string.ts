/**
 * Parses a CData-style connection string: `Key=Value;Key2="quoted; value";…`, optionally after a
 * `jdbc:backlog:` prefix (docs/cdata-driver.md §1). Values may be single- or double-quoted, a
 * doubled quote inside is a literal quote; unquoted values run to the next `;` and are trimmed.
 *
 * Only the syntax is checked here: names are returned as written (resolve.ts matches them against
 * the catalog). Error messages never quote a value, since any value may be a secret; they locate
 * the problem by entry number and, when known, the property name.
 */
import { ConfigError } from '../errors.js';

export interface ConnectionStringEntry {
  /** The name as written (trimmed). */
  name: string;
  value: string;
  /** 1-based position of the entry, for messages. */
  index: number;
  /** The value was written in quotes (so `;` and `=` inside it are meant). */
  quoted: boolean;
}

const JDBC_PREFIX = 'jdbc:backlog:';

const FORM_HINT =
  'Write the connection string as Name=Value pairs separated by ";", e.g. URL=https://myspace.backlog.com;ApiKey=…, and quote values that contain ";".';

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

/** Splits a connection string into its entries, in order (duplicates are resolve.ts's concern). */
export function parseConnectionString(input: string): ConnectionStringEntry[] {
  let text = input.trimStart();
  if (text.slice(0, JDBC_PREFIX.length).toLowerCase() === JDBC_PREFIX) text = text.slice(JDBC_PREFIX.length);

  const entries: ConnectionStringEntry[] = [];
  let i = 0;
  let index = 0;
  while (i < text.length) {
    while (i < text.length && (isSpace(text[i]) || text[i] === ';')) i++;
    if (i >= text.length) break;
    index++;

    const nameStart = i;
    while (i < text.length && text[i] !== '=' && text[i] !== ';') i++;
    const name = text.slice(nameStart, i).trim();
    if (text[i] !== '=') {
      throw new ConfigError(`the ${ordinal(index)} entry of the connection string has no "="`, undefined, { hint: FORM_HINT });
    }
    if (name === '') {
      throw new ConfigError(`the ${ordinal(index)} entry of the connection string has no property name before "="`, undefined, { hint: FORM_HINT });
    }
    i++; // past '='
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;

    let value: string;
    const quote = text[i];
    const quoted = quote === '"' || quote === "'";
    if (quote === '"' || quote === "'") {
      i++;
      let out = '';
      let closed = false;
      while (i < text.length) {
        const c = text[i] as string;
        if (c === quote) {
          if (text[i + 1] === quote) {
            out += quote;
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        out += c;
        i++;
      }
      if (!closed) {
        throw new ConfigError(`the value of ${name} opens a ${quote === '"' ? 'double' : 'single'} quote that is never closed`, name, {
          hint: `End the value with ${quote}; write a ${quote} inside the value as ${quote}${quote}.`,
        });
      }
      while (i < text.length && isSpace(text[i])) i++;
      if (i < text.length && text[i] !== ';') {
        throw new ConfigError(`unexpected text after the quoted value of ${name}`, name, {
          hint: `Put ";" after the closing ${quote}, or write a ${quote} inside the value as ${quote}${quote}.`,
        });
      }
      value = out;
    } else {
      const valueStart = i;
      while (i < text.length && text[i] !== ';') i++;
      value = text.slice(valueStart, i).trim();
    }
    entries.push({ name, value, index, quoted });
  }
  return entries;
}

/** Quotes a value for a connection string when it needs it (the inverse of the parser). */
export function quoteConnectionValue(value: string): string {
  if (value === '' || /[;"'=\s]/.test(value) || value !== value.trim()) return `"${value.replaceAll('"', '""')}"`;
  return value;
}
