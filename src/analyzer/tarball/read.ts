/**
 * Reads a package tarball in memory as a stream: gunzip in bounded chunks, and the tar format
 * parsed header by header as the bytes come, so the whole archive is never one buffer, a gzip
 * bomb stops inflating the moment it passes a bound, and nothing after the end-of-archive
 * marker is inflated at all. Tarballs of 64 KiB or less (most packages) are inflated in one
 * bounded call instead, which is faster and at most 12.8 MiB. Nothing is written to disk and
 * nothing is executed.
 *
 * Why our own tar reader rather than node-tar's Parser: the analysis needs the archive as it
 * is, including what extractors normalise away or silently drop (a second entry for one path,
 * `..` and absolute names, links, a pax header renaming an entry), with every count and size
 * bounded before anything is allocated. The semantics follow npm's unpacking (node-tar with
 * `strip: 1`): the first path segment is the package root whatever it is called, `..` entries
 * are refused, the last of duplicate entries wins.
 *
 * Limits (all documented in docs/analyzer.md): compressed size, uncompressed size, compression
 * ratio (gzip bombs), entry count, per-file size. Exceeding one is a finding; what was read up
 * to that point is still analysed.
 */
import { createGunzip, gunzipSync } from 'node:zlib';

export interface TarballLimits {
  maxCompressedBytes: number;
  maxUncompressedBytes: number;
  /** Uncompressed / compressed. */
  maxRatio: number;
  maxEntries: number;
  /** A larger file is listed (path, size) but its bytes are not kept or analysed. */
  maxFileBytes: number;
}

export const DEFAULT_TARBALL_LIMITS: TarballLimits = {
  maxCompressedBytes: 256 * 1024 * 1024,
  maxUncompressedBytes: 512 * 1024 * 1024,
  maxRatio: 200,
  maxEntries: 50_000,
  maxFileBytes: 64 * 1024 * 1024,
};

export interface TarFile {
  /** POSIX path relative to the package root (the first segment stripped). */
  path: string;
  size: number;
  mode: number;
  /** Undefined when the file exceeded maxFileBytes. */
  bytes: Uint8Array | undefined;
}

export type TarFindingKind =
  | 'not-gzip'
  | 'corrupt'
  | 'limit-compressed'
  | 'limit-uncompressed'
  | 'limit-ratio'
  | 'limit-entries'
  | 'limit-file-size'
  | 'path-traversal'
  | 'absolute-path'
  | 'backslash-path'
  | 'duplicate-entry'
  | 'symlink'
  | 'hardlink'
  | 'special-file'
  | 'unexpected-root';

export interface TarFinding {
  kind: TarFindingKind;
  /** The entry's path as written in the archive (sanitised later for display). */
  path?: string;
  message: string;
}

export interface TarballContents {
  files: TarFile[];
  findings: TarFinding[];
  compressedBytes: number;
  uncompressedBytes: number;
  entries: number;
  /** False when a limit or corruption stopped reading: the analysis saw only part of it. */
  complete: boolean;
}

const BLOCK = 512;
/** Pax and GNU long-name records are small; a huge one is an attack on the reader. */
const MAX_META_BYTES = 1024 * 1024;
/** Inflated bytes per chunk: large enough that per-chunk overhead vanishes, small next to files. */
const GUNZIP_CHUNK = 256 * 1024;
/** Compressed size up to which one synchronous, bounded gunzip call beats a stream. */
const SYNC_INFLATE_MAX = 64 * 1024;

export async function readTarball(
  input: Uint8Array,
  limits: TarballLimits = DEFAULT_TARBALL_LIMITS,
): Promise<TarballContents> {
  const reader = new TarReader(input.length, limits);
  if (input.length > limits.maxCompressedBytes) {
    reader.stop(
      'limit-compressed',
      `the tarball is ${input.length} bytes, over the ${limits.maxCompressedBytes}-byte limit`,
    );
    return reader.end();
  }
  const isGzip = input.length >= 2 && input[0] === 0x1f && input[1] === 0x8b;
  if (!isGzip) {
    reader.findings.push({ kind: 'not-gzip', message: 'the tarball is not gzip-compressed' });
    if (input.length > limits.maxUncompressedBytes)
      reader.stop(
        'limit-uncompressed',
        `the archive is over the ${limits.maxUncompressedBytes}-byte limit`,
      );
    else reader.push(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
    return reader.end();
  }

  const bound = Math.min(
    limits.maxUncompressedBytes,
    Math.max(BLOCK * 4, input.length * limits.maxRatio),
  );
  const byRatio = bound < limits.maxUncompressedBytes;
  const overBound = (): void =>
    reader.stop(
      byRatio ? 'limit-ratio' : 'limit-uncompressed',
      byRatio
        ? `the tarball inflates past ${limits.maxRatio} times its compressed size (a gzip bomb?)`
        : `the tarball inflates past the ${limits.maxUncompressedBytes}-byte limit`,
    );
  if (input.length <= SYNC_INFLATE_MAX) {
    // Small tarballs (most packages) inflate in one call, bounded to SYNC_INFLATE_MAX x
    // maxRatio at most: a stream's setup would cost more than the work. One that fails (past
    // the bound, corrupt, truncated) is read again as a stream below, which keeps the files
    // before the point of failure and names it.
    let tar: Buffer | undefined;
    try {
      tar = gunzipSync(input, { maxOutputLength: bound });
    } catch {
      tar = undefined;
    }
    if (tar !== undefined) {
      reader.push(tar);
      return reader.end();
    }
  }
  await new Promise<void>((resolve) => {
    const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
    let inflated = 0;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      resolve();
    };
    gunzip.on('data', (chunk: Buffer) => {
      if (settled) return;
      inflated += chunk.length;
      if (inflated > bound) {
        overBound();
        settle();
        return;
      }
      reader.push(chunk);
      if (reader.done) settle(); // the end-of-archive marker or a stop: inflate no further
    });
    gunzip.on('error', () => {
      reader.stop('corrupt', 'the gzip stream is corrupt or truncated');
      settle();
    });
    gunzip.on('end', settle);
    gunzip.end(input);
  });
  return reader.end();
}

