/**
 * The embedded advisory database: one file, `<dataDir>/advisories/npm.ndjson`, written
 * atomically by an import and read by scans.
 *
 * Format (UTF-8, newline-separated JSON, version 1):
 *
 *   line 1  header   {"format":"depwarden-advisories","formatVersion":1,"ecosystem":"npm",
 *                     "source","importedAt","records","packages","newestModified","stats",
 *                     "indexBytes","dataBytes"}
 *   line 2  index    {"names":[…sorted package names…],"starts":[…byte offsets…]}
 *   then    data     one JSON array of Advisory per package, in index order, each ending in
 *                    a newline; package i spans bytes starts[i]..starts[i+1] of the data
 *
 * Why this shape: a scan needs the advisories of a few thousand packages out of ~60,000, so
 * opening reads only the header and the index (a few MB for the full npm export) into a Map,
 * and a package's line is read and parsed only when that package is first matched. A one-file
 * database can be replaced atomically: an import writes a temporary file in the same folder,
 * fsyncs it, renames it over the old one and fsyncs the folder, so a killed import leaves the
 * previous database intact (and at worst a stray temporary file, removed by a later import),
 * and a scan that has the old file open keeps reading that one, consistently.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, open as openCallback, readSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DepwardenError } from '../errors/index.js';
import { redactUrl } from '../registry/index.js';
import { compileAffected, isAffected, parseVersion, type CompiledAffected } from './match.js';
import { normalizeRecord } from './osv.js';
import type {
  Advisory,
  AdvisoryDbInfo,
  ImportProblem,
  ImportResult,
  ImportStats,
} from './types.js';
import { DEFAULT_ZIP_LIMITS, readZipEntries, ZipRefused, type ZipLimits } from './zip.js';

export const DB_FOLDER = 'advisories';
export const DB_FILE = 'npm.ndjson';
const FORMAT = 'depwarden-advisories';
const FORMAT_VERSION = 1;
/** Most problems an import keeps to show (the count is complete). */
const MAX_PROBLEMS = 20;
/** Temporary files older than this are a killed import's leftovers. */
const STALE_TEMP_MS = 60 * 60 * 1000;
/** The header line is small; anything longer is not our file. */
const MAX_HEADER_BYTES = 64 * 1024;

export interface ImportOptions {
  /** depwarden's data folder; the database goes to `<dataDir>/advisories/`. */
  dataDir: string;
  /** Where the export came from (path or URL), recorded redacted; defaults to the path. */
  source?: string;
  /** The import time to record (tests pass a fixed one). */
  now?: Date;
  limits?: Partial<ZipLimits>;
}

/**
 * Imports an OSV per-ecosystem export (`all.zip`, as bytes or a file path) into the database,
 * replacing the previous one only once the new one is complete and on disk.
 */
