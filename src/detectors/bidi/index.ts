/**
 * bidi: Unicode bidirectional control characters (embeddings, overrides and isolates, U+202A–
 * U+202E and U+2066–U+2069) in JS/TS source. These reorder how a line is displayed without
 * changing what the parser reads, so a reviewer sees one program and Node runs another
 * ("Trojan Source", CVE-2021-42574): a comment that visually closes early, a string that seems
 * to end before a `return`. Code has no need for them as raw characters: text that needs them
 * writes the `\u202e` escape, which this detector does not flag.
 *
 * One pass with a single character-class regex: linear on any input, and none at all for pure
 * ASCII text (most files), which the engine knows from the bytes.
 */
import { at, defineDetector, type Evidence } from '../../analyzer/kit.js';
import { hasNonAscii } from '../../analyzer/text.js';

const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
const NAMES: Record<number, string> = {
  0x202a: 'LRE',
  0x202b: 'RLE',
  0x202c: 'PDF',
  0x202d: 'LRO',
  0x202e: 'RLO',
  0x2066: 'LRI',
  0x2067: 'RLI',
  0x2068: 'FSI',
  0x2069: 'PDI',
};
const MAX_EVIDENCE = 5;

export const detector = defineDetector({
  meta: {
    id: 'bidi',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'high',
    title: 'Bidirectional unicode control characters',
    description:
      'Source code contains raw bidi control characters that can make it display differently from how it runs (Trojan Source).',
  },
  file(file, report) {
    if (file.kind !== 'js' && file.kind !== 'ts') return;
    if (!hasNonAscii(file)) return; // every bidi control is above U+007F
    const evidence: Evidence[] = [];
    const kinds = new Set<string>();
    let count = 0;
    let lastLine = 0;
    BIDI.lastIndex = 0;
    for (let m = BIDI.exec(file.text); m !== null; m = BIDI.exec(file.text)) {
      count++;
      kinds.add(NAMES[m[0].charCodeAt(0)] ?? 'bidi');
      // The snippet starts a little before the character so the reordered context shows.
      if (evidence.length < MAX_EVIDENCE) {
        const e = at(file, m.index);
        if (e.line === lastLine) continue; // one place per line: the first control on it
        lastLine = e.line ?? 0;
        const lineStart = m.index - ((e.column ?? 1) - 1);
        e.snippet = file.snippet(Math.max(lineStart, m.index - 40), m.index + 40);
        evidence.push(e);
      }
    }
    if (count === 0) return;
    report({
      message: 'contains bidirectional control characters',
      evidence,
      props: { count, characters: [...kinds].sort() },
    });
  },
});
