/**
 * Reading an OSV export (`all.zip`: one `<ID>.json` per record) with every size bounded.
 *
 * yauzl parses the central directory (ZIP64 included) and rejects unsafe entry names and
 * inconsistent sizes; it was chosen over fflate because it never trusts the archive to
 * allocate for it, and inflation stays with Node's native zlib. The entries are then read
 * straight from the archive buffer: the local header is three fields, and each entry is
 * inflated with zlib's synchronous inflateRaw capped at the declared size
 * (`maxOutputLength`). yauzl's per-entry streams and callbacks cost more than the inflation
 * itself for the ~200,000 small entries of the npm export.
 *
 * Zip bombs are refused before anything is inflated: the declared size of each entry, the
 * sum of declared sizes and the compression ratio are checked first, and inflation cannot
 * produce more than was declared. Whatever the archive says, memory stays under
 * `maxZipBytes` + the entry list + one entry.
 */
import { inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';

export interface ZipLimits {
  /** Largest archive read (bytes). */
  maxZipBytes: number;
  /** Most entries in the archive (the npm export has ~200,000). */
  maxEntries: number;
  /** Largest single entry, inflated; larger entries are skipped and counted. */
  maxEntryBytes: number;
  /** Largest sum of inflated entries. */
  maxTotalBytes: number;
  /** Highest inflated/compressed ratio of an entry over 64 KiB (JSON is ~5–20). */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxZipBytes: 1024 * 1024 * 1024,
  maxEntries: 2_000_000,
  maxEntryBytes: 8 * 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024 * 1024,
  maxRatio: 200,
};

export type ZipItem =
  | { kind: 'json'; name: string; text: string }
  | { kind: 'ignored'; name: string }
  | { kind: 'oversized'; name: string; bytes: number };

/** Why an archive was refused as a whole: the caller turns it into a coded error. */
export class ZipRefused extends Error {}

/** Entries at most this large are never ratio-checked: tiny entries compress oddly. */
const RATIO_FLOOR = 64 * 1024;

/**
 * The archive's entries, in order: `*.json` entries inflated and decoded as UTF-8, others
 * named only. Throws ZipRefused for an archive that breaks a limit or is not a zip.
 */
export async function* readZipEntries(
  bytes: Buffer,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): AsyncGenerator<ZipItem> {
  if (bytes.length > limits.maxZipBytes)
    throw new ZipRefused(`the archive is larger than ${limits.maxZipBytes} bytes`);
  const zip = await openZip(bytes);
  let entries: yauzl.Entry[];
  try {
    if (zip.entryCount > limits.maxEntries)
      throw new ZipRefused(
        `the archive has ${zip.entryCount} entries, more than ${limits.maxEntries}`,
      );
    entries = await listEntries(zip);
  } finally {
    zip.close();
  }
  let total = 0;
  for (const entry of entries) {
    const name = entry.fileName;
    if (name.endsWith('/') || !name.toLowerCase().endsWith('.json')) {
      yield { kind: 'ignored', name };
      continue;
    }
    if (entry.isEncrypted()) throw new ZipRefused(`entry ${name} is encrypted`);
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)
      throw new ZipRefused(`entry ${name} uses compression method ${entry.compressionMethod}`);
    const size = entry.uncompressedSize;
    if (size > limits.maxEntryBytes) {
      yield { kind: 'oversized', name, bytes: size };
      continue;
    }
    if (size > RATIO_FLOOR && size > entry.compressedSize * limits.maxRatio)
      throw new ZipRefused(
        `entry ${name} inflates ${Math.round(size / Math.max(1, entry.compressedSize))}:1, more than ${limits.maxRatio}:1 (a zip bomb?)`,
      );
    total += size;
    if (total > limits.maxTotalBytes)
      throw new ZipRefused(`the entries inflate to more than ${limits.maxTotalBytes} bytes`);
    const start = dataStart(bytes, entry);
    const end = start + entry.compressedSize;
    if (end > bytes.length) throw new ZipRefused(`entry ${name} runs past the end of the archive`);
    const stored = bytes.subarray(start, end);
    let data: Buffer;
    if (entry.compressionMethod === 0) {
      data = stored;
    } else {
      try {
        // One byte of headroom: a stream that inflates to more than declared is caught below.
        data = inflateRawSync(stored, { maxOutputLength: size + 1 });
      } catch (err) {
        throw new ZipRefused(`entry ${name} does not inflate: ${(err as Error).message}`);
      }
    }
    if (data.length !== size)
      throw new ZipRefused(`entry ${name} holds ${data.length} bytes, not the ${size} it declares`);
    yield { kind: 'json', name, text: data.toString('utf8') };
  }
}

/** Where an entry's data starts: after its local header (signature, then name and extra). */
function dataStart(bytes: Buffer, entry: yauzl.Entry): number {
  const at = entry.relativeOffsetOfLocalHeader;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== 0x04034b50)
    throw new ZipRefused(`entry ${entry.fileName} has no local header`);
  return at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
}

function openZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      bytes,
      { lazyEntries: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: true },
      (err, zip) => {
        if (err) reject(new ZipRefused(`not a readable zip archive: ${err.message}`));
        else resolve(zip);
      },
    );
  });
}

/** Every central-directory entry (yauzl validates names and sizes as it reads them). */
function listEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (err: Error) =>
      reject(new ZipRefused(`the archive is damaged: ${err.message}`)),
    );
    zip.readEntry();
  });
}