export async function importOsvZip(
  input: Uint8Array | string,
  options: ImportOptions,
): Promise<ImportResult> {
  const limits: ZipLimits = { ...DEFAULT_ZIP_LIMITS, ...options.limits };
  const bytes =
    typeof input === 'string'
      ? await readSource(input, limits.maxZipBytes)
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const source = redactSource(options.source ?? (typeof input === 'string' ? input : 'memory'));
  const stats: ImportStats = {
    entries: 0,
    ignoredEntries: 0,
    records: 0,
    packages: 0,
    malicious: 0,
    withdrawn: 0,
    notNpm: 0,
    malformed: 0,
    oversized: 0,
    duplicates: 0,
    uncertain: 0,
  };
  const problems: ImportProblem[] = [];
  const problem = (entry: string, reason: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push({ entry, reason });
  };
  // id → the newest record seen with that id (exports should not repeat ids; mirrors might).
  const records = new Map<string, { modified: string; packages: Map<string, Advisory> }>();
  try {
    for await (const item of readZipEntries(bytes, limits)) {
      stats.entries++;
      if (item.kind === 'ignored') {
        stats.ignoredEntries++;
        continue;
      }
      if (item.kind === 'oversized') {
        stats.oversized++;
        problem(item.name, `larger than ${limits.maxEntryBytes} bytes (${item.bytes})`);
        continue;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(item.text);
      } catch (err) {
        stats.malformed++;
        problem(item.name, `not JSON: ${(err as Error).message.slice(0, 120)}`);
        continue;
      }
      const record = normalizeRecord(parsed);
      if (record.kind === 'malformed') {
        stats.malformed++;
        problem(item.name, record.reason);
        continue;
      }
      const previous = records.get(record.id);
      if (previous !== undefined) {
        stats.duplicates++;
        if (Date.parse(previous.modified) >= Date.parse(record.modified)) continue;
      }
      if (record.kind === 'withdrawn') stats.withdrawn++;
      else if (record.kind === 'notNpm') stats.notNpm++;
      // A newer withdrawn or non-npm version of a record replaces the stored one with nothing.
      records.set(record.id, {
        modified: record.modified,
        packages: record.kind === 'advisory' ? record.packages : new Map(),
      });
    }
  } catch (err) {
    if (err instanceof ZipRefused)
      throw new DepwardenError(
        'ADVISORY_SOURCE_INVALID',
        `the advisory export ${source} was refused: ${err.message}`,
        {
          hint: 'Download the export again, or check that --from names an OSV all.zip.',
          cause: err,
        },
      );
    throw err;
  }

  const byPackage = new Map<string, Advisory[]>();
  let newestModified: string | undefined;
  for (const { modified, packages } of records.values()) {
    if (packages.size === 0) continue;
    stats.records++;
    if (newestModified === undefined || Date.parse(modified) > Date.parse(newestModified))
      newestModified = modified;
    let malicious = false;
    let uncertain = false;
    for (const [name, advisory] of packages) {
      malicious ||= advisory.malicious;
      uncertain ||= advisory.unparsedBounds !== undefined;
      let list = byPackage.get(name);
      if (list === undefined) byPackage.set(name, (list = []));
      list.push(advisory);
    }
    if (malicious) stats.malicious++;
    if (uncertain) stats.uncertain++;
  }
  stats.packages = byPackage.size;
  if (stats.records === 0) {
    // Replacing a working database with an empty one would make every scan silently clean.
    throw new DepwardenError(
      'ADVISORY_SOURCE_INVALID',
      `the advisory export ${source} holds no usable npm advisory (${stats.entries} entries, ${stats.malformed} malformed, ${stats.notNpm} for other ecosystems)`,
      {
        hint: 'Check that --from names the npm export (…/npm/all.zip); the previous database is unchanged.',
      },
    );
  }

  const info: AdvisoryDbInfo = {
    source,
    importedAt: (options.now ?? new Date()).toISOString(),
    records: stats.records,
    packages: stats.packages,
    newestModified,
  };
  const chunks = serialize(byPackage, info, stats);
  const dir = join(options.dataDir, DB_FOLDER);
  const dbBytes = await writeAtomic(dir, DB_FILE, chunks);
  return { info, stats, problems, dbBytes };
}

async function readSource(path: string, maxBytes: number): Promise<Buffer> {
  try {
    const size = (await stat(path)).size;
    if (size > maxBytes)
      throw new DepwardenError(
        'USAGE',
        `${path} is ${size} bytes, more than the ${maxBytes} an advisory export may have`,
        { hint: 'Pass the OSV npm export (all.zip); raise the limit only for a genuine file.' },
      );
    return await readFile(path);
  } catch (err) {
    if (err instanceof DepwardenError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new DepwardenError('USAGE', `cannot read the advisory export ${path} (${code})`, {
      hint: 'Pass an existing OSV export file (all.zip) or an http(s) URL with --from.',
      cause: err,
    });
  }
}

/** A URL without credentials, query or fragment; a path as given. */
export function redactSource(source: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source) ? redactUrl(source) : source;
}

function serialize(
  byPackage: Map<string, Advisory[]>,
  info: AdvisoryDbInfo,
  stats: ImportStats,
): Buffer[] {
  const names = [...byPackage.keys()].sort();
  const data: Buffer[] = [];
  const starts = [0];
  let offset = 0;
  for (const name of names) {
    const list = byPackage.get(name)!.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const line = Buffer.from(`${JSON.stringify(list)}\n`, 'utf8');
    data.push(line);
    offset += line.length;
    starts.push(offset);
  }
  const index = Buffer.from(`${JSON.stringify({ names, starts })}\n`, 'utf8');
  const header = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    ecosystem: 'npm',
    ...info,
    stats,
    indexBytes: index.length,
    dataBytes: offset,
  };
  return [Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'), index, ...data];
}

