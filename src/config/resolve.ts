/**
 * Connection properties → a typed, validated configuration (ARCHITECTURE.md §3, docs/cdata-driver.md
 * §2). Input is a CData-style connection string or an options object keyed by property names in
 * any case (so `apiKey`, `pageSize`, `readonly` all match). The property catalog is
 * ./properties.ts; the string syntax is ./connection-string.ts.
 *
 * Every problem is a ConfigError naming the property and the fix. No message or warning contains a
 * secret: messages quote values only of non-sensitive properties, and as a last line every text
 * leaving this module is scrubbed of every secret it was given (properties and environment).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inferAuthScheme } from './auth-scheme.js';
import { ConfigError, isBacklogSqlError } from '../errors.js';
import { parseConnectionString } from './connection-string.js';
import type { ConnectionProperties } from './options.js';
import {
  AUTH_SCHEMES,
  INITIATE_OAUTH_MODES,
  OTHER_OPTIONS,
  PROPERTIES,
  PROPERTY_CATEGORIES,
  findProperty,
  type AuthScheme,
  type InitiateOAuth,
  type PropertyDef,
} from './properties.js';

/** A connection string, or an options object keyed by property names (any case). */
export type ConnectionInput = string | ConnectionProperties | Record<string, unknown>;

export interface ProxyConfig {
  protocol: 'http' | 'https';
  /** Host name or address (IPv6 in brackets), without port or credentials. */
  server: string;
  port: number;
  user?: string;
  password?: string;
}

export interface OAuthConfig {
  initiateOAuth: InitiateOAuth;
  clientId?: string;
  clientSecret?: string;
  callbackUrl: string;
  settingsLocation?: string;
  accessToken?: string;
  refreshToken?: string;
  verifier?: string;
  /** Seconds. */
  expiresIn?: number;
  /** Unix epoch in milliseconds, as given. */
  tokenTimestamp?: string;
  usePkce: boolean;
}

export interface ResolvedConfig {
  /** Space base URL: origin plus any on-premise path, no trailing slash, no `/api/v2`. */
  url: string;
  /** Host with a non-default port (`myspace.backlog.com`, `127.0.0.1:5173`): keys token stores and budgets. */
  host: string;
  authScheme: AuthScheme;
  /** Set when authScheme is APIToken (from ApiKey or BACKLOG_API_KEY). */
  apiKey?: string;
  /** Per-request timeout; 0 = none. */
  timeoutMs: number;
  /** -1 = no limit. */
  maxRows: number;
  /** Pagesize as given (1–100); undefined = each endpoint's largest page (100; 1000 for shared files). */
  pageSize?: number;
  readonly: boolean;
  logfile?: string;
  /** UserDefinedViews: the JSON file of user-defined views (src/sql/dialect/user-views.ts). */
  userDefinedViews?: string;
  /** Location: CData's schema folder; its UserDefinedViews.json is the views file when UserDefinedViews is not set. */
  location?: string;
  verbosity: number;
  proxy?: ProxyConfig;
  /** PEM text of the certificates to trust instead of the system CAs. */
  sslServerCert?: string;
  includeCustomFields: boolean;
  /** From `Other=Pushdown=false`: false sends no filters to the API (correctness suite). */
  pushdown: boolean;
  oauth: OAuthConfig;
  /** CacheConnection: where REPLICATE writes (src/sync/target.ts parses it). */
  cacheConnection?: string;
  /** CacheLocation: the query cache (a DuckDB file or memory://), and REPLICATE's file when CacheConnection is not set. */
  cacheLocation?: string;
  /** AutoCache: keep every table a query reads in the cache (src/cache). */
  autoCache: boolean;
  /** CacheTolerance in seconds: how stale a cached table may be before a query refreshes it. */
  cacheToleranceSeconds: number;
  /** Offline: answer only from the cache, send no request. */
  offline: boolean;
  /** CData-only properties that were given (and ignored), by CData name, values as given. */
  ignoredProperties: Readonly<Record<string, string>>;
}

/** One row of sys_connection_props (docs/cdata-driver.md §5). */
export interface ConnectionPropRow {
  Name: string;
  ShortDescription: string;
  Type: string;
  Default: string;
  Values: string;
  Value: string;
  Required: boolean;
  Category: string;
  IsSessionProperty: boolean;
  /** 'SENSITIVE' for secrets (masked in Value), '' otherwise. */
  Sensitivity: string;
  /** The camelCase key for the options object, e.g. `apiKey`. */
  PropertyName: string;
  /** Position within the category, from 0. */
  Ordinal: number;
  /** Position of the category, from 0 (CData's group order). */
  CatOrdinal: number;
  Hierarchy: string;
  /** False for CData-only properties, which are accepted but do nothing. */
  Visible: boolean;
  /** 'extension' (ours, not CData's), 'ignored' (CData-only) or ''. */
  ETC: string;
}

export const MASK = '********';

const ENV_API_KEY = 'BACKLOG_API_KEY';
const ENV_CLIENT_SECRET = 'BACKLOG_OAUTH_CLIENT_SECRET';

