/**
 * CData's SQL functions (docs/cdata-driver.md §6.7) as data: for each function of CData's list,
 * how it runs here — a DuckDB macro of ours (`macro`), DuckDB's own function of the same name and
 * meaning (`duckdb`), DuckDB's own function of the same name with another meaning, which stays
 * (`duckdb-differs`), a rewrite of the call before DuckDB parses it (`rewrite`, ./function-rewrites.ts),
 * or not available (`unavailable`) — with CData's documented example and result.
 *
 * Macros are created once per DuckDB instance (./install-functions.ts), in the main schema, so the
 * wire server's clients call them too (they may not redefine them: src/pgserver/policy.ts refuses
 * every CREATE / DROP). A macro never takes the name of a DuckDB function whose meaning differs;
 * the two that add an arity DuckDB lacks (ROUND's third argument, SPLIT's third argument) keep
 * DuckDB's arities by calling `system.main.<name>` for them.
 *
 * CData reads every function argument as text or a column ("DATENAME('yy', GETDATE())"), and its
 * date functions read US dates ('04/15/2000', '02-02-2020') as well as ISO ones: the macros below
 * parse both through `cdata_timestamp`.
 */

export type FunctionCategory = 'string' | 'date' | 'math' | 'conversion' | 'aggregate';

export type FunctionKind = 'macro' | 'duckdb' | 'duckdb-differs' | 'rewrite' | 'unavailable';

/** One overload of a macro: parameter names and the body (a DuckDB expression over them). */
export interface MacroOverload {
  params: readonly string[];
  body: string;
}

export interface CdataExample {
  /** The statement as CData's documentation writes it (fixed only where the page has a typo, see `note`). */
  sql: string;
  /** CData's documented result, as the page prints it. */
  result: string | number | null;
  /** Our result where it differs from CData's documented one (the function's `difference` says why). */
  here?: string | number;
  note?: string;
}

export interface CdataFunction {
  /** The name as CData writes it. */
  name: string;
  category: FunctionCategory;
  kind: FunctionKind;
  /** CData's signature, for the docs. */
  signature: string;
  /** For `macro`: the overloads (the macro is named `name`, lower case). */
  macro?: readonly MacroOverload[];
  /** What differs from CData's function, for README's table (required unless the function is the same). */
  difference?: string;
  examples: readonly CdataExample[];
}