/** Writes `chunks` to `<dir>/<file>` via a fsynced temporary file and a rename. */
export async function writeAtomic(
  dir: string,
  file: string,
  chunks: readonly Buffer[],
): Promise<number> {
  await mkdir(dir, { recursive: true });
  await removeStaleTemps(dir);
  const temp = join(dir, `.${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let bytes = 0;
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      for (const chunk of chunks) {
        await handle.write(chunk);
        bytes += chunk.length;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(dir, file));
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await syncFolder(dir);
  return bytes;
}

/** Makes the rename itself durable; folders cannot be opened for sync on Windows: skipped. */
async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes old `.*.tmp` files (killed imports' and downloads'); the folder is ours alone. */
async function removeStaleTemps(dir: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(dir)) {
    if (!name.startsWith('.') || !name.endsWith('.tmp')) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info !== undefined && now - info.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true });
  }
}

interface PackageEntry {
  advisory: Advisory;
  affected: CompiledAffected;
}

export type DbStatus = 'ok' | 'missing' | 'invalid';

/** Where the package lines are: the open file, and each line's offset in its data part. */
interface DataSource {
  fd: number;
  /** File offset of the first package line. */
  dataStart: number;
  starts: readonly number[];
}

/**
 * The opened database. Opening reads only the header and the index; a package's line is read
 * from the file, parsed and its ranges compiled the first time the package is matched, then
 * cached, so `match` stays synchronous and a scan touches only the lines it needs. The file
 * stays open until `close()`: a database replaced by an import meanwhile is still read
 * consistently (the open file is the old one).
 */
export class AdvisoryDb {
  private readonly cache = new Map<string, PackageEntry[] | null>();
  private source: DataSource | undefined;

  private constructor(
    readonly status: DbStatus,
    /** Why the file could not be used, when status is `invalid`. */
    readonly problem: string | undefined,
    private readonly header: AdvisoryDbInfo | undefined,
    private readonly index: Map<string, number>,
    source: DataSource | undefined,
  ) {
    this.source = source;
  }

  static empty(status: 'missing' | 'invalid', problem?: string): AdvisoryDb {
    return new AdvisoryDb(status, problem, undefined, new Map(), undefined);
  }

  /** @internal Built by openAdvisoryDb. */
  static loaded(info: AdvisoryDbInfo, names: readonly string[], source: DataSource): AdvisoryDb {
    const index = new Map<string, number>();
    names.forEach((name, i) => index.set(name, i));
    return new AdvisoryDb('ok', undefined, info, index, source);
  }

  /** Provenance of the data; undefined when there is no usable database. */
  info(): AdvisoryDbInfo | undefined {
    return this.header;
  }

  /** Number of package names with advisories. */
  get packageCount(): number {
    return this.index.size;
  }

  /**
   * The advisories that affect `name` at `version`. Names are compared as npm does:
   * exactly (case-sensitive; `@scope/name` whole). Withdrawn records are never stored.
   */
  match(name: string, version: string): Advisory[] {
    const entries = this.entries(name);
    if (entries === undefined || entries.length === 0) return [];
    const parsed = parseVersion(version);
    const out: Advisory[] = [];
    for (const entry of entries) {
      try {
        if (isAffected(entry.affected, version, parsed)) out.push(entry.advisory);
      } catch {
        // A stored bound that is not a version: the file was damaged after the import, which
        // wrote only valid bounds. That advisory is lost, like a line that does not parse.
      }
    }
    return out;
  }

  /** Every advisory about `name`, whatever the version. */
  advisoriesFor(name: string): Advisory[] {
    return (this.entries(name) ?? []).map((e) => e.advisory);
  }

  /** Releases the file. Packages already read stay answerable; reading another throws. */
  close(): void {
    if (this.source === undefined) return;
    closeSync(this.source.fd);
    this.source = undefined;
  }

  private entries(name: string): PackageEntry[] | undefined {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const i = this.index.get(name);
    if (i === undefined) return undefined;
    if (this.source === undefined) throw new Error('the advisory database is closed');
    const entries = decodePackage(this.source, i);
    this.cache.set(name, entries);
    return entries ?? undefined;
  }
}

/** A package's line, or null when it does not decode (a damaged file: that package is lost). */
function decodePackage(source: DataSource, i: number): PackageEntry[] | null {
  const start = source.starts[i]!;
  const length = source.starts[i + 1]! - start;
  try {
    const bytes = Buffer.allocUnsafe(length);
    if (readSync(source.fd, bytes, 0, length, source.dataStart + start) !== length) return null;
    const list = JSON.parse(bytes.toString('utf8')) as unknown;
    if (!Array.isArray(list)) return null;
    return list.map((item: Advisory) => {
      if (
        typeof item.id !== 'string' ||
        !Array.isArray(item.ranges) ||
        !Array.isArray(item.versions)
      )
        throw new Error('bad advisory');
      return { advisory: item, affected: compileAffected(item.ranges, item.versions) };
    });
  } catch {
    return null;
  }
}

export interface OpenOptions {
  /** Largest index accepted (default 256 MiB; a full npm export's is a few MB). */
  maxIndexBytes?: number;
}

/**
 * Opens `<dataDir>/advisories/npm.ndjson`: reads the header and the index, and keeps the
 * file open for `match` (call `close()` when done). Never throws for a missing or damaged
 * file: the database then reports `status` (`missing`, or `invalid` with `problem`) and
 * matches nothing, and `staleness(db.info())` says `missing`, so a scan warns and goes on.
 */
export async function openAdvisoryDb(
  dataDir: string,
  options: OpenOptions = {},
): Promise<AdvisoryDb> {
  const path = join(dataDir, DB_FOLDER, DB_FILE);
  let fd: number;
  try {
    // A plain descriptor, not a FileHandle: a FileHandle left to the garbage collector warns.
    fd = await new Promise<number>((resolve, reject) =>
      openCallback(path, 'r', (err, opened) => (err ? reject(err) : resolve(opened))),
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return AdvisoryDb.empty('missing');
    return AdvisoryDb.empty('invalid', `${path}: ${(err as Error).message}`);
  }
  let layout: Layout | string;
  try {
    layout = readLayout(fd, options.maxIndexBytes ?? 256 * 1024 * 1024);
  } catch (err) {
    layout = (err as Error).message;
  }
  if (typeof layout === 'string') {
    closeSync(fd);
    return AdvisoryDb.empty('invalid', `${path}: ${layout}`);
  }
  return AdvisoryDb.loaded(layout.info, layout.names, {
    fd,
    dataStart: layout.dataStart,
    starts: layout.starts,
  });
}

/** Reads only the header: provenance without opening the database. */
export async function readAdvisoryDbInfo(dataDir: string): Promise<AdvisoryDbInfo | undefined> {
  const path = join(dataDir, DB_FOLDER, DB_FILE);
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.alloc(MAX_HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, MAX_HEADER_BYTES, 0);
    const end = buffer.subarray(0, bytesRead).indexOf(0x0a);
    if (end === -1) return undefined;
    const header = parseHeader(buffer.toString('utf8', 0, end));
    return typeof header === 'string' ? undefined : header.info;
  } finally {
    await handle.close();
  }
}

interface Layout {
  info: AdvisoryDbInfo;
  names: string[];
  starts: number[];
  dataStart: number;
}

interface Header {
  info: AdvisoryDbInfo;
  indexBytes: number;
  dataBytes: number;
}

function parseHeader(text: string): Header | string {
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return 'the header is not JSON';
  }
  if (typeof header !== 'object' || header === null || header.format !== FORMAT)
    return 'not a depwarden advisory database';
  if (header.formatVersion !== FORMAT_VERSION)
    return `format version ${String(header.formatVersion)} is not ${FORMAT_VERSION}: run \`depwarden db update\``;
  const { source, importedAt, records, packages, newestModified, indexBytes, dataBytes } = header;
  const count = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  if (
    typeof source !== 'string' ||
    typeof importedAt !== 'string' ||
    !count(records) ||
    !count(packages) ||
    !count(indexBytes) ||
    !count(dataBytes) ||
    (newestModified !== undefined && typeof newestModified !== 'string')
  )
    return 'the header is incomplete';
  return { info: { source, importedAt, records, packages, newestModified }, indexBytes, dataBytes };
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, read);
}

