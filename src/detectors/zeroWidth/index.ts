/**
 * zeroWidth: zero-width characters (ZWSP U+200B, ZWNJ U+200C, ZWJ U+200D, word joiner U+2060,
 * and U+FEFF past the byte-order mark) inside JS/TS code. Next to ASCII they make identifiers
 * and strings that look equal but are not (`admin` vs `admin\u200b`), hide a second variable
 * behind a familiar name, or carry data invisibly (runs of zero-width characters encoding bits).
 *
 * Scripts use two of them legitimately: ZWJ joins emoji sequences and ZWNJ shapes Persian or
 * Indic text. Those sit between non-ASCII characters, so a lone character is flagged only when
 * an ASCII character is on both sides (where no writing system needs it); a run of four or more
 * is flagged anywhere. A BOM at offset 0 is the file's encoding mark, not content.
 */
import { at, defineDetector, type Evidence } from '../../analyzer/kit.js';
import { hasNonAscii } from '../../analyzer/text.js';

// The class lists lone code points on purpose (joiners, selectors): that is what is searched.
// eslint-disable-next-line no-misleading-character-class
const ZERO_WIDTH = /[\u200b\u200c\u200d\u2060\ufeff]+/g;
const NAMES: Record<number, string> = {
  0x200b: 'ZWSP',
  0x200c: 'ZWNJ',
  0x200d: 'ZWJ',
  0x2060: 'WJ',
  0xfeff: 'ZWNBSP',
};
const MAX_EVIDENCE = 5;
/** A run this long is data, not typography, whatever surrounds it. */
const RUN = 4;

export const detector = defineDetector({
  meta: {
    id: 'zeroWidth',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'middle',
    title: 'Zero width unicode characters',
    description:
      'Code contains zero-width characters between ASCII characters, which make look-alike identifiers or hide data.',
  },
  file(file, report) {
    if (file.kind !== 'js' && file.kind !== 'ts') return;
    if (!hasNonAscii(file)) return; // pure ASCII text has none: no scan
    const text = file.text;
    const evidence: Evidence[] = [];
    const kinds = new Set<string>();
    let count = 0;
    let longestRun = 0;
    ZERO_WIDTH.lastIndex = 0;
    for (let m = ZERO_WIDTH.exec(text); m !== null; m = ZERO_WIDTH.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (start === 0 && m[0] === '\ufeff') continue; // byte-order mark
      const before = start > 0 ? text.charCodeAt(start - 1) : 0;
      const after = end < text.length ? text.charCodeAt(end) : 0;
      const asciiBoth = before > 0x20 && before < 0x7f && after > 0x20 && after < 0x7f;
      if (!asciiBoth && m[0].length < RUN) continue;
      count += m[0].length;
      longestRun = Math.max(longestRun, m[0].length);
      for (let i = 0; i < m[0].length && i < 8; i++) kinds.add(NAMES[m[0].charCodeAt(i)] ?? '?');
      if (evidence.length < MAX_EVIDENCE) {
        // Located at the character; the snippet shows the line around it, escaped.
        const e = at(file, start);
        const lineStart = start - ((e.column ?? 1) - 1);
        e.snippet = file.snippet(Math.max(lineStart, start - 30), end + 30);
        evidence.push(e);
      }
    }
    if (count === 0) return;
    report({
      message:
        longestRun >= RUN
          ? 'contains runs of zero-width characters (hidden data)'
          : 'contains zero-width characters inside code or identifiers',
      evidence,
      props: { count, longestRun, characters: [...kinds].sort() },
    });
  },
});
