/**
 * The canonical encoding of a snapshot and its id (docs/snapshot.md is the normative text).
 *
 *   "depwarden-snapshot" 0x00 "v1" 0x00          22-byte magic and version
 *   u64be(file count)
 *   for each file, in ascending bytewise order of its UTF-8 path:
 *     u64be(byte length of path) path-bytes u64be(byte length of content) content-bytes
 *
 * id = lowercase hex SHA-256 of those bytes. Why this shape: a length prefix before every
 * variable part makes the encoding injective (no choice of paths and contents can produce the
 * bytes of another snapshot), 64-bit lengths leave no 4 GiB wrap-around to argue about, the
 * magic keeps ids of other hashing schemes from colliding with ours, and the version lets a
 * later format exist beside this one. Paths are ordered by their UTF-8 bytes, not JS string
 * order (UTF-16), so every implementation in every language sorts the same way. Nothing is
 * normalised: not newlines, not Unicode; the bytes are the bytes.
 */
import { createHash, type Hash } from 'node:crypto';

export const SNAPSHOT_MAGIC = Buffer.from('depwarden-snapshot\0v1\0', 'latin1');

export interface SnapshotInputFile {
  path: string;
  bytes: Uint8Array;
}

/** Orders strings by their UTF-8 bytes (the snapshot order). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

interface Prepared {
  pathBytes: Buffer;
  bytes: Uint8Array;
}

/** Files with their UTF-8 paths, sorted; a path that appears twice is a caller bug. */
function prepare(files: readonly SnapshotInputFile[]): Prepared[] {
  const out = files.map((f) => ({ pathBytes: Buffer.from(f.path, 'utf8'), bytes: f.bytes }));
  out.sort((a, b) => Buffer.compare(a.pathBytes, b.pathBytes));
  for (let i = 1; i < out.length; i++) {
    if (out[i - 1]!.pathBytes.equals(out[i]!.pathBytes)) {
      throw new TypeError(
        `snapshot encoding: duplicate path ${JSON.stringify(out[i]!.pathBytes.toString('utf8'))}`,
      );
    }
  }
  return out;
}

function u64(n: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** Feeds the encoding, piece by piece, to `sink`. Both functions below share this. */
function writeEncoding(
  files: readonly SnapshotInputFile[],
  sink: (chunk: Uint8Array) => void,
): void {
  const prepared = prepare(files);
  sink(SNAPSHOT_MAGIC);
  sink(u64(prepared.length));
  for (const f of prepared) {
    sink(u64(f.pathBytes.length));
    sink(f.pathBytes);
    sink(u64(f.bytes.byteLength));
    sink(f.bytes);
  }
}

/** The canonical encoding as one buffer (for upload, or for tests). */
export function encodeSnapshot(files: readonly SnapshotInputFile[]): Buffer {
  const chunks: Uint8Array[] = [];
  writeEncoding(files, (c) => chunks.push(c));
  return Buffer.concat(chunks);
}

/** Lowercase hex SHA-256 of the canonical encoding, hashed as it is produced (no big buffer). */
export function computeSnapshotId(files: readonly SnapshotInputFile[]): string {
  const hash: Hash = createHash('sha256');
  writeEncoding(files, (c) => hash.update(c));
  return hash.digest('hex');
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
