/**
 * obfuscatedFile: code shaped by an obfuscator, as opposed to a minifier. Minifiers shorten
 * code and every bundle on npm is minified; obfuscators make code unreadable on purpose, and
 * their output carries marks no minifier leaves:
 *
 *   hex-identifiers   names like `_0x3f2a1c` (javascript-obfuscator's default renaming)
 *   string-array      a string array rotated at start-up: `arr['push'](arr['shift']())`, or
 *                     `.push(x.shift())` right after `parseInt(` arithmetic
 *   hex-escapes       printable ASCII written as `\x68\x65\x6c` or `\u0068`, in runs (a
 *                     minifier prints "hel"; escapes are kept only for control characters)
 *   jsfuck            long runs of nothing but `[]()!+` (JSFuck and friends)
 *   packer            `eval(function(p,a,c,k,e,d)…` (Dean Edwards' packer) and jjencode
 *   hex-index-calls   many calls like `_0xa(0x1f3)` / `b(0x1a4,'xyz')`, the string-array
 *                     accessor left when names are mangled; supporting evidence only
 *
 * Each mark has a weight; confidence is 1 − Π(1 − weight) and the file is reported from 0.5.
 * Calibrated on negatives: webpack/terser/esbuild bundles (short names, `!0`, `void 0`, no
 * hex escapes of printable text) and emscripten glue (HEAP views, `Module["…"]` exports,
 * `\x00` escapes) raise no mark. Every scan is a single linear pass; regexes have no nested
 * quantifiers and bounded repeats.
 *
 * The alert carries `signals: ['obfuscated']`, which correlation pairs with eval or shell use.
 */
import { at, defineDetector, type Evidence } from '../../analyzer/kit.js';

interface Mark {
  name: string;
  weight: number;
  at: number;
  detail?: string;
}

