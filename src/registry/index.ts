/**
 * The npm registry, as depwarden reads it: configuration from npm's own sources, packuments
 * and tarballs over keep-alive HTTP with retries, integrity checks while streaming, and a
 * content-addressed disk cache that also serves --offline.
 */
export {
  loadRegistryConfig,
  askNpmForRegistry,
  registryFor,
  credentialFor,
  redactUrl,
  parseNpmrc,
  type RegistryConfig,
  type Credential,
} from './config.js';
export { DiskCache, defaultCacheDir, type CachedPackument } from './cache.js';
export { HttpClient, retryAfterMs, type HttpOptions } from './http.js';
export { parseIntegrity, sha512Sri, digestMatches, type ExpectedDigest } from './integrity.js';
export {
  assertPackageName,
  packumentPath,
  parsePackument,
  type Packument,
  type PackumentVersion,
} from './packument.js';
export {
  RegistryClient,
  registryTarballShape,
  DEFAULT_CLIENT_LIMITS,
  type ClientLimits,
  type RegistryClientOptions,
  type TarballRequest,
  type TarballResult,
} from './client.js';