/** Shortest secret scrubbed from messages: shorter strings would garble ordinary words. */
const MIN_SCRUB_LENGTH = 4;

const CLOUD_DOMAINS = ['backlog.com', 'backlog.jp', 'backlogtool.com'] as const;

const URL_HINT = 'Set URL to your space address, e.g. URL=https://myspace.backlog.com (or .backlog.jp, .backlogtool.com, or your on-premise https address).';

/** Names people reach for that are not properties, and where the setting lives instead. */
const NOT_PROPERTIES: Record<string, string> = {
  space: 'URL',
  spacekey: 'URL',
  spaceid: 'URL',
  host: 'URL',
  hostname: 'URL',
  domain: 'URL',
  server: 'URL',
  baseurl: 'URL',
  apitoken: 'ApiKey',
  token: 'OAuthAccessToken',
  accesstoken: 'OAuthAccessToken',
  refreshtoken: 'OAuthRefreshToken',
  clientid: 'OAuthClientId',
  clientsecret: 'OAuthClientSecret',
  redirecturi: 'CallbackURL',
  redirecturl: 'CallbackURL',
};

// ---------------------------------------------------------------------------------------------
// Entry points

/**
 * Validates connection properties and resolves defaults and environment fallbacks.
 *
 * @example
 * const { config, warnings } = resolveConfig('URL=https://myspace.backlog.com;ApiKey=…;Pagesize=50');
 * const same = resolveConfig({ url: 'https://myspace.backlog.com', pageSize: 50 }, { BACKLOG_API_KEY: '…' });
 */
export function resolveConfig(input: ConnectionInput, env: Record<string, string | undefined> = process.env): { config: ResolvedConfig; warnings: string[] } {
  const secrets = new Set<string>();
  for (const name of [ENV_API_KEY, ENV_CLIENT_SECRET]) addSecret(secrets, env[name]);
  try {
    const entries = toEntries(input);
    for (const e of entries) if (findProperty(e.name)?.sensitive) addSecret(secrets, e.value);
    const { config, warnings } = build(entries, env);
    return { config, warnings: warnings.map((w) => scrub(w, secrets)) };
  } catch (e) {
    if (e instanceof ConfigError) throw scrubError(e, secrets);
    throw e;
  }
}

/** Rows of sys_connection_props; with a config, `Value` is its current value (secrets masked). */
export function describeProperties(config?: ResolvedConfig): ConnectionPropRow[] {
  const ordinals = new Map<string, number>();
  return PROPERTIES.map((def) => {
    const ordinal = ordinals.get(def.category) ?? 0;
    ordinals.set(def.category, ordinal + 1);
    let value = config ? currentValue(def, config) : undefined;
    if (value !== undefined && value !== '' && def.sensitive) value = MASK;
    return {
      Name: def.name,
      ShortDescription: def.cdataOnly ? `${def.description} Ignored: ${def.ignoredBecause ?? 'not used by backlog-sql'}.` : def.description,
      Type: def.type,
      Default: def.default,
      Values: def.values?.join(',') ?? (def.type === 'bool' ? 'true,false' : ''),
      Value: value ?? def.default,
      Required: def.required === true,
      Category: def.category,
      IsSessionProperty: false,
      Sensitivity: def.sensitive ? 'SENSITIVE' : '',
      PropertyName: optionKey(def.name),
      Ordinal: ordinal,
      CatOrdinal: PROPERTY_CATEGORIES.indexOf(def.category),
      Hierarchy: def.category === 'OAuth' ? 'AuthScheme=OAuth' : def.name === 'ApiKey' ? 'AuthScheme=APIToken' : '',
      Visible: !def.cdataOnly,
      ETC: def.extension ? 'extension' : def.cdataOnly ? 'ignored' : '',
    };
  });
}

/** sys_connection_props column spec (`Name:TYPE`, VARCHAR when untyped), in ConnectionPropRow order. */
export const CONNECTION_PROPS_COLUMNS =
  'Name,ShortDescription,Type,Default,Values,Value,Required:BOOLEAN,Category,IsSessionProperty:BOOLEAN,Sensitivity,PropertyName,Ordinal:BIGINT,CatOrdinal:BIGINT,Hierarchy,Visible:BOOLEAN,ETC';

/** describeProperties as the column spec and row arrays that schema/system.ts takes. */
export function connectionPropsTable(config?: ResolvedConfig): { columns: string; rows: unknown[][] } {
  const names = CONNECTION_PROPS_COLUMNS.split(',').map((c) => c.split(':')[0] as keyof ConnectionPropRow);
  return { columns: CONNECTION_PROPS_COLUMNS, rows: describeProperties(config).map((row) => names.map((n) => row[n])) };
}

