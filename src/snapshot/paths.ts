/**
 * Validation of snapshot paths that arrive from outside (the report service receives files
 * over HTTP). A valid path is what the collector itself would produce: POSIX, relative, no
 * empty, `.` or `..` segment, no backslash or NUL, well-formed Unicode, ending in one of the
 * six snapshot names. Nothing is normalised: a path that is not already in this form is
 * refused, because silently rewriting it would give a different snapshot id than the sender's.
 */
import { isSnapshotFileName } from './limits.js';

/** Why `path` is not a valid snapshot path, or undefined when it is. */
export function snapshotPathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string') return 'the path is not a string';
  if (path === '') return 'the path is empty';
  if (path.includes('\0')) return 'the path contains a NUL character';
  if (path.includes('\\')) return 'the path contains a backslash (use / between folders)';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'the path is absolute';
  if (!isWellFormed(path)) return 'the path is not well-formed Unicode (lone surrogate)';
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '') return 'the path has an empty segment (// or a trailing /)';
    if (segment === '.' || segment === '..') return `the path has a "${segment}" segment`;
  }
  if (!isSnapshotFileName(segments[segments.length - 1]!)) {
    return 'the file name is not one of package.json, package-lock.json, yarn.lock, pnpm-lock.yaml, socket.yml, socket.yaml';
  }
  return undefined;
}

/** Folder levels above the file: `a/b/package.json` is at depth 2. */
export function pathDepth(path: string): number {
  let depth = 0;
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) depth++;
  return depth;
}

/** No unpaired surrogate (String.prototype.isWellFormed, which our ES2023 lib lacks). */
function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c >= 0xdc00) return false;
    const next = s.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}
