/**
 * The npm lockfile parser: `package-lock.json` and `npm-shrinkwrap.json` (the same format
 * under two names), lockfileVersion 1, 2 and 3. See parse.ts for the format history.
 */
import type { LockfileParser } from '../types.js';
import { parseNpmLockfile } from './parse.js';

const FILE_NAMES = new Set(['package-lock.json', 'npm-shrinkwrap.json']);

export const npmLockfileParser: LockfileParser = {
  id: 'lockfile/npm',
  version: 1,
  format: 'npm',
  checksManifestSync: true,
  detect(fileName: string): boolean {
    return FILE_NAMES.has(fileName.slice(fileName.lastIndexOf('/') + 1));
  },
  parse: parseNpmLockfile,
};