/** A copy safe to log or print: every secret replaced by `********`. */
export function redactConfig(config: ResolvedConfig): ResolvedConfig {
  const mask = (v: string | undefined): string | undefined => (v === undefined ? undefined : MASK);
  const ignored: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.ignoredProperties)) ignored[name] = findProperty(name)?.sensitive ? MASK : value;
  const copy: ResolvedConfig = {
    ...config,
    apiKey: mask(config.apiKey),
    proxy: config.proxy && { ...config.proxy, password: mask(config.proxy.password) },
    oauth: {
      ...config.oauth,
      clientSecret: mask(config.oauth.clientSecret),
      accessToken: mask(config.oauth.accessToken),
      refreshToken: mask(config.oauth.refreshToken),
      verifier: mask(config.oauth.verifier),
    },
    ignoredProperties: ignored,
  };
  dropUndefined(copy);
  dropUndefined(copy.oauth);
  if (copy.proxy) dropUndefined(copy.proxy);
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Input → entries

interface Entry {
  /** As written by the user. */
  name: string;
  value: unknown;
}

/**
 * The property an unquoted value runs into (`Verbosity=3, OAuthClientSecret=…` with the `;`
 * forgotten): the property name found before a `=` inside the value, if any. Such a value is
 * never quoted in a message, since what follows may be a secret.
 */
export function propertyInValue(value: string): PropertyDef | undefined {
  for (const m of value.matchAll(/([A-Za-z][A-Za-z0-9]*)\s*=/g)) {
    const word = m[1] as string;
    // A URL's query parameter (`?apiKey=`) is the URL's own mistake, reported as such.
    if (/[?&]/.test(value[m.index - 1] ?? '')) continue;
    // The longest property name the word ends with: `xCallbackURL=` is CallbackURL, not URL.
    for (let start = 0; start < word.length; start++) {
      const found = findProperty(word.slice(start));
      if (found) return found;
    }
  }
  return undefined;
}

function ordinal(n: number): string {
  const tens = n % 100;
  return `${n}${tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`;
}

function toEntries(input: ConnectionInput): Entry[] {
  if (typeof input === 'string') {
    return parseConnectionString(input).map(({ name, value, index, quoted }) => {
      const into = quoted ? undefined : propertyInValue(value);
      if (into) {
        // Only a real property's name is repeated: a name as written may hold a value.
        const own = findProperty(name)?.name;
        const which = own ? `${own} (its ${ordinal(index)} entry)` : `its ${ordinal(index)} entry`;
        throw new ConfigError(`a ";" is missing in the connection string: the value of ${which} runs into ${into.name}=`, own, {
          hint: `End each Name=Value with ";" — put one before ${into.name} — and write a value that really contains "=" in double quotes.`,
        });
      }
      return { name, value };
    });
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError('connection properties must be a connection string or an options object', undefined, {
      hint: 'Pass "URL=https://myspace.backlog.com;ApiKey=…" or { url: "https://myspace.backlog.com", apiKey: "…" }.',
    });
  }
  return Object.entries(input)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([name, value]) => ({ name, value }));
}

// ---------------------------------------------------------------------------------------------
// Validation

type Given = Map<PropertyDef, unknown>;

