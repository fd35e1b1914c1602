/**
 * dynamicRequire: `require()` or `import()` with a specifier computed at run time
 * (`require(name)`, `import(\`./locale/${lang}.js\`)`). What such code loads cannot be known
 * without running it, so it escapes every static check of this tool and of bundlers; plugin
 * loaders and locale tables use it honestly, loaders of downloaded or decoded payloads use it
 * too. Low severity, informational.
 *
 * Specifiers that fold to a constant string through concatenation or decoding are not
 * dynamic but disguised: obfuscatedRequire reports them with the name they resolve to, and
 * they are left out here. `require.resolve` only computes a path and is not reported.
 */
import { at, defineDetector } from '../../analyzer/kit.js';
import { foldSpecifier } from '../obfuscatedRequire/evaluate.js';
import { computedLoads, requireCalls, specifierText } from '../obfuscatedRequire/specifier.js';

export const detector = defineDetector({
  meta: {
    id: 'dynamicRequire',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'low',
    title: 'Dynamic require',
    description: 'require() or import() with a specifier computed at run time.',
  },
  js(file, facts, report) {
    const loads = computedLoads(facts);
    const calls = loads.length === 0 ? new Map<number, never>() : requireCalls(facts);
    for (const load of loads) {
      const expression = specifierText(file.text, calls, load);
      if (foldSpecifier(expression) !== undefined) continue; // obfuscatedRequire's
      report({
        message: `${load.how === 'import()' ? 'imports' : 'requires'} a module with a computed specifier`,
        evidence: [at(file, load.start, load.end)],
        props: { how: load.how, expression: expression.slice(0, 120) },
      });
    }
    if (!facts.parsed) {
      // The lexical fallback records literal loads only; find the computed ones by pattern.
      const re = /\b(require|import)\s*\(\s*([A-Za-z_$][\w$.]{0,60})\s*\)/g;
      let n = 0;
      for (let m = re.exec(file.text); m !== null && n < 50; m = re.exec(file.text), n++) {
        report({
          message: `${m[1] === 'import' ? 'imports' : 'requires'} a module with a computed specifier`,
          evidence: [at(file, m.index, m.index + m[0].length)],
          props: { how: m[1] === 'import' ? 'import()' : 'require', expression: m[2] },
        });
      }
    }
  },
});
