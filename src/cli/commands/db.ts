/**
 * `depwarden db update|status`: the local advisory database (known vulnerabilities and known
 * malware from an OSV npm export) that `analyze` and `scan` match packages against offline.
 * Composition root for src/advisories: it picks the data folder and prints what changed.
 */
import { resolve } from 'node:path';
import {
  OSV_NPM_EXPORT_URL,
  readAdvisoryDbInfo,
  staleness,
  updateDatabase,
  type AdvisoryDbInfo,
} from '../../advisories/index.js';
import { DepwardenError, isDepwardenError } from '../../errors/index.js';
import { defaultDataDir } from '../../util/dirs.js';
import { sanitize } from '../../util/text.js';
import type { CliContext, CommandSpec } from '../spec.js';

export const dbCommand: CommandSpec = {
  name: 'db',
  summary: 'Update or inspect the local advisory database (OSV: vulnerabilities and malware).',
  usage: 'depwarden db update [--from FILE|URL] [--data-dir DIR] [--json] | depwarden db status',
  description:
    "update imports an OSV npm export (all.zip: by default OSV's public npm export, or the file or URL given with --from) into the data folder, atomically: a failed or interrupted update leaves the previous database in use. status prints where the database came from, when, how many advisories it holds, and whether it is stale (data older than 7 days). Scans warn when it is missing or stale.",
  args: [{ name: 'update | status', description: 'What to do.' }],
  options: [
    {
      name: 'from',
      type: 'string',
      value: '<file|url>',
      description: 'The OSV export to import: a path to all.zip, or an http(s) URL.',
      default: OSV_NPM_EXPORT_URL,
    },
    {
      name: 'data-dir',
      type: 'string',
      value: '<dir>',
      description: 'Where the database is kept.',
      default: '$XDG_DATA_HOME/depwarden or ~/.local/share/depwarden',
    },
    { name: 'json', type: 'boolean', description: 'Print JSON instead of text.' },
  ],
  examples: [
    'depwarden db update',
    'depwarden db update --from ./all.zip',
    'depwarden db status --json',
  ],
  async run(positionals, options, ctx) {
    const action = positionals[0];
    if ((action !== 'update' && action !== 'status') || positionals.length > 1)
      throw new DepwardenError('USAGE', 'db needs one action: update or status', {
        hint: 'Run `depwarden db update` to import the advisories, `depwarden db status` to see them.',
      });
    const dataDir =
      typeof options['data-dir'] === 'string'
        ? resolve(ctx.cwd, options['data-dir'])
        : defaultDataDir(ctx.env);
    if (action === 'status') {
      const info = await readAdvisoryDbInfo(dataDir);
      ctx.stdout.write(
        options.json === true
          ? `${JSON.stringify({ ...(info ?? {}), staleness: staleness(info) }, null, 2)}\n`
          : renderStatus(info),
      );
      return info === undefined ? 2 : 0;
    }
    if (options.from !== undefined && typeof options.from !== 'string')
      throw new DepwardenError('USAGE', '--from needs a file path or URL');
    const from =
      typeof options.from === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(options.from)
        ? resolve(ctx.cwd, options.from)
        : (options.from as string | undefined);
    progress(ctx, `importing ${sanitize(from ?? OSV_NPM_EXPORT_URL, 200)}…`);
    let result;
    try {
      result = await updateDatabase({ dataDir, ...(from === undefined ? {} : { from }) });
    } catch (err) {
      if (isDepwardenError(err) && err.code === 'REGISTRY_UNREACHABLE')
        throw new DepwardenError('ADVISORY_UNREACHABLE', err.message, { cause: err });
      throw err;
    }
    if (options.json === true) {
      ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    const s = result.stats;
    ctx.stdout.write(
      [
        renderStatus(result.info).trimEnd(),
        `imported: ${s.records} advisories (${s.malicious} malware) from ${s.entries} entries; skipped ${s.withdrawn} withdrawn, ${s.notNpm} for other ecosystems, ${s.malformed} malformed, ${s.oversized} oversized`,
        ...result.problems.map(
          (p) => `  skipped ${sanitize(p.entry, 80)}: ${sanitize(p.reason, 200)}`,
        ),
        '',
      ].join('\n'),
    );
    return 0;
  },
};

function renderStatus(info: AdvisoryDbInfo | undefined): string {
  if (info === undefined) return 'advisory database: none yet (run `depwarden db update`)\n';
  return [
    `advisory database: ${info.records} advisories for ${info.packages} packages`,
    `  source:   ${sanitize(info.source, 200)}`,
    `  imported: ${info.importedAt}`,
    `  data as of: ${info.newestModified ?? 'unknown'} (${staleness(info)})`,
    '',
  ].join('\n');
}

function progress(ctx: CliContext, text: string): void {
  if (ctx.stderr.isTTY === true) ctx.stderr.write(`depwarden: ${text}\n`);
}
