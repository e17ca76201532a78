/**
 * Declarative parameter validation. Each route lists the parameters it accepts; anything else,
 * a wrong type, an out-of-range number or a missing required parameter is answered with
 * 400 / code 7, one `errors` entry per problem, each message naming its parameter.
 *
 * Unknown parameters are refused (the stricter reading, ARCHITECTURE.md §9): a client that misspells a
 * filter would otherwise silently receive unfiltered rows, a superset that hides its bug.
 */
import { Problems, badRequest } from './errors.js';
import { isDateOnly } from './time.js';

export type ParamType = 'int' | 'number' | 'string' | 'bool' | 'date' | 'intArray' | 'stringArray';

export interface ParamSpec {
  type: ParamType;
  required?: boolean;
  /** Inclusive bounds for int/number, and for the length of arrays when `minItems`. */
  min?: number;
  max?: number;
  /** Allowed values for strings. */
  oneOf?: readonly string[];
  /** An empty value means "clear this field" (writes only); parsed as null. */
  nullable?: boolean;
  minItems?: number;
}

/** Parameter name (arrays end in `[]`) to its spec or bare type. */
export type ParamsSpec = Record<string, ParamSpec | ParamType>;

export type ParamValue = number | string | boolean | null | number[] | string[];

/** Parsed parameters, keyed by name without the `[]` suffix. */
export type Params = Record<string, ParamValue | undefined>;

/** Names matched by pattern rather than listed (e.g. `customField_12_min`); see `collectDynamic`. */
export type DynamicMatcher = (name: string) => boolean;

const INT_RE = /^-?\d+$/;
const NUMBER_RE = /^-?\d+(\.\d+)?$/;

function normalize(spec: ParamSpec | ParamType): ParamSpec {
  return typeof spec === 'string' ? { type: spec } : spec;
}

function parseScalar(name: string, raw: string, spec: ParamSpec): number | string | boolean | null {
  if (raw === '' && spec.nullable) return null;
  switch (spec.type) {
    case 'int':
    case 'intArray': {
      if (!INT_RE.test(raw) || !Number.isSafeInteger(Number(raw))) {
        throw badRequest(`Invalid parameter '${name}': '${raw}' is not an integer.`);
      }
      const n = Number(raw);
      if (spec.type === 'int') checkRange(name, n, spec);
      return n;
    }
    case 'number': {
      if (!NUMBER_RE.test(raw)) throw badRequest(`Invalid parameter '${name}': '${raw}' is not a number.`);
      const n = Number(raw);
      checkRange(name, n, spec);
      return n;
    }
    case 'bool':
      if (raw !== 'true' && raw !== 'false') {
        throw badRequest(`Invalid parameter '${name}': '${raw}' is not true or false.`);
      }
      return raw === 'true';
    case 'date':
      if (!isDateOnly(raw)) throw badRequest(`Invalid parameter '${name}': '${raw}' is not a date in yyyy-MM-dd form.`);
      return raw;
    case 'string':
    case 'stringArray':
      if (spec.oneOf && !spec.oneOf.includes(raw)) {
        throw badRequest(`Invalid parameter '${name}': '${raw}' is not one of ${spec.oneOf.join(', ')}.`);
      }
      return raw;
  }
}

function checkRange(name: string, n: number, spec: ParamSpec): void {
  if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
    const range =
      spec.min !== undefined && spec.max !== undefined
        ? `between ${spec.min} and ${spec.max}`
        : spec.min !== undefined
          ? `at least ${spec.min}`
          : `at most ${spec.max}`;
    throw badRequest(`Invalid parameter '${name}': ${n} is out of range (must be ${range}).`);
  }
}

/** `name[3]`: an array parameter with an explicit index, as backlog-js sends customField_* values. */
const INDEXED_RE = /^(.+)\[(\d+)\]$/;

/**
 * The raw values of each declared array parameter, from both forms Backlog accepts: repeated
 * `name[]=…` (in the order sent) and indexed `name[0]=…&name[1]=…` (in index order, after the
 * bracket form). Returns the input's other names untouched.
 */
function gatherArrays(input: URLSearchParams, spec: ParamsSpec): { arrays: Map<string, { sentAs: string; value: string }[]>; others: string[] } {
  const arrays = new Map<string, { sentAs: string; value: string }[]>();
  const indexed = new Map<string, { index: number; sentAs: string; value: string }[]>();
  const others: string[] = [];
  const seen = new Set<string>();
  for (const name of input.keys()) {
    if (seen.has(name)) continue;
    seen.add(name);
    const values = input.getAll(name);
    const declared = spec[name];
    if (declared !== undefined && name.endsWith('[]')) {
      arrays.set(name, [...(arrays.get(name) ?? []), ...values.map((value) => ({ sentAs: name, value }))]);
      continue;
    }
    const m = declared === undefined ? INDEXED_RE.exec(name) : null;
    const arrayName = m ? `${m[1]}[]` : undefined;
    if (m && arrayName && spec[arrayName] !== undefined) {
      const list = indexed.get(arrayName) ?? [];
      for (const value of values) list.push({ index: Number(m[2]), sentAs: name, value });
      indexed.set(arrayName, list);
      continue;
    }
    others.push(name);
  }
  for (const [name, list] of indexed) {
    list.sort((a, b) => a.index - b.index);
    arrays.set(name, [...(arrays.get(name) ?? []), ...list.map(({ sentAs, value }) => ({ sentAs, value }))]);
  }
  return { arrays, others };
}