function build(entries: Entry[], env: Record<string, string | undefined>): { config: ResolvedConfig; warnings: string[] } {
  const warnings: string[] = [];
  const given: Given = new Map();
  const spelledAs = new Map<PropertyDef, string>();
  const ignoredProperties: Record<string, string> = {};

  for (const entry of entries) {
    const def = findProperty(entry.name);
    if (!def) throw unknownProperty(entry.name);
    const earlier = spelledAs.get(def);
    if (earlier !== undefined) {
      const spellings = earlier === entry.name ? '' : ` (as "${earlier}" and "${entry.name}")`;
      throw new ConfigError(`${def.name} is given twice${spellings}`, def.name, { hint: `Give ${def.name} once.` });
    }
    spelledAs.set(def, entry.name);
    if (def.cdataOnly) {
      ignoredProperties[def.name] = typeof entry.value === 'object' ? JSON.stringify(entry.value) : String(entry.value);
      warnings.push(`ignoring ${def.name}: a CData driver property with no effect in backlog-sql (${def.ignoredBecause ?? 'not used'})`);
      continue;
    }
    // An empty value means "not set", as in CData's strings (`ApiKey=;`).
    if (typeof entry.value === 'string' && entry.value.trim() === '') continue;
    given.set(def, entry.value);
  }

  const get = (name: string): unknown => given.get(findProperty(name) as PropertyDef);
  const has = (name: string): boolean => given.has(findProperty(name) as PropertyDef);

  const { url, host } = resolveUrl(get('URL') === undefined ? undefined : asString('URL', get('URL')));

  const authSchemeGiven = has('AuthScheme');
  const oauthGiven = PROPERTIES.filter((p) => p.category === 'OAuth' && given.has(p)).map((p) => p.name);
  // No AuthScheme: OAuth properties without ApiKey mean OAuth, as the seed page's flows write them.
  const inferred = inferAuthScheme({
    given: enumValue('AuthScheme', get('AuthScheme'), AUTH_SCHEMES),
    oauthProperties: oauthGiven.filter(
      (n) => n !== 'UsePKCE' && !(n === 'InitiateOAuth' && enumValue('InitiateOAuth', get(n), INITIATE_OAUTH_MODES) === 'OFF'),
    ),
    apiKeyProperty: has('ApiKey'),
    envApiKey: Boolean(env[ENV_API_KEY]?.trim()),
  });
  const authScheme = inferred.scheme;
  warnings.push(...inferred.warnings);

  let apiKey: string | undefined;
  if (authScheme === 'APIToken') {
    const fromProperty = stringValue('ApiKey', get('ApiKey'));
    const fromEnv = env[ENV_API_KEY]?.trim() || undefined;
    apiKey = fromProperty ?? fromEnv;
    if (apiKey === undefined) {
      const orOAuth = !authSchemeGiven && oauthGiven.length > 0 ? ' — or, to sign in with OAuth, set AuthScheme=OAuth' : '';
      throw new ConfigError(`ApiKey is required with AuthScheme=APIToken: set ApiKey or the environment variable ${ENV_API_KEY}${orOAuth}`, 'ApiKey', {
        hint: 'Issue an API key in Backlog under Personal Settings → API.',
      });
    }
    if (/\s/.test(apiKey)) {
      throw new ConfigError(`ApiKey contains white space${fromProperty === undefined ? ` (from ${ENV_API_KEY})` : ''}`, 'ApiKey', {
        hint: 'Copy the key again from Personal Settings → API, without spaces or line breaks.',
      });
    }
    const ignoredOAuth = oauthGiven.filter((n) => !(n === 'InitiateOAuth' && enumValue('InitiateOAuth', get(n), INITIATE_OAUTH_MODES) === 'OFF'));
    if (ignoredOAuth.length > 0) warnings.push(`ignoring ${ignoredOAuth.join(', ')}: OAuth properties have no effect with AuthScheme=APIToken`);
  } else if (has('ApiKey') && authSchemeGiven) {
    warnings.push('ignoring ApiKey: AuthScheme=OAuth signs in with OAuth, not with an API key');
  }

  const timeout = intValue('Timeout', get('Timeout')) ?? 60;
  const maxRowsGiven = intValue('MaxRows', get('MaxRows')) ?? -1;

  const oauth: OAuthConfig = {
    initiateOAuth: enumValue('InitiateOAuth', get('InitiateOAuth'), INITIATE_OAUTH_MODES) ?? 'OFF',
    clientId: stringValue('OAuthClientId', get('OAuthClientId')),
    clientSecret: stringValue('OAuthClientSecret', get('OAuthClientSecret')) ?? (env[ENV_CLIENT_SECRET]?.trim() || undefined),
    callbackUrl: stringValue('CallbackURL', get('CallbackURL')) ?? 'http://localhost:33333',
    settingsLocation: stringValue('OAuthSettingsLocation', get('OAuthSettingsLocation')),
    accessToken: stringValue('OAuthAccessToken', get('OAuthAccessToken')),
    refreshToken: stringValue('OAuthRefreshToken', get('OAuthRefreshToken')),
    verifier: stringValue('OAuthVerifier', get('OAuthVerifier')),
    expiresIn: intValue('OAuthExpiresIn', get('OAuthExpiresIn')),
    tokenTimestamp: stringValue('OAuthTokenTimestamp', get('OAuthTokenTimestamp')),
    usePkce: boolValue('UsePKCE', get('UsePKCE')) ?? true,
  };

  const cacheConnection = stringValue('CacheConnection', get('CacheConnection'));
  // A password in the destination URL would sit in connection strings, logs and process lists.
  if (cacheConnection && (/^(jdbc:)?postgres(ql)?:\/\/[^/?#@]*:[^/?#@]*@/i.test(cacheConnection) || /[?&]password=/i.test(cacheConnection))) {
    throw new ConfigError('CacheConnection contains a password', 'CacheConnection', {
      hint: 'Remove it from the URL and set PGPASSWORD in the environment, or put it in ~/.pgpass (host:port:database:user:password, mode 0600).',
    });
  }
  const config: ResolvedConfig = {
    url,
    host,
    authScheme,
    apiKey,
    timeoutMs: timeout * 1000,
    maxRows: maxRowsGiven === 0 ? -1 : maxRowsGiven,
    pageSize: intValue('Pagesize', get('Pagesize')),
    readonly: boolValue('Readonly', get('Readonly')) ?? false,
    logfile: stringValue('Logfile', get('Logfile')),
    userDefinedViews: stringValue('UserDefinedViews', get('UserDefinedViews')),
    location: stringValue('Location', get('Location')),
    verbosity: intValue('Verbosity', get('Verbosity')) ?? 1,
    proxy: resolveProxy(get, warnings),
    sslServerCert: has('SSLServerCert') ? resolveCert(asString('SSLServerCert', get('SSLServerCert'))) : undefined,
    includeCustomFields: boolValue('IncludeCustomFields', get('IncludeCustomFields')) ?? false,
    pushdown: resolveOther(get('Other'), warnings).pushdown,
    oauth,
    cacheConnection,
    cacheLocation: stringValue('CacheLocation', get('CacheLocation')),
    autoCache: boolValue('AutoCache', get('AutoCache')) ?? false,
    cacheToleranceSeconds: Math.max(0, intValue('CacheTolerance', get('CacheTolerance')) ?? 600),
    offline: boolValue('Offline', get('Offline')) ?? false,
    ignoredProperties: Object.freeze(ignoredProperties),
  };
  dropUndefined(config);
  dropUndefined(config.oauth);
  return { config: seal(config), warnings };
}

function unknownProperty(name: string): ConfigError {
  // A name that begins with a property's name, or is not one word, may hold a value whose "="
  // was lost (`ApiKeyabc123`, `Verbosity3, ApiKey`): never repeated whole.
  const lower = name.trim().toLowerCase();
  const prefix = PROPERTIES.filter((p) => lower.startsWith(p.name.toLowerCase()) && lower.length > p.name.length).sort(
    (a, b) => b.name.length - a.name.length,
  )[0];
  if (prefix) {
    return new ConfigError(
      `unknown connection property "${prefix.name}…" (the rest of the name is not shown); is the "=" after ${prefix.name} missing?`,
      prefix.name,
      {
        hint: `Write ${prefix.name}=value, and end each Name=Value with ";".`,
      },
    );
  }
  if (!/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(name.trim())) {
    return new ConfigError(
      'an entry of the connection string has a name that is not a property name (not shown: it holds characters no property name has, maybe a value)',
      undefined,
      {
        hint: 'Write the connection string as Name=Value pairs separated by ";", and quote values that contain ";" or "=".',
      },
    );
  }
  const target = NOT_PROPERTIES[name.toLowerCase().replace(/[^a-z0-9]/g, '')] ?? closestProperty(name);
  const suggestion = target === undefined ? '' : `; did you mean "${target}"?`;
  return new ConfigError(`unknown connection property "${name}"${suggestion}`, name, {
    hint:
      target === 'URL'
        ? 'The space goes into URL, e.g. URL=https://myspace.backlog.com.'
        : 'Property names follow the CData driver for Backlog; SELECT Name FROM sys_connection_props lists them.',
  });
}

function closestProperty(name: string): string | undefined {
  const wanted = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (wanted === '') return undefined;
  const limit = wanted.length <= 4 ? 1 : wanted.length <= 8 ? 2 : 3;
  let best: PropertyDef | undefined;
  let bestDistance = Infinity;
  for (const def of PROPERTIES) {
    const d = editDistance(wanted, def.name.toLowerCase());
    // Ties go to a property that does something.
    if (d < bestDistance || (d === bestDistance && best?.cdataOnly && !def.cdataOnly)) {
      best = def;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best?.name : undefined;
}

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] as number;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  }
  return at(a.length, b.length);
}

// --- typed values ----------------------------------------------------------------------------

function def(name: string): PropertyDef {
  return findProperty(name) as PropertyDef;
}

/** The value quoted for a message; nothing for a secret, or for a value that may hold another property. */
function shown(name: string, raw: unknown): string {
  if (def(name).sensitive) return '';
  const text = typeof raw === 'string' ? raw : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
  if (/[=;]/.test(text)) return '';
  return `, not "${text.length > 80 ? `${text.slice(0, 80)}…` : text}"`;
}

function asString(name: string, raw: unknown): string {
  if (typeof raw === 'string') return raw.trim();
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  throw new ConfigError(`${name} must be text${shown(name, raw)}`, name);
}

function stringValue(name: string, raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  const text = asString(name, raw);
  return text === '' ? undefined : text;
}

function intValue(name: string, raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const { min, max } = def(name);
  const range =
    min !== undefined && max !== undefined
      ? ` from ${min} to ${max}`
      : min !== undefined
        ? ` of at least ${min}`
        : max !== undefined
          ? ` of at most ${max}`
          : '';
  const fail = (): ConfigError =>
    new ConfigError(`${name} must be a whole number${range}${shown(name, raw)}`, name, {
      hint: `${def(name).description} Default: ${def(name).default || 'none'}.`,
    });
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string' && /^[+-]?\d+$/.test(raw.trim())) n = Number(raw.trim());
  else throw fail();
  if (!Number.isSafeInteger(n) || (min !== undefined && n < min) || (max !== undefined && n > max)) throw fail();
  return n;
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

function boolValue(name: string, raw: unknown): boolean | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'boolean') return raw;
  const word = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim().toLowerCase() : undefined;
  if (word !== undefined && TRUE_WORDS.has(word)) return true;
  if (word !== undefined && FALSE_WORDS.has(word)) return false;
  throw new ConfigError(`${name} must be true or false${shown(name, raw)}`, name, { hint: def(name).description });
}

