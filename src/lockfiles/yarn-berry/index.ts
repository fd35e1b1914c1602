/**
 * The yarn berry lockfile parser: `yarn.lock` files with a `__metadata:` entry (yarn 2+).
 * See yarn-berry.ts for the format and the decisions, syml.ts for the YAML subset reader.
 */
import type { LockfileParser } from '../types.js';
import { hasMetadataLine, isYarnLockName } from '../yarn-v1/index.js';
import { parseYarnBerry } from './yarn-berry.js';

export const yarnBerryLockfileParser: LockfileParser = {
  id: 'lockfile/yarn-berry',
  version: 1,
  format: 'yarn-berry',
  detect(fileName: string, head: string): boolean {
    return isYarnLockName(fileName) && hasMetadataLine(head);
  },
  parse: parseYarnBerry,
};
