/**
 * The filesystem blob store: the report service's embedded default, one file per object
 * under a data directory.
 *
 * Layout: `<dir>/objects/<first two hex digits>/<key>` (files 0600, folders 0700) and
 * `<dir>/tmp/` for writes in progress. Every write goes to a fresh temporary file, is
 * fsynced, then moved into place (rename, or link for `ifAbsent`) and the folder fsynced, so
 * a crash at any point leaves either the old object, the new one, or none: never a readable
 * half. Temporary files a crash left behind are removed when a store opens.
 *
 * Symlinks: the data directory itself may be one (an operator's choice), but nothing below
 * it is followed: folders are checked with lstat and objects opened with O_NOFOLLOW, so a
 * planted link is an error, not a read or write outside the directory.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import {
  link,
  lstat,
  mkdir,
  open,
  opendir,
  rename,
  unlink,
  type FileHandle,
} from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from './errors.js';
import { assertBytes, assertValidKey, assertWithinSize, resolveMaxObjectBytes } from './keys.js';
import type { BlobStore, FsStoreConfig, PutOptions } from './types.js';

const DEFAULT_STALE_TEMP_MS = 60 * 60 * 1000;
/** Bounds the startup sweep of `tmp/`; leftovers beyond it go on the next open. */
const MAX_TEMP_SWEEP_ENTRIES = 100_000;
const TEMP_SUFFIX = '.tmp';
/** Absent on Windows, where the flags are simply not applied. */
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const O_DIRECTORY = constants.O_DIRECTORY ?? 0;

export type FsBlobStoreOptions = Omit<FsStoreConfig, 'kind' | 'dir'>;

export class FsBlobStore implements BlobStore {
  readonly kind = 'fs' as const;
  private closed = false;

  private constructor(
    /** The data directory as configured. */
    readonly dir: string,
    readonly maxObjectBytes: number,
    private readonly objectsDir: string,
    private readonly tmpDir: string,
  ) {}

