/**
 * Per-package results shared by every report of one server, kept in its store: the scan's
 * outcome cache (public data about public packages) behind keyed HMACs and AES-256-GCM, so
 * several server processes on one bucket analyse each package version once, and the storage
 * operator cannot tell which packages were scanned.
 */
import { createHmac } from 'node:crypto';
import type { SharedResults } from '../scan/packages.js';
import type { BlobStore } from '../store/index.js';
import { deriveResultsKey, objectAad, open, seal } from './crypto/index.js';

export function storeResults(store: BlobStore, serverSalt: Uint8Array): SharedResults {
  const key = deriveResultsKey(serverSalt);
  const locate = (cacheKey: string): string =>
    createHmac('sha256', key).update(cacheKey).digest('hex');
  return {
    async get(cacheKey) {
      const at = locate(cacheKey);
      const sealed = await store.get(`${at}.outcome`);
      return sealed === undefined
        ? undefined
        : open(key, sealed, objectAad('outcome', at)).toString('utf8');
    },
    async put(cacheKey, json) {
      const at = locate(cacheKey);
      await store.put(`${at}.outcome`, seal(key, Buffer.from(json), objectAad('outcome', at)));
    },
  };
}
