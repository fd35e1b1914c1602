/**
 * The collector: walks a project folder and reads its dependency snapshot, and nothing else.
 *
 * The promise it keeps (docs/snapshot.md, PRODUCT.md): only regular files named exactly one of
 * the six snapshot names are ever opened; nothing inside the root is written; symlinks are
 * never followed (a link is reported, not read, wherever it points); FIFOs, sockets and
 * devices are never opened (opening a FIFO blocks until a writer appears); every read is
 * bounded. How:
 * - readdir with file types, so deciding what an entry is costs no extra syscall, and names
 *   read as bytes so a name that is not UTF-8 is noticed rather than mangled;
 * - open with O_RDONLY|O_NOFOLLOW|O_NONBLOCK, then fstat the handle: if the entry changed
 *   into something else between readdir and open (a race, or an attack), we refuse it;
 * - read at most limit+1 bytes, so a file growing under us cannot exhaust memory;
 * - an explicit stack instead of recursion, with depth and entry-count limits.
 * O_NOATIME is not used: it fails with EPERM on files the user does not own.
 *
 * The root socket.yml (or socket.yaml) is read first, because its projectIgnorePaths decide
 * what else is read; it is always part of the snapshot, since it changes the results.
 */
import { constants, type Dirent } from 'node:fs';
import { open, readdir, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

import ignore, { type Ignore } from 'ignore';
import { projectIgnorer } from './ignore.js';

import type { SocketConfig } from '../config/index.js';
import { DepwardenError, problem, type ErrorCode, type Problem } from '../errors/index.js';
import { sanitize } from '../util/text.js';
import { compareUtf8, computeSnapshotId, sha256Hex } from './encoding.js';
import {
  ALWAYS_SKIPPED_FOLDERS,
  formatBytes,
  isSnapshotFileName,
  resolveLimits,
  sizeLimitFor,
  type SnapshotFileName,
  type SnapshotLimits,
} from './limits.js';
import { readRootConfig } from './root-config.js';
import type { SkippedEntry, Snapshot, SnapshotFile } from './types.js';

export interface CollectOptions {
  limits?: Partial<SnapshotLimits>;
  /** Called after each folder is listed, for progress display. */
  onProgress?: (visitedDirs: number, files: number) => void;
}

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
const ROOT_CONFIG_NAMES: readonly SnapshotFileName[] = ['socket.yml', 'socket.yaml'];
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads the dependency snapshot of the folder `root`. Throws DepwardenError on limits. */
export async function collectSnapshot(
  root: string,
  options: CollectOptions = {},
): Promise<Snapshot> {
  const limits = resolveLimits(options.limits);
  const collector = new Collector(await checkRoot(root), limits, options.onProgress);
  return collector.run();
}

interface Folder {
  abs: string;
  /** POSIX path relative to the root; '' for the root. */
  rel: string;
  depth: number;
}

interface RootInfo {
  abs: string;
  real: string;
}

async function checkRoot(root: string): Promise<RootInfo> {
  const abs = resolve(root);
  let info;
  try {
    info = await stat(abs);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new DepwardenError(
        'PROJECT_NOT_FOUND',
        `The project directory ${root} does not exist`,
        {
          file: root,
          cause: err,
        },
      );
    }
    throw unreadable(root, err);
  }
  if (!info.isDirectory()) {
    throw new DepwardenError('PROJECT_NOT_DIRECTORY', `${root} is not a directory`, { file: root });
  }
  return { abs, real: await realpath(abs) };
}

class Collector {
  private readonly files: SnapshotFile[] = [];
  private readonly skipped: SkippedEntry[] = [];
  private readonly problems: Problem[] = [];
  private totalBytes = 0;
  private visitedDirs = 0;
  private visitedEntries = 0;
  private ignorer: Ignore | undefined;
  private config: SocketConfig | undefined;

  constructor(
    private readonly root: RootInfo,
    private readonly limits: SnapshotLimits,
    private readonly onProgress: ((visitedDirs: number, files: number) => void) | undefined,
  ) {}