/** Helper macros the functions use (not CData functions; named so they cannot collide with either). */
export const HELPER_MACROS: readonly { name: string; overloads: readonly MacroOverload[] }[] = [
  {
    // A value CData would read as a date or time: a DATE, TIMESTAMP or TIMESTAMPTZ as it is (in
    // the session's time zone, the space's), text as ISO 8601 or as CData's US forms.
    name: 'cdata_timestamp',
    overloads: [
      {
        params: ['v'],
        body: `coalesce(TRY_CAST(v AS TIMESTAMP), try_strptime(CAST(v AS VARCHAR), ['%m/%d/%Y', '%m-%d-%Y', '%m/%d/%Y %H:%M:%S', '%m-%d-%Y %H:%M:%S', '%m/%d/%Y %I:%M:%S %p', '%m-%d-%Y %I:%M:%S %p', '%Y/%m/%d', '%Y%m%d', '%Y/%m/%d %H:%M:%S']))`,
      },
    ],
  },
  { name: 'cdata_date', overloads: [{ params: ['v'], body: 'CAST(cdata_timestamp(v) AS DATE)' }] },
  {
    // CData's date part names and abbreviations (DATEADD, DATENAME) → one canonical name.
    name: 'cdata_datepart',
    overloads: [
      {
        params: ['p'],
        body: `CASE
          WHEN lower(p) IN ('year', 'yy', 'yyyy') THEN 'year'
          WHEN lower(p) IN ('quarter', 'qq', 'q') THEN 'quarter'
          WHEN lower(p) IN ('month', 'mm', 'm') THEN 'month'
          WHEN lower(p) IN ('dayofyear', 'dy', 'y') THEN 'dayofyear'
          WHEN lower(p) IN ('day', 'dd', 'd') THEN 'day'
          WHEN lower(p) IN ('week', 'wk', 'ww') THEN 'week'
          WHEN lower(p) IN ('weekday', 'dw') THEN 'weekday'
          WHEN lower(p) IN ('hour', 'hh') THEN 'hour'
          WHEN lower(p) IN ('minute', 'mi', 'n') THEN 'minute'
          WHEN lower(p) IN ('second', 'ss', 's') THEN 'second'
          WHEN lower(p) IN ('millisecond', 'ms') THEN 'millisecond'
          WHEN lower(p) IN ('microsecond', 'mcs') THEN 'microsecond'
          WHEN lower(p) IN ('nanosecond', 'ns') THEN 'nanosecond'
          WHEN lower(p) IN ('tzoffset', 'tz') THEN 'tzoffset'
          ELSE error('unknown date part ''' || p || ''': use year (yy), quarter (qq), month (mm), dayofyear (dy), day (dd), week (wk), weekday (dw), hour (hh), minute (mi), second (ss) or millisecond (ms)')
        END`,
      },
    ],
  },
  {
    // DATEADD's arithmetic (DATEADD itself adds the optional output format).
    name: 'cdata_dateadd',
    overloads: [
      {
        params: ['part', 'n', 'd'],
        body: `CASE cdata_datepart(part)
          WHEN 'year' THEN cdata_timestamp(d) + to_years(CAST(n AS INTEGER))
          WHEN 'quarter' THEN cdata_timestamp(d) + to_months(3 * CAST(n AS INTEGER))
          WHEN 'month' THEN cdata_timestamp(d) + to_months(CAST(n AS INTEGER))
          WHEN 'week' THEN cdata_timestamp(d) + to_days(7 * CAST(n AS INTEGER))
          WHEN 'hour' THEN cdata_timestamp(d) + to_hours(CAST(n AS BIGINT))
          WHEN 'minute' THEN cdata_timestamp(d) + to_minutes(CAST(n AS BIGINT))
          WHEN 'second' THEN cdata_timestamp(d) + to_seconds(CAST(n AS DOUBLE))
          WHEN 'millisecond' THEN cdata_timestamp(d) + to_milliseconds(CAST(n AS DOUBLE))
          WHEN 'microsecond' THEN cdata_timestamp(d) + to_microseconds(CAST(n AS BIGINT))
          WHEN 'tzoffset' THEN error('DATEADD cannot add a tzoffset')
          ELSE cdata_timestamp(d) + to_days(CAST(n AS INTEGER)) END`,
      },
    ],
  },
  {
    // A .NET date format (CData's: yyyy-MM-dd HH:mm:ss) → strftime's. Tokens become private-use
    // characters first, so that one token's output is never read as another token.
    name: 'cdata_dotnet_format',
    overloads: [
      {
        params: ['f'],
        body: `replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
          replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(f,
          'yyyy', '\uE001'), 'yy', '\uE002'), 'MMMM', '\uE003'), 'MMM', '\uE004'), 'MM', '\uE005'), 'M', '\uE006'),
          'dddd', '\uE007'), 'ddd', '\uE008'), 'dd', '\uE009'), 'd', '\uE00A'), 'HH', '\uE00B'), 'H', '\uE00C'),
          'hh', '\uE00D'), 'h', '\uE00E'), 'mm', '\uE00F'), 'm', '\uE010'), 'ss', '\uE011'), 'fff', '\uE012'),
          '\uE001', '%Y'), '\uE002', '%y'), '\uE003', '%B'), '\uE004', '%b'), '\uE005', '%m'), '\uE006', '%-m'),
          '\uE007', '%A'), '\uE008', '%a'), '\uE009', '%d'), '\uE00A', '%-d'), '\uE00B', '%H'), '\uE00C', '%-H'),
          '\uE00D', '%I'), '\uE00E', '%-I'), '\uE00F', '%M'), '\uE010', '%-M'), '\uE011', '%S'), '\uE012', '%g')`,
      },
    ],
  },
  {
    // CData's JSON array selectors: '$.a.b[x]' (every element), '[2..]', '[..8]', '[1..12]', '[3]'
    // (0-based, both ends included) → the selected numbers.
    name: 'cdata_json_numbers',
    overloads: [
      {
        params: ['j', 'p'],
        body: `(CAST(json_extract(j, regexp_extract(p, '^(.*)\\[[^\\]]*\\]$', 1)) AS DOUBLE[]))[
          CASE WHEN regexp_extract(p, '\\[([^\\]]*)\\]$', 1) = 'x' THEN 1
               WHEN regexp_extract(p, '\\[([^\\]]*)\\]$', 1) LIKE '%..%' THEN coalesce(TRY_CAST(split_part(regexp_extract(p, '\\[([^\\]]*)\\]$', 1), '..', 1) AS INTEGER), 0) + 1
               ELSE CAST(regexp_extract(p, '\\[([^\\]]*)\\]$', 1) AS INTEGER) + 1 END
          :
          CASE WHEN regexp_extract(p, '\\[([^\\]]*)\\]$', 1) = 'x' THEN -1
               WHEN regexp_extract(p, '\\[([^\\]]*)\\]$', 1) LIKE '%..%' THEN coalesce(TRY_CAST(split_part(regexp_extract(p, '\\[([^\\]]*)\\]$', 1), '..', 2) AS INTEGER) + 1, -1)
               ELSE CAST(regexp_extract(p, '\\[([^\\]]*)\\]$', 1) AS INTEGER) + 1 END]`,
      },
    ],
  },
  {
    // The two ends of a CData date literal range (L_THIS_WEEK(), L_LAST_N_DAYS(3)…), weeks from
    // Sunday as CData's FDWEEK counts them. `which` is 'lo' or 'hi'.
    name: 'cdata_date_range',
    overloads: [
      {
        params: ['fn', 'n', 'which'],
        body: `CASE upper(regexp_replace(fn, '^L_', '', 'i'))
          WHEN 'TODAY' THEN current_date
          WHEN 'YESTERDAY' THEN current_date - 1
          WHEN 'TOMORROW' THEN current_date + 1
          WHEN 'LAST_WEEK' THEN CASE which WHEN 'lo' THEN current_date - CAST(dayofweek(current_date) AS INTEGER) - 7 ELSE current_date - CAST(dayofweek(current_date) AS INTEGER) - 1 END
          WHEN 'THIS_WEEK' THEN CASE which WHEN 'lo' THEN current_date - CAST(dayofweek(current_date) AS INTEGER) ELSE current_date - CAST(dayofweek(current_date) AS INTEGER) + 6 END
          WHEN 'NEXT_WEEK' THEN CASE which WHEN 'lo' THEN current_date - CAST(dayofweek(current_date) AS INTEGER) + 7 ELSE current_date - CAST(dayofweek(current_date) AS INTEGER) + 13 END
          WHEN 'LAST_MONTH' THEN CASE which WHEN 'lo' THEN CAST(date_trunc('month', current_date) - INTERVAL 1 MONTH AS DATE) ELSE CAST(date_trunc('month', current_date) AS DATE) - 1 END
          WHEN 'THIS_MONTH' THEN CASE which WHEN 'lo' THEN CAST(date_trunc('month', current_date) AS DATE) ELSE last_day(current_date) END
          WHEN 'NEXT_MONTH' THEN CASE which WHEN 'lo' THEN CAST(date_trunc('month', current_date) + INTERVAL 1 MONTH AS DATE) ELSE last_day(CAST(date_trunc('month', current_date) + INTERVAL 1 MONTH AS DATE)) END
          WHEN 'LAST_QUARTER' THEN CASE which WHEN 'lo' THEN CAST(date_trunc('quarter', current_date) - INTERVAL 3 MONTH AS DATE) ELSE CAST(date_trunc('quarter', current_date) AS DATE) - 1 END
          WHEN 'THIS_QUARTER' THEN CASE which WHEN 'lo' THEN CAST(date_trunc('quarter', current_date) AS DATE) ELSE CAST(date_trunc('quarter', current_date) + INTERVAL 3 MONTH AS DATE) - 1 END
          WHEN 'NEXT_QUARTER' THEN CASE which WHEN 'lo' THEN CAST(date_trunc('quarter', current_date) + INTERVAL 3 MONTH AS DATE) ELSE CAST(date_trunc('quarter', current_date) + INTERVAL 6 MONTH AS DATE) - 1 END
          WHEN 'LAST_YEAR' THEN CASE which WHEN 'lo' THEN CAST(date_trunc('year', current_date) - INTERVAL 1 YEAR AS DATE) ELSE CAST(date_trunc('year', current_date) AS DATE) - 1 END
          WHEN 'THIS_YEAR' THEN CASE which WHEN 'lo' THEN CAST(date_trunc('year', current_date) AS DATE) ELSE CAST(date_trunc('year', current_date) + INTERVAL 1 YEAR AS DATE) - 1 END
          WHEN 'NEXT_YEAR' THEN CASE which WHEN 'lo' THEN CAST(date_trunc('year', current_date) + INTERVAL 1 YEAR AS DATE) ELSE CAST(date_trunc('year', current_date) + INTERVAL 2 YEAR AS DATE) - 1 END
          WHEN 'LAST_90_DAYS' THEN CASE which WHEN 'lo' THEN current_date - 90 ELSE current_date - 1 END
          WHEN 'NEXT_90_DAYS' THEN CASE which WHEN 'lo' THEN current_date ELSE current_date + 89 END
          WHEN 'LAST_N_DAYS' THEN CASE which WHEN 'lo' THEN current_date - CAST(n AS INTEGER) ELSE current_date - 1 END
          WHEN 'NEXT_N_DAYS' THEN CASE which WHEN 'lo' THEN current_date ELSE current_date + CAST(n AS INTEGER) - 1 END
          WHEN 'LAST_N_WEEKS' THEN CASE which WHEN 'lo' THEN current_date - CAST(dayofweek(current_date) AS INTEGER) - 7 * CAST(n AS INTEGER) ELSE current_date - CAST(dayofweek(current_date) AS INTEGER) - 1 END
          WHEN 'NEXT_N_WEEKS' THEN CASE which WHEN 'lo' THEN current_date - CAST(dayofweek(current_date) AS INTEGER) + 7 ELSE current_date - CAST(dayofweek(current_date) AS INTEGER) + 6 + 7 * CAST(n AS INTEGER) END
          WHEN 'LAST_N_MONTHS' THEN CASE which WHEN 'lo' THEN CAST(date_trunc('month', current_date) - to_months(CAST(n AS INTEGER)) AS DATE) ELSE CAST(date_trunc('month', current_date) AS DATE) - 1 END
          WHEN 'NEXT_N_MONTHS' THEN CASE which WHEN 'lo' THEN CAST(date_trunc('month', current_date) + INTERVAL 1 MONTH AS DATE) ELSE CAST(date_trunc('month', current_date) + to_months(CAST(n AS INTEGER) + 1) AS DATE) - 1 END
          WHEN 'LAST_N_QUARTERS' THEN CASE which WHEN 'lo' THEN CAST(date_trunc('quarter', current_date) - to_months(3 * CAST(n AS INTEGER)) AS DATE) ELSE CAST(date_trunc('quarter', current_date) AS DATE) - 1 END
          WHEN 'NEXT_N_QUARTERS' THEN CASE which WHEN 'lo' THEN CAST(date_trunc('quarter', current_date) + INTERVAL 3 MONTH AS DATE) ELSE CAST(date_trunc('quarter', current_date) + to_months(3 * CAST(n AS INTEGER) + 3) AS DATE) - 1 END
          WHEN 'LAST_N_YEARS' THEN CASE which WHEN 'lo' THEN CAST(date_trunc('year', current_date) - to_years(CAST(n AS INTEGER)) AS DATE) ELSE CAST(date_trunc('year', current_date) AS DATE) - 1 END
          WHEN 'NEXT_N_YEARS' THEN CASE which WHEN 'lo' THEN CAST(date_trunc('year', current_date) + INTERVAL 1 YEAR AS DATE) ELSE CAST(date_trunc('year', current_date) + to_years(CAST(n AS INTEGER) + 1) AS DATE) - 1 END
          ELSE error('unknown date literal function ' || fn)
        END`,
      },
    ],
  },
  {
    // `d <op> L_X(n)` as CData means it: '=' within the range, '<' before it, '>' after it.
    name: 'cdata_date_literal_compare',
    overloads: [
      {
        params: ['d', 'op', 'fn', 'n'],
        body: `CASE op
          WHEN '=' THEN CAST(cdata_timestamp(d) AS DATE) BETWEEN cdata_date_range(fn, n, 'lo') AND cdata_date_range(fn, n, 'hi')
          WHEN '<' THEN CAST(cdata_timestamp(d) AS DATE) < cdata_date_range(fn, n, 'lo')
          WHEN '>' THEN CAST(cdata_timestamp(d) AS DATE) > cdata_date_range(fn, n, 'hi')
          ELSE error('date literal functions compare with =, < or > only (CData supports no other operator)')
        END`,
      },
    ],
  },
  {
    // .NET's System.Random(seed).NextDouble(), which CData's RAND(seed) returns: Knuth's
    // subtractive generator, seeded as .NET seeds it, then one sample.
    name: 'cdata_dotnet_random',
    overloads: [
      {
        params: ['seed'],
        body: `(WITH RECURSIVE
          init(i, mj, mk, arr) AS (
            SELECT 1, 161803398 - abs(CAST(seed AS BIGINT)) % 2147483647, 1::BIGINT,
                   list_transform(range(56), x -> CASE WHEN x = 55 THEN 161803398 - abs(CAST(seed AS BIGINT)) % 2147483647 ELSE 0 END)
            UNION ALL
            SELECT i + 1,
                   mk,
                   CASE WHEN mj - mk < 0 THEN mj - mk + 2147483647 ELSE mj - mk END,
                   list_transform(arr, (x, k) -> CASE WHEN k - 1 = (21 * i) % 55 THEN mk ELSE x END)
            FROM init WHERE i < 55),
          mix(step, arr) AS (
            SELECT 0, (SELECT arr FROM init WHERE i = 55)
            UNION ALL
            SELECT step + 1,
                   list_transform(arr, (x, k) -> CASE WHEN k - 1 = step % 55 + 1
                     THEN CASE WHEN x - arr[1 + (step % 55 + 1 + 30) % 55 + 1] < 0 THEN x - arr[1 + (step % 55 + 1 + 30) % 55 + 1] + 2147483647 ELSE x - arr[1 + (step % 55 + 1 + 30) % 55 + 1] END
                     ELSE x END)
            FROM mix WHERE step < 220)
          SELECT (CASE WHEN arr[2] - arr[23] < 0 THEN arr[2] - arr[23] + 2147483647 ELSE arr[2] - arr[23] END) * (1.0 / 2147483647)
          FROM mix WHERE step = 220)`,
      },
    ],
  },
];

const DOCS = 'https://github.com/CDataSoftware/docs/blob/main/en/SQL-Reference';

/** Where CData documents each category (the same pages as every CData driver's "SQL Functions"). */
export const CATEGORY_SOURCES: Record<FunctionCategory, string> = {
  string: `${DOCS}/String-Functions.mdx`,
  date: `${DOCS}/Date-Functions.mdx`,
  math: `${DOCS}/Math-Functions.mdx`,
  conversion: `${DOCS}/Conversion-Functions.mdx`,
  aggregate: `${DOCS}/Aggregate-Functions.mdx`,
};

const ONE_ZERO = (expr: string) => `CASE WHEN ${expr} THEN 1 ELSE 0 END`;
const US_TEXT =
  "text must be ISO 8601 ('2018-02-01' with a cast: DATE '2018-02-01'); CData's US forms ('04/15/2000') are read only by the functions this table marks as ours";

