/**
 * longStrings: string literals of 5,000 characters or more in JS/TS code. Packers and droppers
 * carry their payload as one huge literal (base64, hex, an encrypted blob, a second script)
 * that a few lines of code decode and run; a long literal is where to look.
 *
 * Legitimate long literals exist (inlined fonts and images as `data:` URIs, wasm embedded by
 * emscripten, CSS or HTML templates, licence text), which is why this is a low-severity hint
 * rather than a verdict: props say what each one looks like (`data-uri`, `base64`, `hex`,
 * `text`) so a reader, or correlation, can weigh them. Linear: lengths come with the facts and
 * only the first 4 kB of a literal is inspected to describe it.
 */
import { at, defineDetector, type Evidence } from '../../analyzer/kit.js';

const MIN_LENGTH = 5_000;
const SAMPLE = 4_096;

function describe(value: string): string {
  const head = value.length > SAMPLE ? value.slice(0, SAMPLE) : value;
  if (/^data:[\w.+-]+\/[\w.+-]+/.test(head)) return 'data-uri';
  if (/^[0-9a-fA-F]+$/.test(head)) return 'hex';
  if (/^[A-Za-z0-9+/=_-]+$/.test(head)) return 'base64';
  if (/\\x[0-9a-f]{2}|[\u0080-\uffff]{64}/i.test(head)) return 'binary';
  return /\s/.test(head) ? 'text' : 'opaque';
}

export const detector = defineDetector({
  meta: {
    id: 'longStrings',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'low',
    title: 'Long strings',
    description: 'Very long string literals, where packed or encoded payloads are usually carried.',
  },
  js(file, facts, report) {
    const evidence: Evidence[] = [];
    const strings: { length: number; kind: string }[] = [];
    let count = 0;
    let longest = 0;
    for (const s of facts.strings) {
      if (s.folded === true) continue; // built by the code: how it looks means nothing
      if (s.value.length < MIN_LENGTH) continue;
      count++;
      longest = Math.max(longest, s.value.length);
      if (evidence.length < 5) {
        evidence.push(at(file, s.start, Math.min(s.end, s.start + 60)));
        strings.push({ length: s.value.length, kind: describe(s.value) });
      }
    }
    if (count === 0) return;
    report({
      message: 'contains very long string literals',
      evidence,
      props: { count, longest, strings },
    });
  },
});
