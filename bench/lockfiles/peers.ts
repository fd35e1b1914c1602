/**
 * The peers: established lockfile readers, dev dependencies of the benchmark only.
 *
 * Each group lives in bench/peers/<group>/ with its own package.json (exact versions, see
 * ../shared/reference/lockfile-formats.md §3.1) and committed package-lock.json, so the
 * repository's own dependency tree never contains them (and the two pnpm readers, whose
 * `@pnpm/logger` peer ranges conflict, never meet). A fresh clone has no node_modules there:
 * the benchmark installs a missing group with `npm ci --ignore-scripts` and says so on stderr.
 * When that fails (offline), the group's subjects are skipped and depwarden is still measured.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PeerGroup } from './plan.js';

interface PeerManifest {
  dependencies?: Record<string, string>;
}

/** True when every pinned dependency of the group is installed at its pinned version. */
function isInstalled(groupDir: string): boolean {
  const manifest = JSON.parse(readFileSync(join(groupDir, 'package.json'), 'utf8')) as PeerManifest;
  return Object.entries(manifest.dependencies ?? {}).every(([name, version]) => {
    const installed = join(groupDir, 'node_modules', name, 'package.json');
    if (!existsSync(installed)) return false;
    return (
      (JSON.parse(readFileSync(installed, 'utf8')) as { version?: string }).version === version
    );
  });
}

/**
 * Makes the groups usable, installing what is missing. Returns each group's state:
 * `true` when usable, or the reason it is not.
 */
export function ensurePeers(
  peersDir: string,
  groups: readonly PeerGroup[],
): Map<PeerGroup, true | string> {
  const states = new Map<PeerGroup, true | string>();
  for (const group of groups) {
    const dir = join(peersDir, group);
    if (!existsSync(join(dir, 'package.json'))) {
      states.set(group, `bench/peers/${group}/package.json is missing`);
      continue;
    }
    if (isInstalled(dir)) {
      states.set(group, true);
      continue;
    }
    process.stderr.write(
      `bench: installing peers into bench/peers/${group} (npm ci --ignore-scripts)\n`,
    );
    const result = spawnSync(
      'npm',
      ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', dir],
      {
        // npm's own output goes to stderr: stdout carries only the results.
        stdio: ['ignore', 2, 2],
        shell: process.platform === 'win32',
      },
    );
    if (result.status === 0 && isInstalled(dir)) {
      states.set(group, true);
    } else {
      const reason =
        result.error?.message ?? `npm ci exited with ${result.status ?? result.signal ?? '?'}`;
      process.stderr.write(
        `bench: could not install bench/peers/${group} (${reason}); skipping its subjects\n`,
      );
      states.set(group, `not installed (${reason})`);
    }
  }
  return states;
}
