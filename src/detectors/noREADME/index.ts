/**
 * noREADME: the package ships no README at its root, or one too short to say anything (a
 * title at most). A README is where a package says what it does and how to use it; without
 * one, the consumer has to read the code to learn either. A README in a subfolder does not
 * count (npm shows only the root one), but a `readme` string in package.json does (old npm
 * versions copied the README there).
 */
import { defineDetector } from '../../analyzer/kit.js';

/** `README`, `readme.md`, `README.markdown`, `Readme.txt`, `README.zh-CN.md`, … */
const README = /^readme(?:[.\-_][\w.-]*)?$/i;
/** Fewer non-blank characters than this is a title at most (`# my-package`). */
export const MIN_README_CHARS = 20;
/** What old npm versions wrote into package.json when a package had no README. */
const NO_README_PLACEHOLDER = 'ERROR: No README data found!';

export const detector = defineDetector({
  meta: {
    id: 'noREADME',
    version: 1,
    category: 'quality',
    severity: 'low',
    title: 'No README',
    description: `The package has no README (or one under ${MIN_README_CHARS} characters).`,
  },
  package(pkg, report) {
    const decoder = new TextDecoder('utf-8');
    const readmes = pkg.files.filter((f) => README.test(f.path));
    const sizes: { path: string; chars: number }[] = [];
    for (const f of readmes) {
      // Over the per-file limit: certainly long enough.
      if (f.bytes === undefined) return;
      const chars = substantiveChars(decoder.decode(f.bytes));
      if (chars >= MIN_README_CHARS) return;
      sizes.push({ path: f.path, chars });
    }
    const inManifest = pkg.manifest?.readme;
    if (
      typeof inManifest === 'string' &&
      inManifest.trim() !== NO_README_PLACEHOLDER &&
      substantiveChars(inManifest) >= MIN_README_CHARS
    )
      return;
    if (sizes.length === 0) {
      report({
        message: 'no README at the package root',
        evidence: [{ file: 'package.json' }],
      });
      return;
    }
    report({
      message: `${sizes.map((s) => `${s.path} has ${s.chars} characters`).join(', ')}: no documentation`,
      evidence: sizes.map((s) => ({ file: s.path, snippet: `${s.chars} non-blank characters` })),
      props: { readmeChars: Math.max(...sizes.map((s) => s.chars)) },
    });
  },
});

function substantiveChars(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x20) count++;
  return count;
}
