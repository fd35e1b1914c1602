/**
 * The depwarden command line: a thin composition root. It parses arguments against the
 * command specs, runs the command, and maps failures to exit codes. User mistakes
 * (DepwardenError) print a message, the location and a hint, never a stack trace; anything
 * else is our bug and prints the stack with a request to report it.
 */
import { parseArgs } from 'node:util';
import { DepwardenError, ERROR_CODES, formatLocation, isDepwardenError } from '../errors/index.js';
import { closestMatch as suggest } from '../util/suggest.js';
import { sanitize } from '../util/text.js';
import { analyzeCommand } from './commands/analyze.js';
import { dbCommand } from './commands/db.js';
import { diffCommand } from './commands/diff.js';
import { doctorCommand } from './commands/doctor.js';
import { graphCommand } from './commands/graph.js';
import { reportCommand } from './commands/report.js';
import { scanCommand } from './commands/scan.js';
import { serveCommand } from './commands/serve.js';
import { snapshotCommand } from './commands/snapshot.js';
import { toolVersion } from './version.js';
import { HELP_OPTION, renderCommandHelp, type CliContext, type CommandSpec } from './spec.js';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  analyzeCommand,
  dbCommand,
  diffCommand,
  doctorCommand,
  graphCommand,
  reportCommand,
  scanCommand,
  serveCommand,
  snapshotCommand,
];

export const EXIT = { ok: 0, policy: 1, incomplete: 2, usage: 3, internal: 70 } as const;

export function renderMainHelp(): string {
  const lines = [
    'Usage: depwarden <command> [options]',
    '',
    'depwarden finds supply-chain risks in the dependencies of an npm project. It reads only the',
    'dependency snapshot (package.json, package-lock.json, yarn.lock, pnpm-lock.yaml, socket.yml,',
    'socket.yaml) and never reads or changes your source code.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(12)}${c.summary}`),
    `  ${'help'.padEnd(12)}Show help for a command: depwarden help <command>`,
    '',
    'Options:',
    '  -h, --help     Show help (also: depwarden <command> --help).',
    '  -v, --version  Print the version.',
    '',
    'Exit codes: 0 ok, 1 policy failure, 2 incomplete result, 3 usage or input error (docs/cli.md).',
  ];
  return `${lines.join('\n')}\n`;
}

function usageError(message: string): DepwardenError {
  return new DepwardenError('USAGE', message);
}

export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  try {
    return await dispatch(argv, ctx);
  } catch (err) {
    return reportFailure(err, ctx);
  }
}

async function dispatch(argv: string[], ctx: CliContext): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') {
    ctx.stdout.write(renderMainHelp());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '-v' || first === '--version') {
    ctx.stdout.write(`depwarden ${toolVersion()}\n`);
    return EXIT.ok;
  }
  if (first === 'help') {
    const target = rest[0];
    if (target === undefined) {
      ctx.stdout.write(renderMainHelp());
      return EXIT.ok;
    }
    ctx.stdout.write(renderCommandHelp(findCommand(target)));
    return EXIT.ok;
  }
  const command = findCommand(first);
  const specs = [...command.options, HELP_OPTION];
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        specs.map((o) => [
          o.name,
          o.short === undefined ? { type: o.type } : { type: o.type, short: o.short },
        ]),
      ),
    });
  } catch (err) {
    throw usageError(explainParseError(err, command));
  }
  if (parsed.values.help === true) {
    ctx.stdout.write(renderCommandHelp(command));
    return EXIT.ok;
  }
  return command.run(
    parsed.positionals,
    parsed.values as Record<string, string | boolean | undefined>,
    ctx,
  );
}

function findCommand(name: string): CommandSpec {
  const command = COMMANDS.find((c) => c.name === name);
  if (command !== undefined) return command;
  const guess = suggest(
    name,
    COMMANDS.map((c) => c.name),
  );
  throw usageError(
    `unknown command ${JSON.stringify(sanitize(name, 60))}${guess === undefined ? '' : `; did you mean "${guess}"?`}`,
  );
}

function explainParseError(err: unknown, command: CommandSpec): string {
  const message = err instanceof Error ? err.message : String(err);
  const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message);
  if (unknown?.[1] !== undefined) {
    const flag = unknown[1].replace(/^-+/, '');
    const guess = suggest(
      flag,
      command.options.map((o) => o.name),
    );
    return `unknown option ${unknown[1]} for "${command.name}"${guess === undefined ? '' : `; did you mean --${guess}?`}`;
  }
  // Node's messages for a missing value or a value given to a boolean are clear enough.
  return `${message.split('\n')[0] ?? message} (command "${command.name}")`;
}

function reportFailure(err: unknown, ctx: CliContext): number {
  if (isDepwardenError(err)) {
    const where = formatLocation(err);
    // Messages that already open with the path are not prefixed with it a second time.
    const prefix =
      where === undefined || err.message.startsWith(`${err.file ?? ''} `)
        ? ''
        : `${sanitize(where)}: `;
    ctx.stderr.write(`depwarden: error: ${prefix}${sanitize(err.message, 1000)}\n`);
    if (err.hint !== undefined) ctx.stderr.write(`  hint: ${err.hint}\n`);
    return ERROR_CODES[err.code].exit;
  }
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  ctx.stderr.write(`depwarden: internal error (this is a bug; please report it):\n${stack}\n`);
  return EXIT.internal;
}