/** What a header announced, completed once its data has arrived. */
interface PendingEntry {
  header: Buffer;
  type: string;
  size: number;
  /** Where the header started in the archive, for messages. */
  offset: number;
  /** The entry's data, when it is kept (metadata records, files within maxFileBytes). */
  data: Buffer | undefined;
  filled: number;
}

/**
 * The tar format as a push parser: `push` takes bytes in any chunking, `end` returns what was
 * read. An entry is handled only once all its data is in, so a truncated archive never yields
 * a half file.
 */
class TarReader {
  readonly findings: TarFinding[] = [];
  /** By path, in archive order; a later duplicate replaces (and moves after) the earlier one. */
  private readonly byPath = new Map<string, TarFile>();
  private complete = true;
  private entries = 0;
  private consumed = 0;
  /** True once the end-of-archive marker was read or a stop ended the reading. */
  done = false;
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  private entry: PendingEntry | undefined;
  /** Data bytes still to come for `entry`, then padding to skip. */
  private remaining = 0;
  private padding = 0;
  private pax: Record<string, string> = {};
  private globalPax: Record<string, string> = {};
  private longName: string | undefined;
  private longLink: string | undefined;
  private root: string | undefined;

  constructor(
    private readonly compressedBytes: number,
    private readonly limits: TarballLimits,
  ) {}

