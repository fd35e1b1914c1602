/**
 * `depwarden db update [--from FILE|URL]`: fetch an OSV npm export and import it.
 *
 * A URL is downloaded, size-capped and streamed, to a temporary file beside the database
 * (same filesystem, removed afterwards whatever happens), then imported like a local file;
 * the previous database stays in use until the import has written the new one completely.
 * Without `from`, the source is OSV's public npm export.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DepwardenError } from '../errors/index.js';
import { download, defaultFetch, type FetchLike } from './http.js';
import { DB_FOLDER, importOsvZip } from './store.js';
import type { ImportResult } from './types.js';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip.js';

/** OSV's daily export of every npm record (a storage bucket, not a package registry). */
export const OSV_NPM_EXPORT_URL = 'https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip';

const UPDATE_HINT =
  'Check the network and the --from URL, then retry; the advisory database is unchanged.';

export interface UpdateOptions {
  /** A file path, a file: URL or an http(s) URL; default OSV_NPM_EXPORT_URL. */
  from?: string;
  dataDir: string;
  /** undici-compatible fetch for URLs; defaults to the global one. */
  fetch?: FetchLike;
  /** Extra request headers (e.g. authorization for a private mirror). */
  headers?: Record<string, string>;
  now?: Date;
  /** Archive limits; `maxZipBytes` also caps the download. */
  limits?: Partial<ZipLimits>;
  /** Whole-download deadline in ms (default 15 minutes). */
  timeoutMs?: number;
  /** Longest silence while downloading, in ms (default 60 s). */
  idleMs?: number;
}

export interface UpdateResult extends ImportResult {
  /** Bytes downloaded, when the source was a URL. */
  downloadedBytes?: number;
}

/** Downloads (if a URL) and imports an OSV npm export; resolves with the import's report. */
export async function updateDatabase(options: UpdateOptions): Promise<UpdateResult> {
  const from = options.from ?? OSV_NPM_EXPORT_URL;
  const limits: ZipLimits = { ...DEFAULT_ZIP_LIMITS, ...options.limits };
  const common = {
    dataDir: options.dataDir,
    limits,
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  if (/^file:/i.test(from)) return importOsvZip(fileURLToPath(from), { ...common, source: from });
  if (!/^https?:\/\//i.test(from)) {
    if (/^[a-z][a-z0-9+.-]+:\/\//i.test(from))
      throw new DepwardenError('USAGE', `cannot fetch ${JSON.stringify(from.split(':')[0])} URLs`, {
        hint: 'Pass an http(s) URL or a file path with --from.',
      });
    return importOsvZip(from, common);
  }
  const dir = join(options.dataDir, DB_FOLDER);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.download.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'wx', 0o600);
    let downloadedBytes: number;
    try {
      downloadedBytes = await download(
        options.fetch ?? defaultFetch(),
        {
          url: from,
          what: 'advisory export',
          method: 'GET',
          hint: UPDATE_HINT,
          ...(options.headers === undefined ? {} : { headers: options.headers }),
        },
        {
          timeoutMs: options.timeoutMs ?? 15 * 60_000,
          idleMs: options.idleMs ?? 60_000,
          maxBytes: limits.maxZipBytes,
        },
        file,
      );
    } finally {
      await file.close();
    }
    return { ...(await importOsvZip(temp, { ...common, source: from })), downloadedBytes };
  } finally {
    await rm(temp, { force: true });
  }
}
