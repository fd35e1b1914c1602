/**
 * trivialPackage: the package's code is a few lines (fewer than TRIVIAL_LINES = 10 lines of
 * JavaScript/TypeScript in all, blank and comment-only lines not counted). A dependency that
 * small costs more than it gives: one more maintainer account that can be taken over, one more
 * name that can be squatted, for code the project could own. Type declarations (.d.ts) are not
 * code; packages without any code are emptyPackage's, not this detector's.
 */
import { defineDetector, type Evidence } from '../../analyzer/kit.js';

export const TRIVIAL_LINES = 10;
/** A handful of lines can still be a big minified bundle: over this many characters of code,
 * the package is not trivial whatever its line count. */
const TRIVIAL_CHARS = 1024;

export const detector = defineDetector({
  meta: {
    id: 'trivialPackage',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'middle',
    title: 'Trivial package',
    description: `The package has fewer than ${TRIVIAL_LINES} lines of code.`,
  },
  package(pkg, report) {
    let lines = 0;
    let chars = 0;
    const evidence: Evidence[] = [];
    const decoder = new TextDecoder('utf-8');
    for (const f of pkg.files) {
      if ((f.kind !== 'js' && f.kind !== 'ts') || /\.d\.[cm]?ts$/i.test(f.path)) continue;
      // Over the per-file limit: certainly not trivial.
      if (f.bytes === undefined || f.size > TRIVIAL_CHARS * 4) return;
      const text = decoder.decode(f.bytes);
      const loc = linesOfCode(text);
      lines += loc.lines;
      chars += loc.chars;
      if (lines >= TRIVIAL_LINES || chars > TRIVIAL_CHARS) return;
      if (evidence.length < 5)
        evidence.push({ file: f.path, snippet: `${loc.lines} lines of code` });
    }
    if (evidence.length === 0) return;
    report({
      message: `only ${lines} line${lines === 1 ? '' : 's'} of code`,
      evidence,
      props: { linesOfCode: lines },
    });
  },
});

/** Non-blank lines that are not only a comment (a simple line view, good enough to count). */
function linesOfCode(text: string): { lines: number; chars: number } {
  let lines = 0;
  let chars = 0;
  let inBlock = false;
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (inBlock) {
      const end = line.indexOf('*/');
      if (end === -1) continue;
      inBlock = false;
      line = line.slice(end + 2).trim();
    }
    if (line.startsWith('/*')) {
      const end = line.indexOf('*/', 2);
      if (end === -1) {
        inBlock = true;
        continue;
      }
      line = line.slice(end + 2).trim();
    }
    if (line === '' || line.startsWith('//') || line.startsWith('#!')) continue;
    lines++;
    chars += line.length;
  }
  return { lines, chars };
}
