/** The snapshot's data model: what was read, what was deliberately not read, and why. */
import type { SocketConfig } from '../config/index.js';
import type { Problem } from '../errors/index.js';

export interface SnapshotFile {
  /** POSIX path relative to the root, exactly as the filesystem names it (no normalisation). */
  path: string;
  bytes: Buffer;
  size: number;
  /** Lowercase hex SHA-256 of `bytes`. */
  sha256: string;
}

export interface SkippedEntry {
  path: string;
  reason: 'symlink' | 'ignored-by-config';
  /** For symlinks: 'points outside the root', 'symlink loop' or 'target missing' when so;
   *  for ignored entries: the projectIgnorePaths pattern that matched. */
  detail?: string;
}

export interface Snapshot {
  /** Lowercase hex SHA-256 of the canonical encoding (docs/snapshot.md). */
  id: string;
  /** Sorted bytewise by UTF-8 path. */
  files: SnapshotFile[];
  /** Sorted like `files`. Never part of the id. */
  skipped: SkippedEntry[];
  totalBytes: number;
  problems: Problem[];
  /** The parsed root socket.yml (or socket.yaml), when there is one. */
  config?: SocketConfig;
}
