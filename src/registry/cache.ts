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
 * Writes go through the thread pool, in parallel. Synchronous writes were tried: four pool
 * threads creating files in one folder cost more kernel time than one thread in turn, but a
 * cold scan was no faster end to end (28-32 s either way), and a synchronous open(2) waits on
 * the filesystem journal while the scan writes (up to 9 s of a run's main thread), which in
 * `depwarden serve` would stall every request in flight.
 *
 * A packument entry is its validators as one line of JSON, a newline, then the body exactly as
 * the registry sent it: no escaping a multi-megabyte body into a JSON string and parsing it
 * back out (about 1.3 s of a cold scan's 100 MB of packuments).
 *
 * Default location: `$XDG_CACHE_HOME/depwarden`, else `~/.cache/depwarden` (on Windows
 * `%LOCALAPPDATA%\depwarden\cache`); `--cache-dir` overrides it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
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
    await this.writeAtomic(this.tarballPath(expected), [bytes]);
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
    await this.writeAtomic(this.packumentPath(entry.url, entry.accept), [
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
    await this.writeAtomic(this.resultPath(key), [Buffer.from(json)]);
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

  private async ensureDir(dir: string): Promise<void> {
    if (this.made.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.made.add(dir);
  }

  private async writeAtomic(path: string, parts: readonly Uint8Array[]): Promise<void> {
    const tmpDir = join(this.dir, 'tmp');
    await this.ensureDir(tmpDir);
    await this.ensureDir(dirname(path));
    const tmp = join(tmpDir, `${process.pid}-${randomBytes(8).toString('hex')}`);
    try {
      const file = await open(tmp, 'wx', 0o600);
      try {
        // One writev for the parts (a packument's validators line and its body); a short
        // write (rare on a regular file) is finished from where it stopped.
        let total = 0;
        for (const part of parts) total += part.length;
        const { bytesWritten } = await file.writev(parts as Uint8Array[]);
        if (bytesWritten < total)
          await file.writeFile(Buffer.concat(parts as Uint8Array[]).subarray(bytesWritten));
      } finally {
        await file.close();
      }
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      // The cache folder was removed while we ran: make the folders again, once.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && this.made.size > 0) {
        this.made.clear();
        return this.writeAtomic(path, parts);
      }
      throw err;
    }
  }
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
