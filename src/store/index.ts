/**
 * The report service's storage: a `BlobStore` contract and its two backends, the embedded
 * filesystem default and S3. `openStore` builds one from configuration; nothing outside
 * this folder needs to know which backend it got.
 */
import { StoreError } from './errors.js';
import { FsBlobStore } from './fs.js';
import { S3BlobStore } from './s3.js';
import type { BlobStore, StoreConfig } from './types.js';

export type {
  BlobStore,
  BlobStoreKind,
  FsStoreConfig,
  PutOptions,
  S3Credentials,
  S3StoreConfig,
  StoreConfig,
} from './types.js';
export { DEFAULT_MAX_OBJECT_BYTES, MAX_OBJECT_BYTES_LIMIT } from './types.js';
export { STORE_ERROR_CODES, StoreError, isStoreError, type StoreErrorCode } from './errors.js';
export { KEY_PATTERN, isValidKey } from './keys.js';
export { FsBlobStore, type FsBlobStoreOptions } from './fs.js';
export { S3BlobStore, type S3BlobStoreOptions } from './s3.js';

/** Opens the store a configuration names (the fs one creates its layout on first use). */
export async function openStore(config: StoreConfig): Promise<BlobStore> {
  const kind = (config as { kind?: unknown } | null)?.kind;
  if (kind === 'fs') {
    const fs = config as Extract<StoreConfig, { kind: 'fs' }>;
    return FsBlobStore.open(fs.dir, {
      maxObjectBytes: fs.maxObjectBytes,
      staleTempMs: fs.staleTempMs,
    });
  }
  if (kind === 's3') return new S3BlobStore(config as Extract<StoreConfig, { kind: 's3' }>);
  throw new StoreError('STORE_CONFIG_INVALID', 'The store kind must be "fs" or "s3".');
}
