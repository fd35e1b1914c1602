/**
 * POSIX path helpers for snapshot-relative paths, and workspace-glob matching.
 *
 * Snapshot paths are always POSIX, relative, without `.` or `..` segments (the snapshot
 * collector guarantees it). Importer paths in lockfiles are relative to the lockfile's folder
 * and may climb out of it (rush keeps its lockfile in common/config/...); such paths are
 * normalised here but never read from disk.
 */
import type { Manifest } from '../../manifest/index.js';
import type { LockfileInput } from '../types.js';

/** Folder of a snapshot path; '' for the root. */
export function dirnamePosix(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

/** Joins and normalises POSIX segments; keeps leading `..` that climb above the root. */
export function joinPosix(...parts: string[]): string {
  // Already-normal parts (the usual case: paths npm and pnpm wrote) join without splitting.
  if (parts.length === 1 && isNormalPath(parts[0] as string)) return parts[0] as string;
  if (parts.length === 2) {
    const [a, b] = parts as [string, string];
    if (a === '' && isNormalPath(b)) return b;
    if (b === '' && isNormalPath(a)) return a;
    if (isNormalPath(a) && isNormalPath(b)) return `${a}/${b}`;
  }
  const out: string[] = [];
  for (const part of parts) {
    for (const seg of part.split('/')) {
      if (seg === '' || seg === '.') continue;
      if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else out.push(seg);
    }
  }
  return out.join('/');
}

/** An empty, `.` or `..` segment (a leading, doubled or trailing `/` makes an empty one). */
const ABNORMAL_SEGMENT = /(?:^|\/)\.{0,2}(?:\/|$)/;

/** True when joinPosix would return `path` unchanged: non-empty, no empty/`.`/`..` segment. */
function isNormalPath(path: string): boolean {
  return path !== '' && !ABNORMAL_SEGMENT.test(path);
}

/** The package.json of an importer, given the lockfile path and the importer path ('.' = root). */
export function manifestFor(input: LockfileInput, importerPath: string): Manifest | undefined {
  const dir = joinPosix(dirnamePosix(input.path), importerPath);
  return input.manifests.get(dir === '' ? 'package.json' : `${dir}/package.json`);
}

/**
 * Importer paths (relative to the lockfile folder) of the workspaces that `patterns` (from the
 * root package.json `workspaces`) select among the snapshot's manifests. Supports the glob
 * forms package managers accept: `*`, `**`, `?`, `{a,b}`, and `!` negation.
 */
export function matchWorkspaces(input: LockfileInput, patterns: readonly string[]): string[] {
  const base = dirnamePosix(input.path);
  const positive: RegExp[] = [];
  const negative: RegExp[] = [];
  for (const raw of patterns) {
    const neg = raw.startsWith('!');
    const pattern = joinPosix(neg ? raw.slice(1) : raw).replace(/\/package\.json$/, '');
    (neg ? negative : positive).push(globToRegExp(pattern));
  }
  const out: string[] = [];
  for (const path of input.manifests.keys()) {
    const dir = dirnamePosix(path);
    if (base !== '' && !dir.startsWith(`${base}/`)) continue;
    const rel = base === '' ? dir : dir.slice(base.length + 1);
    if (rel === '' || rel.split('/').includes('node_modules')) continue;
    if (positive.some((r) => r.test(rel)) && !negative.some((r) => r.test(rel))) out.push(rel);
  }
  return out.sort();
}

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more folders; a trailing `**` matches anything below.
        if (glob[i + 2] === '/') {
          re += '(?:[^/]+/)*';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const close = glob.indexOf('}', i);
      if (close === -1) re += '\\{';
      else {
        re += `(?:${glob
          .slice(i + 1, close)
          .split(',')
          .map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
          .join('|')})`;
        i = close;
      }
    } else re += c.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
