/**
 * `depwarden diff <base> <head>`: what a dependency change brings in. Each side is a project
 * directory or a git ref (read with `git ls-tree` and `git cat-file`: the six snapshot files
 * and nothing else; no checkout, nothing written). Both sides are scanned with one setup, so
 * the packages they share are fetched and analysed once. Exit codes come from the alerts that
 * are new in head: 1 when one of them blocks, 2 when head could not be scanned completely.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { diffReports, renderDiffMarkdown, renderDiffTerminal } from '../../diff/index.js';
import { DepwardenError } from '../../errors/index.js';
import { snapshotFromGit, type Snapshot } from '../../snapshot/index.js';
import type { CliContext, CommandSpec } from '../spec.js';
import { collectWithProgress, limitsFromOptions } from './snapshot-options.js';
import { SCAN_OPTIONS, emit, prepareScan, useColor } from './scan.js';

const DIFF_FORMATS = ['terminal', 'json', 'markdown'] as const;

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** A side of the diff: an existing directory, else a git ref of the repository. */
async function snapshotOf(
  side: string,
  repo: string,
  options: Record<string, string | boolean | undefined>,
  ctx: CliContext,
): Promise<Snapshot> {
  const asDir = resolve(ctx.cwd, side);
  if (await isDirectory(asDir)) return collectWithProgress(asDir, options, ctx);
  return snapshotFromGit(repo, side, { limits: limitsFromOptions(options) });
}

export const diffCommand: CommandSpec = {
  name: 'diff',
  summary: 'Compare the dependencies of two directories or git refs: what changed, what is new.',
  usage:
    'depwarden diff <base> <head> [--repo DIR] [--format terminal|json|markdown] [--output FILE]',
  description:
    "Scans <base> and <head> and reports the dependency overview (added, removed, upgraded and downgraded packages, with their scores and capability changes) and the alerts that are new in head. Each of <base> and <head> is a project directory, or else a git ref (branch, tag, commit) of the repository in --repo: only the six snapshot files are read from it with git, without a checkout, and nothing is written. --format markdown gives a pull-request comment. Exits 1 when an alert new in head blocks (the policy of head's socket.yml and --fail-on), 2 when head could not be scanned completely, 0 otherwise; alerts that base already had never fail the diff. Every scan flag applies to both sides (docs/diff.md).",
  args: [
    {
      name: '<base>',
      description: 'The directory or git ref before the change (e.g. origin/main).',
    },
    { name: '<head>', description: 'The directory or git ref after the change (e.g. HEAD).' },
  ],
  options: [
    {
      name: 'repo',
      type: 'string',
      value: '<dir>',
      description: 'The git repository that git refs are read from.',
      default: 'the current directory',
    },
    ...SCAN_OPTIONS.filter((o) => !['format', 'upload', 'server'].includes(o.name)),
    {
      name: 'format',
      type: 'string',
      value: '<name>',
      description: `Output format: ${DIFF_FORMATS.join(', ')}.`,
      default: 'terminal',
    },
  ],
  examples: [
    'depwarden diff origin/main HEAD',
    'depwarden diff origin/main HEAD --format markdown --output comment.md',
    'depwarden diff ../app-before ../app-after --format json',
  ],
  async run(positionals, options, ctx) {
    if (positionals.length !== 2)
      throw new DepwardenError(
        'USAGE',
        `diff takes two arguments, <base> and <head>, got ${positionals.length}`,
      );
    const format = (options.format ?? 'terminal') as string;
    if (!(DIFF_FORMATS as readonly string[]).includes(format))
      throw new DepwardenError(
        'USAGE',
        `--format for diff takes one of ${DIFF_FORMATS.join(', ')}, not ${JSON.stringify(format)}`,
      );
    const [baseArg, headArg] = positionals as [string, string];
    const repo = resolve(ctx.cwd, typeof options.repo === 'string' ? options.repo : '.');
    const setup = await prepareScan(options, ctx, repo);
    let base, head;
    try {
      const baseSnapshot = await snapshotOf(baseArg, repo, options, ctx);
      const headSnapshot = await snapshotOf(headArg, repo, options, ctx);
      base = await setup.scan(baseSnapshot);
      head = await setup.scan(headSnapshot);
    } finally {
      await setup.close();
    }
    const diff = diffReports(base, head, { base: baseArg, head: headArg });
    const text =
      format === 'json'
        ? `${JSON.stringify(diff, null, 2)}\n`
        : format === 'markdown'
          ? renderDiffMarkdown(diff)
          : renderDiffTerminal(diff, { color: options.output === undefined && useColor(ctx) });
    await emit(text, options, ctx);
    return diff.verdict.exitCode;
  },
};
