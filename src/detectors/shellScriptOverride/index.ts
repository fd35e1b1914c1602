/**
 * shellScriptOverride: a bin entry named like a well-known system command (ls, cd, sh, git,
 * curl, node, npm, sudo, …). Installed globally, or run through npm scripts (which put
 * node_modules/.bin first on PATH), the package's script runs instead of the real command,
 * seeing everything the user meant to give to it (arguments, tokens, passwords typed at sudo).
 *
 * The official distributions of the JavaScript toolchain ship such bins on purpose (the npm
 * package provides npm and npx, corepack provides yarn and pnpm, …): those pairs are allowed
 * by name, nothing else is.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { binEntries } from '../binScriptConfusion/index.js';

// One line per family reads better than one command per line.
// prettier-ignore
const SYSTEM_COMMANDS = new Set([
  // shells and shell builtins
  'sh', 'bash', 'zsh', 'dash', 'ksh', 'csh', 'tcsh', 'fish', 'pwsh', 'powershell', 'cmd',
  'cd', 'echo', 'export', 'source', 'exec', 'eval', 'test', 'true', 'false', 'alias', 'type',
  // coreutils and friends
  'ls', 'cp', 'mv', 'rm', 'mkdir', 'rmdir', 'cat', 'ln', 'chmod', 'chown', 'touch', 'head',
  'tail', 'grep', 'sed', 'awk', 'find', 'xargs', 'sort', 'env', 'which', 'whoami', 'id', 'ps',
  'kill', 'tar', 'gzip', 'gunzip', 'zip', 'unzip', 'less', 'more', 'open', 'xdg-open', 'date',
  'du', 'df', 'tee', 'wc', 'diff', 'patch', 'make',
  // privilege, network and remote access
  'sudo', 'su', 'doas', 'ssh', 'scp', 'sftp', 'rsync', 'curl', 'wget', 'nc', 'netcat', 'ping',
  'gpg', 'security', 'passwd',
  // developer toolchain
  'git', 'node', 'nodejs', 'npm', 'npx', 'yarn', 'yarnpkg', 'pnpm', 'pnpx', 'corepack', 'bun',
  'deno', 'python', 'python3', 'pip', 'pip3', 'ruby', 'gem', 'perl', 'java', 'go', 'cargo',
  'gcc', 'cc', 'clang', 'docker', 'kubectl', 'aws', 'gcloud', 'az', 'gh', 'code', 'vim', 'nano',
]);

/** Official packages that legitimately provide these commands. */
const OFFICIAL: Record<string, readonly string[]> = {
  npm: ['npm', 'npx'],
  npx: ['npx'],
  node: ['node'],
  yarn: ['yarn', 'yarnpkg'],
  pnpm: ['pnpm', 'pnpx'],
  corepack: ['corepack', 'yarn', 'yarnpkg', 'pnpm', 'pnpx', 'npm', 'npx'],
  bun: ['bun', 'bunx'],
  deno: ['deno'],
};

export const detector = defineDetector({
  meta: {
    id: 'shellScriptOverride',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'high',
    title: 'Bin script overrides a system command',
    description: 'A bin entry is named like a well-known system command (ls, sh, git, npm, …).',
  },
  package(pkg, report) {
    const name = typeof pkg.manifest?.name === 'string' ? pkg.manifest.name : pkg.name;
    const allowed = Object.hasOwn(OFFICIAL, name) ? (OFFICIAL[name] as readonly string[]) : [];
    for (const bin of binEntries(pkg)) {
      // The command npm links: the key's base name; Windows shims add .cmd/.ps1 themselves.
      const command = (bin.name.split(/[\\/]/).pop() ?? bin.name)
        .toLowerCase()
        .replace(/\.(exe|cmd|bat|ps1)$/, '');
      if (!SYSTEM_COMMANDS.has(command) || allowed.includes(command)) continue;
      report({
        message: `bin "${bin.name}" overrides the system command ${command}`,
        evidence: [
          {
            file: 'package.json',
            snippet: `"${bin.name}": ${JSON.stringify(bin.target).slice(0, 120)}`,
          },
        ],
        props: { binScript: bin.name, command, target: bin.target },
      });
    }
  },
});
