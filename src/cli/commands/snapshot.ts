/** `depwarden snapshot <dir>`: shows exactly which files and bytes would leave the machine. */
import { renderSnapshotJson, renderSnapshotText } from '../../render/snapshot.js';
import type { CommandSpec } from '../spec.js';
import { SNAPSHOT_OPTIONS, collectWithProgress, projectDir } from './snapshot-options.js';

export const snapshotCommand: CommandSpec = {
  name: 'snapshot',
  summary: 'Show the dependency snapshot: the only files depwarden reads, and their id.',
  usage: 'depwarden snapshot [<dir>] [--json]',
  description:
    'Walks <dir> and lists every file named package.json, package-lock.json, yarn.lock, pnpm-lock.yaml, socket.yml or socket.yaml (skipping node_modules, .git, .yarn and socket.yml projectIgnorePaths), with its size and SHA-256, the total, and the snapshot id (the SHA-256 of the canonical encoding in docs/snapshot.md). This is exactly what a scan reads and what an upload would send; no other file is opened, and nothing is written.',
  args: [{ name: '<dir>', description: 'Project directory (default: the current directory).' }],
  options: [
    { name: 'json', type: 'boolean', description: 'Print JSON instead of text.' },
    ...SNAPSHOT_OPTIONS,
  ],
  examples: ['depwarden snapshot .', 'depwarden snapshot ~/src/app --json'],
  async run(positionals, options, ctx) {
    const snapshot = await collectWithProgress(
      projectDir(positionals, ctx, 'snapshot'),
      options,
      ctx,
    );
    ctx.stdout.write(
      options.json === true ? renderSnapshotJson(snapshot) : renderSnapshotText(snapshot),
    );
    return 0;
  },
};
