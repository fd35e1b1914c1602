/**
 * depwarden as a benchmark subject: the two rows "depwarden parse + graph" (the whole
 * per-lockfile path, as `graphFromLockfileText` runs it) and "depwarden parse only" (the
 * format's parser, chosen by `findParser` once, outside the timing).
 *
 * The worker imports this module only for those rows, from the transpiled copy the parent
 * builds, so a peer row never loads our code and a broken parser only breaks our rows.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { graphFromLockfileText } from '../../src/graph/index.js';
import { findParser } from '../../src/lockfiles/index.js';
import { parseManifest, type Manifest } from '../../src/manifest/index.js';

export interface OursRunner {
  run: () => unknown;
  count: (result: unknown) => number;
}

/** The case's package.json files, parsed, keyed by case-relative POSIX path (as the collector would). */
export function loadManifests(caseDir: string): Map<string, Manifest> {
  const paths: string[] = [];
  collectManifestPaths(caseDir, caseDir, paths);
  const manifests = new Map<string, Manifest>();
  for (const path of paths.sort()) {
    manifests.set(path, parseManifest(path, readFileSync(join(caseDir, path), 'utf8')).manifest);
  }
  return manifests;
}

function collectManifestPaths(dir: string, root: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) collectManifestPaths(full, root, out);
    else if (name === 'package.json') out.push(relative(root, full).split(sep).join('/'));
  }
}

const packageCount = (result: unknown): number =>
  (result as { packages: unknown[] }).packages.length;

export function oursGraph(
  lockfileName: string,
  text: string,
  manifests: Map<string, Manifest>,
): OursRunner {
  return { run: () => graphFromLockfileText(lockfileName, text, manifests), count: packageCount };
}

export function oursParseOnly(
  lockfileName: string,
  text: string,
  manifests: Map<string, Manifest>,
): OursRunner {
  // 4096 is enough head for every detector; passing the head keeps detection cheap either way.
  const parser = findParser(lockfileName, text.slice(0, 4096));
  if (parser === undefined) throw new Error(`no depwarden parser detects ${lockfileName}`);
  const input = { path: lockfileName, text, manifests };
  return { run: () => parser.parse(input), count: packageCount };
}