function enumValue<T extends string>(name: string, raw: unknown, values: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  const text = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  const found = values.find((v) => v.toLowerCase() === text);
  if (found === undefined) throw new ConfigError(`${name} must be one of ${values.join(', ')}${shown(name, raw)}`, name, { hint: def(name).description });
  return found;
}

// --- URL ----------------------------------------------------------------------------------------

function isLoopback(hostname: string): boolean {
  // WHATWG URL has already normalized IPv4 forms (127.1 → 127.0.0.1) and IPv6 ([0:0::1] → [::1]).
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** A likely intended URL for a value without a scheme, if the value looks like a space key or host. */
function suggestUrl(text: string): string | undefined {
  const t = text.replace(/\/+$/, '');
  // Space keys are short; a 64-character API key pasted here must not be echoed.
  if (/^[a-z0-9][a-z0-9-]{0,29}$/i.test(t)) return `https://${t.toLowerCase()}.backlog.com`;
  if (/^(localhost|127\.\d+\.\d+\.\d+)(:\d+)?$/i.test(t)) return `http://${t}`;
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(\/[\w./-]*)?$/i.test(t) && t.length <= 200) return `https://${t}`;
  return undefined;
}

function resolveUrl(raw: string | undefined): { url: string; host: string } {
  if (raw === undefined || raw === '') {
    throw new ConfigError('URL is required: give the space address, e.g. URL=https://myspace.backlog.com', 'URL', { hint: URL_HINT });
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    const suggestion = suggestUrl(raw);
    throw new ConfigError(`URL must start with https://${suggestion ? `; did you mean ${suggestion}?` : ''}`, 'URL', { hint: URL_HINT });
  }
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError('URL is not a valid address', 'URL', { hint: URL_HINT });
  }
  if (u.username !== '' || u.password !== '') {
    throw new ConfigError('URL must not contain a user name or password', 'URL', {
      hint: `Use ${u.protocol}//${u.host} and put the API key in ApiKey or ${ENV_API_KEY}.`,
    });
  }
  if (u.search !== '' || u.hash !== '') {
    throw new ConfigError('URL must not contain a query string or fragment', 'URL', {
      hint: `Use ${u.protocol}//${u.host} and put the API key in ApiKey or ${ENV_API_KEY}.`,
    });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new ConfigError(`URL must use https, not ${u.protocol.slice(0, -1)}`, 'URL', { hint: URL_HINT });
  }

  let path = u.pathname.replace(/\/+$/, '');
  const api = /\/api\/v2(\/|$)/i.exec(path);
  if (api) {
    if (api.index + api[0].length < path.length) {
      throw new ConfigError(`URL must be the space's base address, not an API path; did you mean ${u.protocol}//${u.host}${path.slice(0, api.index)}?`, 'URL', {
        hint: URL_HINT,
      });
    }
    path = path.slice(0, api.index).replace(/\/+$/, '');
  }

  if (u.protocol === 'http:' && !isLoopback(u.hostname)) {
    throw new ConfigError(`plain http is refused for ${u.hostname}: the API key or token would travel unencrypted; use https://${u.host}${path}`, 'URL', {
      hint: 'Over http the API key or OAuth token would cross the network unencrypted: API and token endpoints must be https, except on loopback (127.0.0.0/8, ::1, localhost), where the emulator runs (rule OAUTH-14).',
    });
  }

  const cloud = CLOUD_DOMAINS.find((d) => u.hostname === d || u.hostname.endsWith(`.${d}`));
  if (cloud !== undefined) {
    if (u.hostname === cloud || u.hostname === `www.${cloud}`) {
      throw new ConfigError(`URL names ${u.hostname} without a space`, 'URL', { hint: `Use your space's address, e.g. https://myspace.${cloud}.` });
    }
    if (path !== '') {
      // A browser address such as /projects/FOO or /view/FOO-1 was pasted.
      throw new ConfigError(`URL must be the space's address without a path; did you mean ${u.origin}?`, 'URL', { hint: URL_HINT });
    }
  }
  return { url: `${u.origin}${path}`, host: u.host };
}

