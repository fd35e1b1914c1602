/**
 * A snapshot built from files held in memory: what the report service does with the files a
 * client uploads. Every path is validated (snapshotPathProblem) and every limit of the
 * collector applies, so a snapshot accepted here is one the collector could have produced and
 * has the id the client computed. projectIgnorePaths is not applied again: the client already
 * left those files out, and dropping files here would change the id.
 */
import { DepwardenError, type Problem } from '../errors/index.js';
import { compareUtf8, computeSnapshotId, sha256Hex } from './encoding.js';
import {
  formatBytes,
  resolveLimits,
  sizeLimitFor,
  type SnapshotFileName,
  type SnapshotLimits,
} from './limits.js';
import { pathDepth, snapshotPathProblem } from './paths.js';
import { readRootConfig } from './root-config.js';
import type { Snapshot, SnapshotFile } from './types.js';

/**
 * Throws DepwardenError for an invalid path (code SNAPSHOT_INVALID_PATH: the request is malformed), a
 * duplicate path, or a limit exceeded (the collector's codes). Bytes are copied, so later
 * changes to the caller's buffers cannot change the snapshot.
 */
export function snapshotFromFiles(
  files: readonly { path: string; bytes: Uint8Array }[],
  options: { limits?: Partial<SnapshotLimits> } = {},
): Snapshot {
  const limits = resolveLimits(options.limits);
  if (files.length > limits.maxFiles) {
    throw new DepwardenError(
      'SNAPSHOT_TOO_MANY_FILES',
      `The snapshot has ${files.length} files, over the limit of ${limits.maxFiles}`,
      {
        hint: 'Send fewer files, or raise the maxFiles limit.',
      },
    );
  }
  const seen = new Set<string>();
  const out: SnapshotFile[] = [];
  let totalBytes = 0;
  for (const file of files) {
    const { path } = file;
    const reason = snapshotPathProblem(path);
    if (reason !== undefined) {
      throw new DepwardenError(
        'SNAPSHOT_INVALID_PATH',
        `Invalid snapshot path ${JSON.stringify(String(path).slice(0, 200))}: ${reason}`,
        {
          hint: 'Send POSIX paths relative to the project root, ending in a snapshot file name.',
        },
      );
    }
    if (seen.has(path)) {
      throw new DepwardenError(
        'SNAPSHOT_INVALID_PATH',
        `Duplicate snapshot path ${JSON.stringify(path)}`,
        {
          file: path,
          hint: 'Send each file once.',
        },
      );
    }
    seen.add(path);
    if (pathDepth(path) > limits.maxDepth) {
      throw new DepwardenError(
        'SNAPSHOT_TOO_DEEP',
        `${path} is ${pathDepth(path)} folder levels deep, over the limit of ${limits.maxDepth}`,
        {
          file: path,
        },
      );
    }
    const name = path.slice(path.lastIndexOf('/') + 1) as SnapshotFileName;
    const { limit, key } = sizeLimitFor(name, limits);
    if (!(file.bytes instanceof Uint8Array)) {
      throw new DepwardenError('SNAPSHOT_INVALID_PATH', `The content of ${path} is not bytes`, {
        file: path,
      });
    }
    if (file.bytes.byteLength > limit) {
      throw new DepwardenError(
        'SNAPSHOT_FILE_TOO_LARGE',
        `${path} is ${formatBytes(file.bytes.byteLength)}, over the ${key} limit of ${formatBytes(limit)}`,
        {
          file: path,
        },
      );
    }
    totalBytes += file.bytes.byteLength;
    if (totalBytes > limits.maxTotalBytes) {
      throw new DepwardenError(
        'SNAPSHOT_TOO_LARGE',
        `The snapshot is over the maxTotalBytes limit of ${formatBytes(limits.maxTotalBytes)} (at ${path})`,
        {
          file: path,
        },
      );
    }
    const bytes = Buffer.from(file.bytes);
    out.push({ path, bytes, size: bytes.length, sha256: sha256Hex(bytes) });
  }
  out.sort((a, b) => compareUtf8(a.path, b.path));
  const { config, problems } = readRootConfig(out);
  const snapshot: Snapshot = {
    id: computeSnapshotId(out),
    files: out,
    skipped: [],
    totalBytes,
    problems: problems satisfies Problem[],
  };
  if (config !== undefined) snapshot.config = config;
  return snapshot;
}
