/**
 * Flags shared by every command that collects a snapshot: the project directory and the
 * limits that bound what a hostile tree can make us read.
 */
import { DepwardenError } from '../../errors/index.js';
import {
  DEFAULT_SNAPSHOT_LIMITS,
  collectSnapshot,
  type Snapshot,
  type SnapshotLimits,
} from '../../snapshot/index.js';
import { formatSize, parseSize } from '../../util/size.js';
import type { CliContext, OptionSpec } from '../spec.js';
import { resolve } from 'node:path';

export const SNAPSHOT_OPTIONS: OptionSpec[] = [
  {
    name: 'max-lockfile-size',
    type: 'string',
    value: '<size>',
    description: 'Largest lockfile read (e.g. 64MiB).',
    default: formatSize(DEFAULT_SNAPSHOT_LIMITS.maxLockfileBytes),
  },
  {
    name: 'max-manifest-size',
    type: 'string',
    value: '<size>',
    description: 'Largest package.json read.',
    default: formatSize(DEFAULT_SNAPSHOT_LIMITS.maxManifestBytes),
  },
  {
    name: 'max-total-size',
    type: 'string',
    value: '<size>',
    description: 'Largest snapshot, all files together.',
    default: formatSize(DEFAULT_SNAPSHOT_LIMITS.maxTotalBytes),
  },
  {
    name: 'max-files',
    type: 'string',
    value: '<n>',
    description: 'Most snapshot files collected.',
    default: String(DEFAULT_SNAPSHOT_LIMITS.maxFiles),
  },
  {
    name: 'max-depth',
    type: 'string',
    value: '<n>',
    description: 'Deepest folder level searched below the project directory.',
    default: String(DEFAULT_SNAPSHOT_LIMITS.maxDepth),
  },
];

function sizeFlag(options: Record<string, unknown>, flag: string): number | undefined {
  const raw = options[flag];
  if (typeof raw !== 'string') return undefined;
  const n = parseSize(raw);
  if (n === undefined || n <= 0) {
    throw new DepwardenError(
      'USAGE',
      `--${flag} takes a size such as 4096, 512KiB or 64MiB, not ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

function countFlag(options: Record<string, unknown>, flag: string): number | undefined {
  const raw = options[flag];
  if (typeof raw !== 'string') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) <= 0) {
    throw new DepwardenError(
      'USAGE',
      `--${flag} takes a positive whole number, not ${JSON.stringify(raw)}`,
    );
  }
  return Number(raw);
}

export function limitsFromOptions(options: Record<string, unknown>): Partial<SnapshotLimits> {
  const limits: Partial<SnapshotLimits> = {};
  const set = <K extends keyof SnapshotLimits>(key: K, value: number | undefined) => {
    if (value !== undefined) limits[key] = value;
  };
  set('maxLockfileBytes', sizeFlag(options, 'max-lockfile-size'));
  set('maxManifestBytes', sizeFlag(options, 'max-manifest-size'));
  set('maxTotalBytes', sizeFlag(options, 'max-total-size'));
  set('maxFiles', countFlag(options, 'max-files'));
  set('maxDepth', countFlag(options, 'max-depth'));
  return limits;
}

/** The single positional `<dir>` (default: the current directory). */
export function projectDir(positionals: string[], ctx: CliContext, command: string): string {
  if (positionals.length > 1) {
    throw new DepwardenError(
      'USAGE',
      `${command} takes one project directory, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  return resolve(ctx.cwd, positionals[0] ?? '.');
}

/** Collects the snapshot, showing progress on a terminal when the walk takes a while. */
export async function collectWithProgress(
  dir: string,
  options: Record<string, unknown>,
  ctx: CliContext,
): Promise<Snapshot> {
  const showProgress = ctx.stderr.isTTY === true && ctx.env.CI === undefined;
  let last = Date.now();
  let shown = false;
  const snapshot = await collectSnapshot(dir, {
    limits: limitsFromOptions(options),
    onProgress: (dirs, files) => {
      if (!showProgress || Date.now() - last < 200) return;
      last = Date.now();
      shown = true;
      ctx.stderr.write(`\rcollecting snapshot: ${dirs} folders searched, ${files} files found`);
    },
  });
  if (shown) ctx.stderr.write('\r\x1b[K');
  return snapshot;
}