  async run(): Promise<Snapshot> {
    const rootFolder: Folder = { abs: this.root.abs, rel: '', depth: 0 };
    const rootEntries = (await this.list(rootFolder)) ?? [];
    await this.readRootConfig(rootFolder, rootEntries);
    const candidates: Candidate[] = [];
    const pending: Folder[] = [];
    await this.visit(rootFolder, rootEntries, pending, candidates, true);
    await runPool(pending, (folder) => this.walkFolder(folder, pending, candidates));
    await this.readCandidates(candidates);
    return this.result();
  }

  private async walkFolder(
    folder: Folder,
    pending: Folder[],
    candidates: Candidate[],
  ): Promise<void> {
    const entries = await this.list(folder);
    if (entries !== undefined) await this.visit(folder, entries, pending, candidates, false);
  }

  /**
   * Phase two: reads the candidate files in path order, several at a time. The count limit is
   * checked before anything is read and the total in path order afterwards, so the file an
   * error names does not depend on timing; reading stops being scheduled once the bytes read
   * pass maxTotalBytes, which bounds memory.
   */
  private async readCandidates(candidates: Candidate[]): Promise<void> {
    candidates.sort((a, b) => compareUtf8(a.rel, b.rel));
    const room = this.limits.maxFiles - this.files.length;
    if (candidates.length > room) throw this.tooManyFiles(candidates[Math.max(room, 0)]!.rel);
    const results: ReadResult[] = new Array<ReadResult>(candidates.length);
    let readSoFar = this.totalBytes;
    const queue = candidates.map((c, index) => ({ c, index })).reverse();
    await runPool(
      queue,
      async ({ c, index }) => {
        const result = await readBounded(c.abs, c.rel, ...this.sizeLimit(c.name));
        results[index] = result;
        if (typeof result !== 'string') readSoFar += result.length;
      },
      () => readSoFar > this.limits.maxTotalBytes,
    );
    for (let i = 0; i < candidates.length; i++) {
      const result = results[i];
      if (result === undefined) break; // not scheduled: the total was already over the limit
      this.accept(candidates[i]!.rel, result);
    }
  }

  private sizeLimit(name: SnapshotFileName): [number, string, string | undefined] {
    const { limit, key, flag } = sizeLimitFor(name, this.limits);
    return [limit, key, flag];
  }

  /** Reads the root socket.yml/.yaml and sets up projectIgnorePaths before anything else. */
  private async readRootConfig(rootFolder: Folder, entries: NamedDirent[]): Promise<void> {
    for (const name of ROOT_CONFIG_NAMES) {
      const entry = entries.find((e) => e.name === name);
      // A folder of that name is walked like any other folder, later.
      if (entry === undefined || entry.dirent.isDirectory()) continue;
      const found: Candidate[] = [];
      await this.entry(rootFolder, entry, [], found, false);
      for (const c of found) {
        if (this.files.length >= this.limits.maxFiles) throw this.tooManyFiles(c.rel);
        this.accept(c.rel, await readBounded(c.abs, c.rel, ...this.sizeLimit(c.name)));
      }
    }
    const { config, problems } = readRootConfig(this.files);
    this.problems.push(...problems);
    this.config = config;
    if (config !== undefined && config.projectIgnorePaths.length > 0) {
      this.ignorer = projectIgnorer(config.projectIgnorePaths, this.files, this.problems);
    }
  }

  /** Phase one, per folder: sorts its entries into subfolders, candidate files and skips. */
  private async visit(
    folder: Folder,
    entries: NamedDirent[],
    pending: Folder[],
    candidates: Candidate[],
    isRoot: boolean,
  ): Promise<void> {
    const children: Folder[] = [];
    for (const entry of entries) {
      await this.entry(folder, entry, children, candidates, isRoot);
    }
    // Reversed onto the stack so folders are taken roughly in name order.
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
    this.visitedDirs++;
    this.onProgress?.(this.visitedDirs, this.files.length + candidates.length);
  }

