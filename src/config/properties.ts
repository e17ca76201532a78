/**
 * The connection-property catalog as data (ARCHITECTURE.md §3, docs/cdata-driver.md §2): one entry per
 * property the CData JDBC Driver for Backlog documents, plus our two extensions. `resolve.ts` reads
 * it to parse and validate, and `sys_connection_props` is generated from it, so a property is
 * declared exactly once.
 *
 * Properties marked `cdataOnly` are CData settings that mean nothing here (licences, pooling,
 * schema files, caching…): they are accepted with one warning each, so a pasted CData string works.
 */

export const PROPERTY_TYPES = ['string', 'int', 'bool', 'enum'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

/** CData's group order (docs/cdata-driver.md §2.1); `CatOrdinal` in sys_connection_props is the index here. */
export const PROPERTY_CATEGORIES = ['Authentication', 'OAuth', 'SSL', 'Firewall', 'Proxy', 'Logging', 'Schema', 'Caching', 'Miscellaneous'] as const;
export type PropertyCategory = (typeof PROPERTY_CATEGORIES)[number];

export const AUTH_SCHEMES = ['APIToken', 'OAuth'] as const;
export type AuthScheme = (typeof AUTH_SCHEMES)[number];

export const INITIATE_OAUTH_MODES = ['OFF', 'GETANDREFRESH', 'REFRESH'] as const;
export type InitiateOAuth = (typeof INITIATE_OAUTH_MODES)[number];

export interface PropertyDef {
  /** CData's spelling; names are matched case-insensitively. */
  readonly name: string;
  readonly type: PropertyType;
  /** The default as text, as sys_connection_props shows it ('' = none). */
  readonly default: string;
  /** Allowed values of an enum (canonical spelling; matched case-insensitively). */
  readonly values?: readonly string[];
  /** Inclusive bounds of an int. */
  readonly min?: number;
  readonly max?: number;
  readonly category: PropertyCategory;
  readonly description: string;
  /** A secret: never echoed in errors, warnings or logs; masked in sys_connection_props. */
  readonly sensitive: boolean;
  /** A CData setting with no meaning here: accepted with a warning, otherwise ignored. */
  readonly cdataOnly: boolean;
  /** Ours, not CData's (ARCHITECTURE.md §3 lists the extensions). */
  readonly extension?: boolean;
  readonly required?: boolean;
  /** Environment variable read when the property is not given. */
  readonly env?: string;
  /** For cdataOnly properties: why it means nothing here (ends the warning). */
  readonly ignoredBecause?: string;
}

function prop(def: Omit<PropertyDef, 'sensitive' | 'cdataOnly' | 'default'> & Partial<Pick<PropertyDef, 'sensitive' | 'default'>>): PropertyDef {
  return Object.freeze({ sensitive: false, cdataOnly: false, default: '', ...def });
}

function cdataOnly(
  name: string,
  type: PropertyType,
  category: PropertyCategory,
  description: string,
  ignoredBecause: string,
  extra: Partial<Pick<PropertyDef, 'default' | 'values' | 'sensitive'>> = {},
): PropertyDef {
  return Object.freeze({ name, type, category, description, ignoredBecause, cdataOnly: true, sensitive: false, default: '', ...extra });
}

const POOLING = 'a connection has no login handshake to save, so there is no pool';
const LOG_FILES = 'Logfile is written by one process and not rotated';
const FIREWALL = 'use ProxyServer/ProxyPort for an HTTP proxy; SOCKS and tunnels are not supported';
const CLIENT_CERT = 'Backlog does not ask for TLS client certificates';

/** Every property, in CData's group order. */
export const PROPERTIES: readonly PropertyDef[] = Object.freeze([
  // Authentication
  prop({
    name: 'URL',
    type: 'string',
    category: 'Authentication',
    required: true,
    description:
      'The space URL: https://SPACE.backlog.com, https://SPACE.backlog.jp, https://SPACE.backlogtool.com or an on-premise https base URL; plain http only on loopback (the emulator).',
  }),
  prop({
    name: 'AuthScheme',
    type: 'enum',
    values: ['APIToken', 'OAuth'],
    default: 'APIToken',
    category: 'Authentication',
    description: 'How to sign in: APIToken (an API key from Personal Settings → API) or OAuth (OAuth 2.0 authorization code).',
  }),
  prop({
    name: 'ApiKey',
    type: 'string',
    category: 'Authentication',
    sensitive: true,
    env: 'BACKLOG_API_KEY',
    description: 'Personal API key, used with AuthScheme=APIToken. Falls back to the environment variable BACKLOG_API_KEY.',
  }),

  // OAuth (issue 4 implements the flows; here they are parsed and type-checked)
  prop({
    name: 'InitiateOAuth',
    type: 'enum',
    values: INITIATE_OAUTH_MODES,
    default: 'OFF',
    category: 'OAuth',
    description:
      'OFF: use OAuthAccessToken as given. GETANDREFRESH: sign in through the browser when there is no token and refresh when needed. REFRESH: only refresh an existing token pair.',
  }),
  prop({ name: 'OAuthClientId', type: 'string', category: 'OAuth', description: 'Client ID of the app registered at backlog.com/developer/applications.' }),
  prop({
    name: 'OAuthClientSecret',
    type: 'string',
    category: 'OAuth',
    sensitive: true,
    env: 'BACKLOG_OAUTH_CLIENT_SECRET',
    description: 'Client secret of that app. Falls back to the environment variable BACKLOG_OAUTH_CLIENT_SECRET.',
  }),
  prop({
    name: 'OAuthAccessToken',
    type: 'string',
    category: 'OAuth',
    sensitive: true,
    description: 'An OAuth access token; setting it skips the authorization exchange.',
  }),
  prop({
    name: 'OAuthSettingsLocation',
    type: 'string',
    category: 'OAuth',
    description: 'Where OAuth tokens are kept between connections: a file path (JSON, mode 0600, not encrypted) or memory://NAME.',
  }),
  prop({
    name: 'CallbackURL',
    type: 'string',
    default: 'http://localhost:33333',
    category: 'OAuth',
    description: 'Redirect URI registered with the app; for desktop sign-in a loopback URL whose port the driver listens on.',
  }),
  prop({
    name: 'OAuthVerifier',
    type: 'string',
    category: 'OAuth',
    sensitive: true,
    description: 'The authorization code copied from the redirect URL, for headless machines (with OAuthSettingsLocation).',
  }),
  prop({
    name: 'OAuthRefreshToken',
    type: 'string',
    category: 'OAuth',
    sensitive: true,
    description: 'An OAuth refresh token, used to get a new access token.',
  }),
  prop({
    name: 'OAuthExpiresIn',
    type: 'int',
    min: 0,
    category: 'OAuth',
    description: 'Lifetime of the access token in seconds (with OAuthTokenTimestamp, to refresh just in time).',
  }),
  prop({ name: 'OAuthTokenTimestamp', type: 'string', category: 'OAuth', description: 'When the access token was issued (Unix epoch in milliseconds).' }),
  prop({
    name: 'UsePKCE',
    type: 'bool',
    default: 'true',
    category: 'OAuth',
    extension: true,
    description: 'Extension: send a PKCE (S256) challenge in the authorization request. Set false for servers that reject unknown parameters.',
  }),

  // SSL
  prop({
    name: 'SSLServerCert',
    type: 'string',
    category: 'SSL',
    description:
      'Certificate(s) to trust for an on-premise server, as PEM text or a path to a PEM file; they replace the system CAs for this connection. "*" (accept any certificate) is refused.',
  }),
  cdataOnly('SSLClientCert', 'string', 'SSL', 'TLS client certificate.', CLIENT_CERT),
  cdataOnly('SSLClientCertType', 'string', 'SSL', 'Type of the TLS client certificate store.', CLIENT_CERT),
  cdataOnly('SSLClientCertPassword', 'string', 'SSL', 'Password of the TLS client certificate.', CLIENT_CERT, { sensitive: true }),
  cdataOnly('SSLClientCertSubject', 'string', 'SSL', 'Subject of the TLS client certificate.', CLIENT_CERT),

  // Firewall
  cdataOnly('FirewallType', 'enum', 'Firewall', 'Firewall or proxy tunnelling protocol.', FIREWALL, {
    values: ['NONE', 'TUNNEL', 'SOCKS4', 'SOCKS5'],
    default: 'NONE',
  }),
  cdataOnly('FirewallServer', 'string', 'Firewall', 'Firewall host.', FIREWALL),
  cdataOnly('FirewallPort', 'int', 'Firewall', 'Firewall port.', FIREWALL),
  cdataOnly('FirewallUser', 'string', 'Firewall', 'Firewall user.', FIREWALL),
  cdataOnly('FirewallPassword', 'string', 'Firewall', 'Firewall password.', FIREWALL, { sensitive: true }),

  // Proxy
  prop({ name: 'ProxyServer', type: 'string', category: 'Proxy', description: 'HTTP proxy host name or address (or an http:// or https:// proxy URL).' }),
  prop({ name: 'ProxyPort', type: 'int', min: 1, max: 65535, default: '80', category: 'Proxy', description: 'HTTP proxy port.' }),
  prop({ name: 'ProxyUser', type: 'string', category: 'Proxy', description: 'User for proxy basic authentication.' }),
  prop({ name: 'ProxyPassword', type: 'string', category: 'Proxy', sensitive: true, description: 'Password for proxy basic authentication.' }),
  cdataOnly('ProxyAutoDetect', 'bool', 'Proxy', 'Use the operating system proxy settings.', 'set ProxyServer and ProxyPort explicitly', { default: 'false' }),
  cdataOnly('ProxyAuthScheme', 'enum', 'Proxy', 'Proxy authentication scheme.', 'proxy authentication is basic when ProxyUser is set', {
    values: ['BASIC', 'DIGEST', 'NONE', 'NEGOTIATE', 'NTLM', 'PROPRIETARY'],
    default: 'BASIC',
  }),
  cdataOnly('ProxySSLType', 'enum', 'Proxy', 'How TLS goes through the proxy.', 'https requests always tunnel through the proxy (CONNECT)', {
    values: ['AUTO', 'ALWAYS', 'NEVER', 'TUNNEL'],
    default: 'AUTO',
  }),
  cdataOnly('ProxyExceptions', 'string', 'Proxy', 'Hosts that bypass the proxy.', 'a connection talks to one space, so the proxy applies to it or is not set'),

  // Logging
  prop({ name: 'Logfile', type: 'string', category: 'Logging', description: 'Path of a log file (secrets are redacted).' }),
  prop({
    name: 'Verbosity',
    type: 'int',
    min: 1,
    max: 5,
    default: '1',
    category: 'Logging',
    description: '1 = basic, 2 = + HTTP summaries, 3 = + bodies, 4 = + transport, 5 = everything.',
  }),
  cdataOnly('LogModules', 'string', 'Logging', 'Modules to log.', 'use Verbosity to choose how much is logged'),
  cdataOnly('MaxLogFileSize', 'string', 'Logging', 'Log rotation size.', LOG_FILES, { default: '100MB' }),
  cdataOnly('MaxLogFileCount', 'int', 'Logging', 'Log rotation count.', LOG_FILES, { default: '-1' }),

  // Schema
  prop({
    name: 'Location',
    type: 'string',
    category: 'Schema',
    description:
      "Folder of schema files. backlog-sql's schema is built in (there are no .rsd files); as in CData's driver, the folder's UserDefinedViews.json holds the user defined views when UserDefinedViews is not set.",
  }),
  cdataOnly('BrowsableSchemas', 'string', 'Schema', 'Schemas that metadata calls list.', 'there is one schema'),
  cdataOnly('Tables', 'string', 'Schema', 'Tables that metadata calls list.', 'every table is listed; metadata costs no requests'),
  cdataOnly('Views', 'string', 'Schema', 'Views that metadata calls list.', 'every view is listed; metadata costs no requests'),

  // Caching
  prop({
    name: 'AutoCache',
    type: 'bool',
    default: 'false',
    category: 'Caching',
    description:
      'Keep every table a query reads whole in the cache (CacheLocation) and answer later queries from it, refreshing only what changed once it is older than CacheTolerance.',
  }),
  cdataOnly(
    'CacheDriver',
    'string',
    'Caching',
    'JDBC driver of the cache database.',
    'CacheConnection alone says where REPLICATE writes (postgres://…, duckdb:…, parquet:…)',
  ),
  prop({
    name: 'CacheConnection',
    type: 'string',
    category: 'Caching',
    description:
      "Where REPLICATE writes: postgres://USER@HOST:PORT/DB (also CData's jdbc:postgresql://…; the password from PGPASSWORD or ~/.pgpass, never in the URL), duckdb:PATH or parquet:FOLDER.",
  }),
  prop({
    name: 'CacheLocation',
    type: 'string',
    category: 'Caching',
    description:
      'The cache: a DuckDB file (default cache.duckdb in the config folder, 0600 in a 0700 folder) or memory:// (this connection only). Also the DuckDB file REPLICATE writes to when CacheConnection is not set.',
  }),
  prop({
    name: 'CacheTolerance',
    type: 'int',
    default: '600',
    category: 'Caching',
    description: 'How old, in seconds, a cached table may be before a query reading it first refreshes it (incrementally). 0: refresh on every query.',
  }),
  prop({
    name: 'Offline',
    type: 'bool',
    default: 'false',
    category: 'Caching',
    description: 'Answer only from the cache and send no request, not even the one at connect; a table never cached is an error.',
  }),
  cdataOnly('CacheMetadata', 'bool', 'Caching', 'Keep table schemas in the cache.', 'the schema is built in and costs no requests', { default: 'false' }),

  // Miscellaneous
  prop({
    name: 'IncludeCustomFields',
    type: 'bool',
    default: 'false',
    category: 'Miscellaneous',
    extension: true,
    description: 'Extension: add one typed column per custom field to Issues (the IssueCustomFields view has them in any case).',
  }),
  prop({
    name: 'MaxRows',
    type: 'int',
    min: -1,
    default: '-1',
    category: 'Miscellaneous',
    description: 'Caps the rows of queries without aggregation; -1 (or 0) = no limit.',
  }),
  prop({
    name: 'Other',
    type: 'string',
    category: 'Miscellaneous',
    description:
      'Hidden options as Name=Value pairs separated by ";" (quote the whole value in a connection string). Known: Pushdown=false turns pushdown off (every table is fetched in full and filtered locally).',
  }),
  prop({
    name: 'Pagesize',
    type: 'int',
    min: 1,
    max: 100,
    default: '100',
    category: 'Miscellaneous',
    description: 'Items per list request, 1–100 (Backlog caps most list calls at 100; without Pagesize, shared-file listings ask for 1000, their cap).',
  }),
  prop({
    name: 'Readonly',
    type: 'bool',
    default: 'false',
    category: 'Miscellaneous',
    description: 'Refuse INSERT, UPDATE, DELETE and procedures that write.',
  }),
  prop({
    name: 'Timeout',
    type: 'int',
    min: 0,
    // setTimeout's ceiling (2^31-1 ms); a longer timer fires at once.
    max: 2_147_483,
    default: '60',
    category: 'Miscellaneous',
    description: "Seconds an HTTP request, or a statement's local evaluation of its result, may take before it is abandoned; 0 = no timeout.",
  }),
  cdataOnly('RTK', 'string', 'Miscellaneous', 'Runtime licence key.', 'backlog-sql needs no licence key', { sensitive: true }),
  cdataOnly('UseConnectionPooling', 'bool', 'Miscellaneous', 'Turn on connection pooling.', POOLING, { default: 'false' }),
  cdataOnly('PoolMaxSize', 'int', 'Miscellaneous', 'Largest pool size.', POOLING, { default: '100' }),
  cdataOnly('PoolMinSize', 'int', 'Miscellaneous', 'Smallest pool size.', POOLING, { default: '1' }),
  cdataOnly('PoolIdleTimeout', 'int', 'Miscellaneous', 'Seconds a pooled connection may idle.', POOLING, { default: '60' }),
  cdataOnly('PoolWaitTime', 'int', 'Miscellaneous', 'Seconds to wait for a pooled connection.', POOLING, { default: '60' }),
  cdataOnly('ConnectionLifeTime', 'int', 'Miscellaneous', 'Seconds a connection may live.', POOLING, { default: '0' }),
  cdataOnly(
    'ConnectOnOpen',
    'bool',
    'Miscellaneous',
    'Check connectivity when the connection opens.',
    'connect() always checks the credentials with one request',
    {
      default: 'false',
    },
  ),
  cdataOnly('BatchSize', 'int', 'Miscellaneous', 'Batch size of batch operations.', 'Backlog has no batch endpoints; writes go one request per row', {
    default: '0',
  }),
  cdataOnly('PseudoColumns', 'string', 'Miscellaneous', 'Pseudo-columns shown as columns in metadata.', 'there are no pseudo-columns'),
  prop({
    name: 'UserDefinedViews',
    type: 'string',
    category: 'Miscellaneous',
    description: 'JSON file of user defined views (CData\'s format: view name → { "query": "SELECT …" }); CREATE / ALTER / DROP LOCAL VIEW save to it.',
  }),
  cdataOnly('SupportEnhancedSQL', 'bool', 'Miscellaneous', 'Let the driver evaluate SQL the API cannot.', 'every query is evaluated in full by DuckDB', {
    default: 'true',
  }),
  cdataOnly('QueryPassthrough', 'bool', 'Miscellaneous', 'Send the query to the data source as is.', 'Backlog has no query language to pass through', {
    default: 'false',
  }),
]);

/** Options inside `Other` (matched case-insensitively). Unknown ones warn, a near miss is an error. */
export const OTHER_OPTIONS = Object.freeze([
  {
    name: 'Pushdown',
    type: 'bool' as const,
    default: 'true',
    description: 'false: push nothing down to the API (fetch whole tables and filter locally). For the correctness suite and for comparing request counts.',
  },
]);

const BY_LOWER_NAME = new Map(PROPERTIES.map((p) => [p.name.toLowerCase(), p]));

/** The property of that name, matched case-insensitively (so camelCase option keys match too). */
export function findProperty(name: string): PropertyDef | undefined {
  return BY_LOWER_NAME.get(name.trim().toLowerCase());
}