// --- proxy, certificate, Other ------------------------------------------------------------------

function resolveProxy(get: (name: string) => unknown, warnings: string[]): ProxyConfig | undefined {
  const server = stringValue('ProxyServer', get('ProxyServer'));
  const portGiven = intValue('ProxyPort', get('ProxyPort'));
  const user = stringValue('ProxyUser', get('ProxyUser'));
  const password = stringValue('ProxyPassword', get('ProxyPassword'));
  if (server === undefined) {
    const stray = (['ProxyPort', 'ProxyUser', 'ProxyPassword'] as const).filter((n) => get(n) !== undefined);
    if (stray.length > 0) warnings.push(`ignoring ${stray.join(', ')}: ProxyServer is not set`);
    return undefined;
  }
  const hint = 'Set ProxyServer to a host name or address (or http://host:port) and ProxyPort to its port.';
  let protocol: 'http' | 'https' = 'http';
  let host: string;
  let port: number | undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(server)) {
    let u: URL;
    try {
      u = new URL(server);
    } catch {
      throw new ConfigError('ProxyServer is not a valid address', 'ProxyServer', { hint });
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw new ConfigError(`ProxyServer must be an http or https proxy, not ${u.protocol.slice(0, -1)}`, 'ProxyServer', { hint });
    }
    if (u.username !== '' || u.password !== '') {
      throw new ConfigError('ProxyServer must not contain a user name or password', 'ProxyServer', { hint: 'Use ProxyUser and ProxyPassword.' });
    }
    protocol = u.protocol === 'https:' ? 'https' : 'http';
    host = u.hostname;
    port = u.port === '' ? undefined : Number(u.port);
    if (u.port === '' && portGiven === undefined) port = protocol === 'https' ? 443 : 80;
  } else {
    const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d+))?$/i.exec(server);
    if (!m) throw new ConfigError(`ProxyServer must be a host name or address${shown('ProxyServer', server)}`, 'ProxyServer', { hint });
    host = (m[1] as string).toLowerCase();
    port = m[2] === undefined ? undefined : Number(m[2]);
  }
  if (port !== undefined && portGiven !== undefined && port !== portGiven) {
    throw new ConfigError(`ProxyServer names port ${port} but ProxyPort is ${portGiven}`, 'ProxyPort', { hint: 'Give the port in one place.' });
  }
  const finalPort = portGiven ?? port ?? 80;
  if (finalPort < 1 || finalPort > 65535) throw new ConfigError(`ProxyServer names port ${finalPort}, outside 1 to 65535`, 'ProxyServer', { hint });
  const proxy: ProxyConfig = { protocol, server: host, port: finalPort };
  if (user !== undefined) proxy.user = user;
  if (password !== undefined) proxy.password = password;
  if (password !== undefined && user === undefined) warnings.push('ProxyPassword is set without ProxyUser: the proxy will be asked without credentials');
  return proxy;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * SSLServerCert: PEM text or a path to a PEM file; the certificates replace the system CAs for this
 * connection (so a self-signed on-premise server, or a pinned one, is trusted and nothing else).
 * CData's `*` (accept any certificate) is refused: it would hand the API key to anyone in the path.
 * Thumbprints and bare public keys are not supported.
 */
