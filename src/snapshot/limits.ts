/**
 * What a snapshot may contain: the six file names, and the limits that bound what a hostile
 * or merely huge tree can make us read. Every limit is checked before the bytes are kept, so
 * memory stays within maxTotalBytes plus one file's limit.
 */
import { DepwardenError } from '../errors/index.js';

/** The only names ever read from a project (docs/snapshot.md). Exact, case-sensitive. */
export const SNAPSHOT_FILE_NAMES = [
  'package.json',
  'package-lock.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'socket.yml',
  'socket.yaml',
] as const;

export type SnapshotFileName = (typeof SNAPSHOT_FILE_NAMES)[number];

const NAMES: ReadonlySet<string> = new Set(SNAPSHOT_FILE_NAMES);

export function isSnapshotFileName(name: string): name is SnapshotFileName {
  return NAMES.has(name);
}

/** Folders never entered, at any depth: installed packages and VCS/package-manager state. */
export const ALWAYS_SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  '.yarn',
]);

export interface SnapshotLimits {
  /** Largest package-lock.json, yarn.lock or pnpm-lock.yaml (default 64 MiB). */
  maxLockfileBytes: number;
  /** Largest package.json (default 4 MiB). */
  maxManifestBytes: number;
  /** Largest socket.yml / socket.yaml (default 1 MiB). */
  maxConfigBytes: number;
  /** Most files in one snapshot (default 10 000). */
  maxFiles: number;
  /** Largest sum of all file sizes (default 512 MiB). */
  maxTotalBytes: number;
  /** Deepest folder level below the root that is searched (default 32). */
  maxDepth: number;
  /** Most directory entries looked at during the walk, any name (default 1 000 000). */
  maxDirEntries: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_SNAPSHOT_LIMITS: Readonly<SnapshotLimits> = Object.freeze({
  maxLockfileBytes: 64 * MiB,
  maxManifestBytes: 4 * MiB,
  maxConfigBytes: 1 * MiB,
  maxFiles: 10_000,
  maxTotalBytes: 512 * MiB,
  maxDepth: 32,
  maxDirEntries: 1_000_000,
});

/** Defaults overlaid with the caller's values, which must be whole numbers ≥ 0. */
export function resolveLimits(partial: Partial<SnapshotLimits> = {}): SnapshotLimits {
  const limits: SnapshotLimits = { ...DEFAULT_SNAPSHOT_LIMITS };
  for (const key of Object.keys(DEFAULT_SNAPSHOT_LIMITS) as (keyof SnapshotLimits)[]) {
    const value = partial[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new DepwardenError(
        'USAGE',
        `The snapshot limit ${key} must be a whole number ≥ 0, not ${String(value)}`,
      );
    }
    limits[key] = value;
  }
  return limits;
}

/** The size limit for a file name, with the limit's name and the CLI flag that raises it. */
export function sizeLimitFor(
  name: SnapshotFileName,
  limits: SnapshotLimits,
): { limit: number; key: keyof SnapshotLimits; flag: string | undefined } {
  if (name === 'package.json')
    return { limit: limits.maxManifestBytes, key: 'maxManifestBytes', flag: '--max-manifest-size' };
  if (name === 'socket.yml' || name === 'socket.yaml')
    return { limit: limits.maxConfigBytes, key: 'maxConfigBytes', flag: undefined };
  return { limit: limits.maxLockfileBytes, key: 'maxLockfileBytes', flag: '--max-lockfile-size' };
}

/** "12345678 bytes (11.8 MiB)": exact for scripts, readable for people. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${n} bytes (${value.toFixed(1)} ${units[unit]})`;
}
