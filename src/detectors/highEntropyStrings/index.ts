/**
 * highEntropyStrings: string literals whose characters look random: encrypted or compressed
 * payloads, keys and tokens embedded in code. Measured with Shannon entropy over the literal's
 * characters (bits per character) on literals of 32+ characters without whitespace.
 *
 * What is skipped, because ordinary packages are full of it: `data:` URIs (inlined assets),
 * integrity strings (`sha512-…`), bare hex digests of the usual hash lengths (32, 40, 56, 64,
 * 96, 128 hex digits), UUIDs, alphabet tables (`ABC…xyz0123…`: mostly consecutive characters),
 * URLs, and text with non-ASCII characters (other scripts, Unicode tables). Bounded: at most
 * 4 kB of each literal and 20,000 literals per file (the facts cap) are measured.
 */
import { at, defineDetector, type Evidence } from '../../analyzer/kit.js';

const MIN_LENGTH = 32;
const SAMPLE = 4_096;
const HASH_HEX_LENGTHS = new Set([32, 40, 56, 64, 96, 128]);
const MAX_SAMPLES = 5;

export function entropy(s: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** The entropy a literal of this alphabet must reach to look random (its maximum less a margin). */
function threshold(s: string): number | undefined {
  if (/^[0-9a-fA-F]+$/.test(s)) return HASH_HEX_LENGTHS.has(s.length) ? undefined : 3.7;
  if (/^[A-Za-z0-9+/=_-]+$/.test(s)) return Math.min(5.0, Math.log2(s.length) - 0.4);
  return Math.min(5.2, Math.log2(s.length) - 0.4);
}

function skipped(s: string): boolean {
  if (/[\s\u0080-\uffff]/.test(s)) return true; // prose, other scripts, unicode tables
  if (/^data:|^(sha1|sha256|sha384|sha512)-|^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return true;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)) return true;
  // Alphabet tables: most neighbours are consecutive code points.
  let runs = 0;
  for (let i = 1; i < s.length; i++) if (s.charCodeAt(i) === s.charCodeAt(i - 1) + 1) runs++;
  return runs > s.length / 2;
}

export const detector = defineDetector({
  meta: {
    id: 'highEntropyStrings',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'low',
    title: 'High entropy strings',
    description:
      'String literals that look random: encrypted or packed payloads, embedded keys or tokens.',
  },
  js(file, facts, report) {
    const evidence: Evidence[] = [];
    const samples: { preview: string; length: number; entropy: number }[] = [];
    let count = 0;
    for (const s of facts.strings) {
      if (s.folded === true) continue; // built by the code: how it looks means nothing
      if (s.value.length < MIN_LENGTH) continue;
      const value = s.value.length > SAMPLE ? s.value.slice(0, SAMPLE) : s.value;
      if (skipped(value)) continue;
      const limit = threshold(value);
      if (limit === undefined) continue;
      const h = entropy(value);
      if (h < limit) continue;
      count++;
      if (samples.length < MAX_SAMPLES) {
        // Only a prefix: the literal may be a live secret.
        evidence.push(at(file, s.start, Math.min(s.end, s.start + 24)));
        samples.push({
          preview: `${value.slice(0, 12)}…`,
          length: s.value.length,
          entropy: Math.round(h * 100) / 100,
        });
      }
    }
    if (count === 0) return;
    report({
      message: 'contains high-entropy string literals',
      evidence,
      props: { count, strings: samples },
    });
  },
});