function resolveCert(value: string): string {
  const hint = 'Give the server certificate (or its CA) as PEM text, or the path of a PEM file.';
  if (value === '*') {
    throw new ConfigError('SSLServerCert=* (accept any certificate) is refused', 'SSLServerCert', {
      hint: `It turns off certificate checks, so anyone between you and the server could read the API key. ${hint}`,
    });
  }
  let pem = value;
  if (!value.includes('-----BEGIN')) {
    if (/^(sha1|sha256)?[:\s]*[0-9a-f:\s]{32,}$/i.test(value)) {
      throw new ConfigError('SSLServerCert thumbprints are not supported', 'SSLServerCert', { hint });
    }
    try {
      pem = readFileSync(value, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      throw new ConfigError(`SSLServerCert: cannot read the file ${value} (${code})`, 'SSLServerCert', { hint });
    }
  }
  const blocks = pem.match(PEM_CERT);
  if (!blocks) throw new ConfigError('SSLServerCert holds no PEM certificate ("-----BEGIN CERTIFICATE-----")', 'SSLServerCert', { hint });
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw new ConfigError('SSLServerCert holds a certificate that does not parse', 'SSLServerCert', { hint });
    }
  }
  return `${blocks.join('\n')}\n`;
}

function resolveOther(raw: unknown, warnings: string[]): { pushdown: boolean } {
  const out = { pushdown: true };
  if (raw === undefined) return out;
  let entries: Entry[];
  if (typeof raw === 'string') {
    try {
      entries = parseConnectionString(raw);
    } catch (e) {
      if (isBacklogSqlError(e)) {
        throw new ConfigError(`Other: ${e.message.replace('connection string', 'Other value')}`, 'Other', {
          hint: 'Write Other as Name=Value pairs separated by ";", and quote the whole value in a connection string: Other="Pushdown=false".',
        });
      }
      throw e;
    }
  } else if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    entries = Object.entries(raw as Record<string, unknown>).map(([name, value]) => ({ name, value }));
  } else {
    throw new ConfigError(`Other must be text such as "Pushdown=false"${shown('Other', raw)}`, 'Other');
  }
  const seen = new Set<string>();
  for (const { name, value } of entries) {
    const option = OTHER_OPTIONS.find((o) => o.name.toLowerCase() === name.toLowerCase());
    if (option === undefined) {
      const near = OTHER_OPTIONS.find((o) => editDistance(o.name.toLowerCase(), name.toLowerCase()) <= 2);
      if (near) throw new ConfigError(`unknown option "${name}" in Other; did you mean "${near.name}"?`, 'Other');
      warnings.push(`ignoring "${name}" in Other: backlog-sql knows only ${OTHER_OPTIONS.map((o) => o.name).join(', ')}`);
      continue;
    }
    if (seen.has(option.name)) throw new ConfigError(`${option.name} is given twice in Other`, 'Other');
    seen.add(option.name);
    const word = typeof value === 'boolean' ? String(value) : typeof value === 'string' ? value.trim().toLowerCase() : '';
    if (!TRUE_WORDS.has(word) && !FALSE_WORDS.has(word)) {
      throw new ConfigError(`${option.name} in Other must be true or false${shown('Other', value)}`, 'Other');
    }
    out.pushdown = TRUE_WORDS.has(word);
  }
  return out;
}

