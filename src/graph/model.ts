/**
 * The dependency graph model shared by every later stage (fetching, detectors, policy,
 * reports). One model for all lockfile formats.
 */
import type { Problem } from '../errors/index.js';
import type { EdgeKind, LockfileFormat, PackageSource } from '../lockfiles/types.js';

export interface GraphPackage {
  /** `<source>:<name>@<version>` (plus `#<range>` for unresolved ones): unique in the graph. */
  id: string;
  name: string;
  /** Exact version; '' when unknown (unresolved range, some git entries). */
  version: string;
  source: PackageSource;
  /** A direct dependency of some importer (workspace root). */
  direct: boolean;
  /** Reachable only through dev edges. */
  dev: boolean;
  /** Reachable only through optional edges. */
  optional: boolean;
  /** As written in the lockfile; null when absent. */
  resolved: string | null;
  integrity: string | null;
  /** Other names it is depended on under (npm aliases). */
  aliases: string[];
  /** Set for package.json-only projects: the range that still has to be resolved. */
  unresolved?: { range: string };
  /** Where it appears: lockfile paths and the line of the (first) entry in each. */
  locations: { file: string; line?: number }[];
  /**
   * Every entry of it ships inside another package's tarball (npm `inBundle`): installed from
   * there, never fetched. Unset as soon as one entry is an install of its own.
   */
  bundled?: true;
}

export interface GraphImporter {
  /** Snapshot-relative folder of the workspace ('.' for the snapshot root). */
  dir: string;
  /** The lockfile that lists it. */
  lockfile: string;
  name?: string;
  version?: string;
}

export interface GraphEdge {
  /** Package id, or `importer:<dir>` for an importer. */
  from: string;
  to: string;
  /** The name the dependent uses (an alias when it differs from the package name). */
  name: string;
  spec: string;
  kind: EdgeKind;
  optional?: boolean;
}

export interface LockfileSummary {
  file: string;
  format: LockfileFormat;
  formatVersion: string;
  parser: string;
  parserVersion: number;
  /** Package entries before deduplication. */
  entries: number;
  importers: number;
}

export interface DependencyGraph {
  packages: GraphPackage[];
  importers: GraphImporter[];
  edges: GraphEdge[];
  lockfiles: LockfileSummary[];
  problems: Problem[];
}
