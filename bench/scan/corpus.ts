/**
 * The corpus case the scan benchmarks run on, shared by run.ts and compare-alerts.ts: where
 * the shared corpus and the OSV export are, which case is the largest npm lockfile, and a
 * copy of a case's snapshot files (nothing else) into a project folder.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SNAPSHOT_FILE_NAMES } from '../../src/snapshot/index.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CORPUS = join(ROOT, '..', 'shared', 'corpus', 'lockfiles');
export const OSV_ZIP = join(ROOT, '..', 'shared', 'corpus', 'osv', 'npm-all.zip');
const SNAPSHOT_NAMES: ReadonlySet<string> = new Set(SNAPSHOT_FILE_NAMES);

/** The corpus case with the largest package-lock.json (npm ci needs one). */
export function largestNpmCase(): string {
  let best = '';
  let size = -1;
  for (const c of readdirSync(CORPUS)) {
    const lock = join(CORPUS, c, 'package-lock.json');
    if (existsSync(lock) && statSync(lock).size > size) {
      size = statSync(lock).size;
      best = c;
    }
  }
  return best;
}

/** Copies only the snapshot files of a corpus case (its package.json files and lockfile). */
export function copyProject(from: string, to: string): void {
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (SNAPSHOT_NAMES.has(entry.name)) {
        const target = join(to, relative(from, path));
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(path, target);
      }
    }
  };
  walk(from);
}
