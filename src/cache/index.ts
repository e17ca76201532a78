/** The query cache (README "Cache"): AutoCache, CacheLocation, CacheTolerance, Offline, CACHE, sys_cachestatus. */
export { QueryCache, notCached, CACHE_CATALOG, type CacheOptions, type CacheSource, type CacheStep } from './cache.js';
export { cacheLocation, cacheSchema, preparePrivateFolder, type CacheLocation } from './location.js';
export { parseCache, type CacheStatement } from './statement.js';
export { offlineClient } from './offline-api.js';
export { planCache, runCacheStatement, type CachePlan, type CacheStatementContext } from './setup.js';