  /** Decides what one directory entry is and what to do with it. */
  private async entry(
    folder: Folder,
    entry: NamedDirent,
    children: Folder[],
    candidates: Candidate[],
    skipRootConfig: boolean,
  ): Promise<void> {
    const { name, dirent } = entry;
    const rel = folder.rel === '' ? name : `${folder.rel}/${name}`;
    const abs = `${folder.abs}${sep}${name}`;
    if (dirent.isDirectory()) {
      if (ALWAYS_SKIPPED_FOLDERS.has(name)) return;
      if (this.ignored(rel, true)) return;
      const depth = folder.depth + 1;
      if (depth > this.limits.maxDepth) {
        throw new DepwardenError(
          'SNAPSHOT_TOO_DEEP',
          `${rel} is ${depth} folder levels deep, over the limit of ${this.limits.maxDepth}`,
          {
            file: rel,
            hint: 'Raise --max-depth, or exclude the folder with projectIgnorePaths in socket.yml.',
          },
        );
      }
      children.push({ abs, rel, depth });
      return;
    }
    if (skipRootConfig && (ROOT_CONFIG_NAMES as readonly string[]).includes(name)) return; // read first
    if (dirent.isSymbolicLink()) {
      await this.symlink(abs, rel, name);
      return;
    }
    if (!isSnapshotFileName(name)) return;
    if (this.ignored(rel, false)) return;
    if (!dirent.isFile()) throw specialFile(rel, describeType(dirent));
    candidates.push({ abs, rel, name });
  }

  /** A symlink is never followed; it is reported when it could have hidden snapshot files. */
  private async symlink(abs: string, rel: string, name: string): Promise<void> {
    let pointsToFolder = false;
    let detail: string | undefined;
    try {
      // stat follows the link for its metadata only; nothing is opened.
      pointsToFolder = (await stat(abs)).isDirectory();
    } catch (err) {
      const code = errnoCode(err);
      detail = code === 'ELOOP' ? 'symlink loop' : code === 'ENOENT' ? 'target missing' : undefined;
    }
    const relevant = isSnapshotFileName(name) || pointsToFolder || detail === 'symlink loop';
    if (!relevant || this.ignored(rel, pointsToFolder)) return;
    if (await this.pointsOutside(abs)) detail = 'points outside the root';
    this.skipped.push(
      detail === undefined
        ? { path: rel, reason: 'symlink' }
        : { path: rel, reason: 'symlink', detail },
    );
  }

  private async pointsOutside(abs: string): Promise<boolean> {
    let target: string;
    try {
      target = await realpath(abs);
    } catch {
      // Dangling or looping: judge the link text itself, resolved against its folder.
      try {
        target = resolve(dirname(abs), await readlink(abs));
      } catch {
        return false;
      }
      return !isInside(this.root.abs, target) && !isInside(this.root.real, target);
    }
    return !isInside(this.root.real, target);
  }

  /** True (and recorded) when projectIgnorePaths excludes `rel`. */
  private ignored(rel: string, isFolder: boolean): boolean {
    if (this.ignorer === undefined) return false;
    const candidate = isFolder ? `${rel}/` : rel;
    if (!ignore.isPathValid(candidate)) return false;
    const result = this.ignorer.test(candidate);
    if (!result.ignored) return false;
    const entry: SkippedEntry = { path: rel, reason: 'ignored-by-config' };
    if (result.rule !== undefined) entry.detail = `projectIgnorePaths: ${result.rule.pattern}`;
    this.skipped.push(entry);
    return true;
  }

  private tooManyFiles(rel: string): DepwardenError {
    return new DepwardenError(
      'SNAPSHOT_TOO_MANY_FILES',
      `${rel} would be snapshot file number ${this.limits.maxFiles + 1}, over the limit of ${this.limits.maxFiles}`,
      {
        file: rel,
        hint: 'Raise --max-files, or exclude folders with projectIgnorePaths in socket.yml.',
      },
    );
  }

  /** Adds one file's read result to the snapshot, enforcing the total. */
  private accept(rel: string, bytes: ReadResult): void {
    if (bytes === 'symlink') {
      this.skipped.push({ path: rel, reason: 'symlink' });
      return;
    }
    if (bytes === 'vanished') {
      this.problems.push(
        problem(
          'snapshot-file-vanished',
          'warning',
          `${rel} disappeared while the snapshot was being collected`,
          { file: rel },
        ),
      );
      return;
    }
    this.totalBytes += bytes.length;
    if (this.totalBytes > this.limits.maxTotalBytes) {
      throw new DepwardenError(
        'SNAPSHOT_TOO_LARGE',
        `Reading ${rel} brings the snapshot to ${formatBytes(this.totalBytes)}, over the maxTotalBytes limit of ${formatBytes(this.limits.maxTotalBytes)}`,
        {
          file: rel,
          hint: 'Raise --max-total-size, or exclude folders with projectIgnorePaths in socket.yml.',
        },
      );
    }
    this.files.push({ path: rel, bytes, size: bytes.length, sha256: sha256Hex(bytes) });
  }

