/**
 * invisibleChars: invisible characters other than bidi controls and zero-width characters
 * (their own detectors) in JS/TS code: Hangul fillers (U+3164, U+FFA0, U+115F, U+1160), which
 * JavaScript accepts as identifier letters and so make an invisible variable name (the
 * "invisible backdoor": `const { timeout, ㅤ } = req.query` then `exec(ㅤ)`), invisible math
 * operators, deprecated format controls, interlinear annotation marks, Unicode tag characters
 * and variation selectors, which recent malware uses to smuggle a payload as a string that
 * looks empty.
 *
 * Legitimate text uses some of them, so each has its context rule: Hangul fillers are fine
 * between Hangul letters; variation selectors follow emoji and keycaps (`1\ufe0f\u20e3`), tags
 * follow the black flag of subdivision flags; the combining grapheme joiner, Mongolian vowel
 * separator and Khmer inherent vowels are flagged only with ASCII on both sides. A run of four
 * or more selector or tag characters is data whatever surrounds it.
 *
 * One regex pass over the text (UTF-16 code units, no backtracking): linear on any input, and
 * none for pure ASCII text.
 */
import { at, defineDetector, type Evidence } from '../../analyzer/kit.js';
import { hasNonAscii } from '../../analyzer/text.js';

// The class lists lone code points on purpose (joiners, selectors): that is what is searched.
const INVISIBLE =
  // eslint-disable-next-line no-misleading-character-class
  /(?:[\u034f\u115f\u1160\u17b4\u17b5\u180e\u2061-\u2064\u206a-\u206f\u3164\ufe00-\ufe0f\uffa0\ufff9-\ufffb]|\udb40[\udc00-\udc7f\udd00-\uddef])+/g;
const MAX_EVIDENCE = 5;
const RUN = 4;

type Kind = 'hangul-filler' | 'variation-selector' | 'tag' | 'contextual' | 'format';

function kindOf(c: number): Kind {
  if (c === 0x3164 || c === 0xffa0 || c === 0x115f || c === 0x1160) return 'hangul-filler';
  if ((c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xe0100 && c <= 0xe01ef)) return 'variation-selector';
  if (c >= 0xe0000 && c <= 0xe007f) return 'tag';
  if (c === 0x034f || c === 0x180e || c === 0x17b4 || c === 0x17b5) return 'contextual';
  return 'format';
}

const isAscii = (c: number): boolean => c > 0x20 && c < 0x7f;
const isHangul = (c: number): boolean =>
  (c >= 0xac00 && c <= 0xd7a3) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f);

export const detector = defineDetector({
  meta: {
    id: 'invisibleChars',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'middle',
    title: 'Invisible characters',
    description:
      'Code contains invisible characters (Hangul fillers, tags, variation selectors, format controls) used as identifiers or to hide data.',
  },
  file(file, report) {
    if (file.kind !== 'js' && file.kind !== 'ts') return;
    if (!hasNonAscii(file)) return; // pure ASCII text has none: no scan
    const text = file.text;
    const evidence: Evidence[] = [];
    const kinds = new Set<string>();
    let count = 0;
    let longestRun = 0;
    INVISIBLE.lastIndex = 0;
    for (let m = INVISIBLE.exec(text); m !== null; m = INVISIBLE.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      const before = start > 0 ? text.charCodeAt(start - 1) : 0;
      const after = end < text.length ? text.charCodeAt(end) : 0;
      // Code points of the run (bounded: only the first few decide its kind).
      const points: number[] = [];
      for (let i = 0; i < m[0].length && points.length < 64;) {
        const cp = m[0].codePointAt(i) as number;
        points.push(cp);
        i += cp > 0xffff ? 2 : 1;
      }
      const first = kindOf(points[0] as number);
      const run = m[0].length >= RUN * 2 || points.length >= RUN;
      let flagged: boolean;
      if (first === 'tag' && before === 0xdff4 && text.charCodeAt(start - 2) === 0xd83c)
        flagged = false; // 🏴 + tag letters: a subdivision flag emoji
      else if (run) flagged = true;
      else if (first === 'variation-selector')
        flagged = isAscii(before) && after !== 0x20e3 && !/[0-9#*]/.test(text[start - 1] ?? '');
      else if (first === 'hangul-filler') flagged = !(isHangul(before) && isHangul(after));
      else if (first === 'contextual') flagged = isAscii(before) && isAscii(after);
      else flagged = true;
      if (!flagged) continue;
      count += points.length;
      longestRun = Math.max(longestRun, points.length);
      for (const p of points) kinds.add(kindOf(p));
      if (evidence.length < MAX_EVIDENCE) {
        const e = at(file, start);
        const lineStart = start - ((e.column ?? 1) - 1);
        // The engine's sanitiser does not know every selector and tag: escape them here.
        e.snippet = file
          .snippet(Math.max(lineStart, start - 30), Math.min(end, start + 40) + 30)
          .replace(
            // eslint-disable-next-line no-misleading-character-class
            /[\u{fe00}-\u{fe0f}\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/gu,
            (c) => `\\u{${(c.codePointAt(0) as number).toString(16)}}`,
          );
        evidence.push(e);
      }
    }
    if (count === 0) return;
    report({
      message:
        longestRun >= RUN
          ? 'contains runs of invisible characters (hidden data)'
          : 'contains invisible characters in code',
      evidence,
      props: { count, longestRun, kinds: [...kinds].sort() },
    });
  },
});
