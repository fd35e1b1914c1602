/**
 * depwarden as a library: the same building blocks the CLI composes. Only what is exported
 * here is public API; everything else may change between minor versions.
 */
export {
  DepwardenError,
  ERROR_CODES,
  isDepwardenError,
  type ErrorCode,
  type Problem,
} from './errors/index.js';
export {
  buildGraph,
  graphFromLockfileText,
  type DependencyGraph,
  type GraphPackage,
} from './graph/index.js';
export { LOCKFILE_PARSERS, findParser } from './lockfiles/index.js';
export { parseManifest, type Manifest } from './manifest/index.js';
export {
  collectSnapshot,
  computeSnapshotId,
  encodeSnapshot,
  DEFAULT_SNAPSHOT_LIMITS,
  SNAPSHOT_FILE_NAMES,
  type Snapshot,
  type SnapshotLimits,
} from './snapshot/index.js';
export { parseSocketConfig, type SocketConfig } from './config/index.js';
export { runCli } from './cli/main.js';