export const CDATA_FUNCTIONS: readonly CdataFunction[] = [
  // ——— String ———
  { name: 'ASCII', category: 'string', kind: 'duckdb', signature: 'ASCII(character_expression)', examples: [{ sql: "SELECT ASCII('0')", result: 48 }] },
  {
    name: 'CHAR',
    category: 'string',
    kind: 'rewrite',
    signature: 'CHAR(integer_expression)',
    difference: "CHAR is a type name in DuckDB's grammar: a call CHAR(n) is rewritten to chr(n) before DuckDB reads it (not inside CAST(… AS CHAR(n))).",
    examples: [{ sql: 'SELECT CHAR(48)', result: '0' }],
  },
  {
    name: 'CHARINDEX',
    category: 'string',
    kind: 'macro',
    signature: 'CHARINDEX(expressionToFind, expressionToSearch [, start_location])',
    macro: [
      { params: ['f', 's'], body: 'strpos(s, f) - 1' },
      {
        params: ['f', 's', 'start'],
        body: 'CASE WHEN strpos(substr(s, CAST(start AS BIGINT) + 1), f) = 0 THEN -1 ELSE strpos(substr(s, CAST(start AS BIGINT) + 1), f) + CAST(start AS BIGINT) - 1 END',
      },
    ],
    difference: "Counts from 0 and returns -1 when not found, as CData documents (SQL Server's CHARINDEX counts from 1).",
    examples: [
      { sql: "SELECT CHARINDEX('456', '0123456')", result: 4 },
      { sql: "SELECT CHARINDEX('456', '0123456', 5)", result: -1 },
    ],
  },
  {
    name: 'CHAR_LENGTH',
    category: 'string',
    kind: 'duckdb',
    signature: 'CHAR_LENGTH(character_expression)',
    examples: [{ sql: "SELECT CHAR_LENGTH('sample text')", result: 11 }],
  },
  {
    name: 'CONCAT',
    category: 'string',
    kind: 'duckdb',
    signature: 'CONCAT(string_value1, string_value2 [, string_valueN])',
    examples: [{ sql: "SELECT CONCAT('Hello, ', 'world!')", result: 'Hello, world!' }],
  },
  {
    name: 'CONTAINS',
    category: 'string',
    kind: 'duckdb-differs',
    signature: 'CONTAINS(expressionToSearch, expressionToFind)',
    difference: "DuckDB's contains() returns true/false where CData returns 1/0 (the same in WHERE).",
    examples: [
      { sql: "SELECT CONTAINS('0123456', '456')", result: 1 },
      { sql: "SELECT CONTAINS('0123456', 'Not a number')", result: 0 },
    ],
  },
  {
    name: 'ENDSWITH',
    category: 'string',
    kind: 'macro',
    signature: 'ENDSWITH(character_expression, character_suffix)',
    macro: [{ params: ['s', 'x'], body: ONE_ZERO('ends_with(s, x)') }],
    examples: [
      { sql: "SELECT ENDSWITH('0123456', '456')", result: 1 },
      { sql: "SELECT ENDSWITH('0123456', '012')", result: 0 },
    ],
  },
  {
    name: 'FILESIZE',
    category: 'string',
    kind: 'macro',
    signature: 'FILESIZE(uri)',
    macro: [{ params: ['uri'], body: '(SELECT size FROM read_blob(uri))' }],
    difference: 'Reads a local file: refused over the wire server, as every local file is.',
    examples: [{ sql: "SELECT FILESIZE('C:/Users/User1/Desktop/myfile.txt')", result: 23684, note: 'needs that file; the corpus reads a file of its own' }],
  },
  {
    name: 'FORMAT',
    category: 'string',
    kind: 'duckdb-differs',
    signature: 'FORMAT(value [, parseFormat], format)',
    difference:
      "DuckDB's format() is fmt-style (format('{}-{}', a, b)); for CData's .NET date formats use strftime(d, '%Y-%m-%d'), for numbers printf('%.2f', x).",
    examples: [
      { sql: "SELECT FORMAT(12.34, '#')", result: 12 },
      { sql: "SELECT FORMAT('2019/01/01', 'yyyy-MM-dd')", result: '2019-01-01' },
    ],
  },
  {
    name: 'FROM_UNIXTIME',
    category: 'string',
    kind: 'macro',
    signature: 'FROM_UNIXTIME(time, issecond)',
    macro: [
      {
        params: ['t', 'issecond'],
        body: "date_trunc('second', CAST(timezone(current_setting('TimeZone'), to_timestamp(CASE WHEN CAST(issecond AS INTEGER) <> 0 THEN CAST(t AS DOUBLE) ELSE CAST(t AS DOUBLE) / 1000 END)) AS TIMESTAMP))",
      },
    ],
    difference: "The time is in the space's time zone (CData: the machine's), to the second.",
    examples: [
      { sql: 'SELECT FROM_UNIXTIME(1540495231, 1)', result: '2018-10-25 19:20:31', note: "CData's page shows UTC; the corpus runs in a UTC space" },
      { sql: 'SELECT FROM_UNIXTIME(1540495357385, 0)', result: '2018-10-25 19:22:37' },
    ],
  },
  {
    name: 'HASHBYTES',
    category: 'string',
    kind: 'macro',
    signature: 'HASHBYTES(algorithm, value)',
    macro: [
      {
        params: ['alg', 'v'],
        body: "'0x' || upper(CASE upper(alg) WHEN 'MD5' THEN md5(v) WHEN 'SHA1' THEN sha1(v) WHEN 'SHA2_256' THEN sha256(v) ELSE error('HASHBYTES: algorithm ' || alg || ' is not available here: use MD5, SHA1 or SHA2_256') END)",
      },
    ],
    difference: "Returns the hash as text '0x…' (CData: bytes); MD5, SHA1 and SHA2_256 only (no SHA2_512, SHA3_*).",
    examples: [{ sql: "SELECT HASHBYTES('MD5', 'Test')", result: '0x0CBC6611F5540BD0809A388DC95A615B' }],
  },
  {
    name: 'INDEXOF',
    category: 'string',
    kind: 'macro',
    signature: 'INDEXOF(expressionToSearch, expressionToFind [, start_location])',
    macro: [
      { params: ['s', 'f'], body: 'strpos(s, f) - 1' },
      {
        params: ['s', 'f', 'start'],
        body: 'CASE WHEN strpos(substr(s, CAST(start AS BIGINT) + 1), f) = 0 THEN -1 ELSE strpos(substr(s, CAST(start AS BIGINT) + 1), f) + CAST(start AS BIGINT) - 1 END',
      },
    ],
    examples: [
      { sql: "SELECT INDEXOF('0123456', '456')", result: 4 },
      { sql: "SELECT INDEXOF('0123456', '456', 5)", result: -1 },
    ],
  },
  {
    name: 'ISNULL',
    category: 'string',
    kind: 'macro',
    signature: 'ISNULL(check_expression, replacement_value)',
    macro: [{ params: ['v', 'r'], body: 'coalesce(v, r)' }],
    difference:
      "The two values must have a common type (ISNULL(42, 'Was NULL') is an INTEGER 42; ISNULL(NULL, 'Was NULL') is text). `x ISNULL` (no parentheses) stays DuckDB's test for NULL.",
    examples: [
      { sql: "SELECT ISNULL(42, 'Was NULL')", result: 42 },
      { sql: "SELECT ISNULL(NULL, 'Was NULL')", result: 'Was NULL' },
    ],
  },
  ...(['AVG', 'COUNT', 'MAX', 'MIN', 'SUM'] as const).map((agg): CdataFunction => {
    const list = { AVG: 'list_avg', COUNT: 'len', MAX: 'list_max', MIN: 'list_min', SUM: 'list_sum' }[agg];
    const results = { AVG: [3, 3, 4.5], COUNT: [5, 5, 2], MAX: [5, 5, 4], MIN: [1, 1, 4], SUM: [15, 15, 9] }[agg];
    const third = agg === 'MAX' ? '[..3]' : '[3..]';
    return {
      name: `JSON_${agg}`,
      category: 'string',
      kind: 'macro',
      signature: `JSON_${agg}(json, jsonpath)`,
      macro: [{ params: ['j', 'p'], body: `${list}(cdata_json_numbers(j, p))` }],
      examples: [
        { sql: `SELECT JSON_${agg}('[1,2,3,4,5]', '$[x]')`, result: results[0] as number },
        { sql: `SELECT JSON_${agg}('{"test": {"data": [1,2,3,4,5]}}', '$.test.data[x]')`, result: results[1] as number },
        { sql: `SELECT JSON_${agg}('{"test": {"data": [1,2,3,4,5]}}', '$.test.data${third}')`, result: results[2] as number },
      ],
    };
  }),
  {
    name: 'JSON_EXTRACT',
    category: 'string',
    kind: 'duckdb',
    signature: 'JSON_EXTRACT(json, jsonpath)',
    difference: "DuckDB's json_extract() returns a JSON value (the number 1 comes back as the JSON text 1); ->> gives text.",
    examples: [
      { sql: 'SELECT JSON_EXTRACT(\'{"test": {"data": 1}}\', \'$.test\')', result: '{"data":1}' },
      { sql: 'SELECT JSON_EXTRACT(\'{"test": {"data": 1}}\', \'$.test.data\')', result: 1 },
      { sql: 'SELECT JSON_EXTRACT(\'{"test": {"data": [1, 2, 3]}}\', \'$.test.data[1]\')', result: 2 },
    ],
  },
  {
    name: 'LEFT',
    category: 'string',
    kind: 'duckdb',
    signature: 'LEFT(character_expression, integer_expression)',
    examples: [{ sql: "SELECT LEFT('1234567890', 3)", result: '123' }],
  },
  { name: 'LEN', category: 'string', kind: 'duckdb', signature: 'LEN(string_expression)', examples: [{ sql: "SELECT LEN('12345')", result: 5 }] },
  {
    name: 'LOCATE',
    category: 'string',
    kind: 'macro',
    signature: 'LOCATE(substring, string)',
    macro: [{ params: ['f', 's'], body: 'strpos(s, f)' }],
    examples: [{ sql: "SELECT LOCATE('sample','XXXXXsampleXXXXX')", result: 6 }],
  },
  {
    name: 'LOWER',
    category: 'string',
    kind: 'duckdb',
    signature: 'LOWER(character_expression)',
    examples: [{ sql: "SELECT LOWER('MIXED case')", result: 'mixed case' }],
  },
  {
    name: 'LTRIM',
    category: 'string',
    kind: 'duckdb',
    signature: 'LTRIM(character_expression)',
    examples: [{ sql: "SELECT LTRIM('   trimmed')", result: 'trimmed' }],
  },
  {
    name: 'MASK',
    category: 'string',
    kind: 'macro',
    signature: 'MASK(string_expression, mask_character [, start_index [, end_index]])',
    macro: [
      { params: ['s', 'c'], body: 'repeat(c, length(s))' },
      { params: ['s', 'c', 'a'], body: 'left(s, CAST(a AS BIGINT)) || repeat(c, greatest(length(s) - CAST(a AS BIGINT), 0))' },
      {
        params: ['s', 'c', 'a', 'b'],
        body: 'left(s, CAST(a AS BIGINT)) || repeat(c, greatest(length(s) - CAST(a AS BIGINT) - CAST(b AS BIGINT), 0)) || right(s, CAST(b AS BIGINT))',
      },
    ],
    examples: [
      { sql: "SELECT MASK('1234567890','*')", result: '**********', note: "CData's page writes MASK('1234567890','*',) with a stray comma" },
      { sql: "SELECT MASK('1234567890','*', 4)", result: '1234******' },
      { sql: "SELECT MASK('1234567890','*', 4, 2)", result: '1234****90' },
    ],
  },
  {
    name: 'NCHAR',
    category: 'string',
    kind: 'rewrite',
    signature: 'NCHAR(integer_expression)',
    difference: "NCHAR is a type name in DuckDB's grammar: a call NCHAR(n) is rewritten to chr(n) before DuckDB reads it.",
    examples: [{ sql: 'SELECT NCHAR(65)', result: 'A', note: "CData's page gives no example" }],
  },
  {
    name: 'OCTET_LENGTH',
    category: 'string',
    kind: 'duckdb-differs',
    signature: 'OCTET_LENGTH(character_expression)',
    difference: "DuckDB's octet_length() takes bytes (BLOB): strlen('text') counts the bytes of text.",
    examples: [{ sql: "SELECT OCTET_LENGTH('text')", result: 4 }],
  },
  {
    name: 'PATINDEX',
    category: 'string',
    kind: 'macro',
    signature: 'PATINDEX(pattern, expression)',
    macro: [
      {
        params: ['p', 's'],
        body: `CASE WHEN regexp_matches(s, '^(' || CASE WHEN starts_with(p, '%') THEN '.*?' ELSE '' END || ')' || replace(replace(regexp_replace(regexp_replace(p, '^%|%$', '', 'g'), '([.*+?^$\\{\\}()|\\[\\]\\\\])', '\\\\\\1', 'g'), '_', '.'), '%', '.*') || CASE WHEN ends_with(p, '%') THEN '' ELSE '$' END, 's')
          THEN length(regexp_extract(s, '^(' || CASE WHEN starts_with(p, '%') THEN '.*?' ELSE '' END || ')' || replace(replace(regexp_replace(regexp_replace(p, '^%|%$', '', 'g'), '([.*+?^$\\{\\}()|\\[\\]\\\\])', '\\\\\\1', 'g'), '_', '.'), '%', '.*') || CASE WHEN ends_with(p, '%') THEN '' ELSE '$' END, 1, 's')) + 1
          ELSE 0 END`,
      },
    ],
    difference: '% and _ wildcards (no [ ] character classes).',
    examples: [
      { sql: "SELECT PATINDEX('123%', '1234567890')", result: 1 },
      { sql: "SELECT PATINDEX('%890', '1234567890')", result: 8 },
      { sql: "SELECT PATINDEX('%456%', '1234567890')", result: 4 },
    ],
  },
  {
    name: 'POSITION',
    category: 'string',
    kind: 'duckdb',
    signature: 'POSITION(expressionToFind IN expressionToSearch)',
    examples: [
      { sql: "SELECT POSITION('456' IN '123456')", result: 4 },
      { sql: "SELECT POSITION('x' IN '123456')", result: 0 },
    ],
  },
  {
    name: 'QUOTENAME',
    category: 'string',
    kind: 'macro',
    signature: 'QUOTENAME(character_string [, quote_character])',
    macro: [
      { params: ['s'], body: "CASE WHEN length(s) > 128 THEN NULL ELSE '[' || replace(s, ']', ']]') || ']' END" },
      {
        params: ['s', 'q'],
        body: `CASE WHEN length(s) > 128 THEN NULL
          WHEN q IN ('[', ']') THEN '[' || replace(s, ']', ']]') || ']'
          WHEN q = '"' THEN '"' || replace(s, '"', '""') || '"'
          WHEN q = '''' THEN '''' || replace(s, '''', '''''') || ''''
          ELSE NULL END`,
      },
    ],
    examples: [
      { sql: "SELECT QUOTENAME('table_name')", result: '[table_name]' },
      { sql: "SELECT QUOTENAME('table_name', '\"')", result: '"table_name"' },
      { sql: "SELECT QUOTENAME('table_name', '[')", result: '[table_name]' },
    ],
  },
  {
    name: 'REPLACE',
    category: 'string',
    kind: 'duckdb',
    signature: 'REPLACE(string_expression, string_pattern, string_replacement)',
    examples: [
      { sql: "SELECT REPLACE('1234567890', '456', '|')", result: '123|7890' },
      { sql: "SELECT REPLACE('123123123', '123', '.')", result: '...' },
      { sql: "SELECT REPLACE('1234567890', 'a', 'b')", result: '1234567890' },
    ],
  },
  {
    name: 'REPLICATE',
    category: 'string',
    kind: 'macro',
    signature: 'REPLICATE(string_expression, integer_expression)',
    macro: [{ params: ['s', 'n'], body: 'repeat(s, CAST(n AS BIGINT))' }],
    examples: [{ sql: "SELECT REPLICATE('x', 5)", result: 'xxxxx', note: "CData's page writes REPLACE('x', 5) under REPLICATE" }],
  },
  {
    name: 'REVERSE',
    category: 'string',
    kind: 'duckdb',
    signature: 'REVERSE(string_expression)',
    examples: [{ sql: "SELECT REVERSE('1234567890')", result: '0987654321' }],
  },
  {
    name: 'RIGHT',
    category: 'string',
    kind: 'duckdb',
    signature: 'RIGHT(character_expression, integer_expression)',
    examples: [{ sql: "SELECT RIGHT('1234567890', 3)", result: '890' }],
  },
  {
    name: 'RTRIM',
    category: 'string',
    kind: 'duckdb',
    signature: 'RTRIM(character_expression)',
    examples: [{ sql: "SELECT RTRIM('trimmed   ')", result: 'trimmed' }],
  },
  {
    name: 'SOUNDEX',
    category: 'string',
    kind: 'macro',
    signature: 'SOUNDEX(character_expression)',
    macro: [
      {
        // Letters to digits (H and W to 9: they do not separate equal digits), equal neighbours
        // collapsed, the first letter kept, vowels (0) dropped, padded to four.
        params: ['s'],
        body: `CASE WHEN regexp_replace(s, '[^A-Za-z]', '', 'g') = '' THEN NULL ELSE
          rpad(upper(left(regexp_replace(s, '[^A-Za-z]', '', 'g'), 1)) || replace(substr(array_to_string(list_filter(
            string_split(replace(translate(upper(regexp_replace(s, '[^A-Za-z]', '', 'g')), 'AEIOUYHWBFPVCGJKQSXZDTLMNR', '00000099111122222222334556'), '9', ''), ''),
            (x, i) -> i = 1 OR x <> string_split(replace(translate(upper(regexp_replace(s, '[^A-Za-z]', '', 'g')), 'AEIOUYHWBFPVCGJKQSXZDTLMNR', '00000099111122222222334556'), '9', ''), '')[i - 1]), ''),
            CASE WHEN upper(left(regexp_replace(s, '[^A-Za-z]', '', 'g'), 1)) IN ('H', 'W') THEN 1 ELSE 2 END), '0', ''), 4, '0')[1:4] END`,
      },
    ],
    examples: [{ sql: "SELECT SOUNDEX('smith')", result: 'S530' }],
  },
  {
    name: 'SPACE',
    category: 'string',
    kind: 'macro',
    signature: 'SPACE(repeatcount)',
    macro: [{ params: ['n'], body: "repeat(' ', CAST(n AS BIGINT))" }],
    examples: [{ sql: 'SELECT SPACE(5)', result: '     ', note: "CData's page shows three spaces for SPACE(5)" }],
  },
  {
    name: 'SPLIT',
    category: 'string',
    kind: 'macro',
    signature: 'SPLIT(string, delimiter, offset)',
    macro: [
      { params: ['s', 'd'], body: 'system.main.split(s, d)' },
      {
        params: ['s', 'd', 'n'],
        body: 'CASE WHEN CAST(n AS BIGINT) > 0 THEN system.main.split(s, d)[CAST(n AS BIGINT)] ELSE system.main.split(s, d)[len(system.main.split(s, d)) + 1 + CAST(n AS BIGINT)] END',
      },
    ],
    difference: "SPLIT(string, delimiter) with two arguments stays DuckDB's (a list of the parts).",
    examples: [
      { sql: "SELECT SPLIT('a/b/c/d', '/', 1)", result: 'a' },
      { sql: "SELECT SPLIT('a/b/c/d', '/', -2)", result: 'c' },
    ],
  },
  {
    name: 'STARTSWITH',
    category: 'string',
    kind: 'macro',
    signature: 'STARTSWITH(character_expression, character_prefix)',
    macro: [{ params: ['s', 'x'], body: ONE_ZERO('starts_with(s, x)') }],
    examples: [
      { sql: "SELECT STARTSWITH('0123456', '012')", result: 1 },
      { sql: "SELECT STARTSWITH('0123456', '456')", result: 0 },
    ],
  },
  {
    name: 'STR',
    category: 'string',
    kind: 'macro',
    signature: 'STR(float_expression [, integer_length [, integer_decimal]])',
    macro: [
      { params: ['x'], body: "CASE WHEN length(printf('%.0f', CAST(x AS DOUBLE))) > 10 THEN repeat('*', 10) ELSE printf('%.0f', CAST(x AS DOUBLE)) END" },
      {
        params: ['x', 'w'],
        body: "CASE WHEN length(printf('%.0f', CAST(x AS DOUBLE))) > CAST(w AS BIGINT) THEN repeat('*', CAST(w AS BIGINT)) ELSE printf('%.0f', CAST(x AS DOUBLE)) END",
      },
      {
        params: ['x', 'w', 'dp'],
        body: "CASE WHEN length(printf('%.' || least(CAST(dp AS BIGINT), 16) || 'f', CAST(x AS DOUBLE))) > CAST(w AS BIGINT) THEN repeat('*', CAST(w AS BIGINT)) ELSE printf('%.' || least(CAST(dp AS BIGINT), 16) || 'f', CAST(x AS DOUBLE)) END",
      },
    ],
    examples: [
      { sql: "SELECT STR('123.456')", result: '123' },
      { sql: "SELECT STR('123.456', 2)", result: '**' },
      { sql: "SELECT STR('123.456', 10, 2)", result: '123.46' },
    ],
  },
  {
    name: 'STUFF',
    category: 'string',
    kind: 'macro',
    signature: 'STUFF(character_expression, integer_start, integer_length, replaceWith_expression)',
    macro: [
      {
        params: ['s', 'start', 'n', 'r'],
        body: 'CASE WHEN CAST(start AS BIGINT) < 0 OR CAST(n AS BIGINT) < 0 OR CAST(start AS BIGINT) > length(s) THEN NULL ELSE left(s, CAST(start AS BIGINT) - 1) || r || substr(s, CAST(start AS BIGINT) + CAST(n AS BIGINT)) END',
      },
    ],
    examples: [{ sql: "SELECT STUFF('1234567890', 3, 2, 'xx')", result: '12xx567890' }],
  },
  {
    name: 'SUBSTRING',
    category: 'string',
    kind: 'duckdb',
    signature: 'SUBSTRING(string_value FROM start FOR length)',
    examples: [
      { sql: "SELECT SUBSTRING('1234567890' FROM 3 FOR 2)", result: '34' },
      { sql: "SELECT SUBSTRING('1234567890' FROM 3)", result: '34567890' },
    ],
  },
  {
    name: 'TOSTRING',
    category: 'string',
    kind: 'macro',
    signature: 'TOSTRING(string_value1)',
    macro: [{ params: ['v'], body: "coalesce(CAST(v AS VARCHAR), '')" }],
    examples: [
      { sql: 'SELECT TOSTRING(123)', result: '123' },
      { sql: 'SELECT TOSTRING(123.456)', result: '123.456' },
      { sql: 'SELECT TOSTRING(null)', result: '' },
    ],
  },
  {
    name: 'TRIM',
    category: 'string',
    kind: 'duckdb',
    signature: 'TRIM(trimspec trimchar FROM string_value)',
    examples: [
      { sql: "SELECT TRIM('   trimmed   ')", result: 'trimmed' },
      { sql: "SELECT TRIM(LEADING FROM '   trimmed   ')", result: 'trimmed   ' },
      { sql: "SELECT TRIM('-' FROM '-----trimmed-----')", result: 'trimmed' },
      { sql: "SELECT TRIM(BOTH '-' FROM '-----trimmed-----')", result: 'trimmed' },
      { sql: "SELECT TRIM(TRAILING '-' FROM '-----trimmed-----')", result: '-----trimmed' },
    ],
  },
  {
    name: 'UNICODE',
    category: 'string',
    kind: 'duckdb',
    signature: 'UNICODE(ncharacter_expression)',
    examples: [{ sql: "SELECT UNICODE('A')", result: 65, note: "CData's page gives no example" }],
  },
  {
    name: 'UPPER',
    category: 'string',
    kind: 'duckdb',
    signature: 'UPPER(character_expression)',
    examples: [{ sql: "SELECT UPPER('MIXED case')", result: 'MIXED CASE' }],
  },
  {
    name: 'XML_EXTRACT',
    category: 'string',
    kind: 'macro',
    signature: 'XML_EXTRACT(xml, xpath [, separator])',
    macro: [
      {
        params: ['x', 'path'],
        body: "array_to_string(regexp_extract_all(x, '<' || regexp_extract(path, '([^/]+)$', 1) || '(?:\\s[^>]*)?>([^<]*)</' || regexp_extract(path, '([^/]+)$', 1) || '>', 1), ',')",
      },
      {
        params: ['x', 'path', 'sep'],
        body: "array_to_string(regexp_extract_all(x, '<' || regexp_extract(path, '([^/]+)$', 1) || '(?:\\s[^>]*)?>([^<]*)</' || regexp_extract(path, '([^/]+)$', 1) || '>', 1), sep)",
      },
    ],
    difference:
      "No XPath engine: the text of every element named by the path's last step is returned (/a/b and //b alike); elements holding other elements give nothing.",
    examples: [
      { sql: "SELECT XML_EXTRACT('<vowels><ch>a</ch><ch>e</ch><ch>i</ch><ch>o</ch><ch>u</ch></vowels>', '/vowels/ch')", result: 'a,e,i,o,u' },
      { sql: "SELECT XML_EXTRACT('<vowels><ch>a</ch><ch>e</ch><ch>i</ch><ch>o</ch><ch>u</ch></vowels>', '/vowels/ch', ';')", result: 'a;e;i;o;u' },
    ],
  },

  // ——— Date ———
  {
    name: 'CURRENT_DATE',
    category: 'date',
    kind: 'duckdb',
    signature: 'CURRENT_DATE()',
    examples: [{ sql: 'SELECT CURRENT_DATE()', result: null, note: 'today' }],
  },
  {
    name: 'CURRENT_TIMESTAMP',
    category: 'date',
    kind: 'macro',
    signature: 'CURRENT_TIMESTAMP()',
    macro: [{ params: [], body: 'get_current_timestamp()' }],
    examples: [{ sql: 'SELECT CURRENT_TIMESTAMP()', result: null, note: 'now' }],
  },
  {
    name: 'DATEADD',
    category: 'date',
    kind: 'macro',
    signature: 'DATEADD(datepart, integer_number, date [, dateformat])',
    macro: [
      { params: ['part', 'n', 'd'], body: 'cdata_dateadd(part, n, d)' },
      { params: ['part', 'n', 'd', 'fmt'], body: 'strftime(cdata_dateadd(part, n, d), cdata_dotnet_format(fmt))' },
    ],
    examples: [
      { sql: "SELECT DATEADD('d', 5, '2018-02-01')", result: '2018-02-06' },
      { sql: "SELECT DATEADD('hh', 5, '2018-02-01 00:00:00')", result: '2018-02-01 05:00:00' },
    ],
  },
  {
    name: 'DATEDIFF',
    category: 'date',
    kind: 'duckdb-differs',
    signature: 'DATEDIFF(datepart, startdate, enddate)',
    difference:
      "DuckDB's datediff(): part names are DuckDB's ('day' or 'd', 'hour' — not 'hh'), and the dates must be DATE or TIMESTAMP values (text needs a cast).",
    examples: [
      { sql: "SELECT DATEDIFF('d', '2018-02-01', '2018-02-10')", result: 9 },
      { sql: "SELECT DATEDIFF('hh', '2018-02-01 00:00:00', '2018-02-01 12:00:00')", result: 12 },
    ],
  },
  {
    name: 'DATEFROMPARTS',
    category: 'date',
    kind: 'macro',
    signature: 'DATEFROMPARTS(integer_year, integer_month, integer_day)',
    macro: [{ params: ['y', 'm', 'd'], body: 'make_date(CAST(y AS BIGINT), CAST(m AS BIGINT), CAST(d AS BIGINT))' }],
    examples: [{ sql: 'SELECT DATEFROMPARTS(2018, 2, 1)', result: '2018-02-01' }],
  },
  {
    name: 'DATENAME',
    category: 'date',
    kind: 'macro',
    signature: 'DATENAME(datepart, date)',
    macro: [
      {
        params: ['part', 'd'],
        body: `CASE cdata_datepart(part)
          WHEN 'year' THEN CAST(year(cdata_timestamp(d)) AS VARCHAR)
          WHEN 'quarter' THEN CAST(quarter(cdata_timestamp(d)) AS VARCHAR)
          WHEN 'month' THEN monthname(cdata_timestamp(d))
          WHEN 'dayofyear' THEN CAST(dayofyear(cdata_timestamp(d)) AS VARCHAR)
          WHEN 'day' THEN CAST(day(cdata_timestamp(d)) AS VARCHAR)
          WHEN 'week' THEN CAST((dayofyear(cdata_timestamp(d)) + dayofweek(date_trunc('year', cdata_timestamp(d))) - 1) // 7 + 1 AS VARCHAR)
          WHEN 'weekday' THEN dayname(cdata_timestamp(d))
          WHEN 'hour' THEN CAST(hour(cdata_timestamp(d)) AS VARCHAR)
          WHEN 'minute' THEN CAST(minute(cdata_timestamp(d)) AS VARCHAR)
          WHEN 'second' THEN CAST(second(cdata_timestamp(d)) AS VARCHAR)
          WHEN 'millisecond' THEN CAST(millisecond(cdata_timestamp(d)) % 1000 AS VARCHAR)
          WHEN 'microsecond' THEN CAST(microsecond(cdata_timestamp(d)) % 1000000 AS VARCHAR)
          WHEN 'nanosecond' THEN CAST(microsecond(cdata_timestamp(d)) % 1000000 * 1000 AS VARCHAR)
          ELSE '+00:00' END`,
      },
    ],
    examples: [
      { sql: "SELECT DATENAME('yy', '2018-02-01')", result: '2018' },
      { sql: "SELECT DATENAME('dw', '2018-02-01')", result: 'Thursday' },
    ],
  },
  {
    name: 'DATEPART',
    category: 'date',
    kind: 'duckdb-differs',
    signature: 'DATEPART(datepart, date [, integer_datefirst])',
    difference:
      "DuckDB's datepart() (= date_part): DuckDB's part names ('year', 'dow' with Sunday = 0), no third argument; for CData's abbreviations use DATENAME (text) or CAST(DATENAME(…) AS INTEGER).",
    examples: [
      { sql: "SELECT DATEPART('yy', '2018-02-01')", result: 2018 },
      { sql: "SELECT DATEPART('dw', '2018-02-01')", result: 5 },
    ],
  },
  {
    name: 'DATETIMEFROMPARTS',
    category: 'date',
    kind: 'macro',
    signature: 'DATETIMEFROMPARTS(year, month, day, hour, minute, seconds, milliseconds)',
    macro: [
      {
        params: ['y', 'mo', 'd', 'h', 'mi', 's', 'ms'],
        body: 'make_timestamp(CAST(y AS BIGINT), CAST(mo AS BIGINT), CAST(d AS BIGINT), CAST(h AS BIGINT), CAST(mi AS BIGINT), CAST(s AS DOUBLE) + CAST(ms AS DOUBLE) / 1000)',
      },
    ],
    examples: [{ sql: 'SELECT DATETIMEFROMPARTS(2018, 2, 1, 1, 2, 3, 456)', result: '2018-02-01 01:02:03.456' }],
  },
  {
    name: 'DATETIME2FROMPARTS',
    category: 'date',
    kind: 'macro',
    signature: 'DATETIME2FROMPARTS(year, month, day, hour, minute, seconds, fractions, precision)',
    macro: [
      {
        params: ['y', 'mo', 'd', 'h', 'mi', 's', 'f', 'p'],
        body: 'make_timestamp(CAST(y AS BIGINT), CAST(mo AS BIGINT), CAST(d AS BIGINT), CAST(h AS BIGINT), CAST(mi AS BIGINT), CAST(s AS DOUBLE) + CAST(f AS DOUBLE) / 10 ** CAST(p AS INTEGER))',
      },
    ],
    examples: [{ sql: 'SELECT DATETIME2FROMPARTS(2018, 2, 1, 1, 2, 3, 456, 3)', result: '2018-02-01 01:02:03.456' }],
  },
  {
    name: 'DATE_TRUNC',
    category: 'date',
    kind: 'duckdb-differs',
    signature: 'DATE_TRUNC(date, datepart)',
    difference:
      "DuckDB's date_trunc(part, date) takes its arguments the other way round (PostgreSQL's order): CData's DATE_TRUNC2 is the same with text dates.",
    examples: [
      { sql: "SELECT DATE_TRUNC('05-04-2005', 'YY')", result: '1/1/2005' },
      { sql: "SELECT DATE_TRUNC('05-04-2005', 'MM')", result: '5/1/2005' },
    ],
  },
  {
    name: 'DATE_TRUNC2',
    category: 'date',
    kind: 'macro',
    signature: 'DATE_TRUNC2(datepart, date [, weekday])',
    macro: [
      { params: ['part', 'd'], body: 'date_trunc(lower(part), cdata_timestamp(d))' },
      {
        params: ['part', 'd', 'wd'],
        body: `CASE WHEN lower(part) = 'week'
          THEN CAST(cdata_date(d) - ((CAST(dayofweek(cdata_date(d)) AS INTEGER) - list_position(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'], lower(wd)) + 1 + 7) % 7) AS TIMESTAMP)
          ELSE date_trunc(lower(part), cdata_timestamp(d)) END`,
      },
    ],
    difference:
      "With a weekday, the week starts on the last such day on or before the date (2020-02-04 with 'monday' → 2020-02-03; CData's page shows 2020-02-02, a Sunday, while calling it \"the previous Monday\").",
    examples: [
      { sql: "SELECT DATE_TRUNC2('year', '2020-02-04')", result: '2020-01-01' },
      { sql: "SELECT DATE_TRUNC2('week', '2020-02-04', 'monday')", result: '2020-02-02', here: '2020-02-03' },
    ],
  },
  { name: 'DAY', category: 'date', kind: 'duckdb', signature: 'DAY(date)', difference: US_TEXT, examples: [{ sql: "SELECT DAY('2018-02-01')", result: 1 }] },
  {
    name: 'DAYOFMONTH',
    category: 'date',
    kind: 'duckdb',
    signature: 'DAYOFMONTH(date)',
    difference: US_TEXT,
    examples: [{ sql: "SELECT DAYOFMONTH('04/15/2000')", result: 15 }],
  },
  {
    name: 'DAYOFWEEK',
    category: 'date',
    kind: 'duckdb-differs',
    signature: 'DAYOFWEEK(date)',
    difference: "DuckDB's dayofweek() counts Sunday as 0 (CData: 1): dayofweek(d) + 1 is CData's.",
    examples: [{ sql: "SELECT DAYOFWEEK('04/15/2000')", result: 7 }],
  },
  {
    name: 'DAYOFYEAR',
    category: 'date',
    kind: 'duckdb',
    signature: 'DAYOFYEAR(date)',
    difference: US_TEXT,
    examples: [{ sql: "SELECT DAYOFYEAR('04/15/2000')", result: 106 }],
  },
  {
    name: 'EOMONTH',
    category: 'date',
    kind: 'macro',
    signature: 'EOMONTH(date [, integer_month_to_add])',
    macro: [
      { params: ['d'], body: 'last_day(cdata_date(d))' },
      { params: ['d', 'n'], body: 'last_day(CAST(cdata_date(d) + to_months(CAST(n AS INTEGER)) AS DATE))' },
    ],
    examples: [
      { sql: "SELECT EOMONTH('2018-02-01')", result: '2018-02-28' },
      { sql: "SELECT EOMONTH('2018-02-01', 2)", result: '2018-04-30' },
    ],
  },
  {
    name: 'LAST_DAY',
    category: 'date',
    kind: 'duckdb',
    signature: 'LAST_DAY(date)',
    difference: US_TEXT,
    examples: [{ sql: "SELECT LAST_DAY('2018-02-01')", result: '2018-02-28' }],
  },
  {
    name: 'FDMONTH',
    category: 'date',
    kind: 'macro',
    signature: 'FDMONTH(date)',
    macro: [{ params: ['d'], body: "CAST(date_trunc('month', cdata_date(d)) AS DATE)" }],
    examples: [{ sql: "SELECT FDMONTH('02-08-2018')", result: '2/1/2018' }],
  },
  {
    name: 'FDQUARTER',
    category: 'date',
    kind: 'macro',
    signature: 'FDQUARTER(date)',
    macro: [{ params: ['d'], body: "CAST(date_trunc('quarter', cdata_date(d)) AS DATE)" }],
    examples: [{ sql: "SELECT FDQUARTER('05-08-2018')", result: '4/1/2018' }],
  },
  {
    name: 'FDWEEK',
    category: 'date',
    kind: 'macro',
    signature: 'FDWEEK(date)',
    macro: [{ params: ['d'], body: 'cdata_date(d) - CAST(dayofweek(cdata_date(d)) AS INTEGER)' }],
    examples: [{ sql: "SELECT FDWEEK('02-08-2018')", result: '2/4/2018' }],
  },
  {
    name: 'FILEMODIFIEDTIME',
    category: 'date',
    kind: 'macro',
    signature: 'FILEMODIFIEDTIME(uri)',
    macro: [{ params: ['uri'], body: "(SELECT CAST(timezone(current_setting('TimeZone'), last_modified) AS TIMESTAMP) FROM read_blob(uri))" }],
    difference: 'Reads a local file: refused over the wire server, as every local file is.',
    examples: [
      {
        sql: "SELECT FILEMODIFIEDTIME('C:/Documents/myfile.txt')",
        result: '6/25/2019 10:06:58 AM',
        note: 'needs that file; the corpus reads a file of its own',
      },
    ],
  },
  {
    name: 'FROM_DAYS',
    category: 'date',
    kind: 'macro',
    signature: 'FROM_DAYS(datevalue)',
    macro: [{ params: ['n'], body: "DATE '2015-02-06' + (CAST(n AS INTEGER) - 736000)" }],
    examples: [{ sql: 'SELECT FROM_DAYS(736000)', result: '2/6/2015' }],
  },
  {
    name: 'GETDATE',
    category: 'date',
    kind: 'macro',
    signature: 'GETDATE()',
    macro: [{ params: [], body: 'localtimestamp' }],
    difference: "Local time is the space's time zone.",
    examples: [{ sql: 'SELECT GETDATE()', result: null, note: 'now' }],
  },
  {
    name: 'GETUTCDATE',
    category: 'date',
    kind: 'macro',
    signature: 'GETUTCDATE()',
    macro: [{ params: [], body: "CAST(timezone('UTC', get_current_timestamp()) AS TIMESTAMP)" }],
    examples: [{ sql: 'SELECT GETUTCDATE()', result: null, note: 'now, in UTC' }],
  },
  {
    name: 'HOUR',
    category: 'date',
    kind: 'duckdb',
    signature: 'HOUR(date)',
    difference: US_TEXT,
    examples: [{ sql: "SELECT HOUR('02-02-2020 11:30:00')", result: 11 }],
  },
  {
    name: 'ISDATE',
    category: 'date',
    kind: 'macro',
    signature: 'ISDATE(date [, date_format])',
    macro: [
      { params: ['d'], body: ONE_ZERO('cdata_timestamp(d) IS NOT NULL') },
      // `fmt` arrives as strftime's: ./function-rewrites.ts translates the literal (DuckDB wants a constant format).
      { params: ['d', 'fmt'], body: ONE_ZERO('try_strptime(CAST(d AS VARCHAR), fmt) IS NOT NULL') },
    ],
    examples: [
      { sql: "SELECT ISDATE('2018-02-01', 'yyyy-MM-dd')", result: 1 },
      { sql: "SELECT ISDATE('Not a date')", result: 0 },
    ],
  },
  ...(['TODAY', 'YESTERDAY', 'TOMORROW'] as const).map(
    (day): CdataFunction => ({
      name: `L_${day}`,
      category: 'date',
      kind: 'macro',
      signature: `L_${day}()`,
      macro: [{ params: [], body: `cdata_date_range('${day}', 0, 'lo')` }],
      difference: `A DATE; compared with a column (Created = L_${day}()) it is rewritten to match the whole day, as CData means it.`,
      examples: [{ sql: `SELECT * FROM MyTable WHERE MyDateField = L_${day}()`, result: null }],
    }),
  ),
  ...(['YESTERDAY', 'TOMORROW'] as const).map(
    (day): CdataFunction => ({
      name: day,
      category: 'date',
      kind: 'macro',
      signature: `${day}()`,
      macro: [{ params: [], body: `cdata_date_range('${day}', 0, 'lo')` }],
      difference: `CData's older name of L_${day}; compared with a column it matches the whole day. (TODAY() is DuckDB's: the current date.)`,
      examples: [{ sql: `SELECT * FROM MyTable WHERE MyDateField = ${day}()`, result: null }],
    }),
  ),
  ...(
    [
      'LAST_WEEK',
      'THIS_WEEK',
      'NEXT_WEEK',
      'LAST_MONTH',
      'THIS_MONTH',
      'NEXT_MONTH',
      'LAST_QUARTER',
      'THIS_QUARTER',
      'NEXT_QUARTER',
      'LAST_YEAR',
      'THIS_YEAR',
      'NEXT_YEAR',
      'LAST_90_DAYS',
      'NEXT_90_DAYS',
    ] as const
  ).map(
    (range): CdataFunction => ({
      name: `L_${range}`,
      category: 'date',
      kind: 'rewrite',
      signature: `L_${range}()`,
      difference: `A range of days: only in a comparison with a date (d = L_${range}(), d < …, d > …), rewritten to a test of the range.`,
      examples: [{ sql: `SELECT * FROM MyTable WHERE MyDateField = L_${range}()`, result: null }],
    }),
  ),
  ...(
    [
      'LAST_N_DAYS',
      'NEXT_N_DAYS',
      'LAST_N_WEEKS',
      'NEXT_N_WEEKS',
      'LAST_N_MONTHS',
      'NEXT_N_MONTHS',
      'LAST_N_QUARTERS',
      'NEXT_N_QUARTERS',
      'LAST_N_YEARS',
      'NEXT_N_YEARS',
    ] as const
  ).map(
    (range): CdataFunction => ({
      name: `L_${range}`,
      category: 'date',
      kind: 'rewrite',
      signature: `L_${range}(n)`,
      difference: `A range of days: only in a comparison with a date (d = L_${range}(3), d < …, d > …), rewritten to a test of the range.`,
      examples: [{ sql: `SELECT * FROM MyTable WHERE MyDateField = L_${range}(3)`, result: null }],
    }),
  ),
  ...(['LAST_WEEK', 'LAST_MONTH', 'LAST_YEAR'] as const).map(
    (fn): CdataFunction => ({
      name: fn,
      category: 'date',
      kind: 'macro',
      signature: `${fn}()`,
      macro: [{ params: [], body: `localtimestamp - INTERVAL 1 ${fn.slice(5)}` }],
      difference: fn === 'LAST_YEAR' ? "One year before now (CData's example shows 3/10/2019 for 3/17/2020, a week off)." : undefined,
      examples: [{ sql: `SELECT ${fn}()`, result: null, note: 'relative to now' }],
    }),
  ),
  {
    name: 'LDMONTH',
    category: 'date',
    kind: 'macro',
    signature: 'LDMONTH(date)',
    macro: [{ params: ['d'], body: 'last_day(cdata_date(d))' }],
    examples: [{ sql: "SELECT LDMONTH('02-02-2020')", result: '2/29/2020' }],
  },
  {
    name: 'LDQUARTER',
    category: 'date',
    kind: 'macro',
    signature: 'LDQUARTER(date)',
    macro: [{ params: ['d'], body: "CAST(date_trunc('quarter', cdata_date(d)) + INTERVAL 3 MONTH AS DATE) - 1" }],
    examples: [{ sql: "SELECT LDQUARTER('02-02-2020')", result: '3/31/2020' }],
  },
  {
    name: 'LDWEEK',
    category: 'date',
    kind: 'macro',
    signature: 'LDWEEK(date)',
    macro: [{ params: ['d'], body: 'cdata_date(d) - CAST(dayofweek(cdata_date(d)) AS INTEGER) + 6' }],
    examples: [{ sql: "SELECT LDWEEK('02-02-2020')", result: '2/8/2020' }],
  },
  {
    name: 'MAKEDATE',
    category: 'date',
    kind: 'macro',
    signature: 'MAKEDATE(year, days)',
    macro: [{ params: ['y', 'n'], body: 'make_date(CAST(y AS BIGINT), 1, 1) + (CAST(n AS INTEGER) - 1)' }],
    examples: [{ sql: 'SELECT MAKEDATE(2020, 1)', result: '2020-01-01' }],
  },
  {
    name: 'MINUTE',
    category: 'date',
    kind: 'duckdb',
    signature: 'MINUTE(date)',
    difference: US_TEXT,
    examples: [{ sql: "SELECT MINUTE('02-02-2020 11:15:00')", result: 15 }],
  },
  {
    name: 'MONTH',
    category: 'date',
    kind: 'duckdb',
    signature: 'MONTH(date)',
    difference: US_TEXT,
    examples: [{ sql: "SELECT MONTH('02-02-2020')", result: 2 }],
  },
  {
    name: 'QUARTER',
    category: 'date',
    kind: 'duckdb',
    signature: 'QUARTER(date)',
    difference: US_TEXT,
    examples: [{ sql: "SELECT QUARTER('02-02-2020')", result: 1 }],
  },
  {
    name: 'SECOND',
    category: 'date',
    kind: 'duckdb',
    signature: 'SECOND(date)',
    difference: US_TEXT,
    examples: [{ sql: "SELECT SECOND('02-02-2020 11:15:23')", result: 23 }],
  },
  {
    name: 'SMALLDATETIMEFROMPARTS',
    category: 'date',
    kind: 'macro',
    signature: 'SMALLDATETIMEFROMPARTS(year, month, day, hour, minute)',
    macro: [
      {
        params: ['y', 'mo', 'd', 'h', 'mi'],
        body: 'make_timestamp(CAST(y AS BIGINT), CAST(mo AS BIGINT), CAST(d AS BIGINT), CAST(h AS BIGINT), CAST(mi AS BIGINT), 0)',
      },
    ],
    examples: [{ sql: 'SELECT SMALLDATETIMEFROMPARTS(2018, 2, 1, 1, 2)', result: '2018-02-01 01:02:00' }],
  },
  {
    name: 'STRTODATE',
    category: 'date',
    kind: 'macro',
    signature: 'STRTODATE(string, format)',
    macro: [
      {
        params: ['s', 'fmt'],
        body: `CASE upper(fmt)
          WHEN 'UNIX' THEN CAST(timezone(current_setting('TimeZone'), to_timestamp(CAST(s AS DOUBLE))) AS TIMESTAMP)
          WHEN 'UNIXMILIS' THEN CAST(timezone(current_setting('TimeZone'), to_timestamp(CAST(s AS DOUBLE) / 1000)) AS TIMESTAMP)
          WHEN 'TICKS' THEN TIMESTAMP '0001-01-01' + to_microseconds(CAST(s AS BIGINT) // 10)
          WHEN 'FILETICKS' THEN TIMESTAMP '1601-01-01' + to_microseconds(CAST(s AS BIGINT) // 10)
          ELSE strptime(CAST(s AS VARCHAR), fmt) END`,
      },
    ],
    difference: "The format must be a literal (.NET's, translated to strftime's before DuckDB reads it).",
    examples: [{ sql: "SELECT STRTODATE('03*04*2020','dd*MM*yyyy')", result: '4/3/2020' }],
  },
  {
    name: 'SYSDATETIME',
    category: 'date',
    kind: 'macro',
    signature: 'SYSDATETIME()',
    macro: [{ params: [], body: 'localtimestamp' }],
    examples: [{ sql: 'SELECT SYSDATETIME()', result: null, note: 'now' }],
  },
  {
    name: 'SYSUTCDATETIME',
    category: 'date',
    kind: 'macro',
    signature: 'SYSUTCDATETIME()',
    macro: [{ params: [], body: "CAST(timezone('UTC', get_current_timestamp()) AS TIMESTAMP)" }],
    examples: [{ sql: 'SELECT SYSUTCDATETIME()', result: null, note: 'now, in UTC' }],
  },
  {
    name: 'TIMEFROMPARTS',
    category: 'date',
    kind: 'macro',
    signature: 'TIMEFROMPARTS(hour, minute, seconds, fractions, precision)',
    macro: [
      {
        params: ['h', 'mi', 's', 'f', 'p'],
        body: 'make_time(CAST(h AS BIGINT), CAST(mi AS BIGINT), CAST(s AS DOUBLE) + CAST(f AS DOUBLE) / 10 ** CAST(p AS INTEGER))',
      },
    ],
    examples: [{ sql: 'SELECT TIMEFROMPARTS(1, 2, 3, 456, 3)', result: '01:02:03.456' }],
  },
  {
    name: 'TO_DAYS',
    category: 'date',
    kind: 'duckdb-differs',
    signature: 'TO_DAYS(date)',
    difference: "DuckDB's to_days(n) makes an INTERVAL of n days; CData's day number is datediff('day', DATE '2015-02-06', d) + 736000.",
    examples: [{ sql: "SELECT TO_DAYS('02-06-2015')", result: 736000 }],
  },
  {
    name: 'WEEK',
    category: 'date',
    kind: 'duckdb',
    signature: 'WEEK(date)',
    difference: `ISO weeks; ${US_TEXT}`,
    examples: [{ sql: "SELECT WEEK('02-17-2020 11:15:23')", result: 8 }],
  },
  {
    name: 'YEAR',
    category: 'date',
    kind: 'duckdb',
    signature: 'YEAR(date)',
    difference: US_TEXT,
    examples: [{ sql: "SELECT YEAR('2018-02-01')", result: 2018 }],
  },

  // ——— Math ———
  {
    name: 'ABS',
    category: 'math',
    kind: 'duckdb',
    signature: 'ABS(numeric_expression)',
    examples: [
      { sql: 'SELECT ABS(15)', result: 15 },
      { sql: 'SELECT ABS(-15)', result: 15 },
    ],
  },
  { name: 'ACOS', category: 'math', kind: 'duckdb', signature: 'ACOS(float_expression)', examples: [{ sql: 'SELECT ACOS(0.5)', result: 1.0471975511966 }] },
  { name: 'ASIN', category: 'math', kind: 'duckdb', signature: 'ASIN(float_expression)', examples: [{ sql: 'SELECT ASIN(0.5)', result: 0.523598775598299 }] },
  { name: 'ATAN', category: 'math', kind: 'duckdb', signature: 'ATAN(float_expression)', examples: [{ sql: 'SELECT ATAN(10)', result: 1.47112767430373 }] },
  {
    name: 'ATN2',
    category: 'math',
    kind: 'macro',
    signature: 'ATN2(float_expression1, float_expression2)',
    macro: [{ params: ['y', 'x'], body: 'atan2(y, x)' }],
    examples: [{ sql: 'SELECT ATN2(1, 1)', result: 0.785398163397448 }],
  },
  {
    name: 'CEILING',
    category: 'math',
    kind: 'duckdb',
    signature: 'CEILING(numeric_expression) or CEIL(numeric_expression)',
    examples: [
      { sql: 'SELECT CEILING(1.3)', result: 2 },
      { sql: 'SELECT CEILING(1.5)', result: 2 },
      { sql: 'SELECT CEILING(1.7)', result: 2 },
    ],
  },
  { name: 'COS', category: 'math', kind: 'duckdb', signature: 'COS(float_expression)', examples: [{ sql: 'SELECT COS(1)', result: 0.54030230586814 }] },
  { name: 'COT', category: 'math', kind: 'duckdb', signature: 'COT(float_expression)', examples: [{ sql: 'SELECT COT(1)', result: 0.642092615934331 }] },
  {
    name: 'DEGREES',
    category: 'math',
    kind: 'duckdb',
    signature: 'DEGREES(numeric_expression)',
    examples: [{ sql: 'SELECT DEGREES(3.1415926)', result: 179.999996929531 }],
  },
  { name: 'EXP', category: 'math', kind: 'duckdb', signature: 'EXP(float_expression)', examples: [{ sql: 'SELECT EXP(2)', result: 7.38905609893065 }] },
  {
    name: 'EXPR',
    category: 'math',
    kind: 'unavailable',
    signature: 'EXPR(expression)',
    difference: 'Not available: it would evaluate text as SQL. Write the expression itself (SELECT 1 + 2 * 3).',
    examples: [{ sql: "SELECT EXPR('1 + 2 * 3')", result: 7 }],
  },
  {
    name: 'FLOOR',
    category: 'math',
    kind: 'duckdb',
    signature: 'FLOOR(numeric_expression)',
    examples: [
      { sql: 'SELECT FLOOR(1.3)', result: 1 },
      { sql: 'SELECT FLOOR(1.7)', result: 1 },
    ],
  },
  { name: 'GREATEST', category: 'math', kind: 'duckdb', signature: 'GREATEST(int1, int2, …)', examples: [{ sql: 'SELECT GREATEST(3,5,8,10,1)', result: 10 }] },
  {
    name: 'HEX',
    category: 'math',
    kind: 'duckdb',
    signature: 'HEX(value)',
    examples: [
      { sql: 'SELECT HEX(866849198)', result: '33AB11AE' },
      { sql: "SELECT HEX('Sample Text')", result: '53616D706C652054657874' },
    ],
  },
  { name: 'LEAST', category: 'math', kind: 'duckdb', signature: 'LEAST(int1, int2, …)', examples: [{ sql: 'SELECT LEAST(3,5,8,10,1)', result: 1 }] },
  {
    name: 'LOG',
    category: 'math',
    kind: 'duckdb-differs',
    signature: 'LOG(float_expression [, base])',
    difference: "DuckDB's log(x) is base 10 and log(b, x) takes the base first; CData's LOG(x) is ln(x).",
    examples: [{ sql: 'SELECT LOG(7.3890560)', result: 1.99999998661119 }],
  },
  { name: 'LOG10', category: 'math', kind: 'duckdb', signature: 'LOG10(float_expression)', examples: [{ sql: 'SELECT LOG10(10000)', result: 4 }] },
  { name: 'MOD', category: 'math', kind: 'duckdb', signature: 'MOD(dividend, divisor)', examples: [{ sql: 'SELECT MOD(10,3)', result: 1 }] },
  {
    name: 'NEGATE',
    category: 'math',
    kind: 'macro',
    signature: 'NEGATE(real_number)',
    macro: [{ params: ['x'], body: '-(x)' }],
    examples: [
      { sql: 'SELECT NEGATE(10)', result: -10 },
      { sql: 'SELECT NEGATE(-12.4)', result: 12.4 },
    ],
  },
  { name: 'PI', category: 'math', kind: 'duckdb', signature: 'PI()', examples: [{ sql: 'SELECT PI()', result: 3.14159265358979 }] },
  {
    name: 'POWER',
    category: 'math',
    kind: 'duckdb',
    signature: 'POWER(float_expression, y)',
    examples: [
      { sql: 'SELECT POWER(2, 10)', result: 1024 },
      { sql: 'SELECT POWER(2, -2)', result: 0.25 },
    ],
  },
  {
    name: 'RADIANS',
    category: 'math',
    kind: 'duckdb',
    signature: 'RADIANS(float_expression)',
    examples: [{ sql: 'SELECT RADIANS(180)', result: 3.14159265358979 }],
  },
  {
    name: 'RAND',
    category: 'math',
    kind: 'macro',
    signature: 'RAND([integer_seed])',
    macro: [
      { params: [], body: 'random()' },
      { params: ['seed'], body: 'cdata_dotnet_random(seed)' },
    ],
    examples: [
      { sql: 'SELECT RAND()', result: null, note: 'random' },
      { sql: 'SELECT RAND(1)', result: 0.248668584157093 },
    ],
  },
  {
    name: 'ROUND',
    category: 'math',
    kind: 'macro',
    signature: 'ROUND(numeric_expression [, integer_length] [, function])',
    macro: [
      { params: ['x'], body: 'system.main.round(x)' },
      { params: ['x', 'n'], body: 'system.main.round(x, n)' },
      { params: ['x', 'n', 'f'], body: 'CASE WHEN CAST(f AS INTEGER) = 0 THEN system.main.round(x, n) ELSE trunc(x, n) END' },
    ],
    difference: "ROUND(x) and ROUND(x, n) stay DuckDB's; the third argument (truncate when not 0) is CData's.",
    examples: [
      { sql: 'SELECT ROUND(1.3, 0)', result: 1 },
      { sql: 'SELECT ROUND(1.55, 1)', result: 1.6 },
      { sql: 'SELECT ROUND(1.7, 0, 0)', result: 2 },
      { sql: 'SELECT ROUND(1.7, 0, 1)', result: 1 },
      { sql: 'SELECT ROUND (1.24)', result: '1.0' },
    ],
  },
  {
    name: 'SIGN',
    category: 'math',
    kind: 'duckdb',
    signature: 'SIGN(numeric_expression)',
    examples: [
      { sql: 'SELECT SIGN(0)', result: 0 },
      { sql: 'SELECT SIGN(10)', result: 1 },
      { sql: 'SELECT SIGN(-10)', result: -1 },
    ],
  },
  { name: 'SIN', category: 'math', kind: 'duckdb', signature: 'SIN(float_expression)', examples: [{ sql: 'SELECT SIN(1)', result: 0.841470984807897 }] },
  { name: 'SQRT', category: 'math', kind: 'duckdb', signature: 'SQRT(float_expression)', examples: [{ sql: 'SELECT SQRT(100)', result: 10 }] },
  {
    name: 'SQUARE',
    category: 'math',
    kind: 'macro',
    signature: 'SQUARE(float_expression)',
    macro: [{ params: ['x'], body: 'CAST(x AS DOUBLE) * CAST(x AS DOUBLE)' }],
    examples: [
      { sql: 'SELECT SQUARE(10)', result: 100 },
      { sql: 'SELECT SQUARE(-10)', result: 100 },
    ],
  },
  { name: 'TAN', category: 'math', kind: 'duckdb', signature: 'TAN(float_expression)', examples: [{ sql: 'SELECT TAN(1)', result: 1.5574077246549 }] },
  {
    name: 'TRUNC',
    category: 'math',
    kind: 'duckdb',
    signature: 'TRUNC(decimal_number, precision)',
    examples: [{ sql: 'SELECT TRUNC(10.3423,2)', result: 10.34 }],
  },

  // ——— Conversion ———
  {
    name: 'CAST',
    category: 'conversion',
    kind: 'duckdb',
    signature: 'CAST(expression AS datatype[(length)])',
    examples: [{ sql: "SELECT CAST ('2024-01-01' AS datetime)", result: '2024-01-01 00:00:00' }],
  },
  {
    name: 'CONVERT',
    category: 'conversion',
    kind: 'rewrite',
    signature: 'CONVERT(datatype[(length)], expression [, style])',
    difference: 'Rewritten to CAST(expression AS datatype) before DuckDB reads it; a style argument is refused (use strftime for date formats).',
    examples: [{ sql: 'SELECT CONVERT(VARCHAR, 12)', result: '12', note: "SQL Server's form, which CData's engine accepts; not on CData's function pages" }],
  },
  {
    name: 'IIF',
    category: 'conversion',
    kind: 'macro',
    signature: 'IIF(condition, true_value, false_value)',
    macro: [{ params: ['c', 'a', 'b'], body: 'CASE WHEN c THEN a ELSE b END' }],
    examples: [
      { sql: "SELECT IIF(1 > 0, 'yes', 'no')", result: 'yes', note: "SQL Server's form, which CData's engine accepts; not on CData's function pages" },
    ],
  },
  {
    name: 'COALESCE',
    category: 'conversion',
    kind: 'duckdb',
    signature: 'COALESCE(expression, …)',
    examples: [{ sql: "SELECT COALESCE(NULL, 'x')", result: 'x', note: "from CData's SELECT syntax" }],
  },
  {
    name: 'NULLIF',
    category: 'conversion',
    kind: 'duckdb',
    signature: 'NULLIF(expression, expression)',
    examples: [{ sql: 'SELECT NULLIF(1, 1)', result: null, note: "from CData's SELECT syntax" }],
  },

  // ——— Aggregate ———
  ...(['COUNT', 'COUNT(DISTINCT)', 'AVG', 'MIN', 'MAX', 'SUM'] as const).map(
    (agg): CdataFunction => ({
      name: agg,
      category: 'aggregate',
      kind: 'duckdb',
      signature: agg === 'COUNT(DISTINCT)' ? 'COUNT(DISTINCT expression)' : `${agg}(expression)`,
      examples: [],
    }),
  ),
];

/** The macros to create: helpers first (the functions call them), then CData's functions. */
export function macroDefinitions(): { name: string; overloads: readonly MacroOverload[] }[] {
  return [
    ...HELPER_MACROS,
    ...CDATA_FUNCTIONS.filter((f) => f.kind === 'macro' && f.macro).map((f) => ({
      name: f.name.toLowerCase(),
      overloads: f.macro as readonly MacroOverload[],
    })),
  ];
}

/** `CREATE MACRO` for one definition (the name quoted: `isnull` is a keyword of DuckDB's grammar). */
export function createMacroSql(def: { name: string; overloads: readonly MacroOverload[] }): string {
  return `CREATE MACRO "${def.name}" ${def.overloads.map((o) => `(${o.params.join(', ')}) AS ${o.body}`).join(', ')}`;
}
