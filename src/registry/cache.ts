/**
 * The on-disk cache: tarballs addressed by their integrity, packuments by URL with the
 * validators needed to revalidate them (ETag, Last-Modified), and analysis results by the key
 * the engine gives. Packages are stored as the compressed bytes the registry sent, never
 * unpacked: package files are never written to disk.
 *
 * Every write goes to a temporary file in the cache's own `tmp/` folder and is renamed into
 * place, so a process killed mid-write leaves at worst a stray temporary file, never a
 * truncated entry. Tarballs are re-hashed when read, so a corrupted or tampered entry is a
 * miss (and removed), not an analysis of the wrong bytes.
 *
 * Writes are synchronous. A cold scan writes about 6,000 entries (230 MB); through the thread
 * pool, four threads creating files in one folder at once cost about twice the kernel time
 * of one thread doing it in turn, and each write was four pool round trips of promise work on
 * the main thread. An entry lands in the page cache in well under a millisecond, so the event
 * loop is not held up in any way a user could notice.
 *
 * A packument entry is its validators as one line of JSON, a newline, then the body exactly as
 * the registry sent it: no escaping a multi-megabyte body into a JSON string and parsing it
 * back out (about 1.3 s of a cold scan's 100 MB of packuments).
 *
 * Default location: `$XDG_CACHE_HOME/depwarden`, else `~/.cache/depwarden` (on Windows
 * `%LOCALAPPDATA%\depwarden\cache`); `--cache-dir` overrides it.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { digestMatches, type ExpectedDigest } from './integrity.js';

export interface CachedPackument {
  url: string;
  accept: string;
  etag?: string;
  lastModified?: string;
  /** When the body was last fetched or revalidated (ms since the epoch). */
  fetchedAt: number;
  body: string;
}

/** What putPackument takes: the body as the registry's bytes, or as text. */
export type PackumentEntry = Omit<CachedPackument, 'body'> & { body: string | Uint8Array };

const NEWLINE = 0x0a;

export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '')
    return join(env.XDG_CACHE_HOME, 'depwarden');
  if (process.platform === 'win32' && env.LOCALAPPDATA !== undefined)
    return join(env.LOCALAPPDATA, 'depwarden', 'cache');
  return join(homedir(), '.cache', 'depwarden');
}

export class DiskCache {
  constructor(readonly dir: string) {}

  async getTarball(expected: ExpectedDigest): Promise<Buffer | undefined> {
    const path = this.tarballPath(expected);
    const bytes = await readOptional(path);
    if (bytes === undefined) return undefined;
    const actual = createHash(expected.algorithm).update(bytes).digest();
    if (digestMatches(expected, actual)) return bytes;
    await rm(path, { force: true });
    return undefined;
  }

  async putTarball(expected: ExpectedDigest, bytes: Uint8Array): Promise<void> {
    this.writeAtomic(this.tarballPath(expected), [bytes]);
  }

  async getPackument(url: string, accept: string): Promise<CachedPackument | undefined> {
    const raw = await readOptional(this.packumentPath(url, accept));
    if (raw === undefined) return undefined;
    const eol = raw.indexOf(NEWLINE);
    if (eol < 0) return undefined;
    try {
      const meta = JSON.parse(raw.toString('utf8', 0, eol)) as Omit<CachedPackument, 'body'>;
      if (meta.url !== url || meta.accept !== accept || typeof meta.fetchedAt !== 'number')
        return undefined;
      return { ...meta, body: raw.toString('utf8', eol + 1) };
    } catch {
      return undefined;
    }
  }

  async putPackument(entry: PackumentEntry): Promise<void> {
    const { body, ...meta } = entry;
    this.writeAtomic(this.packumentPath(entry.url, entry.accept), [
      Buffer.from(`${JSON.stringify(meta)}\n`),
      typeof body === 'string' ? Buffer.from(body) : body,
    ]);
  }

  /** An analysis result (JSON text) under the engine's key. */
  async getResult(key: string): Promise<string | undefined> {
    return (await readOptional(this.resultPath(key)))?.toString('utf8');
  }

  /**
   * `getResult` without the event loop: for the warm path, where thousands of small reads in a
   * row are I/O-bound on the thread pool's four threads and a synchronous read is ~20 µs.
   */
  getResultSync(key: string): string | undefined {
    try {
      return readFileSync(this.resultPath(key), 'utf8');
    } catch {
      return undefined;
    }
  }

  async putResult(key: string, json: string): Promise<void> {
    this.writeAtomic(this.resultPath(key), [Buffer.from(json)]);
  }

  private tarballPath(expected: ExpectedDigest): string {
    const hex = expected.digest.toString('hex');
    return join(this.dir, 'tarballs', expected.algorithm, hex.slice(0, 2), hex);
  }

  private packumentPath(url: string, accept: string): string {
    const hex = createHash('sha256').update(`${accept}\n${url}`).digest('hex');
    // `.entry`, not the `.json` of the earlier all-JSON format: an old entry is a miss.
    return join(this.dir, 'packuments', hex.slice(0, 2), `${hex}.entry`);
  }

  private resultPath(key: string): string {
    const hex = createHash('sha256').update(key).digest('hex');
    return join(this.dir, 'results', hex.slice(0, 2), `${hex}.json`);
  }

  /** Folders made by this process: a cold scan writes thousands of entries into 256 folders. */
  private readonly made = new Set<string>();

  private ensureDir(dir: string): void {
    if (this.made.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.made.add(dir);
  }

  private writeAtomic(path: string, parts: readonly Uint8Array[]): void {
    const tmpDir = join(this.dir, 'tmp');
    this.ensureDir(tmpDir);
    this.ensureDir(dirname(path));
    const tmp = join(tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}`);
    try {
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        for (const part of parts) writeAll(fd, part);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    } catch (err) {
      rmSync(tmp, { force: true });
      // The cache folder was removed while we ran: make the folders again, once.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && this.made.size > 0) {
        this.made.clear();
        return this.writeAtomic(path, parts);
      }
      throw err;
    }
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
