/**
 * The connection properties as a typed object, for `connect({ URL, ApiKey, … })` from TypeScript.
 * Names are CData's spelling (config/properties.ts is the source of truth: a unit test checks that
 * every property there has its key here). At run time names still match case-insensitively and a
 * misspelling is a ConfigError naming the closest property; in TypeScript it is a compile error.
 */
import type { AuthScheme, InitiateOAuth } from './properties.js';

type Bool = boolean | 'true' | 'false';
type Int = number | `${number}`;
/** The canonical values (offered by editors), or any spelling of them: values match case-insensitively. */
type OneOf<T extends string> = T | (string & {});

export interface ConnectionProperties {
  // Authentication
  URL?: string;
  AuthScheme?: OneOf<AuthScheme>;
  ApiKey?: string;
  // OAuth
  InitiateOAuth?: OneOf<InitiateOAuth>;
  OAuthClientId?: string;
  OAuthClientSecret?: string;
  OAuthAccessToken?: string;
  OAuthSettingsLocation?: string;
  CallbackURL?: string;
  OAuthVerifier?: string;
  OAuthRefreshToken?: string;
  OAuthExpiresIn?: Int;
  OAuthTokenTimestamp?: string;
  UsePKCE?: Bool;
  // TLS and proxy
  SSLServerCert?: string;
  ProxyServer?: string;
  ProxyPort?: Int;
  ProxyUser?: string;
  ProxyPassword?: string;
  // Logging
  Logfile?: string;
  Verbosity?: Int;
  // Behaviour
  IncludeCustomFields?: Bool;
  MaxRows?: Int;
  Other?: string;
  Pagesize?: Int;
  Readonly?: Bool;
  Timeout?: Int;
  /**
   * CData properties that mean nothing here: accepted with a warning (which says why), so a pasted
   * CData configuration works.
   */
  SSLClientCert?: string;
  SSLClientCertType?: string;
  SSLClientCertPassword?: string;
  SSLClientCertSubject?: string;
  FirewallType?: OneOf<'NONE' | 'TUNNEL' | 'SOCKS4' | 'SOCKS5'>;
  FirewallServer?: string;
  FirewallPort?: Int;
  FirewallUser?: string;
  FirewallPassword?: string;
  ProxyAutoDetect?: Bool;
  ProxyAuthScheme?: OneOf<'BASIC' | 'DIGEST' | 'NONE' | 'NEGOTIATE' | 'NTLM' | 'PROPRIETARY'>;
  ProxySSLType?: OneOf<'AUTO' | 'ALWAYS' | 'NEVER' | 'TUNNEL'>;
  ProxyExceptions?: string;
  LogModules?: string;
  MaxLogFileSize?: string;
  MaxLogFileCount?: Int;
  Location?: string;
  BrowsableSchemas?: string;
  Tables?: string;
  Views?: string;
  AutoCache?: Bool;
  CacheDriver?: string;
  CacheConnection?: string;
  CacheLocation?: string;
  CacheTolerance?: Int;
  Offline?: Bool;
  CacheMetadata?: Bool;
  RTK?: string;
  UseConnectionPooling?: Bool;
  PoolMaxSize?: Int;
  PoolMinSize?: Int;
  PoolIdleTimeout?: Int;
  PoolWaitTime?: Int;
  ConnectionLifeTime?: Int;
  ConnectOnOpen?: Bool;
  BatchSize?: Int;
  PseudoColumns?: string;
  UserDefinedViews?: string;
  SupportEnhancedSQL?: Bool;
  QueryPassthrough?: Bool;
}