  stop(kind: TarFindingKind, message: string, path?: string): void {
    if (this.done && !this.complete) return; // the first stop is the reason
    this.findings.push(path === undefined ? { kind, message } : { kind, message, path });
    this.complete = false;
    this.done = true;
  }

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.done) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - at);
        const entry = this.entry as PendingEntry;
        if (entry.data !== undefined) chunk.copy(entry.data, entry.filled, at, at + n);
        entry.filled += n;
        this.remaining -= n;
        at += n;
        this.consumed += n;
        if (this.remaining === 0) this.completeEntry();
      } else if (this.padding > 0) {
        const n = Math.min(this.padding, chunk.length - at);
        this.padding -= n;
        at += n;
        this.consumed += n;
      } else {
        const n = Math.min(BLOCK - this.headerFill, chunk.length - at);
        chunk.copy(this.header, this.headerFill, at, at + n);
        this.headerFill += n;
        at += n;
        this.consumed += n;
        if (this.headerFill === BLOCK) {
          this.headerFill = 0;
          this.startEntry();
        }
      }
    }
  }

  end(): TarballContents {
    // A partial trailing header is ignored, as the end-of-archive blocks are optional.
    if (!this.done && this.remaining > 0)
      this.stop('corrupt', 'the archive ends in the middle of an entry (truncated)');
    return {
      files: [...this.byPath.values()],
      findings: this.findings,
      compressedBytes: this.compressedBytes,
      uncompressedBytes: this.consumed,
      entries: this.entries,
      complete: this.complete,
    };
  }

  private startEntry(): void {
    const header = this.header;
    const offset = this.consumed - BLOCK;
    if (isZeroBlock(header)) {
      this.done = true;
      return;
    }
    if (!checksumOk(header))
      return this.stop('corrupt', `bad tar header checksum at byte ${offset}`);
    const type = String.fromCharCode(header[156] ?? 0);
    const size = readSize(header);
    if (size === undefined || size < 0)
      return this.stop('corrupt', `bad tar size field at byte ${offset}`);
    const meta = type === 'x' || type === 'g' || type === 'L' || type === 'K';
    if (meta && size > MAX_META_BYTES)
      return this.stop('corrupt', `a ${size}-byte tar metadata record (limit ${MAX_META_BYTES})`);
    const regular = type === '0' || type === '\0' || type === '7';
    const keep = meta || (regular && size <= this.limits.maxFileBytes);
    this.entry = {
      header: Buffer.from(header),
      type,
      size,
      offset,
      data: keep ? Buffer.allocUnsafe(size) : undefined,
      filled: 0,
    };
    this.remaining = size;
    this.padding = Math.ceil(size / BLOCK) * BLOCK - size;
    if (size === 0) this.completeEntry();
  }

  private completeEntry(): void {
    const { header, type, size, data } = this.entry as PendingEntry;
    this.entry = undefined;

    // Metadata entries: they describe the next entry (or all, for 'g').
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      const body = data as Buffer;
      if (type === 'x') this.pax = { ...this.pax, ...parsePax(body) };
      else if (type === 'g') this.globalPax = { ...this.globalPax, ...parsePax(body) };
      else if (type === 'L') this.longName = cString(body);
      else this.longLink = cString(body);
      return;
    }

    this.entries++;
    if (this.entries > this.limits.maxEntries)
      return this.stop(
        'limit-entries',
        `more than ${this.limits.maxEntries} entries in the tarball`,
      );

    const meta = { ...this.globalPax, ...this.pax };
    let rawPath = meta.path ?? this.longName ?? ustarPath(header);
    const linkTarget = meta.linkpath ?? this.longLink ?? cString(header.subarray(157, 257));
    this.pax = {};
    this.longName = undefined;
    this.longLink = undefined;

    if (rawPath.includes('\\')) {
      this.findings.push({
        kind: 'backslash-path',
        path: rawPath,
        message: 'an entry path uses backslashes',
      });
      rawPath = rawPath.replace(/\\/g, '/');
    }
    if (rawPath.startsWith('/') || /^[A-Za-z]:/.test(rawPath)) {
      this.findings.push({
        kind: 'absolute-path',
        path: rawPath,
        message: 'an entry has an absolute path',
      });
      rawPath = rawPath.replace(/^([A-Za-z]:)?\/+/, '');
    }
    const segments = rawPath.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.includes('..')) {
      this.findings.push({
        kind: 'path-traversal',
        path: rawPath,
        message: 'an entry path climbs out of the package with ..; npm refuses it',
      });
      return;
    }
    const first = segments[0];
    if (first !== undefined && this.root === undefined) {
      this.root = first;
      if (first !== 'package')
        this.findings.push({
          kind: 'unexpected-root',
          path: rawPath,
          message: `the archive's root folder is ${JSON.stringify(first)}, not "package"`,
        });
    }
    const path = segments.slice(1).join('/');
    if (type === '5' || path === '') return; // directories carry nothing to analyse
    if (type === '2' || type === '1') {
      this.findings.push({
        kind: type === '2' ? 'symlink' : 'hardlink',
        path,
        message: `${type === '2' ? 'symbolic' : 'hard'} link to ${JSON.stringify(linkTarget)} (not followed)`,
      });
      return;
    }
    if (type === '3' || type === '4' || type === '6') {
      this.findings.push({ kind: 'special-file', path, message: 'a device or FIFO entry' });
      return;
    }
    if (type !== '0' && type !== '\0' && type !== '7') return; // unknown types: skipped, as tar does

    if (this.byPath.delete(path))
      this.findings.push({
        kind: 'duplicate-entry',
        path,
        message: 'two entries for one path; the last one is installed',
      });
    const mode = readOctal(header, 100, 8) ?? 0o644;
    if (size > this.limits.maxFileBytes) {
      this.findings.push({
        kind: 'limit-file-size',
        path,
        message: `a ${size}-byte file, over the ${this.limits.maxFileBytes}-byte limit, was not analysed`,
      });
      this.complete = false;
    }
    this.byPath.set(path, { path, size, mode, bytes: data });
  }
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** The checksum field counts as spaces; some writers sum signed bytes. */
function checksumOk(header: Buffer): boolean {
  const stored = readOctal(header, 148, 8);
  if (stored === undefined) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (header[i] as number);
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

function readOctal(header: Buffer, at: number, width: number): number | undefined {
  const text = header
    .subarray(at, at + width)
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return undefined;
  return parseInt(text, 8);
}

/** Octal, or GNU base-256 (high bit set) for sizes over 8 GiB. */
function readSize(header: Buffer): number | undefined {
  if (((header[124] as number) & 0x80) !== 0) {
    let value = 0;
    for (let i = 125; i < 136; i++) value = value * 256 + (header[i] as number);
    return Number.isSafeInteger(value) ? value : undefined;
  }
  return readOctal(header, 124, 12);
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
}

function ustarPath(header: Buffer): string {
  const name = cString(header.subarray(0, 100));
  const magic = header.subarray(257, 262).toString('latin1');
  if (magic !== 'ustar') return name;
  const prefix = cString(header.subarray(345, 500));
  return prefix === '' ? name : `${prefix}/${name}`;
}

/** Pax records: `<len> <key>=<value>\n`, lengths in bytes including themselves. */
function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    if (space === -1) break;
    const len = Number(body.subarray(at, space).toString('latin1'));
    if (!Number.isSafeInteger(len) || len <= 0 || at + len > body.length) break;
    const record = body.subarray(space + 1, at + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += len;
  }
  return out;
}
