/**
 * shellAccess: code that can run other programs: child_process and the popular wrappers
 * (execa, shelljs, cross-spawn), and process.binding('spawn_sync'). A command given as a
 * literal is shown, and marks what correlation needs: a download piped to a shell, an npm
 * publish, a recursive delete.
 */
import { at, defineDetector, reportModuleLoads } from '../../analyzer/kit.js';

const MODULES = new Set(['child_process', 'execa', 'shelljs', 'cross-spawn', 'node-pty']);
/** A command built by decoding (base64/hex buffers, atob, char codes, decryption). */
const DECODED_COMMAND =
  /\batob\s*\(|Buffer\.from\s*\([^()]{0,200},\s*['"`](?:base64|hex|base64url)['"`]|\bfromCharCode\s*\(|\bdecipher\w*\.(?:update|final)\s*\(|createDecipheriv/;
const PIPE_TO_SHELL =
  /\b(curl|wget)\b[^|;&]*\|\s*(ba|z|da)?sh\b|\b(iex|invoke-expression)\b|downloadstring/i;

export const detector = defineDetector({
  meta: {
    id: 'shellAccess',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'middle',
    title: 'Shell access',
    description: 'The code can spawn processes or run shell commands.',
  },
  js(file, facts, report) {
    reportModuleLoads(file, facts, report, MODULES, ['shell']);
    for (const c of facts.calls) {
      // A module's own API is `module.x`: the root before the first dot, when there is a dot.
      const dot = c.callee.indexOf('.');
      if (dot === -1) continue;
      const root = c.callee.slice(0, dot);
      const spawnSync = c.callee === 'process.binding' && c.firstString === 'spawn_sync';
      if (!MODULES.has(root) && !spawnSync && c.callee !== 'Bun.spawn') continue;
      const signals = ['shell'];
      // The command, plus the literal strings of an argument list (spawn('npm', ['publish']),
      // spawn('bash', ['-c', 'curl … | sh'])): read from the second argument's text, bounded.
      const command = [
        c.firstString ?? (c.argSpans[0] === undefined ? '' : spanText(file.text, c.argSpans[0])),
        ...argStrings(spanText(file.text, c.argSpans[1])),
      ].join(' ');
      if (PIPE_TO_SHELL.test(command)) signals.push('pipe-to-shell');
      if (/\bnpm\s+publish\b/.test(command)) signals.push('npm-publish');
      // The command itself is decoded data: a hidden command handed to a shell.
      if (c.firstString === undefined && DECODED_COMMAND.test(spanText(file.text, c.argSpans[0])))
        signals.push('shell-decoded');
      if (
        /\brm\s+-[a-z]*r[a-z]*f|\brm\s+-[a-z]*f[a-z]*r|\bdel\s+\/[sq]|\bformat\s+[a-z]:/i.test(
          command,
        )
      )
        signals.push('destructive');
      report({
        message: `calls ${c.callee}`,
        evidence: [at(file, c.start, c.end)],
        props: {
          module: root,
          ...(c.firstString === undefined ? {} : { command: c.firstString.slice(0, 200) }),
          signals,
        },
      });
    }
  },
});

function spanText(text: string, span: [number, number] | undefined): string {
  return span === undefined ? '' : text.slice(span[0], Math.min(span[1], span[0] + 2000));
}

/** The quoted strings of an argument list's source text, in order (`['-c', 'x']` → -c x). */
function argStrings(source: string): string[] {
  if (!source.startsWith('[')) return [];
  return [...source.matchAll(/(['"`])((?:\\.|(?!\1)[^\\\n]){0,500})\1/g)].map(
    (m) => m[2] as string,
  );
}
