/**
 * noTests: a package with code that neither ships tests nor declares a test script. Most
 * packages leave their tests out of the tarball (the `files` list or .npmignore), so a real
 * `scripts.test` counts as "has tests"; npm's placeholder (`echo "Error: no test specified" &&
 * exit 1`) and other do-nothing commands do not. Packages without code (type declarations,
 * data, styles) are not expected to have tests and are left alone. A weak signal: low
 * severity, quality category.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { manifestKeyLine } from '../../intel/depspec/index.js';

/** Folders that hold tests, anywhere in the package. */
const TEST_DIRS = new Set(['test', 'tests', '__tests__', '__test__', 'spec', 'specs']);
/** `x.test.js`, `x.spec.ts`, `x-test.mjs`, `x_spec.js`, `test.js` … */
const TEST_FILE = /(?:^|[.\-_])(?:test|spec)s?\.[cm]?[jt]sx?$/i;
/** A command that does nothing: npm's placeholder, `echo …`, `exit 0`, `true`, `:`. */
const NO_OP = /^(?:echo\b.*|exit(?:\s+\d+)?|true|:|)$/i;

export const detector = defineDetector({
  meta: {
    id: 'noTests',
    version: 1,
    category: 'quality',
    severity: 'low',
    title: 'No tests',
    description: 'The package has code but no tests and no test script.',
  },
  package(pkg, report) {
    const hasCode = pkg.files.some(
      (f) => (f.kind === 'js' || f.kind === 'ts') && !/\.d\.[cm]?ts$/i.test(f.path),
    );
    if (!hasCode) return;
    if (pkg.files.some((f) => isTestFile(f.path))) return;
    const scripts = pkg.manifest?.scripts;
    const test =
      typeof scripts === 'object' && scripts !== null
        ? (scripts as Record<string, unknown>).test
        : undefined;
    if (typeof test === 'string' && !isNoOp(test)) return;
    const line = manifestKeyLine(pkg, 'scripts');
    report({
      message:
        typeof test === 'string'
          ? `the test script does nothing (${clip(test)}) and no tests are shipped`
          : 'no test script and no tests shipped',
      evidence: [
        typeof test === 'string'
          ? { file: 'package.json', line, snippet: `"test": ${JSON.stringify(clip(test))}` }
          : { file: 'package.json' },
      ],
    });
  },
});

export function isTestFile(path: string): boolean {
  const parts = path.split('/');
  const base = parts.pop() ?? '';
  return parts.some((p) => TEST_DIRS.has(p.toLowerCase())) || TEST_FILE.test(base);
}

/** Every `&&`, `||` or `;` separated part does nothing, or it is npm's placeholder. */
function isNoOp(command: string): boolean {
  if (/no test specified/i.test(command)) return true;
  return command.split(/&&|\|\||;/).every((part) => NO_OP.test(part.trim()));
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
