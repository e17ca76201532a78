/**
 * One printed form for a value of ours and a result as CData's pages print it, so that the two
 * compare: dates as ISO (CData prints 2/6/2015 and 6/25/2019 10:06:58 AM), a midnight timestamp
 * as its date, numbers to CData's 15 significant digits, quotes around text dropped.
 */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Our value (the library's JS value) printed. */
export function printOurs(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (v instanceof Date) {
    const date = `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
    const ms = v.getUTCMilliseconds();
    if (v.getUTCHours() === 0 && v.getUTCMinutes() === 0 && v.getUTCSeconds() === 0 && ms === 0) return date;
    return `${date} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}`;
  }
  if (typeof v === 'number') return printNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) && !/^0\d/.test(v)) return printNumber(Number(v));
  return String(v);
}

/** CData's documented result printed the same way. */
export function printCdata(v: string | number | null): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return printNumber(v);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2}):(\d{2}) (AM|PM))?$/.exec(v);
  if (us) {
    const date = `${us[3]}-${pad(Number(us[1]))}-${pad(Number(us[2]))}`;
    if (!us[4]) return date;
    const hour = (Number(us[4]) % 12) + (us[7] === 'PM' ? 12 : 0);
    return `${date} ${pad(hour)}:${us[5]}:${us[6]}`;
  }
  if (/^-?\d+(\.\d+)?$/.test(v) && !/^0\d/.test(v)) return printNumber(Number(v));
  // A midnight timestamp prints as its date, as ours does.
  return v.replace(/^(\d{4}-\d{2}-\d{2}) 00:00:00(\.0+)?$/, '$1');
}

function printNumber(n: number): string {
  return String(Number(n.toPrecision(15)));
}
