/** `depwarden graph <dir>`: the resolved dependency graph of every lockfile in the snapshot. */
import { compareProblems } from '../../errors/index.js';
import { buildGraph } from '../../graph/index.js';
import { renderGraphJson, renderGraphText } from '../../render/graph.js';
import type { CommandSpec } from '../spec.js';
import { SNAPSHOT_OPTIONS, collectWithProgress, projectDir } from './snapshot-options.js';

export const graphCommand: CommandSpec = {
  name: 'graph',
  summary: 'Resolve every dependency from the lockfiles (npm, yarn classic and berry, pnpm).',
  usage: 'depwarden graph [<dir>] [--json]',
  description:
    'Collects the dependency snapshot of <dir>, parses every package-lock.json, yarn.lock and pnpm-lock.yaml (and package.json files that no lockfile covers), and prints the packages with their source, whether they are direct, dev-only and optional, plus every problem found with its file and line. Exits 2 when a problem of severity error left the graph incomplete.',
  args: [{ name: '<dir>', description: 'Project directory (default: the current directory).' }],
  options: [
    {
      name: 'json',
      type: 'boolean',
      description: 'Print JSON: { snapshotId, lockfiles, importers, packages, problems }.',
    },
    ...SNAPSHOT_OPTIONS,
  ],
  examples: ['depwarden graph .', 'depwarden graph ~/src/monorepo --json > graph.json'],
  async run(positionals, options, ctx) {
    const snapshot = await collectWithProgress(projectDir(positionals, ctx, 'graph'), options, ctx);
    const graph = buildGraph(snapshot.files);
    graph.problems = [...snapshot.problems, ...graph.problems].sort(compareProblems);
    ctx.stdout.write(
      options.json === true
        ? renderGraphJson(graph, snapshot.id)
        : renderGraphText(graph, snapshot.id),
    );
    return graph.problems.some((p) => p.severity === 'error') ? 2 : 0;
  },
};