  /** Creates the layout if needed and sweeps stale temporary files. */
  static async open(dir: string, options: FsBlobStoreOptions = {}): Promise<FsBlobStore> {
    if (typeof dir !== 'string' || dir === '' || dir.includes('\0'))
      throw new StoreError('STORE_CONFIG_INVALID', 'The store directory must be a non-empty path.');
    const maxObjectBytes = resolveMaxObjectBytes(options.maxObjectBytes);
    const staleTempMs = options.staleTempMs ?? DEFAULT_STALE_TEMP_MS;
    if (!Number.isSafeInteger(staleTempMs) || staleTempMs < 0)
      throw new StoreError('STORE_CONFIG_INVALID', 'staleTempMs must be a non-negative integer.');
    const objectsDir = join(dir, 'objects');
    const tmpDir = join(dir, 'tmp');
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await ensureOwnDirectory(objectsDir, dir);
      await ensureOwnDirectory(tmpDir, dir);
      await sweepStaleTemps(tmpDir, Date.now() - staleTempMs);
    } catch (error) {
      throw asStoreError(error, `Cannot open the store directory ${dir}`);
    }
    return new FsBlobStore(dir, maxObjectBytes, objectsDir, tmpDir);
  }

  async put(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<boolean> {
    this.assertOpen();
    assertValidKey(key);
    assertBytes(bytes);
    assertWithinSize(bytes.byteLength, this.maxObjectBytes, key);
    const shardDir = join(this.objectsDir, key.slice(0, 2));
    const target = join(shardDir, key);
    const temp = join(this.tmpDir, randomBytes(16).toString('hex') + TEMP_SUFFIX);
    try {
      await ensureOwnDirectory(shardDir, this.objectsDir);
      await writeDurably(temp, bytes);
      let written = true;
      if (options.ifAbsent === true) {
        // link() never replaces an existing name: the O_EXCL of renames. The temp name is
        // then dropped whatever happened; the object, if linked, keeps the data.
        try {
          await link(temp, target);
        } catch (error) {
          if (errorCode(error) !== 'EEXIST') throw error;
          written = false;
        }
        await unlink(temp);
      } else {
        await rename(temp, target);
      }
      if (written) await fsyncDirectory(shardDir);
      return written;
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw asStoreError(error, `Cannot write object ${key}`);
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.assertOpen();
    assertValidKey(key);
    const shardDir = join(this.objectsDir, key.slice(0, 2));
    let handle: FileHandle;
    try {
      if (!(await isOwnDirectory(shardDir))) return undefined;
      // O_NONBLOCK: a FIFO planted under the key must not hang the read; fstat refuses it.
      handle = await open(join(shardDir, key), constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw asStoreError(error, `Cannot read object ${key}`);
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile())
        throw new StoreError('STORE_UNAVAILABLE', `Object ${key} is not a regular file.`);
      assertWithinSize(stats.size, this.maxObjectBytes, key);
      // Objects are never modified in place (only replaced by rename), so the size read
      // from this descriptor is the size of the bytes behind it.
      const bytes = new Uint8Array(stats.size);
      let filled = 0;
      while (filled < bytes.byteLength) {
        const { bytesRead } = await handle.read(bytes, filled, bytes.byteLength - filled, filled);
        if (bytesRead === 0)
          throw new StoreError('STORE_UNAVAILABLE', `Object ${key} is shorter than its size.`);
        filled += bytesRead;
      }
      return bytes;
    } catch (error) {
      throw asStoreError(error, `Cannot read object ${key}`);
    } finally {
      await handle.close();
    }
  }

  async delete(key: string): Promise<void> {
    this.assertOpen();
    assertValidKey(key);
    const shardDir = join(this.objectsDir, key.slice(0, 2));
    try {
      if (!(await isOwnDirectory(shardDir))) return;
      await unlink(join(shardDir, key));
      await fsyncDirectory(shardDir);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return;
      throw asStoreError(error, `Cannot delete object ${key}`);
    }
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private assertOpen(): void {
    // Use after close is our bug, not the user's: a plain Error.
    if (this.closed) throw new Error('The blob store is closed.');
  }
}

/** Creates `path` (0700) if missing; refuses anything there that is not a real directory. */
async function ensureOwnDirectory(path: string, parent: string): Promise<void> {
  try {
    await mkdir(path, { mode: 0o700 });
    // A new entry in the parent is durable only once the parent itself is synced.
    await fsyncDirectory(parent);
    return;
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
  }
  if (!(await isOwnDirectory(path)))
    throw new StoreError('STORE_UNAVAILABLE', `${path} is not a directory (or is a symlink).`);
}

/** False when missing; throws when something other than a real directory is there. */
async function isOwnDirectory(path: string): Promise<boolean> {
  try {
    const stats = await lstat(path);
    if (stats.isDirectory()) return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
  throw new StoreError('STORE_UNAVAILABLE', `${path} is not a directory (or is a symlink).`);
}

async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW | O_NONBLOCK;
  const handle = await open(path, flags, 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fsyncDirectory(path: string): Promise<void> {
  // Windows cannot open a directory for syncing; NTFS journals renames itself.
  if (process.platform === 'win32') return;
  const handle = await open(path, constants.O_RDONLY | O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes temporary files last modified before `cutoff` (ms); younger ones may be in use. */
async function sweepStaleTemps(tmpDir: string, cutoff: number): Promise<number> {
  let removed = 0;
  let seen = 0;
  const entries = await opendir(tmpDir);
  for await (const entry of entries) {
    if (++seen > MAX_TEMP_SWEEP_ENTRIES) break;
    if (entry.isDirectory() || !entry.name.endsWith(TEMP_SUFFIX)) continue;
    const path = join(tmpDir, entry.name);
    try {
      const stats = await lstat(path);
      if (stats.mtimeMs >= cutoff) continue;
      await unlink(path);
      removed++;
    } catch (error) {
      // Another process may have finished or swept it meanwhile.
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }
  return removed;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function asStoreError(error: unknown, context: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = errorCode(error);
  const reason = code === 'ELOOP' ? 'a symlink is in the way' : (code ?? String(error));
  return new StoreError('STORE_UNAVAILABLE', `${context}: ${reason}.`, { cause: error });
}
