/**
 * The dependency graph: one model for every lockfile format (see model.ts), built from a
 * snapshot's files by build.ts.
 */
import type { Manifest } from '../manifest/index.js';
import { buildGraphFromText } from './build.js';
import type { DependencyGraph } from './model.js';

export {
  buildGraph,
  buildGraphFromText,
  buildGraphWith,
  parseLockfile,
  readManifests,
  type SnapshotFileInput,
} from './build.js';
export type * from './model.js';

/**
 * Graph of one lockfile given as text, with the manifests already parsed: the whole
 * per-lockfile path (parse, walk, dedup) without snapshot reading. The benchmark measures it.
 */
export function graphFromLockfileText(
  path: string,
  text: string,
  manifests: ReadonlyMap<string, Manifest>,
): DependencyGraph {
  return buildGraphFromText([{ path, text }], manifests);
}
