/**
 * The dependency snapshot: the only bytes depwarden ever reads from a project (the six file
 * names), how they are collected safely, and the canonical encoding whose SHA-256 is the
 * snapshot id. docs/snapshot.md is the specification.
 */
export { collectSnapshot, type CollectOptions } from './collect.js';
export {
  compareUtf8,
  computeSnapshotId,
  encodeSnapshot,
  SNAPSHOT_MAGIC,
  type SnapshotInputFile,
} from './encoding.js';
export { snapshotFromFiles } from './from-files.js';
export { snapshotFromGit } from './from-git.js';
export {
  DEFAULT_SNAPSHOT_LIMITS,
  isSnapshotFileName,
  SNAPSHOT_FILE_NAMES,
  type SnapshotFileName,
  type SnapshotLimits,
} from './limits.js';
export { snapshotPathProblem } from './paths.js';
export type { SkippedEntry, Snapshot, SnapshotFile } from './types.js';
