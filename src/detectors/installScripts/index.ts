/**
 * installScripts: lifecycle scripts npm runs when a registry package is installed (preinstall,
 * install, postinstall; `prepare` runs only for the project and git dependencies), and the implicit `node-gyp rebuild` npm runs when a package
 * ships binding.gyp without an install script. Install scripts run with the user's rights on
 * every install, before any code is imported: the favourite entry point of npm malware.
 */
import { INSTALL_HOOKS } from '../../analyzer/correlate.js';
import { defineDetector } from '../../analyzer/kit.js';
import { stringSignals } from '../suspiciousString/index.js';

const PIPE_TO_SHELL =
  /\b(curl|wget)\b[^|;&]*\|\s*(ba|z|da)?sh\b|\b(iex|invoke-expression)\b.*\b(iwr|invoke-webrequest|downloadstring)\b/i;
const NETWORK_TOOL = /\b(curl|wget|nc|ncat|powershell|Invoke-WebRequest)\b|https?:\/\//i;
const INLINE_CODE = /\bnode\s+(-e|--eval|-p|--print)\b/;

export const detector = defineDetector({
  meta: {
    id: 'installScripts',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'middle',
    title: 'Install scripts',
    description: 'The package runs lifecycle scripts (or node-gyp) when it is installed.',
  },
  package(pkg, report) {
    const scripts = pkg.manifest?.scripts;
    const evidence = [{ file: 'package.json' }];
    if (typeof scripts === 'object' && scripts !== null) {
      for (const hook of INSTALL_HOOKS) {
        const cmd = (scripts as Record<string, unknown>)[hook];
        if (typeof cmd !== 'string' || cmd.trim() === '') continue;
        const signals: string[] = ['install-script'];
        if (PIPE_TO_SHELL.test(cmd)) signals.push('pipe-to-shell');
        // The script command itself reaches the network (curl, wget, a URL): install-time
        // network access that no file review would show.
        if (NETWORK_TOOL.test(cmd)) signals.push('network', 'install-network');
        if (INLINE_CODE.test(cmd)) signals.push('eval');
        // An install command naming a webhook, tunnel or out-of-band domain (`curl x.oast.fun`).
        if (stringSignals(cmd).has('exfil-endpoint')) signals.push('exfil-endpoint');
        report({
          message: `${hook} script: ${cmd.length > 200 ? `${cmd.slice(0, 200)}…` : cmd}`,
          severity:
            signals.includes('pipe-to-shell') || signals.includes('exfil-endpoint')
              ? 'high'
              : undefined,
          evidence: [
            { file: 'package.json', snippet: `"${hook}": ${JSON.stringify(cmd).slice(0, 120)}` },
          ],
          props: { script: hook, source: cmd, signals },
        });
      }
    }
    const declared =
      typeof scripts === 'object' &&
      scripts !== null &&
      ('install' in scripts || 'preinstall' in scripts);
    if (!declared && pkg.files.some((f) => f.path === 'binding.gyp')) {
      report({
        message: 'install script: node-gyp rebuild (implicit: the package ships binding.gyp)',
        evidence,
        props: {
          script: 'install',
          source: 'node-gyp rebuild',
          implicit: true,
          signals: ['install-script'],
        },
      });
    }
  },
});
