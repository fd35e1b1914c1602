/**
 * `depwarden report get <id>` and `depwarden report delete <id>`: a report on the report
 * service, read or removed. The id is the snapshot id (`depwarden snapshot` prints it); the
 * delete token comes from --token or DEPWARDEN_DELETE_TOKEN, never from a file in the project.
 */
import { deleteReport, fetchReport } from '../../client/index.js';
import { DepwardenError } from '../../errors/index.js';
import type { CommandSpec } from '../spec.js';
import {
  CA_OPTION,
  FORMATS,
  SERVER_OPTION,
  emitReport,
  parseFormat,
  serverTargetFrom,
} from './scan.js';

export const reportCommand: CommandSpec = {
  name: 'report',
  summary: 'Read or delete a report on a report service: report get|delete <id>.',
  usage:
    'depwarden report get <id> [--server URL] [--format F] | depwarden report delete <id> --token TOKEN',
  description:
    "get prints the report of a snapshot id in any scan format (its exit code is the report's verdict: 0, 1 or 2); while the analysis runs it says so and exits 2. delete removes the report and the stored snapshot, with the delete token printed when the report was first uploaded (or an admin token). An unknown, deleted or mistyped id is REPORT_NOT_FOUND (exit 3).",
  args: [
    { name: 'get|delete', description: 'What to do.' },
    { name: '<id>', description: 'The snapshot id (64 hex characters).' },
  ],
  options: [
    SERVER_OPTION,
    CA_OPTION,
    {
      name: 'format',
      type: 'string',
      value: '<name>',
      description: `With get: ${FORMATS.join(', ')}.`,
      default: 'terminal',
    },
    {
      name: 'output',
      short: 'o',
      type: 'string',
      value: '<file>',
      description: 'With get: write the report to this file.',
    },
    {
      name: 'token',
      type: 'string',
      value: '<token>',
      description: 'With delete: the delete token or an admin token.',
      default: '$DEPWARDEN_DELETE_TOKEN',
    },
  ],
  examples: [
    'depwarden report get 5f2b…2b1c --format markdown',
    'DEPWARDEN_DELETE_TOKEN=… depwarden report delete 5f2b…2b1c',
  ],
  async run(positionals, options, ctx) {
    const [action, id, ...rest] = positionals;
    if ((action !== 'get' && action !== 'delete') || id === undefined || rest.length > 0)
      throw new DepwardenError(
        'USAGE',
        'usage: depwarden report get <id> | depwarden report delete <id>',
      );
    if (!/^[0-9a-f]{64}$/.test(id))
      throw new DepwardenError(
        'REPORT_NOT_FOUND',
        'a report id is 64 lowercase hex characters (the snapshot id)',
      );
    const server = await serverTargetFrom(options, ctx);
    if (action === 'delete') {
      const token =
        typeof options.token === 'string' ? options.token : ctx.env.DEPWARDEN_DELETE_TOKEN;
      if (token === undefined || token === '')
        throw new DepwardenError(
          'USAGE',
          'report delete needs --token (or DEPWARDEN_DELETE_TOKEN)',
        );
      await deleteReport(server, id, token);
      ctx.stderr.write('depwarden: report deleted\n');
      return 0;
    }
    const format = parseFormat(options.format);
    const got = await fetchReport(server, id);
    if (got.status === 'failed')
      throw new DepwardenError(
        'SERVER_ERROR',
        `the analysis failed: ${got.reason ?? 'no reason given'}`,
      );
    if (got.report === undefined) {
      ctx.stderr.write(`depwarden: the report is ${got.status}; try again shortly\n`);
      return 2;
    }
    await emitReport(got.report, format, { ...options, verbose: false }, ctx);
    return got.report.verdict.exitCode;
  },
};
