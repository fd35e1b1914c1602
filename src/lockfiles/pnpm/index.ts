/**
 * The pnpm lockfile parser (`pnpm-lock.yaml`, lockfileVersion 5.x, 6.0 and 9.0, including
 * pnpm 11 two-document files). See parse.ts for the grammar and dep-path.ts for the keys.
 */
import type { LockfileParser } from '../types.js';
import { parsePnpmLockfile } from './parse.js';

export const pnpmLockfileParser: LockfileParser = {
  id: 'lockfile/pnpm',
  version: 1,
  format: 'pnpm',
  detect(fileName: string): boolean {
    return fileName === 'pnpm-lock.yaml';
  },
  parse: parsePnpmLockfile,
};
