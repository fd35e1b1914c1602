/**
 * Declarative command specs. Help text is generated from the same spec the argument parser
 * uses, so `--help` always describes every flag that exists, and no flag exists undocumented.
 */
import type { Writable } from 'node:stream';

export interface OptionSpec {
  name: string;
  type: 'boolean' | 'string';
  short?: string;
  /** Placeholder shown in help, e.g. `<n>`. */
  value?: string;
  description: string;
  default?: string;
}

export interface CliContext {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  description: string;
  /** Positional arguments, for help. */
  args: { name: string; description: string }[];
  options: OptionSpec[];
  examples: string[];
  run(
    positionals: string[],
    options: Record<string, string | boolean | undefined>,
    ctx: CliContext,
  ): Promise<number>;
}

export const HELP_OPTION: OptionSpec = {
  name: 'help',
  type: 'boolean',
  short: 'h',
  description: 'Show this help and exit.',
};

export function renderCommandHelp(cmd: CommandSpec): string {
  const lines = [`Usage: ${cmd.usage}`, '', cmd.summary, '', ...wrap(cmd.description, 80), ''];
  if (cmd.args.length > 0) {
    lines.push('Arguments:');
    for (const a of cmd.args) lines.push(...twoColumns(a.name, a.description));
    lines.push('');
  }
  lines.push('Options:');
  for (const o of [...cmd.options, HELP_OPTION]) {
    const flag = `${o.short === undefined ? '    ' : `-${o.short}, `}--${o.name}${o.value === undefined ? '' : ` ${o.value}`}`;
    const desc =
      o.default === undefined ? o.description : `${o.description} (default: ${o.default})`;
    lines.push(...twoColumns(flag, desc));
  }
  if (cmd.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const e of cmd.examples) lines.push(`  ${e}`);
  }
  lines.push(
    '',
    'Exit codes: 0 ok, 1 policy failure, 2 incomplete result, 3 usage or input error (docs/cli.md).',
  );
  return `${lines.join('\n')}\n`;
}

function twoColumns(left: string, right: string): string[] {
  const width = 30;
  const wrapped = wrap(right, 80 - width - 2);
  const first = `  ${left.padEnd(width)}`;
  if (left.length >= width)
    return [`  ${left}`, ...wrapped.map((l) => `  ${' '.repeat(width)}${l}`)];
  return [
    `${first}${wrapped[0] ?? ''}`,
    ...wrapped.slice(1).map((l) => `  ${' '.repeat(width)}${l}`),
  ];
}

export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line.length > 0 && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line.length === 0 ? word : `${line} ${word}`;
    }
    out.push(line);
  }
  return out;
}