const ROTATE_BRACKET =
  /\[\s*(['"])push\1\s*\]\s*\(\s*[\w$]{1,40}\s*\[\s*(['"])shift\2\s*\]\s*\(\s*\)\s*\)/;
const ROTATE_DOT = /\.push\(\s*[\w$]{1,40}\.shift\(\)\s*\)/g;
const PRINTABLE_ESCAPE_RUN = /(?:\\x[2-7][0-9a-fA-F]|\\u00[2-7][0-9a-fA-F]){3,}/g;
const PACKER = /eval\s*\(\s*function\s*\(\s*p\s*,\s*a\s*,\s*c\s*,\s*k\s*,\s*e\s*,\s*[dr]\s*\)/;
// Anchored on a rare character (`~`, `(0x`) so no scan starts at every word character.
const JJENCODE = /~\s*\[\s*\]\s*;\s*[\w$]{1,8}\s*=\s*\{\s*___\s*:\s*\+\+/;
const HEX_INDEX_CALL = /[\w$]\(\s*0x[0-9a-fA-F]{1,4}\s*(?:,\s*['"][^'"\n]{0,8}['"]\s*)?\)/g;

/**
 * The longest run of `[]()!+` and where it starts, when it is at least JSFUCK_RUN long (the
 * mark's threshold); `longest` is 0 otherwise. A run that long contains two positions 100 apart
 * that are multiples of 100 and everything between them, so the text is first probed there,
 * reading at most a hundred characters per probe and usually one; the exact scan runs only
 * behind a hundred such characters in a row, which no ordinary code has.
 */
const JSFUCK_RUN = 200;
const PROBE = JSFUCK_RUN / 2;
function jsfuck(text: string): { longest: number; at: number } {
  let candidate = false;
  for (let p = 0; p + PROBE < text.length && !candidate; p += PROBE) {
    let i = p;
    while (i <= p + PROBE && isJsfuckChar(text.charCodeAt(i))) i++;
    candidate = i > p + PROBE;
  }
  if (!candidate) return { longest: 0, at: 0 };
  let run = 0;
  let longest = 0;
  let where = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isJsfuckChar(c)) {
      run++;
      if (run > longest) {
        longest = run;
        where = i - run + 1;
      }
    } else run = 0;
  }
  return { longest, at: where };
}

/** [ ] ( ) ! + */
function isJsfuckChar(c: number): boolean {
  return c === 0x5b || c === 0x5d || c === 0x28 || c === 0x29 || c === 0x21 || c === 0x2b;
}

/*
 * Each regex below is tried only when the text holds a literal piece every match must contain
 * (`'push'`, `.shift()`, `\\x`, `eval`, `___`): indexOf is a native scan, far cheaper than a
 * regex scan, and nearly every file lacks those pieces. The outcome is the regex's own.
 */
function marks(text: string, hexNamed: number, identifiers: number): Mark[] {
  const found: Mark[] = [];
  if (hexNamed >= 5 && hexNamed / Math.max(1, identifiers) >= 0.03) {
    const i = text.search(/\b_0x[0-9a-f]{3,}\b/i);
    found.push({ name: 'hex-identifiers', weight: 0.7, at: Math.max(0, i), detail: `${hexNamed}` });
  }
  const bracket =
    (text.includes("'push'") || text.includes('"push"')) &&
    (text.includes("'shift'") || text.includes('"shift"'))
      ? ROTATE_BRACKET.exec(text)
      : null;
  if (bracket !== null) found.push({ name: 'string-array', weight: 0.7, at: bracket.index });
  else if (text.includes('.shift()') && text.includes('parseInt(')) {
    ROTATE_DOT.lastIndex = 0;
    for (let m = ROTATE_DOT.exec(text); m !== null; m = ROTATE_DOT.exec(text)) {
      // The rotation loop compares a parseInt() checksum just before the push/shift.
      if (text.slice(Math.max(0, m.index - 300), m.index).includes('parseInt(')) {
        found.push({ name: 'string-array', weight: 0.6, at: m.index });
        break;
      }
    }
  }
  let runs = 0;
  let escapes = 0;
  let firstRun = -1;
  PRINTABLE_ESCAPE_RUN.lastIndex = 0;
  const escaped = text.includes('\\x') || text.includes('\\u00');
  for (
    let m = escaped ? PRINTABLE_ESCAPE_RUN.exec(text) : null;
    m !== null;
    m = PRINTABLE_ESCAPE_RUN.exec(text)
  ) {
    runs++;
    escapes += m[0].split('\\').length - 1;
    if (firstRun < 0) firstRun = m.index;
  }
  if (runs >= 3 && escapes >= 24)
    found.push({
      name: 'hex-escapes',
      weight: escapes >= 100 ? 0.8 : 0.6,
      at: firstRun,
      detail: `${escapes}`,
    });
  const fuck = jsfuck(text);
  if (fuck.longest >= JSFUCK_RUN)
    found.push({ name: 'jsfuck', weight: 0.95, at: fuck.at, detail: `${fuck.longest}` });
  const packed =
    (text.includes('eval') ? PACKER.exec(text) : null) ??
    (text.includes('___') ? JJENCODE.exec(text) : null);
  if (packed !== null) found.push({ name: 'packer', weight: 0.9, at: packed.index });
  if (found.length > 0) {
    // Supporting only: string-array accessors called with hex indices.
    let calls = 0;
    HEX_INDEX_CALL.lastIndex = 0;
    for (let m = HEX_INDEX_CALL.exec(text); m !== null && calls < 50; m = HEX_INDEX_CALL.exec(text))
      calls++;
    if (calls >= 20)
      found.push({ name: 'hex-index-calls', weight: 0.3, at: 0, detail: `${calls}` });
  }
  return found;
}

export const detector = defineDetector({
  meta: {
    id: 'obfuscatedFile',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'high',
    title: 'Obfuscated code',
    description:
      'The file looks deliberately obfuscated (obfuscator names, string-array rotation, hex-escaped text, JSFuck, packers).',
  },
  js(file, facts, report) {
    const found = marks(file.text, facts.identifiers.hexNamed, facts.identifiers.total);
    if (found.length === 0) return;
    const confidence = 1 - found.reduce((p, m) => p * (1 - m.weight), 1);
    if (confidence < 0.5) return;
    const rounded = Math.round(confidence * 100) / 100;
    const evidence: Evidence[] = found
      .filter((m) => m.name !== 'hex-index-calls')
      .map((m) => at(file, m.at, m.at + 80));
    report({
      message: 'obfuscated code',
      confidence: rounded,
      severity: confidence >= 0.8 ? 'high' : 'middle',
      evidence,
      props: {
        confidence: rounded,
        notes: found.map((m) => (m.detail === undefined ? m.name : `${m.name} (${m.detail})`)),
        signals: ['obfuscated'],
      },
    });
  },
});
