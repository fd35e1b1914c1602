/**
 * Reads a package tarball in memory: gunzip with a hard output bound, then the tar format,
 * header by header. Nothing is written to disk and nothing is executed.
 *
 * Why our own tar reader rather than node-tar's Parser: the analysis needs the archive as it
 * is, including what extractors normalise away or silently drop (a second entry for one path,
 * `..` and absolute names, links, a pax header renaming an entry), synchronously over one
 * buffer with every count and size bounded before anything is allocated. The semantics follow
 * npm's unpacking (node-tar with `strip: 1`): the first path segment is the package root
 * whatever it is called, `..` entries are refused, the last of duplicate entries wins.
 *
 * Limits (all documented in docs/analyzer.md): compressed size, uncompressed size, compression
 * ratio (gzip bombs stop at the bound, never after inflating), entry count, per-file size.
 * Exceeding one is a finding; what was read up to that point is still analysed.
 */
import { gunzipSync } from 'node:zlib';

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

export function readTarball(
  input: Uint8Array,
  limits: TarballLimits = DEFAULT_TARBALL_LIMITS,
): TarballContents {
  const out: TarballContents = {
    files: [],
    findings: [],
    compressedBytes: input.length,
    uncompressedBytes: 0,
    entries: 0,
    complete: true,
  };
  // By path, in archive order; a later duplicate replaces (and moves after) the earlier one.
  const byPath = new Map<string, TarFile>();
  const finish = (): TarballContents => {
    out.files = [...byPath.values()];
    return out;
  };
  const stop = (kind: TarFindingKind, message: string, path?: string): TarballContents => {
    out.findings.push(path === undefined ? { kind, message } : { kind, message, path });
    out.complete = false;
    return finish();
  };
  if (input.length > limits.maxCompressedBytes)
    return stop(
      'limit-compressed',
      `the tarball is ${input.length} bytes, over the ${limits.maxCompressedBytes}-byte limit`,
    );

  let tar: Buffer;
  const isGzip = input.length >= 2 && input[0] === 0x1f && input[1] === 0x8b;
  if (isGzip) {
    const bound = Math.min(
      limits.maxUncompressedBytes,
      Math.max(BLOCK * 4, input.length * limits.maxRatio),
    );
    try {
      tar = gunzipSync(input, { maxOutputLength: bound });
    } catch (err) {
      if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        const byRatio = bound < limits.maxUncompressedBytes;
        return stop(
          byRatio ? 'limit-ratio' : 'limit-uncompressed',
          byRatio
            ? `the tarball inflates past ${limits.maxRatio} times its compressed size (a gzip bomb?)`
            : `the tarball inflates past the ${limits.maxUncompressedBytes}-byte limit`,
        );
      }
      return stop('corrupt', 'the gzip stream is corrupt or truncated');
    }
  } else {
    out.findings.push({ kind: 'not-gzip', message: 'the tarball is not gzip-compressed' });
    tar = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (tar.length > limits.maxUncompressedBytes)
      return stop(
        'limit-uncompressed',
        `the archive is over the ${limits.maxUncompressedBytes}-byte limit`,
      );
  }
  out.uncompressedBytes = tar.length;

  let pax: Record<string, string> = {};
  let globalPax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  let root: string | undefined;
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (isZeroBlock(header)) break;
    if (!checksumOk(header)) return stop('corrupt', `bad tar header checksum at byte ${offset}`);
    const type = String.fromCharCode(header[156] ?? 0);
    const size = readSize(header);
    if (size === undefined || size < 0)
      return stop('corrupt', `bad tar size field at byte ${offset}`);
    const dataStart = offset + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > tar.length)
      return stop('corrupt', 'the archive ends in the middle of an entry (truncated)');
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    // Metadata entries: they describe the next entry (or all, for 'g').
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      if (size > MAX_META_BYTES)
        return stop('corrupt', `a ${size}-byte tar metadata record (limit ${MAX_META_BYTES})`);
      const body = tar.subarray(dataStart, dataEnd);
      if (type === 'x') pax = { ...pax, ...parsePax(body) };
      else if (type === 'g') globalPax = { ...globalPax, ...parsePax(body) };
      else if (type === 'L') longName = cString(body);
      else longLink = cString(body);
      continue;
    }

    out.entries++;
    if (out.entries > limits.maxEntries)
      return stop('limit-entries', `more than ${limits.maxEntries} entries in the tarball`);

    const meta = { ...globalPax, ...pax };
    let rawPath = meta.path ?? longName ?? ustarPath(header);
    const linkTarget = meta.linkpath ?? longLink ?? cString(header.subarray(157, 257));
    pax = {};
    longName = undefined;
    longLink = undefined;

    if (rawPath.includes('\\')) {
      out.findings.push({
        kind: 'backslash-path',
        path: rawPath,
        message: 'an entry path uses backslashes',
      });
      rawPath = rawPath.replace(/\\/g, '/');
    }
    if (rawPath.startsWith('/') || /^[A-Za-z]:/.test(rawPath)) {
      out.findings.push({
        kind: 'absolute-path',
        path: rawPath,
        message: 'an entry has an absolute path',
      });
      rawPath = rawPath.replace(/^([A-Za-z]:)?\/+/, '');
    }
    const segments = rawPath.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.includes('..')) {
      out.findings.push({
        kind: 'path-traversal',
        path: rawPath,
        message: 'an entry path climbs out of the package with ..; npm refuses it',
      });
      continue;
    }
    const first = segments[0];
    if (first !== undefined && root === undefined) {
      root = first;
      if (first !== 'package')
        out.findings.push({
          kind: 'unexpected-root',
          path: rawPath,
          message: `the archive's root folder is ${JSON.stringify(first)}, not "package"`,
        });
    }
    const path = segments.slice(1).join('/');
    if (type === '5' || path === '') continue; // directories carry nothing to analyse
    if (type === '2' || type === '1') {
      out.findings.push({
        kind: type === '2' ? 'symlink' : 'hardlink',
        path,
        message: `${type === '2' ? 'symbolic' : 'hard'} link to ${JSON.stringify(linkTarget)} (not followed)`,
      });
      continue;
    }
    if (type === '3' || type === '4' || type === '6') {
      out.findings.push({ kind: 'special-file', path, message: 'a device or FIFO entry' });
      continue;
    }
    if (type !== '0' && type !== '\0' && type !== '7') continue; // unknown types: skipped, as tar does

    if (byPath.delete(path))
      out.findings.push({
        kind: 'duplicate-entry',
        path,
        message: 'two entries for one path; the last one is installed',
      });
    const mode = readOctal(header, 100, 8) ?? 0o644;
    let bytes: Uint8Array | undefined;
    if (size > limits.maxFileBytes) {
      out.findings.push({
        kind: 'limit-file-size',
        path,
        message: `a ${size}-byte file, over the ${limits.maxFileBytes}-byte limit, was not analysed`,
      });
      out.complete = false;
    } else bytes = tar.subarray(dataStart, dataEnd);
    byPath.set(path, { path, size, mode, bytes });
  }
  return finish();
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