function readLayout(fd: number, maxIndexBytes: number): Layout | string {
  const size = fstatSync(fd).size;
  const first = readAt(fd, 0, Math.min(MAX_HEADER_BYTES, size));
  const headerEnd = first.indexOf(0x0a);
  if (headerEnd === -1) return 'no header line';
  const header = parseHeader(first.toString('utf8', 0, headerEnd));
  if (typeof header === 'string') return header;
  if (header.indexBytes > maxIndexBytes) return `the index is larger than ${maxIndexBytes} bytes`;
  const dataStart = headerEnd + 1 + header.indexBytes;
  if (size !== dataStart + header.dataBytes) return 'the file is truncated or has trailing bytes';
  const indexText = readAt(fd, headerEnd + 1, header.indexBytes);
  if (indexText.length !== header.indexBytes || indexText[indexText.length - 1] !== 0x0a)
    return 'the index is damaged';
  let index: { names?: unknown; starts?: unknown };
  try {
    index = JSON.parse(indexText.toString('utf8')) as typeof index;
  } catch {
    return 'the index is not JSON';
  }
  const { names, starts } = index;
  if (!Array.isArray(names) || !Array.isArray(starts) || starts.length !== names.length + 1)
    return 'the index is damaged';
  let previous = 0;
  for (let i = 0; i < starts.length; i++) {
    const start: unknown = starts[i];
    if (
      typeof start !== 'number' ||
      !Number.isSafeInteger(start) ||
      start < previous ||
      (i === 0 && start !== 0)
    )
      return 'the index is damaged';
    previous = start;
  }
  if (previous !== header.dataBytes || !names.every((n) => typeof n === 'string'))
    return 'the index is damaged';
  return { info: header.info, names: names as string[], starts: starts as number[], dataStart };
}
