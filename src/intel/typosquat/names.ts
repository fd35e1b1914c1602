/**
 * The normal forms a package name is compared under. Each typo-squat technique is "two names
 * that differ only in X", so each gets a form that erases X; two names with equal forms (and
 * different spellings) are one technique apart:
 *
 * - `lower`: case folded: the form edit distances are measured on.
 * - `sepless`: also without `-`, `_`, `.`: `lodash.merge` = `lodashmerge` = `lodash_merge`.
 * - `skeleton`: sepless with look-alike glyphs folded (`rn`→`m`, `vv`→`w`, `cl`→`d`, `1`/`I`→`l`,
 *   `0`→`o`): `rnoment` and `moment` share one.
 * - `wordKey`: the words sorted: `parser-body` and `body-parser` share one.
 * - affixes: the decorative words squatters add (`node-`, `-js`, `.js`, `js`, a version digit).
 *
 * Callers validate names first (isPackageName), so every form works on URL-safe ASCII: the
 * registry refuses other names, so a Cyrillic `а` in a name cannot reach an install.
 */

/** npm's naming rules, loosely (old packages may have capitals), as src/registry checks them. */
const NAME = /^(?:@[a-z0-9][\w.~-]*\/)?[a-z0-9~][\w.~-]*$/i;
/** npm's own limit on a name's length; anything longer is not a package name. */
export const MAX_NAME_LENGTH = 214;

/** Whether `name` can be an npm package name (so every later step may assume ASCII). */
export function isPackageName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    name.length <= MAX_NAME_LENGTH &&
    NAME.test(name) &&
    !name.includes('..')
  );
}

export interface SplitName {
  /** Scope without `@`, case-folded; undefined for unscoped names. */
  scope: string | undefined;
  /** The name after the scope (or the whole name), case-folded. */
  bare: string;
}

/** Splits `@scope/bare` (or `bare`) and folds both parts with {@link lowerForm}. */
export function splitName(name: string): SplitName {
  if (name.startsWith('@')) {
    const slash = name.indexOf('/');
    return { scope: lowerForm(name.slice(1, slash)), bare: lowerForm(name.slice(slash + 1)) };
  }
  return { scope: undefined, bare: lowerForm(name) };
}

const SEPARATORS = /[-_.]+/g;

/** Case folded: the form every technique starts from. */
export function lowerForm(name: string): string {
  return name.toLowerCase();
}

/** `lower` without separators. */
export function seplessForm(lower: string): string {
  return lower.replace(SEPARATORS, '');
}

/**
 * Look-alikes, as a squatter types them. Decided: only pairs that read the same in common
 * monospace and proportional fonts; leetspeak (`3`→`e`, `4`→`a`) is a different trick that
 * edit distance already covers for names long enough to judge, and folding it would merge
 * legitimate versioned names (`es2015`, `d3`, `web3`).
 */
const MULTI_GLYPHS: readonly (readonly [RegExp, string])[] = [
  [/rn/g, 'm'],
  [/vv/g, 'w'],
  [/cl/g, 'd'],
];

/**
 * Sepless with look-alike glyphs folded. Takes the name before case folding, because the
 * capital `I` passes for `l` while the small `i` does not.
 */
export function skeletonForm(name: string): string {
  let s = name.replace(/I/g, 'l').toLowerCase().replace(SEPARATORS, '');
  if (!GLYPH_HINT.test(s)) return s;
  s = s.replace(/1/g, 'l').replace(/0/g, 'o');
  for (const [pattern, replacement] of MULTI_GLYPHS) s = s.replace(pattern, replacement);
  return s;
}
/** Cheap pre-test: most names hold no look-alike at all. */
const GLYPH_HINT = /[10]|rn|vv|cl/;

/** The words of `lower`, sorted and joined, when it has two or more words; else undefined. */
export function wordKey(lower: string): string | undefined {
  if (!/[-_.]/.test(lower)) return undefined;
  const words = lower.split(SEPARATORS).filter((w) => w.length > 0);
  if (words.length < 2) return undefined;
  return words.sort().join('-');
}

/**
 * Words squatters put around a real name to make a plausible "port" or "wrapper". Decided:
 * only the brief's runtime markers. Broader ones (`-cli`, `-utils`, `-core`) name real,
 * different packages far more often than squats.
 */
const RUNTIME_WORDS = ['nodejs', 'node', 'js'] as const;
const VERSION_SUFFIX = /^(.*[a-z])[-_.]?\d{1,2}$/;

export interface AffixReading {
  /** What is left once the affixes are removed, sepless. */
  core: string;
  /** Whether an affix is glued on without a separator (`lodashjs`, `nodefoo`). */
  glued: boolean;
  /** Whether the affix is a trailing version number (`typescript3`, `chartjs-2`). */
  version: boolean;
}

/**
 * Every way of reading `lower` as decoration around a core: a runtime prefix, a runtime
 * suffix, both, or a trailing version number. A glued prefix (`nodefoo`) is read too, which
 * is why callers accept a reading only when its core is exactly a popular name: `nodemon` is
 * not `mon` dressed up, because `mon` is not popular.
 */
export function affixReadings(lower: string): AffixReading[] {
  const out: AffixReading[] = [];
  const heads = [{ rest: lower, prefixed: false, glued: false }];
  for (const word of RUNTIME_WORDS) {
    if (lower.length <= word.length + 1 || !lower.startsWith(word)) continue;
    const separated = isSeparator(lower[word.length]);
    heads.push({
      rest: lower.slice(word.length + (separated ? 1 : 0)),
      prefixed: true,
      glued: !separated,
    });
  }
  for (const { rest, prefixed, glued } of heads) {
    if (prefixed) pushReading(out, rest, glued, false);
    for (const word of RUNTIME_WORDS) {
      if (rest.length <= word.length + 1 || !rest.endsWith(word)) continue;
      const separated = isSeparator(rest[rest.length - word.length - 1]);
      const core = rest.slice(0, rest.length - word.length - (separated ? 1 : 0));
      pushReading(out, core, glued || !separated, false);
    }
    const version = VERSION_SUFFIX.exec(rest);
    if (version) pushReading(out, version[1] as string, glued, true);
  }
  return out;
}

function isSeparator(ch: string | undefined): boolean {
  return ch === '-' || ch === '_' || ch === '.';
}

function pushReading(out: AffixReading[], rest: string, glued: boolean, version: boolean): void {
  const core = seplessForm(rest);
  if (core.length >= 2) out.push({ core, glued, version });
}
