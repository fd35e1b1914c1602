/**
 * The lockfile parsers, as an explicit sorted list (never discovered by listing folders at
 * run time). scripts/check-registries.ts checks that every folder under src/lockfiles/ (but
 * `internal`) is listed here and has tests and fixtures, and that docs/lockfiles.md names it.
 */
import { npmLockfileParser } from './npm/index.js';
import { pnpmLockfileParser } from './pnpm/index.js';
import type { LockfileParser } from './types.js';
import { yarnBerryLockfileParser } from './yarn-berry/index.js';
import { yarnV1LockfileParser } from './yarn-v1/index.js';

export type * from './types.js';
export { packageJsonParser, UNRESOLVED_KEY_PREFIX } from './package-json/index.js';
export { classifySpec, type SpecKind } from './internal/spec.js';
export { parseRegistryTarballUrl } from './internal/registry-url.js';

/** Lockfile parsers in detection order: berry before classic, since both read `yarn.lock`. */
export const LOCKFILE_PARSERS: readonly LockfileParser[] = [
  npmLockfileParser,
  pnpmLockfileParser,
  yarnBerryLockfileParser,
  yarnV1LockfileParser,
];

/** File names that are lockfiles (package.json is a manifest, handled apart). */
export const LOCKFILE_NAMES: readonly string[] = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
];

/** Bytes of a lockfile's head that `detect` may look at. */
export const DETECT_HEAD_CHARS = 4096;

/** The parser for a lockfile, chosen by name and, for yarn.lock, by its first bytes. */
export function findParser(fileName: string, text: string): LockfileParser | undefined {
  const head = text.slice(0, DETECT_HEAD_CHARS);
  return LOCKFILE_PARSERS.find((p) => p.detect(fileName, head));
}
