/**
 * The yarn classic (v1) lockfile parser: `yarn.lock` files without a `__metadata:` entry.
 * See yarn-v1.ts for the grammar and the decisions.
 */
import type { LockfileParser } from '../types.js';
import { parseYarnV1 } from './yarn-v1.js';

export const yarnV1LockfileParser: LockfileParser = {
  id: 'lockfile/yarn-v1',
  version: 1,
  format: 'yarn-v1',
  detect(fileName: string, head: string): boolean {
    return isYarnLockName(fileName) && !hasMetadataLine(head);
  },
  parse: parseYarnV1,
};

/** True for `yarn.lock`, bare or at the end of a POSIX path. */
export function isYarnLockName(fileName: string): boolean {
  return fileName === 'yarn.lock' || fileName.endsWith('/yarn.lock');
}

/** True when the head of a yarn.lock holds a `__metadata:` line, the mark of yarn berry. */
export function hasMetadataLine(head: string): boolean {
  return /^__metadata:[ \t]*\r?$/m.test(head);
}
