/**
 * The contract between lockfile parsers and the graph builder.
 *
 * A parser turns one lockfile (plus, read-only, the package.json files of the snapshot) into
 * importers (the project's own workspace roots), packages and typed edges, resolving each
 * edge to a package key the way its package manager would (npm walks node_modules up, yarn
 * looks up descriptors, pnpm follows depPaths). Everything format-independent (dev/optional
 * reachability, dedup by identity, merging several lockfiles) happens in src/graph, once.
 *
 * Parsers are pure: no I/O, no clock. They never throw on bad input; they return problems
 * with a location and every entry they could read (partial success).
 */
import type { Problem } from '../errors/index.js';
import type { Manifest } from '../manifest/index.js';

/** Where a package's bytes come from. */
export type PackageSource = 'registry' | 'git' | 'tarball' | 'file' | 'link' | 'workspace';

/** The dependency field an edge was declared in. `peerOptional` edges are `peer` + `optional: true`. */
export type EdgeKind = 'prod' | 'dev' | 'optional' | 'peer';

export interface LockEdge {
  /** Name the dependent uses (the alias for `"foo": "npm:bar@1"`). */
  name: string;
  /** The spec as written (`^1.2.3`, `npm:bar@1`, `workspace:*`, `catalog:`), '' when unknown. */
  spec: string;
  kind: EdgeKind;
  /** A peer edge marked optional in peerDependenciesMeta. */
  optional?: boolean;
  /** Key of the resolved package (LockPackage.key) or importer (`importer:<path>`); absent when unresolved. */
  target?: string;
}

export interface LockPackage {
  /** Parser-local unique key (npm install path, yarn resolution, pnpm depPath). */
  key: string;
  /** The real package name (never the alias). */
  name: string;
  /** Exact version; '' when the lockfile cannot tell (e.g. npm v1 git entries). */
  version: string;
  source: PackageSource;
  /**
   * Resolved URL, exactly as written in the lockfile (registry host included). For local
   * sources (`file`, `link`): `file:`/`link:` + the POSIX path relative to the lockfile's
   * folder, so the graph can tell which package.json in the snapshot it points at.
   */
  resolved?: string;
  /** SRI string (`sha512-...`) or legacy hex sha1, as written. */
  integrity?: string;
  /** Names this package is depended on under, other than its own (npm aliases). */
  aliases?: string[];
  dependencies: LockEdge[];
  /** Flags the lockfile itself states (npm `dev`/`optional`, pnpm 5/6 `dev`/`optional`). */
  stated?: { dev?: boolean; optional?: boolean };
  /** 1-based line of the entry in the lockfile, for evidence and problems. */
  line?: number;
  /**
   * Shipped inside another package's tarball (npm `inBundle`, lockfile v1 `bundled`): npm
   * installs it from there and never fetches it from the registry.
   */
  bundled?: true;
}

export interface LockImporter {
  /** POSIX path of the workspace folder relative to the lockfile's folder; '.' for the root. */
  path: string;
  name?: string;
  version?: string;
  dependencies: LockEdge[];
}

export type LockfileFormat = 'npm' | 'yarn-v1' | 'yarn-berry' | 'pnpm' | 'package-json';

export interface ParsedLockfile {
  format: LockfileFormat;
  /** `lockfileVersion` / `__metadata.version` as written ('1' for yarn classic). */
  formatVersion: string;
  /** Snapshot-relative POSIX path of the lockfile. */
  file: string;
  importers: LockImporter[];
  packages: LockPackage[];
  problems: Problem[];
}

export interface LockfileInput {
  /** Snapshot-relative POSIX path of the lockfile, e.g. `packages/app/yarn.lock`. */
  path: string;
  /** The file decoded as UTF-8, BOM removed. */
  text: string;
  /**
   * The snapshot's package.json files, keyed by snapshot-relative POSIX path, already parsed.
   * Parsers read workspace names, versions and dependency specs from here and never touch
   * the filesystem.
   */
  manifests: ReadonlyMap<string, Manifest>;
}

export interface LockfileParser {
  /** Path-like stable id, e.g. `lockfile/npm`. */
  id: string;
  /** Bumped on any behaviour change; printed in reports. */
  version: number;
  format: LockfileFormat;
  /**
   * True when parse() itself compares importers with their package.json files (and reports
   * `lockfile-out-of-sync`); the graph then skips its generic, name-only comparison.
   */
  checksManifestSync?: boolean;
  /** Cheap: file name (and for yarn.lock, the first bytes) decide; no parsing. */
  detect(fileName: string, head: string): boolean;
  parse(input: LockfileInput): ParsedLockfile;
}
