/**
 * minifiedFile: JS/TS files that are minified (long lines, little whitespace), as the engine
 * judges once per file (`file.minified`, measured on the first 64 kB). A quality note, not a
 * risk: minified code cannot be reviewed, and a package that ships only minified code asks
 * its users to trust the build. Deliberate obfuscation is a different thing, raised by
 * obfuscatedFile; the two are kept apart so that every webpack, terser or esbuild bundle is
 * not called obfuscated.
 *
 * Confidence grows with the average line length over the same 64 kB sample, and is full for
 * a `.min.js` name, which states the fact.
 */
import { at, defineDetector } from '../../analyzer/kit.js';

const SAMPLE = 65_536;

export const detector = defineDetector({
  meta: {
    id: 'minifiedFile',
    version: 1,
    category: 'quality',
    severity: 'low',
    title: 'Minified code',
    description: 'The file is minified: long lines and little whitespace, hard to review.',
  },
  file(file, report) {
    if (!file.minified) return;
    const sample = file.text.length > SAMPLE ? file.text.slice(0, SAMPLE) : file.text;
    let lines = 1;
    for (let i = sample.indexOf('\n'); i !== -1; i = sample.indexOf('\n', i + 1)) lines++;
    const averageLine = sample.length / lines;
    const named = /\.min\.(c|m)?js$/i.test(file.path);
    const confidence = named ? 1 : Math.min(1, 0.6 + averageLine / 5_000);
    report({
      message: 'minified code',
      confidence: Math.round(confidence * 100) / 100,
      evidence: [at(file, 0, 80)],
      props: {
        confidence: Math.round(confidence * 100) / 100,
        averageLine: Math.round(averageLine),
      },
    });
  },
});