  /** The folder's entries with their names decoded, sorted by name bytes; undefined if it vanished. */
  private async list(folder: Folder): Promise<NamedDirent[] | undefined> {
    let dirents: Dirent<Buffer>[];
    try {
      dirents = await readdir(folder.abs, { withFileTypes: true, encoding: 'buffer' });
    } catch (err) {
      const code = errnoCode(err);
      if (folder.rel !== '' && (code === 'ENOENT' || code === 'ENOTDIR')) {
        this.problems.push(
          problem(
            'snapshot-file-vanished',
            'warning',
            `The folder ${folder.rel} disappeared while the snapshot was being collected`,
            { file: folder.rel },
          ),
        );
        return undefined;
      }
      throw unreadable(folder.rel === '' ? '.' : folder.rel, err);
    }
    this.visitedEntries += dirents.length;
    if (this.visitedEntries > this.limits.maxDirEntries) {
      throw new DepwardenError(
        'SNAPSHOT_TOO_MANY_FILES',
        `The walk looked at more than ${this.limits.maxDirEntries} directory entries (in ${folder.rel === '' ? 'the root folder' : folder.rel})`,
        {
          file: folder.rel === '' ? '.' : folder.rel,
          hint: 'Exclude large folders with projectIgnorePaths in socket.yml, or raise maxDirEntries.',
        },
      );
    }
    dirents.sort((a, b) => Buffer.compare(a.name, b.name));
    const out: NamedDirent[] = [];
    for (const dirent of dirents) {
      let name: string;
      try {
        name = utf8.decode(dirent.name);
      } catch {
        // Snapshot names are ASCII, so only a folder (or a link to one) can matter here.
        if (dirent.isDirectory() || dirent.isSymbolicLink()) {
          const shown = `${folder.rel === '' ? '' : `${folder.rel}/`}${sanitize(dirent.name.toString('latin1'), 80)}`;
          this.problems.push(
            problem(
              'snapshot-name-not-utf8',
              'error',
              `Skipped ${shown}: its name is not valid UTF-8, so it cannot be a snapshot path`,
              {
                file: folder.rel === '' ? '.' : folder.rel,
                hint: 'Rename the folder, or exclude it with projectIgnorePaths if it holds no manifests.',
              },
            ),
          );
        }
        continue;
      }
      out.push({ name, dirent });
    }
    return out;
  }

  private result(): Snapshot {
    const byPath = (a: { path: string }, b: { path: string }) => compareUtf8(a.path, b.path);
    this.files.sort(byPath);
    this.skipped.sort(byPath);
    const snapshot: Snapshot = {
      id: computeSnapshotId(this.files),
      files: this.files,
      skipped: this.skipped,
      totalBytes: this.totalBytes,
      problems: this.problems,
    };
    if (this.config !== undefined) snapshot.config = this.config;
    return snapshot;
  }
}

interface Candidate {
  abs: string;
  rel: string;
  name: SnapshotFileName;
}

type ReadResult = Buffer | 'symlink' | 'vanished';

/** How many folders are listed, or files read, at once. Enough to hide syscall latency. */
const CONCURRENCY = 16;

/**
 * Runs `task` over the items of `queue` (taken from its end), at most CONCURRENCY at a time.
 * Tasks may push more items. After the first failure, or once `stop()` is true, nothing new
 * starts; when all running tasks have settled, the failure with the smallest path is thrown,
 * so with a single bad entry the error is always the same.
 */