// --- describeProperties support -----------------------------------------------------------------

function currentValue(def: PropertyDef, c: ResolvedConfig): string | undefined {
  if (def.cdataOnly) return c.ignoredProperties[def.name];
  const text = (v: string | number | boolean | undefined): string | undefined => (v === undefined ? undefined : String(v));
  switch (def.name) {
    case 'URL':
      return c.url;
    case 'CacheConnection':
      return c.cacheConnection;
    case 'CacheLocation':
      return c.cacheLocation;
    case 'AutoCache':
      return text(c.autoCache);
    case 'CacheTolerance':
      return text(c.cacheToleranceSeconds);
    case 'Offline':
      return text(c.offline);
    case 'AuthScheme':
      return c.authScheme;
    case 'ApiKey':
      return c.apiKey;
    case 'InitiateOAuth':
      return c.oauth.initiateOAuth;
    case 'OAuthClientId':
      return c.oauth.clientId;
    case 'OAuthClientSecret':
      return c.oauth.clientSecret;
    case 'OAuthAccessToken':
      return c.oauth.accessToken;
    case 'OAuthSettingsLocation':
      return c.oauth.settingsLocation;
    case 'CallbackURL':
      return c.oauth.callbackUrl;
    case 'OAuthVerifier':
      return c.oauth.verifier;
    case 'OAuthRefreshToken':
      return c.oauth.refreshToken;
    case 'OAuthExpiresIn':
      return text(c.oauth.expiresIn);
    case 'OAuthTokenTimestamp':
      return c.oauth.tokenTimestamp;
    case 'UsePKCE':
      return text(c.oauth.usePkce);
    case 'SSLServerCert':
      return c.sslServerCert;
    case 'ProxyServer':
      return c.proxy && (c.proxy.protocol === 'https' ? `https://${c.proxy.server}` : c.proxy.server);
    case 'ProxyPort':
      return text(c.proxy?.port);
    case 'ProxyUser':
      return c.proxy?.user;
    case 'ProxyPassword':
      return c.proxy?.password;
    case 'Logfile':
      return c.logfile;
    case 'UserDefinedViews':
      return c.userDefinedViews;
    case 'Location':
      return c.location;
    case 'Verbosity':
      return text(c.verbosity);
    case 'IncludeCustomFields':
      return text(c.includeCustomFields);
    case 'MaxRows':
      return text(c.maxRows);
    case 'Other':
      return c.pushdown ? '' : 'Pushdown=false';
    case 'Pagesize':
      return text(c.pageSize);
    case 'Readonly':
      return text(c.readonly);
    case 'Timeout':
      return text(c.timeoutMs / 1000);
    default:
      throw new Error(`describeProperties: no value for ${def.name}`);
  }
}

/** Option keys that read better than the mechanical camelCase of CData's name (the ResolvedConfig spelling). */
const OPTION_KEYS: Record<string, string> = { Pagesize: 'pageSize', CallbackURL: 'callbackUrl', UsePKCE: 'usePkce' };

/** `ApiKey` → `apiKey`, `SSLServerCert` → `sslServerCert`, `OAuthClientId` → `oauthClientId`. */
export function optionKey(name: string): string {
  const special = OPTION_KEYS[name];
  if (special !== undefined) return special;
  if (name.startsWith('OAuth')) return `oauth${name.slice(5)}`;
  const m = /^([A-Z]+)([A-Z][a-z].*)?$/.exec(name);
  if (m) return `${(m[1] as string).toLowerCase()}${m[2] ?? ''}`;
  return name.charAt(0).toLowerCase() + name.slice(1);
}

// --- secrets --------------------------------------------------------------------------------------

function addSecret(secrets: Set<string>, value: unknown): void {
  if (typeof value !== 'string') return;
  for (const v of [value, value.trim()]) if (v.length >= MIN_SCRUB_LENGTH) secrets.add(v);
}

function scrub(text: string, secrets: Set<string>): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join(MASK);
  return out;
}

function scrubError(e: ConfigError, secrets: Set<string>): ConfigError {
  const message = scrub(e.message, secrets);
  const hint = e.hint === undefined ? undefined : scrub(e.hint, secrets);
  if (message === e.message && hint === e.hint) return e;
  return new ConfigError(message, e.property === undefined ? undefined : scrub(e.property, secrets), hint === undefined ? {} : { hint });
}

function dropUndefined(o: object): void {
  const record = o as Record<string, unknown>;
  for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
}

/** Freezes the config and makes JSON.stringify and util.inspect print it with secrets masked. */
function seal(config: ResolvedConfig): ResolvedConfig {
  const safe = (): ResolvedConfig => redactConfig(config);
  Object.defineProperty(config, 'toJSON', { value: safe, enumerable: false });
  Object.defineProperty(config, Symbol.for('nodejs.util.inspect.custom'), { value: safe, enumerable: false });
  if (config.proxy) Object.freeze(config.proxy);
  Object.freeze(config.oauth);
  return Object.freeze(config);
}
