/**
 * Output formats of the CLI (ARCHITECTURE.md §2): `table` (aligned like psql, for people), `csv` (RFC 4180),
 * `json` (one array of row objects) and `ndjson` (one object per line). Timestamps are ISO 8601
 * in the data formats; the table shows them in the space's time zone, which is how Backlog's own
 * screens show them.
 */
import type { QueryColumn } from '../core/connection.js';

export const FORMATS = ['table', 'csv', 'json', 'ndjson'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

export interface ResultLike {
  columns: readonly QueryColumn[];
  rows: readonly Record<string, unknown>[] | readonly unknown[][];
}

export interface FormatOptions {
  /** IANA zone for timestamps in the table format (default UTC). */
  timeZone?: string;
  /** The "(N rows)" line under a table (default true). */
  footer?: boolean;
  /** A title line above a table (psql's `\d` shows one). */
  title?: string;
}

/** The values of a row in column order, for object rows and array rows alike. */
function cells(row: Record<string, unknown> | unknown[], columns: readonly QueryColumn[]): unknown[] {
  if (Array.isArray(row)) return row;
  return columns.map((c) => row[c.name]);
}

export function formatResult(result: ResultLike, format: Format, options: FormatOptions = {}): string {
  switch (format) {
    case 'table':
      return formatTable(result, options);
    case 'csv':
      return formatCsv(result);
    case 'json':
      return formatJson(result);
    case 'ndjson':
      return formatNdjson(result);
  }
}

// ---- JSON -------------------------------------------------------------------------------------

/** BigInt has no JSON form; DuckDB's unsafe integers arrive as strings already, this is a guard. */
function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function rowObject(row: Record<string, unknown> | unknown[], columns: readonly QueryColumn[]): Record<string, unknown> {
  const values = cells(row, columns);
  // Keys in column order; Dates become ISO 8601 through their toJSON.
  return Object.fromEntries(columns.map((c, i) => [c.name, values[i] ?? null]));
}

export function formatJson(result: ResultLike): string {
  if (result.rows.length === 0) return '[]\n';
  const lines = result.rows.map((r) => JSON.stringify(rowObject(r, result.columns), jsonReplacer));
  return `[\n${lines.join(',\n')}\n]\n`;
}

export function formatNdjson(result: ResultLike): string {
  return result.rows.map((r) => JSON.stringify(rowObject(r, result.columns), jsonReplacer) + '\n').join('');
}

// ---- CSV --------------------------------------------------------------------------------------

function csvText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value, jsonReplacer);
  return String(value);
}

/** RFC 4180: CRLF records; a field with a comma, quote, CR or LF is quoted, quotes doubled. */
function csvField(value: unknown): string {
  const text = csvText(value);
  // NULL is an empty field, the empty string a quoted empty field, so the two stay apart (as psql's CSV does).
  if (text === undefined) return '';
  if (text === '' || /[",\r\n]/.test(text)) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

export function formatCsv(result: ResultLike): string {
  if (result.columns.length === 0) return '';
  const lines = [result.columns.map((c) => csvField(c.name)).join(',')];
  for (const row of result.rows) lines.push(cells(row, result.columns).map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}

// ---- table ------------------------------------------------------------------------------------

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL|NUMERIC)\b/i;

/** Terminal columns a code point takes: 2 for East Asian wide and full-width, 0 for combining marks. */
function codePointWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200b || cp === 0x200c || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Width of a string on a terminal (Japanese text takes two columns a character). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += codePointWidth(ch.codePointAt(0) as number);
  return width;
}

/**
 * Backlog text is user input: control characters (an ESC could drive the terminal) are shown as
 * escapes, tabs as a space, so every cell is inert and keeps its width.
 */
function inert(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\t/g, ' ').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = zoneFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    zoneFormatters.set(timeZone, f);
  }
  return f;
}

/** `2024-05-01 10:00:00+09:00`: the wall-clock time in `timeZone` with its offset. */
export function formatTimestamp(d: Date, timeZone = 'UTC'): string {
  if (Number.isNaN(d.getTime())) return 'invalid date';
  const parts = Object.fromEntries(
    zoneFormatter(timeZone)
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  const second = Number(parts.second);
  const ms = d.getUTCMilliseconds();
  const offsetMinutes = Math.round((Date.UTC(year, month - 1, day, hour, minute, second, ms) - d.getTime()) / 60000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const fraction = ms ? `.${pad(ms, 3)}` : '';
  return `${pad(year, 4)}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}:${pad(second)}${fraction}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function tableText(value: unknown, timeZone: string | undefined): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return formatTimestamp(value, timeZone);
  if (typeof value === 'object') return inert(JSON.stringify(value, jsonReplacer));
  return inert(String(value));
}

function pad(text: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
}

/**
 * psql's aligned format: a centred header, `-+-` rule, numbers right-aligned, text left-aligned,
 * NULL as an empty cell, multi-line values continued on the next line with `+` at the cell's end,
 * and "(N rows)".
 */
export function formatTable(result: ResultLike, options: FormatOptions = {}): string {
  const { columns } = result;
  const out: string[] = [];
  if (options.title !== undefined) out.push(options.title);
  if (columns.length > 0) {
    const right = columns.map((c) => NUMERIC.test(c.type));
    const body = result.rows.map((r) => cells(r, columns).map((v) => tableText(v, options.timeZone).replace(/\r\n?/g, '\n').split('\n')));
    const headers = columns.map((c) => inert(c.name));
    const widths = headers.map((h, i) => Math.max(displayWidth(h), ...body.map((row) => Math.max(...(row[i] ?? ['']).map(displayWidth)))));
    const line = (parts: string[], last: boolean[]) =>
      parts
        .map((p, i) => ` ${p}${last[i] === false ? '+' : ' '}`)
        .join('|')
        .trimEnd();
    out.push(
      line(
        headers.map((h, i) => {
          const w = widths[i] as number;
          const left = Math.floor((w - displayWidth(h)) / 2);
          return pad(' '.repeat(left) + h, w, false);
        }),
        headers.map(() => true),
      ),
    );
    out.push(widths.map((w) => '-'.repeat(w + 2)).join('+'));
    for (const row of body) {
      const height = Math.max(1, ...row.map((c) => c.length));
      for (let k = 0; k < height; k++) {
        out.push(
          line(
            row.map((c, i) => pad(c[k] ?? '', widths[i] as number, (right[i] as boolean) && c.length === 1)),
            row.map((c) => k >= c.length - 1),
          ),
        );
      }
    }
  }
  if (options.footer !== false) out.push(`(${result.rows.length} ${result.rows.length === 1 ? 'row' : 'rows'})`);
  return out.join('\n') + '\n';
}