async function runPool<T>(
  queue: T[],
  task: (item: T) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<void> {
  const failures: unknown[] = [];
  await new Promise<void>((done) => {
    let running = 0;
    const pump = (): void => {
      while (failures.length === 0 && !stop() && running < CONCURRENCY && queue.length > 0) {
        const item = queue.pop()!;
        running++;
        task(item).then(
          () => {
            running--;
            pump();
          },
          (err: unknown) => {
            failures.push(err);
            running--;
            pump();
          },
        );
      }
      if (running === 0) done();
    };
    pump();
  });
  if (failures.length === 0) return;
  const key = (e: unknown) => (e instanceof DepwardenError ? (e.file ?? '') : '');
  failures.sort((a, b) => compareUtf8(key(a), key(b)));
  throw failures[0];
}

interface NamedDirent {
  name: string;
  dirent: Dirent<Buffer>;
}

/**
 * Opens and reads one snapshot file, refusing anything that is not (or no longer) a regular
 * file, and reading at most `limit`+1 bytes. 'symlink' when the entry turned into a link
 * after readdir; 'vanished' when it was deleted.
 */
async function readBounded(
  abs: string,
  rel: string,
  limit: number,
  limitName: string,
  flag: string | undefined,
): Promise<Buffer | 'symlink' | 'vanished'> {
  let handle: FileHandle;
  try {
    handle = await open(abs, OPEN_FLAGS);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ELOOP' || code === 'EMLINK') return 'symlink'; // O_NOFOLLOW refused a link
    if (code === 'ENOENT') return 'vanished';
    if (code === 'ENXIO') throw specialFile(rel, 'socket');
    throw unreadable(rel, err);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw specialFile(rel, describeType(info));
    const tooLarge = (size: string) =>
      new DepwardenError(
        'SNAPSHOT_FILE_TOO_LARGE',
        `${rel} is ${size}, over the ${limitName} limit of ${formatBytes(limit)}`,
        {
          file: rel,
          hint:
            flag === undefined
              ? `Raise the ${limitName} limit if the file is genuine.`
              : `Raise ${flag} if the file is genuine.`,
        },
      );
    if (info.size > limit) throw tooLarge(formatBytes(info.size));
    const bytes = await readUpTo(handle, info.size, limit);
    if (bytes === undefined)
      throw tooLarge(`over ${formatBytes(limit)} (it grew while being read)`);
    return bytes;
  } catch (err) {
    if (err instanceof DepwardenError) throw err;
    throw unreadable(rel, err);
  } finally {
    await handle.close();
  }
}

/**
 * Reads the whole file when it holds at most `limit` bytes, else undefined. One read of
 * fstat-size + 1 bytes normally does it: getting exactly the fstat size back is the end of
 * the file (the trust Node's own readFile places in fstat). Anything else (a file that grew
 * or shrank after fstat, or a partial read) falls back to reading until end of file, still
 * never past limit + 1 bytes.
 */
async function readUpTo(
  handle: FileHandle,
  expected: number,
  limit: number,
): Promise<Buffer | undefined> {
  const want = Math.min(expected, limit) + 1;
  const first = Buffer.alloc(want);
  const { bytesRead } = await handle.read(first, 0, want, null);
  if (bytesRead === expected) return first.subarray(0, bytesRead);
  const chunks: Buffer[] = [first.subarray(0, bytesRead)];
  let total = bytesRead;
  while (total <= limit) {
    const chunk = Buffer.alloc(Math.min(64 * 1024, limit + 1 - total));
    const got = await fill(handle, chunk);
    if (got === 0) return Buffer.concat(chunks, total);
    chunks.push(chunk.subarray(0, got));
    total += got;
  }
  return undefined;
}

/** Reads into `buffer` until it is full or the file ends; returns the bytes read. */
async function fill(handle: FileHandle, buffer: Buffer): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

function describeType(entry: {
  isFIFO(): boolean;
  isSocket(): boolean;
  isBlockDevice(): boolean;
  isCharacterDevice(): boolean;
  isDirectory(): boolean;
}): string {
  if (entry.isFIFO()) return 'FIFO (named pipe)';
  if (entry.isSocket()) return 'socket';
  if (entry.isBlockDevice()) return 'block device';
  if (entry.isCharacterDevice()) return 'character device';
  if (entry.isDirectory()) return 'directory';
  return 'special file';
}

function specialFile(rel: string, kind: string): DepwardenError {
  return new DepwardenError(
    'SNAPSHOT_SPECIAL_FILE',
    `${rel} is a ${kind}, not a regular file; it was not opened`,
    { file: rel },
  );
}

function unreadable(rel: string, err: unknown): DepwardenError {
  const code: ErrorCode = 'SNAPSHOT_UNREADABLE';
  const reason = errnoCode(err) ?? (err instanceof Error ? err.message : String(err));
  return new DepwardenError(code, `Cannot read ${rel} (${reason})`, { file: rel, cause: err });
}

function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string')
    return err.code;
  return undefined;
}
