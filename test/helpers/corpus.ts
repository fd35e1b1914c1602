/**
 * Access to the shared lockfile corpus (../shared/corpus/lockfiles): each case's snapshot
 * files (only the six snapshot names, as the collector would take them) and its ground truth.
 * Tests read the corpus in place; it is read-only and also present in CI.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseManifest, type Manifest } from '../../src/manifest/index.js';

export const SHARED_DIR = fileURLToPath(new URL('../../../shared', import.meta.url));
export const CORPUS_DIR = join(SHARED_DIR, 'corpus', 'lockfiles');

export interface CorpusExpected {
  case: string;
  format: string;
  formatVersion: string;
  registry: string[];
  nonRegistry: { name: string; version: string; type: string; source: string | null }[];
  workspaces?: unknown;
  counts: Record<string, number>;
}

export interface CorpusCase {
  name: string;
  dir: string;
  /** Snapshot-relative path of the lockfile (or package.json for manifest-only cases). */
  lockfilePath: string;
  lockfileText: string;
  manifests: Map<string, Manifest>;
  expected: CorpusExpected;
}

const LOCKFILE_NAMES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'];

export function corpusCaseNames(): string[] {
  if (!existsSync(CORPUS_DIR)) return [];
  return readdirSync(CORPUS_DIR)
    .filter((n) => statSync(join(CORPUS_DIR, n)).isDirectory())
    .sort();
}

function walk(dir: string, root: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const full = join(dir, name);
    const st = statSync(full);
    if (st.isDirectory()) walk(full, root, out);
    else if (name === 'package.json') out.push(relative(root, full).split(sep).join('/'));
  }
}

export function loadCorpusCase(name: string): CorpusCase {
  const dir = join(CORPUS_DIR, name);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as CorpusExpected;
  const lockName = LOCKFILE_NAMES.find((n) => existsSync(join(dir, n)));
  if (lockName === undefined) throw new Error(`corpus case ${name} has no lockfile`);
  const manifestPaths: string[] = [];
  walk(dir, dir, manifestPaths);
  const manifests = new Map<string, Manifest>();
  for (const p of manifestPaths.sort()) {
    manifests.set(p, parseManifest(p, readFileSync(join(dir, p), 'utf8')).manifest);
  }
  return {
    name,
    dir,
    lockfilePath: lockName,
    lockfileText: readFileSync(join(dir, lockName), 'utf8').replace(/^\uFEFF/, ''),
    manifests,
    expected,
  };
}

/** Sorted unique `name@version` of the registry packages: what `expected.json` `registry` states. */
export function registryNameVersions(
  packages: readonly { source: string; name: string; version: string }[],
): string[] {
  return [
    ...new Set(
      packages.filter((p) => p.source === 'registry').map((p) => `${p.name}@${p.version}`),
    ),
  ].sort();
}
