/**
 * obfuscatedRequire: a module loaded through a specifier that is built to hide its name:
 * `require('chi' + 'ld_process')`, `require(Buffer.from('Y2hpbGRfcHJvY2Vzcw==', 'base64')
 * .toString())`, `require(String.fromCharCode(...))`, `require('ssecorp_dlihc'.split('')
 * .reverse().join(''))`; and `require` itself reached indirectly (`process.mainModule.require`,
 * `module.constructor._load`, `require('module')._load`), which loads code past the usual
 * `require` call every tool looks for. Ordinary code names its modules; these forms exist to
 * defeat scanners and reviewers.
 *
 * The specifier is folded statically (./evaluate.ts, never executed), so the alert says what
 * is really loaded. Signals for correlation: `obfuscated` when the name was decoded (base64,
 * hex, char codes, reversal) or names a sensitive builtin, plus the capability that builtin
 * gives (`shell` for child_process, `network` for net/http/dns…, `eval` for vm): shellAccess
 * and networkAccess cannot see a module whose name was hidden from them.
 */
import { at, defineDetector } from '../../analyzer/kit.js';
import { DECODING, foldSpecifier } from './evaluate.js';
import { computedLoads, requireCalls, specifierText } from './specifier.js';

const CAPABILITY: Record<string, string> = {
  child_process: 'shell',
  vm: 'eval',
  net: 'network',
  tls: 'network',
  dgram: 'network',
  dns: 'network',
  http: 'network',
  https: 'network',
  http2: 'network',
};
const SENSITIVE = new Set([...Object.keys(CAPABILITY), 'fs', 'os', 'module', 'worker_threads']);
const INDIRECT = new Set([
  'process.mainModule.require',
  'process.mainModule.constructor._load',
  'module.constructor._load',
  'module._load',
  'require.main.require',
]);

export const detector = defineDetector({
  meta: {
    id: 'obfuscatedRequire',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'middle',
    title: 'Obfuscated require',
    description:
      'A module is loaded through a name built to hide it (concatenation, decoding, char codes) or through an indirect require.',
  },
  js(file, facts, report) {
    const loads = computedLoads(facts);
    const calls = loads.length === 0 ? new Map<number, never>() : requireCalls(facts);
    for (const load of loads) {
      const folded = foldSpecifier(specifierText(file.text, calls, load));
      if (folded === undefined) continue;
      const module = folded.value.startsWith('node:') ? folded.value.slice(5) : folded.value;
      const decoded = folded.techniques.some((t) => DECODING.has(t));
      const sensitive = SENSITIVE.has(module);
      const signals: string[] = [];
      if (decoded || sensitive) signals.push('obfuscated');
      const capability = CAPABILITY[module];
      if (capability !== undefined) signals.push(capability);
      report({
        message: `loads ${JSON.stringify(module.slice(0, 100))} through an obfuscated specifier`,
        severity: decoded || sensitive ? 'high' : undefined,
        confidence: decoded || sensitive ? 0.9 : 0.7,
        evidence: [at(file, load.start, load.end)],
        props: {
          module: module.slice(0, 200),
          how: load.how,
          techniques: folded.techniques,
          signals,
        },
      });
    }
    for (const c of facts.calls) {
      if (!INDIRECT.has(c.callee)) continue;
      const module = c.firstString?.replace(/^node:/, '');
      const capability = module === undefined ? undefined : CAPABILITY[module];
      report({
        message: `loads modules through ${c.callee}`,
        evidence: [at(file, c.start, c.end)],
        props: {
          ...(module === undefined ? {} : { module }),
          how: c.callee,
          signals: capability === undefined ? [] : [capability],
        },
      });
    }
    if (!facts.parsed)
      lexical(file.text, (start, end, module) =>
        report({
          message: `loads ${JSON.stringify(module)} through an obfuscated specifier`,
          evidence: [at(file, start, end)],
          props: {
            module,
            how: 'require',
            techniques: ['concatenation'],
            signals: SENSITIVE.has(module) ? ['obfuscated'] : [],
          },
        }),
      );
  },
});

/** Unparsable files: `require('a' + 'b')` by pattern, the most common form. */
function lexical(text: string, found: (start: number, end: number, module: string) => void): void {
  const re = /\brequire\s*\(\s*(['"])([^'"\n]{0,100})\1\s*\+\s*(['"])([^'"\n]{0,100})\3\s*\)/g;
  let n = 0;
  for (let m = re.exec(text); m !== null && n < 50; m = re.exec(text), n++)
    found(m.index, m.index + m[0].length, `${m[2] as string}${m[4] as string}`);
}