/**
 * Validate `input` against `spec`, naming every problem (unknown, malformed, out of range,
 * missing) in one 400 answer, one `errors` entry each, as Backlog does. Array parameters are
 * accepted as `name[]` or indexed `name[0]`. Names accepted by `dynamic` are passed through raw
 * (as string arrays, keyed by their full name) for the route to interpret.
 */
export function parseParams(input: URLSearchParams, spec: ParamsSpec, dynamic?: DynamicMatcher): { params: Params; dynamic: Map<string, string[]> } {
  const params: Params = {};
  const extra = new Map<string, string[]>();
  const problems = new Problems();
  /** Declared parameters sent with a value that failed; they are not also "missing". */
  const malformed = new Set<string>();
  const { arrays, others } = gatherArrays(input, spec);
  for (const name of others) {
    const values = input.getAll(name);
    const declared = spec[name];
    if (declared === undefined) {
      if (dynamic?.(name)) {
        extra.set(name, values);
        continue;
      }
      // Accept `name` for a declared array `name[]` only as Backlog's docs never do: refuse it,
      // naming the form that works.
      problems.add(
        spec[`${name}[]`] !== undefined
          ? `Invalid parameter '${name}': send it as '${name}[]' (repeat it for several values).`
          : `Unknown parameter '${name}'.`,
      );
      continue;
    }
    const s = normalize(declared);
    if (values.length > 1) {
      problems.add(`Invalid parameter '${name}': given ${values.length} times, expected once.`);
      malformed.add(name);
      continue;
    }
    const v = problems.check(() => parseScalar(name, values[0] ?? '', s));
    if (v === undefined) malformed.add(name);
    else params[name] = v;
  }
  for (const [name, sent] of arrays) {
    const s = normalize(spec[name] as ParamSpec | ParamType);
    const parsed: (number | string | boolean | null)[] = [];
    for (const { sentAs, value } of sent) {
      if (value === '' && s.nullable) continue;
      const v = problems.check(() => parseScalar(sentAs, value, s));
      if (v === undefined) malformed.add(name);
      else parsed.push(v);
    }
    params[name.slice(0, -2)] = parsed as number[] | string[];
  }
  for (const [name, declared] of Object.entries(spec)) {
    const s = normalize(declared);
    const key = name.endsWith('[]') ? name.slice(0, -2) : name;
    const value = params[key];
    if (malformed.has(name)) continue;
    if (s.required && (value === undefined || value === '' || (Array.isArray(value) && value.length === 0))) {
      problems.add(`Missing required parameter '${name}'.`);
    }
    if (s.minItems !== undefined && Array.isArray(value) && value.length < s.minItems) {
      problems.add(`Invalid parameter '${name}': at least ${s.minItems} value(s) required.`);
    }
  }
  problems.throwIfAny();
  return { params, dynamic: extra };
}

/** Typed getters over parsed params, for handler readability. */
export function int(p: Params, key: string): number | undefined {
  const v = p[key];
  return typeof v === 'number' ? v : undefined;
}
export function str(p: Params, key: string): string | undefined {
  const v = p[key];
  return typeof v === 'string' ? v : undefined;
}
export function bool(p: Params, key: string): boolean | undefined {
  const v = p[key];
  return typeof v === 'boolean' ? v : undefined;
}
export function ints(p: Params, key: string): number[] | undefined {
  const v = p[key];
  return Array.isArray(v) ? (v as number[]) : undefined;
}
export function strs(p: Params, key: string): string[] | undefined {
  const v = p[key];
  return Array.isArray(v) ? (v as string[]) : undefined;
}
/** True when the key was sent (possibly empty, meaning "clear"). */
export function has(p: Params, key: string): boolean {
  return p[key] !== undefined;
}

/** Standard specs reused by many routes. */
export const PAGING_OFFSET: ParamsSpec = {
  offset: { type: 'int', min: 0 },
  count: { type: 'int', min: 1, max: 100 },
  order: { type: 'string', oneOf: ['asc', 'desc'] },
};

export const PAGING_KEYSET: ParamsSpec = {
  minId: { type: 'int', min: 0 },
  maxId: { type: 'int', min: 0 },
  count: { type: 'int', min: 1, max: 100 },
  order: { type: 'string', oneOf: ['asc', 'desc'] },
};
