/**
 * The blob store contract of the report service: opaque, write-once-or-overwrite objects
 * addressed by locators, with no way to list them.
 *
 * Why no list: the service must never be able to enumerate reports (a locator is the only
 * capability to one), so the interface simply cannot express it. Why strict keys: a locator
 * reaches a file path or an S3 key, so only lowercase hex with an optional short suffix is
 * accepted, and it is checked before any storage call (see `keys.ts`).
 */

/** `fs`: files under a data directory (the embedded default). `s3`: an S3-compatible bucket. */
export type BlobStoreKind = 'fs' | 's3';

export interface PutOptions {
  /**
   * Write only when the key holds no object yet, atomically: of concurrent puts of one key,
   * exactly one returns true (see docs/storage.md for the S3 caveat on servers that ignore
   * conditional writes).
   */
  ifAbsent?: boolean;
}

export interface BlobStore {
  readonly kind: BlobStoreKind;
  /** The largest object `put` accepts and `get` returns, in bytes. */
  readonly maxObjectBytes: number;
  /**
   * Stores `bytes` under `key`, whole or not at all. Resolves true when written, false when
   * `ifAbsent` was set and the key already held an object (nothing is changed then).
   */
  put(key: string, bytes: Uint8Array, options?: PutOptions): Promise<boolean>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Removes the object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Releases connections and handles; every later call throws. Idempotent. */
  close(): Promise<void>;
}

/** 64 MiB: far above any report or snapshot the service accepts, small enough for memory. */
export const DEFAULT_MAX_OBJECT_BYTES = 64 * 1024 * 1024;
/** The ceiling a configuration may raise `maxObjectBytes` to: objects are held in memory. */
export const MAX_OBJECT_BYTES_LIMIT = 1024 * 1024 * 1024;

export interface FsStoreConfig {
  kind: 'fs';
  /** The data directory; objects live in `<dir>/objects`, partial writes in `<dir>/tmp`. */
  dir: string;
  maxObjectBytes?: number;
  /** Temporary files older than this are removed when the store opens. Default 1 hour. */
  staleTempMs?: number;
}

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3StoreConfig {
  kind: 's3';
  bucket: string;
  /** Prepended to every key: empty, or `/`-terminated segments of [A-Za-z0-9._-]. */
  prefix?: string;
  /** Default: the SDK's chain (AWS_REGION, shared config). */
  region?: string;
  /** An http(s) URL for S3-compatible servers; default: AWS itself. */
  endpoint?: string;
  /** `bucket` in the path instead of the host name (most S3-compatible servers need it). */
  forcePathStyle?: boolean;
  /** Default: the SDK's standard provider chain (env, shared files, SSO, web identity, IMDS). */
  credentials?: S3Credentials;
  maxObjectBytes?: number;
  /** Per-request timeout. Default 30 s. */
  requestTimeoutMs?: number;
  /** Attempts per request, including the first. Default 3. */
  maxAttempts?: number;
}

export type StoreConfig = FsStoreConfig | S3StoreConfig;
